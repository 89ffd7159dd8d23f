// Implementation of datasets/probes/entropy_decay_fit.h.
#include "datasets/probes/entropy_decay_fit.h"

#include <cmath>
#include <limits>

#include "common/format.h"

namespace scalebench {

using internal::Fixed;

double FitEntropyDecayAtGamma(const std::vector<double>& t,
                              const std::vector<double>& h,
                              double gamma,
                              double* entropy_limit,
                              double* amplitude) {
  const double points = static_cast<double>(t.size());
  std::vector<double> x(t.size());
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    x[k] = std::pow(t[k], -gamma);
    mx += x[k] / points;
    my += h[k] / points;
  }
  double sxx = 0, sxy = 0, xx = 0, xy = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    sxx += (x[k] - mx) * (x[k] - mx);
    sxy += (x[k] - mx) * (h[k] - my);
    xx += x[k] * x[k];
    xy += x[k] * h[k];
  }
  if (!(sxx > 0)) return std::numeric_limits<double>::infinity();
  double a = sxy / sxx, limit = my - a * mx;
  if (limit < 0) limit = 0, a = xy / xx;  // H_inf >= 0
  if (!(a > 0)) return std::numeric_limits<double>::infinity();
  double sse = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    const double r = h[k] - limit - a * x[k];
    sse += r * r;
  }
  *entropy_limit = limit;
  *amplitude = a;
  return sse;
}

bool FitEntropyDecayAt(const std::vector<double>& t,
                       const std::vector<double>& h,
                       const ConditionalEntropyOptions& options,
                       double* gamma,
                       double* entropy_limit,
                       double* amplitude,
                       double* rms) {
  if (t.size() < 3 || h.size() != t.size()) return false;
  double best = std::numeric_limits<double>::infinity();
  const int steps =
      static_cast<int>(std::floor((options.gamma_max - options.gamma_min) / options.gamma_step));
  for (int s = 0; s <= steps; ++s) {
    const double g = options.gamma_min + s * options.gamma_step;
    double limit = 0, a = 0;
    const double sse = FitEntropyDecayAtGamma(t, h, g, &limit, &a);
    if (sse < best) {
      best = sse;
      *gamma = g;
      *entropy_limit = limit;
      *amplitude = a;
      *rms = std::sqrt(sse / static_cast<double>(t.size()));
    }
  }
  return std::isfinite(best);
}

bool FitEntropyDecay(const std::vector<double>& entropy,
                     const ConditionalEntropyOptions& options,
                     double* gamma,
                     double* entropy_limit,
                     double* amplitude,
                     double* rms) {
  if (entropy.size() < 4) return false;
  std::vector<double> t(entropy.size() - 1);
  for (std::size_t n = 1; n < entropy.size(); ++n) t[n - 1] = static_cast<double>(n);
  const std::vector<double> h(entropy.begin() + 1, entropy.end());
  return FitEntropyDecayAt(t, h, options, gamma, entropy_limit, amplitude, rms);
}

std::string DecayFitText(const ConditionalEntropyOptions& options,
                         const ConditionalEntropyResult& r) {
  std::string text =
      "(grid gamma in [" + Fixed(options.gamma_min, 3) + ", " + Fixed(options.gamma_max, 3) +
      "] step " + Fixed(options.gamma_step, 4) +
      ", H_inf >= 0 and A by linear least squares): H_inf = " + Fixed(r.entropy_limit, 4);
  if (r.entropy_limit < 0.01) text += " (at or near its bound 0: in effect a pure power law)";
  text += ", A = " + Fixed(r.amplitude, 4) + ", rms " + Fixed(r.fit_rms, 4);
  if (r.gamma_at_grid_edge) text += ", gamma AT THE GRID EDGE";
  return text;
}

}  // namespace scalebench
