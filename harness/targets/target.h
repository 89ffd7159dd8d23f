// The target plug-in API: the one header a target author includes.
//
// A target is a data source plus the learners trained on it (the ground truth: a learning curve
// per axis) and the probes that measure its profile (the theories' input). The target declares;
// the harness runs: it enumerates every (axis, size, seed) run of the target's designs, takes
// finished runs from the cache, executes the others on a pool of workers, caches each successful
// run on its own, assembles the curves, and never caches a failure.
//
// Writing a target (see README.md "Add a target" for a complete, compiled example):
//
//   struct MyOptions {
//     double alpha = 1.0;
//     SizeGrid data_sizes = SizeGrid::Log(1e3, 1e6, 10);
//     int seeds = 5;
//     template <typename Fields>
//     void Visit(Fields& f) {                    // every field, once, with what it shapes
//       f.Both("alpha", alpha).Above(0);         // runs and profile
//       f.Design("data_sizes", data_sizes);      // which runs exist
//       f.Design("seeds", seeds).AtLeast(1);
//     }
//   };
//
//   class MyTarget final : public TargetWith<MyOptions> {
//    public:
//     using TargetWith::TargetWith;
//     TargetInfo Describe() const override;            // summary, realism, family, home, version
//     std::vector<AxisDesign> Designs() const override;
//     ProfileResult MeasureProfile(const RunContext& context) const override;
//     RunResult Run(const AxisDesign& design, const RunPoint& point, const DesignData* data,
//                   const RunContext& context) const override {
//       std::vector<double> losses = ...;      // one per size of point.sizes
//       return RunResult::Ok(std::move(losses));
//     }
//   };
//
//   SCALEBENCH_REGISTER_TARGET(MyTarget, "my_family")
//       ->Variant("alpha1.0", {"default", "full"}, [](MyOptions& o) { o.alpha = 1.0; })
//       ->Variant("alpha2.0", {"full"}, [](MyOptions& o) { o.alpha = 2.0; });
//
// WARNING #1: a run's result may depend only on the options, the design and the run's own seed
// (and size), never on how many seeds or sizes the design has (`--seeds 3` must reproduce the
// first three runs of `--seeds 8`): draw its random numbers from streams mixed from those
// (MixSeed), never from a stream shared with other runs. The harness runs them in any order,
// concurrently or on other machines, and caches each on its own.
// WARNING #2: every data member of the options must be visited (the conformance kit counts them),
// with the right role: a field missing from the curve key silently reuses stale cached runs.
// WARNING #3: report failure through the status (RunResult::Failed, ProfileResult::Failed) with a
// reason a user can act on ("cannot read /usr/share/...: No such file"); never return NaN losses
// or an empty profile.
// The conformance kit (harness/targets/testing/target_conformance.h) checks every registered
// target without training it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/fields.h"
#include "common/size_grid.h"
#include "datasets/profile.h"
#include "harness/learning_curve.h"
#include "harness/targets/target_info.h"
#include "theories/learner_spec.h"

namespace scalebench {

enum class RunStatus {
  kOk,       // losses at every size of the run
  kFailed,   // the run could not be done (missing data file, a solver breakdown): never cached
  kSkipped,  // deliberately not done (a size the learner cannot reach), with the reason; the
             // curve marks it missing and the fit leaves it out
};
const char* ToString(RunStatus status);

// A quantity a run records beside its loss, one value per size of the run (see CurveDiagnostic).
struct RunDiagnostic {
  std::string name;         // lower_snake_case, unique within the design
  std::string description;  // one line
  std::vector<double> values;
  bool in_report = true;
};

// The result of one run. Built only through the named constructors, so that a failure always
// carries its reason.
class RunResult {
 public:
  static RunResult Ok(std::vector<double> losses, std::vector<RunDiagnostic> diagnostics = {});
  static RunResult Failed(std::string reason);
  static RunResult Skipped(std::string reason);

  RunStatus status() const { return status_; }
  bool ok() const { return status_ == RunStatus::kOk; }
  const std::string& reason() const { return reason_; }
  const std::vector<double>& losses() const { return losses_; }
  const std::vector<RunDiagnostic>& diagnostics() const { return diagnostics_; }

 private:
  RunResult() = default;
  RunStatus status_ = RunStatus::kFailed;
  std::string reason_;
  std::vector<double> losses_;
  std::vector<RunDiagnostic> diagnostics_;
};

// The result of MeasureProfile. A property deliberately left out (with its reason in the
// profile's source) is still Ok; a probe that could not run is Failed.
class ProfileResult {
 public:
  static ProfileResult Ok(Profile profile);
  static ProfileResult Failed(std::string reason);

  bool ok() const { return ok_; }
  const std::string& reason() const { return reason_; }
  const Profile& profile() const { return profile_; }
  Profile& profile() { return profile_; }

 private:
  ProfileResult() = default;
  bool ok_ = false;
  std::string reason_;
  Profile profile_;
};

// Which run of a design: its seed (1..design.seeds) and the sizes it reports, the indices
// [first, last) of design.sizes (every size for RunUnit::kSeed, one for kSizeAndSeed).
struct RunPoint {
  std::uint64_t seed = 1;
  std::size_t first = 0;
  std::size_t last = 0;
  SizeGrid sizes;
  // "seed 3" or "size 512, seed 3".
  std::string Label() const;
};

// What the harness gives a running target: a thread-safe progress line and its thread budget.
class RunContext {
 public:
  using ProgressFn = std::function<void(const std::string& message)>;
  RunContext() = default;
  RunContext(ProgressFn progress, int threads)
      : progress_(std::move(progress)), threads_(threads) {}
  void Progress(const std::string& message) const {
    if (progress_) progress_(message);
  }
  int threads() const { return threads_; }

 private:
  ProgressFn progress_;
  int threads_ = 1;
};

// Data that every run of one design shares and that is costly to build (a Gram matrix of a pool,
// a tokenised corpus): built once by Target::Prepare, only when some run of the design must be
// computed, read concurrently by the runs, freed when the design is done.
class DesignData {
 public:
  virtual ~DesignData() = default;
};

class Target {
 public:
  Target() = default;
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  virtual ~Target() = default;

  // What the target is; `name` and `suites` are stamped by the registry (see Info()).
  virtual TargetInfo Describe() const = 0;
  // The axes it sweeps. Deterministic and cheap: no data is read.
  virtual std::vector<AxisDesign> Designs() const = 0;
  // Measures the profile from a data sample drawn independently of every training run.
  virtual ProfileResult MeasureProfile(const RunContext& context) const = 0;
  // Builds what the runs of `design` share; the default shares nothing. A failure fails every
  // run of the design with its reason.
  virtual bool Prepare(const AxisDesign& design,
                       const RunContext& context,
                       std::unique_ptr<const DesignData>* data,
                       std::string* error) const;
  // Trains the learner of `design` for one run. `data` is what Prepare built (or null).
  virtual RunResult Run(const AxisDesign& design,
                        const RunPoint& point,
                        const DesignData* data,
                        const RunContext& context) const = 0;
  // The profile from the target's generating parameters (exact spectrum, exact alpha, ...), for
  // targets that know them; theories also predict from it so that a miss can be split into the
  // theory's error and the probe's. nullopt: the target has no oracle.
  virtual std::optional<Profile> OracleProfile() const { return std::nullopt; }

  // Supplied by TargetWith<Options> from the options' declared fields.
  virtual bool IsValid(std::string* error) const = 0;
  virtual std::string RunKeyText() const = 0;      // the kCurve and kBoth fields
  virtual std::string ProfileKeyText() const = 0;  // the kProfile and kBoth fields
  virtual std::vector<FieldListing> OptionFields() const = 0;

  // Describe() with the registered name and suites.
  TargetInfo Info() const;
  const std::string& name() const { return name_; }

 private:
  friend class TargetRegistry;
  std::string name_;
  std::vector<std::string> suites_;
};

// The base of every target: holds the options and derives validation, keys and listings from
// their Visit (common/fields.h).
template <typename OptionsT>
class TargetWith : public Target {
 public:
  using Options = OptionsT;
  explicit TargetWith(const Options& options) : options_(options) {}
  const Options& options() const { return options_; }

  bool IsValid(std::string* error) const override { return ValidateFields(options_, error); }
  std::string RunKeyText() const override {
    return FieldKeyText(options_, {FieldRole::kCurve, FieldRole::kBoth});
  }
  std::string ProfileKeyText() const override {
    return FieldKeyText(options_, {FieldRole::kProfile, FieldRole::kBoth});
  }
  std::vector<FieldListing> OptionFields() const override { return ListFields(options_); }

 protected:
  Options options_;
};

// A registered variant: everything known without constructing the target.
struct TargetEntry {
  std::string name;  // "<family>/<variant>"
  std::string family;
  std::vector<std::string> suites;
  std::function<std::unique_ptr<Target>()> create;
  // Non-empty when the variant's options are invalid ("alpha = 0 must be > 0"): Create then
  // refuses it with this message instead of constructing the target.
  std::string invalid;
  // For the conformance kit: the variant's targets with the leaf field `index` of the options
  // perturbed (nullptr once `index` passes the last leaf; a target whose `perturbed` name is
  // empty could not be perturbed validly), and the options' member counts.
  struct Perturbed {
    std::unique_ptr<Target> target;
    std::string field;
    FieldRole role = FieldRole::kPlain;
  };
  std::function<std::optional<Perturbed>(int index)> perturb;
  int aggregate_members = 0;
  int visited_fields = 0;
};

class TargetRegistry {
 public:
  static TargetRegistry& Global();
  void Add(TargetEntry entry);
  std::vector<std::string> Names() const;  // sorted
  const TargetEntry* Find(const std::string& name) const;
  // nullptr + "Unknown target 'x'. Registered targets: ..." for an unknown name, or the option
  // error of a variant whose options are invalid.
  std::unique_ptr<Target> Create(const std::string& name, std::string* error) const;
  // Names of the targets registered in `suite`, sorted; constructs nothing.
  std::vector<std::string> Suite(const std::string& suite) const;
  // Problems found while registering (duplicate names, malformed names), reported at startup.
  const std::vector<std::string>& StartupErrors() const { return startup_errors_; }

 private:
  std::map<std::string, TargetEntry> entries_;
  std::vector<std::string> startup_errors_;
};

// The variant table of one target class (SCALEBENCH_REGISTER_TARGET).
template <typename T>
class TargetFamily {
 public:
  using Options = typename T::Options;

  static TargetFamily* Create(std::string family) { return new TargetFamily(std::move(family)); }

  // Registers "<family>/<variant>" in `suites`, its options the defaults changed by `configure`.
  TargetFamily* Variant(const std::string& variant,
                        std::vector<std::string> suites,
                        std::function<void(Options&)> configure) {
    Options options;
    if (configure) configure(options);
    TargetEntry entry;
    entry.name = family_ + "/" + variant;
    entry.family = family_;
    entry.suites = std::move(suites);
    if (std::string error; !ValidateFields(options, &error)) entry.invalid = error;
    entry.create = [options] { return std::make_unique<T>(options); };
    entry.perturb = [options](int index) -> std::optional<TargetEntry::Perturbed> {
      for (int attempt = 0; attempt < 2; ++attempt) {
        Options copy = options;
        FieldPerturber perturber(index, attempt);
        perturber.Walk(copy);
        if (index >= perturber.leaves()) return std::nullopt;
        if (!perturber.changed() || !ValidateFields(copy, nullptr)) continue;
        return TargetEntry::Perturbed{
            std::make_unique<T>(copy), perturber.name(), perturber.role()};
      }
      return TargetEntry::Perturbed{nullptr, "", FieldRole::kPlain};
    };
    entry.aggregate_members = CountAggregateMembers<Options>();
    entry.visited_fields = CountVisitedFields(options);
    TargetRegistry::Global().Add(std::move(entry));
    return this;
  }

 private:
  explicit TargetFamily(std::string family) : family_(std::move(family)) {}
  std::string family_;
};

#define SCALEBENCH_TARGET_CONCAT_INNER(a, b) a##b
#define SCALEBENCH_TARGET_CONCAT(a, b) SCALEBENCH_TARGET_CONCAT_INNER(a, b)
// Registers the variants of target class T under "<family>/<variant>":
//   SCALEBENCH_REGISTER_TARGET(MyTarget, "my_family")->Variant("v1", {"default"}, configure);
#define SCALEBENCH_REGISTER_TARGET(T, family)                                            \
  [[maybe_unused]] static ::scalebench::TargetFamily<T>* const SCALEBENCH_TARGET_CONCAT( \
      scalebench_target_family_, __LINE__) = ::scalebench::TargetFamily<T>::Create(family)

}  // namespace scalebench
