#include "harness/cli/commands.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/fit/joint_fit.h"
#include "harness/fit/power_law_fit.h"
#include "harness/io/curve_csv.h"
#include "harness/io/profile_json.h"
#include "harness/report/json_convert.h"
#include "harness/report/reporter.h"
#include "harness/report/table.h"
#include "harness/score/score.h"
#include "harness/store/history_store.h"
#include "harness/targets/language.h"
#include "harness/targets/target.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

template <typename T, typename ToText>
std::string JoinList(const std::vector<T>& items, ToText to_text) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(to_text(item));
  return out;
}

// Losses span decades: significant digits, not decimals.
std::string FormatLoss(double x) {
  return fmt::format("{:.4g}", x);
}

std::string Family(const std::string& theory) {
  return theory.substr(0, theory.find('/'));
}

// ---- list ------------------------------------------------------------------------------------

void ListTheories(std::ostream& out) {
  Table table({"theory", "family", "axes", "inputs", "citation"});
  for (const std::string& name : TheoryRegistry::Global().Names()) {
    const TheoryInfo& info = *TheoryRegistry::Global().Find(name);
    std::string inputs = JoinList(info.inputs, [](Property p) { return ToString(p); });
    for (Series s : info.series_inputs)
      inputs += (inputs.empty() ? "" : ", ") + std::string(ToString(s));
    for (Property p : info.optional_inputs) {
      inputs += (inputs.empty() ? "" : ", ") + std::string(ToString(p)) + " (optional)";
    }
    table.AddRow({name,
                  Family(name),
                  JoinList(info.axes, [](Axis a) { return ToString(a); }),
                  inputs.empty() ? "-" : inputs,
                  info.citation});
  }
  out << "Theories (" << TheoryRegistry::Global().Names().size() << ")\n";
  table.Print(out);
}

void ListTargets(std::ostream& out) {
  Table table({"target", "suites", "exact exponents", "summary"});
  for (const std::string& name : TargetRegistry::Global().Names()) {
    std::string error;
    auto target = TargetRegistry::Global().Create(name, &error);
    if (!target) continue;  // cannot happen for a listed name
    const TargetInfo info = target->Describe();
    std::string exact;
    for (const auto& [axis, value] : info.exact_exponents) {
      exact +=
          (exact.empty() ? "" : ", ") + std::string(ToString(axis)) + " " + FormatNumber(value, 4);
    }
    table.AddRow({name,
                  JoinList(info.suites, [](const std::string& s) { return s; }),
                  exact.empty() ? "-" : exact,
                  info.summary});
  }
  out << "Targets (" << TargetRegistry::Global().Names().size() << ")\n";
  table.Print(out);
}

void ListProperties(std::ostream& out) {
  Table properties({"property", "unit", "description"});
  for (Property p : AllProperties()) properties.AddRow({ToString(p), Unit(p), Describe(p)});
  out << "Properties (scalars a profile may hold)\n";
  properties.Print(out);
  Table series({"series", "description"});
  for (Series s : AllSeries()) series.AddRow({ToString(s), Describe(s)});
  out << "\nSeries (raw arrays a profile may hold)\n";
  series.Print(out);
}

void ListProbes(std::ostream& out) {
  // A static table until probes get a registry of their own.
  Table table({"probe", "method", "measures"});
  table.AddRow({"spectrum",
                "linear-kernel PCA of a data sample",
                "spectrum_decay (b), task_power_decay (a)"});
  out << "Probes\n";
  table.Print(out);
}

// ---- fit -------------------------------------------------------------------------------------

// The flags of `fit` for the fields of FitOptions and JointFitOptions.
std::string WithFitFlagNames(const std::string& message) {
  std::vector<std::pair<std::string, std::string>> flags;
  for (const char* options : {"FitOptions.", "JointFitOptions."}) {
    for (const auto& [field, flag] : {std::pair{"form", "--form"},
                                      {"fixed_offset", "--fixed-offset"},
                                      {"huber_delta", "--huber-delta"},
                                      {"bootstrap_resamples", "--bootstrap"},
                                      {"seed", "--seed"},
                                      {"min_size", "--min-size"},
                                      {"max_size", "--max-size"},
                                      {"threads", "--threads"}}) {
      flags.emplace_back(std::string(options) + field, flag);
    }
  }
  return WithFlagNames(message, flags);
}

int FitSingleAxis(const FitCommandOptions& o,
                  const LearningCurve& curve,
                  std::ostream& out,
                  std::ostream& err) {
  FitOptions options;
  if (o.form && !FromString(*o.form, &options.form)) {
    err << "scalebench fit: unknown --form '" << *o.form
        << "'; valid forms: offset_power_law, power_law\n";
    return kExitUsage;
  }
  options.fixed_offset = o.fixed_offset;
  if (o.min_size) options.min_size = *o.min_size;
  if (o.max_size) options.max_size = *o.max_size;
  if (o.huber_delta) options.huber_delta = *o.huber_delta;
  options.bootstrap_resamples = o.bootstrap;
  options.seed = o.seed;
  options.threads = o.threads;
  std::string error;
  if (!options.IsValid(&error)) {
    err << "scalebench fit: " << WithFitFlagNames(error) << "\n";
    return kExitUsage;
  }
  FitSummary summary;
  FitCurve(options, curve, &summary);
  if (o.json) {
    nlohmann::ordered_json j;
    j["file"] = o.file;
    j["kind"] = "single_axis";
    j["fit"] = ToJson(summary);
    out << j.dump(2) << "\n";
  } else {
    out << o.file << ": " << curve.num_sizes() << " sizes x " << curve.num_seeds() << " seeds\n"
        << summary.FullReport() << "\n";
  }
  if (summary.status == FitStatus::kFailed) {
    err << "scalebench fit: " << o.file << ": fit failed: " << summary.message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int FitJointPoints(const FitCommandOptions& o,
                   const std::vector<JointPoint>& points,
                   std::ostream& out,
                   std::ostream& err) {
  if (o.form || o.fixed_offset || o.min_size || o.max_size) {
    err << "scalebench fit: " << o.file
        << " holds N,D columns (the joint form E + A N^-a + B D^-b); "
        << "--form, --fixed-offset, --min-size and --max-size apply to single-axis curves only\n";
    return kExitUsage;
  }
  JointFitOptions options;
  if (o.huber_delta) options.huber_delta = *o.huber_delta;
  options.bootstrap_resamples = o.bootstrap;
  options.seed = o.seed;
  options.threads = o.threads;
  std::string error;
  if (!options.IsValid(&error)) {
    err << "scalebench fit: " << WithFitFlagNames(error) << "\n";
    return kExitUsage;
  }
  JointFitSummary summary;
  FitJoint(options, points, &summary);
  if (o.json) {
    nlohmann::ordered_json j;
    j["file"] = o.file;
    j["kind"] = "joint";
    j["fit"] = ToJson(summary);
    out << j.dump(2) << "\n";
  } else {
    out << o.file << ": " << points.size() << " (N, D) points\n" << summary.FullReport() << "\n";
  }
  if (summary.status == FitStatus::kFailed) {
    err << "scalebench fit: " << o.file << ": fit failed: " << summary.message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// ---- predict ---------------------------------------------------------------------------------

struct PredictedRow {
  std::string theory;
  Prediction prediction;
};

int PrintPredictions(const std::vector<PredictedRow>& rows,
                     const std::vector<double>& sizes,
                     std::ostream& out) {
  Table table({"theory", "status", "exponent [interval]", "note / reason"});
  for (const auto& row : rows) {
    const Prediction& p = row.prediction;
    table.AddRow({row.theory,
                  ToString(p.status()),
                  p.predicted() ? FormatEstimate(p.exponent()) : "-",
                  p.message()});
  }
  table.Print(out);
  if (sizes.empty()) return kExitOk;
  std::vector<std::string> header = {"size"};
  std::vector<const PredictedRow*> with_curve;
  for (const auto& row : rows) {
    if (row.prediction.has_curve()) {
      header.push_back(row.theory);
      with_curve.push_back(&row);
    }
  }
  if (with_curve.empty()) {
    out << "\nNo theory predicted a loss curve at the requested sizes.\n";
    return kExitOk;
  }
  Table curves(header);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::vector<std::string> line = {FormatNumber(sizes[i], 0)};
    for (const auto* row : with_curve) line.push_back(FormatLoss(row->prediction.curve()[i]));
    curves.AddRow(line);
  }
  out << "\nPredicted loss\n";
  curves.Print(out);
  return kExitOk;
}

}  // namespace

std::string WithFlagNames(std::string message,
                          const std::vector<std::pair<std::string, std::string>>& flags) {
  const auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  for (const auto& [name, flag] : flags) {
    for (std::size_t at = message.find(name); at != std::string::npos;
         at = message.find(name, at + 1)) {
      const std::size_t end = at + name.size();
      if ((at > 0 && (is_name_char(message[at - 1]) || message[at - 1] == '.')) ||
          (end < message.size() && is_name_char(message[end]))) {
        continue;  // part of a longer name
      }
      message.replace(at, name.size(), flag);
    }
  }
  return message;
}

std::vector<std::string> StartupErrors() {
  std::vector<std::string> errors = TheoryRegistry::Global().StartupErrors();
  for (const auto& e : TargetRegistry::Global().StartupErrors()) errors.push_back(e);
  return errors;
}

int ListCommand(const std::string& what, std::ostream& out, std::ostream& err) {
  const std::vector<std::pair<std::string, void (*)(std::ostream&)>> lists = {
      {"theories", &ListTheories},
      {"targets", &ListTargets},
      {"probes", &ListProbes},
      {"properties", &ListProperties}};
  bool first = true;
  for (const auto& [name, list] : lists) {
    if (!what.empty() && what != name) continue;
    if (!first) out << "\n";
    list(out);
    first = false;
  }
  if (first) {
    err << "scalebench list: unknown list '" << what
        << "'; valid: theories, targets, probes, properties\n";
    return kExitUsage;
  }
  return kExitOk;
}

int FitCommand(const FitCommandOptions& options, std::ostream& out, std::ostream& err) {
  CurveCsv csv;
  std::string error;
  if (!ReadCurveCsv(options.file, &csv, &error)) {
    err << "scalebench fit: " << error << "\n";
    return kExitFailure;
  }
  return csv.joint ? FitJointPoints(options, csv.points, out, err)
                   : FitSingleAxis(options, csv.curve, out, err);
}

int PredictCommand(const PredictCommandOptions& options, std::ostream& out, std::ostream& err) {
  const TheoryRegistry& registry = TheoryRegistry::Global();
  std::string error;
  const std::vector<std::string> names =
      options.theories.empty() ? registry.Names() : options.theories;
  std::vector<std::pair<std::string, std::unique_ptr<Theory>>> theories;
  for (const std::string& name : names) {
    auto theory = registry.Create(name, &error);
    if (!theory) {
      err << "scalebench predict: " << error << "\n";
      return kExitUsage;
    }
    theories.emplace_back(name, std::move(theory));
  }
  Axis axis = Axis::kData;
  if (options.axis && !FromString(*options.axis, &axis, &error)) {
    err << "scalebench predict: unknown --axis '" << *options.axis << "'; valid axes: " << error
        << "\n";
    return kExitUsage;
  }
  for (double size : options.sizes) {
    if (!(size > 0) || !std::isfinite(size)) {
      err << "scalebench predict: --sizes: " << size << " is not a positive size\n";
      return kExitUsage;
    }
  }
  ProfileFile file;
  if (!ReadProfileJson(options.profile, &file, &error)) {
    err << "scalebench predict: " << error << "\n";
    return kExitFailure;
  }
  if (!options.axis && file.axis) axis = *file.axis;
  const std::vector<double> sizes = options.sizes.empty() ? file.sizes : options.sizes;
  const LearnerSpec learner = file.learner.value_or(LearnerSpec{});
  out << "profile: " << options.profile
      << (file.profile.source.empty() ? "" : " (" + file.profile.source + ")")
      << "; axis: " << ToString(axis)
      << "; learner: " << (learner.kind.empty() ? "(unspecified)" : learner.kind) << "\n\n";
  std::vector<PredictedRow> rows;
  for (const auto& [name, theory] : theories) {
    const PredictionRequest request(file.profile, learner, axis, sizes);
    rows.push_back({name, RunTheory(*theory, *registry.Find(name), request)});
  }
  return PrintPredictions(rows, sizes, out);
}

// ---- export-tokens -------------------------------------------------------------------------

namespace {

bool WriteInt32(const std::filesystem::path& path,
                const std::vector<int>& tokens,
                std::ostream& err) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(tokens.data()),
             static_cast<std::streamsize>(tokens.size() * sizeof(std::int32_t)));
  if (file) return true;
  err << "scalebench export-tokens: cannot write " << path.string() << "\n";
  return false;
}

}  // namespace

int ExportTokensCommand(const std::string& target,
                        const std::string& directory,
                        std::ostream& out,
                        std::ostream& err) {
  static_assert(sizeof(int) == sizeof(std::int32_t));
  std::string error;
  std::unique_ptr<Target> created = TargetRegistry::Global().Create(target, &error);
  const auto* language = dynamic_cast<const LanguageTarget*>(created.get());
  if (language == nullptr) {
    std::vector<std::string> names;
    for (const std::string& name : TargetRegistry::Global().Names())
      if (name.rfind("language/", 0) == 0) names.push_back(name);
    err << "scalebench export-tokens: '" << target << "' is not a language target. Valid targets: "
        << JoinList(names, [](const std::string& n) { return n; }) << "\n";
    return kExitUsage;
  }
  const LanguageTarget::Corpus* corpus = nullptr;
  if (!language->Load(&corpus, &error)) {
    err << "scalebench export-tokens: " << target << ": " << error << "\n";
    return kExitFailure;
  }
  const std::filesystem::path folder(directory);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    err << "scalebench export-tokens: cannot create " << directory << ": " << ec.message() << "\n";
    return kExitFailure;
  }
  if (!WriteInt32(folder / "train.i32", corpus->train, err) ||
      !WriteInt32(folder / "validation.i32", corpus->validation, err)) {
    return kExitFailure;
  }
  std::ofstream about(folder / "tokens.txt");
  about << "target " << target << "\nvocab_size " << corpus->vocab_size << "\ntrain_tokens "
        << corpus->train.size() << "\nvalidation_tokens " << corpus->validation.size()
        << "\nformat raw little-endian int32, ids in [0, vocab_size)\ncorpus "
        << corpus->description << "\n";
  out << "wrote " << corpus->train.size() << " training and " << corpus->validation.size()
      << " validation tokens of " << target << " (vocab " << corpus->vocab_size << ") to "
      << directory << "\n";
  return kExitOk;
}

// ---- history / show ---------------------------------------------------------------------------

int HistoryCommand(const std::string& db,
                   const std::string& theory,
                   std::ostream& out,
                   std::ostream& err) {
  std::string error;
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, &error);
  std::vector<RunInfo> runs;
  std::vector<TrendPoint> trend;
  if (!store || !store->ListRuns(&runs, &error) || !store->ErrorTrend(theory, &trend, &error)) {
    err << "scalebench history: " << error << "\n";
    return kExitFailure;
  }
  if (!theory.empty() && trend.empty()) {
    std::vector<TrendPoint> all;
    store->ErrorTrend("", &all, &error);
    std::set<std::string> recorded;
    for (const auto& p : all) recorded.insert(p.theory);
    err << "scalebench history: no runs of theory '" << theory << "' in " << db
        << ". Recorded theories:";
    for (const auto& name : recorded) err << " " << name;
    err << "\n";
    return kExitUsage;
  }
  if (runs.empty()) {
    out << "No runs recorded in " << db << ".\n";
    return kExitOk;
  }
  std::map<std::int64_t, const TrendPoint*> best;  // lowest MAE per run
  for (const auto& p : trend) {
    if (std::isnan(p.mean_abs_error)) continue;
    auto& b = best[p.run_id];
    if (b == nullptr || p.mean_abs_error < b->mean_abs_error) b = &p;
  }
  Table table({"run", "date", "commit", "suite", "status", "seconds", "best (MAE)"});
  for (const RunInfo& r : runs) {
    auto b = best.find(r.id);
    table.AddRow({std::to_string(r.id),
                  r.started_at,
                  r.git_commit.substr(0, 12),
                  r.suite,
                  r.status,
                  FormatNumber(r.seconds, 1),
                  b == best.end()
                      ? "-"
                      : b->second->theory + " (" + FormatNumber(b->second->mean_abs_error) + ")"});
  }
  out << "Runs in " << db << " (newest first)\n";
  table.Print(out);
  Table trend_table({"theory", "run", "date", "commit", "MAE", "change", "coverage", "predict ms"});
  const TrendPoint* previous = nullptr;
  for (const auto& p : trend) {
    if (previous != nullptr && previous->theory != p.theory) previous = nullptr;
    const bool comparable = previous != nullptr && !std::isnan(previous->mean_abs_error);
    trend_table.AddRow(
        {p.theory,
         std::to_string(p.run_id),
         p.date,
         p.git_commit.substr(0, 12),
         FormatNumber(p.mean_abs_error),
         comparable ? fmt::format("{:+.3f}", p.mean_abs_error - previous->mean_abs_error) : "-",
         FormatFraction(p.cells_applicable, p.cells_total),
         FormatNumber(1e3 * p.predict_seconds, 2)});
    previous = &p;
  }
  out << "\nError trend per theory (oldest run first)\n";
  trend_table.Print(out);
  return kExitOk;
}

int ShowCommand(const std::string& db, std::int64_t run_id, std::ostream& out, std::ostream& err) {
  std::string error;
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, &error);
  RunRecord run;
  if (!store || !store->LoadRun(run_id, &run, &error)) {
    err << "scalebench show: " << error << "\n";
    return kExitFailure;
  }
  ReportContext context;
  context.date = run.info.started_at;
  context.host = run.info.host;
  context.git_commit = run.info.git_commit;
  context.suite = run.info.suite;
  context.command = run.info.command;
  context.config_hash = run.info.config_hash;
  context.seconds = run.info.seconds;
  out << "Run " << run.info.id << " (" << run.info.status << ", "
      << FormatNumber(run.info.seconds, 1) << " s): " << run.info.command << "\n";
  WriteReport("console", context, BuildLeaderboard(run.cells, run.info.baseline_theory), out);
  if (!run.fits.empty()) {
    Table fits({"target",
                "axis",
                "form",
                "exponent [CI]",
                "status",
                "sizes x seeds",
                "cached",
                "seconds"});
    for (const FitRecord& f : run.fits) {
      fits.AddRow(
          {f.target,
           ToString(f.axis),
           ToString(f.summary.form),
           FormatWithInterval(f.summary.exponent, f.summary.exponent_ci),
           ToString(f.summary.status),
           std::to_string(f.summary.num_sizes) + " x " + std::to_string(f.summary.num_seeds),
           f.from_cache ? "yes" : "no",
           FormatNumber(f.summary.seconds, 2)});
    }
    out << "\nFits\n";
    fits.Print(out);
  }
  std::map<std::string, double> stage_seconds;
  for (const RuntimeRecord& t : run.runtimes) stage_seconds[t.stage] += t.seconds;
  if (!stage_seconds.empty()) {
    Table runtimes({"stage", "seconds"});
    for (const auto& [stage, seconds] : stage_seconds)
      runtimes.AddRow({stage, FormatNumber(seconds, 2)});
    out << "\nRuntime per stage\n";
    runtimes.Print(out);
  }
  return kExitOk;
}

}  // namespace scalebench
