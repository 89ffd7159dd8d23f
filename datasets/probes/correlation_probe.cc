// Implementation of datasets/probes/correlation_probe.h.
#include "datasets/probes/correlation_probe.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/format.h"
#include "common/line_fit.h"
#include "common/statistics.h"
#include "common/status.h"
#include "datasets/generators/random.h"
#include "datasets/probes/probe_info.h"

namespace scalebench {
namespace {

using internal::Fail;
using internal::FitLogLog;
using internal::Fixed;
using internal::JackknifeError;
using internal::LineFit;

// Every lag 1..dense, then lags_per_decade per decade up to max_lag (rounded, distinct).
std::vector<int> LagGrid(const CorrelationDecayOptions& options) {
  std::vector<int> lags;
  for (int n = 1; n <= std::min(options.dense_lags, options.max_lag); ++n) lags.push_back(n);
  const double step = std::pow(10.0, 1.0 / options.lags_per_decade);
  for (double x = options.dense_lags * step; std::lround(x) <= options.max_lag; x *= step) {
    const int n = static_cast<int>(std::lround(x));
    if (n > lags.back()) lags.push_back(n);
  }
  if (lags.back() != options.max_lag) lags.push_back(options.max_lag);
  return lags;
}

// Pair counts at one lag, split by the block of the pair's first member.
struct LagCounts {
  int vocab = 0;
  std::vector<std::uint32_t> counts;  // groups x V x V
  std::vector<double> pairs;          // per group
};

LagCounts CountPairs(const std::vector<int>& tokens, int vocab, int lag, int groups) {
  LagCounts out;
  out.vocab = vocab;
  const std::size_t vv = static_cast<std::size_t>(vocab) * vocab;
  out.counts.assign(vv * groups, 0);
  out.pairs.assign(groups, 0.0);
  const std::size_t pairs = tokens.size() - lag;
  for (int g = 0; g < groups; ++g) {
    const std::size_t begin = pairs * g / groups, end = pairs * (g + 1) / groups;
    std::uint32_t* block = out.counts.data() + vv * g;
    for (std::size_t i = begin; i < end; ++i)
      ++block[static_cast<std::size_t>(tokens[i]) * vocab + tokens[i + lag]];
    out.pairs[g] = static_cast<double>(end - begin);
  }
  return out;
}

// C = T / M - r c^T from pair counts T (all groups except `skip`, -1 for none).
std::vector<double> Covariance(const LagCounts& counts, int skip) {
  const int v = counts.vocab;
  const std::size_t vv = static_cast<std::size_t>(v) * v;
  std::vector<double> c(vv, 0.0);
  double m = 0;
  for (std::size_t g = 0; g < counts.pairs.size(); ++g) {
    if (static_cast<int>(g) == skip) continue;
    m += counts.pairs[g];
    const std::uint32_t* block = counts.counts.data() + vv * g;
    for (std::size_t k = 0; k < vv; ++k) c[k] += block[k];
  }
  std::vector<double> row(v, 0.0), col(v, 0.0);
  for (int a = 0; a < v; ++a) {
    for (int b = 0; b < v; ++b) {
      c[a * v + b] /= m;
      row[a] += c[a * v + b];
      col[b] += c[a * v + b];
    }
  }
  for (int a = 0; a < v; ++a) {
    for (int b = 0; b < v; ++b) c[a * v + b] -= row[a] * col[b];
  }
  return c;
}

std::vector<int> Shuffled(const std::vector<int>& tokens, std::uint64_t seed) {
  std::vector<int> copy = tokens;
  Xoshiro256pp rng(seed);
  for (std::size_t i = copy.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>((static_cast<unsigned __int128>(rng()) * i) >> 64);
    std::swap(copy[i - 1], copy[j]);
  }
  return copy;
}

// The fit window: indices [0, end) of lags >= fit_min_lag before sigma first drops below the
// threshold.
void ChooseFitWindow(const CorrelationDecayOptions& options,
                     CorrelationDecayResult* r,
                     std::size_t* first,
                     std::size_t* last) {
  *first = 0;
  while (*first < r->lags.size() && r->lags[*first] < options.fit_min_lag) ++*first;
  *last = *first;
  const double threshold = options.floor_multiple * r->noise_floor;
  while (*last < r->lags.size() && r->sigma[*last] >= threshold) ++*last;
}

double FitBeta(const std::vector<int>& lags,
               const std::vector<double>& sigma,
               std::size_t first,
               std::size_t last,
               double* ols_se) {
  std::vector<double> x, y;
  for (std::size_t k = first; k < last; ++k)
    x.push_back(lags[k]), y.push_back(std::max(sigma[k], 1e-300));
  const LineFit fit = FitLogLog(x, y);
  if (ols_se != nullptr) *ols_se = fit.std_error;
  return -fit.slope;
}

// Fits beta over lags [first, last) and fills the fit range, the value and its standard error
// (jackknife over the sample's groups, combined with the least-squares error), shared by the
// stationary and the positional probes.
void FitDecay(const std::vector<std::vector<double>>& jackknife_sigma,
              std::size_t first,
              std::size_t last,
              CorrelationDecayResult* r) {
  r->fit_first_lag = r->lags[first];
  r->fit_last_lag = r->lags[last - 1];
  r->fit_points = static_cast<int>(last - first);
  r->correlation_decay.value = FitBeta(r->lags, r->sigma, first, last, &r->ols_std_error);
  std::vector<double> replicates;
  for (const auto& sigma : jackknife_sigma)
    replicates.push_back(FitBeta(r->lags, sigma, first, last, nullptr));
  r->jackknife_std_error = JackknifeError(replicates);
  r->correlation_decay.std_error = std::hypot(r->jackknife_std_error, r->ols_std_error);
}

}  // namespace

double TopSingularValue(const std::vector<double>& matrix,
                        int rows,
                        int cols,
                        std::vector<double>* start) {
  std::vector<double> v(cols), u(rows), w(cols);
  if (start != nullptr && static_cast<int>(start->size()) == cols) {
    v = *start;
  } else {  // a fixed pseudo-random start: C has zero row sums, so all-ones would be a null vector
    std::uint64_t state = 12345;
    for (double& x : v) x = static_cast<double>(SplitMix64(&state) >> 11) * 0x1.0p-53 - 0.5;
  }
  double norm = std::sqrt(std::inner_product(v.begin(), v.end(), v.begin(), 0.0));
  if (!(norm > 0)) return 0.0;
  for (double& x : v) x /= norm;
  double lambda = 0.0, previous = -1.0;
  for (int iteration = 0; iteration < 5000; ++iteration) {
    for (int a = 0; a < rows; ++a) {
      u[a] = std::inner_product(
          v.begin(), v.end(), matrix.begin() + static_cast<std::size_t>(a) * cols, 0.0);
    }
    std::fill(w.begin(), w.end(), 0.0);
    for (int a = 0; a < rows; ++a) {
      const double* row = matrix.data() + static_cast<std::size_t>(a) * cols;
      for (int b = 0; b < cols; ++b) w[b] += row[b] * u[a];
    }
    lambda = std::inner_product(u.begin(), u.end(), u.begin(), 0.0);  // v^T A^T A v, |v| = 1
    norm = std::sqrt(std::inner_product(w.begin(), w.end(), w.begin(), 0.0));
    if (!(norm > 0)) return 0.0;
    for (int b = 0; b < cols; ++b) v[b] = w[b] / norm;
    // The Rayleigh quotient converges twice as fast as the vector, so a close top pair (noise-
    // dominated lags) still gives an accurate value.
    if (std::abs(lambda - previous) <= 1e-12 * lambda) break;
    previous = lambda;
  }
  if (start != nullptr) *start = v;
  return std::sqrt(lambda);
}

bool MeasureCorrelationDecay(const std::vector<int>& tokens,
                             int vocab_size,
                             const CorrelationDecayOptions& options,
                             CorrelationDecayResult* result,
                             std::string* error) {
  if (!options.IsValid(error)) return false;
  if (vocab_size < 2 || vocab_size > options.max_vocab) {
    return Fail(error,
                "vocab_size = " + std::to_string(vocab_size) + ": must be in [2, max_vocab = " +
                    std::to_string(options.max_vocab) + "] (dense pair counts)");
  }
  if (tokens.size() < static_cast<std::size_t>(20 * options.max_lag * options.jackknife_groups)) {
    return Fail(error,
                std::to_string(tokens.size()) +
                    " tokens: need at least 20 x max_lag x "
                    "jackknife_groups = " +
                    std::to_string(20 * options.max_lag * options.jackknife_groups));
  }
  for (int t : tokens) {
    if (t < 0 || t >= vocab_size)
      return Fail(error, "token id " + std::to_string(t) + " outside [0, vocab_size)");
  }
  CorrelationDecayResult r;
  r.lags = LagGrid(options);
  const std::vector<int> shuffled = Shuffled(tokens, options.shuffle_seed);
  const int g = options.jackknife_groups, v = vocab_size;
  std::vector<std::vector<double>> jackknife_sigma(g);
  std::vector<double> start;
  for (int lag : r.lags) {
    const LagCounts counts = CountPairs(tokens, v, lag, g);
    const std::vector<double> c = Covariance(counts, -1);
    r.sigma.push_back(TopSingularValue(c, v, v, &start));
    r.frobenius.push_back(std::sqrt(std::inner_product(c.begin(), c.end(), c.begin(), 0.0)));
    for (int skip = 0; skip < g; ++skip) {
      std::vector<double> from = start;  // warm start: the replicate's top vector is close
      jackknife_sigma[skip].push_back(TopSingularValue(Covariance(counts, skip), v, v, &from));
    }
    r.shuffled_sigma.push_back(
        TopSingularValue(Covariance(CountPairs(shuffled, v, lag, 1), -1), v, v));
  }
  r.noise_floor =
      std::accumulate(r.shuffled_sigma.begin(), r.shuffled_sigma.end(), 0.0) / r.lags.size();
  std::size_t first = 0, last = 0;
  ChooseFitWindow(options, &r, &first, &last);
  if (last < first + 3) {
    return Fail(error,
                "only " + std::to_string(last - first) + " lags from " +
                    std::to_string(options.fit_min_lag) + " lie above " +
                    Fixed(options.floor_multiple, 1) + " x the noise floor " +
                    Fixed(r.noise_floor, 6) + " (need 3; use more text)");
  }
  FitDecay(jackknife_sigma, first, last, &r);
  r.correlation_decay.method =
      "top singular value of the lag-n co-occurrence covariance (power iteration), log-log LS "
      "over " +
      std::to_string(r.fit_points) + " lags n in [" + std::to_string(r.fit_first_lag) + ", " +
      std::to_string(r.fit_last_lag) + "] (end: sigma(n) >= " + Fixed(options.floor_multiple, 1) +
      " x shuffled floor " + Fixed(r.noise_floor, 6) + "); V = " + std::to_string(v) + ", " +
      std::to_string(tokens.size()) + " tokens; SE: " + std::to_string(g) + "-block jackknife " +
      Fixed(r.jackknife_std_error, 4) + " (+) inflated OLS " + Fixed(r.ols_std_error, 4);
  *result = std::move(r);
  return true;
}

namespace {

// Pair counts of the tokens at positions i and j of every sequence, grouped by contiguous blocks
// of sequences.
LagCounts CountPositionPairs(
    const std::vector<int>& tokens, int length, int vocab, int i, int j, int groups) {
  LagCounts out;
  out.vocab = vocab;
  const std::size_t vv = static_cast<std::size_t>(vocab) * vocab;
  out.counts.assign(vv * groups, 0);
  out.pairs.assign(groups, 0.0);
  const std::size_t sequences = tokens.size() / length;
  for (int g = 0; g < groups; ++g) {
    const std::size_t begin = sequences * g / groups, end = sequences * (g + 1) / groups;
    std::uint32_t* block = out.counts.data() + vv * g;
    for (std::size_t s = begin; s < end; ++s) {
      const int* x = tokens.data() + s * length;
      ++block[static_cast<std::size_t>(x[i]) * vocab + x[j]];
    }
    out.pairs[g] = static_cast<double>(end - begin);
  }
  return out;
}

// Each position's tokens permuted across the sequences, independently per position.
std::vector<int> ShuffledWithinPositions(const std::vector<int>& tokens,
                                         int length,
                                         std::uint64_t seed) {
  std::vector<int> copy = tokens;
  const std::size_t sequences = tokens.size() / length;
  Xoshiro256pp rng(seed);
  for (int p = 0; p < length; ++p) {
    for (std::size_t i = sequences; i > 1; --i) {
      const auto j = static_cast<std::size_t>((static_cast<unsigned __int128>(rng()) * i) >> 64);
      std::swap(copy[(i - 1) * length + p], copy[j * length + p]);
    }
  }
  return copy;
}

}  // namespace

bool MeasurePositionalCorrelationDecay(const std::vector<int>& tokens,
                                       int vocab_size,
                                       int sequence_length,
                                       int plateau_base,
                                       const CorrelationDecayOptions& options,
                                       CorrelationDecayResult* result,
                                       std::string* error) {
  if (!options.IsValid(error)) return false;
  const int length = sequence_length;
  if (length < 4 || length > 4096) {
    return Fail(error, "sequence_length = " + std::to_string(length) + ": must be in [4, 4096]");
  }
  if (plateau_base == 1 || plateau_base < 0 || plateau_base >= length) {
    return Fail(error,
                "plateau_base = " + std::to_string(plateau_base) +
                    ": must be 0 (no plateaus) or in [2, sequence_length)");
  }
  if (vocab_size < 2 || vocab_size > options.max_vocab) {
    return Fail(error,
                "vocab_size = " + std::to_string(vocab_size) + ": must be in [2, max_vocab = " +
                    std::to_string(options.max_vocab) + "] (dense pair counts)");
  }
  if (tokens.size() % static_cast<std::size_t>(length) != 0) {
    return Fail(error,
                std::to_string(tokens.size()) + " tokens: not a whole number of sequences of " +
                    std::to_string(length));
  }
  const std::size_t sequences = tokens.size() / length;
  if (sequences < static_cast<std::size_t>(100 * options.jackknife_groups)) {
    return Fail(error,
                std::to_string(sequences) + " sequences: need at least 100 x jackknife_groups = " +
                    std::to_string(100 * options.jackknife_groups));
  }
  for (int t : tokens) {
    if (t < 0 || t >= vocab_size)
      return Fail(error, "token id " + std::to_string(t) + " outside [0, vocab_size)");
  }
  CorrelationDecayResult r;
  const std::vector<int> shuffled = ShuffledWithinPositions(tokens, length, options.shuffle_seed);
  const int g = options.jackknife_groups, v = vocab_size;
  std::vector<std::vector<double>> jackknife_sigma(g);
  const int last_position = length - 1;
  for (int lag = 1; lag < length; ++lag) {
    const LagCounts counts =
        CountPositionPairs(tokens, length, v, last_position - lag, last_position, g);
    const std::vector<double> c = Covariance(counts, -1);
    std::vector<double> start;
    r.lags.push_back(lag);
    r.sigma.push_back(TopSingularValue(c, v, v, &start));
    r.frobenius.push_back(std::sqrt(std::inner_product(c.begin(), c.end(), c.begin(), 0.0)));
    for (int skip = 0; skip < g; ++skip) {
      std::vector<double> from = start;
      jackknife_sigma[skip].push_back(TopSingularValue(Covariance(counts, skip), v, v, &from));
    }
    r.shuffled_sigma.push_back(TopSingularValue(
        Covariance(CountPositionPairs(shuffled, length, v, last_position - lag, last_position, 1),
                   -1),
        v,
        v));
  }
  std::string raw;  // every lag's sigma, for the method string
  for (std::size_t k = 0; k < r.lags.size(); ++k) {
    if (k > 0) raw += ' ';
    raw += Fixed(r.sigma[k] * 1e3, 2);
  }
  if (plateau_base >= 2) {  // one point per plateau [b^k, b^(k+1) - 1]: its start, its mean
    CorrelationDecayResult pooled;
    std::vector<std::vector<double>> pooled_jackknife(g);
    for (int start = 1; start < length; start *= plateau_base) {
      const int end = std::min(length, start * plateau_base);  // exclusive
      const double count = end - start;
      double sigma = 0, frobenius = 0, noise = 0;
      std::vector<double> replicate(g, 0.0);
      for (int t = start; t < end; ++t) {
        sigma += r.sigma[t - 1] / count;
        frobenius += r.frobenius[t - 1] / count;
        noise += r.shuffled_sigma[t - 1] / count;
        for (int skip = 0; skip < g; ++skip)
          replicate[skip] += jackknife_sigma[skip][t - 1] / count;
      }
      pooled.lags.push_back(start);
      pooled.sigma.push_back(sigma);
      pooled.frobenius.push_back(frobenius);
      pooled.shuffled_sigma.push_back(noise);
      for (int skip = 0; skip < g; ++skip) pooled_jackknife[skip].push_back(replicate[skip]);
    }
    r = std::move(pooled);
    jackknife_sigma = std::move(pooled_jackknife);
  }
  r.noise_floor =
      std::accumulate(r.shuffled_sigma.begin(), r.shuffled_sigma.end(), 0.0) / r.lags.size();
  std::size_t first = 0, last = 0;
  ChooseFitWindow(options, &r, &first, &last);
  if (last < first + 3) {
    return Fail(
        error,
        "only " + std::to_string(last - first) + (plateau_base >= 2 ? " plateaus" : " lags") +
            " from " + std::to_string(options.fit_min_lag) + " lie above " +
            Fixed(options.floor_multiple, 1) + " x the noise floor " + Fixed(r.noise_floor, 6) +
            " (need 3; use more sequences); sigma(t) x 1e3 = " + raw);
  }
  FitDecay(jackknife_sigma, first, last, &r);
  r.correlation_decay.method =
      "positional: top singular value of the covariance between the last token of each "
      "sequence and the token n positions before it (length " +
      std::to_string(length) + ", " + std::to_string(sequences) + " independent sequences); " +
      (plateau_base >= 2
           ? "one point per plateau t in [" + std::to_string(plateau_base) + "^k, " +
                 std::to_string(plateau_base) + "^(k+1) - 1] (its mean sigma at its first t); "
           : std::string()) +
      "log-log LS over " + std::to_string(r.fit_points) + " points t in [" +
      std::to_string(r.fit_first_lag) + ", " + std::to_string(r.fit_last_lag) +
      "] (end: sigma >= " + Fixed(options.floor_multiple, 1) +
      " x the within-position-shuffled floor " + Fixed(r.noise_floor, 6) +
      "); sigma(t) x 1e3 for t = 1.." + std::to_string(length - 1) + ": " + raw +
      "; V = " + std::to_string(v) + "; SE: " + std::to_string(g) +
      "-block jackknife over sequences " + Fixed(r.jackknife_std_error, 4) + " (+) inflated OLS " +
      Fixed(r.ols_std_error, 4);
  *result = std::move(r);
  return true;
}

ProbeInfo CorrelationProbeInfo() {
  return {"correlation_decay",
          "datasets/probes/correlation_probe.h",
          "a token stream, or independent fixed-length token sequences (positional form)",
          "top singular value of the lagged co-occurrence covariance, log-log fit above a shuffled "
          "noise floor; jackknife (+) inflated OLS standard error",
          {Property::kCorrelationDecay},
          {}};
}

}  // namespace scalebench
