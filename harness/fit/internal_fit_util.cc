#include "harness/fit/internal_fit_util.h"

#include <glog/logging.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>

namespace scalebench::internal {

void WeightedHuberLoss::Evaluate(double s, double rho[3]) const {
  const double w = *weight_;
  if (w == 0.0) {  // the functor zeroed the residual; stay the identity so that
                   // rho' > 0
    rho[0] = s;
    rho[1] = 1.0;
    rho[2] = 0.0;
    return;
  }
  const double b = delta_ * delta_;
  if (s > b) {  // outlier region: linear in |r|
    const double r = std::sqrt(s);
    rho[0] = w * (2.0 * delta_ * r - b);
    rho[1] = w * std::max(std::numeric_limits<double>::min(), delta_ / r);
    rho[2] = -rho[1] / (2.0 * s);
  } else {  // inlier region: least squares
    rho[0] = w * s;
    rho[1] = w;
    rho[2] = 0.0;
  }
}

namespace {

// Ceres reports through glog, and the solver options' logging type does not cover all of it: a
// residual that evaluates to a non-finite value (a loss near 1e-320 gives log-loss residuals whose
// Jacobians overflow) makes it print a 30-line WARNING per evaluation and an ERROR line per
// solve, ~1000 lines for one `fit`. Every such failure also ends in the Solver::Summary that the
// fits read and report (FitStatus, message), so glog's messages below FATAL are dropped (a failed
// CHECK still prints), unless the user sets GLOG_minloglevel.
void SilenceSolverLog() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::getenv("GLOG_minloglevel") == nullptr) FLAGS_minloglevel = google::GLOG_FATAL;
  });
}

}  // namespace

ceres::Solver::Options SmallProblemSolverOptions(Precision precision) {
  SilenceSolverLog();
  ceres::Solver::Options options;
  options.linear_solver_type = ceres::DENSE_QR;
  options.logging_type = ceres::SILENT;
  options.minimizer_progress_to_stdout = false;
  options.num_threads = 1;
  options.max_num_iterations = 500;
  // Tight tolerances: an early stop on a relative cost test is the classic
  // failure of scaling-law fits (peers.md 1.6, pitfall 3).
  options.function_tolerance = 1e-12;
  options.gradient_tolerance = 1e-14;
  options.parameter_tolerance = 1e-12;
  if (precision == Precision::kWarmRefit) {
    // Under a Huber loss with many residuals past delta (the joint fit), LM
    // creeps towards the kinks; these tolerances halve the refit's steps and
    // leave the intervals unchanged to 4 significant digits.
    options.function_tolerance = 1e-8;
    options.parameter_tolerance = 1e-8;
    options.gradient_tolerance = 1e-10;
  }
  return options;
}

std::uint64_t ResampleSeed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void ParallelFor(int num_tasks, int threads, const std::function<void(int, int)>& body) {
  threads = std::max(1, std::min(threads, num_tasks));
  auto run = [&](int thread) {
    for (int task = thread; task < num_tasks; task += threads) body(thread, task);
  };
  if (threads == 1) {
    run(0);
    return;
  }
  // A thread the system refuses to start (std::system_error: `fit --threads 100000` or a process
  // limit) is not fatal: its share of the tasks runs here afterwards, with its own index.
  std::vector<std::thread> pool;
  std::vector<int> not_started;
  pool.reserve(threads - 1);
  for (int t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(run, t);
    } catch (const std::system_error&) {
      not_started.push_back(t);
    }
  }
  run(0);
  for (int t : not_started) run(t);
  for (std::thread& thread : pool) thread.join();
}

double SampleStdDev(const std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(n - 1));
}

double StudentTQuantile(double dof, double confidence) {
  boost::math::students_t distribution(dof);
  return boost::math::quantile(distribution, 0.5 + 0.5 * confidence);
}

}  // namespace scalebench::internal
