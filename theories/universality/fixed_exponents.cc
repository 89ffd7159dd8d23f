// theories/universality/fixed_exponents: a null reference, not fitted to anything. Liu & Gore's
// position paper holds that the pre-training exponents are fixed by generic mechanisms and that
// only the coefficients carry the data and architecture dependence:
//   - time:  L ~ t^-1/3, from learning peaked distributions with softmax + cross-entropy
//            (Liu, Liu, Pehlevan & Gore, ICML 2026, arXiv:2602.03685);
//   - width: L ~ 1/m, from strong superposition (Liu, Liu & Gore 2025, arXiv:2505.10465);
//   - depth: L ~ 1/depth, from ensemble averaging (arXiv:2602.05970); no target sweeps depth.
//   Liu & Gore 2026, position paper, arXiv:2606.25008 (anchors-2026.md 1.2, read at abstract
//   level).
// The board reports every data-driven theory against it: a theory that reads the data should
// beat exponents that ignore the data.
//
// Equation: exponent 1/3 on the steps axis, 1 on the width axis, whatever the profile.
//
// Inputs: none.
//
// Assumptions and NotApplicable reasons:
//   - data, params, compute axes: the paper fixes no exponent there (it names time, width and
//     depth only; a parameter count mixes width and depth in a way the learner decides, and a
//     compute exponent would need an allocation rule the paper does not state);
//   - steps axis without a declared optimizer: a closed-form learner has no optimizer steps.
// Deliberately NOT n/a (a null applies its claim as stated): a steps curve whose loss is not
// softmax cross-entropy, and a width curve without strong superposition. The 1/3 derivation
// assumes cross-entropy and the inverse-width law strong superposition; the note of each
// prediction says when the curve lies outside them, so a miss there reads as the universality
// claim's, not the derivation's. Exponents only, with no interval (none is given).
#include <string>

#include "theories/theory.h"

namespace scalebench {

class FixedUniversalityExponents final : public Theory {
 public:
  static constexpr double kTimeExponent = 1.0 / 3.0;
  static constexpr double kWidthExponent = 1.0;

  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "universality/fixed_exponents";
    info.summary =
        "null reference: fixed 'universality class' exponents, steps 1/3 and width 1, no data "
        "input";
    info.citation =
        "Liu & Gore 2026, position paper, arXiv:2606.25008 (time 1/3: arXiv:2602.03685; width "
        "1: arXiv:2505.10465)";
    info.axes = AllAxes();
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const LearnerSpec& learner = request.learner();
    switch (request.axis()) {
      case Axis::kSteps: {
        if (learner.optimizer.empty()) {
          return Prediction::NotApplicable(
              "no optimizer declared: a closed-form learner has no optimizer steps");
        }
        const bool cross_entropy = learner.loss.find("cross_entropy") != std::string::npos;
        return Prediction::Predicted(
            {kTimeExponent},
            {},
            cross_entropy ? "time exponent 1/3 (softmax + cross-entropy), fixed, not fitted"
                          : "time exponent 1/3, fixed; derived for softmax + cross-entropy, "
                            "applied to a '" +
                                learner.loss + "' loss as the universality claim");
      }
      case Axis::kWidth: {
        const bool strong = learner.weight_decay < 0.0;
        return Prediction::Predicted(
            {kWidthExponent},
            {},
            strong ? "inverse width (strong superposition), fixed, not fitted"
                   : "inverse width, fixed; derived for strong superposition, applied without "
                     "it as the universality claim");
      }
      case Axis::kData:
        return Prediction::NotApplicable(
            "no fixed data exponent: Liu & Gore 2026 fix the time, width and depth exponents "
            "only; the data dependence sits in the coefficients");
      case Axis::kParams:
        return Prediction::NotApplicable(
            "no fixed parameter-count exponent: the paper fixes width and depth separately, and "
            "how a parameter count splits into them is the learner's");
      case Axis::kCompute:
        return Prediction::NotApplicable(
            "no fixed compute exponent: it would need a compute allocation rule the paper does "
            "not state");
    }
    return Prediction::Failed("unknown axis");
  }
};

SCALEBENCH_REGISTER_THEORY(FixedUniversalityExponents);

}  // namespace scalebench
