// Implementation of datasets/probes/rhm_entropy.h.
#include "datasets/probes/rhm_entropy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "common/format.h"
#include "common/statistics.h"
#include "common/status.h"
#include "datasets/generators/random.h"
#include "datasets/probes/correlation_probe.h"
#include "datasets/probes/probe_info.h"

namespace scalebench {

using internal::Fail;
using internal::Fixed;
using internal::JackknifeError;
using internal::JoinFixed;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct DecayFit {
  double gamma = kNaN, limit = 0.0, amplitude = 0.0, rms = 0.0;
};

// FitEntropyDecayAt (the grid fit at arbitrary abscissae t), then refined by golden section
// within one grid step, so that the jackknife replicates are not quantised to the grid.
DecayFit FitFreeLimit(const std::vector<double>& t,
                      const std::vector<double>& h,
                      const ConditionalEntropyOptions& grid) {
  DecayFit best;
  if (!FitEntropyDecayAt(t, h, grid, &best.gamma, &best.limit, &best.amplitude, &best.rms)) {
    return DecayFit{};
  }
  const double n = static_cast<double>(t.size());
  double limit = 0, amplitude = 0;
  const double best_sse = FitEntropyDecayAtGamma(t, h, best.gamma, &limit, &amplitude);
  const double golden = 0.5 * (std::sqrt(5.0) - 1);
  double lo = std::max(grid.gamma_min, best.gamma - grid.gamma_step);
  double hi = std::min(grid.gamma_max, best.gamma + grid.gamma_step);
  for (int iteration = 0; iteration < 60; ++iteration) {
    const double a = hi - golden * (hi - lo), b = lo + golden * (hi - lo);
    if (FitEntropyDecayAtGamma(t, h, a, &limit, &amplitude) <
        FitEntropyDecayAtGamma(t, h, b, &limit, &amplitude)) {
      hi = b;
    } else {
      lo = a;
    }
  }
  const double gamma = 0.5 * (lo + hi);
  const double sse = FitEntropyDecayAtGamma(t, h, gamma, &limit, &amplitude);
  if (!(sse <= best_sse)) return best;
  return DecayFit{gamma, limit, amplitude, std::sqrt(sse / n)};
}

// H - limit = A t^-gamma with the limit given: minus the LS slope of log(H - limit) on log t
// (NaN unless every excess is positive).
double FitFixedLimit(const std::vector<double>& t, const std::vector<double>& h, double limit) {
  const double n = static_cast<double>(t.size());
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (!(h[k] > limit)) return kNaN;
    mx += std::log(t[k]) / n, my += std::log(h[k] - limit) / n;
  }
  double sxx = 0, sxy = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    const double dx = std::log(t[k]) - mx;
    sxx += dx * dx, sxy += dx * (std::log(h[k] - limit) - my);
  }
  return -sxy / sxx;
}

// Every fit of one curve H_t, t = 0..T-1.
struct CurveFits {
  std::vector<double> plateau_entropy;
  DecayFit free_limit;
  double exact_limit = kNaN, first_t = kNaN;
};

CurveFits FitCurve(const std::vector<double>& entropy,
                   const std::vector<int>& starts,
                   const ConditionalEntropyOptions& grid) {
  const int length = static_cast<int>(entropy.size()), base = starts.size() > 1 ? starts[1] : 2;
  CurveFits fits;
  std::vector<double> t, first;
  for (int start : starts) {
    const int end = std::min(length, start * base);  // exclusive
    double mean = 0;
    for (int u = start; u < end; ++u) mean += entropy[u] / (end - start);
    fits.plateau_entropy.push_back(mean);
    t.push_back(start);
    first.push_back(entropy[start]);
  }
  fits.free_limit = FitFreeLimit(t, fits.plateau_entropy, grid);
  fits.exact_limit = FitFixedLimit(t, fits.plateau_entropy, entropy.back());
  fits.first_t = FitFreeLimit(t, first, grid).gamma;
  return fits;
}

// Per-block sums of the per-sample entropies, for the curve and its jackknife replicates.
struct Accumulator {
  std::vector<std::vector<double>> block_entropy;  // [block][t]
  std::vector<double> sum, sum_squares, log_loss;  // [t]
  std::vector<std::size_t> block_samples;
};

void SampleEntropies(const RandomHierarchy& rhm,
                     const RhmEntropyOptions& options,
                     Accumulator* acc) {
  const int length = rhm.sequence_length(), blocks = options.jackknife_blocks;
  acc->block_entropy.assign(blocks, std::vector<double>(length, 0.0));
  acc->sum.assign(length, 0.0);
  acc->sum_squares.assign(length, 0.0);
  acc->log_loss.assign(length, 0.0);
  acc->block_samples.assign(blocks, 0);
  RhmPosterior posterior(rhm);
  Xoshiro256pp rng(options.seed);
  std::vector<int> tokens;
  std::vector<double> law;
  const int last = length - 1;
  for (std::size_t i = 0; i < options.samples; ++i) {
    const std::size_t block = i * blocks / options.samples;
    tokens.clear();
    rhm.Sample(rng, &tokens);
    posterior.Clear();
    for (int t = 0; t < length; ++t) {
      if (t > 0) posterior.Observe(last - t, tokens[last - t]);
      posterior.Conditional(last, &law);
      const double h = EntropyNats(law);
      acc->block_entropy[block][t] += h;
      acc->sum[t] += h;
      acc->sum_squares[t] += h * h;
      acc->log_loss[t] -= std::log(law[tokens[last]]);
    }
    ++acc->block_samples[block];
  }
}

// values[k] - values[k + 1].
std::vector<double> Drops(const std::vector<double>& values) {
  std::vector<double> drops;
  for (std::size_t k = 0; k + 1 < values.size(); ++k) drops.push_back(values[k] - values[k + 1]);
  return drops;
}

}  // namespace

RhmPosterior::RhmPosterior(const RandomHierarchy& rhm)
    : rhm_(&rhm),
      depth_(rhm.options().depth),
      branching_(rhm.options().branching),
      vocab_(rhm.options().vocab),
      rules_(rhm.options().rules) {
  std::size_t nodes = 0, width = 1;
  for (int level = 0; level <= depth_; ++level) {
    first_node_.push_back(nodes);
    nodes += width;
    width *= static_cast<std::size_t>(branching_);
  }
  inside_.assign(nodes * vocab_, 1.0);
  log_scale_.assign(nodes, 0.0);
  observed_.assign(nodes, 0);
}

void RhmPosterior::Clear() {
  std::fill(inside_.begin(), inside_.end(), 1.0);  // every symbol yields some leaves: P = 1
  std::fill(log_scale_.begin(), log_scale_.end(), 0.0);
  std::fill(observed_.begin(), observed_.end(), 0);
}

void RhmPosterior::UpdateNode(int level, int index) {
  const std::size_t node = Node(level, index);
  int observed = 0;
  double log_scale = 0;
  for (int j = 0; j < branching_; ++j) {
    observed += observed_[Node(level + 1, index * branching_ + j)];
    log_scale += log_scale_[Node(level + 1, index * branching_ + j)];
  }
  observed_[node] = observed;
  double* out = Inside(level, index);
  if (observed == 0) {
    std::fill(out, out + vocab_, 1.0);
    log_scale_[node] = 0.0;
    return;
  }
  double largest = 0;
  for (int a = 0; a < vocab_; ++a) {
    double total = 0;
    for (int r = 0; r < rules_; ++r) {
      const int* rhs = rhm_->Rule(level, a, r);
      double product = 1;
      for (int j = 0; j < branching_; ++j)
        product *= Inside(level + 1, index * branching_ + j)[rhs[j]];
      total += product;
    }
    out[a] = total / rules_;
    largest = std::max(largest, out[a]);
  }
  if (!(largest > 0)) {  // impossible observations
    log_scale_[node] = -std::numeric_limits<double>::infinity();
    return;
  }
  for (int a = 0; a < vocab_; ++a) out[a] /= largest;
  log_scale_[node] = log_scale + std::log(largest);
}

void RhmPosterior::Observe(int position, int token) {
  double* leaf = Inside(depth_, position);
  for (int x = 0; x < vocab_; ++x) leaf[x] = token < 0 || x == token ? 1.0 : 0.0;
  observed_[Node(depth_, position)] = token < 0 ? 0 : 1;
  int index = position;
  for (int level = depth_ - 1; level >= 0; --level) {
    index /= branching_;
    UpdateNode(level, index);
  }
}

double RhmPosterior::LogEvidence() const {
  const double* root = Inside(0, 0);
  const double total = std::accumulate(root, root + vocab_, 0.0) / vocab_;
  return total > 0 ? std::log(total) + log_scale_[0] : -std::numeric_limits<double>::infinity();
}

void RhmPosterior::Conditional(int position, std::vector<double>* law) const {
  // outside(b) of the path's node at each level, up to a constant: the root's law is uniform;
  // a child's is sum_a outside(a) sum_{r: child j of rule r is b} prod_{j' != j} inside_{j'}.
  std::vector<double> outside(vocab_, 1.0), next(vocab_);
  int span = rhm_->sequence_length(), index = 0;
  for (int level = 0; level < depth_; ++level) {
    span /= branching_;
    const int j = (position / span) % branching_;
    std::fill(next.begin(), next.end(), 0.0);
    for (int a = 0; a < vocab_; ++a) {
      if (outside[a] == 0) continue;
      for (int r = 0; r < rules_; ++r) {
        const int* rhs = rhm_->Rule(level, a, r);
        double product = outside[a];
        for (int k = 0; k < branching_; ++k) {
          if (k != j) product *= Inside(level + 1, index * branching_ + k)[rhs[k]];
        }
        next[rhs[j]] += product;
      }
    }
    const double total = std::accumulate(next.begin(), next.end(), 0.0);
    for (int b = 0; b < vocab_; ++b) outside[b] = total > 0 ? next[b] / total : 0.0;
    index = index * branching_ + j;
  }
  *law = std::move(outside);
}

double EntropyNats(const std::vector<double>& law) {
  double h = 0;
  for (double p : law) {
    if (p > 0) h -= p * std::log(p);
  }
  return h;
}

std::vector<double> ExactPositionalCorrelation(const RandomHierarchy& rhm) {
  const int length = rhm.sequence_length(), v = rhm.options().vocab, last = length - 1;
  RhmPosterior posterior(rhm);
  std::vector<double> sigma, law, last_law;
  posterior.Conditional(last, &last_law);
  for (int t = 1; t < length; ++t) {
    const int other = last - t;
    std::vector<double> other_law;
    posterior.Conditional(other, &other_law);
    std::vector<double> covariance(static_cast<std::size_t>(v) * v);
    for (int a = 0; a < v; ++a) {
      posterior.Observe(other, a);
      posterior.Conditional(last, &law);
      for (int b = 0; b < v; ++b) covariance[a * v + b] = other_law[a] * (law[b] - last_law[b]);
    }
    posterior.Observe(other, -1);
    sigma.push_back(TopSingularValue(covariance, v, v));
  }
  return sigma;
}

double PlateauDecay(const std::vector<double>& sigma,
                    int base,
                    std::vector<double>* plateau_means) {
  if (base < 2) return kNaN;
  const int length = static_cast<int>(sigma.size()) + 1;
  std::vector<double> t, means;
  for (int start = 1; start < length; start *= base) {
    const int end = std::min(length, start * base);  // exclusive
    double mean = 0;
    for (int u = start; u < end; ++u) mean += sigma[u - 1] / (end - start);
    t.push_back(start);
    means.push_back(mean);
  }
  if (plateau_means != nullptr) *plateau_means = means;
  return t.size() >= 2 ? FitFixedLimit(t, means, 0.0) : kNaN;
}

bool RhmEntropyOptions::IsValid(std::string* error) const {
  if (jackknife_blocks < 2) {
    return Fail(error,
                "RhmEntropyOptions.jackknife_blocks = " + std::to_string(jackknife_blocks) +
                    ": must be >= 2");
  }
  if (samples < 10 * static_cast<std::size_t>(jackknife_blocks)) {
    return Fail(error,
                "RhmEntropyOptions.samples = " + std::to_string(samples) +
                    ": must be >= 10 x jackknife_blocks");
  }
  return fit.IsValid(error);
}

std::string RhmEntropyResult::Table() const {
  std::string out;
  for (std::size_t t = 0; t < entropy.size(); ++t) {
    out += (t > 0 ? ", " : "") + std::to_string(t) + ": " + Fixed(entropy[t], 4) + " +- " +
           Fixed(std_error[t], 4);
  }
  return out;
}

void RhmEntropyResult::FillProfile(Profile* profile) const {
  profile->Set(Property::kConditionalEntropyDecay, conditional_entropy_decay);
}

bool MeasureRhmConditionalEntropy(const RandomHierarchy& rhm,
                                  const RhmEntropyOptions& options,
                                  RhmEntropyResult* result,
                                  std::string* error) {
  if (!options.IsValid(error)) return false;
  const RandomHierarchyOptions& grammar = rhm.options();
  const int length = rhm.sequence_length(), s = grammar.branching;
  if (grammar.depth < 3) {
    return Fail(error,
                "depth = " + std::to_string(grammar.depth) +
                    ": the plateau fit needs 3 tree levels (t = 1, s, s^2)");
  }
  if (2.0 * length * grammar.vocab > double(1 << 24)) {
    return Fail(error,
                "2 s^L v = " + Fixed(2.0 * length * grammar.vocab, 0) +
                    " node-symbol pairs: more than 2^24 for the dense inside vectors");
  }
  Accumulator acc;
  SampleEntropies(rhm, options, &acc);
  RhmEntropyResult r;
  r.sequence_length = length;
  r.samples = options.samples;
  const double n = static_cast<double>(options.samples);
  for (int t = 0; t < length; ++t) {
    const double mean = acc.sum[t] / n;
    r.entropy.push_back(mean);
    r.std_error.push_back(std::sqrt(std::max(0.0, acc.sum_squares[t] / n - mean * mean) / (n - 1)));
    r.log_loss.push_back(acc.log_loss[t] / n);
  }
  r.marginal_entropy = EntropyNats(rhm.LeafMarginal(length - 1));
  for (int start = 1; start < length; start *= s) r.plateau_start.push_back(start);
  const CurveFits fits = FitCurve(r.entropy, r.plateau_start, options.fit);
  if (!std::isfinite(fits.free_limit.gamma)) {
    return Fail(error,
                "the plateau means " + JoinFixed(fits.plateau_entropy, 4) +
                    " admit no decaying fit H_inf + A t^-gamma (A > 0) on the gamma grid");
  }
  r.plateau_entropy = fits.plateau_entropy;
  r.entropy_limit = fits.free_limit.limit;
  r.amplitude = fits.free_limit.amplitude;
  r.fit_rms = fits.free_limit.rms;
  const ConditionalEntropyOptions& grid = options.fit;
  r.gamma_at_grid_edge = fits.free_limit.gamma < grid.gamma_min + 1.5 * grid.gamma_step ||
                         fits.free_limit.gamma > grid.gamma_max - 1.5 * grid.gamma_step;
  // Jackknife: the curve without one block of samples, refitted.
  std::vector<double> free_replicates, exact_replicates, first_replicates;
  for (std::size_t left_out = 0; left_out < acc.block_samples.size(); ++left_out) {
    std::vector<double> curve(length);
    const double count = n - static_cast<double>(acc.block_samples[left_out]);
    for (int t = 0; t < length; ++t)
      curve[t] = (acc.sum[t] - acc.block_entropy[left_out][t]) / count;
    const CurveFits replicate = FitCurve(curve, r.plateau_start, grid);
    free_replicates.push_back(replicate.free_limit.gamma);
    exact_replicates.push_back(replicate.exact_limit);
    first_replicates.push_back(replicate.first_t);
  }
  r.conditional_entropy_decay.value = fits.free_limit.gamma;
  const double monte_carlo_error = JackknifeError(free_replicates);
  r.exact_limit_gamma.value = fits.exact_limit;
  r.exact_limit_gamma.std_error = JackknifeError(exact_replicates);
  r.exact_limit_gamma.method = "H_inf fixed at H_" + std::to_string(length - 1) + " = " +
                               Fixed(r.entropy.back(), 4) +
                               "; minus the log-log LS slope of (plateau mean - H_inf) on t";
  r.first_t_gamma.value = fits.first_t;
  r.first_t_gamma.std_error = JackknifeError(first_replicates);
  r.first_t_gamma.method = "each plateau's H at its first t, H_inf free";
  {
    double g = kNaN, h = 0, a = 0, rms = 0;
    r.every_t_gamma = FitEntropyDecay(r.entropy, grid, &g, &h, &a, &rms) ? g : kNaN;
  }
  // The Monte-Carlo error alone is far smaller than the disagreement between equally defensible
  // free-limit readings of a staircase (plateau means, plateau starts, every t), so the SE adds
  // half their range in quadrature: the interval then covers the choice of points, not only the
  // sampling.
  double low = fits.free_limit.gamma, high = low;
  for (double g : {fits.first_t, r.every_t_gamma}) {
    if (std::isfinite(g)) low = std::min(low, g), high = std::max(high, g);
  }
  const double choice_error = 0.5 * (high - low);
  r.conditional_entropy_decay.std_error = std::hypot(monte_carlo_error, choice_error);
  const std::string base = std::to_string(s);
  r.conditional_entropy_decay.method =
      "positional: entropy of the last token of a sequence given its t predecessors within the "
      "sequence, computed exactly from the known grammar (inside algorithm; the counterpart of "
      "the positional beta), Monte Carlo over " +
      std::to_string(options.samples) + " sequences of " + std::to_string(length) +
      "; one point per plateau t in [" + base + "^k, " + base +
      "^(k+1) - 1] (its mean H at its first t): " + JoinFixed(r.plateau_entropy, 4) +
      "; H = H_inf + A t^-gamma by LS (gamma grid, refined): H_inf = " + Fixed(r.entropy_limit, 4) +
      ", A = " + Fixed(r.amplitude, 4) + ", rms " + Fixed(r.fit_rms, 5) +
      (r.entropy_limit > 0 ? std::string()
                           : " (H_inf at its bound 0: no free-limit power law fits the drops " +
                                 JoinFixed(Drops(r.plateau_entropy), 4) +
                                 " between plateaus; in effect a pure power law A t^-gamma)") +
      (r.gamma_at_grid_edge ? " (gamma at the grid edge)" : "") + "; exact-limit variant (" +
      r.exact_limit_gamma.method + "): " + Fixed(r.exact_limit_gamma.value, 3) + " +- " +
      Fixed(r.exact_limit_gamma.std_error, 3) + "; first-t variant " +
      Fixed(r.first_t_gamma.value, 3) + " +- " + Fixed(r.first_t_gamma.std_error, 3) +
      "; FitEntropyDecay over every t = 1.." + std::to_string(length - 1) + " (a staircase) " +
      Fixed(r.every_t_gamma, 3) + "; SE " + Fixed(r.conditional_entropy_decay.std_error, 3) +
      " = " + std::to_string(options.jackknife_blocks) +
      "-block jackknife over the samples (Monte-Carlo noise) " + Fixed(monte_carlo_error, 4) +
      " (+) half the range of the three free-limit variants (choice of points) " +
      Fixed(choice_error, 4) + "; H_t +- SE (nats), t = 0.." + std::to_string(length - 1) + ": " +
      r.Table() + "; exact H_0 = " + Fixed(r.marginal_entropy, 4);
  *result = std::move(r);
  return true;
}

ProbeInfo RhmEntropyProbeInfo() {
  return {"rhm_entropy",
          "datasets/probes/rhm_entropy.h",
          "a Random Hierarchy Model grammar (exact inference; sampled sequences)",
          "exact positional conditional entropy H_t of the last token, one point per tree level, "
          "H = H_inf + A t^-gamma; Monte-Carlo jackknife (+) the spread of the point choices",
          {Property::kConditionalEntropyDecay},
          {}};
}

}  // namespace scalebench
