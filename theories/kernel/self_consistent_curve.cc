// theories/kernel/self_consistent_curve: the full learning curve of kernel (ridge) regression
// from the measured spectrum and target power, by the self-consistent (deterministic-equivalent)
// equations; the exponent is the effective slope of that curve over the requested sizes.
//
// Mechanism and equations (lit-spectral 2.1, 2.2, 2.5): with P training samples, ridge delta,
// eigenvalues lambda_k and target power p_k, the effective ridge t (= kappa_BCP / P) solves
//   sum_k lambda_k / (lambda_k + t) + delta / t = P,
// mode k is learned to the fraction L_k = lambda_k / (lambda_k + t), gamma = sum_k L_k^2 / P, and
//   E_g(P) = [ sum_k p_k (1 - L_k)^2 + sigma^2 gamma ] / (1 - gamma).
// E_g is the excess test MSE (test-label noise excluded), normalised like sum_k p_k.
// For lambda_k ~ k^-b, p_k ~ k^-a, delta -> 0, sigma = 0: E_g ~ P^-min(a-1, 2b).
//   Bordelon, Canatar & Pehlevan 2020, ICML, arXiv:2002.02561;
//   Canatar, Bordelon & Pehlevan 2021, Nat. Commun. 12:2914, arXiv:2006.13198;
//   Simon, Dickens, Karkada & DeWeese, TMLR 2023, arXiv:2110.03922 (conservation-law form).
//
// Inputs:
//   eigenvalues (series, 1): Gram/n eigenvalues of the learner's kernel on a probe of n points;
//   target_power (series, loss): p_k in the same order, summed over outputs;
//   spectrum_decay b, task_power_decay a (optional, 1): continue the series past the probe's
//     reliable modes (internal::TailOptions) and give the asymptotic exponent in the note;
//   label_noise_variance (optional, loss): sigma^2, summed over outputs like p_k; 0 if absent;
//   learner.ridge: delta, the ridge on the unnormalised normal equations (K + delta I).
// Exponent: minus the least-squares slope of log E_g on log P over request.sizes().
//
// Assumptions, each with its NotApplicable reason:
//   - the measured spectrum is the learner's own kernel, i.e. no feature bottleneck
//     ("finite feature count");
//   - the series are usable (non-empty, finite, same length) ("eigenvalue/target-power series");
//   - the target has power ("target has no power");
//   - with no ridge, every P stays below the number of modes ("reaches the ... modes");
//   - an effective exponent needs two distinct positive sizes ("needs at least two sizes").
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

using internal::OptionalScalar;

// "asymptotic min(a-1, 2b) = x" when a and b are both known.
std::string AsymptoticNote(const Profile& profile) {
  const auto a = OptionalScalar(profile, Property::kTaskPowerDecay);
  const auto b = OptionalScalar(profile, Property::kSpectrumDecay);
  if (!a || !b) return "";
  return "; asymptotic min(a-1, 2b) = " + internal::Format(std::min(*a - 1.0, 2.0 * *b));
}

}  // namespace

class KernelSelfConsistentCurve final : public Theory {
 public:
  struct Options {
    internal::TailOptions tail;
  };

  KernelSelfConsistentCurve() = default;
  explicit KernelSelfConsistentCurve(Options options) : options_(options) {}

  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "kernel/self_consistent_curve";
    info.summary = "kernel ridge learning curve from the self-consistent effective-ridge equations";
    info.citation =
        "Bordelon, Canatar & Pehlevan 2020, arXiv:2002.02561; Canatar, Bordelon & Pehlevan 2021, "
        "Nat. Commun. 12:2914, arXiv:2006.13198; Simon et al., TMLR 2023, arXiv:2110.03922";
    info.series_inputs = {Series::kEigenvalues, Series::kTargetPower};
    info.optional_inputs = {
        Property::kSpectrumDecay, Property::kTaskPowerDecay, Property::kLabelNoiseVariance};
    info.axes = {Axis::kData};
    info.predicts_curve = true;
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const LearnerSpec& learner = request.learner();
    if (std::isfinite(learner.features)) {
      return Prediction::NotApplicable(
          "finite feature count: the curve assumes the measured spectrum is the learner's own "
          "kernel (see random_features/maloney_roberts_sully for a feature bottleneck)");
    }
    internal::ModeSpectrum spectrum;
    std::string error;
    if (!internal::ModeSpectrumFromProfile(
            request.profile(), true, options_.tail, &spectrum, &error)) {
      return Prediction::NotApplicable(error);
    }
    if (!(spectrum.TotalPower() > 0)) return Prediction::NotApplicable("the target has no power");
    const std::vector<double>& sizes = request.sizes();
    if (learner.ridge == 0 && spectrum.far_trace == 0 && !sizes.empty() &&
        *std::max_element(sizes.begin(), sizes.end()) >= double(spectrum.positive_modes)) {
      return Prediction::NotApplicable(
          "with ridge 0 the largest size reaches the " + std::to_string(spectrum.positive_modes) +
          " modes of the spectrum (measure more modes, give spectrum_decay, or use a ridge)");
    }
    std::vector<internal::FixedPoint> points;
    if (!internal::SolveFixedPoints(spectrum, sizes, learner.ridge, &points, &error)) {
      return Prediction::Failed(error);
    }
    const double noise =
        OptionalScalar(request.profile(), Property::kLabelNoiseVariance).value_or(0.0);
    std::vector<double> curve;
    for (const auto& point : points)
      curve.push_back(internal::KernelGeneralizationError(point, noise));
    const auto exponent = internal::EffectiveExponent(sizes, curve);
    if (!exponent) {
      return Prediction::NotApplicable(
          "needs at least two sizes (distinct, positive) to give an effective exponent");
    }
    return Prediction::Predicted(internal::WithInterval(*exponent, 0.0),
                                 CurveInLearnerUnits(learner, curve, noise),
                                 Note(request, spectrum, noise));
  }

 private:
  // The curve is the excess MSE; an "mse" learner also pays the test-label noise; other losses
  // have no curve in these units.
  static std::vector<double> CurveInLearnerUnits(const LearnerSpec& learner,
                                                 std::vector<double> curve,
                                                 double noise) {
    if (learner.loss == "excess_mse") return curve;
    if (learner.loss != "mse") return {};
    for (double& v : curve) v += noise;
    return curve;
  }

  static std::string Note(const PredictionRequest& request,
                          const internal::ModeSpectrum& spectrum,
                          double noise) {
    std::string note =
        "effective exponent: least-squares slope of log E_g on log P over the requested sizes" +
        AsymptoticNote(request.profile()) + "; spectrum: " + spectrum.description;
    note += request.profile().Has(Property::kLabelNoiseVariance)
                ? "; label noise " + internal::Format(noise)
                : "; noiseless (label_noise_variance absent)";
    const std::string& loss = request.learner().loss;
    if (loss != "excess_mse" && loss != "mse") note += "; no curve for loss '" + loss + "'";
    return note;
  }

  Options options_;
};

SCALEBENCH_REGISTER_THEORY(KernelSelfConsistentCurve);

}  // namespace scalebench
