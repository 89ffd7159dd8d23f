// The target superposition_toy/* (harness/targets/superposition_toy.h) on the target kit: its
// registered variants, option validation, the run units of its two designs, determinism across
// workers and threads, the committed runs retrained bit for bit, failures as statuses, the oracle
// profile and the weak width axis's finite-size allowance.
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "harness/runner/run_loop.h"
#include "harness/store/run_cache.h"
#include "harness/targets/superposition_toy.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

bool In(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

SuperpositionToyTargetOptions SmallOptions() {
  SuperpositionToyTargetOptions options;
  options.alpha = 1.5;
  options.weight_decay = -1.0;
  options.features = 16;
  options.batch_size = 32;
  options.widths = {2, 4, 8};
  options.width_steps = 60;
  options.steps_width = 4;
  options.step_checkpoints = {20, 30, 40};
  options.steps_warmup = 5;
  options.seeds = 2;
  options.test_samples = 200;
  options.probe_samples = 20000;
  return options;
}

bool SameBits(const std::vector<std::vector<double>>& a,
              const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size() ||
        std::memcmp(a[i].data(), b[i].data(), a[i].size() * sizeof(double)) != 0) {
      return false;
    }
  }
  return true;
}

TEST_CASE("The fourteen variants keep their names: small ones in default and full, _full in full",
          "[superposition_toy][unit]") {
  const auto defaults = TargetRegistry::Global().Suite("default");
  const auto full = TargetRegistry::Global().Suite("full");
  int registered = 0;
  for (const std::string& name : TargetRegistry::Global().Names()) {
    registered += name.rfind("superposition_toy/", 0) == 0;
  }
  CHECK(registered == 14);
  for (const char* alpha : {"1.2", "1.6", "2.0"}) {
    for (const char* regime : {"weak", "strong"}) {
      const std::string name = std::string("superposition_toy/alpha") + alpha + "_" + regime;
      CHECK(In(defaults, name));
      CHECK(In(full, name));
      CHECK(In(full, name + "_full"));
      CHECK_FALSE(In(defaults, name + "_full"));
    }
  }
  std::string error;
  const auto target =
      TargetRegistry::Global().Create("superposition_toy/alpha0.8_weak_full", &error);
  REQUIRE(target != nullptr);
  const auto designs = target->Designs();
  REQUIRE(designs.size() == 2);
  CHECK(designs[0].learner.weight_decay == 0.3);
  CHECK(designs[0].learner.features == 512);
  CHECK(designs[0].sizes.size() == 9);
  CHECK(designs[1].sizes.back() == 8000);
}

TEST_CASE("Options are validated with the field named", "[superposition_toy][unit]") {
  std::string error;
  CHECK(ValidateFields(SmallOptions(), &error));
  auto expect = [](SuperpositionToyTargetOptions o, const std::string& message) {
    std::string error;
    CHECK_FALSE(ValidateFields(o, &error));
    CHECK(error == message);
  };
  auto o = SmallOptions();
  o.weight_decay = 0.0;
  expect(o, "weight_decay = 0 must be nonzero (> 0 weak, < 0 strong superposition)");
  o = SmallOptions();
  o.widths = {4, 16};  // not below features = 16
  expect(o, "widths = 4,16 must be < features = 16");
  o = SmallOptions();
  o.widths = SizeGrid({8, 4});
  expect(o, "widths: 4 after 8: sizes must be strictly increasing");
  o = SmallOptions();
  o.step_checkpoints = SizeGrid({100, 50});
  expect(o, "step_checkpoints: 50 after 100: sizes must be strictly increasing");
  o = SmallOptions();
  o.steps_warmup = 41;
  expect(o, "steps_warmup = 41 must be <= the last step checkpoint");
  o = SmallOptions();
  o.steps_width = 16;
  expect(o, "steps_width = 16 must be < 16");
  o = SmallOptions();
  o.learning_rate = 2.0;
  expect(o, "learning_rate = 2 must be < 1 / |weight_decay|");
  o = SmallOptions();
  o.seeds = 0;
  expect(o, "seeds = 0 must be >= 1");
  o = SmallOptions();
  o.alpha = -0.5;
  expect(o, "alpha = -0.5 must be >= 0");
  o = SmallOptions();
  o.test_samples = 1;
  expect(o, "test_samples = 1 must be >= 100");
  o = SmallOptions();
  o.probe.min_ranks = 1;
  expect(o, "probe.min_ranks = 1 must be >= 2");
}

TEST_CASE("Width runs train each (width, seed) alone, step runs one model per seed",
          "[superposition_toy][unit]") {
  SuperpositionToyTarget target(SmallOptions());
  const auto designs = target.Designs();
  REQUIRE(designs.size() == 2);
  const AxisDesign& width = designs[0];
  const AxisDesign& steps = designs[1];
  CHECK(width.axis == Axis::kWidth);
  CHECK(width.unit == RunUnit::kSizeAndSeed);
  CHECK(width.learner.optimizer == "adamw");
  CHECK(width.learner.weight_decay == -1.0);
  CHECK(width.learner.steps == 60);
  CHECK(width.zero_offset);
  CHECK(steps.axis == Axis::kSteps);
  CHECK(steps.unit == RunUnit::kSeed);
  CHECK(steps.learner.steps == 40);
  CHECK_FALSE(steps.zero_offset);

  for (const AxisDesign& design : designs) {
    INFO(ToString(design.axis));
    const MeasuredCurve one = testing::TrainDesign(target, design, /*jobs=*/1);
    const MeasuredCurve two = testing::TrainDesign(target, design, /*jobs=*/2);
    REQUIRE(one.complete());
    REQUIRE(two.complete());
    CHECK(one.computed == (design.axis == Axis::kWidth ? 3 * 2 : 2));
    CHECK(SameBits(one.curve.values, two.curve.values));
    CHECK(one.curve.values[0][0] != one.curve.values[0][1]);  // the seeds differ
    // The regime diagnostics come with every run.
    REQUIRE(one.curve.diagnostics.size() == 2);
    CHECK(one.curve.diagnostics[0].name == "phi_half");
    CHECK(one.curve.diagnostics[1].name == "overlap_times_m");
    for (const CurveDiagnostic& d : one.curve.diagnostics) {
      REQUIRE(d.values.size() == design.sizes.size());
      for (const auto& row : d.values) {
        REQUIRE(row.size() == 2);
        CHECK(std::isfinite(row[0]));
      }
    }
  }
}

TEST_CASE("A run's numbers do not depend on the threads it is given", "[superposition_toy][unit]") {
  // At n = 512 Eigen's two-thread products differ from its one-thread ones in the last bits; the
  // target keeps every run on one thread (OneThreadPerRun).
  auto options = SmallOptions();
  options.features = 512;
  options.batch_size = 512;
  options.widths = {8, 16, 32};
  options.width_steps = 20;
  options.seeds = 1;
  SuperpositionToyTarget target(options);
  const AxisDesign width = target.Designs()[0];
  std::vector<std::vector<std::vector<double>>> values;
  for (int threads : {1, 2}) {
    RunLoopOptions loop;
    loop.threads = threads;
    const MeasuredCurve measured = MeasureCurves(target, {width}, nullptr, loop, nullptr).front();
    REQUIRE(measured.complete());
    values.push_back(measured.curve.values);
  }
  CHECK(SameBits(values[0], values[1]));

  // A thread count set for the whole process cannot be lowered per run: the run says so.
  Eigen::setNbThreads(2);
  const MeasuredCurve measured = testing::TrainDesign(target, width);
  Eigen::setNbThreads(0);  // back to omp_get_max_threads()
  CHECK_FALSE(measured.complete());
  REQUIRE_FALSE(measured.failures.empty());
  CHECK_THAT(measured.failures[0], Catch::Matchers::Contains("Eigen::setNbThreads"));
}

// The committed run of `name`'s width design at its first (width, seed), against a fresh run.
void CheckCommittedWidthRun(const std::string& name, std::int64_t first_width) {
  INFO(name);
  const auto target = TargetRegistry::Global().Create(name, nullptr);
  REQUIRE(target != nullptr);
  const AxisDesign width = target->Designs()[0];
  const RunPoint point = EnumerateRuns(width)[0];  // seed 1, the smallest width
  REQUIRE(point.sizes.values() == std::vector<std::int64_t>{first_width});
  const RunCache committed({std::string(SCALEBENCH_SOURCE_DIR) + "/results/cache"});
  RunResult cached = RunResult::Failed("");
  std::string warning;
  REQUIRE(committed.LoadRun(RunKey(target->Info(), target->RunKeyText(), width, point),
                            name,
                            width,
                            point,
                            &cached,
                            &warning));
  std::unique_ptr<const DesignData> data;
  std::string error;
  REQUIRE(target->Prepare(width, RunContext(), &data, &error));
  REQUIRE(width.single_threaded);
  omp_set_num_threads(1);  // as the harness runs a single-threaded design's runs
  const RunResult fresh = target->Run(width, point, data.get(), RunContext());
  omp_set_num_threads(2);
  REQUIRE(fresh.ok());
  CHECK(SameBits({fresh.losses()}, {cached.losses()}));
  REQUIRE(cached.diagnostics().size() == 2);
  REQUIRE(fresh.diagnostics().size() == 2);
  for (std::size_t k = 0; k < 2; ++k) {
    CHECK(cached.diagnostics()[k].name == fresh.diagnostics()[k].name);
    CHECK(SameBits({cached.diagnostics()[k].values}, {fresh.diagnostics()[k].values}));
  }
}

// The committed cache holds runs converted from the pre-kit curves; retraining one reproduces it
// (the random streams, the shared test sample and the one-thread products are unchanged).
TEST_CASE("A committed width run is retrained bit for bit, diagnostics included",
          "[superposition_toy][unit]") {
  CheckCommittedWidthRun("superposition_toy/alpha1.2_weak", 4);
}

TEST_CASE("A committed full-suite width run (n = 512) is retrained bit for bit",
          "[superposition_toy][slow]") {
  CheckCommittedWidthRun("superposition_toy/alpha1.2_weak_full", 4);  // ~4 s
}

TEST_CASE("A diverging run is a failed run with its reason, never NaN losses",
          "[superposition_toy][unit]") {
  auto options = SmallOptions();
  options.weight_decay = 1e-31;
  options.learning_rate = 1e30;  // lr * |gamma| < 1 holds; the Adam steps overflow float
  SuperpositionToyTarget target(options);
  const MeasuredCurve measured = testing::TrainDesign(target, target.Designs()[0]);
  CHECK_FALSE(measured.complete());
  REQUIRE_FALSE(measured.failures.empty());
  CHECK_THAT(measured.failures[0], Catch::Matchers::Contains("non-finite"));
}

TEST_CASE("The profile measures alpha, the oracle profile is alpha exactly",
          "[superposition_toy][unit]") {
  SuperpositionToyTarget target(SmallOptions());
  const ProfileResult measured = target.MeasureProfile(RunContext());
  REQUIRE(measured.ok());
  REQUIRE(measured.profile().Has(Property::kFrequencyDecay));
  CHECK(measured.profile().Get(Property::kFrequencyDecay).value == Approx(1.5).margin(0.1));
  const std::optional<Profile> oracle = target.OracleProfile();
  REQUIRE(oracle.has_value());
  const auto& z = oracle->Get(Property::kFrequencyDecay);
  CHECK(z.value == 1.5);
  CHECK(z.std_error == 0.0);
  CHECK(z.method.rfind("oracle:", 0) == 0);
}

TEST_CASE("The weak width axis states its finite-n allowance, strong and alpha <= 1 state none",
          "[superposition_toy][unit]") {
  // The tail-mass slopes over the suite's widths (the .cc's table): n = 256, m = 4..32 and
  // n = 512, m = 4..64.
  struct Case {
    const char* name;
    double slope;
  };
  for (const Case& c : {Case{"alpha1.2_weak", 0.43},
                        Case{"alpha1.6_weak", 0.69},
                        Case{"alpha2.0_weak", 1.00},
                        Case{"alpha1.2_weak_full", 0.40},
                        Case{"alpha1.6_weak_full", 0.67},
                        Case{"alpha2.0_weak_full", 1.00}}) {
    const std::string name = std::string("superposition_toy/") + c.name;
    INFO(name);
    const auto target = TargetRegistry::Global().Create(name, nullptr);
    REQUIRE(target != nullptr);
    const auto& toy = dynamic_cast<const SuperpositionToyTarget&>(*target);
    CHECK(toy.WeakWidthSlope() == Approx(c.slope).margin(0.006));
    const TargetInfo info = target->Info();
    const double alpha = toy.options().alpha;
    REQUIRE(info.exponent_allowance.count(Axis::kWidth) == 1);
    CHECK(info.exponent_allowance.at(Axis::kWidth) ==
          Approx(std::abs(toy.WeakWidthSlope() - (alpha - 1.0))));
    CHECK(info.exponent_allowance.count(Axis::kSteps) == 0);
    CHECK_THAT(info.allowance_reason, Catch::Matchers::Contains("tail mass"));
  }
  for (const char* name :
       {"alpha1.2_strong", "alpha2.0_strong_full", "alpha0.8_weak_full", "alpha0.8_strong_full"}) {
    INFO(name);
    const auto target =
        TargetRegistry::Global().Create(std::string("superposition_toy/") + name, nullptr);
    REQUIRE(target != nullptr);
    CHECK(target->Info().exponent_allowance.empty());
    CHECK(target->Info().allowance_reason.empty());
  }
}

}  // namespace
}  // namespace scalebench
