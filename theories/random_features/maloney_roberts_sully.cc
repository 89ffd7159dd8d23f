// theories/random_features/maloney_roberts_sully: the solvable random-feature model. Both the
// data and the parameter exponent equal alpha = b - 1, where the latent spectrum falls as
// lambda_I ~ I^-(1+alpha); the loss is symmetric in N (features) and T (samples).
//
// Mechanism and equations (lit-spectral 1): Gaussian latent data with spectrum lambda_I, a linear
// teacher with isotropic random weights (so the task power is p_I = sigma_w^2 lambda_I, i.e.
// a = b), N linear random features, ridgeless least squares on T samples. Deterministic
// equivalent (derived and checked by Monte Carlo in the digest; MRS's own closed form was not
// accessible):
//   n = min(N, T),   sum_I lambda_I / (lambda_I + kappa_n) = n,
//   L(N, T) = sigma_w^2 * max(N, T) / |N - T| * n * kappa_n,
// with sigma_w^2 = total_target_power / sum_I lambda_I. For 1 << n << M,
// n kappa_n ~ n^-alpha, so L ~ N^-alpha (T >> N) and L ~ T^-alpha (N >> T).
//   Maloney, Roberts & Sully 2022, "A Solvable Model of Neural Scaling Laws", arXiv:2210.16859.
//
// Inputs:
//   spectrum_decay b (1): b = 1 + alpha; the exponent is b - 1 on both axes;
//   eigenvalues (optional series, 1): the latent spectrum as the features see it (continued past
//     the probe's reliable modes, internal::TailOptions); without it no curve is given;
//   total_target_power (optional, loss): sets sigma_w^2; without it no curve is given;
//   learner.features (data axis) / learner.train_size (params axis): the fixed other size;
//     kInfinite drops the factor max/|N-T| (it tends to 1) and makes n the swept size.
// The theory does NOT read task_power_decay: a = b is its assumption, which the benchmark tests.
//
// Assumptions, each with its NotApplicable reason:
//   - a finite trace and a decaying loss: b > 1 ("needs spectrum_decay b > 1");
//   - away from the ridgeless double-descent peak: no size equals the fixed N or T
//     ("size equals the fixed ...");
//   - the power law still runs: n = min(N, T) stays below the number of modes M
//     ("reaches the ... modes"). A series of >= 32 modes is continued as an infinite power law
//     (internal::TailOptions), so M is finite only for short series: a probe of n points cannot
//     see a latent dimension M > n, and the MRS plateau is then not predicted;
//   - usable series ("eigenvalue series ...").
// Ridgeless: a learner ridge is ignored (the note says so); near-optimal ridge only removes the
// peak at N = T.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {

class MaloneyRobertsSully final : public Theory {
 public:
  struct Options {
    internal::TailOptions tail;
  };

  MaloneyRobertsSully() = default;
  explicit MaloneyRobertsSully(Options options) : options_(options) {}

  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "random_features/maloney_roberts_sully";
    info.summary =
        "random-feature model: data and parameter exponent alpha = b - 1 (isotropic teacher)";
    info.citation = "Maloney, Roberts & Sully 2022, arXiv:2210.16859";
    info.inputs = {Property::kSpectrumDecay};
    info.optional_inputs = {Property::kTotalTargetPower};
    info.axes = {Axis::kData, Axis::kParams};
    info.predicts_curve = true;
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& b = request.profile().Get(Property::kSpectrumDecay);
    if (!(b.value > 1.0)) {
      return Prediction::NotApplicable("needs spectrum_decay b > 1 (alpha = b - 1 > 0)");
    }
    const Estimate exponent = internal::WithInterval(b.value - 1.0, b.std_error);
    std::string note =
        "alpha = b - 1 (isotropic teacher, a = b assumed; task_power_decay not read)";
    if (!request.profile().Has(Series::kEigenvalues)) {
      return Prediction::Predicted(exponent, {}, note + "; no curve: eigenvalue series absent");
    }
    if (!request.profile().Has(Property::kTotalTargetPower)) {
      return Prediction::Predicted(exponent, {}, note + "; no curve: total_target_power absent");
    }
    if (request.learner().loss != "excess_mse") {
      return Prediction::Predicted(
          exponent, {}, note + "; no curve for loss '" + request.learner().loss + "'");
    }
    std::vector<double> curve;
    std::string reason;
    if (!Curve(request, &curve, &note, &reason)) return Prediction::NotApplicable(reason);
    return Prediction::Predicted(exponent, std::move(curve), note);
  }

 private:
  // The fixed size of the other axis: N on the data axis, T on the params axis.
  static double FixedOther(const PredictionRequest& request) {
    return request.axis() == Axis::kData ? request.learner().features
                                         : request.learner().train_size;
  }

  // Fills the MRS curve at request.sizes(); false with a NotApplicable reason.
  bool Curve(const PredictionRequest& request,
             std::vector<double>* curve,
             std::string* note,
             std::string* reason) const {
    const double other = FixedOther(request);
    std::vector<double> ns;
    for (double size : request.sizes()) {
      if (std::isfinite(other) && size == other) {
        *reason = "size equals the fixed " +
                  std::string(request.axis() == Axis::kData ? "N" : "T") + " = " +
                  internal::Format(other) + ": the ridgeless double-descent peak N = T";
        return false;
      }
      ns.push_back(std::min(size, other));
    }
    internal::ModeSpectrum spectrum;
    if (!internal::ModeSpectrumFromProfile(
            request.profile(), false, options_.tail, &spectrum, reason)) {
      return false;
    }
    if (!ns.empty() && spectrum.far_trace == 0 &&
        *std::max_element(ns.begin(), ns.end()) >= double(spectrum.positive_modes)) {
      *reason = "n = min(N, T) reaches the " + std::to_string(spectrum.positive_modes) +
                " modes of the spectrum: the power law has ended (plateau regime)";
      return false;
    }
    std::vector<internal::FixedPoint> points;
    if (!internal::SolveFixedPoints(spectrum, ns, 0.0, &points, reason)) return false;
    const double sigma_w2 =
        request.profile().Get(Property::kTotalTargetPower).value / spectrum.Trace();
    for (std::size_t i = 0; i < points.size(); ++i) {
      curve->push_back(
          internal::MaloneyRobertsSullyLoss(points[i], request.sizes()[i], other, sigma_w2));
    }
    *note +=
        "; curve: deterministic equivalent sigma_w^2 max(N,T)/|N-T| n kappa_n on the measured "
        "spectrum (" +
        spectrum.description + ")";
    if (const auto slope = internal::EffectiveExponent(request.sizes(), *curve)) {
      *note += "; effective slope of the curve " + internal::Format(*slope);
    }
    if (request.learner().ridge > 0) *note += "; ridgeless formula, learner ridge ignored";
    return true;
  }

  Options options_;
};

SCALEBENCH_REGISTER_THEORY(MaloneyRobertsSully);

}  // namespace scalebench
