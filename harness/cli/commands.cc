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
#include "harness/report/compare.h"
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
  Table table({"target", "suites", "realism", "family", "home of", "exact exponents", "summary"});
  for (const std::string& name : TargetRegistry::Global().Names()) {
    std::string error;
    auto target = TargetRegistry::Global().Create(name, &error);
    if (!target) continue;  // cannot happen for a listed name
    const TargetInfo info = target->Info();
    std::string exact;
    for (const auto& [axis, value] : info.exact_exponents) {
      exact +=
          (exact.empty() ? "" : ", ") + std::string(ToString(axis)) + " " + FormatNumber(value, 4);
    }
    const auto same = [](const std::string& s) { return s; };
    table.AddRow({name,
                  JoinList(info.suites, same),
                  ToString(info.realism),
                  info.dataset_family,
                  info.home_theories.empty() ? "-" : JoinList(info.home_theories, same),
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

// --bootstrap, --seed and --threads, shared by the single-axis and the joint fit.
BootstrapOptions BootstrapOf(const FitCommandOptions& o) {
  BootstrapOptions bootstrap;
  bootstrap.resamples = o.bootstrap;
  bootstrap.seed = o.seed;
  bootstrap.threads = o.threads;
  return bootstrap;
}

// The flags of `fit` for the fields of FitOptions and JointFitOptions.
std::string WithFitFlagNames(const std::string& message) {
  std::vector<std::pair<std::string, std::string>> flags;
  for (const char* options : {"FitOptions.", "JointFitOptions."}) {
    for (const auto& [field, flag] : {std::pair{"form", "--form"},
                                      {"fixed_offset", "--fixed-offset"},
                                      {"huber_delta", "--huber-delta"},
                                      {"bootstrap.resamples", "--bootstrap"},
                                      {"bootstrap.seed", "--seed"},
                                      {"bootstrap.threads", "--threads"},
                                      {"min_size", "--min-size"},
                                      {"max_size", "--max-size"}}) {
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
  options.bootstrap = BootstrapOf(o);
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
  options.bootstrap = BootstrapOf(o);
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

// `predict --json`: the same content as the tables, keyed like a leaderboard.json cell (a reason
// sits under the key of its kind; only predicted theories carry numbers).
int PrintPredictionsJson(const std::string& path,
                         const ProfileFile& file,
                         Axis axis,
                         const std::vector<double>& sizes,
                         const std::vector<PredictedRow>& rows,
                         std::ostream& out) {
  auto number = [](std::optional<double> x) {
    return x && std::isfinite(*x) ? nlohmann::json(*x) : nlohmann::json(nullptr);
  };
  nlohmann::ordered_json j;
  j["profile"] = path;
  j["source"] = file.profile.source;
  j["axis"] = ToString(axis);
  j["learner"] = file.learner ? file.learner->kind : "";
  j["sizes"] = sizes;
  nlohmann::ordered_json predictions = nlohmann::ordered_json::array();
  for (const auto& row : rows) {
    const Prediction& p = row.prediction;
    nlohmann::ordered_json entry;
    entry["theory"] = row.theory;
    entry["status"] = ToString(p.status());
    switch (p.status()) {
      case PredictionStatus::kPredicted:
        entry["exponent"] = {{"value", number(p.exponent().value)},
                             {"lower", number(p.exponent().lower)},
                             {"upper", number(p.exponent().upper)}};
        entry["note"] = p.message();
        entry["curve"] = p.has_curve() ? nlohmann::json(p.curve()) : nlohmann::json(nullptr);
        break;
      case PredictionStatus::kNotApplicable:
        entry["not_applicable_reason"] = p.message();
        break;
      case PredictionStatus::kFailed:
        entry["error"] = p.message();
        break;
    }
    predictions.push_back(entry);
  }
  j["predictions"] = predictions;
  out << j.dump(2) << "\n";
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
  std::vector<PredictedRow> rows;
  for (const auto& [name, theory] : theories) {
    const PredictionRequest request(file.profile, learner, axis, sizes);
    rows.push_back({name, RunTheory(*theory, *registry.Find(name), request)});
  }
  if (options.json) return PrintPredictionsJson(options.profile, file, axis, sizes, rows, out);
  out << "profile: " << options.profile
      << (file.profile.source.empty() ? "" : " (" + file.profile.source + ")")
      << "; axis: " << ToString(axis)
      << "; learner: " << (learner.kind.empty() ? "(unspecified)" : learner.kind) << "\n\n";
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
  std::shared_ptr<const TokenCorpus> corpus;
  if (!language->Corpus(&corpus, &error)) {
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
                   const std::string& suite,
                   std::ostream& out,
                   std::ostream& err) {
  std::string error;
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, &error);
  std::vector<RunInfo> runs;
  std::vector<TrendPoint> trend;
  std::map<std::int64_t, std::map<std::string, double>> stages;
  TrendFilter filter;
  filter.theory = theory;
  filter.suite = suite;
  if (!store || !store->ListRuns(&runs, &error) || !store->ErrorTrend(filter, &trend, &error) ||
      !store->StageSeconds(&stages, &error)) {
    err << "scalebench history: " << error << "\n";
    return kExitFailure;
  }
  if (!suite.empty()) {
    std::set<std::string> recorded;
    for (const RunInfo& r : runs) recorded.insert(r.suite);
    std::erase_if(runs, [&](const RunInfo& r) { return r.suite != suite; });
    if (runs.empty() && !recorded.empty()) {
      err << "scalebench history: no runs of suite '" << suite << "' in " << db
          << ". Recorded suites:";
      for (const auto& name : recorded) err << " " << name;
      err << "\n";
      return kExitUsage;
    }
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
  const std::vector<std::string> stage_names = {"probe", "train", "fit", "predict", "report"};
  std::vector<std::string> header = {"run", "date", "commit", "suite", "status", "seconds"};
  for (const auto& stage : stage_names) header.push_back(stage + " s");
  header.push_back("best (MAE)");
  Table table(header);
  for (const RunInfo& r : runs) {
    auto b = best.find(r.id);
    std::vector<std::string> row = {std::to_string(r.id),
                                    r.started_at,
                                    r.git_commit.substr(0, 12) + (r.git_dirty ? " (dirty)" : ""),
                                    r.suite,
                                    r.status,
                                    FormatNumber(r.seconds, 1)};
    for (const auto& stage : stage_names) {
      const auto& run_stages = stages[r.id];
      auto found = run_stages.find(stage);
      row.push_back(found == run_stages.end() ? "-" : FormatNumber(found->second, 2));
    }
    row.push_back(b == best.end()
                      ? "-"
                      : b->second->theory + " (" + FormatNumber(b->second->mean_abs_error) + ")");
    table.AddRow(row);
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
  const Leaderboard board = BuildLeaderboard(run.cells, run.info.baseline_theory);
  WriteReport("cells", context, board, out);
  out << "\n";
  WriteReport("console", context, board, out);
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

// ---- compare / version ------------------------------------------------------------------------

int CompareCommand(const std::string& db,
                   const std::string& run_a,
                   const std::string& run_b,
                   std::ostream& out,
                   std::ostream& err) {
  ComparedRun a, b;
  std::string error;
  if (!LoadComparedRun(run_a, db, &a, &error) || !LoadComparedRun(run_b, db, &b, &error)) {
    err << "scalebench compare: " << error << "\n";
    return kExitFailure;
  }
  PrintComparison(CompareRuns(a, b), out);
  return kExitOk;
}

extern const char kBuildVersion[];
extern const char kBuildCommit[];
extern const bool kBuildDirty;

std::string VersionText() {
  return std::string("scalebench ") + kBuildVersion + " (git " + kBuildCommit +
         (kBuildDirty ? ", built from a modified tree" : "") + ")";
}

}  // namespace scalebench
