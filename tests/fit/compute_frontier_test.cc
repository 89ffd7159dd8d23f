// The compute frontier (harness/fit/compute_frontier.h) on synthetic grids with known exponents:
// L(N, D) = E + A N^-a + B D^-b with D = steps x batch and C = 6 N D, whose compute-optimal
// allocation is N* ~ C^(b/(a+b)), D* ~ C^(a/(a+b)) and L* - E ~ C^-(ab/(a+b)).
#include "harness/fit/compute_frontier.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

struct Law {
  double e = 0.5, a_amp = 1.0, b_amp = 1.0, a = 0.5, b = 0.5;
  double Loss(double n, double d) const {
    return e + a_amp * std::pow(n, -a) + b_amp * std::pow(d, -b);
  }
  double LossExponent() const { return a * b / (a + b); }
  double ParamsAllocation() const { return b / (a + b); }
  double DataAllocation() const { return a / (a + b); }
};

// Models N = 100 * ratio^k (k < count), batch `batch`, checkpoints log-spaced over [1, 1e4]
// steps, `seeds` seeds with independent multiplicative noise of log-sd `noise`.
std::vector<ComputeGridModel> Grid(const Law& law,
                                   int count,
                                   double ratio,
                                   int seeds,
                                   double noise,
                                   int batch = 1,
                                   std::uint64_t rng_seed = 7) {
  std::mt19937_64 rng(rng_seed);
  std::normal_distribution<double> normal(0.0, noise);
  std::vector<ComputeGridModel> models;
  for (int k = 0; k < count; ++k) {
    ComputeGridModel m;
    m.params = std::round(100.0 * std::pow(ratio, k));
    m.samples_per_step = batch;
    m.flops_per_step = 6.0 * m.params * batch;
    m.curve.axis = Axis::kSteps;
    m.curve.loss = "mse";
    for (int j = 1; j <= seeds; ++j) m.curve.seeds.push_back(std::uint64_t(j));
    for (int i = 0; i <= 40; ++i) {
      const double steps = std::round(std::pow(10.0, 4.0 * i / 40.0));
      if (!m.curve.sizes.empty() && steps <= m.curve.sizes.back()) continue;
      m.curve.sizes.push_back(steps);
      std::vector<double> row;
      for (int j = 0; j < seeds; ++j) {
        row.push_back(law.Loss(m.params, steps * batch) * std::exp(noise > 0 ? normal(rng) : 0.0));
      }
      m.curve.values.push_back(row);
    }
    models.push_back(std::move(m));
  }
  return models;
}

ComputeFrontierOptions Options(int resamples = 200) {
  ComputeFrontierOptions options;
  options.bootstrap.resamples = resamples;
  return options;
}

TEST_CASE(
    "compute frontier: the envelope and the iso-FLOP minima recover the exponents of a "
    "noiseless Chinchilla-form grid",
    "[unit][fit]") {
  for (const Law& law : {Law{}, Law{1.69, 406.4, 410.7, 0.34, 0.28}}) {
    CAPTURE(law.a, law.b);
    ComputeFrontierSummary s;
    // Noiseless but with 2 seeds (an interval needs 2); dense model sizes (ratio 2^(1/4)).
    FitComputeFrontier(Options(0), Grid(law, 25, std::pow(2.0, 0.25), 2, 0.0), &s);
    INFO(s.FullReport());
    REQUIRE(s.status == FitStatus::kConverged);
    CHECK(s.loss_fit.exponent == Approx(law.LossExponent()).margin(0.02));
    CHECK(s.params_allocation.exponent == Approx(law.ParamsAllocation()).margin(0.03));
    CHECK(s.data_allocation.exponent == Approx(law.DataAllocation()).margin(0.03));
    CHECK(s.isoflop_params_allocation.exponent == Approx(law.ParamsAllocation()).margin(0.03));
    CHECK(s.isoflop_data_allocation.exponent == Approx(law.DataAllocation()).margin(0.03));
    CHECK(s.isoflop_loss_fit.exponent == Approx(law.LossExponent()).margin(0.02));
    // D* = C / (6 N*): the two allocation exponents sum to 1.
    CHECK(s.params_allocation.exponent + s.data_allocation.exponent == Approx(1.0).margin(1e-9));
    CHECK(s.isoflop.size() >= 5);
  }
}

TEST_CASE(
    "compute frontier: on noisy seeds the intervals cover the generating exponents and the "
    "approaches agree",
    "[unit][fit]") {
  const Law law;
  int covered_e = 0, covered_x = 0, agree = 0;
  const int trials = 8;
  for (int trial = 0; trial < trials; ++trial) {
    ComputeFrontierSummary s;
    FitComputeFrontier(Options(200), Grid(law, 9, 2.0, 5, 0.02, 4, 100 + std::uint64_t(trial)), &s);
    INFO(s.FullReport());
    REQUIRE(s.status == FitStatus::kConverged);
    REQUIRE(s.loss_fit.exponent_ci.lower < s.loss_fit.exponent_ci.upper);
    covered_e += s.loss_fit.exponent_ci.Contains(law.LossExponent());
    covered_x += s.isoflop_params_allocation.ci.Contains(law.ParamsAllocation());
    agree += s.approaches_agree;
    CHECK(s.num_seeds == 5);
    CHECK(s.envelope.num_seeds() == 5);
    CHECK(s.envelope.axis == Axis::kCompute);
  }
  // 95% intervals over 8 independent grids: at most one miss each is expected.
  CHECK(covered_e >= trials - 2);
  CHECK(covered_x >= trials - 2);
  CHECK(agree >= trials - 2);
}

TEST_CASE(
    "compute frontier: the envelope's seed columns average (geometrically) to L*(C) and "
    "carry N* and D* as diagnostics",
    "[unit][fit]") {
  ComputeFrontierSummary s;
  FitComputeFrontier(Options(50), Grid(Law{}, 9, 2.0, 4, 0.01, /*batch=*/4), &s);
  INFO(s.FullReport());
  REQUIRE(s.usable());
  const LearningCurve& env = s.envelope;
  REQUIRE(env.diagnostics.size() == 2);
  CHECK(env.diagnostics[0].name == "optimal_params");
  CHECK(env.diagnostics[1].name == "optimal_data");
  CHECK_THAT(env.diagnostics[0].description, Contains("Approach 1") && Contains("iso-FLOP"));
  for (std::size_t i = 0; i < env.num_sizes(); ++i) {
    const double n = env.diagnostics[0].Mean(i), d = env.diagnostics[1].Mean(i);
    CHECK(6.0 * n * d == Approx(env.sizes[i]).epsilon(1e-9));  // C = 6 N D, D = 4 steps
    // N* is one of the grid's models: 100 x 2^k.
    CHECK(std::log2(n / 100.0) == Approx(std::round(std::log2(n / 100.0))).margin(1e-9));
  }
}

TEST_CASE("compute frontier: the bootstrap does not depend on the thread count", "[unit][fit]") {
  const auto models = Grid(Law{}, 9, 2.0, 4, 0.02);
  ComputeFrontierOptions one = Options(60), two = Options(60);
  two.bootstrap.threads = 2;
  ComputeFrontierSummary a, b;
  FitComputeFrontier(one, models, &a);
  FitComputeFrontier(two, models, &b);
  REQUIRE(a.usable());
  CHECK(a.loss_fit.exponent_ci.lower == b.loss_fit.exponent_ci.lower);
  CHECK(a.params_allocation.ci.upper == b.params_allocation.ci.upper);
  CHECK(a.isoflop_params_allocation.ci.lower == b.isoflop_params_allocation.ci.lower);
  CHECK(a.loss_exponent_difference.ci.upper == b.loss_exponent_difference.ci.upper);
}

TEST_CASE("compute frontier: a grid that never brackets the optimum fails and says why",
          "[unit][fit]") {
  // No data term: the largest model covering C is always the best, so no minimum is resolved.
  Law law;
  law.b_amp = 0.0;
  ComputeFrontierSummary s;
  FitComputeFrontier(Options(0), Grid(law, 6, 2.0, 2, 0.0), &s);
  CHECK(s.status == FitStatus::kFailed);
  CHECK_THAT(s.message,
             Contains("does not bracket the compute-optimal model") &&
                 Contains("0 of 24 compute values are resolved"));
}

TEST_CASE("compute frontier: bad grids and options are named", "[unit][fit]") {
  ComputeFrontierSummary s;
  auto models = Grid(Law{}, 4, 2.0, 2, 0.0);
  FitComputeFrontier(Options(), {models[0], models[1]}, &s);
  CHECK_THAT(s.message, Contains("2 models; the compute frontier needs at least 3"));
  auto zero_flops = models;
  zero_flops[2].flops_per_step = 0;
  FitComputeFrontier(Options(), zero_flops, &s);
  CHECK_THAT(s.message, Contains("model N = 400") && Contains("flops_per_step = 0"));
  auto other_seeds = models;
  other_seeds[1].curve.seeds = {5, 6};
  FitComputeFrontier(Options(), other_seeds, &s);
  CHECK_THAT(s.message, Contains("model N = 200: its seeds differ"));
  auto same_n = models;
  same_n[3].params = same_n[2].params;
  FitComputeFrontier(Options(), same_n, &s);
  CHECK_THAT(s.message, Contains("two models have this N"));
  ComputeFrontierOptions options;
  options.min_points = 2;
  std::string error;
  CHECK_FALSE(options.IsValid(&error));
  CHECK(error == "ComputeFrontierOptions.min_points = 2 must be in [3, compute_points = 24]");
  options = ComputeFrontierOptions();
  options.huber_delta = -1;
  CHECK_FALSE(options.IsValid(&error));
  CHECK_THAT(error, Contains("ComputeFrontierOptions.huber_delta = -1"));
  FitComputeFrontier(options, models, &s);
  CHECK(s.status == FitStatus::kFailed);
}

}  // namespace
}  // namespace scalebench
