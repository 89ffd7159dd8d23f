// theories/baseline/constant_exponent: a naive guess, not a theory. It predicts the exponent
// 0.5 (loss ~ size^-0.5) on every axis for every dataset and learner, so that the leaderboard
// shows how much skill each real theory has over a constant.
//
// Why 0.5: a round number, chosen before looking at any learning curve of this benchmark and not
// fitted to one. It sits between the slow exponents of kernels on natural images (about 0.1 for
// CIFAR-10, 0.4 for MNIST; lit-spectral 2.2, 2.3) and the parametric rate 1 of noisy linear
// regression (excess MSE ~ d / P), and it is the Monte-Carlo rate n^-1/2 people often quote.
// A theory that cannot beat it on the leaderboard carries no information about the exponent.
//
// Inputs: none. Axes: data, params, width, steps, compute. Assumptions: none, so it is never
// NotApplicable on a declared axis.
#include "theories/theory.h"

namespace scalebench {

class ConstantExponent final : public Theory {
 public:
  static constexpr double kExponent = 0.5;

  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "baseline/constant_exponent";
    info.summary = "naive constant exponent 0.5 on every axis (skill reference, not a theory)";
    info.citation = "naive baseline (no theory)";
    info.axes = AllAxes();
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    Estimate exponent;
    exponent.value = kExponent;
    return Prediction::Predicted(exponent, {}, "naive constant 0.5, not fitted to any curve");
  }
};

SCALEBENCH_REGISTER_THEORY(ConstantExponent);

}  // namespace scalebench
