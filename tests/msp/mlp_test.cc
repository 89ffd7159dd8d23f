// The MLP learner (harness/learners/mlp.h): gradients against central finite differences for both
// losses, the float path against the double path, Adam against a hand-computed update, option
// validation, and a small run that learns one sparse parity.
#include "harness/learners/mlp.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "datasets/generators/random.h"
#include "harness/learners/adam.h"
#include "harness/targets/multitask_sparse_parity.h"

namespace scalebench {
namespace {

using MlpD = BasicMlp<double>;

MlpOptions SmallOptions(MlpLoss loss) {
  MlpOptions o;
  o.inputs = 5;
  o.hidden = 7;
  o.outputs = 3;
  o.loss = loss;
  o.max_batch = 6;
  return o;
}

Eigen::MatrixXd RandomMatrix(int rows, int cols, std::uint64_t seed) {
  Xoshiro256pp rng(seed);
  Eigen::MatrixXd m(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) m(i, j) = StandardNormal(rng);
  return m;
}

// Central differences of the mean loss w.r.t. every entry of `param`, compared with `analytic`.
template <typename Block, typename LossFn>
void CheckBlock(Block* param, const Block& analytic, const LossFn& loss, const char* name) {
  const double h = 1e-6;
  for (Eigen::Index i = 0; i < param->size(); ++i) {
    const double saved = param->data()[i];
    param->data()[i] = saved + h;
    const double plus = loss();
    param->data()[i] = saved - h;
    const double minus = loss();
    param->data()[i] = saved;
    const double numeric = (plus - minus) / (2 * h);
    INFO(name << "[" << i << "]: analytic " << analytic.data()[i] << ", numeric " << numeric);
    // Double precision: the central difference is accurate to ~h^2 |f'''| + eps / h ~ 1e-9.
    CHECK(std::abs(analytic.data()[i] - numeric) <= 1e-7 + 1e-6 * std::abs(numeric));
  }
}

template <typename Labels>
void GradientCheck(MlpLoss loss_kind, const Labels& labels) {
  MlpD mlp(SmallOptions(loss_kind), 7);
  const Eigen::MatrixXd x = RandomMatrix(5, 6, 11);
  mlp.LossAndGradient(x, labels);
  const Eigen::MatrixXd gw1 = mlp.grad_w1(), gw2 = mlp.grad_w2();
  const Eigen::VectorXd gb1 = mlp.grad_b1(), gb2 = mlp.grad_b2();
  CHECK(gw1.norm() > 1e-3);  // the check must not pass on a dead network
  auto loss = [&] { return mlp.LossAndGradient(x, labels); };
  CheckBlock(&mlp.w1(), gw1, loss, "w1");
  CheckBlock(&mlp.b1(), gb1, loss, "b1");
  CheckBlock(&mlp.w2(), gw2, loss, "w2");
  CheckBlock(&mlp.b2(), gb2, loss, "b2");
}

TEST_CASE("mlp: cross-entropy gradient matches central differences", "[msp][mlp]") {
  const std::vector<int> labels = {0, 2, 1, 1, 0, 2};
  GradientCheck(MlpLoss::kSoftmaxCrossEntropy, std::span<const int>(labels));
}

TEST_CASE("mlp: squared-error gradient matches central differences", "[msp][mlp]") {
  const Eigen::MatrixXd targets = RandomMatrix(3, 6, 13);
  GradientCheck(MlpLoss::kSquaredError, targets);
}

TEST_CASE("mlp: the float32 path computes the double path's loss and gradient", "[msp][mlp]") {
  MlpD reference(SmallOptions(MlpLoss::kSoftmaxCrossEntropy), 3);
  Mlp single(SmallOptions(MlpLoss::kSoftmaxCrossEntropy), 3);
  const Eigen::MatrixXd x = RandomMatrix(5, 6, 5);
  const std::vector<int> labels = {1, 0, 2, 2, 1, 0};
  const double loss_d = reference.LossAndGradient(x, labels);
  const float loss_f = single.LossAndGradient(x.cast<float>(), labels);
  CHECK(loss_f == Approx(loss_d).epsilon(1e-5));
  CHECK((single.grad_w1().cast<double>() - reference.grad_w1()).norm() <=
        1e-5 * reference.grad_w1().norm());
  CHECK((single.grad_w2().cast<double>() - reference.grad_w2()).norm() <=
        1e-5 * reference.grad_w2().norm());
  // Per-example losses average to the batch loss, across chunks of max_batch.
  Eigen::MatrixXd x12(5, 12);
  x12 << x, x;
  std::vector<int> labels12 = labels;
  labels12.insert(labels12.end(), labels.begin(), labels.end());
  Eigen::VectorXd per;
  reference.ExampleLosses(x12, labels12, &per);
  REQUIRE(per.size() == 12);
  CHECK(per.mean() == Approx(loss_d));
  CHECK(per(7) == Approx(per(1)));
}

TEST_CASE("mlp: parameter count and initialisation bounds", "[msp][mlp]") {
  CHECK(MlpParameterCount(600, 10, 2) == 10 * 601 + 2 * 11);
  Mlp mlp(SmallOptions(MlpLoss::kSquaredError), 1);
  CHECK(mlp.num_parameters() == 7 * 6 + 3 * 8);
  CHECK(mlp.w1().cwiseAbs().maxCoeff() <= 1.0f / std::sqrt(5.0f));
  CHECK(mlp.w2().cwiseAbs().maxCoeff() <= 1.0f / std::sqrt(7.0f));
  CHECK(mlp.w1().cwiseAbs().maxCoeff() > 0.5f / std::sqrt(5.0f));  // not degenerate
}

TEST_CASE("adam: two steps match the hand-computed update", "[msp][adam]") {
  // beta1 0.9, beta2 0.999, eps 1e-8, lr 0.1, x0 = 1, gradients 2 then -1.
  //   t=1: m = 0.2, v = 0.004; m_hat = 2, v_hat = 4: x1 = 1 - 0.1 * 2 / (2 + 1e-8) = 0.9
  //   t=2: m = 0.18 - 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996;
  //        m_hat = 0.08 / 0.19 = 0.421053, v_hat = 0.004996 / 0.001999 = 2.499250,
  //        x2 = 0.9 - 0.1 * 0.421053 / (1.580902 + 1e-8) = 0.873366
  AdamOptions options;
  Eigen::VectorXd x(1), g(1);
  x << 1.0;
  AdamState<Eigen::VectorXd> state(x);
  g << 2.0;
  state.Step(options, 0.1, g, &x);
  CHECK(x(0) == Approx(0.9).epsilon(1e-9));
  g << -1.0;
  state.Step(options, 0.1, g, &x);
  CHECK(x(0) == Approx(0.873366).epsilon(1e-6));
  CHECK(state.steps() == 2);
}

TEST_CASE("mlp: Step is LossAndGradient followed by Adam on every block", "[msp][mlp]") {
  MlpD mlp(SmallOptions(MlpLoss::kSoftmaxCrossEntropy), 9);
  MlpD copy(SmallOptions(MlpLoss::kSoftmaxCrossEntropy), 9);
  const Eigen::MatrixXd x = RandomMatrix(5, 6, 2);
  const std::vector<int> labels = {0, 1, 2, 0, 1, 2};
  copy.LossAndGradient(x, labels);
  Eigen::MatrixXd w1 = copy.w1();
  AdamState<Eigen::MatrixXd> state(w1);
  state.Step(AdamOptions(), 0.01, copy.grad_w1(), &w1);
  mlp.Step(x, labels, 0.01);
  CHECK((mlp.w1() - w1).norm() < 1e-12);
  CHECK((mlp.w1() - copy.w1()).norm() > 1e-3);
}

TEST_CASE("mlp: options name the bad field", "[msp][mlp]") {
  std::string error;
  MlpOptions o = SmallOptions(MlpLoss::kSoftmaxCrossEntropy);
  CHECK(o.IsValid(&error));
  o.hidden = 0;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error.find("mlp.hidden") != std::string::npos);
  o = SmallOptions(MlpLoss::kSoftmaxCrossEntropy);
  o.outputs = 1;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error.find("mlp.outputs") != std::string::npos);
  o = SmallOptions(MlpLoss::kSquaredError);
  o.weight_decay = -1;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error.find("mlp.weight_decay") != std::string::npos);
  o = SmallOptions(MlpLoss::kSquaredError);
  o.adam.beta2 = 1.0;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error.find("beta") != std::string::npos);
}

TEST_CASE("mlp: learns a single 3-bit parity of 10 bits to low loss", "[msp][mlp]") {
  SparseParityTaskOptions task_options;
  task_options.num_subtasks = 1;
  task_options.num_bits = 10;
  task_options.parity_bits = 3;
  SparseParityTask task(task_options);
  MlpOptions o;
  o.inputs = task.inputs();
  o.hidden = 64;
  o.outputs = 2;
  o.max_batch = 256;
  Mlp mlp(o, 1);
  Xoshiro256pp rng(4);
  Eigen::MatrixXf x(task.inputs(), 256);
  std::vector<int> labels(256), subtasks(256, 0);
  float first = 0, last = 0;
  for (int t = 1; t <= 1500; ++t) {
    task.Fill(subtasks, rng, x, labels);
    const float loss = mlp.Step(x, labels, 1e-2);
    if (t == 1) first = loss;
    last = loss;
  }
  Eigen::MatrixXf test_x;
  std::vector<int> test_labels;
  Xoshiro256pp test_rng(99);
  task.SamplePerSubtask(test_rng, 2000, &test_x, &test_labels);
  Eigen::VectorXf losses;
  mlp.ExampleLosses(test_x, test_labels, &losses);
  INFO("first batch loss " << first << ", last " << last << ", test " << losses.mean());
  CHECK(first > 0.6f);  // chance is ln 2
  CHECK(losses.mean() < 0.05f);
}

}  // namespace
}  // namespace scalebench
