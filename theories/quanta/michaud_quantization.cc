// theories/quanta/michaud_quantization: the quantization model of neural scaling. Skills
// ("quanta") are learned whole or not at all, in order of use frequency, and the frequency of
// quantum k falls as p_k ~ k^-(alpha+1). Loss = sum of p_k over the quanta not yet learned.
//   Michaud, Liu, Girit & Tegmark 2023, "The Quantization Model of Neural Scaling", NeurIPS,
//   arXiv:2303.13506 (lit-language.md 1.1).
//
// Mechanism and equations: with n quanta learned, L_n - L_inf ~ sum_{k>n} p_k ~ n^-alpha.
//   - parameters: each quantum costs a fixed number of parameters, n ~ N: exponent alpha;
//   - data (multi-epoch): quantum k is learned once seen tau times, D p_n = tau, so
//     n ~ D^(1/(alpha+1)): exponent alpha / (alpha + 1);
//   - steps (single epoch): quantum k needs ~1/p_k steps, the same map: alpha / (alpha + 1).
// The paper gives no compute exponent (see quanta/nam_solvable for one).
//
// Input: frequency_decay z, the rank-frequency exponent of the subtasks / features
// (p_k ~ k^-z), so alpha = z - 1. Its standard error gives a 95% interval by mapping
// z -+ 1.96 SE through the (monotone) exponent formula, the lower end of z clamped at 1.
//
// Assumptions, each with its NotApplicable reason:
//   - the quanta frequencies are normalisable, z > 1 ("needs frequency_decay z > 1");
//   - the curve's axis is one the model covers: params, data or steps (undeclared axes are
//     n/a by the harness).
// Not checked (no input says so): monogenic samples, that the learner is capacity-limited on the
// params axis, that the data curve is multi-epoch with early stopping.
// Exponent only: the full curve needs the per-quantum losses a, b and the constants tau, C,
// which no probe measures.
#include <algorithm>
#include <cmath>
#include <string>

#include "theories/theory.h"

namespace scalebench {
namespace {

// The exponent on `axis` as a function of z (> 1).
double MichaudExponent(Axis axis, double z) {
  const double alpha = z - 1.0;
  return axis == Axis::kParams ? alpha : alpha / (alpha + 1.0);
}

}  // namespace

class MichaudQuantization final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "quanta/michaud_quantization";
    info.summary =
        "quantization model: params alpha, data and steps alpha/(alpha+1), alpha = z - 1";
    info.citation = "Michaud, Liu, Girit & Tegmark 2023, NeurIPS, arXiv:2303.13506";
    info.inputs = {Property::kFrequencyDecay};
    info.axes = {Axis::kParams, Axis::kData, Axis::kSteps};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& z = request.profile().Get(Property::kFrequencyDecay);
    if (!(z.value > 1.0) || !std::isfinite(z.value)) {
      return Prediction::NotApplicable(
          "needs frequency_decay z > 1 (normalisable quanta frequencies p_k ~ k^-z)");
    }
    const Axis axis = request.axis();
    Estimate exponent;
    exponent.value = MichaudExponent(axis, z.value);
    if (z.std_error > 0 && std::isfinite(z.std_error)) {
      exponent.lower = MichaudExponent(axis, std::max(1.0, z.value - 1.96 * z.std_error));
      exponent.upper = MichaudExponent(axis, z.value + 1.96 * z.std_error);
    }
    const std::string formula = axis == Axis::kParams ? "alpha" : "alpha/(alpha+1)";
    return Prediction::Predicted(
        exponent,
        {},
        formula + " with alpha = z - 1 = " + std::to_string(z.value - 1.0) +
            " (z from frequency_decay); exponent only (per-quantum losses not measured)");
  }
};

SCALEBENCH_REGISTER_THEORY(MichaudQuantization);

}  // namespace scalebench
