// Implementation of datasets/generators/zipf.h.
#include "datasets/generators/zipf.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "datasets/probes/frequency_probe.h"

namespace scalebench {
namespace {

// log1p(x)/x and expm1(x)/x, continuous at 0 (the rejection-inversion helpers).
double Log1pOverX(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double Expm1OverX(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x
                            : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}

}  // namespace

ZipfSampler::ZipfSampler(double exponent, std::int64_t support)
    : exponent_(exponent), support_(support) {
  h_integral_x1_ = H(1.5) - 1.0;
  h_integral_support_ = H(double(support) + 0.5);
  s_ = 2.0 - HInverse(H(2.5) - h(2.0));
}

double ZipfSampler::H(double x) const {
  const double log_x = std::log(x);
  return Expm1OverX((1.0 - exponent_) * log_x) * log_x;
}

double ZipfSampler::HInverse(double x) const {
  double t = x * (1.0 - exponent_);
  if (t < -1.0) t = -1.0;  // rounding guard: the inverse is only defined above -1
  return std::exp(Log1pOverX(t) * x);
}

std::int64_t ZipfSampler::operator()(Xoshiro256pp& rng) const {
  while (true) {
    const double u =
        h_integral_support_ + rng.UniformOpen() * (h_integral_x1_ - h_integral_support_);
    const double x = HInverse(u);
    std::int64_t k = std::int64_t(x + 0.5);
    k = std::clamp<std::int64_t>(k, 1, support_);
    if (double(k) - x <= s_ || u >= H(double(k) + 0.5) - h(double(k))) return k;
  }
}

double PowerSum(double s, double first, std::int64_t last) {
  return HurwitzZeta(s, first) - HurwitzZeta(s, double(last) + 1.0);
}

double HurwitzZetaLog(double s, double q) {
  if (!(s > 1.0) || !(q > 0.0) || !std::isfinite(s) || !std::isfinite(q))
    return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  double x = q;
  for (; x < 10.0; x += 1.0) sum += std::pow(x, -s) * std::log(x);
  // g(t) = t^-s ln t = -d/ds t^-s. Euler-Maclaurin as in HurwitzZeta, each term differentiated:
  // int_x^inf g = x^(1-s) (ln x / (s-1) + 1 / (s-1)^2); g(x)/2; and
  // -B_2k/(2k)! g^(2k-1)(x) = B_2k/(2k)! x^(-s-2k+1) ((s)_(2k-1) ln x - d/ds (s)_(2k-1)), where
  // d/ds (s)_n = (s)_n sum_{i<n} 1/(s+i).
  const double log_x = std::log(x);
  const double x_pow = std::pow(x, -s);
  sum += x * x_pow * (log_x / (s - 1.0) + 1.0 / ((s - 1.0) * (s - 1.0))) + 0.5 * x_pow * log_x;
  static constexpr double kBernoulliOverFactorial[] = {1.0 / 6.0 / 2.0,
                                                       -1.0 / 30.0 / 24.0,
                                                       1.0 / 42.0 / 720.0,
                                                       -1.0 / 30.0 / 40320.0,
                                                       5.0 / 66.0 / 3628800.0,
                                                       -691.0 / 2730.0 / 479001600.0};
  double rising = s;              // (s)_(2k-1)
  double log_derivative = 1 / s;  // sum_{i < 2k-1} 1/(s+i)
  double power = x_pow / x;       // x^(-s-2k+1)
  for (int k = 1; k <= 6; ++k) {
    sum += kBernoulliOverFactorial[k - 1] * power * rising * (log_x - log_derivative);
    rising *= (s + 2 * k - 1) * (s + 2 * k);
    log_derivative += 1.0 / (s + 2 * k - 1) + 1.0 / (s + 2 * k);
    power /= x * x;
  }
  return sum;
}

double PowerLogSum(double s, double first, std::int64_t last) {
  return HurwitzZetaLog(s, first) - HurwitzZetaLog(s, double(last) + 1.0);
}

ZipfLaw::ZipfLaw(double exponent, std::int64_t support)
    : exponent_(exponent),
      support_(support),
      normalisation_(PowerSum(exponent, 1.0, support)),
      mean_log_index_(PowerLogSum(exponent, 1.0, support) / normalisation_) {}

double ZipfLaw::Probability(std::int64_t k) const {
  return std::pow(double(k), -exponent_) / normalisation_;
}

double ZipfLaw::LogProbability(std::int64_t k) const {
  return -exponent_ * std::log(double(k)) - std::log(normalisation_);
}

double ZipfLaw::Entropy() const {
  return std::log(normalisation_) + exponent_ * mean_log_index_;
}

}  // namespace scalebench
