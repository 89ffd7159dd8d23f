// How scalebench's threads wait (harness/threads/wait_policy.h): OpenBLAS is the OpenMP build, and
// the executables start with libgomp's passive wait policy even when the environment does not
// ask for it, as libgomp itself reports (OMP_DISPLAY_ENV=verbose prints its settings at start).
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "harness/threads/wait_policy.h"
#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

// What libgomp reports at start-up for `executable arguments`, with the wait-policy variables
// removed from the environment and `extra` (NAME=value ...) added.
testing::CommandResult StartupSettings(const std::string& executable,
                                       const std::string& arguments,
                                       const std::string& extra = "") {
  return testing::RunCommand("env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT OMP_DISPLAY_ENV=verbose " +
                             extra + " " + executable + " " + arguments);
}

TEST_CASE("threads: OpenBLAS is the OpenMP build, so BLAS calls share the OpenMP pool",
          "[unit][harness]") {
  CHECK(OpenBlasThreading() == "openmp");
}

TEST_CASE("threads: scalebench starts with the passive wait policy (libgomp spins 0 times)",
          "[unit][harness]") {
  const std::string scalebench = std::string(SCALEBENCH_BINARY_DIR) + "/harness/scalebench";
  const auto result = StartupSettings(scalebench, "list properties");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("OMP_WAIT_POLICY = 'PASSIVE'"));
  CHECK_THAT(result.output, Contains("GOMP_SPINCOUNT = '0'"));
  // The arguments reach the restarted process unchanged.
  CHECK_THAT(result.output, Contains("spectrum_decay"));
}

TEST_CASE("threads: the test executables start with the passive wait policy too",
          "[unit][harness]") {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  // (Catch2's listing exits with the number of tests listed.)
  const auto result = StartupSettings(self, "--list-test-names-only '[harness]'");
  INFO(result.output);
  CHECK_THAT(result.output, Contains("threads: the test executables start"));
  CHECK_THAT(result.output, Contains("GOMP_SPINCOUNT = '0'"));
}

TEST_CASE("threads: a wait policy set in the environment wins", "[unit][harness]") {
  const std::string scalebench = std::string(SCALEBENCH_BINARY_DIR) + "/harness/scalebench";
  const auto active = StartupSettings(scalebench, "--help", "OMP_WAIT_POLICY=active");
  INFO(active.output);
  CHECK_THAT(active.output, Contains("OMP_WAIT_POLICY = 'ACTIVE'"));
  CHECK_THAT(active.output, Contains("GOMP_SPINCOUNT = '30000000000'"));
  const auto spin = StartupSettings(scalebench, "--help", "GOMP_SPINCOUNT=1234");
  INFO(spin.output);
  CHECK_THAT(spin.output, Contains("GOMP_SPINCOUNT = '1234'"));
}

}  // namespace
}  // namespace scalebench
