// Runs the conformance kit (theories/testing/theory_conformance.h) over every registered theory,
// and checks the registry itself.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "theories/testing/theory_conformance.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

TEST_CASE("the registry starts cleanly and kept every theory", "[conformance]") {
  const TheoryRegistry& registry = TheoryRegistry::Global();
  for (const std::string& error : registry.StartupErrors()) FAIL_CHECK(error);
  // A count below the build's means the linker dropped a registration object.
  CHECK(registry.Names().size() == SCALEBENCH_EXPECTED_THEORY_COUNT);
}

TEST_CASE("an unknown theory name gives an error listing the valid names", "[conformance]") {
  std::string error;
  CHECK(TheoryRegistry::Global().Create("no_such/theory", &error) == nullptr);
  CHECK_THAT(error, Catch::Contains("Unknown theory 'no_such/theory'"));
  for (const std::string& name : TheoryRegistry::Global().Names())
    CHECK_THAT(error, Catch::Contains(name));
  CHECK(TheoryRegistry::Global().Find("no_such/theory") == nullptr);
}

TEST_CASE("every registered theory conforms", "[conformance]") {
  const TheoryRegistry& registry = TheoryRegistry::Global();
  REQUIRE_FALSE(registry.Names().empty());
  for (const std::string& name : registry.Names()) {
    DYNAMIC_SECTION(name) {
      const TheoryInfo* info = registry.Find(name);
      REQUIRE(info != nullptr);
      CHECK(info->name == name);
      std::string error;
      const auto theory = registry.Create(name, &error);
      REQUIRE(theory != nullptr);
      for (const std::string& problem : testing::CheckInfo(*info)) FAIL_CHECK(problem);
      for (const std::string& problem : testing::CheckTheory(*info, *theory)) FAIL_CHECK(problem);
    }
  }
}

// The kit must be able to fail: a theory that breaks the contract in several ways.
class BrokenTheory final : public Theory {
 public:
  Prediction Predict(const PredictionRequest& request) const override {
    calls_ += 1;  // non-deterministic on purpose
    if (request.sizes().size() == 1) throw std::runtime_error("boom");
    // A curve although predicts_curve is not declared.
    Estimate exponent;
    exponent.value = 0.5 + calls_;
    return Prediction::Predicted(exponent, std::vector<double>(request.sizes().size(), 1.0));
  }

 private:
  mutable int calls_ = 0;
};

TEST_CASE("the kit reports a theory that breaks the contract", "[conformance]") {
  TheoryInfo info;
  info.name = "Broken";
  info.axes = {Axis::kData};
  const std::vector<std::string> info_problems = testing::CheckInfo(info);
  CHECK(info_problems.size() == 3);  // name, summary, citation
  const std::vector<std::string> problems = testing::CheckTheory(info, BrokenTheory());
  auto mentions = [&](const std::string& text) {
    for (const auto& p : problems)
      if (p.find(text) != std::string::npos) return true;
    return false;
  };
  CHECK(mentions("Predict threw"));
  CHECK(mentions("different answer"));
  CHECK(mentions("does not declare predicts_curve"));
  CHECK(mentions("Failed although all required inputs"));
}

TEST_CASE("the reference profile covers the whole vocabulary", "[conformance]") {
  const Profile profile = testing::ReferenceProfile();
  for (Property p : AllProperties()) CHECK(profile.Has(p));
  for (Series s : AllSeries()) CHECK(profile.Has(s));
  CHECK(profile.Get(Series::kEigenvalues).size() == std::size_t(testing::kReferenceModes));
}

}  // namespace
}  // namespace scalebench
