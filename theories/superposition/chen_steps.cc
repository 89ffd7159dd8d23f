// theories/superposition/chen_steps: superposition unifies power-law training dynamics. In a
// teacher-student model of feature superposition, a student whose width is a superposition
// bottleneck learns all features at once instead of one after another in spectrum order, and the
// loss falls as L(t) ~ t^-1 in optimizer steps, independent of the input statistics and of the
// teacher's channel importance (up to ~10x faster than sequential learning).
//   Chen, Chen, Liu & Gore 2026, "Superposition unifies power-law training dynamics",
//   arXiv:2602.01045 (lit-language.md 2.3).
//
// Equation (steps axis): with superposition, alpha_t ~ 1 (universal), so the exponent is 1.
// Without superposition the paper's analytic alpha_t depends on both the data and the channel
// importance exponents; the digest could not read that formula, so that case is n/a here.
//
// Input: none (the universal exponent reads no data statistic).
//
// Assumptions, each with its NotApplicable reason:
//   - the learner superposes, read from the declared optimizer as in Liu, Liu & Gore 2025
//     (superposition/liu_liu_gore): weight_decay < 0 (the norm-growing decay that forces strong
//     superposition) is taken as the superposition bottleneck. This mapping is ours, not the
//     paper's abstract;
//   - no optimizer declared ("no optimizer declared ..."): a closed-form learner has no steps;
//   - weight_decay > 0 ("weight_decay > 0: weak superposition ..."): the sequential-learning
//     exponent applies, whose formula the digest lacks;
//   - weight_decay == 0 ("weight_decay = 0: ..."): the regime is not determined by the spec;
//   - the curve is on the steps axis (other axes are n/a by the harness).
// Not checked (no input says so): that the teacher has more features than the student's width,
// that training is long enough to be in the power-law phase. Exponent only, with no interval
// (the digest gives alpha_t ~ 1 without an error bar).
#include <cmath>

#include "theories/theory.h"

namespace scalebench {

class ChenSuperpositionSteps final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "superposition/chen_steps";
    info.summary = "universal steps exponent 1 (loss ~ 1/t) under superposition (weight decay < 0)";
    info.citation = "Chen, Chen, Liu & Gore 2026, arXiv:2602.01045";
    info.axes = {Axis::kSteps};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const LearnerSpec& learner = request.learner();
    if (learner.optimizer.empty()) {
      return Prediction::NotApplicable(
          "no optimizer declared: the superposition regime is read from the optimizer's weight "
          "decay");
    }
    const double decay = learner.weight_decay;
    if (!std::isfinite(decay)) return Prediction::NotApplicable("weight_decay is not finite");
    if (decay == 0.0) {
      return Prediction::NotApplicable(
          "weight_decay = 0: whether the learner superposes is not determined (needs weight_decay "
          "< 0)");
    }
    if (decay > 0.0) {
      return Prediction::NotApplicable(
          "weight_decay > 0: weak superposition, where the sequential-learning exponent depends on "
          "the data and channel-importance exponents (formula not available)");
    }
    Estimate exponent;
    exponent.value = 1.0;
    return Prediction::Predicted(
        exponent,
        {},
        "superposition (weight_decay < 0): universal loss ~ 1/t, exponent 1; exponent only");
  }
};

SCALEBENCH_REGISTER_THEORY(ChenSuperpositionSteps);

}  // namespace scalebench
