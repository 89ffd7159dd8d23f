// The decay fit of the conditional-entropy probes: H = H_inf + A t^-gamma through points
// (t, H), by a grid over gamma with H_inf and A from linear least squares at each gamma. Used by
// conditional_entropy.h (t = n = 1..K) and rhm_entropy.h (t = 1, s, s^2, ..., one point per
// tree level).
//
// Usage:
//   double gamma, limit, amplitude, rms;
//   if (FitEntropyDecay(entropy, ConditionalEntropyOptions{}, &gamma, &limit, &amplitude, &rms))
//     ...;  // entropy[0] (n = 0) is not fitted
//
// WARNING: H_inf is clamped to >= 0; a fit that ends at the bound is in effect a pure power law
// (DecayFitText says so in the method string).
#pragma once

#include <string>
#include <vector>

#include "datasets/probes/entropy_curve.h"

namespace scalebench {

// Fits H_n = H_inf + A n^-gamma to entropy[1..] (entropy[0] is ignored; at least 3 points).
// Returns false when no grid gamma gives A > 0.
bool FitEntropyDecay(const std::vector<double>& entropy,
                     const ConditionalEntropyOptions& options,
                     double* gamma,
                     double* entropy_limit,
                     double* amplitude,
                     double* rms);

// The same fit through points (t[k], h[k]) at arbitrary abscissae t > 0 (at least 3 points).
// For each gamma of the grid gamma_min, gamma_min + gamma_step, ... <= gamma_max,
// FitEntropyDecayAtGamma; the least residual wins.
bool FitEntropyDecayAt(const std::vector<double>& t,
                       const std::vector<double>& h,
                       const ConditionalEntropyOptions& options,
                       double* gamma,
                       double* entropy_limit,
                       double* amplitude,
                       double* rms);

// One grid step of those fits: at a given gamma, the least-squares H_inf and A of
// H = H_inf + A t^-gamma through the points; when the unconstrained H_inf is negative, H_inf = 0
// and A is refitted through the origin. Returns the residual sum of squares, or infinity when
// the abscissae do not vary or A is not > 0.
double FitEntropyDecayAtGamma(const std::vector<double>& t,
                              const std::vector<double>& h,
                              double gamma,
                              double* entropy_limit,
                              double* amplitude);

// The fit's part of a method string: "(grid gamma in [a, b] step c, H_inf >= 0 and A by linear
// least squares): H_inf = ..., A = ..., rms ..." from the options and the result's fit fields.
std::string DecayFitText(const ConditionalEntropyOptions& options,
                         const ConditionalEntropyResult& result);

}  // namespace scalebench
