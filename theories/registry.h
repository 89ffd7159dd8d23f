// The registry of theory plug-ins. A theory registers itself with one line in its .cc file:
//
//   SCALEBENCH_REGISTER_THEORY(MyTheory);
//
// Registration never throws during static initialisation: problems (duplicate names, missing
// citation, empty axes, ...) are recorded and reported by TheoryRegistry::StartupErrors(), which
// every executable checks first. Theories are compiled into an OBJECT library so that the linker
// cannot drop them (tests/conformance checks the registered count).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace scalebench {

class Theory;
struct TheoryInfo;
class Prediction;
class PredictionRequest;

class TheoryRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Theory>()>;

  static TheoryRegistry& Global();

  // Called by TheoryRegistrar; records problems instead of throwing.
  void Add(const std::function<TheoryInfo()>& describe, Factory factory);

  // Sorted names of all registered theories.
  std::vector<std::string> Names() const;
  // nullptr for an unknown name.
  const TheoryInfo* Find(const std::string& name) const;
  // Returns nullptr and fills *error with "Unknown theory 'x'. Registered theories: ..." for an
  // unknown name.
  std::unique_ptr<Theory> Create(const std::string& name, std::string* error) const;
  // Problems recorded during registration, one line each; empty when all is well.
  const std::vector<std::string>& StartupErrors() const { return startup_errors_; }

 private:
  struct Entry;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  std::vector<std::string> startup_errors_;
};

// The single entry point through which the harness (and the conformance kit) runs a theory:
// checks declared inputs (NotApplicable "missing input: ..."), catches anything thrown (Failed),
// and checks the result (finite exponent, declared axis, curve length).
Prediction RunTheory(const Theory& theory,
                     const TheoryInfo& info,
                     const PredictionRequest& request);

template <typename T>
class TheoryRegistrar {
 public:
  TheoryRegistrar() {
    static_assert(std::is_base_of_v<Theory, T>, "A registered theory must derive from Theory.");
    static_assert(std::is_final_v<T>, "A registered theory must be declared final.");
    TheoryRegistry::Global().Add([] { return T::Describe(); },
                                 [] { return std::unique_ptr<Theory>(new T()); });
  }
};

}  // namespace scalebench

#define SCALEBENCH_CONCAT_INNER(a, b) a##b
#define SCALEBENCH_CONCAT(a, b) SCALEBENCH_CONCAT_INNER(a, b)
#define SCALEBENCH_REGISTER_THEORY(TheoryClass)                                                    \
  namespace {                                                                                      \
  const ::scalebench::TheoryRegistrar<TheoryClass> SCALEBENCH_CONCAT(scalebench_theory_registrar_, \
                                                                     __COUNTER__);                 \
  }                                                                                                \
  static_assert(true, "")
