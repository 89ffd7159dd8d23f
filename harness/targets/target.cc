#include "harness/targets/target.h"

#include <algorithm>
#include <limits>

namespace scalebench {

const char* ToString(Realism realism) {
  switch (realism) {
    case Realism::kExact:
      return "exact";
    case Realism::kToy:
      return "toy";
    case Realism::kRealData:
      return "real_data";
    case Realism::kUserExperiment:
      return "user_experiment";
  }
  return "unknown";
}

TargetRegistry& TargetRegistry::Global() {
  static TargetRegistry registry;
  return registry;
}

void TargetRegistry::Add(const std::string& name, Factory factory) {
  if (factories_.count(name) > 0) {
    startup_errors_.push_back("target '" + name + "' registered twice");
    return;
  }
  factories_[name] = std::move(factory);
}

std::vector<std::string> TargetRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  return names;
}

std::unique_ptr<Target> TargetRegistry::Create(const std::string& name, std::string* error) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    if (error != nullptr) {
      *error = "Unknown target '" + name + "'. Registered targets:";
      for (const auto& n : Names()) *error += " " + n;
    }
    return nullptr;
  }
  return it->second();
}

std::vector<std::string> TargetRegistry::Suite(const std::string& suite) const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) {
    const auto suites = factory()->Describe().suites;
    if (std::find(suites.begin(), suites.end(), suite) != suites.end()) names.push_back(name);
  }
  return names;
}

LearningCurve MissingRunsCurve(const AxisDesign& design) {
  LearningCurve curve;
  curve.axis = design.axis;
  curve.loss = design.learner.loss;
  curve.sizes = design.sizes;
  for (int j = 1; j <= design.seeds; ++j) curve.seeds.push_back(j);
  curve.values.assign(
      design.sizes.size(),
      std::vector<double>(curve.seeds.size(), std::numeric_limits<double>::quiet_NaN()));
  return curve;
}

}  // namespace scalebench
