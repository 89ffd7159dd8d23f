// The extrapolation of a model's H_n to infinite training data, the first mode of
// FitConditionalEntropyCurve (conditional_entropy.h): the same model family trained on smaller
// subsets of the training tokens (EntropyCurveInput::subsets, e.g. 1/8, 1/4, 1/2 and all of it,
// scored on the same held-out blocks), H_n(D) extrapolated per n, and gamma fitted over the n
// where that extrapolation can be trusted.
//
// Usage (through the probe):
//   EntropyCurveInput input;  // block_loss of the full model, subsets of the smaller ones
//   ConditionalEntropyResult result;
//   if (!FitConditionalEntropyCurve(input, ConditionalEntropyOptions{}, &result, &error)) ...;
//
// WARNING: the window ends at the first n whose extrapolation fails the rules below, and gamma
// covers only that window; the error names the n that ended it.
#pragma once

#include <array>
#include <string>

#include "datasets/probes/entropy_curve.h"

namespace scalebench {

// H(D) = H^inf + B D^-c through three points (Richardson extrapolation in the data size, as for
// finite-sample corrections of block entropies).
struct DataExtrapolation {
  bool ok = false;  // d1, d2 > 0 and d1 / d2 above the c -> 0 limit: a solution with c > 0
  double limit = 0.0, exponent = 0.0, correction = 0.0;  // H^inf, c, H(D3) - H^inf
};
// sizes: D1 < D2 < D3 (> 0); entropy: H(D1), H(D2), H(D3). With d1 = H(D1) - H(D2) and
// d2 = H(D2) - H(D3): for sizes in ratio 2, c = log2(d1 / d2) and H^inf = H(D3) - d2 / (2^c - 1);
// other ratios solve the same equation numerically. c is solved to a relative 1e-12 and capped at
// 50 (then the correction is in effect 0). Not ok (and the rest 0) when the differences are not
// positive or do not shrink.
DataExtrapolation ExtrapolateInData(const std::array<double, 3>& sizes,
                                    const std::array<double, 3>& entropy);

// FitConditionalEntropyCurve with subsets. Kneser-Ney is consistent at fixed n (its discounts
// vanish relative to the counts as D grows), so H_n(D) falls towards the true H_n; per n it is
// extrapolated through the three largest sizes D1 < D2 < D3 (ExtrapolateInData). The curve
// H_n^inf is built n = 0, 1, ... and point n enters the window n = 1..n_last only while
//   (a) the differences are positive and shrink (d1 / d2 above the c -> 0 limit of the model),
//       on all held-out blocks and also with each block left out (so that the jackknife is
//       defined);
//   (b) c_n >= min_data_exponent (0.2): below it the D^-c law cannot be told from a logarithmic
//       drift over a factor 4 in D, and the correction d2 / (2^c - 1) exceeds 6.7 d2, i.e. the
//       assumed form, not the measurement, would make the point (a large c needs no bound: it
//       only shrinks the correction towards the raw value);
//   (c) the point still gains: g_n = H^inf_{n-1} - H^inf_n > 0;
//   (d) the correction H_n(D3) - H^inf_n is at most extrapolation_ratio (0.5) x g_n: a point
//       must be more measurement than extrapolation, and if its correction were off by half of
//       itself, H^inf_n would still move by no more than a quarter of its gain (the tolerance
//       of the half-data rule).
// A point that fails (a) or (b) but whose H_n moved by at most
//   extrapolation_ratio x ((D3 / D1)^min_data_exponent - 1) x g_n
// between the three sizes is settled instead: H^inf_n = H_n(D3) (the differences of a converged
// H_n are at the level of the subsets' composition noise and need not shrink; any D^-c law with
// c >= min_data_exponent through it would correct it by at most (d)'s bound). For n = 0, which
// only sets g_1, g_0 is the raw H_0(D3) - H_1(D3). The first n that fails ends the window; fewer
// than min_fit_points points is an error that names that n and the failed condition. The fit is
// H^inf_n = H_inf + A n^-gamma over the window (FitEntropyDecay).
// Standard error: sqrt(jackknife^2 + systematic^2). The jackknife is the delete-a-block
// jackknife of the whole pipeline (every size's H_n recomputed without the block, extrapolated
// with the same treatment of each n, refitted over the same window). The systematic term covers
// the extrapolation model: the larger of |gamma - gamma'| for gamma' from extrapolating the
// next-smaller three sizes instead (their extrapolation where their differences shrink, else
// their largest H_n where it moved within the settled tolerance; left out when neither holds at
// some n of the window, or with only three sizes) and for gamma' from the raw largest-size H_n
// over the same window (the whole correction counted as uncertain). Neither covers the choice of
// model family, or n beyond the window.
// *result holds the raw full-size curve (entropy, train_tokens, heldout_positions) on entry;
// input has been checked by FitConditionalEntropyCurve except for its subsets.
bool FitExtrapolatedCurve(const EntropyCurveInput& input,
                          const ConditionalEntropyOptions& options,
                          ConditionalEntropyResult* result,
                          std::string* error);

}  // namespace scalebench
