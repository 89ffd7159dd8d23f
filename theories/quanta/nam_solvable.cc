// theories/quanta/nam_solvable: the exactly solvable multitask-sparse-parity model of Nam et al.
// Skills are orthogonal basis functions g_k of the task, the model is multilinear,
// f = sum_{k<=N} a_k b_k g_k, trained on MSE with Saxe-like layer-wise dynamics, and skill k is
// used with frequency P_s(k) ~ k^-(alpha+1). Each skill emerges abruptly (a sigmoid in time, a
// step in data and parameters); summed over the Zipf-weighted skills the loss falls as a power
// law with (their Table 2)
//   time (steps) T: alpha/(alpha+1);  data D: alpha/(alpha+1);  parameters N: alpha;
//   compute C = N T: alpha/(alpha+2) (the compute-optimal split of N and T).
//   Nam, Fonseca, Lee, Mingard & Louis 2024, "An exactly solvable model for emergence and scaling
//   laws in the multitask sparse parity problem", NeurIPS, arXiv:2404.17563 (lit-language.md 1.3).
//
// Input: frequency_decay z. Mapping: P_s(k) ~ k^-(alpha+1) is the rank-frequency law of the skills,
// so z = alpha + 1 and alpha = z - 1 (the same convention as Michaud et al.'s quanta).
// The interval maps z -+ 1.96 SE through the (monotone) formula, the lower end of z clamped at 1.
//
// Assumptions, each with its NotApplicable reason:
//   - normalisable skill frequencies, z > 1 ("needs frequency_decay z > 1");
//   - axes steps, data, params, compute only (others n/a by the harness).
// Not checked: MSE-like loss on a skill basis, a multilinear (or effectively decoupled) learner.
// Exponent only: the curve's prefactors need the calibrated emergence time of the first skill.
#include <algorithm>
#include <cmath>
#include <string>

#include "theories/theory.h"

namespace scalebench {
namespace {

// The exponent on `axis` as a function of z (> 1).
double NamExponent(Axis axis, double z) {
  const double alpha = z - 1.0;
  switch (axis) {
    case Axis::kParams:
      return alpha;
    case Axis::kCompute:
      return alpha / (alpha + 2.0);
    default:
      return alpha / (alpha + 1.0);  // steps and data
  }
}

const char* NamFormula(Axis axis) {
  switch (axis) {
    case Axis::kParams:
      return "alpha";
    case Axis::kCompute:
      return "alpha/(alpha+2) (C = N T)";
    default:
      return "alpha/(alpha+1)";
  }
}

}  // namespace

class NamSolvable final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "quanta/nam_solvable";
    info.summary =
        "solvable multitask sparse parity: steps and data alpha/(alpha+1), params alpha, compute "
        "alpha/(alpha+2), alpha = z - 1";
    info.citation = "Nam, Fonseca, Lee, Mingard & Louis 2024, NeurIPS, arXiv:2404.17563";
    info.inputs = {Property::kFrequencyDecay};
    info.axes = {Axis::kSteps, Axis::kData, Axis::kParams, Axis::kCompute};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& z = request.profile().Get(Property::kFrequencyDecay);
    if (!(z.value > 1.0) || !std::isfinite(z.value)) {
      return Prediction::NotApplicable(
          "needs frequency_decay z > 1 (normalisable skill frequencies P_s(k) ~ k^-z)");
    }
    const Axis axis = request.axis();
    Estimate exponent;
    exponent.value = NamExponent(axis, z.value);
    if (z.std_error > 0 && std::isfinite(z.std_error)) {
      exponent.lower = NamExponent(axis, std::max(1.0, z.value - 1.96 * z.std_error));
      exponent.upper = NamExponent(axis, z.value + 1.96 * z.std_error);
    }
    return Prediction::Predicted(exponent,
                                 {},
                                 std::string(NamFormula(axis)) + " with alpha = z - 1 = " +
                                     std::to_string(z.value - 1.0) + "; exponent only");
  }
};

SCALEBENCH_REGISTER_THEORY(NamSolvable);

}  // namespace scalebench
