// placeholder: implemented by the theories work
