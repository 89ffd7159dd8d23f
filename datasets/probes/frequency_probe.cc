// The frequency probe (see frequency_probe.h for the estimators and conventions).
#include "datasets/probes/frequency_probe.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>
#include <unordered_map>

#include "common/format.h"
#include "common/status.h"
#include "datasets/generators/random.h"
#include "datasets/probes/probe_info.h"

namespace scalebench {

using internal::Fail;
namespace {

using internal::Fixed;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Maximises a unimodal function on [lower, upper] by golden-section search to `tolerance`.
template <typename F>
double GoldenMaximum(F f, double lower, double upper, double tolerance) {
  const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
  double a = lower, b = upper;
  double c = b - ratio * (b - a), d = a + ratio * (b - a);
  double fc = f(c), fd = f(d);
  while (b - a > tolerance) {
    if (fc > fd) {
      b = d, d = c, fd = fc;
      c = b - ratio * (b - a), fc = f(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + ratio * (b - a), fd = f(d);
    }
  }
  return 0.5 * (a + b);
}

double StandardDeviation(const std::vector<double>& x) {
  if (x.size() < 2) return kNaN;
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
  double sum = 0;
  for (double v : x) sum += (v - mean) * (v - mean);
  return std::sqrt(sum / (x.size() - 1));
}

// One type's count split into two halves, each label independently with probability 1/2.
void SplitHalves(const std::vector<std::int64_t>& counts,
                 std::uint64_t seed,
                 std::vector<std::int64_t>* first,
                 std::vector<std::int64_t>* second) {
  Xoshiro256pp rng(seed);
  first->resize(counts.size());
  second->resize(counts.size());
  for (std::size_t j = 0; j < counts.size(); ++j) {
    std::binomial_distribution<std::int64_t> half(std::max<std::int64_t>(counts[j], 0), 0.5);
    (*first)[j] = counts[j] > 0 ? half(rng) : 0;
    (*second)[j] = std::max<std::int64_t>(counts[j], 0) - (*first)[j];
  }
}

// A nonparametric bootstrap of labels: the counts resampled multinomially with probabilities
// count / N (sequential conditional binomials).
std::vector<std::int64_t> ResampleCounts(const std::vector<std::int64_t>& counts,
                                         std::int64_t total,
                                         std::uint64_t seed) {
  Xoshiro256pp rng(seed);
  std::vector<std::int64_t> out(counts.size(), 0);
  std::int64_t remaining_draws = total, remaining_mass = total;
  for (std::size_t j = 0; j < counts.size() && remaining_draws > 0; ++j) {
    if (counts[j] <= 0) continue;
    const double p = std::min(1.0, double(counts[j]) / double(remaining_mass));
    std::binomial_distribution<std::int64_t> draw(remaining_draws, p);
    out[j] = draw(rng);
    remaining_draws -= out[j];
    remaining_mass -= counts[j];
  }
  return out;
}

// CSN fit at one c_min: the MLE of tau on the sorted tail [first, end) and its KS distance.
void FitTailAt(const std::vector<std::int64_t>& sorted,
               std::size_t first,
               double tail_log_sum,
               const FrequencyProbeOptions& options,
               CountPowerLawFit* fit) {
  const double n = double(sorted.size() - first);
  const double c_min = double(sorted[first]);
  const double mean_log = tail_log_sum / n;
  // The log-likelihood per value is concave in tau (log zeta(tau, c) is convex).
  auto log_likelihood = [&](double tau) {
    return -std::log(HurwitzZeta(tau, c_min)) - tau * mean_log;
  };
  const double tau = GoldenMaximum(log_likelihood, options.tau_lower, options.tau_upper, 1e-9);
  // KS over the integers >= c_min: the extremes are at each distinct value v (CDF after v) and
  // just before it (CDF at v - 1, where the model has risen over any gap and the data have not).
  const double z0 = HurwitzZeta(tau, c_min);
  double ks = 0;
  for (std::size_t i = first; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const double v = double(sorted[i]);
    const double upper_tail = HurwitzZeta(tau, v);  // sum_{c >= v} c^-tau
    const double model_before = 1.0 - upper_tail / z0;
    const double model_at = 1.0 - (upper_tail - std::pow(v, -tau)) / z0;
    ks = std::max({ks,
                   std::abs(double(i - first) / n - model_before),
                   std::abs(double(j - first) / n - model_at)});
    i = j;
  }
  fit->tau = tau;
  fit->count_min = sorted[first];
  fit->tail_types = int(n);
  fit->ks_distance = ks;
}

// Mean of log k under the Zipf law k^-z on 1..m (log_rank[k-1] = log k).
double MeanLogRank(const std::vector<double>& log_rank, double z) {
  double norm = 0, sum = 0;
  for (double l : log_rank) {
    const double w = std::exp(-z * l);
    norm += w;
    sum += w * l;
  }
  return sum / norm;
}

struct Estimates {
  double csn_z = kNaN, csn_tau = kNaN, rank_z = kNaN;
};

// Both fits on one sample; the rank fit's halves come from `split_seed`.
bool EstimateOnce(const std::vector<std::int64_t>& counts,
                  const FrequencyProbeOptions& options,
                  std::uint64_t split_seed,
                  Estimates* out,
                  CountPowerLawFit* csn,
                  RankFrequencyFit* rank,
                  std::string* csn_error,
                  std::string* rank_error) {
  CountPowerLawFit csn_fit;
  if (FitCountPowerLaw(counts, options, &csn_fit, csn_error)) {
    out->csn_tau = csn_fit.tau;
    out->csn_z = csn_fit.frequency_decay_z();
    if (csn != nullptr) *csn = csn_fit;
  }
  std::vector<std::int64_t> ranking, counting;
  SplitHalves(counts, split_seed, &ranking, &counting);
  RankFrequencyFit rank_fit;
  if (!FitRankFrequency(ranking, counting, options, &rank_fit, rank_error)) return false;
  out->rank_z = rank_fit.frequency_decay_z;
  if (rank != nullptr) *rank = rank_fit;
  return true;
}

}  // namespace

double HurwitzZeta(double s, double q) {
  if (!(s > 1.0) || !(q > 0.0) || !std::isfinite(s) || !std::isfinite(q)) return kNaN;
  double sum = 0.0;
  double x = q;
  // Direct terms until x >= 10, where the Euler-Maclaurin series converges fast.
  for (; x < 10.0; x += 1.0) sum += std::pow(x, -s);
  const double x_pow = std::pow(x, -s);
  // sum_{j>=0} f(x + j) = int_x^inf f + f(x)/2 - sum_k B_2k/(2k)! f^(2k-1)(x), with
  // f^(2k-1)(x) = -(s)_(2k-1) x^(-s-2k+1), (s)_n the rising factorial.
  sum += x * x_pow / (s - 1.0) + 0.5 * x_pow;
  static constexpr double kBernoulliOverFactorial[] = {1.0 / 6.0 / 2.0,
                                                       -1.0 / 30.0 / 24.0,
                                                       1.0 / 42.0 / 720.0,
                                                       -1.0 / 30.0 / 40320.0,
                                                       5.0 / 66.0 / 3628800.0,
                                                       -691.0 / 2730.0 / 479001600.0};
  double rising = s;         // (s)_(2k-1)
  double power = x_pow / x;  // x^(-s-2k+1)
  for (int k = 1; k <= 6; ++k) {
    sum += kBernoulliOverFactorial[k - 1] * rising * power;
    rising *= (s + 2 * k - 1) * (s + 2 * k);
    power /= x * x;
  }
  return sum;
}

bool FitCountPowerLaw(const std::vector<std::int64_t>& values,
                      const FrequencyProbeOptions& options,
                      CountPowerLawFit* fit,
                      std::string* error) {
  std::vector<std::int64_t> sorted;
  for (std::int64_t v : values)
    if (v > 0) sorted.push_back(v);
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::size_t> starts;  // index of the first occurrence of each distinct value
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i] != sorted[i - 1]) starts.push_back(i);
  }
  // suffix sums of log values
  std::vector<double> log_suffix(sorted.size() + 1, 0.0);
  for (std::size_t i = sorted.size(); i-- > 0;)
    log_suffix[i] = log_suffix[i + 1] + std::log(double(sorted[i]));
  CountPowerLawFit best;
  int candidates = 0;
  for (std::size_t d = 0; d + 1 < starts.size() && candidates < options.max_count_min_candidates;
       ++d) {
    const std::size_t first = starts[d];
    if (sorted.size() - first < std::size_t(options.min_tail_types)) break;
    CountPowerLawFit trial;
    FitTailAt(sorted, first, log_suffix[first], options, &trial);
    ++candidates;
    if (candidates == 1 || trial.ks_distance < best.ks_distance) best = trial;
  }
  if (candidates == 0) {
    return Fail(
        error,
        "CSN power-law fit: " + std::to_string(sorted.size()) + " positive counts with " +
            std::to_string(starts.size()) +
            " distinct values; a tail needs >= " + std::to_string(options.min_tail_types) +
            " values and >= 2 distinct values (the sample is too small or too concentrated)");
  }
  const double margin = 1e-6;
  if (best.tau < options.tau_lower + margin || best.tau > options.tau_upper - margin) {
    return Fail(error,
                "CSN power-law fit: tau = " + std::to_string(best.tau) + " at the bound of [" +
                    std::to_string(options.tau_lower) + ", " + std::to_string(options.tau_upper) +
                    "]");
  }
  *fit = best;
  return true;
}

bool FitRankFrequency(const std::vector<std::int64_t>& ranking,
                      const std::vector<std::int64_t>& counting,
                      const FrequencyProbeOptions& options,
                      RankFrequencyFit* fit,
                      std::string* error) {
  if (ranking.size() != counting.size())
    return Fail(error, "rank fit: the two halves differ in length");
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < ranking.size(); ++j) {
    if (double(ranking[j]) >= options.min_rank_count) order.push_back(j);
  }
  if (order.size() < std::size_t(options.min_ranks)) {
    return Fail(error,
                "rank fit: only " + std::to_string(order.size()) +
                    " types have count >= " + Fixed(options.min_rank_count, 0) +
                    " in the ranking half; need >= " + std::to_string(options.min_ranks) +
                    " (sample too small)");
  }
  // Ties in the ranking half are broken by index: the counting half is independent of it, so
  // any tie rule leaves the fit unbiased.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return ranking[a] > ranking[b];
  });
  const int m = int(order.size());
  std::vector<double> log_rank(m);
  double total = 0, weighted_log = 0;
  for (int k = 0; k < m; ++k) {
    log_rank[k] = std::log(double(k + 1));
    total += double(counting[order[k]]);
    weighted_log += double(counting[order[k]]) * log_rank[k];
  }
  if (!(total > 0) || !(weighted_log > 0)) {
    return Fail(error, "rank fit: the counting half has all its window mass on rank 1");
  }
  // The score -sum B log k + B_total E_z[log k] falls with z: bisect E_z[log k] = target.
  const double target = weighted_log / total;
  double lower = 0.01, upper = 20.0;
  if (MeanLogRank(log_rank, upper) > target || MeanLogRank(log_rank, lower) < target) {
    return Fail(error, "rank fit: the MLE of z lies outside [0.01, 20]");
  }
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lower + upper);
    (MeanLogRank(log_rank, mid) > target ? lower : upper) = mid;
  }
  fit->frequency_decay_z = 0.5 * (lower + upper);
  fit->window_ranks = m;
  fit->window_count = std::int64_t(total);
  return true;
}

bool MeasureFrequencyDecay(const std::vector<std::int64_t>& counts_per_type,
                           const FrequencyProbeOptions& options,
                           FrequencyProbeResult* result,
                           std::string* error) {
  if (!options.IsValid(error)) return false;
  FrequencyProbeResult out;
  for (std::int64_t c : counts_per_type) {
    if (c < 0) {
      if (error != nullptr) *error = "negative count " + std::to_string(c);
      return false;
    }
    out.total_count += c;
    out.observed_types += c > 0;
  }
  Estimates point;
  std::string rank_error;
  if (!EstimateOnce(counts_per_type,
                    options,
                    MixSeed(options.seed, 0),
                    &point,
                    &out.csn,
                    &out.rank,
                    &out.csn_error,
                    &rank_error)) {
    if (error != nullptr) *error = rank_error;
    return false;
  }
  out.csn_frequency_decay_z = point.csn_z;
  out.rank_frequency_decay_z = point.rank_z;
  std::vector<double> csn_z, csn_tau, rank_z;
  for (int r = 1; r <= options.bootstrap_resamples; ++r) {
    const std::uint64_t stream = MixSeed(options.seed, r);
    const auto resampled = ResampleCounts(counts_per_type, out.total_count, MixSeed(stream, 1));
    Estimates replicate;
    std::string ignored_csn, ignored_rank;
    const bool rank_ok = EstimateOnce(resampled,
                                      options,
                                      MixSeed(stream, 2),
                                      &replicate,
                                      nullptr,
                                      nullptr,
                                      &ignored_csn,
                                      &ignored_rank);
    if (!rank_ok || !std::isfinite(replicate.csn_z)) ++out.bootstrap_failures;
    if (rank_ok) rank_z.push_back(replicate.rank_z);
    if (std::isfinite(replicate.csn_z)) {
      csn_z.push_back(replicate.csn_z);
      csn_tau.push_back(replicate.csn_tau);
    }
  }
  out.bootstrap_resamples = options.bootstrap_resamples;
  // A standard error only from a bootstrap in which most replicates succeeded.
  const std::size_t needed = std::size_t(options.bootstrap_resamples) / 2 + 1;
  if (rank_z.size() >= needed) out.rank_frequency_decay_z_std_error = StandardDeviation(rank_z);
  if (csn_z.size() >= needed && out.csn_error.empty()) {
    out.csn_frequency_decay_z_std_error = StandardDeviation(csn_z);
    out.csn_tau_std_error = StandardDeviation(csn_tau);
  }
  *result = out;
  return true;
}

bool MeasureFrequencyDecayFromLabels(const std::vector<std::int64_t>& labels,
                                     const FrequencyProbeOptions& options,
                                     FrequencyProbeResult* result,
                                     std::string* error) {
  std::unordered_map<std::int64_t, std::int64_t> index;
  std::vector<std::int64_t> counts;
  index.reserve(labels.size() / 4 + 16);
  for (std::int64_t label : labels) {
    auto [it, inserted] = index.try_emplace(label, std::int64_t(counts.size()));
    if (inserted) counts.push_back(0);
    ++counts[it->second];
  }
  return MeasureFrequencyDecay(counts, options, result, error);
}

std::string FrequencyProbeResult::Method() const {
  std::ostringstream out;
  out << "rank MLE (split-sample: ranks from one binomial half, Zipf MLE on the other half's "
      << "counts over ranks 1.." << rank.window_ranks
      << ", ranking-half count >= threshold) z = " << Fixed(rank_frequency_decay_z, 4) << " +- "
      << Fixed(rank_frequency_decay_z_std_error, 4)
      << "; alt. CSN discrete MLE on counts per type: ";
  if (csn_error.empty()) {
    out << "tau = " << Fixed(csn.tau, 4) << " +- " << Fixed(csn_tau_std_error, 4)
        << " (c >= " << csn.count_min << ", " << csn.tail_types << " types, KS "
        << Fixed(csn.ks_distance, 4) << ") -> z = 1/(tau-1) = " << Fixed(csn_frequency_decay_z, 4)
        << " +- " << Fixed(csn_frequency_decay_z_std_error, 4);
  } else {
    out << "failed (" << csn_error << ")";
  }
  out << "; quanta alpha = z - 1 = " << Fixed(quanta_alpha(), 4) << "; " << total_count
      << " labels, " << observed_types << " types; bootstrap SE over " << bootstrap_resamples
      << " resamples (" << bootstrap_failures << " failed)";
  return out.str();
}

void FrequencyProbeResult::FillProfile(Profile* profile) const {
  profile->Set(Property::kFrequencyDecay,
               {rank_frequency_decay_z, rank_frequency_decay_z_std_error, Method()});
}

ProbeInfo FrequencyProbeInfo() {
  return {"frequency",
          "datasets/probes/frequency_probe.h",
          "a sample of discrete labels (subtasks, features, token types) or counts per type",
          "rank-frequency exponent z from a split-sample rank fit and a CSN power-law fit of the "
          "counts; bootstrap standard errors",
          {Property::kFrequencyDecay},
          {}};
}

}  // namespace scalebench
