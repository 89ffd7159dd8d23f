// theories/kernel/cui_rates: the data exponent of kernel ridge regression from the capacity and
// source conditions, with the ridge schedule and label noise that the learner declares (Cui,
// Loureiro, Krzakala & Zdeborova 2021: the noiseless and noisy rates and their crossover).
//
// Mechanism: with eigenvalues lambda_k ~ k^-alpha (capacity alpha = b) and target power
// p_k ~ k^-(1 + 2 alpha r) (source r = (a - 1) / (2b), a the task-power decay), the modes with
// lambda_k above the effective regularisation are learned. In Cui et al.'s convention the ridge
// multiplies n, lambda_Cui = n^-l; a learner that adds a FIXED delta to the unnormalised Gram
// (K + delta I, the convention of LearnerSpec::ridge and harness/learners/kernel_ridge.h) has
// lambda_Cui = delta / n, i.e. l = 1, and a ridgeless learner l = infinity. The excess test error
// eps_g - sigma^2 then decays as n^-beta with (lit-spectral 2.4; rows 1-2 checked numerically
// there, rows 3-4 recalled from the paper, not verified in the text):
//   noiseless (sigma^2 = 0):      beta = 2 min(l, alpha) min(r, 1)   (= min(a-1, 2b) ridgeless,
//                                                                       (a-1)/b  for l = 1 < b)
//   noisy, l < alpha (fixed delta): beta = min(1 - l/alpha, 2 l min(r, 1))
//   noisy, ridgeless (l > alpha):  beta = 0 (the error stays O(sigma^2))
//   noisy, optimally tuned ridge: beta = 2 alpha min(r,1) / (1 + 2 alpha min(r,1)) (given in the
//     note only: a LearnerSpec cannot declare a tuned ridge)
// The crossover from the noiseless to the noisy rate happens where the noiseless excess error
// falls to the noise level; this plug-in gives the asymptotic (large-n) rate of the declared
// setting.
//   Cui, Loureiro, Krzakala & Zdeborova 2021, "Generalization error rates in kernel regression:
//   the crossover from the noiseless to noisy regime", NeurIPS, arXiv:2105.15004.
//
// Inputs: spectrum_decay b (capacity), task_power_decay a (source), label_noise_variance sigma^2
// (optional: absent is read as noiseless and the note says so), learner.ridge (0: ridgeless).
// Interval: from the standard errors of a and b (first-order propagation, 95%).
//
// Assumptions, each with its NotApplicable reason:
//   - kernel (ridge) regression on the full kernel: no feature bottleneck ("finite feature count");
//   - a squared loss ("loss ... is not a squared error");
//   - capacity alpha = b > 1 and a > 1 ("needs spectrum_decay b > 1", "needs task_power_decay a >
//   1");
//   - the data axis only (declared in axes).
#include <algorithm>
#include <cmath>
#include <string>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {

class CuiRates final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "kernel/cui_rates";
    info.summary =
        "kernel ridge data exponent from capacity and source, noiseless or noisy, by ridge "
        "schedule";
    info.citation = "Cui, Loureiro, Krzakala & Zdeborova 2021, NeurIPS, arXiv:2105.15004";
    info.inputs = {Property::kSpectrumDecay, Property::kTaskPowerDecay};
    info.optional_inputs = {Property::kLabelNoiseVariance};
    info.axes = {Axis::kData};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const LearnerSpec& learner = request.learner();
    if (std::isfinite(learner.features)) {
      return Prediction::NotApplicable(
          "finite feature count: the rates are for kernel regression on the full kernel");
    }
    if (learner.loss != "mse" && learner.loss != "excess_mse") {
      return Prediction::NotApplicable("loss '" + learner.loss + "' is not a squared error");
    }
    const Measurement& b = request.profile().Get(Property::kSpectrumDecay);
    const Measurement& a = request.profile().Get(Property::kTaskPowerDecay);
    if (!(b.value > 1)) {
      return Prediction::NotApplicable("needs spectrum_decay b > 1 (capacity alpha = b > 1)");
    }
    if (!(a.value > 1)) return Prediction::NotApplicable("needs task_power_decay a > 1");
    const auto noise = internal::OptionalScalar(request.profile(), Property::kLabelNoiseVariance);
    const bool noisy = noise.has_value() && *noise > 0;
    const bool ridgeless = !(learner.ridge > 0);
    const double alpha = b.value, r = (a.value - 1.0) / (2.0 * b.value);
    const double source = std::min(r, 1.0);
    // ell = 1 for a fixed ridge on K + delta I, infinity for ridgeless.
    const double ell = ridgeless ? kInfinite : 1.0;
    double beta = 0.0;
    std::string regime;
    double se = 0.0;  // first-order standard error of beta
    const double se_a = std::isfinite(a.std_error) ? a.std_error : 0.0;
    const double se_b = std::isfinite(b.std_error) ? b.std_error : 0.0;
    if (!noisy) {
      beta = 2.0 * std::min(ell, alpha) * source;
      regime = ridgeless ? "noiseless, ridgeless: 2 alpha min(r,1) = min(a-1, 2b)"
                         : "noiseless, fixed ridge (l = 1): 2 min(r,1) = min((a-1)/b, 2)";
      if (r < 1)
        se = ridgeless ? se_a : std::hypot(se_a / alpha, (a.value - 1) * se_b / (alpha * alpha));
    } else if (ridgeless) {
      beta = 0.0;
      regime = "noisy, ridgeless (l > alpha): the excess error stays O(sigma^2)";
    } else {
      const double variance = 1.0 - ell / alpha, bias = 2.0 * ell * source;
      beta = std::min(variance, bias);
      regime = "noisy, fixed ridge (l = 1): min(1 - 1/alpha, 2 min(r,1))";
      se = variance < bias
               ? se_b / (alpha * alpha)
               : (r < 1 ? std::hypot(se_a / alpha, (a.value - 1) * se_b / (alpha * alpha)) : 0.0);
    }
    const double x = 2.0 * alpha * source;
    std::string note = regime + "; alpha = b = " + internal::Format(alpha) +
                       ", r = (a-1)/(2b) = " + internal::Format(r) +
                       "; with a tuned ridge the noisy rate would be " +
                       internal::Format(x / (1.0 + x));
    if (!noise) note += "; label_noise_variance absent: read as noiseless";
    return Prediction::Predicted(internal::WithInterval(beta, se), {}, note);
  }
};

SCALEBENCH_REGISTER_THEORY(CuiRates);

}  // namespace scalebench
