// theories/random_features/random_projection: the parameter exponent of regression on N
// Gaussian random projections of the inputs, in the infinite-data limit, is min(a - 1, b).
//
// Mechanism and equations (lit-spectral 5.1): the best predictor in the span of N random
// projections has the deterministic-equivalent error
//   eps(N) = sum_k p_k kappa_N / (lambda_k + kappa_N),   sum_k lambda_k / (lambda_k + kappa_N) = N,
// (first power of the residual fraction, not the squared one of kernel regression), so with
// lambda_k ~ k^-b, p_k ~ k^-a: kappa_N ~ N^-b and eps ~ N^-min(a-1, b). Derived and checked by
// simulation in the digest; agrees with the capacity level of Paquette et al. 2024
// (arXiv:2405.15074) and with the model-size limits of Maloney, Roberts & Sully 2022
// (arXiv:2210.16859) and Bordelon, Atanasov & Pehlevan 2024 (arXiv:2402.01092).
//
// Inputs:
//   spectrum_decay b (1), task_power_decay a (1): the exponent;
//   eigenvalues, target_power (optional series): the curve eps(N), continued past the probe's
//     reliable modes (internal::TailOptions), in excess-MSE units normalised like sum_k p_k;
//   learner.train_size: the curve is the population limit, given only for kInfinite.
//
// Assumptions, each with its NotApplicable reason:
//   - a finite target power: a > 1 ("needs task_power_decay a > 1");
//   - a finite trace: b > 1 ("needs spectrum_decay b > 1").
// Where the curve cannot be given (no series, finite train_size, loss other than excess_mse,
// N reaching the modes of the spectrum), the exponent is still predicted and the note says why.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

// min(a - 1, b) with a 95% interval from the inputs' standard errors: min is monotone in both
// arguments, so the interval ends are the min of the ends (an input without SE has width 0).
Estimate MinExponent(const Measurement& a, const Measurement& b) {
  const Estimate ea = internal::WithInterval(a.value - 1.0, a.std_error);
  const Estimate eb = internal::WithInterval(b.value, b.std_error);
  Estimate e = internal::WithInterval(std::min(ea.value, eb.value), 0.0);
  if (ea.lower || eb.lower) {
    e.lower = std::min(ea.lower.value_or(ea.value), eb.lower.value_or(eb.value));
    e.upper = std::min(ea.upper.value_or(ea.value), eb.upper.value_or(eb.value));
  }
  return e;
}

}  // namespace

class RandomProjectionExponent final : public Theory {
 public:
  struct Options {
    internal::TailOptions tail;
  };

  RandomProjectionExponent() = default;
  explicit RandomProjectionExponent(Options options) : options_(options) {}

  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "random_features/random_projection";
    info.summary = "parameter exponent min(a-1, b) of regression on N random projections";
    info.citation =
        "lit-spectral 5.1 (derived); cf. Paquette et al. 2024, arXiv:2405.15074; Maloney, Roberts "
        "& Sully 2022, arXiv:2210.16859";
    info.inputs = {Property::kSpectrumDecay, Property::kTaskPowerDecay};
    info.axes = {Axis::kParams};
    info.predicts_curve = true;
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& a = request.profile().Get(Property::kTaskPowerDecay);
    const Measurement& b = request.profile().Get(Property::kSpectrumDecay);
    if (!(a.value > 1.0))
      return Prediction::NotApplicable("needs task_power_decay a > 1 (finite target power)");
    if (!(b.value > 1.0))
      return Prediction::NotApplicable("needs spectrum_decay b > 1 (finite trace)");
    const Estimate exponent = MinExponent(a, b);
    std::string note = std::string("min(a-1, b): ") +
                       (a.value - 1.0 <= b.value ? "target-limited a-1" : "spectrum-limited b");
    std::vector<double> curve;
    std::string why_no_curve;
    if (Curve(request, &curve, &note, &why_no_curve)) {
      return Prediction::Predicted(exponent, std::move(curve), note);
    }
    return Prediction::Predicted(exponent, {}, note + "; no curve: " + why_no_curve);
  }

 private:
  // The population-limit curve eps(N); false with the reason when it cannot be given.
  bool Curve(const PredictionRequest& request,
             std::vector<double>* curve,
             std::string* note,
             std::string* why_not) const {
    const Profile& profile = request.profile();
    if (!profile.Has(Series::kEigenvalues) || !profile.Has(Series::kTargetPower)) {
      return (*why_not = "eigenvalue and target-power series absent", false);
    }
    if (std::isfinite(request.learner().train_size)) {
      return (*why_not = "finite train_size (the curve is the infinite-data limit)", false);
    }
    if (request.learner().loss != "excess_mse") {
      return (*why_not = "loss '" + request.learner().loss + "' is not excess_mse", false);
    }
    internal::ModeSpectrum spectrum;
    if (!internal::ModeSpectrumFromProfile(profile, true, options_.tail, &spectrum, why_not))
      return false;
    const std::vector<double>& sizes = request.sizes();
    if (spectrum.far_trace == 0 && !sizes.empty() &&
        *std::max_element(sizes.begin(), sizes.end()) >= double(spectrum.positive_modes)) {
      return (*why_not = "N reaches the " + std::to_string(spectrum.positive_modes) +
                         " modes of the spectrum",
              false);
    }
    std::vector<internal::FixedPoint> points;
    if (!internal::SolveFixedPoints(spectrum, sizes, 0.0, &points, why_not)) return false;
    for (const auto& point : points) curve->push_back(point.residual_power);
    *note += "; curve: population-limit projection error on the measured spectrum (" +
             spectrum.description + ")";
    if (const auto slope = internal::EffectiveExponent(sizes, *curve)) {
      *note += "; effective slope of the curve " + internal::Format(*slope);
    }
    return true;
  }

  Options options_;
};

SCALEBENCH_REGISTER_THEORY(RandomProjectionExponent);

}  // namespace scalebench
