// Implementation of datasets/probes/conditional_entropy.h.
#include "datasets/probes/conditional_entropy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "common/format.h"
#include "common/statistics.h"
#include "common/status.h"

namespace scalebench {
namespace {

using internal::Fail;
using internal::Fixed;
using internal::JackknifeError;
using internal::JoinFixed;

constexpr std::uint64_t kSeed = 0x243F6A8885A308D3ULL;
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// SplitMix64's finaliser.
std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// The hash of a context one token longer (token = the new oldest token).
std::uint64_t Extend(std::uint64_t hash, int token) {
  return Mix(hash + (static_cast<std::uint64_t>(token) + 1) * kGolden);
}

// H_n from per-block sums, leaving out block `left_out` (-1: none).
std::vector<double> MeanCurve(const std::vector<std::vector<double>>& block_loss,
                              const std::vector<std::size_t>& block_positions,
                              int left_out) {
  const int blocks = static_cast<int>(block_loss.size());
  std::vector<double> curve(block_loss[0].size(), 0.0);
  double count = 0;
  for (int b = 0; b < blocks; ++b) {
    if (b == left_out) continue;
    for (std::size_t n = 0; n < curve.size(); ++n) curve[n] += block_loss[b][n];
    count += static_cast<double>(block_positions[b]);
  }
  for (double& h : curve) h /= count;
  return curve;
}

// "1/8" for 0.125 and the like (the nested fractions of the language targets), else "0.3".
std::string Fraction(double fraction) {
  const double inverse = 1.0 / fraction;
  if (std::abs(inverse - std::round(inverse)) < 0.02 * inverse)
    return "1/" + std::to_string(static_cast<long>(std::round(inverse)));
  return Fixed(fraction, 2);
}

}  // namespace

DataExtrapolation ExtrapolateInData(const std::array<double, 3>& sizes,
                                    const std::array<double, 3>& entropy) {
  DataExtrapolation e;
  const double d1 = entropy[0] - entropy[1], d2 = entropy[1] - entropy[2];
  if (!(sizes[0] > 0 && sizes[0] < sizes[1] && sizes[1] < sizes[2])) return e;
  if (!(d1 > 0 && d2 > 0)) return e;
  // With u_i = ln(D3 / D_i), D_i^-c is proportional to exp(c u_i), and the ratio of the
  // differences r(c) = expm1(c u1) / expm1(c u2) - 1 grows strictly from u1 / u2 - 1 (c -> 0;
  // 1 for sizes in ratio 2) without bound, so d1 / d2 = r(c) has one root when d1 / d2 exceeds
  // that limit, and none (differences that do not shrink) otherwise.
  const double u1 = std::log(sizes[2] / sizes[0]), u2 = std::log(sizes[2] / sizes[1]);
  const double ratio = d1 / d2;
  const auto r = [&](double c) { return std::expm1(c * u1) / std::expm1(c * u2) - 1.0; };
  if (!(ratio > u1 / u2 - 1.0)) return e;
  constexpr double kMaxExponent = 50.0;
  double c = kMaxExponent;
  if (r(kMaxExponent) > ratio) {
    double low = 0.0, high = kMaxExponent;
    while (high - low > 1e-12 * high) {
      const double mid = 0.5 * (low + high);
      (r(mid) < ratio ? low : high) = mid;
    }
    c = 0.5 * (low + high);
  }
  e.ok = true;
  e.exponent = c;
  e.correction = d2 / std::expm1(c * u2);  // B D3^-c
  e.limit = entropy[2] - e.correction;
  return e;
}

bool ConditionalEntropyOptions::IsValid(std::string* error) const {
  if (max_context < 3 || max_context > 32) {
    return Fail(error,
                "max_context = " + std::to_string(max_context) +
                    ": must be in [3, 32] (the fit needs 3 points)");
  }
  if (!(discount > 0.0 && discount < 1.0))
    return Fail(error, "discount = " + std::to_string(discount) + ": must be in (0, 1)");
  if (jackknife_blocks < 2) {
    return Fail(error, "jackknife_blocks = " + std::to_string(jackknife_blocks) + ": must be >= 2");
  }
  if (!(gamma_min > 0.0))
    return Fail(error, "gamma_min = " + std::to_string(gamma_min) + ": must be > 0");
  if (!(gamma_max > gamma_min))
    return Fail(error, "gamma_max = " + std::to_string(gamma_max) + ": must be > gamma_min");
  if (min_fit_points < 3 || min_fit_points > max_context) {
    return Fail(error,
                "min_fit_points = " + std::to_string(min_fit_points) +
                    ": must be in [3, max_context] (3 fit parameters)");
  }
  if (!(convergence_ratio > 0.0)) {
    return Fail(error,
                "convergence_ratio = " + std::to_string(convergence_ratio) + ": must be > 0");
  }
  if (!(min_data_exponent > 0.0)) {
    return Fail(error,
                "min_data_exponent = " + std::to_string(min_data_exponent) + ": must be > 0");
  }
  if (!(extrapolation_ratio > 0.0)) {
    return Fail(error,
                "extrapolation_ratio = " + std::to_string(extrapolation_ratio) + ": must be > 0");
  }
  if (!(gamma_step > 0.0 && gamma_step <= gamma_max - gamma_min)) {
    return Fail(
        error,
        "gamma_step = " + std::to_string(gamma_step) + ": must be in (0, gamma_max - gamma_min]");
  }
  return true;
}

NGramModel::NGramModel(const std::vector<int>& tokens,
                       int vocab_size,
                       int max_context,
                       double discount)
    : vocab_size_(vocab_size), max_context_(max_context), bits_(1), discount_(discount) {
  while ((1 << bits_) < vocab_size_) ++bits_;
  const std::uint64_t low_mask = (std::uint64_t{1} << bits_) - 1;
  const std::size_t size = tokens.size();
  std::vector<std::uint64_t> hash(size, kSeed), keys;
  orders_.resize(max_context + 1);
  for (int n = 0; n <= max_context; ++n) {
    if (n > 0) {
      for (std::size_t i = n; i < size; ++i) hash[i] = Extend(hash[i], tokens[i - n]);
    }
    keys.clear();
    for (std::size_t i = n; i < size; ++i)
      keys.push_back((hash[i] << bits_) | static_cast<std::uint64_t>(tokens[i]));
    std::sort(keys.begin(), keys.end());
    Order& order = orders_[n];
    for (std::size_t i = 0; i < keys.size();) {
      std::size_t j = i;
      while (j < keys.size() && keys[j] == keys[i]) ++j;
      const std::uint64_t context = keys[i] & ~low_mask;
      if (order.contexts.empty() || order.contexts.back() != context) {
        order.contexts.push_back(context);
        order.totals.push_back(0);
        order.distinct.push_back(0);
      }
      order.keys.push_back(keys[i]);
      order.counts.push_back(static_cast<std::uint32_t>(j - i));
      order.totals.back() += static_cast<std::uint32_t>(j - i);
      order.distinct.back() += 1;
      i = j;
    }
    order.keys.shrink_to_fit();
    order.counts.shrink_to_fit();
    order.contexts.shrink_to_fit();
    order.totals.shrink_to_fit();
    order.distinct.shrink_to_fit();
  }
}

double NGramModel::Step(const Order& order, std::uint64_t context_key, int w, double lower) const {
  const auto c = std::lower_bound(order.contexts.begin(), order.contexts.end(), context_key);
  if (c == order.contexts.end() || *c != context_key) return lower;  // unseen: back off fully
  const std::size_t index = static_cast<std::size_t>(c - order.contexts.begin());
  const double total = order.totals[index], distinct = order.distinct[index];
  const std::uint64_t key = context_key | static_cast<std::uint64_t>(w);
  const auto k = std::lower_bound(order.keys.begin(), order.keys.end(), key);
  const double count =
      (k != order.keys.end() && *k == key) ? order.counts[k - order.keys.begin()] : 0.0;
  return std::max(count - discount_, 0.0) / total + discount_ * distinct / total * lower;
}

void NGramModel::LogProbabilities(const int* history, int w, std::vector<double>* log_probs) const {
  log_probs->resize(max_context_ + 1);
  double p = 1.0 / vocab_size_;
  std::uint64_t hash = kSeed;
  for (int n = 0; n <= max_context_; ++n) {
    if (n > 0) hash = Extend(hash, history[-n]);
    p = Step(orders_[n], hash << bits_, w, p);
    (*log_probs)[n] = std::log(p);
  }
}

std::vector<double> NGramModel::Distribution(const std::vector<int>& context, int n) const {
  std::vector<double> probs(vocab_size_);
  const int* history = context.data() + context.size();
  for (int w = 0; w < vocab_size_; ++w) {
    double p = 1.0 / vocab_size_;
    std::uint64_t hash = kSeed;
    for (int m = 0; m <= n; ++m) {
      if (m > 0) hash = Extend(hash, history[-m]);
      p = Step(orders_[m], hash << bits_, w, p);
    }
    probs[w] = p;
  }
  return probs;
}

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

bool MeasureConditionalEntropy(const std::vector<int>& train_tokens,
                               const std::vector<int>& heldout_tokens,
                               int vocab_size,
                               const ConditionalEntropyOptions& options,
                               ConditionalEntropyResult* result,
                               std::string* error) {
  if (!options.IsValid(error)) return false;
  if (vocab_size < 2 || vocab_size > 65536) {
    return Fail(error, "vocab_size = " + std::to_string(vocab_size) + ": must be in [2, 65536]");
  }
  const std::size_t min_train = 100 * static_cast<std::size_t>(options.max_context);
  if (train_tokens.size() < min_train) {
    return Fail(error,
                std::to_string(train_tokens.size()) + " training tokens: need at least 100 x " +
                    "max_context = " + std::to_string(min_train));
  }
  const std::size_t min_heldout = static_cast<std::size_t>(options.max_context) +
                                  100 * static_cast<std::size_t>(options.jackknife_blocks);
  if (heldout_tokens.size() < min_heldout) {
    return Fail(error,
                std::to_string(heldout_tokens.size()) +
                    " held-out tokens: need at least max_context + 100 x jackknife_blocks = " +
                    std::to_string(min_heldout));
  }
  for (const std::vector<int>* tokens : {&train_tokens, &heldout_tokens}) {
    for (int t : *tokens) {
      if (t < 0 || t >= vocab_size)
        return Fail(error, "token id " + std::to_string(t) + " outside [0, vocab_size)");
    }
  }
  const int orders = options.max_context + 1, blocks = options.jackknife_blocks;
  const NGramModel model(train_tokens, vocab_size, options.max_context, options.discount);

  // Per-block sums of log P_n over the held-out positions with a full context.
  const std::size_t first = static_cast<std::size_t>(options.max_context);
  const std::size_t positions = heldout_tokens.size() - first;
  std::vector<std::vector<double>> block_sum(blocks, std::vector<double>(orders, 0.0));
  std::vector<std::size_t> block_count(blocks, 0);
  std::vector<double> log_probs;
  for (std::size_t i = first; i < heldout_tokens.size(); ++i) {
    const int b = static_cast<int>((i - first) * blocks / positions);
    model.LogProbabilities(heldout_tokens.data() + i, heldout_tokens[i], &log_probs);
    for (int n = 0; n < orders; ++n) block_sum[b][n] += log_probs[n];
    ++block_count[b];
  }
  EntropyCurveInput input;
  input.block_loss.assign(blocks, std::vector<double>(orders, 0.0));
  for (int b = 0; b < blocks; ++b) {
    for (int n = 0; n < orders; ++n) input.block_loss[b][n] = -block_sum[b][n];
  }
  input.block_positions = block_count;
  input.train_tokens = train_tokens.size();
  input.model =
      "interpolated absolute-discounting n-gram models (D = " + Fixed(options.discount, 2) +
      ", uniform base over V = " + std::to_string(vocab_size) + ")";
  return FitConditionalEntropyCurve(input, options, result, error);
}

namespace {

// The per-size H_n curves of the extrapolation mode, [size][n], sizes ascending (the last is the
// full training set), over all blocks (left_out = -1) or without block left_out.
std::vector<std::vector<double>> SizeCurves(const EntropyCurveInput& input, int left_out) {
  std::vector<std::vector<double>> curves;
  for (const EntropyCurveInput::Subset& subset : input.subsets)
    curves.push_back(MeanCurve(subset.block_loss, input.block_positions, left_out));
  curves.push_back(MeanCurve(input.block_loss, input.block_positions, left_out));
  return curves;
}

// Per n, the extrapolation through the sizes top - 2, top - 1 and top.
std::vector<DataExtrapolation> Extrapolate(const std::vector<double>& sizes,
                                           const std::vector<std::vector<double>>& curves,
                                           int top) {
  std::vector<DataExtrapolation> out;
  for (std::size_t n = 0; n < curves[top].size(); ++n) {
    out.push_back(ExtrapolateInData({sizes[top - 2], sizes[top - 1], sizes[top]},
                                    {curves[top - 2][n], curves[top - 1][n], curves[top][n]}));
  }
  return out;
}

// The largest change of H_n between the sizes top - 2, top - 1 and top.
double Movement(const std::vector<std::vector<double>>& curves, int top, int n) {
  const double a = curves[top - 2][n], b = curves[top - 1][n], c = curves[top][n];
  return std::max({std::abs(a - b), std::abs(b - c), std::abs(a - c)});
}

// The extrapolated curve and the window, with the reason the window ends.
struct LimitCurve {
  std::vector<double> limit;  // H_n^inf, n = 0..last
  std::vector<bool> settled;  // taken as H_n(largest size): moved within the tolerance
  int last = -1;
  std::string stop;  // empty: the window reaches the last n
};

// Why the extrapolation of H_n fails (a) or (b) of the header; empty when it passes.
// curves: the per-size H_n over all blocks; replicates[0] the extrapolation over all blocks,
// [1 + b] without block b.
std::string ExtrapolationRefusal(int n,
                                 const std::vector<std::vector<double>>& curves,
                                 const std::vector<std::vector<DataExtrapolation>>& replicates,
                                 const ConditionalEntropyOptions& options) {
  const std::size_t top = curves.size() - 1;
  const DataExtrapolation& e = replicates[0][n];
  const std::string h = "H_" + std::to_string(n);
  if (!e.ok) {
    return "the differences of " + h + " between the three largest sizes (" +
           Fixed(curves[top - 2][n] - curves[top - 1][n], 4) + ", " +
           Fixed(curves[top - 1][n] - curves[top][n], 4) + " nats) are not positive and shrinking";
  }
  if (e.exponent < options.min_data_exponent) {
    return h + "(D) - " + h + "^inf decays as D^-" + Fixed(e.exponent, 3) + ", slower than D^-" +
           Fixed(options.min_data_exponent, 2) + " (min_data_exponent)";
  }
  for (std::size_t b = 1; b < replicates.size(); ++b) {
    if (!replicates[b][n].ok) {
      return "with held-out block " + std::to_string(b - 1) + " left out, the differences of " + h +
             " between the three largest sizes are not positive and shrinking";
    }
  }
  return std::string();
}

// Conditions (a)-(d) of the header, n = 0, 1, ... until one fails (arguments as for
// ExtrapolationRefusal). A point whose extrapolation fails (a) or (b) but whose H_n moved by at
// most extrapolation_ratio x ((D3 / D1)^min_data_exponent - 1) x its gain between the three
// largest sizes is settled: H_n^inf = H_n(D3), since any D^-c law through it with
// c >= min_data_exponent would correct it by at most extrapolation_ratio x its gain (the
// differences of a converged H_n are at the level of the subsets' composition noise and need
// not shrink).
LimitCurve Window(const std::vector<double>& sizes,
                  const std::vector<std::vector<double>>& curves,
                  const std::vector<std::vector<DataExtrapolation>>& replicates,
                  const ConditionalEntropyOptions& options) {
  const int top = static_cast<int>(sizes.size()) - 1;
  const int orders = static_cast<int>(curves[top].size());
  const double span = std::pow(sizes[top] / sizes[top - 2], options.min_data_exponent) - 1.0;
  const std::vector<DataExtrapolation>& e = replicates[0];
  LimitCurve w;
  for (int n = 0; n < orders; ++n) {
    const std::string h = "H_" + std::to_string(n);
    const double raw = curves[top][n];
    // The gain that scales the tolerances: what context n adds (n = 0: the raw gain of n = 1).
    const double gain_scale = n == 0 ? raw - curves[top][1] : w.limit[n - 1] - raw;
    std::string refusal = ExtrapolationRefusal(n, curves, replicates, options);
    const bool extrapolates = refusal.empty();
    const double tolerance = options.extrapolation_ratio * span * gain_scale;
    const bool settled = !extrapolates && Movement(curves, top, n) <= tolerance;
    if (settled) refusal.clear();
    const double limit = extrapolates ? e[n].limit : raw;
    const double gain = n == 0 ? 1.0 : w.limit[n - 1] - limit;
    if (refusal.empty() && !(gain > 0)) {
      refusal = "extrapolated " + h + " = " + Fixed(limit, 4) + " does not fall below H_" +
                std::to_string(n - 1) + " = " + Fixed(w.limit[n - 1], 4);
    }
    if (refusal.empty() && extrapolates && n > 0 &&
        e[n].correction > options.extrapolation_ratio * gain) {
      refusal = "the extrapolation lowers " + h + " by " + Fixed(e[n].correction, 4) + " nats > " +
                Fixed(options.extrapolation_ratio, 2) + " x its gain " + Fixed(gain, 4);
    }
    if (!refusal.empty()) {
      w.stop = "extrapolation not trusted at n = " + std::to_string(n) + ": " + refusal;
      break;
    }
    w.limit.push_back(limit);
    w.settled.push_back(settled);
    w.last = n;
  }
  return w;
}

// H_n^inf, n = 0..last, of one replicate with the window's treatment of each point.
std::vector<double> ReplicateLimits(const LimitCurve& window,
                                    const std::vector<DataExtrapolation>& extrapolation,
                                    const std::vector<double>& largest) {
  std::vector<double> limits;
  for (int n = 0; n <= window.last; ++n)
    limits.push_back(window.settled[n] ? largest[n] : extrapolation[n].limit);
  return limits;
}

// The fractions of the full size, "1/8, 1/4, 1/2, 1" for sizes first..last.
std::string SizeList(const std::vector<double>& sizes, int first, int last) {
  std::string list;
  for (int s = first; s <= last; ++s) {
    if (s > first) list += ", ";
    list += s + 1 == static_cast<int>(sizes.size()) ? std::string("1")
                                                    : Fraction(sizes[s] / sizes.back());
  }
  return list;
}

// gamma' of the systematic term from the next-smaller three sizes: per n of the window, their
// extrapolation where the differences shrink (any c > 0), else their largest size's H_n where
// it moved within the same tolerance as a settled point. False when neither holds at some n or
// there is no fourth size or no fit.
bool LowerSizesGamma(const std::vector<double>& sizes,
                     const std::vector<std::vector<double>>& curves,
                     const LimitCurve& window,
                     const ConditionalEntropyOptions& options,
                     double* gamma) {
  const int top = static_cast<int>(sizes.size()) - 2;
  if (top < 2) return false;
  const std::vector<DataExtrapolation> lower = Extrapolate(sizes, curves, top);
  const double span = std::pow(sizes[top] / sizes[top - 2], options.min_data_exponent) - 1.0;
  std::vector<double> limits = {0.0};  // entry 0 is not fitted
  for (int n = 1; n <= window.last; ++n) {
    const double gain_scale = window.limit[n - 1] - window.limit[n];
    if (lower[n].ok) {
      limits.push_back(lower[n].limit);
    } else if (Movement(curves, top, n) <= options.extrapolation_ratio * span * gain_scale) {
      limits.push_back(curves[top][n]);
    } else {
      return false;
    }
  }
  double h = 0, a = 0, rms = 0;
  return FitEntropyDecay(limits, options, gamma, &h, &a, &rms);
}

// The training sizes of the extrapolation mode, ascending (the subsets, then the full set),
// after checking the subsets' shape against the full curve's.
bool SubsetSizes(const EntropyCurveInput& input,
                 int orders,
                 std::vector<double>* sizes,
                 std::string* error) {
  if (input.subsets.size() < 2)
    return Fail(error, "the extrapolation in D needs at least 2 subsets (3 training sizes)");
  if (!input.half_data_entropy.empty())
    return Fail(error, "give either subsets or half_data_entropy, not both");
  sizes->clear();
  for (const EntropyCurveInput::Subset& subset : input.subsets) {
    if (subset.block_loss.size() != input.block_loss.size())
      return Fail(error, "a subset has " + std::to_string(subset.block_loss.size()) + " blocks");
    for (const std::vector<double>& loss : subset.block_loss) {
      if (static_cast<int>(loss.size()) != orders)
        return Fail(error, "a subset block has a different order count");
    }
    sizes->push_back(static_cast<double>(subset.train_tokens));
  }
  sizes->push_back(static_cast<double>(input.train_tokens));
  for (std::size_t s = 0; s < sizes->size(); ++s) {
    if (!((*sizes)[s] > (s == 0 ? 0.0 : (*sizes)[s - 1])))
      return Fail(error, "the training sizes (subsets, then the full set) must increase");
  }
  return true;
}

// The systematic part of the error (see the header): the larger shift of gamma under the
// next-smaller sizes' extrapolation and under no extrapolation at all.
struct Systematic {
  double error = 0.0, gamma = 0.0;  // the shift and the gamma' it comes from
  double raw_gamma = 0.0, lower_gamma = 0.0;
  bool lower_ok = false;
};
Systematic SystematicTerm(double gamma,
                          const std::vector<double>& sizes,
                          const std::vector<std::vector<double>>& curves,
                          const LimitCurve& window,
                          const ConditionalEntropyOptions& options) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> raw(curves.back().begin(), curves.back().begin() + window.last + 1);
  Systematic s;
  double h = 0, a = 0, rms = 0;
  if (!FitEntropyDecay(raw, options, &s.raw_gamma, &h, &a, &rms)) s.raw_gamma = nan;
  s.lower_ok = LowerSizesGamma(sizes, curves, window, options, &s.lower_gamma);
  const double raw_shift = std::abs(gamma - s.raw_gamma);
  const double lower_shift = s.lower_ok ? std::abs(gamma - s.lower_gamma) : 0.0;
  s.error = std::max(raw_shift, lower_shift);  // NaN when the raw fit failed
  s.gamma = s.lower_ok && lower_shift >= raw_shift ? s.lower_gamma : s.raw_gamma;
  return s;
}

// The method string of the extrapolation mode.
std::string ExtrapolatedMethod(const EntropyCurveInput& input,
                               const ConditionalEntropyOptions& options,
                               const std::vector<double>& sizes,
                               const LimitCurve& window,
                               const Systematic& systematic,
                               const ConditionalEntropyResult& r) {
  const int top = static_cast<int>(sizes.size()) - 1;
  std::string per_n;
  for (int n = 1; n <= window.last; ++n) {
    per_n += (n > 1 ? "; " : "") + std::to_string(n) + ": " + Fixed(r.entropy[n], 4) + " -> " +
             Fixed(window.limit[n], 4) +
             (window.settled[n] ? std::string(" (settled)")
                                : " (c = " + Fixed(r.data_exponent[n], 2) + ")");
  }
  std::string size_tokens;
  for (int s = 0; s <= top; ++s)
    size_tokens += (s > 0 ? ", " : "") + std::to_string(r.size_tokens[s]);
  const std::string lower =
      systematic.lower_ok ? Fixed(systematic.lower_gamma, 3) + " from extrapolating the sizes " +
                                SizeList(sizes, top - 3, top - 1) + " instead"
                          : "(none: " +
                                (top >= 3 ? "the sizes " + SizeList(sizes, top - 3, top - 1) +
                                                " do not extrapolate at every n of the window"
                                          : std::string("no fourth size")) +
                                ")";
  return "H_n = held-out cross-entropy (nats/token) of " + input.model + " for n = 0.." +
         std::to_string(r.entropy.size() - 1) + ", trained on " + SizeList(sizes, 0, top) +
         " of the " + std::to_string(input.train_tokens) + " training tokens (" + size_tokens +
         " tokens) and evaluated on the same " + std::to_string(r.heldout_positions) +
         " held-out positions; per n extrapolated to infinite data as H_n(D) = H_n^inf + "
         "B_n D^-c_n through the sizes " +
         SizeList(sizes, top - 2, top) + " (Richardson extrapolation in D); window n in [1, " +
         std::to_string(window.last) +
         "] (end: " + (window.stop.empty() ? std::string("last n") : window.stop) +
         "; a point enters while its differences in D are positive and shrinking with every "
         "held-out block left out, c_n >= " +
         Fixed(options.min_data_exponent, 2) +
         ", it still gains and its correction is <= " + Fixed(options.extrapolation_ratio, 2) +
         " x its gain, or it is settled: moved by <= " + Fixed(options.extrapolation_ratio, 2) +
         " x ((D3/D1)^" + Fixed(options.min_data_exponent, 2) +
         " - 1) x its gain); H_n(D) -> "
         "H_n^inf per n: " +
         per_n +
         "; least-squares fit H_n^inf = H_inf + A n^-gamma over the window (grid gamma in [" +
         Fixed(options.gamma_min, 3) + ", " + Fixed(options.gamma_max, 3) + "] step " +
         Fixed(options.gamma_step, 4) +
         ", H_inf >= 0 and A by linear least squares): H_inf = " + Fixed(r.entropy_limit, 4) +
         (r.entropy_limit < 0.01 ? " (at or near its bound 0: in effect a pure power law)" : "") +
         ", A = " + Fixed(r.amplitude, 4) + ", rms " + Fixed(r.fit_rms, 4) +
         (r.gamma_at_grid_edge ? ", gamma AT THE GRID EDGE" : "") + "; std error " +
         Fixed(r.conditional_entropy_decay.std_error, 4) +
         " = sqrt(jackknife^2 + systematic^2): jackknife " + Fixed(r.jackknife_error, 4) +
         " (delete-a-block over " + std::to_string(input.block_loss.size()) +
         " contiguous held-out blocks of the whole pipeline: every size's H_n, the "
         "extrapolation and the fit), systematic " +
         Fixed(r.systematic_error, 4) +
         " (the extrapolation model: the larger of |gamma - gamma'| for gamma' = " + lower +
         " and for gamma' = " + Fixed(systematic.raw_gamma, 3) +
         " from the raw largest-size H_n over the same window); not covered: the model family "
         "and n beyond the window";
}

// FitConditionalEntropyCurve with subsets (see the header); *r holds the raw full-size curve
// and the sample sizes on entry.
bool FitExtrapolated(const EntropyCurveInput& input,
                     const ConditionalEntropyOptions& options,
                     ConditionalEntropyResult* r,
                     std::string* error) {
  const int blocks = static_cast<int>(input.block_loss.size());
  const int orders = static_cast<int>(r->entropy.size());
  std::vector<double> sizes;
  if (!SubsetSizes(input, orders, &sizes, error)) return false;
  const int top = static_cast<int>(sizes.size()) - 1;
  const std::vector<std::vector<double>> curves = SizeCurves(input, -1);
  for (const std::vector<double>& curve : curves) {
    for (double h : curve) {
      if (!std::isfinite(h)) return Fail(error, "a subset's H_n is not finite");
    }
  }
  std::vector<std::vector<double>> largest = {curves[top]};  // H_n(D3) per replicate
  std::vector<std::vector<DataExtrapolation>> replicates = {Extrapolate(sizes, curves, top)};
  for (int b = 0; b < blocks; ++b) {
    const std::vector<std::vector<double>> without = SizeCurves(input, b);
    replicates.push_back(Extrapolate(sizes, without, top));
    largest.push_back(without[top]);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double size : sizes) r->size_tokens.push_back(static_cast<std::size_t>(size));
  r->size_entropy = curves;
  for (const DataExtrapolation& e : replicates[0]) {
    r->extrapolated_entropy.push_back(e.ok ? e.limit : nan);
    r->data_exponent.push_back(e.ok ? e.exponent : nan);
    r->data_correction.push_back(e.ok ? e.correction : nan);
  }

  const LimitCurve window = Window(sizes, curves, replicates, options);
  const int last = window.last;
  r->fit_last_n = std::max(last, 0);
  if (last < options.min_fit_points) {
    double g = 0, h = 0, a = 0, rms = 0;
    const bool whole = FitEntropyDecay(r->entropy, options, &g, &h, &a, &rms);
    return Fail(error,
                (last >= 1 ? "the fit window n = 1.." + std::to_string(last) + " has"
                           : std::string("the fit window is empty:")) +
                    " fewer than " + std::to_string(options.min_fit_points) + " points (" +
                    window.stop + ")" +
                    (whole ? "; a fit over the raw H_n, n = 1.." + std::to_string(orders - 1) +
                                 ", regardless would read gamma = " + Fixed(g, 3)
                           : std::string()));
  }
  double gamma = 0;
  if (!FitEntropyDecay(
          window.limit, options, &gamma, &r->entropy_limit, &r->amplitude, &r->fit_rms)) {
    return Fail(error,
                "the extrapolated H_n do not decrease with n over [1, " + std::to_string(last) +
                    "]: no fit with A > 0");
  }
  r->gamma_at_grid_edge = gamma < options.gamma_min + 1.5 * options.gamma_step ||
                          gamma > options.gamma_max - 1.5 * options.gamma_step;
  std::vector<double> jackknife;
  for (int b = 1; b <= blocks; ++b) {
    double g = 0, h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(
            ReplicateLimits(window, replicates[b], largest[b]), options, &g, &h, &a, &rms)) {
      return Fail(error,
                  "a jackknife replicate has no fit with A > 0 (block " + std::to_string(b - 1) +
                      " left out)");
    }
    jackknife.push_back(g);
  }
  r->jackknife_error = JackknifeError(jackknife);
  const Systematic systematic = SystematicTerm(gamma, sizes, curves, window, options);
  r->systematic_error = systematic.error;
  r->systematic_gamma = systematic.gamma;
  const double std_error = std::hypot(r->jackknife_error, r->systematic_error);
  if (!std::isfinite(std_error)) {
    return Fail(error,
                "no finite standard error for gamma = " + Fixed(gamma, 3) + " (jackknife " +
                    Fixed(r->jackknife_error, 4) + ", systematic " + Fixed(r->systematic_error, 4) +
                    ")");
  }
  r->conditional_entropy_decay.value = gamma;
  r->conditional_entropy_decay.std_error = std_error;
  r->conditional_entropy_decay.method =
      ExtrapolatedMethod(input, options, sizes, window, systematic, *r);
  return true;
}

}  // namespace

bool FitConditionalEntropyCurve(const EntropyCurveInput& input,
                                const ConditionalEntropyOptions& options,
                                ConditionalEntropyResult* result,
                                std::string* error) {
  const int blocks = static_cast<int>(input.block_loss.size());
  if (blocks < 2 || input.block_positions.size() != input.block_loss.size()) {
    return Fail(error, "need at least 2 held-out blocks, with one position count per block");
  }
  const int orders = static_cast<int>(input.block_loss[0].size());
  std::size_t positions = 0;
  for (int b = 0; b < blocks; ++b) {
    if (static_cast<int>(input.block_loss[b].size()) != orders || input.block_positions[b] == 0)
      return Fail(error,
                  "block " + std::to_string(b) + " has a different order count or no positions");
    positions += input.block_positions[b];
  }
  if (orders < 4) return Fail(error, "H_n needs n = 0..3 at least (3 fit points)");
  if (!input.half_data_entropy.empty() &&
      static_cast<int>(input.half_data_entropy.size()) != orders) {
    return Fail(error,
                "half_data_entropy has " + std::to_string(input.half_data_entropy.size()) +
                    " orders, the curve " + std::to_string(orders));
  }
  ConditionalEntropyResult r;
  r.train_tokens = input.train_tokens;
  r.heldout_positions = positions;
  r.entropy = MeanCurve(input.block_loss, input.block_positions, -1);
  for (int n = 0; n < orders; ++n) {
    if (!std::isfinite(r.entropy[n]))
      return Fail(error, "H_" + std::to_string(n) + " is not finite");
  }
  if (!input.subsets.empty()) {
    if (!FitExtrapolated(input, options, &r, error)) return false;
    *result = std::move(r);
    return true;
  }
  r.jackknife_error = r.systematic_error = r.systematic_gamma =
      std::numeric_limits<double>::quiet_NaN();
  r.half_data_entropy = input.half_data_entropy;
  // The window, with a half-data curve: n = 1.. while H_n falls and has converged in P.
  int last = orders - 1;
  std::string stop;
  for (int n = 1; n < orders && !r.half_data_entropy.empty(); ++n) {
    const double gain = r.entropy[n - 1] - r.entropy[n];
    if (!(gain > 0)) {
      last = n - 1, stop = "H_" + std::to_string(n) + " >= H_" + std::to_string(n - 1);
      break;
    }
    const double shift = r.half_data_entropy[n] - r.entropy[n];
    if (shift > options.convergence_ratio * gain) {
      last = n - 1;
      stop = "not converged at n = " + std::to_string(n) + ": halving the training data raises H_" +
             std::to_string(n) + " by " + Fixed(shift, 4) + " nats > " +
             Fixed(options.convergence_ratio, 2) + " x its gain " + Fixed(gain, 4);
      break;
    }
  }
  // A converged window shorter than min_fit_points: with three_point_rule, the first three points
  // as the paper fitted WikiText, while H_n still falls through n = 4 (for the comparison fit).
  std::string three_point;
  if (last < options.min_fit_points && options.three_point_rule && last >= 2 && orders > 4 &&
      r.entropy[3] < r.entropy[2] && r.entropy[4] < r.entropy[3]) {
    three_point = "converged window n = 1.." + std::to_string(last) + " (" + stop +
                  "), so the first three points are fitted, as Cagnetta et al. (2026) did on "
                  "WikiText";
    last = 3;
  }
  r.fit_first_n = 1;
  r.fit_last_n = last;
  if (last < options.min_fit_points && three_point.empty()) {
    // What the whole curve would give, so that the reader sees what was refused.
    double g = 0, h = 0, a = 0, rms = 0;
    const bool whole = FitEntropyDecay(r.entropy, options, &g, &h, &a, &rms);
    return Fail(error,
                "the fit window n = 1.." + std::to_string(last) + " has fewer than " +
                    std::to_string(options.min_fit_points) + " points (" +
                    (stop.empty() ? std::string("curve too short") : stop) + ")" +
                    (whole ? "; a fit over all n = 1.." + std::to_string(orders - 1) +
                                 " regardless would read gamma = " + Fixed(g, 3) +
                                 " (H_inf = " + Fixed(h, 3) + ", rms " + Fixed(rms, 4) + ")"
                           : std::string()));
  }
  const std::vector<double> window(r.entropy.begin(), r.entropy.begin() + last + 1);
  double gamma = 0;
  if (!FitEntropyDecay(window, options, &gamma, &r.entropy_limit, &r.amplitude, &r.fit_rms)) {
    return Fail(
        error,
        "H_n does not decrease with n over [1, " + std::to_string(last) + "]: no fit with A > 0");
  }
  r.gamma_at_grid_edge = gamma < options.gamma_min + 1.5 * options.gamma_step ||
                         gamma > options.gamma_max - 1.5 * options.gamma_step;
  std::vector<double> replicates;
  bool replicates_ok = true;
  for (int left_out = 0; left_out < blocks; ++left_out) {
    std::vector<double> curve = MeanCurve(input.block_loss, input.block_positions, left_out);
    curve.resize(last + 1);
    double g = 0, h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(curve, options, &g, &h, &a, &rms)) {
      replicates_ok = false;
      break;
    }
    replicates.push_back(g);
  }
  // With a half-data curve, how far gamma moves when the data halves, over the same window: the
  // part of the error that the held-out jackknife cannot see (a window that has converged in P
  // gives a small one).
  if (!r.half_data_entropy.empty()) {
    const std::vector<double> half(r.half_data_entropy.begin(),
                                   r.half_data_entropy.begin() + last + 1);
    double h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(half, options, &r.systematic_gamma, &h, &a, &rms)) {
      return Fail(error,
                  "the half-data H_n does not decrease over [1, " + std::to_string(last) +
                      "]: no systematic term");
    }
    r.systematic_error = std::abs(gamma - r.systematic_gamma);
  }
  // The paper's error for a three-point window: the change when the fourth point joins.
  double four_point_gamma = std::numeric_limits<double>::quiet_NaN();
  if (!three_point.empty()) {
    const std::vector<double> four(r.entropy.begin(), r.entropy.begin() + 5);
    double h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(four, options, &four_point_gamma, &h, &a, &rms)) {
      return Fail(error, "H_n does not decrease over [1, 4]: no four-point comparison fit");
    }
    r.systematic_error = std::hypot(r.systematic_error, gamma - four_point_gamma);
  }
  r.jackknife_error =
      replicates_ok ? JackknifeError(replicates) : std::numeric_limits<double>::quiet_NaN();
  r.conditional_entropy_decay.value = gamma;
  r.conditional_entropy_decay.std_error = r.half_data_entropy.empty()
                                              ? r.jackknife_error
                                              : std::hypot(r.jackknife_error, r.systematic_error);
  r.conditional_entropy_decay.method =
      "H_n = held-out cross-entropy (nats/token) of " + input.model + " for n = 0.." +
      std::to_string(orders - 1) + ", trained on " + std::to_string(input.train_tokens) +
      " tokens, evaluated on " + std::to_string(positions) +
      " held-out positions; least-squares fit H_n = H_inf + A n^-gamma over n in [1, " +
      std::to_string(last) + "]" +
      (r.half_data_entropy.empty()
           ? std::string()
           : " (window end: " + (stop.empty() ? std::string("last n") : stop) +
                 "; convergence checked against a model on half the training tokens)") +
      " (grid gamma in [" + Fixed(options.gamma_min, 3) + ", " + Fixed(options.gamma_max, 3) +
      "] step " + Fixed(options.gamma_step, 4) +
      ", H_inf >= 0 and A by linear least squares): H_inf = " + Fixed(r.entropy_limit, 4) +
      (r.entropy_limit < 0.01 ? " (at or near its bound 0: in effect a pure power law)" : "") +
      ", A = " + Fixed(r.amplitude, 4) + ", rms " + Fixed(r.fit_rms, 4) +
      (r.gamma_at_grid_edge ? ", gamma AT THE GRID EDGE" : "") +
      (r.half_data_entropy.empty()
           ? "; std error: delete-a-group jackknife over " + std::to_string(blocks) +
                 " contiguous held-out blocks (held-out noise only; not training sample, "
                 "smoothing or n range)"
           : "; std error " + Fixed(r.conditional_entropy_decay.std_error, 4) +
                 " = delete-a-group jackknife over " + std::to_string(blocks) +
                 " contiguous held-out blocks " + Fixed(r.jackknife_error, 4) +
                 " (+) half-data shift |gamma - " + Fixed(r.systematic_gamma, 3) + "|" +
                 (three_point.empty()
                      ? std::string()
                      : " (+) four-point shift |gamma - " + Fixed(four_point_gamma, 3) + "|") +
                 " = systematic " + Fixed(r.systematic_error, 4) +
                 " (not the model family or n beyond the window)") +
      (three_point.empty() ? std::string() : "; " + three_point) + "; H_n: raw values [" +
      JoinFixed(r.entropy, 4) + "]" +
      (r.half_data_entropy.empty() ? std::string()
                                   : ", half data [" + JoinFixed(r.half_data_entropy, 4) + "]") +
      "; a model's H_n is an upper bound on the true one that loosens at large n";
  *result = std::move(r);
  return true;
}

void ConditionalEntropyResult::FillProfile(Profile* profile) const {
  profile->Set(Property::kConditionalEntropyDecay, conditional_entropy_decay);
}

}  // namespace scalebench
