// theories/data_manifold/sharma_kaplan: in the resolution-limited regime the loss falls as
// size^-(4/d), d being the intrinsic dimension of the data manifold.
//
// Mechanism (lit-spectral 4.1, 4.2): a model that resolves a smooth d-dimensional data manifold
// cuts it into ~N regions of linear size s ~ N^(-1/d) and fits a piecewise-linear function; the
// error per region is O(s^2) and the loss (MSE, or the KL part of cross-entropy) is quadratic in
// it, so L ~ s^4 ~ N^(-4/d). Bahri et al. give the same estimate for the data axis in the
// resolution-limited data regime (a model much larger than the training set, which interpolates
// the D points: the spacing of the training points on the manifold is ~ D^(-1/d), so L ~ D^(-4/d)),
// with 1/d as the rigorous bound (their Theorems 2 and 3) and 4/d as the generic estimate.
// Equation: exponent = 4 / d on both the params and the data axes, with a 95% interval by the
// delta method, SE(4/d) = 4 SE(d) / d^2.
//   Sharma & Kaplan 2022, "Scaling Laws from the Data Manifold Dimension", JMLR 23(9):1-34,
//   arXiv:2004.10802; Bahri, Dyer, Kaplan, Lee & Sharma 2021, "Explaining Neural Scaling Laws",
//   arXiv:2102.06701 (PNAS 2024), the resolution-limited regimes (Theorems 2 and 3, estimate 4/d).
//
// Inputs:
//   intrinsic_dimension d (1): nearest-neighbour estimate (datasets/probes/intrinsic_dimension.h)
//     with its SE. The papers measure d on the network's final-layer representation; a d
//     measured on the raw inputs is a proxy (the note says which method measured it).
//
// Assumptions, each with its NotApplicable reason:
//   - a positive, finite dimension ("needs intrinsic_dimension d > 0");
//   - a loss that is locally quadratic in the error, MSE or cross-entropy ("loss '...'");
//   - resolution-limited regime, params axis: the training set stays larger than every model
//     size swept (D >> N; "train_size ... does not exceed"), data axis: the model stays larger
//     than every training-set size swept (N >> D; "features ... does not exceed");
//   - a smooth target on the manifold and a model that fits piecewise-linearly (a neural net):
//     not checkable from the spec, so stated here and in the note instead of an n/a.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {

class SharmaKaplan final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "data_manifold/sharma_kaplan";
    info.summary = "resolution-limited exponent 4/d from the data manifold's intrinsic dimension";
    info.citation =
        "Sharma & Kaplan 2022, JMLR 23(9):1-34, arXiv:2004.10802; Bahri, Dyer, Kaplan, Lee & "
        "Sharma 2021, arXiv:2102.06701";
    info.inputs = {Property::kIntrinsicDimension};
    info.axes = {Axis::kParams, Axis::kData};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& d = request.profile().Get(Property::kIntrinsicDimension);
    if (!(d.value > 0.0) || !std::isfinite(d.value)) {
      return Prediction::NotApplicable("needs intrinsic_dimension d > 0 and finite (got " +
                                       internal::Format(d.value) + ")");
    }
    const std::string& loss = request.learner().loss;
    if (!QuadraticLoss(loss)) {
      return Prediction::NotApplicable("loss '" + loss +
                                       "': the 4/d estimate is for MSE or "
                                       "cross-entropy (a loss quadratic in the fit error)");
    }
    if (const std::string reason = RegimeViolation(request); !reason.empty()) {
      return Prediction::NotApplicable(reason);
    }
    const double exponent = 4.0 / d.value;
    return Prediction::Predicted(
        internal::WithInterval(exponent, d.std_error, exponent / d.value), {}, Note(request, d));
  }

 private:
  static bool QuadraticLoss(const std::string& loss) {
    return loss == "excess_mse" || loss == "mse" || loss.rfind("cross_entropy", 0) == 0;
  }

  // The regime needs the other size much larger than every size swept; "larger" is all the spec
  // lets us check. Empty when the regime holds.
  static std::string RegimeViolation(const PredictionRequest& request) {
    const std::vector<double>& sizes = request.sizes();
    const double largest = sizes.empty() ? 0.0 : *std::max_element(sizes.begin(), sizes.end());
    const LearnerSpec& learner = request.learner();
    if (request.axis() == Axis::kParams && learner.train_size <= largest) {
      return "train_size " + internal::Format(learner.train_size) +
             " does not exceed the largest "
             "model size " +
             internal::Format(largest) +
             ": not the resolution-limited model "
             "regime (needs data >> parameters)";
    }
    if (request.axis() == Axis::kData && learner.features <= largest) {
      return "features " + internal::Format(learner.features) +
             " does not exceed the largest "
             "training-set size " +
             internal::Format(largest) +
             ": not the resolution-limited "
             "data regime (needs parameters >> data, an interpolating model)";
    }
    return "";
  }

  static std::string Note(const PredictionRequest& request, const Measurement& d) {
    std::string note = "4/d with d = " + internal::Format(d.value);
    if (d.std_error > 0) note += " +- " + internal::Format(d.std_error);
    if (!d.method.empty()) note += " (" + d.method + ")";
    note += request.axis() == Axis::kParams
                ? "; resolution-limited model regime (D >> N)"
                : "; resolution-limited data regime (N >> D, Bahri et al.)";
    return note + "; assumes a smooth target fitted piecewise-linearly (a neural net)";
  }
};

SCALEBENCH_REGISTER_THEORY(SharmaKaplan);

}  // namespace scalebench
