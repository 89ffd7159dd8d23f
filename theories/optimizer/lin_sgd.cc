// theories/optimizer/lin_sgd: scaling laws of sketched linear regression trained by SGD.
//   Lin, Wu, Kakade, Bartlett & Lee 2024, "Scaling Laws in Linear Regression: Compute,
//   Parameters, and Data", NeurIPS, arXiv:2406.08466 (lit-spectral.md 3.3; anchors-2026.md 2.2);
//   the source-condition and multi-pass forms: Lin, Wu & Bartlett 2025, "Improved Scaling Laws in
//   Linear Regression via Data Reuse", arXiv:2506.08415 [abstract].
//
// Model: Gaussian covariates with covariance eigenvalues i^-a_L (a_L > 1), a Gaussian prior on
// the optimum, a Gaussian sketch to M trainable parameters, one-pass SGD on N fresh samples. The
// reducible risk is Theta(M^-(a_L-1) + N_eff^-(a_L-1)/a_L), N_eff = N / log N (isotropic prior);
// with a prior aligned at degree b_L - a_L (a_L > b_L > 1) it is Theta(M^(1-b_L) +
// N^((1-b_L)/a_L)), and multi-pass SGD over N samples reaches Theta(M^(1-b_L) + L^((1-b_L)/a_L))
// after L <~ N^(a_L/b_L) iterations. Mapping to the unified notation (sgd_inputs.h): the covariance
// degree a_L is b (spectrum_decay); the prior's task-power degree (a_L for the isotropic prior, b_L
// with a source) is a (task_power_decay). Both papers together cover a <= b.
//   params (M):    a - 1;
//   steps:         (a - 1)/b in samples N = steps x batch (one pass), or in iterations L =
//                  steps x batch at a fixed N = train_size (multi-pass) while L <= N^(b/a);
//   compute C = M N: L = M^-(a-1) + N^-(a-1)/b balanced at N ~ M^b: (a - 1)/(1 + b), with
//                  M* ~ C^1/(1+b), N* ~ C^b/(1+b) (derived from the bound [D]; log factors
//                  dropped).
//
// Inputs: spectrum_decay b, task_power_decay a; optional spectrum_trace (stability). From the
// learner spec: optimizer, learning rate, batch, train_size, ridge, loss.
//
// Assumptions, each with its NotApplicable reason:
//   - a > 1 ("needs task_power_decay a > 1");
//   - the prior's power falls no faster than the spectrum, a <= b within twice the inputs'
//     combined standard error ("a > b: a source condition outside the bounds' range");
//   - steps and compute: SGD on a squared error with a declared learning rate and batch
//     (sgd_inputs.h NotSgd), inside the stability bound when the trace is known; compute also one
//     pass (train_size = infinity); steps with a finite train_size only up to L = N^(b/a);
//   - params: the N -> infinity limit, a closed-form ridgeless learner at infinite data.
// Not checked (the spec has no field for it): the step-size schedule. The bounds are proved for a
// constant step followed by geometric decay; a constant step leaves the bias term, which carries
// the exponents, as it is. The interval is the range over the inputs' 95% box.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "theories/optimizer/sgd_inputs.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

double ParamsExponent(double a, double) {
  return a - 1.0;
}
double StepsExponent(double a, double b) {
  return (a - 1.0) / b;
}
double ComputeExponent(double a, double b) {
  return (a - 1.0) / (1.0 + b);
}

}  // namespace

class LinSgd final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "optimizer/lin_sgd";
    info.summary =
        "sketched linear regression by SGD: M^-(a-1), N^-(a-1)/b (one or multi-pass), compute "
        "C^-(a-1)/(1+b)";
    info.citation =
        "Lin, Wu, Kakade, Bartlett & Lee 2024, NeurIPS, arXiv:2406.08466; Lin, Wu & Bartlett "
        "2025, arXiv:2506.08415";
    info.inputs = {Property::kSpectrumDecay, Property::kTaskPowerDecay};
    info.optional_inputs = {Property::kSpectrumTrace};
    info.axes = {Axis::kSteps, Axis::kCompute, Axis::kParams};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    using namespace optimizer_internal;
    const PowerLaws p = ReadPowerLaws(request.profile());
    if (!(p.a > 1.0)) {
      return Prediction::NotApplicable("needs task_power_decay a > 1 (a finite target power)");
    }
    const double slack = 2.0 * std::sqrt(p.se_a * p.se_a + p.se_b * p.se_b);
    if (p.a - p.b > slack) {
      return Prediction::NotApplicable(
          "task_power_decay a = " + Format(p.a) + " > spectrum_decay b = " + Format(p.b) +
          ": the prior's power falls faster than the spectrum, a source condition outside the "
          "bounds' range a <= b (isotropic prior a = b, or a < b)");
    }
    const LearnerSpec& learner = request.learner();
    const std::string ab = " (a = " + Format(p.a) + ", b = " + Format(p.b) + ")";
    const auto in_box = [&p](double (*f)(double, double)) {
      return BoxInterval(p, f(p.a, p.b), [f](double a, double b) -> std::optional<double> {
        if (!(a > 1.0) || !(b > 0.0)) return std::nullopt;
        return f(a, b);
      });
    };
    if (request.axis() == Axis::kParams) {
      if (!learner.optimizer.empty() || learner.ridge != 0.0 || std::isfinite(learner.train_size)) {
        return Prediction::NotApplicable(
            "the M-exponent is the N -> infinity limit: needs a closed-form ridgeless learner "
            "(no optimizer, ridge = 0) at train_size = infinity");
      }
      return Prediction::Predicted(in_box(ParamsExponent), {}, "approximation error M^-(a-1)" + ab);
    }
    const bool one_pass = request.axis() == Axis::kCompute;
    if (auto why = NotSgd(learner, one_pass)) return Prediction::NotApplicable(*why);
    if (auto why = Unstable(request.profile(), learner)) return Prediction::NotApplicable(*why);
    if (request.axis() == Axis::kCompute) {
      return Prediction::Predicted(in_box(ComputeExponent),
                                   {},
                                   "C = M N, M* ~ C^" + Format(1.0 / (1.0 + p.b)) + ", N* ~ C^" +
                                       Format(p.b / (1.0 + p.b)) + ab);
    }
    if (!std::isfinite(learner.train_size)) {
      return Prediction::Predicted(
          in_box(StepsExponent), {}, "one-pass SGD, N = steps x batch: N^-(a-1)/b" + ab);
    }
    const std::vector<double>& sizes = request.sizes();
    const double iterations =
        (sizes.empty() ? 0.0 : *std::max_element(sizes.begin(), sizes.end())) * learner.batch_size;
    const double horizon = std::pow(learner.train_size, p.b / std::max(p.a, 1.0));
    if (iterations > horizon) {
      return Prediction::NotApplicable(
          "multi-pass SGD beyond the data-reuse horizon: " + Format(iterations) +
          " iterations > N^(b/a) = " + Format(horizon) + " for N = " + Format(learner.train_size) +
          ab);
    }
    return Prediction::Predicted(in_box(StepsExponent),
                                 {},
                                 "multi-pass SGD on N = " + Format(learner.train_size) +
                                     ": L^-(a-1)/b for L <= N^(b/a)" + ab);
  }
};

SCALEBENCH_REGISTER_THEORY(LinSgd);

}  // namespace scalebench
