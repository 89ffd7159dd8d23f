// The target conformance kit: checks that a registered target keeps the contract of
// harness/targets/target.h, without training it. Header-only and framework-free:
//
//   #include "harness/targets/testing/target_conformance.h"
//   for (const std::string& problem : scalebench::testing::CheckTarget("family/variant")) {
//     FAIL_CHECK(problem);
//   }
//   for (const std::string& problem : scalebench::testing::CheckTargetKeysDistinct()) ...
//
// What it checks (tests/targets/target_conformance_test.cc runs it over every registered target
// and against deliberately broken ones):
//   - the name is "<family>/<variant>", the options are valid, and Visit names every data member
//     of the options (a member left out would be missing from the cache keys);
//   - Describe() is complete: summary, dataset family, version >= 1; home theories are registered;
//   - Designs(): at least one, distinct axes (among designs with a cell of their own), every grid
//     valid with >= 3 sizes, >= 1 seed, a learner kind and a loss from the closed vocabulary
//     (kLosses), and a well-formed compute grid if one is declared (ComputeGridProblem);
//   - keys are stable (the same twice) and sensitive to every declared field: perturbing a kCurve
//     or kBoth field changes every run key, a kProfile or kBoth field changes the profile key, a
//     kDesign field changes which runs exist; a kCurve/kDesign field leaves the profile key alone
//     and a kProfile/kDesign field leaves the run keys alone;
//   - CheckTargetKeysDistinct: no two registered targets share a run or profile key.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "harness/runner/run_loop.h"
#include "harness/store/run_cache.h"
#include "harness/targets/target.h"
#include "theories/theory.h"

namespace scalebench::testing {

// The losses a learning curve may be measured in (LearnerSpec::loss).
inline const std::vector<std::string>& kLosses() {
  static const std::vector<std::string> losses = {
      "excess_mse", "mse", "error_rate", "cross_entropy_nats", "excess_cross_entropy_nats"};
  return losses;
}

// Every run key of every design of `target`, in enumeration order.
inline std::vector<std::string> AllRunKeys(const Target& target) {
  std::vector<std::string> keys;
  const TargetInfo info = target.Info();
  const std::string text = target.RunKeyText();
  for (const AxisDesign& design : target.Designs()) {
    for (const RunPoint& point : EnumerateRuns(design)) {
      keys.push_back(RunKey(info, text, design, point));
    }
  }
  return keys;
}

// What the designs ask for, independent of the options' keys: axis, learner, grid, seeds, and
// which designs form the compute grid or have a cell of their own.
inline std::string DesignShape(const Target& target) {
  std::string shape;
  for (const AxisDesign& design : target.Designs()) {
    shape += CanonicalLearner(design) + ";sizes=" + design.sizes.ToString() +
             ";seeds=" + std::to_string(design.seeds) + ";unit=" + ToString(design.unit) +
             ";compute_grid=" + std::to_string(design.compute_grid) +
             ";own_cell=" + std::to_string(design.own_cell) + "|";
  }
  return shape;
}

inline std::vector<std::string> CheckDesigns(const Target& target, const std::string& name) {
  std::vector<std::string> problems;
  const std::vector<AxisDesign> designs = target.Designs();
  if (designs.empty()) problems.push_back(name + ": Designs() is empty");
  std::set<Axis> axes;
  for (const AxisDesign& design : designs) {
    const std::string where = name + " [" + ToString(design.axis) + "]";
    // One cell per axis; the other model sizes of a compute grid are grid-only.
    if (design.own_cell && !axes.insert(design.axis).second) {
      problems.push_back(where + ": axis appears twice");
    }
    std::string error;
    if (!design.sizes.IsValid(&error)) problems.push_back(where + ": sizes: " + error);
    if (design.sizes.size() < 3) problems.push_back(where + ": fewer than 3 sizes");
    if (design.seeds < 1) problems.push_back(where + ": seeds < 1");
    if (design.learner.kind.empty()) problems.push_back(where + ": learner kind is empty");
    const auto& losses = kLosses();
    if (std::find(losses.begin(), losses.end(), design.learner.loss) == losses.end()) {
      problems.push_back(where + ": loss '" + design.learner.loss + "' is not in the vocabulary");
    }
  }
  if (const std::string grid = ComputeGridProblem(designs); !grid.empty()) {
    problems.push_back(name + ": " + grid);
  }
  return problems;
}

inline std::vector<std::string> CheckPerturbations(const TargetEntry& entry, const Target& target) {
  std::vector<std::string> problems;
  const std::string name = entry.name;
  const TargetInfo info = target.Info();
  const std::vector<std::string> run_keys = AllRunKeys(target);
  const std::string profile_key = ProfileKey(info, target.ProfileKeyText());
  const std::string shape = DesignShape(target);
  for (int index = 0;; ++index) {
    std::optional<TargetEntry::Perturbed> perturbed = entry.perturb(index);
    if (!perturbed) break;
    if (perturbed->target == nullptr) continue;  // no valid nearby value (e.g. an enum)
    Target& other = *perturbed->target;
    // The perturbed target is the same variant: stamp nothing, compare with the same name.
    TargetInfo other_info = other.Describe();
    other_info.name = info.name;
    std::vector<std::string> other_keys;
    for (const AxisDesign& design : other.Designs()) {
      for (const RunPoint& point : EnumerateRuns(design)) {
        other_keys.push_back(RunKey(other_info, other.RunKeyText(), design, point));
      }
    }
    const std::string other_profile = ProfileKey(other_info, other.ProfileKeyText());
    const std::string field =
        name + ": option '" + perturbed->field + "' (" + ToString(perturbed->role) + ")";
    const bool runs_changed = other.RunKeyText() != target.RunKeyText();
    const bool profile_changed = other_profile != profile_key;
    const bool shape_changed = DesignShape(other) != shape;
    switch (perturbed->role) {
      case FieldRole::kCurve:
        if (!runs_changed) problems.push_back(field + " does not change the run keys");
        if (profile_changed) problems.push_back(field + " changes the profile key");
        break;
      case FieldRole::kProfile:
        if (!profile_changed) problems.push_back(field + " does not change the profile key");
        if (runs_changed) problems.push_back(field + " changes the run keys");
        break;
      case FieldRole::kBoth:
        if (!runs_changed) problems.push_back(field + " does not change the run keys");
        if (!profile_changed) problems.push_back(field + " does not change the profile key");
        break;
      case FieldRole::kDesign:
        if (!shape_changed) problems.push_back(field + " does not change the designs");
        if (runs_changed || profile_changed) problems.push_back(field + " changes a cache key");
        break;
      case FieldRole::kPlain:
        problems.push_back(field + " has no role: use Curve, Profile, Both or Design");
        break;
    }
    if (runs_changed) {
      for (std::size_t k = 0; k < std::min(run_keys.size(), other_keys.size()); ++k) {
        if (run_keys[k] == other_keys[k]) {
          problems.push_back(field + " leaves run key " + run_keys[k] + " unchanged");
          break;
        }
      }
    }
  }
  return problems;
}

// Every check of one registered target; empty when it conforms.
inline std::vector<std::string> CheckTarget(const std::string& name) {
  std::vector<std::string> problems;
  const TargetEntry* entry = TargetRegistry::Global().Find(name);
  if (entry == nullptr) return {name + ": not registered"};
  std::string error;
  std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, &error);
  if (target == nullptr) return {name + ": " + error};
  if (entry->aggregate_members != entry->visited_fields) {
    problems.push_back(name + ": the options have " + std::to_string(entry->aggregate_members) +
                       " data members but Visit names " + std::to_string(entry->visited_fields));
  }
  if (!target->IsValid(&error)) problems.push_back(name + ": invalid options: " + error);
  const TargetInfo info = target->Info();
  if (info.name != name) problems.push_back(name + ": Info().name is '" + info.name + "'");
  if (info.summary.empty()) problems.push_back(name + ": no summary");
  if (info.dataset_family.empty()) problems.push_back(name + ": no dataset_family");
  if (info.version < 1) problems.push_back(name + ": version < 1");
  if (info.suites.empty()) problems.push_back(name + ": in no suite");
  for (const std::string& theory : info.home_theories) {
    if (TheoryRegistry::Global().Find(theory) == nullptr) {
      problems.push_back(name + ": home theory '" + theory + "' is not registered");
    }
  }
  for (auto& p : CheckDesigns(*target, name)) problems.push_back(std::move(p));
  if (AllRunKeys(*target) != AllRunKeys(*target) ||
      target->ProfileKeyText() != target->ProfileKeyText()) {
    problems.push_back(name + ": keys differ between two calls");
  }
  for (auto& p : CheckPerturbations(*entry, *target)) problems.push_back(std::move(p));
  return problems;
}

// No two registered targets share a run key or a profile key.
inline std::vector<std::string> CheckTargetKeysDistinct() {
  std::vector<std::string> problems;
  std::map<std::string, std::string> owner;
  for (const std::string& name : TargetRegistry::Global().Names()) {
    std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, nullptr);
    if (target == nullptr) continue;
    std::vector<std::string> keys = AllRunKeys(*target);
    keys.push_back(ProfileKey(target->Info(), target->ProfileKeyText()));
    std::set<std::string> own(keys.begin(), keys.end());
    if (own.size() != keys.size()) problems.push_back(name + ": two of its runs share a key");
    for (const std::string& key : own) {
      auto [it, inserted] = owner.emplace(key, name);
      if (!inserted) problems.push_back(name + " and " + it->second + " share the key " + key);
    }
  }
  return problems;
}

}  // namespace scalebench::testing
