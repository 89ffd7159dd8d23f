#include "theories/internal/spectral.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <utility>

#include "common/line_fit.h"
#include "common/status.h"

namespace scalebench::internal {
namespace {

constexpr double kRelativeStep = 1e-12;  // convergence of t (relative)
constexpr int kMaxIterations = 200;
constexpr double kMaxLogStep = 10.0;  // a Newton step never moves t by more than e^10

// Eigenvalues this far below the largest are round-off of a Gram eigensolver, not modes.
constexpr double kNegativeTolerance = 1e-10;

bool AllFinite(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// Fit window [k_trust/4, k_trust] (1-based mode indices).
std::pair<std::size_t, std::size_t> FitWindow(std::size_t k_trust) {
  return {std::max<std::size_t>(1, k_trust / 4), k_trust};
}

// b from the local slope of the measured eigenvalues just below k_trust.
std::optional<double> FitSpectrumDecay(const std::vector<double>& lambda, std::size_t k_trust) {
  const auto [lo, hi] = FitWindow(k_trust);
  std::vector<double> x, y;
  for (std::size_t k = lo; k <= hi; ++k) x.push_back(double(k)), y.push_back(lambda[k - 1]);
  const auto slope = LogLogSlope(x, y);
  if (!slope) return std::nullopt;
  return -*slope;
}

// a from the tail sum T(k) = sum_{j>=k} p_j ~ k^-(a-1) just below k_trust (Spigler Eq. 14).
std::optional<double> FitTaskDecay(const std::vector<double>& power, std::size_t k_trust) {
  std::vector<double> tail(power.size() + 1, 0.0);
  for (std::size_t k = power.size(); k-- > 0;) tail[k] = tail[k + 1] + power[k];
  const auto [lo, hi] = FitWindow(k_trust);
  std::vector<double> x, y;
  for (std::size_t k = lo; k <= hi; ++k) x.push_back(double(k)), y.push_back(tail[k - 1]);
  const auto slope = LogLogSlope(x, y);
  if (!slope) return std::nullopt;
  return 1.0 - *slope;
}

// Checks the series and returns them sorted by decreasing eigenvalue, tiny negatives zeroed.
bool CleanSeries(std::vector<double> lambda,
                 std::vector<double> power,
                 std::vector<double>* lambda_out,
                 std::vector<double>* power_out,
                 std::string* error) {
  if (lambda.empty()) return Fail(error, "the eigenvalue series is empty");
  if (!AllFinite(lambda) || !AllFinite(power)) {
    return Fail(error, "the eigenvalue or target-power series holds a non-finite value");
  }
  const double top = *std::max_element(lambda.begin(), lambda.end());
  if (!(top > 0)) return Fail(error, "the eigenvalue series has no positive eigenvalue");
  for (double& v : lambda) {
    if (v < -kNegativeTolerance * top) {
      return Fail(error, "the eigenvalue series holds a negative eigenvalue");
    }
    v = std::max(v, 0.0);
  }
  if (std::any_of(power.begin(), power.end(), [](double v) { return v < 0; })) {
    return Fail(error, "the target-power series holds a negative value");
  }
  if (!std::is_sorted(lambda.rbegin(), lambda.rend())) {  // keep p_k paired with lambda_k
    std::vector<std::size_t> order(lambda.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
      return lambda[i] > lambda[j];
    });
    std::vector<double> l2, p2;
    for (std::size_t i : order) l2.push_back(lambda[i]), p2.push_back(power[i]);
    lambda.swap(l2), power.swap(p2);
  }
  *lambda_out = std::move(lambda);
  *power_out = std::move(power);
  return true;
}

double Sum(const std::vector<double>& v, std::size_t from) {
  return std::accumulate(v.begin() + std::min(from, v.size()), v.end(), 0.0);
}

// Appends lambda_k = anchor (k/k_trust)^-b for k_trust < k <= total and returns the trace of
// the power law beyond `total` (integral estimate; 0 when b <= 1, where it diverges).
double AppendEigenvalueTail(
    double anchor, double b, std::size_t k_trust, std::size_t total, std::vector<double>* lambda) {
  for (std::size_t k = k_trust + 1; k <= total; ++k) {
    lambda->push_back(anchor * std::pow(double(k) / double(k_trust), -b));
  }
  if (!(b > 1)) return 0.0;
  return anchor * std::pow(double(k_trust), b) * std::pow(total + 0.5, 1 - b) / (b - 1);
}

// Spreads the measured remainder `power` over the continued power law p_k ~ k^-a, k > k_trust;
// appends the modes up to `total` and returns the share beyond (integral estimate; 0 if a <= 1).
double AppendPowerTail(
    double power, double a, std::size_t k_trust, std::size_t total, std::vector<double>* p) {
  std::vector<double> weights;
  for (std::size_t k = k_trust + 1; k <= total; ++k) weights.push_back(std::pow(double(k), -a));
  const double inside = std::accumulate(weights.begin(), weights.end(), 0.0);
  const double outside = (a > 1) ? std::pow(total + 0.5, 1 - a) / (a - 1) : 0.0;
  if (!(inside + outside > 0)) return power;
  for (double w : weights) p->push_back(power * w / (inside + outside));
  return power * outside / (inside + outside);
}

// Keeps the modes k <= k_trust and continues them as the power laws of TailOptions.
void ContinueTail(const std::vector<double>& lambda,
                  const std::vector<double>& power,
                  std::size_t k_trust,
                  double b,
                  double a,
                  const TailOptions& options,
                  ModeSpectrum* s) {
  s->trusted_modes = k_trust;
  s->tail_spectrum_decay = b;
  s->eigenvalues.assign(lambda.begin(), lambda.begin() + k_trust);
  s->target_power.assign(power.begin(), power.begin() + k_trust);
  const std::size_t total = std::max(options.max_modes, k_trust);
  s->far_trace = AppendEigenvalueTail(lambda[k_trust - 1], b, k_trust, total, &s->eigenvalues);
  s->far_power = AppendPowerTail(Sum(power, k_trust), a, k_trust, total, &s->target_power);
  s->target_power.resize(s->eigenvalues.size(), 0.0);
}

std::size_t CountPositive(const std::vector<double>& v) {
  return std::count_if(v.begin(), v.end(), [](double x) { return x > 0; });
}

std::string Describe(const ModeSpectrum& s, bool b_from_profile, bool a_from_profile) {
  std::string text = std::to_string(s.measured_modes) + " measured modes";
  if (s.trusted_modes == s.measured_modes) return text + " used as given";
  text += ", kept to k_trust = " + std::to_string(s.trusted_modes) + ", continued to " +
          std::to_string(s.eigenvalues.size()) + " modes as k^-" + Format(*s.tail_spectrum_decay) +
          (b_from_profile ? " (profile b)" : " (b fitted on the series)");
  if (s.tail_task_decay) {
    text += ", target power as k^-" + Format(*s.tail_task_decay) +
            (a_from_profile ? " (profile a)" : " (a fitted on the series)");
  }
  if (s.far_trace > 0) text += ", trace beyond them " + Format(s.far_trace) + " kept as ridge";
  return text;
}

}  // namespace

double ModeSpectrum::Trace() const {
  return std::accumulate(eigenvalues.begin(), eigenvalues.end(), 0.0) + far_trace;
}

double ModeSpectrum::TotalPower() const {
  return std::accumulate(target_power.begin(), target_power.end(), 0.0) + far_power;
}

bool BuildModeSpectrum(const std::vector<double>& eigenvalues,
                       const std::vector<double>* target_power,
                       std::optional<double> b,
                       std::optional<double> a,
                       const TailOptions& options,
                       ModeSpectrum* out,
                       std::string* error) {
  const bool use_target = target_power != nullptr;
  if (use_target && target_power->size() != eigenvalues.size()) {
    *error = "target_power has " + std::to_string(target_power->size()) +
             " entries but eigenvalues has " + std::to_string(eigenvalues.size());
    return false;
  }
  std::vector<double> lambda, power;
  if (!CleanSeries(eigenvalues,
                   use_target ? *target_power : std::vector<double>(eigenvalues.size(), 0.0),
                   &lambda,
                   &power,
                   error)) {
    return false;
  }
  ModeSpectrum s;
  s.measured_modes = lambda.size();
  s.trusted_modes = lambda.size();
  const std::size_t k_trust =
      std::max<std::size_t>(1, std::size_t(options.trust_fraction * double(lambda.size())));
  const bool b_given = b.has_value(), a_given = a.has_value();
  if (!b) b = FitSpectrumDecay(lambda, k_trust);
  const bool continue_tail = lambda.size() >= options.min_modes_for_tail &&
                             k_trust < lambda.size() && b && *b > 0 && lambda[k_trust - 1] > 0;
  if (!continue_tail) {
    s.eigenvalues = std::move(lambda);
    s.target_power = std::move(power);
  } else {
    if (use_target && !a) a = FitTaskDecay(power, k_trust);
    if (use_target && !(a && std::isfinite(*a) && *a > 0)) a = *b;  // isotropic fallback
    if (use_target) s.tail_task_decay = *a;
    ContinueTail(lambda, power, k_trust, *b, use_target ? *a : *b, options, &s);
  }
  s.positive_modes = CountPositive(s.eigenvalues);
  s.description = Describe(s, b_given, a_given);
  *out = std::move(s);
  return true;
}

bool ModeSpectrumFromProfile(const Profile& profile,
                             bool use_target,
                             const TailOptions& options,
                             ModeSpectrum* out,
                             std::string* error) {
  auto scalar = [&](Property p) { return OptionalScalar(profile, p); };
  const bool with_target = use_target && profile.Has(Series::kTargetPower);
  // A complete spectrum (the probe saw the whole population) is used as measured: continuing it
  // as a power law would add modes and trace the population does not have.
  TailOptions used = options;
  if (const auto complete = scalar(Property::kSpectrumComplete); complete && *complete == 1.0) {
    used.trust_fraction = 1.0;
  }
  return BuildModeSpectrum(profile.Get(Series::kEigenvalues),
                           with_target ? &profile.Get(Series::kTargetPower) : nullptr,
                           scalar(Property::kSpectrumDecay),
                           with_target ? scalar(Property::kTaskPowerDecay) : std::nullopt,
                           used,
                           out,
                           error);
}

namespace {

// The sums of (1) and of the error formulas at one t, in one vectorised pass.
struct Sums {
  double learned = 0, learned_sq = 0, spread = 0, residual = 0, residual_sq = 0;
};

Sums SumsAt(const ModeSpectrum& s, double t) {
  const double* lambda = s.eigenvalues.data();
  const double* p = s.target_power.data();
  const std::size_t m = s.eigenvalues.size();
  double learned = 0, learned_sq = 0, spread = 0, residual = 0, residual_sq = 0;
#pragma omp simd reduction(+ : learned, learned_sq, spread, residual, residual_sq)
  for (std::size_t k = 0; k < m; ++k) {
    const double r = 1.0 / (lambda[k] + t);
    const double l = lambda[k] * r;  // L_k
    const double u = t * r;          // 1 - L_k, computed without cancellation
    learned += l;
    learned_sq += l * l;
    spread += l * u;
    residual += p[k] * u;
    residual_sq += p[k] * u * u;
  }
  return {learned, learned_sq, spread, residual, residual_sq};
}

FixedPoint MakePoint(const ModeSpectrum& s, double n, double t, const Sums& sums, int iterations) {
  FixedPoint point;
  point.n = n;
  point.t = t;
  point.learned = sums.learned;
  point.learned_sq = sums.learned_sq;
  point.residual_power = sums.residual + s.far_power;
  point.residual_power_sq = sums.residual_sq + s.far_power;
  point.iterations = iterations;
  return point;
}

// Safeguarded Newton on f(u) = sum_k L_k(e^u) + delta e^-u - n, which decreases in u = log t.
// [lo, hi] brackets the root once f has been seen positive at lo; hi holds from the start.
bool SolveOne(const ModeSpectrum& s,
              double n,
              double delta,
              double log_guess,
              double log_hi,
              FixedPoint* out,
              std::string* error) {
  double lo = -std::numeric_limits<double>::infinity(), hi = log_hi;
  double u = std::min(log_guess, log_hi);
  for (int it = 1; it <= kMaxIterations; ++it) {
    const double t = std::exp(u);
    const Sums sums = SumsAt(s, t);
    const double f = sums.learned + delta / t - n;
    const double slope = -(sums.spread + delta / t);  // df/du
    const double scale = sums.learned + delta / t + n;
    (f > 0 ? lo : hi) = u;
    double step = (slope < 0) ? -f / slope : -kMaxLogStep;
    step = std::clamp(step, -kMaxLogStep, kMaxLogStep);
    const bool at_roundoff = std::abs(f) <= 8 * std::numeric_limits<double>::epsilon() * scale;
    if (std::abs(step) <= kRelativeStep || at_roundoff || hi - lo <= kRelativeStep) {
      *out = MakePoint(s, n, t, sums, it);
      return true;
    }
    double next = u + step;
    if (!(next > lo && next < hi)) next = std::isfinite(lo) ? 0.5 * (lo + hi) : u - kMaxLogStep;
    u = next;
  }
  *error = "the effective-ridge fixed point did not converge at size " + Format(n) + " after " +
           std::to_string(kMaxIterations) + " iterations";
  return false;
}

// First guess: about n modes are learned, so t is near the n-th eigenvalue.
double InitialLogGuess(const ModeSpectrum& s, double n, double log_hi) {
  const std::size_t index = std::min(s.positive_modes, std::size_t(std::max(1.0, std::ceil(n))));
  const double lambda = index > 0 ? s.eigenvalues[index - 1] : 0.0;
  return lambda > 0 ? std::min(std::log(lambda), log_hi) : log_hi - 1.0;
}

}  // namespace

bool SolveFixedPoints(const ModeSpectrum& spectrum,
                      const std::vector<double>& sizes,
                      double ridge,
                      std::vector<FixedPoint>* out,
                      std::string* error) {
  if (!(ridge >= 0) || !std::isfinite(ridge)) return Fail(error, "the ridge must be >= 0");
  const double delta = ridge + spectrum.far_trace;
  const double trace = spectrum.Trace() - spectrum.far_trace;
  std::vector<std::size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    return sizes[i] < sizes[j];
  });
  out->assign(sizes.size(), FixedPoint{});
  std::vector<std::pair<double, double>> solved;  // (log n, log t) for warm starts
  for (std::size_t i : order) {
    const double n = sizes[i];
    if (!(n > 0) || !std::isfinite(n)) return Fail(error, "sizes must be positive and finite");
    if (delta == 0 && n >= double(spectrum.positive_modes)) {
      *error = "size " + Format(n) + " reaches the " + std::to_string(spectrum.positive_modes) +
               " modes of the spectrum with no ridge (the fixed point is t = 0)";
      return false;
    }
    const double log_hi = std::log((trace + delta) / n);
    double guess = InitialLogGuess(spectrum, n, log_hi);
    if (solved.size() >= 2) {  // extrapolate t(n) along the curve already solved
      const auto [x0, y0] = solved[solved.size() - 2];
      const auto [x1, y1] = solved.back();
      if (x1 > x0) guess = y1 + (y1 - y0) / (x1 - x0) * (std::log(n) - x1);
    }
    if (!SolveOne(spectrum, n, delta, guess, log_hi, &(*out)[i], error)) return false;
    solved.emplace_back(std::log(n), std::log((*out)[i].t));
  }
  return true;
}

double KernelGeneralizationError(const FixedPoint& point, double noise_variance) {
  const double gamma = point.learned_sq / point.n;
  return (point.residual_power_sq + noise_variance * gamma) / (1.0 - gamma);
}

double MaloneyRobertsSullyLoss(const FixedPoint& point,
                               double features,
                               double samples,
                               double sigma_w2) {
  const bool both_finite = std::isfinite(features) && std::isfinite(samples);
  const double factor =
      both_finite ? std::max(features, samples) / std::abs(features - samples) : 1.0;
  return sigma_w2 * factor * point.n * point.t;
}

std::optional<double> EffectiveExponent(const std::vector<double>& sizes,
                                        const std::vector<double>& losses) {
  if (sizes.size() != losses.size() || sizes.size() < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (!(sizes[i] > 0) || !(losses[i] > 0)) return std::nullopt;
    mx += std::log(sizes[i]) / sizes.size();
    my += std::log(losses[i]) / sizes.size();
  }
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const double dx = std::log(sizes[i]) - mx;
    sxx += dx * dx;
    sxy += dx * (std::log(losses[i]) - my);
  }
  if (!(sxx > 0)) return std::nullopt;
  const double exponent = -sxy / sxx;
  return std::isfinite(exponent) ? std::optional<double>(exponent) : std::nullopt;
}

std::optional<double> OptionalScalar(const Profile& profile, Property property) {
  if (!profile.Has(property) || !std::isfinite(profile.Get(property).value)) return std::nullopt;
  return profile.Get(property).value;
}

}  // namespace scalebench::internal
