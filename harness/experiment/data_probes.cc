#include "harness/experiment/data_probes.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/line_fit.h"
#include "common/status.h"
#include "datasets/generators/random.h"
#include "datasets/probes/frequency_probe.h"
#include "datasets/probes/intrinsic_dimension.h"
#include "datasets/probes/probe_info.h"
#include "datasets/probes/spectrum_probe.h"
#include "harness/io/matrix_file.h"
#include "harness/learners/kernel_ridge.h"
#include "harness/store/run_cache.h"
#include "harness/targets/language.h"

namespace scalebench {
namespace {

using internal::Fail;

constexpr const char* kKindNames[] = {"features", "corpus", "counts", "spectrum"};
constexpr const char* kKernels[] = {"linear", "rbf", "laplace"};
// The intrinsic-dimension probe is O(n^2 D); 2000 points read d to a few percent.
constexpr int kIntrinsicDimensionPoints = 2000;

std::string Shape(const MatrixFile& m) {
  return fmt::format("{} x {} ({})", m.values.rows(), m.values.cols(), m.dtype);
}

bool LoadFeatures(const DataSpec& spec, LoadedData* data, std::string* error) {
  MatrixFile x, y;
  if (!ReadMatrixFile(spec.file, &x, error)) return false;
  data->content_hash = x.content_hash;
  data->description = spec.file + ": " + Shape(x);
  if (!spec.labels.empty()) {
    if (!ReadMatrixFile(spec.labels, &y, error)) return false;
    if (y.values.rows() != x.values.rows()) {
      return Fail(error,
                  fmt::format("labels {} has {} rows but features {} has {}; expected one label "
                              "row per feature row",
                              spec.labels,
                              y.values.rows(),
                              spec.file,
                              x.values.rows()));
    }
    data->content_hash += y.content_hash;
    data->description += ", labels " + spec.labels + ": " + Shape(y);
  }
  const Eigen::Index n = std::min<Eigen::Index>(x.values.rows(), spec.max_samples);
  if (n < x.values.rows()) data->description += fmt::format(", probed on the first {} rows", n);
  data->x = x.values.topRows(n);
  if (!spec.labels.empty()) data->y = y.values.topRows(n);
  return true;
}

bool LoadCounts(const DataSpec& spec, LoadedData* data, std::string* error) {
  MatrixFile m;
  if (!ReadMatrixFile(spec.file, &m, error)) return false;
  if (m.values.cols() != 1) {
    return Fail(error,
                fmt::format("{}: {} columns; expected one column of counts per type (token, "
                            "subtask or feature)",
                            spec.file,
                            m.values.cols()));
  }
  for (Eigen::Index i = 0; i < m.values.rows(); ++i) {
    const double c = m.values(i, 0);
    if (c < 0 || c != std::floor(c) || c > 9e15) {
      return Fail(
          error,
          fmt::format(
              "{}: row {}: {} is not a count (a non-negative integer)", spec.file, i + 1, c));
    }
    data->counts.push_back(static_cast<std::int64_t>(c));
  }
  data->content_hash = m.content_hash;
  data->description = spec.file + ": " + std::to_string(data->counts.size()) + " types";
  return true;
}

bool LoadSpectrum(const DataSpec& spec, LoadedData* data, std::string* error) {
  MatrixFile m;
  if (!ReadMatrixFile(spec.file, &m, error)) return false;
  const Eigen::Index n = m.values.rows();
  if (m.values.cols() > 2) {
    return Fail(error,
                fmt::format("{}: {} columns; expected the eigenvalues, optionally followed by "
                            "the target power per mode",
                            spec.file,
                            m.values.cols()));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(m.values(i, 0) > 0) || (m.values.cols() == 2 && m.values(i, 1) < 0)) {
      return Fail(
          error,
          fmt::format(
              "{}: row {}: eigenvalues must be > 0 and target powers >= 0", spec.file, i + 1));
    }
  }
  if (n < 50) {
    return Fail(
        error, fmt::format("{}: {} modes; the fits (k up to n/10) need at least 50", spec.file, n));
  }
  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
    return m.values(a, 0) > m.values(b, 0);
  });
  data->eigenvalues.resize(n);
  if (m.values.cols() == 2) data->power.resize(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    data->eigenvalues[k] = m.values(order[k], 0);
    if (m.values.cols() == 2) data->power[k] = m.values(order[k], 1);
  }
  data->content_hash = m.content_hash;
  data->description =
      fmt::format("{}: {} modes{}", spec.file, n, m.values.cols() == 2 ? " with target power" : "");
  return true;
}

// b and a of a precomputed spectrum (see the header): least-squares lines in log-log.
bool FitSpectrum(const LoadedData& data, GramSpectrum* fit, std::string* error) {
  const int n = static_cast<int>(data.eigenvalues.size());
  const int last = n / 10;
  std::vector<double> k, lambda;
  for (int i = 3; i <= last; ++i) k.push_back(i), lambda.push_back(data.eigenvalues[i - 1]);
  const internal::LineFit b = internal::FitLogLog(k, lambda);
  const std::string window = fmt::format("k in [3, {}] of {} modes", last, n);
  fit->eigenvalues = data.eigenvalues;
  fit->spectrum_decay = {-b.slope,
                         b.std_error,
                         "least-squares slope of log lambda_k vs log k, " + window +
                             " of the given spectrum; SE: OLS, inflated for lag-1 residual "
                             "autocorrelation"};
  fit->spectrum_trace = {data.eigenvalues.sum(), 0.0, "sum of the given eigenvalues"};
  if (data.power.size() == 0) return true;
  std::vector<double> x, tail;
  double sum = data.power.sum();
  for (int i = 1; i <= last; ++i) {
    if (i >= 2 && sum > 0) x.push_back(i - 0.5), tail.push_back(sum);
    sum -= data.power[i - 1];
  }
  if (x.size() < 3) return Fail(error, "the target power is zero beyond the first modes");
  const internal::LineFit a = internal::FitLogLog(x, tail);
  fit->target_power = data.power;
  fit->task_power_decay = {1.0 - a.slope,
                           a.std_error,
                           fmt::format("1 + least-squares decay of log T(k) = sum_{{j>=k}} p_j "
                                       "vs log(k - 1/2), k in [2, {}] of the given target power; "
                                       "SE: OLS, inflated for lag-1 residual autocorrelation",
                                       1 + int(x.size()))};
  fit->total_target_power = {data.power.sum(), 0.0, "sum of the given target power"};
  return true;
}

bool MeasureFeatures(const DataSpec& spec,
                     const LoadedData& data,
                     const RunContext& context,
                     Profile* profile,
                     std::string* error) {
  const bool labelled = data.y.size() > 0;
  // Without labels the probe still needs a target: white noise has the same power in every mode,
  // so the eigenvalues and b are those of the features, and a is dropped.
  Eigen::MatrixXd noise;
  if (!labelled) {
    noise.resize(data.x.rows(), 1);
    FillStandardNormal(20261122, noise.data(), noise.size());
  }
  const Eigen::MatrixXd& y = labelled ? data.y : noise;
  SpectrumProbeResult spectrum;
  std::string probe_error;
  context.Progress(fmt::format(
      "spectrum probe ({} kernel) on {} x {}", spec.kernel, data.x.rows(), data.x.cols()));
  bool ok = false;
  if (spec.kernel == "linear") {
    ok = MeasureSpectrum(data.x, y, SpectrumProbeOptions{}, &spectrum, &probe_error);
  } else {
    KernelOptions kernel;
    kernel.width = spec.kernel_width;
    if (!ParseKernelKind(spec.kernel, &kernel.kind, error)) return false;
    Eigen::MatrixXd gram;
    KernelMatrix(data.x, data.x, kernel, &gram);
    ok = MeasureSpectrumFromGram(gram, y, SpectrumProbeOptions{}, &spectrum, &probe_error);
    spectrum.spectrum_decay.method +=
        fmt::format(", {} kernel of width {}", spec.kernel, spec.kernel_width);
    spectrum.task_power_decay.method +=
        fmt::format(", {} kernel of width {}", spec.kernel, spec.kernel_width);
  }
  if (!ok) return Fail(error, "spectrum probe on " + spec.file + ": " + probe_error);
  if (labelled) {
    spectrum.FillProfile(profile);
  } else {
    profile->Set(Property::kSpectrumDecay, spectrum.spectrum_decay);
    profile->Set(Property::kSpectrumTrace, spectrum.spectrum_trace);
    const Eigen::VectorXd& e = spectrum.eigenvalues;
    profile->Set(Series::kEigenvalues, std::vector<double>(e.data(), e.data() + e.size()));
    profile->source +=
        "; no labels: task_power_decay, total_target_power and target_power left "
        "out";
  }
  IntrinsicDimensionResult dimension;
  const Eigen::Index points = std::min<Eigen::Index>(data.x.rows(), kIntrinsicDimensionPoints);
  if (MeasureIntrinsicDimension(
          data.x.topRows(points), IntrinsicDimensionOptions{}, &dimension, &probe_error)) {
    dimension.FillProfile(profile);
  } else {
    profile->source += "; intrinsic_dimension left out: " + probe_error;
  }
  return true;
}

}  // namespace

const char* ToString(DataKind kind) {
  return kKindNames[static_cast<int>(kind)];
}

std::vector<DataKind> AllDataKinds() {
  return {DataKind::kFeatures, DataKind::kCorpus, DataKind::kCounts, DataKind::kSpectrum};
}

bool ParseDataKind(const std::string& name, DataKind* kind, std::string* error) {
  for (DataKind k : AllDataKinds()) {
    if (name == ToString(k)) return (*kind = k, true);
  }
  return Fail(error, "unknown data kind '" + name + "'; valid: features, corpus, counts, spectrum");
}

std::vector<std::string> ProbesOfKind(DataKind kind) {
  switch (kind) {
    case DataKind::kFeatures:
      return {"spectrum", "intrinsic_dimension"};
    case DataKind::kCorpus:
      return {"correlation_decay", "word_statistics", "conditional_entropy"};
    case DataKind::kCounts:
      return {"frequency"};
    case DataKind::kSpectrum:
      return {"given_spectrum"};
  }
  return {};
}

bool DataSpec::IsValid(std::string* error) const {
  if (file.empty()) return Fail(error, "file: missing; the data file to probe");
  if (!labels.empty() && kind != DataKind::kFeatures) {
    return Fail(error, std::string("labels: only for kind features, not ") + ToString(kind));
  }
  if (std::find(std::begin(kKernels), std::end(kKernels), kernel) == std::end(kKernels)) {
    return Fail(error, "kernel: '" + kernel + "' is not one of linear, rbf, laplace");
  }
  if (kernel != "linear" && !(kernel_width > 0 && std::isfinite(kernel_width))) {
    return Fail(
        error, fmt::format("kernel_width: {} must be > 0 for the {} kernel", kernel_width, kernel));
  }
  if (kernel != "linear" && kind != DataKind::kFeatures) {
    return Fail(error, "kernel: only for kind features");
  }
  if (max_samples < 50)
    return Fail(error, fmt::format("max_samples: {} must be >= 50", max_samples));
  const std::vector<Property> statable = TargetStatedProperties();
  for (const auto& [property, value] : stated) {
    if (std::find(statable.begin(), statable.end(), property) == statable.end() ||
        !std::isfinite(value)) {
      return Fail(error, std::string(ToString(property)) + ": cannot be stated");
    }
  }
  return true;
}

bool LoadData(const DataSpec& spec, LoadedData* data, std::string* error) {
  if (!spec.IsValid(error)) return false;
  LoadedData loaded;
  bool ok = false;
  switch (spec.kind) {
    case DataKind::kFeatures:
      ok = LoadFeatures(spec, &loaded, error);
      break;
    case DataKind::kCounts:
      ok = LoadCounts(spec, &loaded, error);
      break;
    case DataKind::kSpectrum:
      ok = LoadSpectrum(spec, &loaded, error);
      break;
    case DataKind::kCorpus: {
      // The route of `run --corpus`: the corpus becomes a language target whose probes measure it.
      if (!RegisterUserCorpusTarget(spec.file, &loaded.corpus_target, error)) {
        if (error->rfind("--corpus ", 0) == 0) error->erase(0, 9);  // not the flag given here
        return false;
      }
      auto target = TargetRegistry::Global().Create(loaded.corpus_target, error);
      if (target == nullptr) return false;
      loaded.content_hash = target->ProfileKeyText();
      loaded.description = spec.file + " (the probes of " + loaded.corpus_target + ")";
      ok = true;
      break;
    }
  }
  if (!ok) return false;
  loaded.content_hash = Fnv1aHex(loaded.content_hash);
  *data = std::move(loaded);
  return true;
}

bool MeasureDataProfile(const DataSpec& spec,
                        const LoadedData& data,
                        const RunContext& context,
                        Profile* profile,
                        std::string* error) {
  Profile measured;
  measured.source = data.description;
  switch (spec.kind) {
    case DataKind::kFeatures:
      if (!MeasureFeatures(spec, data, context, &measured, error)) return false;
      break;
    case DataKind::kCounts: {
      FrequencyProbeResult result;
      std::string probe_error;
      if (!MeasureFrequencyDecay(data.counts, FrequencyProbeOptions{}, &result, &probe_error)) {
        return Fail(error, "frequency probe on " + spec.file + ": " + probe_error);
      }
      result.FillProfile(&measured);
      break;
    }
    case DataKind::kSpectrum: {
      GramSpectrum fit;
      if (!FitSpectrum(data, &fit, error)) return Fail(error, spec.file + ": " + *error);
      if (data.power.size() > 0) {
        fit.FillProfile(&measured);
      } else {
        measured.Set(Property::kSpectrumDecay, fit.spectrum_decay);
        measured.Set(Property::kSpectrumTrace, fit.spectrum_trace);
        const Eigen::VectorXd& e = fit.eigenvalues;
        measured.Set(Series::kEigenvalues, std::vector<double>(e.data(), e.data() + e.size()));
      }
      break;
    }
    case DataKind::kCorpus: {
      auto target = TargetRegistry::Global().Create(data.corpus_target, error);
      if (target == nullptr) return false;
      ProfileResult result = target->MeasureProfile(context);
      if (!result.ok()) return Fail(error, spec.file + ": " + result.reason());
      const std::string source = measured.source;
      measured = std::move(result.profile());
      measured.source = source + "; " + measured.source;
      break;
    }
  }
  for (const auto& [property, value] : spec.stated) {
    measured.Set(property, {value, 0.0, "stated by the user"});
  }
  *profile = std::move(measured);
  return true;
}

ProbeInfo GivenSpectrumProbeInfo() {
  ProbeInfo info;
  info.name = "given_spectrum";
  info.header = "harness/experiment/data_probes.h";
  info.reads = "precomputed eigenvalues, optionally the target power per mode";
  info.method =
      "log-log least-squares fits of lambda_k (k in [3, n/10]) and of the tail sum of "
      "p_k (k in [2, n/10]); inflated OLS standard errors";
  info.properties = {Property::kSpectrumDecay,
                     Property::kTaskPowerDecay,
                     Property::kTotalTargetPower,
                     Property::kSpectrumTrace};
  info.series = {Series::kEigenvalues, Series::kTargetPower};
  return info;
}

}  // namespace scalebench
