#include "harness/learners/adam.h"

#include <Eigen/Core>
#include <catch2/catch.hpp>
#include <cmath>

namespace scalebench {
namespace {

TEST_CASE("AdamState: two steps against the bias-corrected update worked by hand") {
  AdamOptions adam;  // beta1 0.9, beta2 0.999, eps 1e-8
  Eigen::VectorXd w(2);
  w << 1.0, -2.0;
  AdamState<Eigen::VectorXd> state(w);
  Eigen::VectorXd g(2);
  g << 0.5, -4.0;
  // Step 1: m = 0.1 g, v = 0.001 g^2; m_hat = g, v_hat = g^2: the step is lr * sign(g).
  state.Step(adam, 0.1, g, &w);
  CHECK(w[0] == Approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8)).epsilon(1e-12));
  CHECK(w[1] == Approx(-2.0 + 0.1 * 4.0 / (4.0 + 1e-8)).epsilon(1e-12));
  // Step 2 with gradient g2: m = 0.9 * 0.1 g + 0.1 g2, v = 0.999 * 0.001 g^2 + 0.001 g2^2.
  Eigen::VectorXd g2(2);
  g2 << 1.0, 0.0;
  const Eigen::VectorXd before = w;
  state.Step(adam, 0.1, g2, &w);
  for (int i = 0; i < 2; ++i) {
    const double m = 0.09 * g[i] + 0.1 * g2[i];
    const double v = 0.999 * 0.001 * g[i] * g[i] + 0.001 * g2[i] * g2[i];
    const double m_hat = m / (1 - 0.81), v_hat = v / (1 - 0.999 * 0.999);
    CHECK(w[i] == Approx(before[i] - 0.1 * m_hat / (std::sqrt(v_hat) + 1e-8)).epsilon(1e-12));
  }
  CHECK(state.steps() == 2);
}

TEST_CASE("LearningRateSchedule: linear warm-up, cosine to the floor, constant after") {
  LearningRateSchedule s{
      .peak = 1.0, .warmup_steps = 10, .total_steps = 110, .final_fraction = 0.05};
  std::string error;
  REQUIRE(s.IsValid(&error));
  CHECK(ScheduledLearningRate(s, 1) == Approx(0.1));
  CHECK(ScheduledLearningRate(s, 10) == Approx(1.0));
  CHECK(ScheduledLearningRate(s, 60) == Approx(0.05 + 0.95 * 0.5));  // half-way: cos = 0
  CHECK(ScheduledLearningRate(s, 110) == Approx(0.05));
  CHECK(ScheduledLearningRate(s, 500) == Approx(0.05));
  LearningRateSchedule constant{
      .peak = 0.3, .warmup_steps = 0, .total_steps = 5, .final_fraction = 1.0};
  CHECK(ScheduledLearningRate(constant, 3) == Approx(0.3));
  LearningRateSchedule bad{
      .peak = 1.0, .warmup_steps = 20, .total_steps = 10, .final_fraction = 0.5};
  CHECK_FALSE(bad.IsValid(&error));
  CHECK(error.find("warmup_steps") != std::string::npos);
}

}  // namespace
}  // namespace scalebench
