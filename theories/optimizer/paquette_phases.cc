// theories/optimizer/paquette_phases: the compute-optimal phase map of the power-law random
// features model trained by one-pass SGD.
//   Paquette, Paquette, Xiao & Pennington 2024, "4+3 Phases of Compute-Optimal Neural Scaling
//   Laws", NeurIPS, arXiv:2405.15074 (lit-spectral.md 3.1; corrections: anchors-2026.md 2.1).
//
// Mechanism: the expected loss of one-pass SGD obeys a convolution-type Volterra equation whose
// solution is, up to constants, the sum of a limit level F_0(d) (capacity), a pure-point forcing
// F_pp(r) (gradient-flow learning of the top modes), an absolutely-continuous forcing F_ac(r, d)
// (feature-embedding distortion, 2beta > 1) and an SGD-noise term driven by the kernel K_pp(r).
// At a compute budget f = d B r the optimal width balances the two terms that dominate there;
// which two defines the phase. The formulas per phase, their boundaries and the steps exponent:
// paquette_phase_map.h.
//
// Inputs (unified notation, sgd_inputs.h): spectrum_decay b = 2 alpha, task_power_decay
// a = 2 alpha + 2 beta, i.e. alpha = b / 2, beta = (a - b) / 2; optional spectrum_trace for the
// stability check. From the learner spec: optimizer, learning rate, batch, train_size, loss.
// Axes: steps (loss vs r at fixed d, the exponent of the term the frontier balances) and compute
// (eta of the frontier P* ~ f^-eta; xi of d* ~ f^xi is in the note).
//
// Assumptions, each with its NotApplicable reason:
//   - a finite target power, 2(alpha + beta) > 1 ("needs task_power_decay a > 1");
//   - alpha > 0 ("needs spectrum_decay b > 0");
//   - one-pass SGD on the squared error with a declared learning rate and batch (sgd_inputs.h
//     NotSgd: no optimizer, another optimizer, finite train_size, another loss);
//   - a learning rate inside the stability bound, checked when the profile has the data trace
//     (sgd_inputs.h Unstable);
//   - Phase IV (2beta > 1, 1/4 < alpha < 1/2): the paper's exponents there were not transcribed;
//     the reason lists the two candidate formulas at the given point (paquette_phase_map.h); the
//     measured Phase IV points of power_law_random_features do not yet tell them apart on widths
//     100..1600 (docs/theories.md).
// Not checked (no input says so): Gaussian data and N(0, 1/d) features; for 2alpha < 1 the
// learning rate ~ d^(2alpha - 1) (gamma ~ 1 / tr D with v ~ d) that the Ib/Ic/IV balances use;
// d large (the exponents are asymptotic in d and f). The interval is the range of the formula
// over the inputs' 95% box (sgd_inputs.h BoxInterval).
#include <optional>
#include <string>

#include "theories/optimizer/paquette_phase_map.h"
#include "theories/optimizer/sgd_inputs.h"
#include "theories/theory.h"

namespace scalebench {

class PaquettePhases final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "optimizer/paquette_phases";
    info.summary =
        "4+3 phases of one-pass SGD on power-law random features: steps exponent and "
        "compute-optimal eta per phase";
    info.citation = "Paquette, Paquette, Xiao & Pennington 2024, NeurIPS, arXiv:2405.15074";
    info.inputs = {Property::kSpectrumDecay, Property::kTaskPowerDecay};
    info.optional_inputs = {Property::kSpectrumTrace};
    info.axes = {Axis::kSteps, Axis::kCompute};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    using namespace optimizer_internal;
    const PowerLaws p = ReadPowerLaws(request.profile());
    if (!(p.a > 1.0)) {
      return Prediction::NotApplicable(
          "needs task_power_decay a = 2(alpha + beta) > 1 (a finite target power)");
    }
    if (!(p.b > 0.0)) return Prediction::NotApplicable("needs spectrum_decay b = 2 alpha > 0");
    if (auto why = NotSgd(request.learner(), true)) return Prediction::NotApplicable(*why);
    if (auto why = Unstable(request.profile(), request.learner()))
      return Prediction::NotApplicable(*why);

    const double alpha = p.alpha(), beta = p.beta();
    const std::optional<PhaseExponents> phase = PhaseMap(alpha, beta);
    const std::string where = "(alpha, beta) = (" + Format(alpha) + ", " + Format(beta) + ")";
    if (!phase) {
      const double xi_a = CapacityBalanceXi(alpha, beta);
      return Prediction::NotApplicable(
          "Phase IV at " + where +
          " (2beta > 1, 1/4 < alpha < 1/2): the paper's exponents were not transcribed; "
          "candidates: A (F_pp vs F_0, no SGD noise) xi = " +
          Format(xi_a) + ", eta = " + Format(2 * alpha * xi_a) +
          "; B (SGD noise vs F_0) xi = 0.5, eta = " + Format(alpha));
    }
    const bool steps = request.axis() == Axis::kSteps;
    // Across a boundary the neighbour's formula continues this one (Phase IV is left out).
    const auto formula = [steps](double a, double b) -> std::optional<double> {
      if (!(a > 1.0) || !(b > 0.0)) return std::nullopt;
      const std::optional<PhaseExponents> e = PhaseMap(b / 2.0, (a - b) / 2.0);
      if (!e) return std::nullopt;
      return steps ? e->steps : e->eta;
    };
    const Estimate exponent = BoxInterval(p, steps ? phase->steps : phase->eta, formula);
    std::string note = std::string("Phase ") + ToString(phase->phase) + " at " + where + ", " +
                       phase->balance + "; ";
    if (steps) {
      note += phase->phase == PlrfPhase::kIII
                  ? "steps exponent 2 - 1/(2alpha) of the SGD-noise kernel K_pp"
                  : "steps exponent (2alpha + 2beta - 1)/(2alpha) of F_pp";
      if (phase->phase == PlrfPhase::kII || phase->phase == PlrfPhase::kIII) {
        note +=
            " (later F_ac ~ r^-" + Format(1.0 - 1.0 / (2.0 * alpha)) + " before the limit level)";
      }
    } else {
      note += "compute-optimal P* ~ f^-" + Format(phase->eta) + ", d* ~ f^" + Format(phase->xi);
    }
    return Prediction::Predicted(exponent, {}, note);
  }
};

SCALEBENCH_REGISTER_THEORY(PaquettePhases);

}  // namespace scalebench
