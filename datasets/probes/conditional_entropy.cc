// Implementation of datasets/probes/conditional_entropy.h: the input checks, the raw and
// half-data modes of FitConditionalEntropyCurve, and the probe's own n-gram measurement.
#include "datasets/probes/conditional_entropy.h"

#include <cmath>
#include <limits>

#include "common/format.h"
#include "common/statistics.h"
#include "common/status.h"
#include "datasets/probes/probe_info.h"

namespace scalebench {
namespace {

using internal::Fail;
using internal::Fixed;
using internal::JackknifeError;
using internal::JoinFixed;

// The fit window of the raw and half-data modes, n = 1..last.
struct Window {
  int last = 0;
  std::string stop;         // why the converged window ends (empty: at the last n)
  std::string three_point;  // set when the three-point rule chose the window
};

// The half-data rule, the paper's own (the n where the trained model's loss has converged in
// P), used with the variable-context neural LM of the BPE targets. Point n is kept only while
//   H_n(half) - H_n(full) <= convergence_ratio x (H_{n-1}(full) - H_n(full)),
// i.e. halving the data moves H_n by less than a fraction of what context n adds (and H_n must
// still fall). Three-point rule (three_point_rule): where fewer than min_fit_points n have
// converged but n = 1, 2 have (and H_n still falls through n = 4, for the comparison fit), the
// first three points are fitted anyway, as Cagnetta et al. (2026) fitted WikiText. H_3 is then an
// upper bound still falling with the data: the gamma is a finite-data reading, not a converged
// one. Without a half-data curve the window is every n.
Window ChooseWindow(const ConditionalEntropyResult& r, const ConditionalEntropyOptions& options) {
  const int orders = static_cast<int>(r.entropy.size());
  Window w;
  w.last = orders - 1;
  for (int n = 1; n < orders && !r.half_data_entropy.empty(); ++n) {
    const double gain = r.entropy[n - 1] - r.entropy[n];
    if (!(gain > 0)) {
      w.last = n - 1, w.stop = "H_" + std::to_string(n) + " >= H_" + std::to_string(n - 1);
      break;
    }
    const double shift = r.half_data_entropy[n] - r.entropy[n];
    if (shift > options.convergence_ratio * gain) {
      w.last = n - 1;
      w.stop = "not converged at n = " + std::to_string(n) +
               ": halving the training data raises H_" + std::to_string(n) + " by " +
               Fixed(shift, 4) + " nats > " + Fixed(options.convergence_ratio, 2) + " x its gain " +
               Fixed(gain, 4);
      break;
    }
  }
  if (w.last < options.min_fit_points && options.three_point_rule && w.last >= 2 && orders > 4 &&
      r.entropy[3] < r.entropy[2] && r.entropy[4] < r.entropy[3]) {
    w.three_point = "converged window n = 1.." + std::to_string(w.last) + " (" + w.stop +
                    "), so the first three points are fitted, as Cagnetta et al. (2026) did on "
                    "WikiText";
    w.last = 3;
  }
  return w;
}

// The fit over the window into r (gamma returned), or an error that says what was refused and
// what a fit over the whole curve would have read.
bool FitWindow(const Window& w,
               const ConditionalEntropyOptions& options,
               ConditionalEntropyResult* r,
               double* gamma,
               std::string* error) {
  const int orders = static_cast<int>(r->entropy.size());
  r->fit_first_n = 1;
  r->fit_last_n = w.last;
  if (w.last < options.min_fit_points && w.three_point.empty()) {
    double g = 0, h = 0, a = 0, rms = 0;
    const bool whole = FitEntropyDecay(r->entropy, options, &g, &h, &a, &rms);
    std::string message = "the fit window n = 1.." + std::to_string(w.last) + " has fewer than " +
                          std::to_string(options.min_fit_points) + " points (" +
                          (w.stop.empty() ? std::string("curve too short") : w.stop) + ")";
    if (whole) {
      message += "; a fit over all n = 1.." + std::to_string(orders - 1) +
                 " regardless would read gamma = " + Fixed(g, 3) + " (H_inf = " + Fixed(h, 3) +
                 ", rms " + Fixed(rms, 4) + ")";
    }
    return Fail(error, message);
  }
  const std::vector<double> window(r->entropy.begin(), r->entropy.begin() + w.last + 1);
  if (!FitEntropyDecay(window, options, gamma, &r->entropy_limit, &r->amplitude, &r->fit_rms)) {
    return Fail(
        error,
        "H_n does not decrease with n over [1, " + std::to_string(w.last) + "]: no fit with A > 0");
  }
  r->gamma_at_grid_edge = *gamma < options.gamma_min + 1.5 * options.gamma_step ||
                          *gamma > options.gamma_max - 1.5 * options.gamma_step;
  return true;
}

// The parts of the standard error: the delete-a-block jackknife over the held-out blocks (NaN
// when a replicate has no fit); with a half-data curve, the half-data shift |gamma - gamma'|
// (gamma' the same fit through the half-data H_n: how far gamma still moves with the amount of
// data, which the held-out jackknife cannot see); with the three-point rule also the paper's
// error for a three-point window, the change when the fourth point joins, in quadrature.
bool SystematicTerms(const EntropyCurveInput& input,
                     const Window& w,
                     const ConditionalEntropyOptions& options,
                     double gamma,
                     ConditionalEntropyResult* r,
                     double* four_point_gamma,
                     std::string* error) {
  const int blocks = static_cast<int>(input.block_loss.size());
  std::vector<double> replicates;
  bool replicates_ok = true;
  for (int left_out = 0; left_out < blocks; ++left_out) {
    std::vector<double> curve = MeanCurve(input.block_loss, input.block_positions, left_out);
    curve.resize(w.last + 1);
    double g = 0, h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(curve, options, &g, &h, &a, &rms)) {
      replicates_ok = false;
      break;
    }
    replicates.push_back(g);
  }
  if (!r->half_data_entropy.empty()) {
    const std::vector<double> half(r->half_data_entropy.begin(),
                                   r->half_data_entropy.begin() + w.last + 1);
    double h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(half, options, &r->systematic_gamma, &h, &a, &rms)) {
      return Fail(error,
                  "the half-data H_n does not decrease over [1, " + std::to_string(w.last) +
                      "]: no systematic term");
    }
    r->systematic_error = std::abs(gamma - r->systematic_gamma);
  }
  *four_point_gamma = std::numeric_limits<double>::quiet_NaN();
  if (!w.three_point.empty()) {
    const std::vector<double> four(r->entropy.begin(), r->entropy.begin() + 5);
    double h = 0, a = 0, rms = 0;
    if (!FitEntropyDecay(four, options, four_point_gamma, &h, &a, &rms)) {
      return Fail(error, "H_n does not decrease over [1, 4]: no four-point comparison fit");
    }
    r->systematic_error = std::hypot(r->systematic_error, gamma - *four_point_gamma);
  }
  r->jackknife_error =
      replicates_ok ? JackknifeError(replicates) : std::numeric_limits<double>::quiet_NaN();
  return true;
}

// The method string of the raw and half-data modes.
std::string MethodText(const EntropyCurveInput& input,
                       const ConditionalEntropyOptions& options,
                       const Window& w,
                       double four_point_gamma,
                       const ConditionalEntropyResult& r) {
  const bool half = !r.half_data_entropy.empty();
  const std::string blocks = std::to_string(input.block_loss.size());
  std::string text = "H_n = held-out cross-entropy (nats/token) of " + input.model +
                     " for n = 0.." + std::to_string(r.entropy.size() - 1) + ", trained on " +
                     std::to_string(input.train_tokens) + " tokens, evaluated on " +
                     std::to_string(r.heldout_positions) +
                     " held-out positions; least-squares fit H_n = H_inf + A n^-gamma over n in "
                     "[1, " +
                     std::to_string(w.last) + "]";
  if (half) {
    text += " (window end: " + (w.stop.empty() ? std::string("last n") : w.stop) +
            "; convergence checked against a model on half the training tokens)";
  }
  text += " ";  // (not " " + ...: GCC 12 reports a false -Wrestrict on it)
  text += DecayFitText(options, r);
  if (!half) {
    text += "; std error: delete-a-group jackknife over " + blocks +
            " contiguous held-out blocks (held-out noise only; not training sample, smoothing or "
            "n range)";
  } else {
    text += "; std error " + Fixed(r.conditional_entropy_decay.std_error, 4) +
            " = delete-a-group jackknife over " + blocks + " contiguous held-out blocks " +
            Fixed(r.jackknife_error, 4) + " (+) half-data shift |gamma - " +
            Fixed(r.systematic_gamma, 3) + "|";
    if (!w.three_point.empty())
      text += " (+) four-point shift |gamma - " + Fixed(four_point_gamma, 3) + "|";
    text += " = systematic " + Fixed(r.systematic_error, 4) +
            " (not the model family or n beyond the window)";
  }
  if (!w.three_point.empty()) text += "; " + w.three_point;
  text += "; H_n: raw values [" + JoinFixed(r.entropy, 4) + "]";
  if (half) text += ", half data [" + JoinFixed(r.half_data_entropy, 4) + "]";
  return text + "; a model's H_n is an upper bound on the true one that loosens at large n";
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
    if (!FitExtrapolatedCurve(input, options, &r, error)) return false;
    *result = std::move(r);
    return true;
  }
  r.jackknife_error = r.systematic_error = r.systematic_gamma =
      std::numeric_limits<double>::quiet_NaN();
  r.half_data_entropy = input.half_data_entropy;
  const Window window = ChooseWindow(r, options);
  double gamma = 0, four_point_gamma = 0;
  if (!FitWindow(window, options, &r, &gamma, error)) return false;
  if (!SystematicTerms(input, window, options, gamma, &r, &four_point_gamma, error)) return false;
  r.conditional_entropy_decay.value = gamma;
  r.conditional_entropy_decay.std_error = r.half_data_entropy.empty()
                                              ? r.jackknife_error
                                              : std::hypot(r.jackknife_error, r.systematic_error);
  r.conditional_entropy_decay.method = MethodText(input, options, window, four_point_gamma, r);
  *result = std::move(r);
  return true;
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

ProbeInfo ConditionalEntropyProbeInfo() {
  return {"conditional_entropy",
          "datasets/probes/conditional_entropy.h",
          "training and held-out token streams, or a model's held-out losses by context length",
          "H_n = H_inf + A n^-gamma fitted over the trusted window of n (n-gram models, "
          "extrapolation in the data size or the half-data rule); jackknife (+) systematic error",
          {Property::kConditionalEntropyDecay},
          {}};
}

}  // namespace scalebench
