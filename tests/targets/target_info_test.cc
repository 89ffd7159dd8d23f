// Every registered target says what it is: its realism, its dataset family and the theories it is
// the home model of (names the theory registry knows). The ranking depends on these declarations.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "harness/targets/target.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

TEST_CASE("every target declares a dataset family and home theories that exist", "[unit]") {
  const auto& targets = TargetRegistry::Global();
  REQUIRE_FALSE(targets.Names().empty());
  for (const std::string& name : targets.Names()) {
    CAPTURE(name);
    std::string error;
    std::unique_ptr<Target> target = targets.Create(name, &error);
    REQUIRE(target != nullptr);
    const TargetInfo info = target->Describe();
    CHECK_FALSE(info.dataset_family.empty());
    for (const std::string& theory : info.home_theories) {
      CAPTURE(theory);
      CHECK(TheoryRegistry::Global().Find(theory) != nullptr);
    }
  }
}

TEST_CASE("exact targets of the suites are home to at least one theory", "[unit]") {
  for (const std::string& name : TargetRegistry::Global().Names()) {
    std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, nullptr);
    const TargetInfo info = target->Info();
    if (info.realism != Realism::kExact || info.suites == std::vector<std::string>{"examples"}) {
      continue;
    }
    CAPTURE(name);
    CHECK_FALSE(info.home_theories.empty());
  }
}

}  // namespace
}  // namespace scalebench
