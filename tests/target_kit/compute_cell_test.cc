// The harness derives a target's compute cell from its compute grid (harness/runner/
// compute_cell.h), end to end through RunSuite: a test-only target (registered in this executable
// only) whose kSteps designs at nine model sizes follow L = E + A N^-a + B D^-b, with D = steps x
// batch and 6 N B FLOPs per step, so that the compute exponent is ab/(a+b) and N* ~ C^(b/(a+b)).
#include "harness/runner/compute_cell.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "datasets/generators/random.h"
#include "harness/runner/runner.h"
#include "harness/targets/target.h"
#include "tests/harness/test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

constexpr double kA = 0.5, kB = 0.5;  // L = 0.5 + N^-0.5 + D^-0.5: e = 0.25, N* ~ C^0.5
constexpr int kBatch = 4;

struct GridOptions {
  double noise = 0.01;  // log-sd of each loss
  int seeds = 4;
  bool fail_largest = false;  // the largest model's runs fail
  template <typename Fields>
  void Visit(Fields& f) {
    f.Curve("noise", noise).AtLeast(0.0);
    f.Design("seeds", seeds).AtLeast(1);
    f.Curve("fail_largest", fail_largest);
  }
};

class GridTarget final : public TargetWith<GridOptions> {
 public:
  using TargetWith::TargetWith;
  TargetInfo Describe() const override {
    TargetInfo info;
    info.summary = "synthetic compute grid: L = 0.5 + N^-0.5 + D^-0.5";
    info.dataset_family = "zz_compute_test";
    return info;
  }
  std::vector<AxisDesign> Designs() const override {
    std::vector<AxisDesign> designs;
    for (int k = 0; k < 9; ++k) {
      AxisDesign d;
      d.axis = Axis::kSteps;
      d.learner.kind = "synthetic";
      d.learner.loss = "mse";
      d.learner.batch_size = kBatch;
      d.learner.parameters = 100.0 * std::pow(2.0, k);
      d.learner.flops_per_step = 6.0 * d.learner.parameters * kBatch;
      d.sizes = SizeGrid::Log(1, 10000, 25);
      d.seeds = options_.seeds;
      d.unit = RunUnit::kSeed;
      d.compute_grid = true;
      d.own_cell = k == 4;
      designs.push_back(d);
    }
    return designs;
  }
  ProfileResult MeasureProfile(const RunContext&) const override {
    Profile profile;
    profile.source = "synthetic: nothing measured";
    return ProfileResult::Ok(profile);
  }
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData*,
                const RunContext&) const override {
    const double n = design.learner.parameters;
    if (options_.fail_largest && n > 20000) return RunResult::Failed("deliberately failed");
    Xoshiro256pp rng(MixSeed(MixSeed(7, point.seed), std::uint64_t(n)));
    std::vector<double> losses;
    for (std::int64_t steps : point.sizes) {
      const double d = double(steps) * kBatch;
      const double loss = 0.5 + std::pow(n, -kA) + std::pow(d, -kB);
      losses.push_back(loss * std::exp(options_.noise * StandardNormal(rng)));
    }
    return RunResult::Ok(std::move(losses));
  }
};

SCALEBENCH_REGISTER_TARGET(GridTarget, "zz_compute_test")
    ->Variant("grid", {"test_only_compute"}, nullptr)
    ->Variant("broken", {"test_only_compute"}, [](GridOptions& o) { o.fail_largest = true; });

RunOptions Options(const testing::ScratchDir& dir, const std::string& target) {
  RunOptions options;
  options.targets = {target};
  options.theories = {"baseline/constant_exponent", "quanta/nam_solvable"};
  options.bootstrap_resamples = 100;
  options.quiet = true;
  options.results_dir = dir / "results";
  options.cache_dir = dir / "cache";
  options.committed_cache_dir = "";
  options.db_path = dir / "history.sqlite";
  return options;
}

TEST_CASE(
    "runner: a target's compute grid becomes a scored compute cell with the frontier's "
    "exponent, N* and D* notes, beside one steps cell",
    "[target_kit]") {
  testing::ScratchDir dir;
  std::ostringstream out;
  std::string error;
  REQUIRE(RunSuite(Options(dir, "zz_compute_test/grid"), out, &error) == 0);
  INFO(out.str() << error);
  const auto board = nlohmann::json::parse(testing::ReadFile(dir / "results/leaderboard.json"));
  int compute_cells = 0, steps_cells = 0;
  for (const auto& cell : board["cells"]) {
    if (cell["theory"] != "baseline/constant_exponent") continue;
    if (cell["axis"] == "steps") ++steps_cells;
    if (cell["axis"] != "compute") continue;
    ++compute_cells;
    CHECK(cell["fit_status"] == "converged");
    CHECK(cell["measured"].get<double>() == Approx(kA * kB / (kA + kB)).margin(0.03));
    CHECK(cell["measured_ci"]["lower"].get<double>() < cell["measured"].get<double>());
    CHECK(cell["scored"] == true);
  }
  CHECK(compute_cells == 1);
  CHECK(steps_cells == 1);  // the grid's other eight model sizes have no cell of their own
  bool params_note = false;
  for (const auto& note : board["curve_notes"]) {
    if (note["axis"] != "compute" || note["name"] != "optimal_params") continue;
    params_note = true;
    CHECK_THAT(note["description"].get<std::string>(),
               Contains("Approach 1") && Contains("iso-FLOP") && Contains("agree"));
  }
  CHECK(params_note);
  // The report draws the envelope like any curve.
  CHECK_THAT(testing::ReadFile(dir / "results/report.html"),
             Contains("zz_compute_test/grid [compute]") && Contains("training compute C (FLOPs)"));
}

TEST_CASE(
    "runner: a compute grid with a failed run fails the target, naming the model, and "
    "scores no compute cell",
    "[target_kit]") {
  testing::ScratchDir dir;
  std::ostringstream out;
  std::string error;
  CHECK(RunSuite(Options(dir, "zz_compute_test/broken"), out, &error) == 1);
  CHECK_THAT(error,
             Contains("compute: the compute grid lacks the runs of the model N = 25600") &&
                 Contains("deliberately failed"));
}

}  // namespace
}  // namespace scalebench
