// What the optimizer-aware theories (theories/optimizer/*.cc) share: the two power laws of the
// profile in unified notation (lit-spectral.md 0.1), the checks of the declared optimizer, and a
// 95% interval for a piecewise formula of (a, b). Not API: header-only helpers for this folder.
//
// Unified notation: b = spectrum_decay (lambda_k ~ k^-b), a = task_power_decay (p_k ~ k^-a).
// Paquette et al.'s PLRF parameters are alpha = b / 2, beta = (a - b) / 2; Bordelon et al.'s
// (a, b) are the unified ones; Lin et al.'s covariance degree is b and their prior's task-power
// degree is a (the isotropic prior of 2406.08466 is a = b).
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>

#include "common/format.h"
#include "theories/theory.h"

namespace scalebench::optimizer_internal {

using internal::Format;

// a, b and their standard errors (0 when unknown), read from the two declared inputs.
struct PowerLaws {
  double a = 0.0, b = 0.0;
  double se_a = 0.0, se_b = 0.0;
  double alpha() const { return b / 2.0; }
  double beta() const { return (a - b) / 2.0; }
};

inline PowerLaws ReadPowerLaws(const Profile& profile) {
  const Measurement& a = profile.Get(Property::kTaskPowerDecay);
  const Measurement& b = profile.Get(Property::kSpectrumDecay);
  const auto se = [](double s) { return std::isfinite(s) && s > 0 ? s : 0.0; };
  return {a.value, b.value, se(a.std_error), se(b.std_error)};
}

// The reason a learner is not SGD on the population risk of an MSE loss, or nullopt.
// `one_pass`: also require train_size = infinity (fresh samples every step).
inline std::optional<std::string> NotSgd(const LearnerSpec& learner, bool one_pass) {
  if (learner.optimizer.empty()) {
    return "no optimizer declared: the theory describes SGD training (a closed-form learner has "
           "no steps or compute)";
  }
  if (learner.optimizer != "sgd") {
    return "optimizer '" + learner.optimizer +
           "' is not plain SGD (the exponents are derived for SGD; momentum and adaptive methods "
           "change them)";
  }
  if (!(learner.learning_rate > 0) || !std::isfinite(learner.learning_rate)) {
    return "no positive learning rate declared";
  }
  if (learner.batch_size < 1) return "no batch size declared";
  if (one_pass && std::isfinite(learner.train_size)) {
    return "finite train_size " + Format(learner.train_size) +
           ": samples are reused, the theory is for one-pass SGD (every sample fresh)";
  }
  if (learner.loss != "excess_mse" && learner.loss != "mse") {
    return "loss '" + learner.loss + "' is not a squared error";
  }
  return std::nullopt;
}

// The SGD stability bound, read from the data trace when the profile has it: the Volterra kernel
// norm is at least gamma tr(K) / 2 with tr(K) ~ tr(D) for N(0, 1/d) features, so gamma tr >= 2
// diverges whatever the batch. nullopt when stable or the trace is unknown.
inline std::optional<std::string> Unstable(const Profile& profile, const LearnerSpec& learner) {
  if (!profile.Has(Property::kSpectrumTrace)) return std::nullopt;
  const double trace = profile.Get(Property::kSpectrumTrace).value;
  if (!(trace > 0) || !std::isfinite(trace)) return std::nullopt;
  if (learner.learning_rate * trace < 2.0) return std::nullopt;
  return "learning rate " + Format(learner.learning_rate) + " x data trace " + Format(trace) +
         " >= 2: above the SGD stability bound (the loss diverges)";
}

// A formula f(a, b) (nullopt where it does not apply) with a 95% interval: the range of f over a
// 9 x 9 grid of the box a -+ 1.96 se_a, b -+ 1.96 se_b, where it applies. The phase formulas are
// continuous across the boundaries they share, so a box across a boundary gives the union of
// both sides. No interval when both standard errors are 0.
inline Estimate BoxInterval(const PowerLaws& p,
                            double value,
                            const std::function<std::optional<double>(double, double)>& f) {
  Estimate e;
  e.value = value;
  if (p.se_a == 0 && p.se_b == 0) return e;
  double lo = value, hi = value;
  constexpr int kGrid = 9;
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid; ++j) {
      const double a = p.a + 1.96 * p.se_a * (2.0 * i / (kGrid - 1) - 1.0);
      const double b = p.b + 1.96 * p.se_b * (2.0 * j / (kGrid - 1) - 1.0);
      if (const std::optional<double> y = f(a, b); y && std::isfinite(*y)) {
        lo = std::min(lo, *y);
        hi = std::max(hi, *y);
      }
    }
  }
  e.lower = lo;
  e.upper = hi;
  return e;
}

}  // namespace scalebench::optimizer_internal
