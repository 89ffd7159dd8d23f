// The phase map of Paquette, Paquette, Xiao & Pennington 2024 ("4+3 Phases of Compute-Optimal
// Neural Scaling Laws", NeurIPS, arXiv:2405.15074) as pure functions of (alpha, beta), for
// theories/optimizer/paquette_phases.cc and its tests. Header-only; not API.
//
// Sources: lit-spectral.md 3.1 (rows Ia, II, III from the authors' notebook [C], re-derived [D])
// and anchors-2026.md 2.1 (the paper's proposition titles for Ib and Ic [P-abs]; the digest's
// "IV" row is the Ic balance; Phase IV is 2 beta > 1, 1/4 < alpha < 1/2). Compute f = d B r
// (flops of r steps of batch B at width d); d* ~ f^xi, P* ~ f^-eta.
//
//   phase  region                                  balanced terms         xi eta Ia     2beta < 1 <
//   2alpha                      F_pp vs F_0            1/(2alpha+1) (2alpha+2beta-1)/(2alpha+1) II
//   1 < 2beta, beta < alpha                 F_pp vs F_ac           beta/(alpha+beta)
//   (2alpha+2beta-1)/(2(alpha+beta)) III    1 < 2beta, alpha < beta, 1 < 2alpha     K_pp (SGD
//   noise) vs F_ac  1/2                   1 - 1/(4alpha) Ib     2beta < 1, 2alpha < 1, 1 <
//   2(alpha+beta)  F_pp (gamma ~ d^(2alpha-1)) vs F_0  1/2       alpha + beta - 1/2 Ic     1 <
//   2beta, alpha < 1/4                  F_pp vs F_0 = d^-2alpha
//   [2-2alpha+4alpha^2/(2alpha+2beta-1)]^-1  2 alpha xi IV     1 < 2beta, 1/4 < alpha < 1/2 not
//   transcribed (see below)
//
// Ib is proved for alpha > 1/4 and believed below (the paper's words); Ic assumes the paper's
// Theorem 5.1 extends to alpha < 1/4. The formulas agree on the shared boundaries: at beta = 1/2
// Ia = II (xi = 1/(2alpha+1)), at beta = alpha II = III (xi = 1/2, eta = 1 - 1/(4alpha)), at
// alpha = 1/2 Ia = Ib, at beta = 1/2 Ib = Ic (xi = 1/2, eta = alpha).
//
// Steps exponent at fixed d: the exponent in r of the term that the compute-optimal point
// balances against the capacity-like term (the term that decays along the frontier):
// F_pp(r) ~ r^-(2alpha+2beta-1)/(2alpha) in Ia, Ib, Ic and II; the SGD-noise kernel
// K_pp(r) ~ r^-(2 - 1/(2alpha)) in III. In II and III the curve at a fixed d later crosses to
// F_ac ~ d^-1 r^-(1 - 1/(2alpha)) before it reaches its limit level.
//
// Phase IV candidates (derived here [D], for the measured Phase IV points to decide):
//   A  F_pp vs F_0 = d^-2alpha, SGD noise ignored (the notebook row, = the Ic formula):
//      xi = [2 - 2alpha + 4alpha^2/(2alpha+2beta-1)]^-1, eta = 2 alpha xi;
//   B  SGD noise vs F_0: with gamma ~ d^(2alpha-1) the noise term gamma (gamma r)^-(2-1/(2alpha))
//      overtakes F_pp before the limit level whenever 2beta > 1 and meets F_0 = d^-2alpha at
//      r ~ d: xi = 1/2, eta = alpha.
#pragma once

#include <optional>
#include <string>

namespace scalebench::optimizer_internal {

enum class PlrfPhase { kIa, kIb, kIc, kII, kIII, kIV };

inline const char* ToString(PlrfPhase phase) {
  switch (phase) {
    case PlrfPhase::kIa:
      return "Ia";
    case PlrfPhase::kIb:
      return "Ib";
    case PlrfPhase::kIc:
      return "Ic";
    case PlrfPhase::kII:
      return "II";
    case PlrfPhase::kIII:
      return "III";
    case PlrfPhase::kIV:
      return "IV";
  }
  return "unknown";
}

// Precondition: alpha > 0 and 2(alpha + beta) > 1 (a finite target power). Boundaries go to the
// phase on their lower side (both sides agree there).
inline PlrfPhase ClassifyPhase(double alpha, double beta) {
  if (2.0 * alpha >= 1.0) {
    if (2.0 * beta <= 1.0) return PlrfPhase::kIa;
    return beta <= alpha ? PlrfPhase::kII : PlrfPhase::kIII;
  }
  if (2.0 * beta <= 1.0) return PlrfPhase::kIb;
  return alpha <= 0.25 ? PlrfPhase::kIc : PlrfPhase::kIV;
}

struct PhaseExponents {
  PlrfPhase phase = PlrfPhase::kIa;
  double xi = 0.0;     // d* ~ f^xi
  double eta = 0.0;    // P* ~ f^-eta
  double steps = 0.0;  // P(r) - P(infinity) ~ r^-steps at fixed d
  const char* balance = "";
};

// The noise-free F_pp vs F_0 = d^-2alpha balance (Phase Ic; candidate A in Phase IV).
inline double CapacityBalanceXi(double alpha, double beta) {
  return 1.0 / (2.0 - 2.0 * alpha + 4.0 * alpha * alpha / (2.0 * alpha + 2.0 * beta - 1.0));
}

// The exponents of the phase of (alpha, beta); nullopt in Phase IV (not transcribed).
inline std::optional<PhaseExponents> PhaseMap(double alpha, double beta) {
  const double pure_point = (2.0 * alpha + 2.0 * beta - 1.0) / (2.0 * alpha);
  PhaseExponents e;
  e.phase = ClassifyPhase(alpha, beta);
  e.steps = pure_point;
  switch (e.phase) {
    case PlrfPhase::kIa:
      e.xi = 1.0 / (2.0 * alpha + 1.0);
      e.eta = (2.0 * alpha + 2.0 * beta - 1.0) / (2.0 * alpha + 1.0);
      e.balance = "F_pp vs F_0";
      return e;
    case PlrfPhase::kII:
      e.xi = beta / (alpha + beta);
      e.eta = (2.0 * alpha + 2.0 * beta - 1.0) / (2.0 * (alpha + beta));
      e.balance = "F_pp vs F_ac";
      return e;
    case PlrfPhase::kIII:
      e.xi = 0.5;
      e.eta = 1.0 - 1.0 / (4.0 * alpha);
      e.steps = 2.0 - 1.0 / (2.0 * alpha);
      e.balance = "SGD noise K_pp vs F_ac";
      return e;
    case PlrfPhase::kIb:
      e.xi = 0.5;
      e.eta = alpha + beta - 0.5;
      e.balance = "F_pp (gamma ~ d^(2alpha-1)) vs F_0";
      return e;
    case PlrfPhase::kIc:
      e.xi = CapacityBalanceXi(alpha, beta);
      e.eta = 2.0 * alpha * e.xi;
      e.balance = "F_pp (gamma ~ d^(2alpha-1)) vs F_0 = d^-2alpha";
      return e;
    case PlrfPhase::kIV:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace scalebench::optimizer_internal
