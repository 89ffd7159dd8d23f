// Shared numerics for the spectral theories: a measured spectrum continued past the probe's
// reliable range, and the deterministic-equivalent fixed point
//
//   sum_k lambda_k / (lambda_k + t) + delta / t = n                                  (1)
//
// that every spectral theory in this tree reduces to (notation: lit-spectral 0.1, 2.5):
//   - kernel ridge regression on n = P samples with ridge delta (Simon et al.'s conservation
//     law; t = kappa_BCP / P);
//   - the best predictor in the span of n = N Gaussian random projections (delta = 0);
//   - the Maloney-Roberts-Sully linear random-feature model with n = min(N, T) (delta = 0).
// Not API: helpers for theories/ only, in scalebench::internal.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/format.h"  // Format(value), used by the theories that include this header
#include "theories/internal/interval.h"  // WithInterval, likewise (kept here for them)
#include "theories/theory.h"

namespace scalebench::internal {

// How a measured spectrum is continued past the modes a probe of n points resolves.
//
// Why: Gram/n eigenvalues on n probe points resolve only the top modes: beyond ~n/10 the sample
// eigenvalues are lifted by the unresolved tail, and the sample spectrum stops at n although the
// true one does not, while a requested P can reach ~n/2. So the modes k <= k_trust are kept,
// and beyond k_trust the spectrum is continued as the infinite power law
//   lambda_k = lambda_{k_trust} (k / k_trust)^-b,   p_k ~ k^-a   (k > k_trust),
// where
//   - b, a come from the profile (spectrum_decay, task_power_decay) when present, otherwise from
//     a least-squares fit over k in [k_trust/4, k_trust] (of log lambda_k, and of the tail sum
//     sum_{j>=k} p_j ~ k^-(a-1));
//   - the continued target power is normalised so that it sums to the measured remainder
//     sum_{k>k_trust} p_k (the sample's high modes absorb the true tail's power);
//   - modes k <= max_modes are explicit; the rest of the power law (b > 1, a > 1) is kept, by
//     its integral, as `far_trace` and `far_power`.
// Not chosen: stopping the continued eigenvalues where their sum reaches the measured remainder
// trace. On simulated Gaussian-design probes (d = 8192 and 65536 modes, n = 1000, b = 1.5,
// a = 2) the top sample eigenvalues absorb most of the tail's trace, the continuation stopped
// after ~1000-3000 modes and E_g(P = n/2) came out 30-50% low; the infinite power law from
// k_trust = n/10 stays within 8% of the true curve for P in [16, n/2] (slope 1.010 vs 1.009).
struct TailOptions {
  double trust_fraction = 0.1;          // k_trust = floor(trust_fraction * measured modes)
  std::size_t min_modes_for_tail = 32;  // shorter spectra are used as given (no continuation)
  std::size_t max_modes = 100000;       // explicit modes after continuation
};

// A spectrum ready for the sums of (1). Modes past the explicit ones are summarised: their
// eigenvalues are far below any t the solver meets, so they enter (1) as the ridge
// delta = far_trace, and their target power is never learned (it adds far_power to the error).
struct ModeSpectrum {
  std::vector<double> eigenvalues;   // lambda_k >= 0, decreasing
  std::vector<double> target_power;  // p_k, same length (zeros when the target is not used)
  double far_trace = 0.0;
  double far_power = 0.0;
  std::size_t positive_modes = 0;  // explicit modes with lambda_k > 0
  // Provenance for notes.
  std::size_t measured_modes = 0;
  std::size_t trusted_modes = 0;              // k_trust; == measured_modes when not continued
  std::optional<double> tail_spectrum_decay;  // b used for the continuation
  std::optional<double> tail_task_decay;      // a used for the continuation
  std::string description;                    // one line for a Prediction note

  double Trace() const;       // sum_k lambda_k + far_trace
  double TotalPower() const;  // sum_k p_k + far_power
};

// Builds a ModeSpectrum from measured series. `target_power` may be null (target not used).
// `b`, `a`: decays for the continuation (nullopt: fitted from the series). Returns false with
// a reason for a series the theories cannot use (empty, non-finite, mismatched lengths).
bool BuildModeSpectrum(const std::vector<double>& eigenvalues,
                       const std::vector<double>* target_power,
                       std::optional<double> b,
                       std::optional<double> a,
                       const TailOptions& options,
                       ModeSpectrum* out,
                       std::string* error);

// BuildModeSpectrum from a profile's series kEigenvalues (required) and kTargetPower (used when
// `use_target` and present), with b, a from kSpectrumDecay / kTaskPowerDecay when present.
bool ModeSpectrumFromProfile(const Profile& profile,
                             bool use_target,
                             const TailOptions& options,
                             ModeSpectrum* out,
                             std::string* error);

// The solution of (1) at one n, with the sums a theory needs at that t.
struct FixedPoint {
  double n = 0.0;
  double t = 0.0;                  // the effective ridge (Simon's kappa; BCP kappa = n t)
  double learned = 0.0;            // sum_k L_k, L_k = lambda_k / (lambda_k + t)
  double learned_sq = 0.0;         // sum_k L_k^2  (gamma = learned_sq / n)
  double residual_power = 0.0;     // sum_k p_k (1 - L_k) + far_power
  double residual_power_sq = 0.0;  // sum_k p_k (1 - L_k)^2 + far_power
  int iterations = 0;
};

// Solves (1) with delta = ridge + spectrum.far_trace for every n in `sizes` (any order; the
// result is in the same order). Safeguarded Newton in log t, warm-started along the sorted
// sizes, converged when the step is below 1e-12 relative in t. Returns false with a reason
// when an n is not positive, when delta = 0 and n >= the number of positive modes (the fixed
// point is t = 0: the spectrum is too short for that n), or on non-convergence.
bool SolveFixedPoints(const ModeSpectrum& spectrum,
                      const std::vector<double>& sizes,
                      double ridge,
                      std::vector<FixedPoint>* out,
                      std::string* error);

// Kernel-ridge generalisation error (Canatar et al. 2021; lit-spectral 2.2) at a fixed point:
// E_g = [sum_k p_k (1 - L_k)^2 + noise * gamma] / (1 - gamma), gamma = learned_sq / n.
double KernelGeneralizationError(const FixedPoint& point, double noise_variance);

// Maloney-Roberts-Sully loss (lit-spectral 1) from the fixed point at n = min(N, T) with no
// ridge: sigma_w^2 * max(N, T) / |N - T| * n * t, the factor being 1 when N or T is infinite.
// Precondition: N != T.
double MaloneyRobertsSullyLoss(const FixedPoint& point,
                               double features,
                               double samples,
                               double sigma_w2);

// Minus the least-squares slope of log(loss) on log(size): the effective exponent of a curve.
// Returns nullopt for fewer than two distinct sizes or a non-positive loss.
std::optional<double> EffectiveExponent(const std::vector<double>& sizes,
                                        const std::vector<double>& losses);

// The value of an optional scalar input, or nullopt when absent or not finite.
std::optional<double> OptionalScalar(const Profile& profile, Property property);

}  // namespace scalebench::internal
