// Zipf laws p_k = k^-z / H_K(z) on {1..K}, z > 1 (H_K(z) = sum_{k<=K} k^-z): exact sampling and
// the exact sums that the Zipf targets need (normalisation, the mean of ln k, the entropy).
// Shared by hutter_memorization and santa_fe (harness/targets/).
//
// Usage:
//   ZipfLaw law(2.0, 1000000000000000);           // z = 2 on {1..1e15}
//   ZipfSampler sampler(law.exponent(), law.support());
//   Xoshiro256pp rng(MixSeed(seed, stream));
//   std::int64_t k = sampler(rng);                // P(k) = law.Probability(k)
//   double h = law.Entropy();                     // nats
#pragma once

#include <cmath>
#include <cstdint>

#include "datasets/generators/random.h"

namespace scalebench {

// Zipf law p_i ~ i^-z on {1..K}, z > 1, by rejection-inversion (Hormann & Derflinger 1996,
// ACM TOMACS 6:169; the form of Apache Commons' RejectionInversionZipfSampler): inverts the
// integral of the hat x^-z and accepts with probability > 0.8 for every z and K.
class ZipfSampler {
 public:
  // Precondition: exponent > 1, support >= 1.
  ZipfSampler(double exponent, std::int64_t support);
  std::int64_t operator()(Xoshiro256pp& rng) const;

 private:
  double H(double x) const;  // integral of the hat: ((x^(1-z)) - 1) / (1 - z)
  double HInverse(double x) const;
  double h(double x) const { return std::exp(-exponent_ * std::log(x)); }

  double exponent_;
  std::int64_t support_;
  double h_integral_x1_;
  double h_integral_support_;
  double s_;
};

// sum_{first <= k <= last} k^-s, s > 1, by the Hurwitz zeta function.
double PowerSum(double s, double first, std::int64_t last);

// sum_{j>=0} (j + q)^-s ln(j + q) = -d/ds zeta(s, q), for s > 1, q > 0 (NaN otherwise): the
// derivative of HurwitzZeta's Euler-Maclaurin series (datasets/probes/frequency_probe.h), term by
// term, so of the same accuracy.
double HurwitzZetaLog(double s, double q);

// sum_{first <= k <= last} k^-s ln k, s > 1.
double PowerLogSum(double s, double first, std::int64_t last);

// The law p_k = k^-z / H_K(z) on {1..K}.
class ZipfLaw {
 public:
  // Precondition: exponent > 1, support >= 1.
  ZipfLaw(double exponent, std::int64_t support);

  double exponent() const { return exponent_; }
  std::int64_t support() const { return support_; }
  double normalisation() const { return normalisation_; }  // H_K(z)
  double Probability(std::int64_t k) const;
  double LogProbability(std::int64_t k) const;
  // E[ln k] = sum_k p_k ln k.
  double MeanLogIndex() const { return mean_log_index_; }
  // -sum_k p_k ln p_k = ln H_K(z) + z E[ln k], in nats.
  double Entropy() const;

 private:
  double exponent_;
  std::int64_t support_;
  double normalisation_;
  double mean_log_index_;
};

}  // namespace scalebench
