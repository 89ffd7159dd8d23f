// The MLP learner's threads (harness/learners/mlp.cc): its products run on column blocks, one per
// OpenMP thread, so training gives the same bits at any thread count, and inside an enclosing
// parallel region (one run per thread, as the multitask-sparse-parity target trains) too.
#include <omp.h>

#include <Eigen/Core>
#include <catch2/catch.hpp>
#include <vector>

#include "datasets/generators/random.h"
#include "harness/learners/mlp.h"

namespace scalebench {
namespace {

struct Shape {
  int inputs, hidden, outputs, batch;
  MlpLoss loss;
};

// The parameters after `steps` Adam steps on random batches, trained with `threads` threads.
template <typename Scalar>
std::vector<Scalar> Train(const Shape& s, int threads, int steps) {
  using Net = BasicMlp<Scalar>;
  MlpOptions options;
  options.inputs = s.inputs;
  options.hidden = s.hidden;
  options.outputs = s.outputs;
  options.loss = s.loss;
  options.max_batch = s.batch;
  options.weight_decay = 1e-3;
  Net mlp(options, 11);
  Xoshiro256pp rng(12);
  typename Net::Matrix x(s.inputs, s.batch), targets(s.outputs, s.batch);
  std::vector<int> labels(s.batch);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  for (int t = 0; t < steps; ++t) {
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = Scalar(StandardNormal(rng));
    for (Eigen::Index i = 0; i < targets.size(); ++i) {
      targets.data()[i] = Scalar(StandardNormal(rng));
    }
    for (int& label : labels) label = int(rng() % std::uint64_t(s.outputs));
    if (s.loss == MlpLoss::kSoftmaxCrossEntropy) {
      mlp.Step(x, labels, 1e-2);
    } else {
      mlp.Step(x, targets, 1e-2);
    }
  }
  typename Net::Vector losses;
  if (s.loss == MlpLoss::kSoftmaxCrossEntropy) {
    mlp.ExampleLosses(x, labels, &losses);
  } else {
    mlp.ExampleLosses(x, targets, &losses);
  }
  omp_set_num_threads(saved);
  std::vector<Scalar> all;
  for (const auto* m : {&mlp.w1(), &mlp.w2()})
    all.insert(all.end(), m->data(), m->data() + m->size());
  for (const auto* v : {&mlp.b1(), &mlp.b2(), &losses}) {
    all.insert(all.end(), v->data(), v->data() + v->size());
  }
  return all;
}

const std::vector<Shape>& Shapes() {
  static const std::vector<Shape> shapes = {
      {76, 128, 2, 256, MlpLoss::kSoftmaxCrossEntropy},  // the small parity network
      {145, 512, 2, 256, MlpLoss::kSoftmaxCrossEntropy},
      {784, 100, 10, 300, MlpLoss::kSoftmaxCrossEntropy},  // Fashion-MNIST-like, odd sizes
      {33, 300, 17, 250, MlpLoss::kSquaredError},          // every phase split, odd sizes
      {5, 7, 3, 6, MlpLoss::kSquaredError},                // below one block: never split
  };
  return shapes;
}

TEST_CASE("mlp: training gives the same bits at 1, 2 and 3 threads", "[unit][msp]") {
  for (const Shape& s : Shapes()) {
    CAPTURE(s.inputs, s.hidden, s.outputs, s.batch);
    const std::vector<float> one = Train<float>(s, 1, 6);
    CHECK(Train<float>(s, 2, 6) == one);
    CHECK(Train<float>(s, 3, 6) == one);
    const std::vector<double> one_double = Train<double>(s, 1, 3);
    CHECK(Train<double>(s, 2, 3) == one_double);
  }
}

TEST_CASE("mlp: training inside an enclosing parallel region gives the same bits", "[unit][msp]") {
  const Shape s = Shapes()[2];
  const std::vector<float> one = Train<float>(s, 1, 4);
  std::vector<std::vector<float>> runs(2);
#pragma omp parallel for num_threads(2)
  for (int r = 0; r < 2; ++r) runs[r] = Train<float>(s, 2, 4);
  CHECK(runs[0] == one);
  CHECK(runs[1] == one);
}

}  // namespace
}  // namespace scalebench
