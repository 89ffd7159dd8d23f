// How scalebench's threads wait, and which BLAS they share a pool with.
//
// Every executable linked with scalebench_link_all (the CLI, the tests, the benchmarks) starts
// with libgomp's passive wait policy: a thread that waits for work or at a barrier sleeps on a
// futex at once instead of spinning for ~3 ms (libgomp's default, GOMP_SPINCOUNT = 300000) or
// forever (OMP_WAIT_POLICY=active). On a machine whose cores another process also wants, a
// spinning thread holds the core its partner needs to finish, so every parallel loop waits a
// scheduler time slice; with passive waiting the partner takes the freed core. BLAS calls share
// the same pool: OpenBLAS is the OpenMP build (see the top-level CMakeLists).
//
// How: libgomp reads OMP_WAIT_POLICY once, in its initialiser, before main and before any
// constructor of ours. An entry of the executable's .preinit_array (run by the dynamic loader
// before the initialiser of any shared library) sets OMP_WAIT_POLICY=PASSIVE unless the
// environment already sets OMP_WAIT_POLICY or GOMP_SPINCOUNT, which then win (e.g.
// `OMP_WAIT_POLICY=active scalebench ...` for a machine of one's own).
//
// Checks: `OMP_DISPLAY_ENV=verbose scalebench --help` prints libgomp's settings
// (GOMP_SPINCOUNT = '0' under the passive policy); tests/harness/threads_test.cc checks both.
#pragma once

#include <string>

namespace scalebench {

// "openmp", "pthreads" or "sequential": how the loaded OpenBLAS runs its threads
// (openblas_get_parallel()).
std::string OpenBlasThreading();

// The OMP_WAIT_POLICY and GOMP_SPINCOUNT this process was started with, as "OMP_WAIT_POLICY=...
// GOMP_SPINCOUNT=..." ("unset" for a variable that is not set).
std::string WaitPolicyEnvironment();

}  // namespace scalebench
