// The shared half of the curve fit and the joint fit: a Ceres problem built once and solved many
// times, and the bootstrap that refits it on resamples. Not part of the public API.
//
// Usage (inside a fit):
//   class MyProblem : public ReusableProblem<MyParams> { ... AddResidualBlock on &params_ ... };
//   const RefitResults<MyParams> refits = BootstrapRefits<MyProblem>(
//       options.bootstrap, point_estimate, [&] { return std::make_unique<MyProblem>(...); },
//       [&](std::mt19937_64& rng, MyProblem* problem) { ...reweight...; return true; });
#pragma once

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "harness/fit/internal_fit_util.h"
#include "harness/fit/power_law_fit.h"

namespace scalebench::internal {

// A ceres::Problem over one parameter object (Params: a struct or array of doubles that the
// derived class registers with problem_), built once and solved from many starts: the
// multi-start and every bootstrap refit of one thread reuse it, which avoids rebuilding the
// problem per solve. A resample only rewrites the data the residuals read through pointers.
template <typename Params>
class ReusableProblem {
 public:
  // Solves from `start`; true if Ceres converged. The solution and cost are returned either way.
  bool Solve(const Params& start, Precision precision, Params* solution, double* cost) {
    params_ = start;
    ceres::Solver::Summary summary;
    ceres::Solve(precision == Precision::kFull ? full_ : refit_, &problem_, &summary);
    *solution = params_;
    *cost = summary.final_cost;
    return summary.termination_type == ceres::CONVERGENCE && std::isfinite(summary.final_cost);
  }

 protected:
  Params params_{};
  ceres::Problem problem_;

 private:
  const ceres::Solver::Options full_ = SmallProblemSolverOptions(Precision::kFull);
  const ceres::Solver::Options refit_ = SmallProblemSolverOptions(Precision::kWarmRefit);
};

// The converged refits, in resample order, and how many did not converge.
template <typename Params>
struct RefitResults {
  std::vector<Params> solutions;
  int failures = 0;
};

// options.resamples refits on options.threads threads, one Problem per thread (made by
// make_problem() on the thread's first resample). Resample r draws from std::mt19937_64 seeded
// by ResampleSeed(options.seed, r): resample(rng, &problem) rewrites the problem's data and
// returns false when the resample leaves too little to fit (counted as a failure); the refit
// then starts from `start` at Precision::kWarmRefit. The results do not depend on the number of
// threads.
template <typename Problem, typename Params, typename MakeProblem, typename Resample>
RefitResults<Params> BootstrapRefits(const BootstrapOptions& options,
                                     const Params& start,
                                     MakeProblem make_problem,
                                     Resample resample) {
  const int resamples = options.resamples;
  std::vector<Params> solutions(resamples);
  std::vector<char> ok(resamples, 0);
  const int threads = std::max(1, std::min(options.threads, resamples));
  std::vector<std::unique_ptr<Problem>> problems(threads);
  ParallelFor(resamples, threads, [&](int thread, int r) {
    if (!problems[thread]) problems[thread] = make_problem();
    Problem& problem = *problems[thread];
    std::mt19937_64 rng(ResampleSeed(options.seed, r));
    if (!resample(rng, &problem)) return;
    double cost = std::numeric_limits<double>::quiet_NaN();
    ok[r] = problem.Solve(start, Precision::kWarmRefit, &solutions[r], &cost);
  });
  RefitResults<Params> results;
  for (int r = 0; r < resamples; ++r) {
    if (ok[r]) {
      results.solutions.push_back(solutions[r]);
    } else {
      ++results.failures;
    }
  }
  return results;
}

}  // namespace scalebench::internal
