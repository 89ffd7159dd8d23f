// The multitask sparse parity target (harness/targets/multitask_sparse_parity.h): the profile and
// its oracle, the designs, tiny training runs with their diagnostics (each (size, seed) on its
// own), a size that is no width, option validation, and the registered variants.
#include "harness/targets/multitask_sparse_parity.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "harness/learners/mlp.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

TEST_CASE("msp profile: the frequency probe recovers z = alpha + 1", "[msp][target]") {
  for (double alpha : {0.4, 1.0}) {
    MultitaskSparseParityOptions options;
    options.task.alpha = alpha;
    const ProfileResult result = MultitaskSparseParityTarget(options).MeasureProfile(RunContext());
    REQUIRE(result.ok());
    const Measurement& z = result.profile().Get(Property::kFrequencyDecay);
    INFO("alpha " << alpha << ": z = " << z.value << " +- " << z.std_error);
    CHECK(std::abs(z.value - (alpha + 1.0)) < 0.05);
    CHECK(z.std_error > 0);
  }
}

TEST_CASE("msp oracle profile: the generating frequency decay z = alpha + 1, exactly",
          "[msp][target][unit]") {
  MultitaskSparseParityOptions options;
  options.task.alpha = 0.4;
  const std::optional<Profile> oracle = MultitaskSparseParityTarget(options).OracleProfile();
  REQUIRE(oracle.has_value());
  const Measurement& z = oracle->Get(Property::kFrequencyDecay);
  CHECK(z.value == 0.4 + 1.0);
  CHECK(z.std_error == 0.0);
  CHECK(z.method.rfind("oracle:", 0) == 0);
}

TEST_CASE("msp: Spearman correlation with ties", "[msp][unit]") {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  CHECK(SpearmanCorrelation(x, std::vector<double>{10, 20, 30, 40, 50}) == Approx(1.0));
  CHECK(SpearmanCorrelation(x, std::vector<double>{5, 4, 3, 2, 1}) == Approx(-1.0));
  // ranks of y: 1.5, 1.5, 4, 4, 4 -> sxy = 7.5, sxx = 10, syy = 7.5: rho = 7.5 / sqrt(75)
  CHECK(SpearmanCorrelation(x, std::vector<double>{0, 0, 1, 1, 1}) ==
        Approx(0.866025).epsilon(1e-5));
  CHECK(std::isnan(SpearmanCorrelation(x, std::vector<double>{2, 2, 2, 2, 2})));
}

MultitaskSparseParityOptions Tiny() {
  MultitaskSparseParityOptions o;
  o.task.alpha = 1.0;
  o.task.num_subtasks = 6;
  o.seeds = 2;
  o.param_widths = {4, 16};
  o.param_steps = 150;
  o.data_width = 16;
  o.data_sizes = {100, 400};
  o.data_max_steps = 150;
  o.test_per_subtask = 32;
  o.validation_per_subtask = 16;
  o.step_checkpoints = {};  // no steps axis (tests/msp/msp_steps_compute_test.cc has one)
  return o;
}

TEST_CASE("msp designs: params sizes are parameter counts, a tiny run fills loss and diagnostics",
          "[msp][target]") {
  MultitaskSparseParityTarget target(Tiny());
  const auto designs = target.Designs();
  REQUIRE(designs.size() == 2);
  const AxisDesign& params = designs[0];
  CHECK(params.axis == Axis::kParams);
  CHECK(params.sizes ==
        SizeGrid({MlpParameterCount(6 + 12, 4, 2), MlpParameterCount(6 + 12, 16, 2)}));
  CHECK(params.learner.optimizer == "adam");
  CHECK(params.learner.steps == 150);
  CHECK(designs[1].axis == Axis::kData);
  CHECK(designs[1].learner.features == 16);
  for (const AxisDesign& design : designs) {
    INFO(ToString(design.axis));
    CHECK(design.unit == RunUnit::kSizeAndSeed);
    const LearningCurve curve = testing::TrainCurve(target, design);
    std::string error;
    REQUIRE(curve.IsValid(&error));
    REQUIRE(curve.diagnostics.size() == 2 + 6);
    CHECK(curve.diagnostics[0].name == "subtasks_learned");
    CHECK(curve.diagnostics[0].in_report);
    CHECK(curve.diagnostics[1].name == "frequency_loss_spearman");
    CHECK(curve.diagnostics[2].name == "subtask_loss_1");
    CHECK_FALSE(curve.diagnostics[2].in_report);
    CHECK(curve.diagnostics[7].name == "subtask_loss_6");
    for (std::size_t i = 0; i < curve.num_sizes(); ++i) {
      for (std::size_t j = 0; j < curve.num_seeds(); ++j) {
        // The loss is sum_k p_k L_k of the recorded per-subtask losses.
        double sum = 0;
        for (int k = 0; k < 6; ++k) {
          const double p = std::pow(k + 1, -2.0);
          sum += p * curve.diagnostics[2 + k].values[i][j];
        }
        double norm = 0;
        for (int k = 1; k <= 6; ++k) norm += std::pow(k, -2.0);
        CHECK(curve.values[i][j] == Approx(sum / norm).epsilon(1e-9));
        CHECK(curve.values[i][j] > 0);
      }
    }
    // Each (size, seed) is a run of its own: computed alone, or on two workers in any order, it
    // gives the same numbers.
    CHECK(testing::TrainDesign(target, design, /*jobs=*/2).curve.values == curve.values);
    const RunPoint last{2, 1, 2, design.sizes.Slice(1, 2)};
    const RunResult alone = target.Run(design, last, nullptr, RunContext());
    REQUIRE(alone.ok());
    CHECK(alone.losses() == std::vector<double>{curve.values[1][1]});
  }
}

TEST_CASE("msp: a params size that is no width's parameter count fails the run naming it",
          "[msp][target][unit]") {
  MultitaskSparseParityTarget target(Tiny());
  const AxisDesign design = target.Designs()[0];
  const std::int64_t odd = MlpParameterCount(6 + 12, 4, 2) + 1;
  const RunPoint point{1, 0, 1, SizeGrid({odd})};
  const RunResult result = target.Run(design, point, nullptr, RunContext());
  CHECK(result.status() == RunStatus::kFailed);
  INFO(result.reason());
  CHECK(result.reason().find(std::to_string(odd)) != std::string::npos);
  CHECK(result.reason().find("parameter count") != std::string::npos);
}

TEST_CASE("msp options: errors name the field and what was expected", "[msp][target][unit]") {
  std::string error;
  CHECK(ValidateFields(MultitaskSparseParityOptions(), &error));
  auto fails_with = [&](MultitaskSparseParityOptions o, const std::string& expected) {
    CHECK_FALSE(ValidateFields(o, &error));
    CHECK(error == expected);
  };
  MultitaskSparseParityOptions o;
  o.seeds = 0;
  fails_with(o, "seeds = 0 must be >= 1");
  o = {};
  o.task.parity_bits = 13;
  fails_with(o, "task.parity_bits = 13 must be <= num_bits = 12");
  o = {};
  o.task.num_subtasks = 100;
  fails_with(o,
             "task.num_subtasks = 100 must be <= C(num_bits, parity_bits) = 66 (the subsets are "
             "distinct)");
  o = {};
  o.task.alpha = 0;
  fails_with(o, "task.alpha = 0 must be > 0");
  o = {};
  o.param_widths = SizeGrid({8, 4});
  fails_with(o, "param_widths: 4 after 8: sizes must be strictly increasing");
  o = {};
  o.data_sizes = SizeGrid({100, 200000000});
  fails_with(o, "data_sizes = 100,200000000 must be sizes <= 100000000");
  o = {};
  o.learning_rate = -1;
  fails_with(o, "learning_rate = -1 must be > 0");
  o = {};
  o.batch_size = 0;
  fails_with(o, "batch_size = 0 must be >= 1");
  o = {};
  o.warmup_steps = 2500;
  fails_with(o, "param_steps = 2000 must be >= warmup_steps = 2500");
  o = {};
  o.probe.min_rank_count = 0.5;
  fails_with(o, "probe.min_rank_count = 0.5 must be >= 1");
}

TEST_CASE("msp: registered names, suites and settings", "[msp][target][unit]") {
  const auto defaults = TargetRegistry::Global().Suite("default");
  const auto full = TargetRegistry::Global().Suite("full");
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  CHECK(has(defaults, "multitask_sparse_parity/alpha0.4"));
  CHECK(has(defaults, "multitask_sparse_parity/alpha1.0"));
  CHECK_FALSE(has(defaults, "multitask_sparse_parity/alpha0.4_full"));
  CHECK_FALSE(has(defaults, "multitask_sparse_parity/alpha1.0_full"));
  for (const char* name : {"multitask_sparse_parity/alpha0.4",
                           "multitask_sparse_parity/alpha1.0",
                           "multitask_sparse_parity/alpha0.4_full",
                           "multitask_sparse_parity/alpha1.0_full"}) {
    CAPTURE(name);
    CHECK(has(full, name));
    std::string error;
    const auto target = TargetRegistry::Global().Create(name, &error);
    REQUIRE(target != nullptr);
    const auto& options = dynamic_cast<const MultitaskSparseParityTarget&>(*target).options();
    const bool is_full = std::string(name).ends_with("_full");
    CHECK(options.task.alpha ==
          (std::string(name).find("alpha0.4") != std::string::npos ? 0.4 : 1.0));
    CHECK(options.task.num_subtasks == (is_full ? 128 : 64));
    CHECK(options.param_widths.back() == (is_full ? 512 : 128));
    CHECK(options.data_sizes.back() == (is_full ? 128000 : 32000));
  }
}

}  // namespace
}  // namespace scalebench
