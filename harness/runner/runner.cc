#include "harness/runner/runner.h"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "harness/fit/power_law_fit.h"
#include "harness/report/reporter.h"
#include "harness/score/score.h"
#include "harness/store/curve_cache.h"
#include "harness/store/history_store.h"
#include "harness/targets/target.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

constexpr char kBaselineTheory[] = "baseline/constant_exponent";

class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}

// Resolves the requested names against a registry; unknown names are usage errors that list
// the valid ones (the registry's own message).
template <typename Registry>
bool ResolveNames(const Registry& registry,
                  const std::vector<std::string>& requested,
                  std::vector<std::string>* names,
                  std::string* error) {
  if (requested.empty()) {
    *names = registry.Names();
    return true;
  }
  for (const auto& name : requested) {
    if (registry.Create(name, error) == nullptr) return false;
    if (std::find(names->begin(), names->end(), name) == names->end()) names->push_back(name);
  }
  return true;
}

// Everything measured on one target: its profile, and per design the curve and its fit.
struct MeasuredAxis {
  AxisDesign design;
  LearningCurve curve;
  FitSummary fit;
  std::string cache_key;
  bool from_cache = false;
};

struct MeasuredTarget {
  std::string name;
  TargetInfo info;
  Profile profile;
  std::optional<Profile> oracle;
  std::vector<MeasuredAxis> axes;
};

class SuiteRun {
 public:
  SuiteRun(const RunOptions& options, std::ostream& out)
      : options_(options), out_(out), cache_(options.cache_dir) {}

  // Measures one target (profile, curves, fits), using the cache where possible. Returns false
  // with *error when the target could not be measured; the run goes on with the other targets.
  bool Measure(const std::string& name, MeasuredTarget* measured, std::string* error);
  // Runs every theory on every axis of the target and appends the scored cells.
  void Predict(const MeasuredTarget& measured, const std::vector<std::string>& theories);

  RunRecord& record() { return record_; }
  const std::vector<CurveNote>& notes() const { return notes_; }
  void Progress(const std::string& message) const {
    if (!options_.quiet) out_ << "  " << message << std::endl;
  }

 private:
  bool MeasureProfile(const Target& target, MeasuredTarget* measured);
  bool MeasureAxis(const Target& target, const MeasuredTarget& measured, MeasuredAxis* axis);
  FitOptions FitOptionsFor(const AxisDesign& design) const;

  const RunOptions& options_;
  std::ostream& out_;
  CurveCache cache_;
  RunRecord record_;
  std::vector<CurveNote> notes_;
};

bool SuiteRun::Measure(const std::string& name, MeasuredTarget* measured, std::string* error) {
  std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, error);
  if (target == nullptr) return false;
  measured->name = name;
  measured->info = target->Describe();
  measured->oracle = target->OracleProfile();
  try {
    if (!MeasureProfile(*target, measured)) {
      *error = name + ": the profile could not be measured";
      return false;
    }
    for (AxisDesign design : target->Designs()) {
      if (options_.seeds > 0) design.seeds = options_.seeds;
      MeasuredAxis axis;
      axis.design = design;
      if (MeasureAxis(*target, *measured, &axis)) measured->axes.push_back(std::move(axis));
    }
  } catch (const std::exception& e) {
    *error = name + ": " + e.what();
    return false;
  }
  return true;
}

bool SuiteRun::MeasureProfile(const Target& target, MeasuredTarget* measured) {
  const std::string key =
      ProfileCacheKey(measured->info, target.CacheKeyMaterial() + target.ProbeKeyMaterial());
  std::string message;
  if (options_.use_cache && cache_.LoadProfile(key, &measured->profile, &message)) {
    Progress("profile: cached (" + cache_.ProfilePath(key) + ")");
    return true;
  }
  if (!message.empty()) Progress("warning: " + message);
  Stopwatch watch;
  measured->profile = target.MeasureProfile([this](const std::string& m) { Progress(m); });
  const double seconds = watch.Seconds();
  record_.runtimes.push_back({"probe", measured->name, seconds});
  Progress("profile: measured in " + std::to_string(seconds).substr(0, 5) + " s");
  if (!cache_.StoreProfile(key, measured->profile, &message)) Progress("warning: " + message);
  return true;
}

FitOptions SuiteRun::FitOptionsFor(const AxisDesign& design) const {
  FitOptions fit;
  fit.form = design.zero_offset ? CurveForm::kPowerLaw : CurveForm::kOffsetPowerLaw;
  fit.bootstrap.resamples = options_.bootstrap_resamples;
  fit.bootstrap.threads = options_.threads;
  return fit;
}

bool SuiteRun::MeasureAxis(const Target& target,
                           const MeasuredTarget& measured,
                           MeasuredAxis* axis) {
  const std::string label = measured.name + " [" + ToString(axis->design.axis) + "]";
  axis->cache_key = CurveCacheKey(measured.info, target.CacheKeyMaterial(), axis->design);
  std::string message;
  if (options_.use_cache && cache_.LoadCurve(axis->cache_key, &axis->curve, &message)) {
    axis->from_cache = true;
    Progress(std::string(ToString(axis->design.axis)) + " curve: cached");
  } else {
    if (!message.empty()) Progress("warning: " + message);
    Stopwatch watch;
    axis->curve = target.Train(axis->design, [this](const std::string& m) { Progress(m); });
    const double seconds = watch.Seconds();
    record_.runtimes.push_back({"train", label, seconds});
    Progress(std::string(ToString(axis->design.axis)) + " curve: trained in " +
             std::to_string(seconds).substr(0, 5) + " s");
    if (!cache_.StoreCurve(axis->cache_key, axis->curve, &message)) Progress("warning: " + message);
  }
  std::string invalid;
  if (!axis->curve.IsValid(&invalid)) {
    Progress("error: " + label + ": invalid curve: " + invalid);
    return false;
  }
  Stopwatch watch;
  FitCurve(FitOptionsFor(axis->design), axis->curve, &axis->fit);
  record_.runtimes.push_back({"fit", label, watch.Seconds()});
  Progress(std::string(ToString(axis->design.axis)) + " fit: " + axis->fit.BriefReport());
  record_.fits.push_back(
      {measured.name, axis->design.axis, axis->fit, axis->cache_key, axis->from_cache});
  return true;
}

std::vector<double> MeanLosses(const LearningCurve& curve) {
  std::vector<double> means;
  for (std::size_t i = 0; i < curve.num_sizes(); ++i) means.push_back(curve.MeanLoss(i));
  return means;
}

void SuiteRun::Predict(const MeasuredTarget& measured, const std::vector<std::string>& theories) {
  for (const MeasuredAxis& axis : measured.axes) {
    for (const CurveDiagnostic& diagnostic : axis.curve.diagnostics) {
      if (!diagnostic.in_report) continue;
      CurveNote note{measured.name,
                     axis.design.axis,
                     diagnostic.name,
                     diagnostic.description,
                     axis.curve.sizes,
                     {}};
      for (std::size_t i = 0; i < axis.curve.num_sizes(); ++i)
        note.means.push_back(diagnostic.Mean(i));
      notes_.push_back(std::move(note));
    }
    const std::vector<double> means = MeanLosses(axis.curve);
    for (const std::string& name : theories) {
      const TheoryInfo& info = *TheoryRegistry::Global().Find(name);
      std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(name, nullptr);
      PredictionRequest request(
          measured.profile, axis.design.learner, axis.design.axis, axis.curve.sizes);
      Stopwatch watch;
      const Prediction prediction = RunTheory(*theory, info, request);
      Cell cell;
      cell.predict_seconds = watch.Seconds();
      cell.theory = name;
      cell.family = name.substr(0, name.find('/'));
      cell.target = measured.name;
      cell.axis = axis.design.axis;
      cell.realism = measured.info.realism;
      cell.dataset_family = measured.info.dataset_family;
      const auto& home = measured.info.home_theories;
      cell.home = std::find(home.begin(), home.end(), name) != home.end();
      cell.status = prediction.status();
      cell.message = prediction.message();
      cell.predicted = prediction.exponent();
      cell.predicted_curve = prediction.curve();
      if (measured.oracle) {
        PredictionRequest oracle_request(
            *measured.oracle, axis.design.learner, axis.design.axis, axis.curve.sizes);
        const Prediction oracle = RunTheory(*theory, info, oracle_request);
        cell.has_oracle = true;
        cell.oracle_status = oracle.status();
        cell.oracle_message = oracle.message();
        cell.oracle_predicted = oracle.exponent();
        cell.oracle_curve = oracle.curve();
      }
      cell.fit_status = axis.fit.status;
      cell.measured = axis.fit.exponent;
      cell.measured_ci = axis.fit.exponent_ci;
      auto exact = measured.info.exact_exponents.find(axis.design.axis);
      if (exact != measured.info.exact_exponents.end()) cell.exact = exact->second;
      ScoreCell(means, &cell);
      record_.runtimes.push_back({"predict", name + "@" + measured.name, cell.predict_seconds});
      record_.cells.push_back(std::move(cell));
    }
  }
}

std::string ConfigHash(const RunOptions& options,
                       const std::vector<std::string>& targets,
                       const std::vector<std::string>& theories) {
  std::ostringstream text;
  text << "suite=" << options.suite << ";seeds=" << options.seeds
       << ";bootstrap=" << options.bootstrap_resamples << ";targets=";
  for (const auto& t : targets) text << t << ",";
  text << ";theories=";
  for (const auto& t : theories) text << t << ",";
  return Fnv1aHex(text.str());
}

}  // namespace

bool RunOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& message) {
    *error = "RunOptions." + message;
    return false;
  };
  if (suite != "default" && suite != "full") {
    return fail("suite = '" + suite + "' must be one of: default, full");
  }
  if (seeds < 0) return fail("seeds = " + std::to_string(seeds) + " must be >= 0");
  if (threads < 1) return fail("threads = " + std::to_string(threads) + " must be >= 1");
  if (bootstrap_resamples < 0) {
    return fail("bootstrap_resamples = " + std::to_string(bootstrap_resamples) + " must be >= 0");
  }
  if (results_dir.empty()) return fail("results_dir must not be empty");
  if (db_path.empty()) return fail("db_path must not be empty");
  return true;
}

int RunSuite(const RunOptions& options, std::ostream& out, std::string* error) {
  if (!options.IsValid(error)) return 2;
  std::vector<std::string> theories, targets;
  if (!ResolveNames(TheoryRegistry::Global(), options.theories, &theories, error)) return 2;
  if (options.targets.empty()) {
    targets = TargetRegistry::Global().Suite(options.suite);
  } else if (!ResolveNames(TargetRegistry::Global(), options.targets, &targets, error)) {
    return 2;
  }
  if (targets.empty()) {
    *error = "no target selected (suite '" + options.suite + "' is empty)";
    return 2;
  }
  Eigen::setNbThreads(options.threads);
  omp_set_num_threads(options.threads);

  Stopwatch watch;
  SuiteRun run(options, out);
  RunRecord& record = run.record();
  ReportContext context = CurrentReportContext();
  context.suite = options.targets.empty() ? options.suite : "custom";
  context.command = options.command_line;
  context.config_hash = ConfigHash(options, targets, theories);
  record.info.started_at = context.date;
  record.info.suite = context.suite;
  record.info.command = context.command;
  record.info.git_commit = context.git_commit;
  record.info.host = context.host;
  record.info.baseline_theory = kBaselineTheory;
  record.info.config_hash = context.config_hash;

  std::vector<std::string> failures;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!options.quiet)
      out << "[" << i + 1 << "/" << targets.size() << "] " << targets[i] << std::endl;
    MeasuredTarget measured;
    std::string target_error;
    if (!run.Measure(targets[i], &measured, &target_error)) {
      failures.push_back(target_error);
      out << "  error: " << target_error << std::endl;
      continue;
    }
    run.Predict(measured, theories);
  }

  Leaderboard board = BuildLeaderboard(record.cells, kBaselineTheory);
  board.notes = run.notes();
  record.info.finished_at = NowUtc();
  record.info.seconds = watch.Seconds();
  record.info.status = failures.empty() ? "ok" : "failed";

  context.seconds = record.info.seconds;

  int status = failures.empty() ? 0 : 1;
  std::string write_error;
  for (const auto& [format, file] :
       {std::pair<std::string, std::string>{"markdown", "LEADERBOARD.md"},
        {"json", "leaderboard.json"}}) {
    if (!WriteReportFile(format, options.results_dir + "/" + file, context, board, &write_error)) {
      failures.push_back(write_error);
      status = 1;
    }
  }
  auto store = HistoryStore::Open(options.db_path, HistoryStore::Mode::kReadWrite, &write_error);
  if (store == nullptr || !store->AddRun(&record, &write_error)) {
    failures.push_back(write_error);
    status = 1;
  }
  WriteReport("console", context, board, out);
  if (record.info.id > 0)
    out << "recorded as run " << record.info.id << " in " << options.db_path << "\n";
  for (const auto& failure : failures) *error += (error->empty() ? "" : "\n") + failure;
  return status;
}

}  // namespace scalebench
