#include "harness/cli/probe_commands.h"

#include <omp.h>

#include <filesystem>
#include <map>

#include "datasets/probes/probe_info.h"
#include "harness/cli/commands.h"
#include "harness/experiment/data_probes.h"
#include "harness/experiment/user_experiment.h"
#include "harness/io/atomic_file.h"
#include "harness/io/profile_json.h"
#include "harness/report/table.h"

namespace scalebench {
namespace {

// Without --kind: a folder or a .txt file is a corpus, anything else a feature matrix.
DataKind DefaultKind(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) ||
                 std::filesystem::path(path).extension() == ".txt"
             ? DataKind::kCorpus
             : DataKind::kFeatures;
}

void PrintProfile(const Profile& profile, std::ostream& out) {
  Table table({"property", "value", "std error", "method"});
  for (const auto& [property, m] : profile.scalars()) {
    table.AddRow(
        {ToString(property), FormatNumber(m.value, 4), FormatNumber(m.std_error, 4), m.method});
  }
  for (const auto& [series, values] : profile.series()) {
    table.AddRow({ToString(series), std::to_string(values.size()) + " values", "-", "series"});
  }
  table.Print(out);
}

}  // namespace

int ProbeCommand(const ProbeCommandOptions& o, std::ostream& out, std::ostream& err) {
  DataSpec spec;
  std::string error;
  spec.kind = DefaultKind(o.data);
  if (o.kind && !ParseDataKind(*o.kind, &spec.kind, &error)) {
    err << "scalebench probe: --kind: " << error << "\n";
    return kExitUsage;
  }
  spec.file = o.data;
  spec.labels = o.labels;
  spec.kernel = o.kernel;
  spec.kernel_width = o.kernel_width;
  spec.max_samples = o.max_samples;
  if (!spec.IsValid(&error)) {
    // DataSpec's messages start with the field, as in an experiment file's [data] table.
    const std::map<std::string, std::string> flags = {{"file", "--data"},
                                                      {"labels", "--labels"},
                                                      {"kernel", "--kernel"},
                                                      {"kernel_width", "--kernel-width"},
                                                      {"max_samples", "--max-samples"}};
    const auto flag = flags.find(error.substr(0, error.find(':')));
    if (flag != flags.end()) error.replace(0, flag->first.size(), flag->second);
    err << "scalebench probe: " << error << "\n";
    return kExitUsage;
  }
  if (o.threads < 1) {
    err << "scalebench probe: --threads = " << o.threads << " must be >= 1\n";
    return kExitUsage;
  }
  omp_set_num_threads(o.threads);
  LoadedData data;
  if (!LoadData(spec, &data, &error)) {
    err << "scalebench probe: " << error << "\n";
    return kExitFailure;
  }
  ProfileFile file;
  const RunContext context([&err](const std::string& m) { err << "  " << m << std::endl; },
                           o.threads);
  if (!MeasureDataProfile(spec, data, context, &file.profile, &error)) {
    err << "scalebench probe: " << error << "\n";
    return kExitFailure;
  }
  out << "probes of kind " << ToString(spec.kind) << " on " << file.profile.source << "\n";
  PrintProfile(file.profile, out);
  if (o.out.empty()) return kExitOk;
  if (!WriteFileAtomically(o.out, WriteProfileJson(file), &error)) {
    err << "scalebench probe: " << error << "\n";
    return kExitFailure;
  }
  out << "wrote " << o.out << " (scalebench predict --profile " << o.out << ")\n";
  return kExitOk;
}

int RegisterExperiment(const std::string& path, std::string* target, std::ostream& err) {
  std::string error;
  const ExperimentFileStatus status = RegisterUserExperiment(path, target, &error);
  if (status == ExperimentFileStatus::kOk) return kExitOk;
  err << "scalebench run: --experiment " << error << "\n";
  return status == ExperimentFileStatus::kInvalid ? kExitUsage : kExitFailure;
}

void ListProbeKinds(std::ostream& out) {
  std::vector<ProbeInfo> probes = AllProbes();
  probes.push_back(GivenSpectrumProbeInfo());
  Table table({"probe --kind", "reads", "probes", "fills"});
  const char* reads[] = {"a feature matrix (.npy or CSV, n x d) and optional labels (n x C)",
                         "a UTF-8 text file or folder (the language route of run --corpus)",
                         "counts per type, one column (.npy or CSV)",
                         "eigenvalues, optionally target power per mode (1 or 2 columns)"};
  for (DataKind kind : AllDataKinds()) {
    std::vector<std::string> fills;
    for (const std::string& name : ProbesOfKind(kind)) {
      for (const ProbeInfo& probe : probes) {
        if (probe.name != name) continue;
        for (Property p : probe.properties) fills.push_back(ToString(p));
        for (Series s : probe.series) fills.push_back(ToString(s));
      }
    }
    const auto same = [](const std::string& s) { return s; };
    table.AddRow({ToString(kind),
                  reads[static_cast<int>(kind)],
                  JoinList(ProbesOfKind(kind), same),
                  JoinList(fills, same)});
  }
  const ProbeInfo given = GivenSpectrumProbeInfo();
  out << "\nData kinds of `scalebench probe` and experiment files (docs/experiments.md)\n";
  table.Print(out);
  out << "given_spectrum (" << given.header << "): " << given.method << "\n";
}

}  // namespace scalebench
