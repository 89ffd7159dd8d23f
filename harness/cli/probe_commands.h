// `scalebench probe` and `scalebench run --experiment`: the probes on a user's own data file, and
// a user's experiment file registered as a target (harness/experiment/). See commands.h for the
// conventions.
#pragma once

#include <optional>
#include <ostream>
#include <string>

namespace scalebench {

struct ProbeCommandOptions {
  std::string data;                 // --data FILE
  std::string labels;               // --labels FILE (features only)
  std::optional<std::string> kind;  // --kind; unset: corpus for a folder or .txt, else features
  std::string kernel = "linear";    // --kernel
  double kernel_width = 0.0;        // --kernel-width
  int max_samples = 4000;           // --max-samples
  std::string out;                  // --out profile.json ("": print only)
  int threads = 2;                  // --threads
};
// Runs the probes of the kind on --data, prints each property with its standard error and method,
// and writes the profile JSON that `predict --profile` reads.
int ProbeCommand(const ProbeCommandOptions& options, std::ostream& out, std::ostream& err);

// `run --experiment FILE`: registers the file's target (RegisterUserExperiment). Returns 0 with
// *target set, or the exit code (2: the experiment file is wrong; 1: a file it names is) after
// writing the error to `err`.
int RegisterExperiment(const std::string& path, std::string* target, std::ostream& err);

// The `list probes` rows of the data kinds: which probes `scalebench probe --kind K` runs, and the
// given-spectrum fit, which datasets/probes/probe_info.h does not list.
void ListProbeKinds(std::ostream& out);

}  // namespace scalebench
