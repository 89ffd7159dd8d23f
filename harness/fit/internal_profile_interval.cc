// Implementation of harness/fit/internal_profile_interval.h.
#include "harness/fit/internal_profile_interval.h"

#include <algorithm>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace scalebench::internal {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The profile of one parameter (a member of Params), as the excess of the F-type statistic over
// its threshold: negative inside the interval, positive outside.
class Profiler {
 public:
  Profiler(CurveProblem* problem,
           const Params& point,
           double Params::*member,
           const ProfileSetup& setup)
      : problem_(problem), point_(point), member_(member), setup_(setup) {
    const double t = StudentTQuantile(setup.dof, setup.confidence);
    threshold_ = t * t;
    t_ = t;
  }

  double t() const { return t_; }
  int evaluations() const { return evaluations_; }

  // (S_p(v) - S_min) / (S_min / dof) - t^2. Two starts: the point estimate and the profile point
  // solved nearest to v (continuation along the profile), each with the member set to v.
  double Excess(double v) {
    ++evaluations_;
    std::vector<Params> starts = {point_};
    if (!solved_.empty()) {
      const auto nearest = std::min_element(solved_.begin(), solved_.end(), [v](auto& a, auto& b) {
        return std::abs(a.first - v) < std::abs(b.first - v);
      });
      starts.push_back(nearest->second);
    }
    double best = kInfinity;
    Params best_params;
    for (Params start : starts) {
      start.*member_ = v;
      Params solution;
      double cost = kInfinity;
      problem_->Solve(start, Precision::kFull, &solution, &cost);
      // A solve that stopped on the iteration cap still gives an upper bound on S_p(v); only a
      // non-finite cost is unusable.
      if (std::isfinite(cost) && cost < best) {
        best = cost;
        best_params = solution;
      }
    }
    if (!std::isfinite(best)) return 1e12;  // no fit at v: outside (finite for TOMS 748)
    solved_.emplace_back(v, best_params);
    return setup_.dof * (best - setup_.cost) / setup_.cost - threshold_;
  }

  // The end of the interval on the side of `bound` from the estimate: doubling steps from
  // `first_step` until the excess turns non-negative, then TOMS 748 on the last bracket. *open
  // when the bound is reached with the excess still negative.
  double End(double bound, double first_step, bool* open) {
    *open = false;
    const double start = point_.*member_;
    if (start == bound) return bound;
    const double direction = bound > start ? 1.0 : -1.0;
    double inside = start, inside_excess = -threshold_, step = first_step;
    for (;;) {
      double v = inside + direction * step;
      if (direction * (v - bound) >= 0.0) v = bound;
      const double excess = Excess(v);
      if (excess >= 0.0) {
        if (excess == 0.0) return v;
        double lo = inside, hi = v, f_lo = inside_excess, f_hi = excess;
        if (lo > hi) {
          std::swap(lo, hi);
          std::swap(f_lo, f_hi);
        }
        const double tolerance = 1e-7 * std::max(1.0, std::abs(start));
        std::uintmax_t iterations = 100;
        const auto root = boost::math::tools::toms748_solve(
            [this](double x) { return Excess(x); },
            lo,
            hi,
            f_lo,
            f_hi,
            [tolerance](double a, double b) { return std::abs(b - a) <= tolerance; },
            iterations);
        return 0.5 * (root.first + root.second);
      }
      if (v == bound) {
        *open = true;
        return bound;
      }
      inside = v;
      inside_excess = excess;
      step *= 2.0;
    }
  }

 private:
  CurveProblem* problem_;
  const Params point_;
  double Params::*member_;
  const ProfileSetup setup_;
  double threshold_ = 0.0;
  double t_ = 0.0;
  int evaluations_ = 0;
  std::vector<std::pair<double, Params>> solved_;
};

ProfileResult Profile(CurveProblem* problem,
                      const Params& point,
                      double Params::*member,
                      double lower_bound,
                      double upper_bound,
                      double first_step,
                      const ProfileSetup& setup) {
  ProfileResult result;
  const double estimate = point.*member;
  // A noise-free curve (synthetic, or a fit through every point): the objective has no scale to
  // compare with, and every other value is excluded.
  if (!(setup.cost > 1e-24)) {
    result.interval = {estimate, estimate};
    result.std_error = 0.0;
    return result;
  }
  Profiler profiler(problem, point, member, setup);
  result.interval.lower = profiler.End(lower_bound, first_step, &result.open_lower);
  result.interval.upper = profiler.End(upper_bound, first_step, &result.open_upper);
  result.std_error = (result.interval.upper - result.interval.lower) / (2.0 * profiler.t());
  result.evaluations = profiler.evaluations();
  return result;
}

}  // namespace

ProfileResult ProfileExponent(CurveProblem* problem,
                              const Params& point,
                              const ProfileSetup& setup) {
  problem->HoldExponent(true);
  const ProfileResult result = Profile(problem,
                                       point,
                                       &Params::exponent,
                                       kMinExponent,
                                       kMaxExponent,
                                       0.02 * std::max(0.5, std::abs(point.exponent)),
                                       setup);
  problem->HoldExponent(false);
  return result;
}

ProfileResult ProfileOffset(CurveProblem* problem,
                            const Params& point,
                            double max_offset,
                            const ProfileSetup& setup) {
  problem->HoldOffset(true);
  const ProfileResult result = Profile(problem,
                                       point,
                                       &Params::offset,
                                       0.0,
                                       std::max(max_offset, point.offset),
                                       0.02 * std::max(point.offset, 0.01 * max_offset),
                                       setup);
  problem->HoldOffset(false);
  return result;
}

}  // namespace scalebench::internal
