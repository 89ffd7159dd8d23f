# scalebench_add_theory(<family>/<variant>): adds theories/<family>/<variant>.cc to the OBJECT
# library of theory plug-ins and counts it, so that a test can check that the linker kept every
# registration (SCALEBENCH_EXPECTED_THEORY_COUNT).
set_property(GLOBAL PROPERTY SCALEBENCH_THEORY_SOURCES "")
function(scalebench_add_theory path)
  set(file "${PROJECT_SOURCE_DIR}/theories/${path}.cc")
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "scalebench_add_theory(${path}): ${file} does not exist")
  endif()
  set_property(GLOBAL APPEND PROPERTY SCALEBENCH_THEORY_SOURCES "${file}")
endfunction()

# scalebench_readme_example(<readme> <name> <output>): extracts the C++ block between the
# markers "<!-- <name>-example:begin -->" and "<!-- <name>-example:end -->" of the README into
# <output>, so that the README's worked examples are real, registered, tested code.
function(scalebench_readme_example readme name output)
  file(READ "${readme}" text)
  string(FIND "${text}" "<!-- ${name}-example:begin -->" begin)
  string(FIND "${text}" "<!-- ${name}-example:end -->" end)
  if(begin EQUAL -1 OR end EQUAL -1)
    message(FATAL_ERROR "${readme}: ${name}-example markers not found")
  endif()
  math(EXPR len "${end} - ${begin}")
  string(SUBSTRING "${text}" ${begin} ${len} block)
  string(REGEX REPLACE "^[^\n]*\n```cpp\n" "" block "${block}")
  string(REGEX REPLACE "```[ \n]*$" "" block "${block}")
  file(WRITE "${output}.tmp" "// Generated from ${readme}; edit the README, not this file.\n${block}")
  configure_file("${output}.tmp" "${output}" COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${readme}")
endfunction()

# scalebench_add_readme_theory(<readme> <output>): the README's "Add a theory" example, compiled
# and counted as a theory plug-in.
function(scalebench_add_readme_theory readme output)
  scalebench_readme_example("${readme}" theory "${output}")
  set_property(GLOBAL APPEND PROPERTY SCALEBENCH_THEORY_SOURCES "${output}")
endfunction()

# scalebench_link_all(<target>): links everything an executable needs. The OBJECT libraries of
# theory and target plug-ins are linked directly, so their objects (and registrations) are kept.
# OpenBLAS (the OpenMP build) comes first so that its BLAS symbols win over ATLAS's, and the
# executable gets a DT_RPATH to its folder (see the top-level CMakeLists). The wait-policy object
# sets OMP_WAIT_POLICY before libgomp starts (harness/threads/wait_policy.h).
function(scalebench_link_all target)
  # --no-as-needed: nothing in the executable itself calls OpenBLAS, and the linker would drop it.
  # --disable-new-dtags: DT_RPATH, which also applies to the libraries' own dependencies.
  # The RPATH is given to the linker directly (CMake's own would warn that the folder hides the
  # system's liblapack.so.3 and libblas.so.3, which is its purpose).
  target_link_options(${target} PRIVATE "LINKER:--no-as-needed" "LINKER:--disable-new-dtags"
                      "LINKER:-rpath,${SCALEBENCH_OPENBLAS_DIR}")
  set_target_properties(${target} PROPERTIES SKIP_BUILD_RPATH ON)
  target_link_libraries(${target} PRIVATE ${SCALEBENCH_OPENBLAS_OPENMP} scalebench_wait_policy
    scalebench_theories scalebench_targets scalebench_harness scalebench_fit
    scalebench_datasets scalebench_core)
endfunction()
