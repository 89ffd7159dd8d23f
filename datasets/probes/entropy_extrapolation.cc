// Implementation of datasets/probes/entropy_extrapolation.h.
#include "datasets/probes/entropy_extrapolation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/format.h"
#include "common/statistics.h"
#include "common/status.h"
#include "datasets/probes/entropy_decay_fit.h"

namespace scalebench {
namespace {

using internal::Fail;
using internal::Fixed;
using internal::JackknifeError;

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
             Fixed(window.limit[n], 4);
    per_n += window.settled[n] ? " (settled)" : " (c = " + Fixed(r.data_exponent[n], 2) + ")";
  }
  std::string size_tokens;
  for (int s = 0; s <= top; ++s)
    size_tokens += (s > 0 ? ", " : "") + std::to_string(r.size_tokens[s]);
  std::string lower;  // the gamma' of the next-smaller sizes, or why there is none
  if (systematic.lower_ok) {
    lower = Fixed(systematic.lower_gamma, 3) + " from extrapolating the sizes " +
            SizeList(sizes, top - 3, top - 1) + " instead";
  } else if (top >= 3) {
    lower = "(none: the sizes " + SizeList(sizes, top - 3, top - 1) +
            " do not extrapolate at every n of the window)";
  } else {
    lower = "(none: no fourth size)";
  }
  const std::string min_exponent = Fixed(options.min_data_exponent, 2);
  const std::string ratio = Fixed(options.extrapolation_ratio, 2);
  std::string text = "H_n = held-out cross-entropy (nats/token) of " + input.model +
                     " for n = 0.." + std::to_string(r.entropy.size() - 1) + ", trained on " +
                     SizeList(sizes, 0, top) + " of the " + std::to_string(input.train_tokens) +
                     " training tokens (" + size_tokens + " tokens) and evaluated on the same " +
                     std::to_string(r.heldout_positions) + " held-out positions";
  text +=
      "; per n extrapolated to infinite data as H_n(D) = H_n^inf + B_n D^-c_n through the "
      "sizes " +
      SizeList(sizes, top - 2, top) + " (Richardson extrapolation in D)";
  text += "; window n in [1, " + std::to_string(window.last) +
          "] (end: " + (window.stop.empty() ? std::string("last n") : window.stop) +
          "; a point enters while its differences in D are positive and shrinking with every "
          "held-out block left out, c_n >= " +
          min_exponent + ", it still gains and its correction is <= " + ratio +
          " x its gain, or it is settled: moved by <= " + ratio + " x ((D3/D1)^" + min_exponent +
          " - 1) x its gain)";
  text += "; H_n(D) -> H_n^inf per n: " + per_n;
  text += "; least-squares fit H_n^inf = H_inf + A n^-gamma over the window " +
          DecayFitText(options, r);
  text += "; std error " + Fixed(r.conditional_entropy_decay.std_error, 4) +
          " = sqrt(jackknife^2 + systematic^2): jackknife " + Fixed(r.jackknife_error, 4) +
          " (delete-a-block over " + std::to_string(input.block_loss.size()) +
          " contiguous held-out blocks of the whole pipeline: every size's H_n, the "
          "extrapolation and the fit)";
  text += ", systematic " + Fixed(r.systematic_error, 4) +
          " (the extrapolation model: the larger of |gamma - gamma'| for gamma' = " + lower +
          " and for gamma' = " + Fixed(systematic.raw_gamma, 3) +
          " from the raw largest-size H_n over the same window)";
  return text + "; not covered: the model family and n beyond the window";
}

}  // namespace

bool FitExtrapolatedCurve(const EntropyCurveInput& input,
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

}  // namespace scalebench
