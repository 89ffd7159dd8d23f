// The frequency probe: the rank-frequency exponent z of a sample of discrete labels (subtasks,
// features, token types), p_k ~ k^-z for the k-th most frequent type. It fills
// Property::kFrequencyDecay ("frequency_decay").
//
// Conventions (three exponents describe the same law; the names below always say which):
//   z     frequency_decay: p_k ~ k^-z over ranks k (Zipf's exponent; z > 1 for a normalisable law);
//   alpha quanta alpha = z - 1 (Michaud et al. 2023 write p_k ~ k^-(alpha+1); Hutter 2021 writes
//         theta_i ~ i^-(1+alpha));
//   tau   the exponent of the counts-per-type distribution: in a sample of N labels the number of
//         types seen at least c times is #{k : N p_k >= c} ~ (N / c)^(1/z), so P(count = c) ~
//         c^-tau with tau = 1 + 1/z (for 1 << c << N p_1), i.e. z = 1 / (tau - 1).
//
// Two estimators, both reported (FrequencyProbeResult):
//  (a) CSN: the discrete power-law MLE of Clauset, Shalizi & Newman 2009 (SIAM Rev. 51:661,
//      arXiv:0706.1062, Eq. 3.5 and Sec. 3.3) on the counts per observed type: for each candidate
//      c_min, tau maximises -n log zeta(tau, c_min) - tau sum_i log c_i over the n types with
//      count >= c_min (zeta(s, q) = sum_{j>=0} (j + q)^-s is the Hurwitz zeta function); c_min
//      minimises the Kolmogorov-Smirnov distance between the tail's empirical and fitted CDFs.
//      It sees only how many types have each count, so it has few data points when z is large
//      (about (N / zeta(z))^(1/z) Gamma(1 - 1/z) types: ~130 for z = 2.5 at N = 1e5) and the map
//      z = 1/(tau - 1) amplifies the error of tau by z^2.
//  (b) rank MLE: the sample is split in two halves by binomial thinning of each type's count
//      (each label goes to either half with probability 1/2); types are ranked by their count in
//      half A, and the counts B_k of half B over ranks k = 1..m are fitted by the MLE of a Zipf
//      law on the known support {1..m}: z maximises -z sum_k B_k log k - (sum_k B_k) log H_m(z),
//      H_m(z) = sum_{k<=m} k^-z. Ranking on one half and counting on the other removes the bias of
//      ranking by the same noisy counts that are fitted (the top of a noisy sorted list is
//      inflated and its tail deflated, Piantadosi 2014, Psychon. Bull. Rev. 21:1112). The window
//      m is the number of types whose half-A count is >= min_rank_count: there the ranking noise
//      in log k is ~1 / (z sqrt(count)) and the top of the law is where Zipf's law is defined.
//      It uses every label in the window, weighted by count.
//  Standard errors of both: a bootstrap over labels (multinomial resample of the counts, the
//  whole estimator rerun, c_min re-chosen and the halves re-split in each replicate).
//  The profile gets (b). On Zipf samples of 1e5 labels (3 seeds each of z = 1.5, 2, 2.5;
//  tests/quanta/frequency_probe_test.cc) the worst errors are, for (b), 0.007, 0.010, 0.014 with
//  bootstrap SEs of 0.004-0.010, and for (a) 0.07, 0.15, 0.46, always towards smaller z: the
//  counts-per-type law is a Poisson mixture of the Zipf tail, P(c) ~ Gamma(c - 1/z) / Gamma(c + 1),
//  a power law only for c >> 1, and the few large counts of the top types end it early, so the
//  KS scan has a short tail to work with and settles at small c_min. (a) goes into the method
//  text as a cross-check.
//
// Usage:
//   FrequencyProbeOptions options;
//   FrequencyProbeResult result;
//   std::string error;
//   if (!MeasureFrequencyDecay(counts_per_type, options, &result, &error)) ...;
//   result.FillProfile(&profile);
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/fields.h"
#include "datasets/profile.h"

namespace scalebench {

// Hurwitz zeta zeta(s, q) = sum_{j>=0} (j + q)^-s for s > 1, q > 0 (NaN otherwise): direct terms
// while j + q < 10, then the Euler-Maclaurin remainder with Bernoulli terms up to B_12 (relative
// error < 1e-15 for s <= 20).
double HurwitzZeta(double s, double q);

struct FrequencyProbeOptions {
  // CSN: candidate c_min are the smallest distinct counts, at most max_count_min_candidates of
  // them, each leaving >= min_tail_types types (and >= 2 distinct counts) in the tail.
  int min_tail_types = 50;
  int max_count_min_candidates = 40;
  // Search interval of tau (z = 1 / (tau - 1) in [0.2, 100]).
  double tau_lower = 1.01;
  double tau_upper = 6.0;
  // Rank MLE: the window holds the types with at least this count in the ranking half.
  double min_rank_count = 20.0;
  int min_ranks = 5;
  // Bootstrap resamples for both standard errors (0: no standard errors).
  int bootstrap_resamples = 100;
  std::uint64_t seed = 1;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("min_tail_types", min_tail_types).AtLeast(10);
    f.Field("max_count_min_candidates", max_count_min_candidates).AtLeast(1);
    f.Field("tau_lower", tau_lower).Above(1.0);
    f.Field("tau_upper", tau_upper).Above(tau_lower).Finite();
    f.Field("min_rank_count", min_rank_count).AtLeast(1.0);
    f.Field("min_ranks", min_ranks).AtLeast(2);
    f.Field("bootstrap_resamples", bootstrap_resamples).AtLeast(0);
    f.Field("seed", seed);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

// (a) The CSN fit of the counts-per-type distribution.
struct CountPowerLawFit {
  double tau = std::numeric_limits<double>::quiet_NaN();  // P(count = c) ~ c^-tau, c >= count_min
  std::int64_t count_min = 0;                             // c_min
  int tail_types = 0;                                     // types with count >= c_min
  double ks_distance = std::numeric_limits<double>::quiet_NaN();
  double frequency_decay_z() const { return 1.0 / (tau - 1.0); }
};

// (b) The split-sample rank MLE.
struct RankFrequencyFit {
  double frequency_decay_z = std::numeric_limits<double>::quiet_NaN();
  int window_ranks = 0;           // m: ranks 1..m
  std::int64_t window_count = 0;  // sum of half-B counts over the window
};

struct FrequencyProbeResult {
  std::int64_t total_count = 0;  // N labels
  int observed_types = 0;        // types with count > 0
  CountPowerLawFit csn;
  double csn_frequency_decay_z = std::numeric_limits<double>::quiet_NaN();
  double csn_frequency_decay_z_std_error = std::numeric_limits<double>::quiet_NaN();
  double csn_tau_std_error = std::numeric_limits<double>::quiet_NaN();
  std::string csn_error;  // non-empty when the CSN fit failed (the rank fit may still stand)
  RankFrequencyFit rank;
  double rank_frequency_decay_z = std::numeric_limits<double>::quiet_NaN();
  double rank_frequency_decay_z_std_error = std::numeric_limits<double>::quiet_NaN();
  int bootstrap_resamples = 0;
  int bootstrap_failures = 0;  // replicates in which either fit failed (left out)

  // The reported z (the rank MLE) and its quanta alpha = z - 1.
  double frequency_decay_z() const { return rank_frequency_decay_z; }
  double quanta_alpha() const { return rank_frequency_decay_z - 1.0; }
  // "rank MLE ... z = ...; CSN ... tau = ..., z = ...; quanta alpha = ..."
  std::string Method() const;
  // Sets Property::kFrequencyDecay to the rank MLE with its bootstrap SE and Method().
  void FillProfile(Profile* profile) const;
};

// The CSN discrete power-law fit of `values` (each >= 1; zeros are ignored). False with a reason
// when there are too few values or distinct values for any c_min candidate, or tau hits a bound.
bool FitCountPowerLaw(const std::vector<std::int64_t>& values,
                      const FrequencyProbeOptions& options,
                      CountPowerLawFit* fit,
                      std::string* error);

// The rank MLE of z for an already split sample: `ranking` and `counting` hold the two halves'
// counts of the same types. False when the window has fewer than options.min_ranks types.
bool FitRankFrequency(const std::vector<std::int64_t>& ranking,
                      const std::vector<std::int64_t>& counting,
                      const FrequencyProbeOptions& options,
                      RankFrequencyFit* fit,
                      std::string* error);

// Both estimators and their bootstrap on counts per type (entry j: how often type j occurred;
// the order of types does not matter, zeros are allowed). False with a reason when the rank MLE
// fails or the options are invalid; a CSN failure alone is recorded in result->csn_error.
bool MeasureFrequencyDecay(const std::vector<std::int64_t>& counts_per_type,
                           const FrequencyProbeOptions& options,
                           FrequencyProbeResult* result,
                           std::string* error);

// The same on a sample of labels (type ids, any integers): counts them first.
bool MeasureFrequencyDecayFromLabels(const std::vector<std::int64_t>& labels,
                                     const FrequencyProbeOptions& options,
                                     FrequencyProbeResult* result,
                                     std::string* error);

}  // namespace scalebench
