// The target kit must be able to fail: deliberately broken targets (registered only in this
// test executable) and what the kit and the registry say about each fault. Also the run loop's
// refusal of NaN losses.
#include <catch2/catch.hpp>
#include <cmath>

#include "harness/runner/run_loop.h"
#include "harness/targets/testing/target_conformance.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

// --- deliberately broken targets ------------------------------------------------------------

enum class BrokenMode { kPlain, kFancy };
const char* ToString(BrokenMode mode) {
  return mode == BrokenMode::kFancy ? "fancy" : "plain";
}

struct BrokenOptions {
  double alpha = 1.0;
  SizeGrid sizes = SizeGrid({10, 20, 40});
  int seeds = 2;
  int forgotten = 3;                     // BUG: not visited, so not in any key
  int decoy = 1;                         // BUG: tagged Design, but changes no design
  BrokenMode mode = BrokenMode::kPlain;  // BUG: tagged Design, but changes no design

  template <typename Fields>
  void Visit(Fields& f) {
    f.Curve("alpha", alpha).Above(0.0);
    f.Design("sizes", sizes);
    f.Design("seeds", seeds).AtLeast(1);
    f.Design("decoy", decoy);
    f.Design("mode", mode);
  }
};

class BrokenTarget final : public TargetWith<BrokenOptions> {
 public:
  using TargetWith::TargetWith;
  TargetInfo Describe() const override {
    TargetInfo info;
    info.summary = "";  // BUG: no summary
    info.dataset_family = "broken";
    info.home_theories = {"nope/unknown"};  // BUG: not a theory
    return info;
  }
  std::vector<AxisDesign> Designs() const override {
    AxisDesign design;
    design.learner.kind = "broken";
    design.learner.loss = "accuracy";  // BUG: not a loss of the vocabulary
    design.sizes = options_.sizes;
    design.seeds = options_.seeds;
    return {design, design};  // BUG: the same axis twice
  }
  ProfileResult MeasureProfile(const RunContext&) const override {
    return ProfileResult::Failed("broken");
  }
  RunResult Run(const AxisDesign&,
                const RunPoint& point,
                const DesignData*,
                const RunContext&) const override {
    return RunResult::Ok(std::vector<double>(point.sizes.size(), std::nan("")));  // BUG: NaN
  }
};

SCALEBENCH_REGISTER_TARGET(BrokenTarget, "zz_broken_test")
    ->Variant("one", {"test_only_broken"}, nullptr)
    ->Variant("Bad Name", {"test_only_broken"}, nullptr)
    ->Variant("invalid", {"test_only_broken"}, [](BrokenOptions& o) { o.alpha = -1; });

bool Reports(const std::vector<std::string>& problems, const std::string& text) {
  for (const std::string& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("the target kit fails a deliberately broken target, naming each fault",
          "[conformance][targets]") {
  const std::vector<std::string> problems = testing::CheckTarget("zz_broken_test/one");
  for (const std::string& p : problems) INFO(p);
  CHECK(Reports(problems, "6 data members but Visit names 5"));
  CHECK(Reports(problems, "no summary"));
  CHECK(Reports(problems, "home theory 'nope/unknown' is not registered"));
  CHECK(Reports(problems, "loss 'accuracy' is not in the vocabulary"));
  CHECK(Reports(problems, "axis appears twice"));
  CHECK(Reports(problems, "option 'decoy' (design) does not change the designs"));
  CHECK(Reports(problems, "option 'mode' (design) does not change the designs"));  // enums too

  const auto& errors = TargetRegistry::Global().StartupErrors();
  CHECK(Reports(errors, "target 'zz_broken_test/Bad Name': a name is <family>/<variant>"));
  CHECK(
      Reports(errors, "target 'zz_broken_test/invalid': invalid options: alpha = -1 must be > 0"));
  std::string error;
  CHECK(TargetRegistry::Global().Create("zz_broken_test/invalid", &error) == nullptr);
  CHECK_THAT(error, Contains("alpha = -1 must be > 0"));
}

TEST_CASE("a run that returns NaN losses is a failed run, never a curve point", "[unit][targets]") {
  std::unique_ptr<Target> target = TargetRegistry::Global().Create("zz_broken_test/one", nullptr);
  RunLoopOptions options;
  const std::vector<MeasuredCurve> curves =
      MeasureCurves(*target, {target->Designs()[0]}, nullptr, options, nullptr);
  REQUIRE(curves.size() == 1);
  CHECK_FALSE(curves[0].complete());
  REQUIRE(curves[0].failures.size() == 2);
  CHECK_THAT(curves[0].failures[0], Contains("invalid result") && Contains("seed 1"));
}

}  // namespace
}  // namespace scalebench
