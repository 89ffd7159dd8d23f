// Reads an experiment file: a user's own learning curves, the learner that produced them and the
// data it was trained on, in TOML (toml++, Debian libtomlplusplus-dev), for
// `scalebench run --experiment FILE.toml` (harness/experiment/user_experiment.h turns it into a
// target). docs/experiments.md documents every key; datasets/examples/kernel_experiment.toml is a
// complete example:
//
//   name = "my_kernel"                    # the target is experiment/<name> (default: file stem)
//   description = "one line"
//   [learner]                             # theories/learner_spec.h; kind and loss are required
//   kind = "kernel_ridge_laplace"
//   loss = "mse"                          # excess_mse, mse, error_rate, cross_entropy_nats, ...
//   ridge = 1e-4                          # features, train_size: a number or inf; optimizer, ...
//   [[curve]]                             # one per axis
//   axis = "data"                         # data, params, width, steps, compute
//   file = "curve.csv"                    # size,loss[,seed]; or inline: sizes = [...],
//                                         # losses = [...] and optionally seeds = [...]
//   form = "offset_power_law"             # or "power_law" (the loss tends to 0)
//   learner = { features = 1000 }         # optional: this curve's learner differs in these keys
//   [data]                                # harness/experiment/data_probes.h
//   kind = "features"                     # features, corpus, counts, spectrum
//   file = "features.npy"                 # paths are relative to the experiment file
//   labels = "labels.npy"
//   kernel = "laplace"                    # linear (default), rbf, laplace
//   kernel_width = 2.0
//   label_noise_variance = 0.0            # optional statements: label_noise_variance,
//                                         # spectrum_complete (true/false)
//
// Every error names the file, the line and column (from toml++'s source positions) and the key,
// e.g. "my.toml:7:1: learner.loss: 'bits' is not a loss; valid: excess_mse, mse, ...". An unknown
// key is an error listing the valid ones. The curve files are read and checked here; the data
// files are read by LoadData (data_probes.h).
//
// Usage:
//   ExperimentFile experiment;
//   std::string error;
//   switch (ReadExperimentFile("my.toml", &experiment, &error)) { ... }
#pragma once

#include <string>
#include <vector>

#include "harness/experiment/data_probes.h"
#include "harness/learning_curve.h"
#include "theories/learner_spec.h"

namespace scalebench {

struct ExperimentCurve {
  Axis axis = Axis::kData;
  LearnerSpec learner;
  bool zero_offset = false;  // form = "power_law"
  std::string source;        // the CSV path, or "<file>:<line> (inline)"
  LearningCurve curve;       // seeds: the user's seed labels (0 without a seed column)
};

struct ExperimentFile {
  std::string path;
  std::string name;  // lower_snake_case
  std::string description;
  std::vector<ExperimentCurve> curves;  // distinct axes, in file order
  DataSpec data;                        // paths resolved against the file's folder
};

enum class ExperimentFileStatus {
  kOk,
  kInvalid,     // the experiment file itself: TOML syntax, unknown key, wrong type or value
  kUnreadable,  // a file it names: missing, unreadable, or not a valid curve
};

// Reads and checks `path` and the curve files it names. *out is written only on kOk.
ExperimentFileStatus ReadExperimentFile(const std::string& path,
                                        ExperimentFile* out,
                                        std::string* error);

}  // namespace scalebench
