// The theory plug-in API: the one header a theory author includes.
//
// A theory turns a measured dataset Profile plus the learner's declared LearnerSpec into a
// predicted scaling exponent (loss ~ size^-exponent) for one axis, and where it can, a predicted
// loss at each size of the design grid. It never sees a learning curve: PredictionRequest holds
// only the profile, the spec, the axis and the grid of sizes, and the theories/ tree may not
// include anything from harness/ (tests/conformance/leakage_guard checks this).
//
// Writing a theory (the whole file; see README.md "Add a theory"):
//
//   class MyTheory final : public Theory {
//    public:
//     static TheoryInfo Describe() {
//       TheoryInfo info;
//       info.name = "family/variant";
//       info.summary = "one line";
//       info.citation = "Author et al. 2024, arXiv:xxxx.xxxxx";
//       info.inputs = {Property::kSpectrumDecay};
//       info.axes = {Axis::kData};
//       return info;
//     }
//     Prediction Predict(const PredictionRequest& request) const override {
//       double b = request.profile().Get(Property::kSpectrumDecay).value;
//       if (b <= 1) return Prediction::NotApplicable("needs spectrum_decay > 1");
//       return Prediction::Predicted({b - 1});
//     }
//   };
//   SCALEBENCH_REGISTER_THEORY(MyTheory);
//
// WARNING #1: do not re-check declared inputs. The harness checks `inputs` and `series_inputs`
// before it calls Predict and records NotApplicable("missing input: ...") itself.
// WARNING #2: every NotApplicable and Failed needs a reason a leaderboard reader understands.
// WARNING #3: Predict must be deterministic and thread-safe: no mutable state, no global RNG.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "datasets/profile.h"
#include "theories/learner_spec.h"

namespace scalebench {

// Everything a theory may look at. Built by the harness from a target's profile and design.
class PredictionRequest {
 public:
  PredictionRequest(const Profile& profile,
                    const LearnerSpec& learner,
                    Axis axis,
                    std::vector<double> sizes)
      : profile_(&profile), learner_(&learner), axis_(axis), sizes_(std::move(sizes)) {}

  const Profile& profile() const { return *profile_; }
  const LearnerSpec& learner() const { return *learner_; }
  Axis axis() const { return axis_; }
  // The design grid: sizes at which a predicted curve is wanted (never the measured losses).
  const std::vector<double>& sizes() const { return sizes_; }

 private:
  const Profile* profile_;
  const LearnerSpec* learner_;
  Axis axis_;
  std::vector<double> sizes_;
};

// A value with an optional interval (e.g. propagated from the inputs' standard errors).
struct Estimate {
  double value = 0.0;
  std::optional<double> lower;
  std::optional<double> upper;
};

enum class PredictionStatus { kPredicted, kNotApplicable, kFailed };
const char* ToString(PredictionStatus status);

// The result of Theory::Predict. Built only through the three named constructors, so that
// "not applicable" and "failed" always carry a reason.
class Prediction {
 public:
  // `exponent`: loss ~ size^-exponent on the requested axis (positive means loss falls).
  // `curve`: optional predicted loss at each of request.sizes() (same order, same loss units as
  // the learner's declared loss), or empty. `note`: how the number was obtained.
  static Prediction Predicted(Estimate exponent,
                              std::vector<double> curve = {},
                              std::string note = "");
  static Prediction NotApplicable(std::string reason);
  static Prediction Failed(std::string reason);

  PredictionStatus status() const { return status_; }
  bool predicted() const { return status_ == PredictionStatus::kPredicted; }
  // The reason for NotApplicable/Failed; the note for Predicted.
  const std::string& message() const { return message_; }
  const Estimate& exponent() const { return exponent_; }
  const std::vector<double>& curve() const { return curve_; }
  bool has_curve() const { return !curve_.empty(); }

 private:
  Prediction() = default;
  PredictionStatus status_ = PredictionStatus::kFailed;
  std::string message_;
  Estimate exponent_;
  std::vector<double> curve_;
};

// Static description of a theory: what it reads and what it predicts.
struct TheoryInfo {
  std::string name;                       // "<family>/<variant>", the family being the folder name
  std::string summary;                    // one line
  std::string citation;                   // authors, year, arXiv or DOI (required)
  std::vector<Property> inputs;           // scalars it needs
  std::vector<Series> series_inputs;      // raw arrays it needs
  std::vector<Property> optional_inputs;  // scalars it uses when present
  std::vector<Axis> axes;                 // the axes whose exponent it predicts
  bool predicts_curve = false;            // whether it returns a curve as well
};

class Theory {
 public:
  Theory() = default;
  Theory(const Theory&) = delete;
  Theory& operator=(const Theory&) = delete;
  virtual ~Theory() = default;
  virtual Prediction Predict(const PredictionRequest& request) const = 0;
};

}  // namespace scalebench

#include "theories/registry.h"
