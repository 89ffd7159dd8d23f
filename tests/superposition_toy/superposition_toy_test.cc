// The superposition toy's learner (harness/learners/superposition_toy.h) and data
// (datasets/generators/superposition_toy_data.h): hand-written gradients against central
// differences, the signed weight decay and AdamW steps against hand-computed values, the data
// generator's frequencies, the regime diagnostics on hand-built W, a short training run in each
// regime, and option validation. The target is tested in superposition_toy_target_test.cc, the
// theory formulas in tests/theories/superposition_test.cc.
#include "harness/learners/superposition_toy.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace scalebench {
namespace {

// A hand-made batch of 3 rows over n = 6 features (row 1 has two active features, row 2 none).
SparseBatch HandBatch() {
  SparseBatch batch;
  batch.Clear(3);
  const std::vector<std::pair<int, int>> at = {{0, 1}, {1, 0}, {1, 4}};
  const std::vector<float> values = {1.5f, 0.7f, 1.9f};
  for (std::size_t k = 0; k < at.size(); ++k) {
    batch.row.push_back(at[k].first);
    batch.feature.push_back(at[k].second);
    batch.value.push_back(values[k]);
  }
  return batch;
}

// The model's pre-activations for the batch, to keep the check away from the ReLU kink.
double SmallestAbsPreActivation(const SuperpositionToyModel<double>& model,
                                const SparseBatch& batch) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(batch.rows, model.w.rows());
  for (std::size_t k = 0; k < batch.entries(); ++k)
    x(batch.row[k], batch.feature[k]) = batch.value[k];
  const Eigen::MatrixXd z = (x * model.w * model.w.transpose()).rowwise() + model.b.transpose();
  return z.cwiseAbs().minCoeff();
}

TEST_CASE("toy gradient matches central differences (double)", "[superposition_toy][unit]") {
  const SparseBatch batch = HandBatch();
  SuperpositionToyModel<double> model(6, 3);
  Xoshiro256pp rng(11);
  model.Initialize(rng);
  // Half of the biases negative is typical; the check needs both active and inactive outputs.
  REQUIRE(SmallestAbsPreActivation(model, batch) > 1e-3);
  SuperpositionToyModel<double>::Matrix grad_w;
  SuperpositionToyModel<double>::Vector grad_b(6);
  model.Loss(batch, &grad_w, &grad_b);
  const double h = 1e-6;
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double saved = model.w(i, j);
      model.w(i, j) = saved + h;
      const double plus = model.Loss(batch, nullptr, nullptr);
      model.w(i, j) = saved - h;
      const double minus = model.Loss(batch, nullptr, nullptr);
      model.w(i, j) = saved;
      CHECK(grad_w(i, j) == Approx((plus - minus) / (2 * h)).margin(1e-8).epsilon(1e-6));
    }
    const double saved = model.b(i);
    model.b(i) = saved + h;
    const double plus = model.Loss(batch, nullptr, nullptr);
    model.b(i) = saved - h;
    const double minus = model.Loss(batch, nullptr, nullptr);
    model.b(i) = saved;
    CHECK(grad_b(i) == Approx((plus - minus) / (2 * h)).margin(1e-8).epsilon(1e-6));
  }
  // At least one output is active and one inactive, so both gradient branches were checked.
  CHECK(grad_b.cwiseAbs().maxCoeff() > 1e-3);
  CHECK(grad_b.cwiseAbs().minCoeff() == 0.0);
}

TEST_CASE("float model agrees with the checked double model", "[superposition_toy][unit]") {
  // The training model is float32: its loss and gradients on a real batch equal the double
  // instantiation's (the one checked by finite differences) to float rounding.
  const SuperpositionToyData data(64, 1.2);
  SparseBatch batch;
  Xoshiro256pp rng(3);
  data.Sample(rng, 128, &batch);
  SuperpositionToyModel<double> exact(64, 8);
  exact.Initialize(rng);
  SuperpositionToyModel<float> fast(64, 8);
  fast.w = exact.w.cast<float>();
  fast.b = exact.b.cast<float>();
  SuperpositionToyModel<double>::Matrix gw_exact;
  SuperpositionToyModel<double>::Vector gb_exact;
  SuperpositionToyModel<float>::Matrix gw_fast;
  SuperpositionToyModel<float>::Vector gb_fast;
  const double loss_exact = exact.Loss(batch, &gw_exact, &gb_exact);
  const double loss_fast = fast.Loss(batch, &gw_fast, &gb_fast);
  CHECK(loss_fast == Approx(loss_exact).epsilon(1e-5));
  CHECK((gw_fast.cast<double>() - gw_exact).norm() <= 1e-4 * gw_exact.norm());
  CHECK((gb_fast.cast<double>() - gb_exact).norm() <= 1e-4 * gb_exact.norm());
  // The chunked evaluation gives the same loss as one pass.
  CHECK(exact.EvaluateLoss(batch, 50) == Approx(loss_exact).epsilon(1e-12));
}

TEST_CASE("signed weight decay: hand-computed steps of both signs", "[superposition_toy][unit]") {
  Eigen::MatrixXd w(2, 2);
  w << 3.0, 4.0,  // norm 5
      0.3, 0.4;   // norm 0.5
  SECTION("gamma > 0 shrinks every entry by 1 - eta gamma") {
    ApplySignedWeightDecay(0.1, 0.5, 0.0, &w);  // factor 0.95
    CHECK(w(0, 0) == Approx(2.85));
    CHECK(w(0, 1) == Approx(3.8));
    CHECK(w(1, 0) == Approx(0.285));
    CHECK(w(1, 1) == Approx(0.38));
  }
  SECTION("gamma < 0 pulls each row's norm towards 1") {
    // Row 1: 1 + 0.1 (-1)(1 - 1/5) = 0.92; row 2: 1 + 0.1 (-1)(1 - 1/0.5) = 1.1.
    ApplySignedWeightDecay(0.1, -1.0, 0.0, &w);
    CHECK(w(0, 0) == Approx(2.76));
    CHECK(w(0, 1) == Approx(3.68));
    CHECK(w(1, 0) == Approx(0.33));
    CHECK(w(1, 1) == Approx(0.44));
  }
  SECTION("a unit row is a fixed point of the negative decay") {
    Eigen::MatrixXd unit(1, 2);
    unit << 0.6, 0.8;
    ApplySignedWeightDecay(0.5, -1.0, 0.0, &unit);
    CHECK(unit(0, 0) == Approx(0.6));
    CHECK(unit(0, 1) == Approx(0.8));
  }
}

TEST_CASE("Adam: two hand-computed steps", "[superposition_toy][unit]") {
  // g1 = 1: m = 0.1, v = 0.001, corrected 1 and 1: x -= lr / (1 + eps). g2 = -2: m = -0.11,
  // v = 0.004999, corrections 0.19 and 0.001999: step -lr * (-0.578947) / (1.581376 + eps)
  // = +0.36610352472 lr.
  Eigen::VectorXd x(1), g(1);
  x << 0.5;
  AdamOptions adam;
  AdamState<Eigen::VectorXd> state(x);
  g << 1.0;
  state.Step(adam, 0.1, g, &x);
  const double x1 = 0.5 - 0.1 / (1.0 + 1e-8);
  CHECK(x(0) == Approx(x1).epsilon(1e-14));
  g << -2.0;
  state.Step(adam, 0.1, g, &x);
  CHECK(x(0) == Approx(x1 + 0.1 * 0.36610352472).epsilon(1e-10));
}

TEST_CASE("one AdamW training step: decay, then Adam, as hand-computed",
          "[superposition_toy][unit]") {
  // The first Adam step moves each entry by -eta g / (|g| + eps) (m_hat = g, v_hat = g^2); the
  // decay acts first on the current W. Rebuild the step from the same streams as the trainer.
  SuperpositionToyOptions options;
  options.features = 32;
  options.width = 4;
  options.frequency_exponent = 1.0;
  options.batch_size = 64;
  options.schedule = {0.01, 0, 1, 1.0};
  options.weight_decay = -1.0;
  options.seed = 9;
  const SuperpositionToyData data(32, 1.0);
  SparseBatch test;
  Xoshiro256pp test_rng(1);
  data.Sample(test_rng, 200, &test);
  SuperpositionToyResult result;
  std::string error;
  REQUIRE(TrainSuperpositionToy(options, {1}, test, &result, &error));

  SuperpositionToyModel<float> model(32, 4);
  Xoshiro256pp init_rng(MixSeed(options.seed, 1));
  model.Initialize(init_rng);
  Xoshiro256pp data_rng(MixSeed(options.seed, 2));
  SparseBatch batch;
  data.Sample(data_rng, 64, &batch);
  SuperpositionToyModel<float>::Matrix gw;
  SuperpositionToyModel<float>::Vector gb;
  model.Loss(batch, &gw, &gb);
  int checked = 0;
  for (int i = 0; i < 32; ++i) {
    const double norm = model.w.row(i).cast<double>().norm() + 1e-8;
    const double factor = 1.0 - 0.01 * (1.0 - 1.0 / norm);
    for (int j = 0; j < 4; ++j) {
      const double g = gw(i, j);
      const double expected = model.w(i, j) * factor - 0.01 * g / (std::abs(g) + 1e-8);
      CHECK(result.w(i, j) == Approx(expected).margin(1e-6));
      checked += std::abs(g) > 1e-6;
    }
    const double g = gb(i);
    CHECK(result.b(i) == Approx(model.b(i) - 0.01 * g / (std::abs(g) + 1e-8)).margin(1e-6));
  }
  CHECK(checked > 64);
}

TEST_CASE("data generator: p_i ~ i^-alpha summing to 1, values U(0, 2)",
          "[superposition_toy][unit]") {
  const SuperpositionToyData data(5, 1.0);
  const double h5 = 1.0 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4 + 1.0 / 5;
  for (int i = 0; i < 5; ++i) CHECK(data.probabilities()[i] == Approx(1.0 / ((i + 1) * h5)));
  // Tail mass beyond the m most frequent: (1/4 + 1/5) / H_5 for m = 3; all of it for m = 0.
  CHECK(data.TailMass(3) == Approx((1.0 / 4 + 1.0 / 5) / h5));
  CHECK(data.TailMass(0) == Approx(1.0));
  CHECK(data.TailMass(5) == 0.0);
  SparseBatch batch;
  Xoshiro256pp rng(5);
  const int rows = 200000;
  data.Sample(rng, rows, &batch);
  std::vector<double> count(5, 0.0);
  double sum_v = 0, sum_v2 = 0;
  std::set<std::pair<int, int>> seen;
  int bad = 0;
  for (std::size_t k = 0; k < batch.entries(); ++k) {
    bad += batch.row[k] < 0 || batch.row[k] >= rows || !(batch.value[k] > 0.0f) ||
           !(batch.value[k] < 2.0f);
    count[batch.feature[k]] += 1;
    sum_v += batch.value[k];
    sum_v2 += double(batch.value[k]) * batch.value[k];
    seen.insert({batch.row[k], batch.feature[k]});
  }
  CHECK(bad == 0);
  CHECK(seen.size() == batch.entries());  // no (row, feature) twice
  for (int i = 0; i < 5; ++i) {
    const double p = data.probabilities()[i];
    const double sd = std::sqrt(rows * p * (1 - p));
    CHECK(std::abs(count[i] - rows * p) < 5 * sd);
  }
  const double entries = double(batch.entries());
  CHECK(sum_v / entries == Approx(1.0).margin(0.01));
  CHECK(sum_v2 / entries == Approx(4.0 / 3.0).margin(0.01));
}

TEST_CASE("regime diagnostics on hand-built W", "[superposition_toy][unit]") {
  SECTION("orthonormal rows: all represented, no overlap") {
    const Eigen::MatrixXd w = Eigen::MatrixXd::Identity(3, 3);
    const auto d = MeasureSuperposition(w);
    CHECK(d.represented_fraction == 1.0);
    CHECK(d.overlap_times_width == Approx(0.0).margin(1e-12));
  }
  SECTION("small rows are not represented and not counted in the overlap") {
    Eigen::MatrixXd w(4, 2);
    w << 2, 0, 0, 0.7, 0.1, 0.1, 0.3, -0.2;
    const auto d = MeasureSuperposition(w);
    CHECK(d.represented_fraction == 0.5);
    CHECK(d.overlap_times_width == Approx(0.0).margin(1e-12));
  }
  SECTION("parallel and 45-degree rows: hand-computed mean squared cosine") {
    // Rows e1, e1, (e1 + e2)/sqrt 2 in m = 2: squared cosines 1, 1/2, 1/2; mean 2/3, x m = 4/3.
    Eigen::MatrixXd w(3, 2);
    w << 1, 0, 3, 0, 1, 1;
    const auto d = MeasureSuperposition(w);
    CHECK(d.overlap_times_width == Approx(4.0 / 3.0));
  }
  SECTION("random directions: m x mean squared cosine ~ 1") {
    Eigen::MatrixXd w(400, 16);
    Xoshiro256pp rng(2);
    for (int i = 0; i < 400; ++i)
      for (int j = 0; j < 16; ++j) w(i, j) = StandardNormal(rng);
    const auto d = MeasureSuperposition(w);
    CHECK(d.represented_fraction == 1.0);
    CHECK(d.overlap_times_width == Approx(1.0).margin(0.05));
  }
  SECTION("fewer than two represented rows: no overlap") {
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(3, 2);
    w(0, 0) = 1;
    CHECK(std::isnan(MeasureSuperposition(w).overlap_times_width));
  }
}

TEST_CASE("the decay's sign sets the regime in a short run", "[superposition_toy][unit]") {
  // n = 64, m = 8, 1500 steps: the negative decay keeps every row near unit norm (phi ~ 1); the
  // positive one lets the rare features' rows decay (phi well below 1).
  const SuperpositionToyData data(64, 1.5);
  SparseBatch test;
  Xoshiro256pp rng(4);
  data.Sample(rng, 2000, &test);
  SuperpositionToyOptions options;
  options.features = 64;
  options.width = 8;
  options.frequency_exponent = 1.5;
  options.batch_size = 128;
  options.schedule = {1e-2, 150, 1500, 0.05};
  SuperpositionToyResult strong, weak;
  std::string error;
  options.weight_decay = -1.0;
  REQUIRE(TrainSuperpositionToy(options, {1500}, test, &strong, &error));
  options.weight_decay = 0.3;
  REQUIRE(TrainSuperpositionToy(options, {1500}, test, &weak, &error));
  CHECK(strong.diagnostics[0].represented_fraction > 0.9);
  CHECK(weak.diagnostics[0].represented_fraction < 0.4);
  // Both learnt something: far below the loss of predicting 0, (4/3) sum p_i / n.
  CHECK(strong.test_loss[0] < 0.5 * (4.0 / 3.0) / 64);
  CHECK(weak.test_loss[0] < 0.5 * (4.0 / 3.0) / 64);
}

TEST_CASE("toy options: errors name the field", "[superposition_toy][unit]") {
  std::string error;
  SuperpositionToyOptions options;
  CHECK(options.IsValid(&error));
  options.width = 0;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("width") != std::string::npos);
  options = SuperpositionToyOptions();
  options.frequency_exponent = -1;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("frequency_exponent") != std::string::npos);
  options = SuperpositionToyOptions();
  options.weight_decay = 1000;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error.find("weight_decay") != std::string::npos);

  const SparseBatch test = HandBatch();
  SuperpositionToyResult result;
  options = SuperpositionToyOptions();
  options.features = 6;
  options.width = 2;
  options.schedule = {1e-2, 0, 10, 1.0};
  CHECK_FALSE(TrainSuperpositionToy(options, {5, 20}, test, &result, &error));
  CHECK(error.find("checkpoints") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
