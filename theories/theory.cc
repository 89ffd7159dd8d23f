#include "theories/theory.h"

#include <algorithm>
#include <cmath>
#include <exception>

namespace scalebench {

const char* ToString(PredictionStatus status) {
  switch (status) {
    case PredictionStatus::kPredicted:
      return "predicted";
    case PredictionStatus::kNotApplicable:
      return "not_applicable";
    case PredictionStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

Prediction Prediction::Predicted(Estimate exponent, std::vector<double> curve, std::string note) {
  Prediction p;
  p.status_ = PredictionStatus::kPredicted;
  p.exponent_ = exponent;
  p.curve_ = std::move(curve);
  p.message_ = std::move(note);
  return p;
}

Prediction Prediction::NotApplicable(std::string reason) {
  Prediction p;
  p.status_ = PredictionStatus::kNotApplicable;
  p.message_ = reason.empty() ? "(theory gave no reason: a bug in the theory)" : std::move(reason);
  return p;
}

Prediction Prediction::Failed(std::string reason) {
  Prediction p;
  p.status_ = PredictionStatus::kFailed;
  p.message_ = reason.empty() ? "(theory gave no reason: a bug in the theory)" : std::move(reason);
  return p;
}

TheoryRegistry& TheoryRegistry::Global() {
  static TheoryRegistry registry;
  return registry;
}

struct TheoryRegistry::Entry {
  TheoryInfo info;
  Factory factory;
};

void TheoryRegistry::Add(const std::function<TheoryInfo()>& describe, Factory factory) {
  TheoryInfo info;
  try {
    info = describe();
  } catch (const std::exception& e) {
    startup_errors_.push_back(std::string("Describe() threw: ") + e.what());
    return;
  } catch (...) {
    startup_errors_.push_back("Describe() threw a non-standard exception");
    return;
  }
  const std::string where = "theory '" + info.name + "': ";
  if (info.name.empty() || info.name.find('/') == std::string::npos) {
    startup_errors_.push_back(where + "name must be '<family>/<variant>'");
  }
  if (info.citation.empty()) startup_errors_.push_back(where + "citation is empty");
  if (info.summary.empty()) startup_errors_.push_back(where + "summary is empty");
  if (info.axes.empty()) startup_errors_.push_back(where + "predicts no axis");
  for (Property p : info.optional_inputs) {
    if (std::find(info.inputs.begin(), info.inputs.end(), p) != info.inputs.end()) {
      startup_errors_.push_back(where + "input '" + ToString(p) +
                                "' is both required and optional");
    }
  }
  if (entries_.count(info.name) > 0) {
    startup_errors_.push_back(where + "registered twice");
    return;
  }
  auto entry = std::make_shared<Entry>();
  entry->info = info;
  entry->factory = std::move(factory);
  entries_[info.name] = entry;
}

std::vector<std::string> TheoryRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

const TheoryInfo* TheoryRegistry::Find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second->info;
}

std::unique_ptr<Theory> TheoryRegistry::Create(const std::string& name, std::string* error) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    if (error != nullptr) {
      *error = "Unknown theory '" + name + "'. Registered theories:";
      for (const auto& n : Names()) *error += " " + n;
    }
    return nullptr;
  }
  return it->second->factory();
}

namespace {

std::string MissingInputs(const TheoryInfo& info, const Profile& profile) {
  std::string missing;
  for (Property p : info.inputs) {
    if (!profile.Has(p)) missing += (missing.empty() ? "" : ", ") + std::string(ToString(p));
  }
  for (Series s : info.series_inputs) {
    if (!profile.Has(s)) missing += (missing.empty() ? "" : ", ") + std::string(ToString(s));
  }
  return missing;
}

Prediction CheckResult(const TheoryInfo& info,
                       const PredictionRequest& request,
                       Prediction result) {
  if (!result.predicted()) return result;
  const Estimate& e = result.exponent();
  if (!std::isfinite(e.value)) {
    return Prediction::Failed("theory returned a non-finite exponent");
  }
  if ((e.lower && !(*e.lower <= e.value)) || (e.upper && !(*e.upper >= e.value))) {
    return Prediction::Failed("theory returned an interval that does not contain its exponent");
  }
  if (result.has_curve()) {
    if (result.curve().size() != request.sizes().size()) {
      return Prediction::Failed("theory returned a curve of " +
                                std::to_string(result.curve().size()) + " points for " +
                                std::to_string(request.sizes().size()) + " sizes");
    }
    for (double v : result.curve()) {
      if (!std::isfinite(v)) return Prediction::Failed("theory returned a non-finite curve value");
    }
  }
  (void)info;
  return result;
}

}  // namespace

Prediction RunTheory(const Theory& theory,
                     const TheoryInfo& info,
                     const PredictionRequest& request) {
  if (std::find(info.axes.begin(), info.axes.end(), request.axis()) == info.axes.end()) {
    return Prediction::NotApplicable(std::string("does not predict the ") +
                                     ToString(request.axis()) + " axis");
  }
  const std::string missing = MissingInputs(info, request.profile());
  if (!missing.empty()) return Prediction::NotApplicable("missing input: " + missing);
  try {
    return CheckResult(info, request, theory.Predict(request));
  } catch (const std::exception& e) {
    return Prediction::Failed(std::string("theory threw: ") + e.what());
  } catch (...) {
    return Prediction::Failed("theory threw a non-standard exception");
  }
}

}  // namespace scalebench
