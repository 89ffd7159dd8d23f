#include "harness/targets/target.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace scalebench {

const char* ToString(RunUnit unit) {
  switch (unit) {
    case RunUnit::kSeed:
      return "seed";
    case RunUnit::kSizeAndSeed:
      return "size_and_seed";
  }
  return "unknown";
}

std::string ComputeGridProblem(const std::vector<AxisDesign>& designs) {
  std::vector<const AxisDesign*> members;
  for (const AxisDesign& design : designs) {
    const std::string where = std::string("[") + ToString(design.axis) + "] design";
    if (design.axis == Axis::kCompute) {
      return where +
             ": the compute axis is derived from a compute grid of kSteps designs "
             "(AxisDesign::compute_grid), never trained on its own";
    }
    if (!design.own_cell && !design.compute_grid) {
      return where + " has no cell of its own (own_cell = false) and is not in the compute grid";
    }
    if (design.compute_grid) members.push_back(&design);
  }
  if (members.empty()) return "";
  std::vector<double> sizes;
  for (const AxisDesign* design : members) {
    const LearnerSpec& learner = design->learner;
    const std::string where = "compute grid model N = " + std::to_string(learner.parameters);
    if (design->axis != Axis::kSteps || design->unit != RunUnit::kSeed) {
      return where +
             ": a compute grid's models are kSteps designs of one run per seed (the loss "
             "at every checkpoint), not " +
             ToString(design->axis) + " / " + ToString(design->unit);
    }
    if (!(learner.parameters > 0) || !std::isfinite(learner.parameters)) {
      return where + ": learner.parameters (N) must be declared (> 0)";
    }
    if (!(learner.flops_per_step > 0) || !std::isfinite(learner.flops_per_step)) {
      return where + ": learner.flops_per_step must be declared (> 0; 6 N B for a network)";
    }
    if (learner.batch_size < 1) {
      return where + ": learner.batch_size (samples per step, D = steps x batch) must be >= 1";
    }
    const AxisDesign& first = *members.front();
    if (learner.loss != first.learner.loss || learner.kind != first.learner.kind ||
        design->seeds != first.seeds) {
      return where +
             ": every model of a compute grid has the same loss, learner kind and seeds "
             "as the first (" +
             first.learner.loss + ", " + first.learner.kind + ", " + std::to_string(first.seeds) +
             " seeds)";
    }
    if (std::find(sizes.begin(), sizes.end(), learner.parameters) != sizes.end()) {
      return where + ": two models of the compute grid have the same N";
    }
    sizes.push_back(learner.parameters);
  }
  if (sizes.size() < 3) {
    return "a compute grid needs at least 3 model sizes; it has " + std::to_string(sizes.size());
  }
  return "";
}

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

const char* ToString(RunStatus status) {
  switch (status) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kSkipped:
      return "skipped";
  }
  return "unknown";
}

RunResult RunResult::Ok(std::vector<double> losses, std::vector<RunDiagnostic> diagnostics) {
  RunResult result;
  result.status_ = RunStatus::kOk;
  result.losses_ = std::move(losses);
  result.diagnostics_ = std::move(diagnostics);
  return result;
}

RunResult RunResult::Failed(std::string reason) {
  RunResult result;
  result.status_ = RunStatus::kFailed;
  result.reason_ = reason.empty() ? "failed without a reason" : std::move(reason);
  return result;
}

RunResult RunResult::Skipped(std::string reason) {
  RunResult result;
  result.status_ = RunStatus::kSkipped;
  result.reason_ = reason.empty() ? "skipped without a reason" : std::move(reason);
  return result;
}

ProfileResult ProfileResult::Ok(Profile profile) {
  ProfileResult result;
  result.ok_ = true;
  result.profile_ = std::move(profile);
  return result;
}

ProfileResult ProfileResult::Failed(std::string reason) {
  ProfileResult result;
  result.reason_ = reason.empty() ? "failed without a reason" : std::move(reason);
  return result;
}

std::string RunPoint::Label() const {
  if (last == first + 1 && sizes.size() == 1) {
    return "size " + std::to_string(sizes[0]) + ", seed " + std::to_string(seed);
  }
  return "seed " + std::to_string(seed);
}

bool Target::Prepare(const AxisDesign&,
                     const RunContext&,
                     std::unique_ptr<const DesignData>* data,
                     std::string*) const {
  data->reset();
  return true;
}

TargetInfo Target::Info() const {
  TargetInfo info = Describe();
  info.name = name_;
  info.suites = suites_;
  return info;
}

TargetRegistry& TargetRegistry::Global() {
  static TargetRegistry registry;
  return registry;
}

namespace {

// "<family>/<variant>", both snake_case with digits and dots ("alpha0.5", "a2.0_b1.5"); capitals
// only where a paper's symbol is kept ("rhm_L3_s2_v32_m8": L is the RHM's depth).
bool WellFormedName(const std::string& name) {
  const auto slash = name.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == name.size()) return false;
  if (name.find('/', slash + 1) != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-';
  });
}

}  // namespace

void TargetRegistry::Add(TargetEntry entry) {
  if (!WellFormedName(entry.name)) {
    startup_errors_.push_back(
        "target '" + entry.name +
        "': a name is <family>/<variant> in snake_case (letters, digits, '_', '.', '-')");
    return;
  }
  if (entries_.count(entry.name) > 0) {
    startup_errors_.push_back("target '" + entry.name + "' registered twice");
    return;
  }
  if (!entry.invalid.empty()) {
    startup_errors_.push_back("target '" + entry.name + "': invalid options: " + entry.invalid);
  }
  const std::string name = entry.name;
  entries_.emplace(name, std::move(entry));
}

std::vector<std::string> TargetRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

const TargetEntry* TargetRegistry::Find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::unique_ptr<Target> TargetRegistry::Create(const std::string& name, std::string* error) const {
  const TargetEntry* entry = Find(name);
  if (entry == nullptr) {
    if (error != nullptr) {
      *error = "Unknown target '" + name + "'. Registered targets:";
      for (const auto& n : Names()) *error += " " + n;
    }
    return nullptr;
  }
  if (!entry->invalid.empty()) {
    if (error != nullptr) *error = "target '" + name + "': invalid options: " + entry->invalid;
    return nullptr;
  }
  std::unique_ptr<Target> target = entry->create();
  target->name_ = entry->name;
  target->suites_ = entry->suites;
  return target;
}

std::vector<std::string> TargetRegistry::Suite(const std::string& suite) const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) {
    if (std::find(entry.suites.begin(), entry.suites.end(), suite) != entry.suites.end()) {
      names.push_back(name);
    }
  }
  return names;
}

}  // namespace scalebench
