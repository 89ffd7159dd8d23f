// The probes on a user's own data: what `scalebench probe` and the data block of an experiment
// file (harness/experiment/experiment_file.h) measure. Each kind of data goes to the project's
// existing probes (datasets/probes/, `scalebench list probes`); nothing here estimates anew except
// the fit of a precomputed spectrum, which has no sample to probe.
//
//   kind      file(s)                                 probes (profile entries)
//   features  n x d matrix (.npy or CSV) and          spectrum (spectrum_decay b, task_power_decay
//             optional n x C labels                   a, total_target_power, spectrum_trace,
//                                                     series eigenvalues, target_power) with the
//                                                     linear kernel (covariance) or a kernel Gram
//                                                     (rbf, laplace;
//                                                     harness/learners/kernel_ridge.h);
//                                                     intrinsic_dimension on the same rows.
//                                                     Without labels a and the target power are
//                                                     left out (their reason in Profile::source).
//   corpus    a UTF-8 file or folder                  the language route of `run --corpus`
//                                                     (harness/targets/language.h: correlation
//                                                     decay, Heaps, conditional-entropy decay)
//   counts    counts per type (one column)            frequency (frequency_decay z)
//   spectrum  eigenvalues (one column), optionally    spectrum_decay b and task_power_decay a:
//             target power per mode (second column)   least-squares log-log fits
//             (common/line_fit.h)
//                                                     of lambda_k and of the tail sum of p_k over
//                                                     k in [3, n/10] and [2, n/10] (kernel_pca's
//                                                     windows; the truncation at n bends the tail
//                                                     sum by ~(k/n)^(a-1)); SE: inflated OLS
// The probe sample of `features` is the first max_samples rows (the probes' cost grows as n^3).
// Properties a user states (label_noise_variance, spectrum_complete) are copied in with the method
// "stated by the user".
//
// Usage:
//   DataSpec spec;
//   spec.kind = DataKind::kFeatures;
//   spec.file = "x.npy";
//   spec.labels = "y.npy";
//   LoadedData data;
//   if (!LoadData(spec, &data, &error)) ...;           // file, shape and value checks
//   Profile profile;
//   if (!MeasureDataProfile(spec, data, RunContext(), &profile, &error)) ...;
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datasets/probes/probe_info.h"
#include "datasets/profile.h"
#include "harness/targets/target.h"

namespace scalebench {

enum class DataKind { kFeatures, kCorpus, kCounts, kSpectrum };
const char* ToString(DataKind kind);
// False with the valid names in *error for an unknown name.
bool ParseDataKind(const std::string& name, DataKind* kind, std::string* error);

struct DataSpec {
  DataKind kind = DataKind::kFeatures;
  std::string file;    // the data (see the table above)
  std::string labels;  // features: optional n x C targets
  // features: "linear" (X X^T / n, or the covariance when d < n), "rbf" or "laplace" with
  // kernel_width > 0 in the units of the features.
  std::string kernel = "linear";
  double kernel_width = 0.0;
  int max_samples = 4000;
  // Properties the user states (TargetStatedProperties() only), with their values.
  std::map<Property, double> stated;

  // Field names in messages are those of the experiment file's [data] table.
  bool IsValid(std::string* error) const;
};

// What LoadData read and checked.
struct LoadedData {
  Eigen::MatrixXd x, y;                // features (first max_samples rows), labels (or empty)
  std::vector<std::int64_t> counts;    // counts per type
  Eigen::VectorXd eigenvalues, power;  // spectrum, decreasing; power empty when not given
  std::string corpus_target;           // corpus: the registered language/user_<name> target
  // FNV-1a of the bytes of every file read, in order (a folder: its files' sizes and times).
  std::string content_hash;
  std::string description;  // "features.npy: 1200 x 12 (<f8), labels ..."
};

// Reads the files of `spec` and checks them: readable, numeric, finite, labels with as many rows
// as the features, counts non-negative integers, eigenvalues positive. A corpus is registered as
// a language target (RegisterUserCorpusTarget) the first time. False with a message naming the
// file and what is wrong.
bool LoadData(const DataSpec& spec, LoadedData* data, std::string* error);

// Runs the probes of spec.kind on `data` into *profile (its source says what was read and what
// was left out). False with the probe's reason.
bool MeasureDataProfile(const DataSpec& spec,
                        const LoadedData& data,
                        const RunContext& context,
                        Profile* profile,
                        std::string* error);

// kind -> the probes it runs (names of `scalebench list probes`), for the listing.
std::vector<std::string> ProbesOfKind(DataKind kind);
std::vector<DataKind> AllDataKinds();
// The fit of a precomputed spectrum, declared like the probes of datasets/probes/probe_info.h.
ProbeInfo GivenSpectrumProbeInfo();

}  // namespace scalebench
