// Implementation of datasets/probes/conditional_entropy.h.
#include "datasets/probes/conditional_entropy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

#include "datasets/internal/status.h"

namespace scalebench {
namespace {

using internal::Fail;
using internal::Fixed;

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

double JackknifeError(const std::vector<double>& replicates) {
  const double g = static_cast<double>(replicates.size());
  if (g < 2) return std::numeric_limits<double>::quiet_NaN();
  const double mean = std::accumulate(replicates.begin(), replicates.end(), 0.0) / g;
  double sum = 0;
  for (double t : replicates) sum += (t - mean) * (t - mean);
  return std::sqrt((g - 1) / g * sum);
}

}  // namespace

bool ConditionalEntropyOptions::IsValid(std::string* error) const {
  if (max_context < 3 || max_context > 32) {
    return Fail("max_context = " + std::to_string(max_context) +
                    ": must be in [3, 32] (the fit needs 3 points)",
                error);
  }
  if (!(discount > 0.0 && discount < 1.0))
    return Fail("discount = " + std::to_string(discount) + ": must be in (0, 1)", error);
  if (jackknife_blocks < 2) {
    return Fail("jackknife_blocks = " + std::to_string(jackknife_blocks) + ": must be >= 2", error);
  }
  if (!(gamma_min > 0.0))
    return Fail("gamma_min = " + std::to_string(gamma_min) + ": must be > 0", error);
  if (!(gamma_max > gamma_min))
    return Fail("gamma_max = " + std::to_string(gamma_max) + ": must be > gamma_min", error);
  if (min_fit_points < 3 || min_fit_points > max_context) {
    return Fail("min_fit_points = " + std::to_string(min_fit_points) +
                    ": must be in [3, max_context] (3 fit parameters)",
                error);
  }
  if (!(convergence_ratio > 0.0)) {
    return Fail("convergence_ratio = " + std::to_string(convergence_ratio) + ": must be > 0",
                error);
  }
  if (!(gamma_step > 0.0 && gamma_step <= gamma_max - gamma_min)) {
    return Fail(
        "gamma_step = " + std::to_string(gamma_step) + ": must be in (0, gamma_max - gamma_min]",
        error);
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

bool FitEntropyDecay(const std::vector<double>& entropy,
                     const ConditionalEntropyOptions& options,
                     double* gamma,
                     double* entropy_limit,
                     double* amplitude,
                     double* rms) {
  const int points = static_cast<int>(entropy.size()) - 1;
  if (points < 3) return false;
  double best = std::numeric_limits<double>::infinity();
  const int steps =
      static_cast<int>(std::floor((options.gamma_max - options.gamma_min) / options.gamma_step));
  std::vector<double> x(points);
  for (int s = 0; s <= steps; ++s) {
    const double g = options.gamma_min + s * options.gamma_step;
    double mx = 0, my = 0;
    for (int n = 1; n <= points; ++n) {
      x[n - 1] = std::pow(static_cast<double>(n), -g);
      mx += x[n - 1] / points;
      my += entropy[n] / points;
    }
    double sxx = 0, sxy = 0, xx = 0, xy = 0;
    for (int n = 1; n <= points; ++n) {
      sxx += (x[n - 1] - mx) * (x[n - 1] - mx);
      sxy += (x[n - 1] - mx) * (entropy[n] - my);
      xx += x[n - 1] * x[n - 1];
      xy += x[n - 1] * entropy[n];
    }
    if (!(sxx > 0)) continue;
    double a = sxy / sxx, h = my - a * mx;
    if (h < 0) h = 0, a = xy / xx;  // H_inf >= 0
    if (!(a > 0)) continue;
    double sse = 0;
    for (int n = 1; n <= points; ++n) {
      const double r = entropy[n] - h - a * x[n - 1];
      sse += r * r;
    }
    if (sse < best) {
      best = sse;
      *gamma = g;
      *entropy_limit = h;
      *amplitude = a;
      *rms = std::sqrt(sse / points);
    }
  }
  return std::isfinite(best);
}

bool MeasureConditionalEntropy(const std::vector<int>& train_tokens,
                               const std::vector<int>& heldout_tokens,
                               int vocab_size,
                               const ConditionalEntropyOptions& options,
                               ConditionalEntropyResult* result,
                               std::string* error) {
  if (!options.IsValid(error)) return false;
  if (vocab_size < 2 || vocab_size > 65536) {
    return Fail("vocab_size = " + std::to_string(vocab_size) + ": must be in [2, 65536]", error);
  }
  const std::size_t min_train = 100 * static_cast<std::size_t>(options.max_context);
  if (train_tokens.size() < min_train) {
    return Fail(std::to_string(train_tokens.size()) + " training tokens: need at least 100 x " +
                    "max_context = " + std::to_string(min_train),
                error);
  }
  const std::size_t min_heldout = static_cast<std::size_t>(options.max_context) +
                                  100 * static_cast<std::size_t>(options.jackknife_blocks);
  if (heldout_tokens.size() < min_heldout) {
    return Fail(std::to_string(heldout_tokens.size()) +
                    " held-out tokens: need at least max_context + 100 x jackknife_blocks = " +
                    std::to_string(min_heldout),
                error);
  }
  for (const std::vector<int>* tokens : {&train_tokens, &heldout_tokens}) {
    for (int t : *tokens) {
      if (t < 0 || t >= vocab_size)
        return Fail("token id " + std::to_string(t) + " outside [0, vocab_size)", error);
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
  input.model = "interpolated absolute-discounting n-gram models (D = " +
                Fixed(options.discount, 2) + ", uniform base over V = " +
                std::to_string(vocab_size) + ")";
  return FitConditionalEntropyCurve(input, options, result, error);
}

bool FitConditionalEntropyCurve(const EntropyCurveInput& input,
                                const ConditionalEntropyOptions& options,
                                ConditionalEntropyResult* result,
                                std::string* error) {
  const int blocks = static_cast<int>(input.block_loss.size());
  if (blocks < 2 || input.block_positions.size() != input.block_loss.size()) {
    return Fail("need at least 2 held-out blocks, with one position count per block", error);
  }
  const int orders = static_cast<int>(input.block_loss[0].size());
  std::size_t positions = 0;
  for (int b = 0; b < blocks; ++b) {
    if (static_cast<int>(input.block_loss[b].size()) != orders || input.block_positions[b] == 0)
      return Fail("block " + std::to_string(b) + " has a different order count or no positions",
                  error);
    positions += input.block_positions[b];
  }
  if (orders < 4) return Fail("H_n needs n = 0..3 at least (3 fit points)", error);
  if (!input.half_data_entropy.empty() &&
      static_cast<int>(input.half_data_entropy.size()) != orders) {
    return Fail("half_data_entropy has " + std::to_string(input.half_data_entropy.size()) +
                    " orders, the curve " + std::to_string(orders),
                error);
  }
  ConditionalEntropyResult r;
  r.train_tokens = input.train_tokens;
  r.heldout_positions = positions;
  r.entropy.assign(orders, 0.0);
  for (int n = 0; n < orders; ++n) {
    double total = 0;
    for (int b = 0; b < blocks; ++b) total += input.block_loss[b][n];
    r.entropy[n] = total / static_cast<double>(positions);
    if (!std::isfinite(r.entropy[n])) return Fail("H_" + std::to_string(n) + " is not finite", error);
  }
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
  r.fit_first_n = 1;
  r.fit_last_n = last;
  if (last < options.min_fit_points) {
    // What the whole curve would give, so that the reader sees what was refused.
    double g = 0, h = 0, a = 0, rms = 0;
    const bool whole = FitEntropyDecay(r.entropy, options, &g, &h, &a, &rms);
    return Fail("the fit window n = 1.." + std::to_string(last) + " has fewer than " +
                    std::to_string(options.min_fit_points) + " points (" +
                    (stop.empty() ? std::string("curve too short") : stop) + ")" +
                    (whole ? "; a fit over all n = 1.." + std::to_string(orders - 1) +
                                 " regardless would read gamma = " + Fixed(g, 3) + " (H_inf = " +
                                 Fixed(h, 3) + ", rms " + Fixed(rms, 4) + ")"
                           : std::string()),
                error);
  }
  const std::vector<double> window(r.entropy.begin(), r.entropy.begin() + last + 1);
  double gamma = 0;
  if (!FitEntropyDecay(window, options, &gamma, &r.entropy_limit, &r.amplitude, &r.fit_rms)) {
    return Fail("H_n does not decrease with n over [1, " + std::to_string(last) +
                    "]: no fit with A > 0",
                error);
  }
  r.gamma_at_grid_edge = gamma < options.gamma_min + 1.5 * options.gamma_step ||
                         gamma > options.gamma_max - 1.5 * options.gamma_step;
  std::vector<double> replicates;
  bool replicates_ok = true;
  for (int left_out = 0; left_out < blocks; ++left_out) {
    std::vector<double> curve(last + 1);
    const double count = static_cast<double>(positions - input.block_positions[left_out]);
    for (int n = 0; n <= last; ++n) {
      double total = 0;
      for (int b = 0; b < blocks; ++b)
        if (b != left_out) total += input.block_loss[b][n];
      curve[n] = total / count;
    }
    double g = 0, h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(curve, options, &g, &h, &a, &rms)) {
      replicates_ok = false;
      break;
    }
    replicates.push_back(g);
  }
  r.conditional_entropy_decay.value = gamma;
  r.conditional_entropy_decay.std_error =
      replicates_ok ? JackknifeError(replicates) : std::numeric_limits<double>::quiet_NaN();
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
      "; std error: delete-a-group jackknife over " + std::to_string(blocks) +
      " contiguous held-out blocks (held-out noise only; not training sample, smoothing or n "
      "range); n-gram H_n is an upper bound that loosens at large n";
  *result = std::move(r);
  return true;
}

void ConditionalEntropyResult::FillProfile(Profile* profile) const {
  profile->Set(Property::kConditionalEntropyDecay, conditional_entropy_decay);
}

}  // namespace scalebench
