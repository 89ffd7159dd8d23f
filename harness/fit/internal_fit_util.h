// Helpers shared by the curve fit and the joint fit (the reusable problem and the bootstrap:
// internal_bootstrap.h). Not part of the public API.
#pragma once

#include <ceres/ceres.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"

namespace scalebench::internal {

// Bounds on every fitted exponent. An exponent that ends on a bound was not
// pinned down by the data (the optimiser ran out of room), which the callers
// report as kNotIdentifiable.
inline constexpr double kMinExponent = 0.0;
inline constexpr double kMaxExponent = 10.0;
// An exponent within this distance of a bound counts as "at the bound".
inline constexpr double kBoundTolerance = 1e-3;
// The flatness rule of the curve fit: the mean log-loss must fall by more than this many standard
// errors of the difference of two sizes' mean log-loss.
inline constexpr double kFlatnessSigmas = 3.0;

// Huber loss on a residual, scaled by a weight read through a pointer, so that
// one ceres::Problem can be refitted on bootstrap resamples (the weight is a
// point's multiplicity) without rebuilding it. The cost functor must return a
// zero residual when the weight is 0, because Ceres needs rho' > 0: at weight 0
// this loss is the identity.
class WeightedHuberLoss final : public ceres::LossFunction {
 public:
  WeightedHuberLoss(double delta, const double* weight) : delta_(delta), weight_(weight) {}
  void Evaluate(double s, double rho[3]) const override;

 private:
  const double delta_;
  const double* weight_;
};

// How tightly a solve must converge.
enum class Precision {
  kFull,       // multi-start solves: the point estimate
  kWarmRefit,  // bootstrap refits from the point estimate: they only need to
               // resolve the resample-to-resample spread, orders of magnitude
               // above these tolerances
};

// Solver settings for a small dense problem: DENSE_QR, silent, single-threaded. The first call
// also drops Ceres's glog messages below FATAL (see the .cc), which the options cannot silence.
// The iteration cap (500) is a cap, not a budget: most solves stop in 5-30
// steps, but LM crawls along an active bound (E = 0) and a solve stopped early
// would count as a failure.
ceres::Solver::Options SmallProblemSolverOptions(Precision precision);

// The seed of the bootstrap resample `index`: a SplitMix64 mix of (seed,
// index), so that every resample has its own stream and results do not depend
// on how resamples are spread on threads.
std::uint64_t ResampleSeed(std::uint64_t seed, std::uint64_t index);

// Runs body(thread, task) for task in [0, num_tasks) on `threads` std::threads;
// task t runs on thread t % threads (each thread may keep its own scratch state
// indexed by `thread`). The share of a thread that cannot be started runs on the
// calling thread.
void ParallelFor(int num_tasks, int threads, const std::function<void(int, int)>& body);

// Sample standard deviation (n - 1 denominator); NaN for fewer than 2 values.
double SampleStdDev(const std::vector<double>& values);

// Two-sided Student-t quantile: t such that P(|T_dof| <= t) = confidence.
double StudentTQuantile(double dof, double confidence);

}  // namespace scalebench::internal
