// A target: a data source plus learners trained on it at many sizes and seeds (the ground truth),
// and the probes that measure its profile from a data sample (the theories' input).
//
// Targets register by name in TargetRegistry; a name may carry parameters, e.g.
// "gaussian_spectrum/a2.0_b1.5". Each target tells which suites it belongs to ("default", "full").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "datasets/profile.h"
#include "harness/learning_curve.h"
#include "harness/targets/target_info.h"
#include "theories/learner_spec.h"

namespace scalebench {

// Passed to long-running work so it can report progress ("seed 3/5 of size 512").
using ProgressFn = std::function<void(const std::string& message)>;

class Target {
 public:
  Target() = default;
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  virtual ~Target() = default;

  virtual TargetInfo Describe() const = 0;
  virtual std::vector<AxisDesign> Designs() const = 0;
  // Measures the profile from a data sample drawn independently of the training runs.
  virtual Profile MeasureProfile(const ProgressFn& progress) const = 0;
  // Trains the learner of `design` at every size and seed. Deterministic given the design.
  virtual LearningCurve Train(const AxisDesign& design, const ProgressFn& progress) const = 0;
  // Everything that determines the curves and profile besides the design (parameters of the
  // data source), as a canonical string; hashed into the cache key with the design and version.
  virtual std::string CacheKeyMaterial() const = 0;
  // What determines the profile but no curve (probe options, a probe method's revision), as a
  // canonical string appended to CacheKeyMaterial() in the profile's cache key only: changing a
  // probe then re-measures the profile without retraining a single curve. Empty by default,
  // which leaves the profile key equal to the one built from CacheKeyMaterial() alone.
  virtual std::string ProbeKeyMaterial() const { return std::string(); }
  // The profile from the target's generating parameters (exact spectrum, exact alpha, ...), for
  // targets that know them; theories also predict from it so that a miss can be split into the
  // theory's error and the probe's. nullopt: the target has no oracle.
  virtual std::optional<Profile> OracleProfile() const { return std::nullopt; }
};

// Canonical text of a list of numbers for CacheKeyMaterial: 17 significant digits, so that
// every distinct double gives distinct text, comma-separated.
template <typename T>
std::string JoinForKey(const std::vector<T>& values) {
  std::ostringstream out;
  out.precision(17);
  for (std::size_t i = 0; i < values.size(); ++i) out << (i > 0 ? "," : "") << values[i];
  return out.str();
}

// The curve a design asks for with every run still missing: loss, axis and sizes from the design,
// seeds numbered 1..design.seeds, every value NaN. Train() starts from it and fills in its runs.
LearningCurve MissingRunsCurve(const AxisDesign& design);

class TargetRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Target>()>;
  static TargetRegistry& Global();
  void Add(const std::string& name, Factory factory);
  std::vector<std::string> Names() const;  // sorted
  // nullptr + "Unknown target 'x'. Registered targets: ..." for an unknown name.
  std::unique_ptr<Target> Create(const std::string& name, std::string* error) const;
  // Names of the targets whose Describe().suites contains `suite`.
  std::vector<std::string> Suite(const std::string& suite) const;
  const std::vector<std::string>& StartupErrors() const { return startup_errors_; }

 private:
  std::map<std::string, Factory> factories_;
  std::vector<std::string> startup_errors_;
};

// Registers a target factory under `name` at static-initialisation time.
class TargetRegistrar {
 public:
  TargetRegistrar(const std::string& name, TargetRegistry::Factory factory) {
    TargetRegistry::Global().Add(name, std::move(factory));
  }
};

}  // namespace scalebench
