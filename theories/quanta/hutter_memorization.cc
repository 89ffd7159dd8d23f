// theories/quanta/hutter_memorization: Hutter's memorization learning curve. Inputs are
// features drawn i.i.d. with theta_i ~ i^-(1+alpha), labels are a fixed function of the feature,
// and the learner errs exactly on the features it has not seen, so
//   E[Err_D] = sum_i theta_i (1 - theta_i)^D ~ D^-(alpha/(1+alpha)).
//   Hutter 2021, "Learning Curve Theory", arXiv:2102.04074 (lit-language.md 1.2; the exponent is
//   the abstract's beta = alpha/(1+alpha), "independent of the choice of loss").
// Derivation of the exponent: the error is the mass of the features with D theta_i < ~1, i.e.
// i > i* ~ D^(1/(1+alpha)), which is sum_{i>i*} i^-(1+alpha) ~ i*^-alpha = D^-(alpha/(1+alpha)).
//
// Input: frequency_decay z (theta_i ~ i^-z), so alpha = z - 1 and the exponent is (z - 1) / z.
// The interval maps z -+ 1.96 SE through (z - 1) / z (monotone), the lower end of z clamped at 1.
//
// Assumptions, each with its NotApplicable reason:
//   - normalisable feature frequencies, z > 1 ("needs frequency_decay z > 1");
//   - the data axis only (the model has no parameters or steps; other axes are n/a by the
//     harness).
// Not checked: that the learner memorises (deterministic labels, unbounded memory); the model
// says nothing of other learners, but its exponent is commonly read as theirs.
// Exponent only: the expected curve needs the support of theta (a vocabulary size or an
// infinite-support assumption) and the normalisation of the loss, which the profile does not
// carry; with both, sum_i theta_i (1 - theta_i)^D would be the curve.
#include <algorithm>
#include <cmath>
#include <string>

#include "theories/theory.h"

namespace scalebench {
namespace {

double HutterExponent(double z) {
  return (z - 1.0) / z;
}  // alpha / (1 + alpha), alpha = z - 1

}  // namespace

class HutterMemorization final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "quanta/hutter_memorization";
    info.summary = "memorization of Zipf features: data exponent alpha/(1+alpha), alpha = z - 1";
    info.citation = "Hutter 2021, Learning Curve Theory, arXiv:2102.04074";
    info.inputs = {Property::kFrequencyDecay};
    info.axes = {Axis::kData};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& z = request.profile().Get(Property::kFrequencyDecay);
    if (!(z.value > 1.0) || !std::isfinite(z.value)) {
      return Prediction::NotApplicable(
          "needs frequency_decay z > 1 (normalisable feature frequencies theta_i ~ i^-z)");
    }
    Estimate exponent;
    exponent.value = HutterExponent(z.value);
    if (z.std_error > 0 && std::isfinite(z.std_error)) {
      exponent.lower = HutterExponent(std::max(1.0, z.value - 1.96 * z.std_error));
      exponent.upper = HutterExponent(z.value + 1.96 * z.std_error);
    }
    return Prediction::Predicted(
        exponent,
        {},
        "alpha/(1+alpha) with alpha = z - 1 = " + std::to_string(z.value - 1.0) +
            "; exponent only (the expected curve needs the feature support, not in the profile)");
  }
};

SCALEBENCH_REGISTER_THEORY(HutterMemorization);

}  // namespace scalebench
