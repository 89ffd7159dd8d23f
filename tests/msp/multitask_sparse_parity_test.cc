// The multitask sparse parity target (harness/targets/multitask_sparse_parity.h): the data
// generator (labels are the parities, subtask frequencies follow the Zipf law), the profile, the
// designs, a tiny training run with its diagnostics, and option validation.
#include "harness/targets/multitask_sparse_parity.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "harness/learners/mlp.h"

namespace scalebench {
namespace {

TEST_CASE("msp data: one-hot control bits, binary task bits, label = parity over the subset",
          "[msp][data]") {
  SparseParityTaskOptions o;
  o.num_subtasks = 20;
  o.num_bits = 9;
  o.parity_bits = 3;
  SparseParityTask task(o);
  REQUIRE(task.inputs() == 29);
  std::set<std::uint64_t> masks;
  for (int k = 0; k < 20; ++k) {
    CHECK(std::popcount(task.subset_mask(k)) == 3);
    CHECK(task.subset_mask(k) < (std::uint64_t(1) << 9));
    masks.insert(task.subset_mask(k));
  }
  CHECK(masks.size() == 20);  // distinct subsets
  Xoshiro256pp rng(5);
  Eigen::MatrixXf x;
  std::vector<int> labels, subtasks;
  task.Sample(rng, 2000, &x, &labels, &subtasks);
  int ones = 0;
  for (int j = 0; j < 2000; ++j) {
    const auto column = x.col(j);
    REQUIRE(column.head(20).sum() == 1.0f);
    REQUIRE(column(subtasks[j]) == 1.0f);
    int parity = 0;
    for (int i = 0; i < 9; ++i) {
      const float b = column(20 + i);
      REQUIRE((b == 0.0f || b == 1.0f));
      if ((task.subset_mask(subtasks[j]) >> i) & 1) parity ^= int(b);
    }
    REQUIRE(labels[j] == parity);
    ones += labels[j];
  }
  CHECK(ones > 900);  // balanced labels
  CHECK(ones < 1100);
  // Nested sets: the first 500 samples of a stream do not depend on how many are drawn.
  Xoshiro256pp again(5);
  Eigen::MatrixXf x500;
  std::vector<int> labels500, subtasks500;
  task.Sample(again, 500, &x500, &labels500, &subtasks500);
  CHECK(x500 == x.leftCols(500));
}

TEST_CASE("msp data: subtask frequencies follow p_k = k^-(alpha+1) / H_T(alpha+1)", "[msp][data]") {
  SparseParityTaskOptions o;
  o.num_subtasks = 50;
  o.num_bits = 12;
  o.parity_bits = 2;
  o.alpha = 0.4;
  SparseParityTask task(o);
  double norm = 0;
  for (int k = 1; k <= 50; ++k) norm += std::pow(k, -1.4);
  for (int k : {1, 2, 10, 50})
    CHECK(task.probabilities()[k - 1] == Approx(std::pow(k, -1.4) / norm));
  const int n = 200000;
  std::vector<int> counts(50, 0);
  Xoshiro256pp rng(17);
  for (int i = 0; i < n; ++i) ++counts[task.DrawSubtask(rng)];
  for (int k = 0; k < 50; ++k) {
    const double p = task.probabilities()[k];
    const double se = std::sqrt(n * p * (1 - p));
    INFO("subtask " << k + 1 << ": count " << counts[k] << ", expected " << n * p);
    CHECK(std::abs(counts[k] - n * p) < 5 * se);
  }
}

TEST_CASE("msp profile: the frequency probe recovers z = alpha + 1", "[msp][probe]") {
  for (double alpha : {0.4, 1.0}) {
    MultitaskSparseParityTarget target(MultitaskSparseParityOptions::Small(alpha));
    const Profile profile = target.MeasureProfile(nullptr);
    const Measurement& z = profile.Get(Property::kFrequencyDecay);
    INFO("alpha " << alpha << ": z = " << z.value << " +- " << z.std_error);
    CHECK(std::abs(z.value - (alpha + 1.0)) < 0.05);
    CHECK(z.std_error > 0);
  }
}

TEST_CASE("msp: Spearman correlation with ties", "[msp]") {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  CHECK(SpearmanCorrelation(x, std::vector<double>{10, 20, 30, 40, 50}) == Approx(1.0));
  CHECK(SpearmanCorrelation(x, std::vector<double>{5, 4, 3, 2, 1}) == Approx(-1.0));
  // ranks of y: 1.5, 1.5, 4, 4, 4 -> sxy = 7.5, sxx = 10, syy = 7.5: rho = 7.5 / sqrt(75)
  CHECK(SpearmanCorrelation(x, std::vector<double>{0, 0, 1, 1, 1}) ==
        Approx(0.866025).epsilon(1e-5));
  CHECK(std::isnan(SpearmanCorrelation(x, std::vector<double>{2, 2, 2, 2, 2})));
}

MultitaskSparseParityOptions Tiny() {
  MultitaskSparseParityOptions o = MultitaskSparseParityOptions::Small(1.0);
  o.task.num_subtasks = 6;
  o.seeds = 2;
  o.param_widths = {4, 16};
  o.param_steps = 150;
  o.data_width = 16;
  o.data_sizes = {100, 400};
  o.data_max_steps = 150;
  o.test_per_subtask = 32;
  o.validation_per_subtask = 16;
  return o;
}

TEST_CASE("msp designs: params sizes are parameter counts; a tiny run fills loss and diagnostics",
          "[msp][target]") {
  MultitaskSparseParityTarget target(Tiny());
  const auto designs = target.Designs();
  REQUIRE(designs.size() == 2);
  const AxisDesign& params = designs[0];
  CHECK(params.axis == Axis::kParams);
  CHECK(params.sizes == std::vector<double>{double(MlpParameterCount(6 + 12, 4, 2)),
                                            double(MlpParameterCount(6 + 12, 16, 2))});
  CHECK(params.learner.optimizer == "adam");
  CHECK(params.learner.steps == 150);
  CHECK(designs[1].axis == Axis::kData);
  CHECK(designs[1].learner.features == 16);
  for (const AxisDesign& design : designs) {
    const LearningCurve curve = target.Train(design, nullptr);
    std::string error;
    INFO(ToString(design.axis));
    REQUIRE(curve.IsValid(&error));
    REQUIRE(curve.diagnostics.size() == 2 + 6);
    CHECK(curve.diagnostics[0].name == "subtasks_learned");
    CHECK(curve.diagnostics[0].in_report);
    CHECK(curve.diagnostics[1].name == "frequency_loss_spearman");
    CHECK(curve.diagnostics[2].name == "subtask_loss_1");
    CHECK_FALSE(curve.diagnostics[2].in_report);
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
    // Deterministic given the design (runs go to different threads).
    CHECK(target.Train(design, nullptr).values == curve.values);
  }
}

TEST_CASE("msp: a design it cannot train gives NaN losses and says why", "[msp][target]") {
  MultitaskSparseParityTarget target(Tiny());
  AxisDesign design = target.Designs()[0];
  design.sizes = {1000.5};
  std::string message;
  const LearningCurve curve = target.Train(design, [&](const std::string& m) { message = m; });
  CHECK(std::isnan(curve.values[0][0]));
  CHECK(message.find("parameter count of a width") != std::string::npos);
  design = target.Designs()[0];
  design.learner.kind = "linear_ridge";
  target.Train(design, [&](const std::string& m) { message = m; });
  CHECK(message.find("mlp_relu_1hidden") != std::string::npos);
}

TEST_CASE("msp options: errors name the field", "[msp][options]") {
  std::string error;
  CHECK(MultitaskSparseParityOptions::Small(0.4).IsValid(&error));
  CHECK(MultitaskSparseParityOptions::Full(1.0).IsValid(&error));
  auto fails_naming = [&](MultitaskSparseParityOptions o, const std::string& field) {
    CHECK_FALSE(o.IsValid(&error));
    INFO(error);
    CHECK(error.find(field) != std::string::npos);
  };
  MultitaskSparseParityOptions o = MultitaskSparseParityOptions::Small(0.4);
  o.seeds = 0;
  fails_naming(o, "seeds");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.task.parity_bits = 13;
  fails_naming(o, "task.parity_bits");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.task.num_subtasks = 100;  // C(12, 2) = 66 distinct pairs
  fails_naming(o, "task.num_subtasks");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.task.alpha = 0;
  fails_naming(o, "task.alpha");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.param_widths = {8, 4};
  fails_naming(o, "param_widths");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.data_sizes = {100, 150.5};
  fails_naming(o, "data_sizes");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.learning_rate = -1;
  fails_naming(o, "learning_rate");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.batch_size = 0;
  fails_naming(o, "batch_size");
  o = MultitaskSparseParityOptions::Small(0.4);
  o.name_suffix = "_big";
  fails_naming(o, "name_suffix");
}

TEST_CASE("msp: registered names and suites", "[msp][target]") {
  CHECK(MultitaskSparseParityTarget::Name(0.4) == "multitask_sparse_parity/alpha0.4");
  CHECK(MultitaskSparseParityTarget::Name(1.0, "_full") == "multitask_sparse_parity/alpha1.0_full");
  const auto defaults = TargetRegistry::Global().Suite("default");
  const auto full = TargetRegistry::Global().Suite("full");
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  CHECK(has(defaults, "multitask_sparse_parity/alpha0.4"));
  CHECK(has(defaults, "multitask_sparse_parity/alpha1.0"));
  CHECK_FALSE(has(defaults, "multitask_sparse_parity/alpha0.4_full"));
  CHECK(has(full, "multitask_sparse_parity/alpha0.4_full"));
  CHECK(has(full, "multitask_sparse_parity/alpha1.0_full"));
}

}  // namespace
}  // namespace scalebench
