// Synthetic learning curves for the fit tests: a known offset power law with multiplicative
// log-normal seed noise, so that each test can check what the fit recovers.
//
//   const LearningCurve curve = testing::Synthetic({0.05, 10.0, 0.5}, testing::LogSpaced(1e3, 1e5,
//   6),
//                                                  /*seeds=*/5, /*sigma=*/0.01, /*rng_seed=*/3);
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "harness/fit/power_law_fit.h"
#include "harness/learning_curve.h"

namespace scalebench::testing {

// loss(x) = offset + amplitude x^-exponent.
struct Truth {
  double offset, amplitude, exponent;
  double operator()(double x) const { return offset + amplitude * std::pow(x, -exponent); }
};

// n sizes from lo to hi, evenly spaced in log x.
inline std::vector<double> LogSpaced(double lo, double hi, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(lo * std::pow(hi / lo, i / (n - 1.0)));
  return out;
}

// Loss = truth(x) exp(sigma z), z standard normal, one draw per (size, seed) in size-major order;
// seeds = 1 is a one-run-per-size curve.
inline LearningCurve Synthetic(const Truth& truth,
                               const std::vector<double>& sizes,
                               int seeds,
                               double sigma,
                               std::uint64_t rng_seed) {
  std::mt19937_64 rng(rng_seed);
  std::normal_distribution<double> z(0.0, 1.0);
  LearningCurve curve;
  curve.sizes = sizes;
  for (int j = 0; j < seeds; ++j) curve.seeds.push_back(j);
  for (double x : sizes) {
    std::vector<double> row;
    for (int j = 0; j < seeds; ++j) row.push_back(truth(x) * std::exp(sigma * z(rng)));
    curve.values.push_back(row);
  }
  return curve;
}

// Fit options with a short bootstrap, enough for the tests' interval checks.
inline FitOptions Quick() {
  FitOptions options;
  options.bootstrap.resamples = 200;
  return options;
}

}  // namespace scalebench::testing
