// The user-experiment target "experiment/<name>": a user's own learning curves and data, read from
// an experiment file (harness/experiment/experiment_file.h), run by the harness like any other
// target (`scalebench run --experiment FILE.toml`): its profile comes from the probes on the
// user's data (harness/experiment/data_probes.h), its Run returns the user's measured loss at one
// (size, seed) instead of training, and the runner fits, predicts, scores, reports (the
// "user_experiment" track) and records it as it does every target.
//
// Registration (RegisterUserExperiment, like RegisterUserCorpusTarget for `run --corpus`) reads and
// checks everything first (the experiment file, its curve files, its data files), so a bad file
// fails before anything is cached or recorded. The options hold the parsed curves (losses
// included) and the data block with the FNV-1a hash of every data file's bytes, so the cache keys
// follow the contents: an edited CSV is a new curve, never a stale cached one, and an edited
// feature matrix is probed again. The data files are read again when the profile is measured;
// a file that changed since registration fails the profile.
//
// Usage:
//   std::string name, error;
//   if (RegisterUserExperiment("my.toml", &name, &error) != ExperimentFileStatus::kOk) ...;
//   options.targets.push_back(name);   // RunSuite(options, ...)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/experiment/experiment_file.h"
#include "harness/targets/target.h"

namespace scalebench {

struct UserExperimentOptions {
  // {"file", "description", "curves": [{axis, learner, zero_offset, source, sizes, seeds, losses}]}
  std::string curves;
  // {kind, file, labels, kernel, kernel_width, max_samples, stated, content_hash, ...}
  std::string data;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Curve("curves", curves).Check(CurvesValid(curves), "the JSON of an experiment's curves");
    f.Profile("data", data).Check(DataValid(data), "the JSON of an experiment's data");
  }
  static bool CurvesValid(const std::string& text);
  static bool DataValid(const std::string& text);
};

class UserExperimentTarget final : public TargetWith<UserExperimentOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit UserExperimentTarget(const UserExperimentOptions& options);
  ~UserExperimentTarget() override;

  TargetInfo Describe() const override;
  // One design per curve: the user's sizes and seeds, every (size, seed) its own run.
  std::vector<AxisDesign> Designs() const override;
  // The probes on the user's data, read again and checked against the registered hash.
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // The user's loss at point.sizes[0] for seed point.seed (the point.seed-th seed label of the
  // curve); Skipped where the curve has no such row.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;

  struct Parsed;  // the options, parsed once (user_experiment.cc)

 private:
  std::unique_ptr<const Parsed> parsed_;
};

// Reads `path` (ReadExperimentFile) and the data files it names (LoadData), and registers
// "experiment/<name>" in no suite. kInvalid: the experiment file is wrong (a usage error);
// kUnreadable: a file it names is missing or holds bad data (a run-time failure). On kOk *name is
// the registered target.
ExperimentFileStatus RegisterUserExperiment(const std::string& path,
                                            std::string* name,
                                            std::string* error);

}  // namespace scalebench
