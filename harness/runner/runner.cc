#include "harness/runner/runner.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <sstream>

#include "harness/distributed/sweep_loop.h"
#include "harness/report/html_report.h"
#include "harness/report/publish.h"
#include "harness/report/reporter.h"
#include "harness/runner/suite_measurer.h"
#include "harness/score/score.h"
#include "harness/store/history_store.h"
#include "harness/targets/target.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

constexpr char kBaselineTheory[] = "baseline/constant_exponent";

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

std::vector<double> MeanLosses(const LearningCurve& curve) {
  std::vector<double> means;
  for (std::size_t i = 0; i < curve.num_sizes(); ++i) means.push_back(curve.MeanLoss(i));
  return means;
}

// Runs every theory on every axis of the target and appends the scored cells to the record and
// the curves' diagnostics to the notes.
void Predict(const MeasuredTarget& measured,
             const std::vector<std::string>& theories,
             RunRecord* record,
             std::vector<CurveNote>* notes) {
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
      notes->push_back(std::move(note));
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
      // A home cell is an axis the theory speaks to on the model it was derived on; its other
      // axes there are plain n/a cells, not failed validations.
      cell.home =
          std::find(home.begin(), home.end(), name) != home.end() &&
          std::find(info.axes.begin(), info.axes.end(), axis.design.axis) != info.axes.end();
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
      cell.measured_se = axis.fit.exponent_std_error;
      cell.interval_method = axis.fit.interval_method;
      cell.fit_diagnosis = axis.fit.diagnosis.Brief();
      auto allowance = measured.info.exponent_allowance.find(axis.design.axis);
      if (allowance != measured.info.exponent_allowance.end()) {
        cell.allowance = allowance->second;
        cell.allowance_reason = measured.info.allowance_reason;
      }
      auto exact = measured.info.exact_exponents.find(axis.design.axis);
      if (exact != measured.info.exact_exponents.end()) cell.exact = exact->second;
      ScoreCell(means, &cell);
      record->runtimes.push_back({"predict", name + "@" + measured.name, cell.predict_seconds});
      record->cells.push_back(std::move(cell));
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
  if (jobs < 1) return fail("jobs = " + std::to_string(jobs) + " must be >= 1");
  if (!(rank_timeout_s > 0)) {
    return fail("rank_timeout_s = " + std::to_string(rank_timeout_s) + " must be > 0");
  }
  if (bootstrap_resamples < 0) {
    return fail("bootstrap_resamples = " + std::to_string(bootstrap_resamples) + " must be >= 0");
  }
  if (results_dir.empty()) return fail("results_dir must not be empty");
  if (cache_dir.empty()) return fail("cache_dir must not be empty");
  if (db_path.empty()) return fail("db_path must not be empty");
  return true;
}

int RunSuite(const RunOptions& options, std::ostream& out, std::string* error) {
  return RunSuite(options, out, out, error);
}

int RunSuite(const RunOptions& options,
             std::ostream& out,
             std::ostream& progress,
             std::string* error) {
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
  // Under an MPI launcher (mpirun, srun), rank 0 runs the suite and the other ranks only compute
  // the runs it hands out (harness/distributed/sweep_loop.h). Every rank has checked the same
  // command line above, so a usage error stops them all before they join.
  std::string cluster_error;
  std::unique_ptr<Transport> cluster = JoinCluster(&cluster_error);
  if (!cluster_error.empty()) {
    *error = cluster_error;
    return 2;
  }
  if (cluster != nullptr && cluster->size() > 1 && cluster->rank() > 0) {
    omp_set_num_threads(options.threads);
    const bool served = ServeSweep(
        *cluster,
        SweepOptionsFor(options),
        [&](const std::string& m) {
          if (!options.quiet) progress << "  " << m << std::endl;
        },
        error);
    return served ? 0 : 1;
  }

  // Eigen reads its thread count from omp_get_max_threads(), per thread (the run loop sets it per
  // worker, a target may lower it inside a run); a process-wide Eigen::setNbThreads would override
  // both.
  omp_set_num_threads(options.threads);

  Stopwatch watch;
  RunRecord record;
  std::vector<CurveNote> notes;
  SuiteMeasurer run(options, progress, &record);
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

  if (!run.OpenTimesLog(error)) return 1;
  if (const int removed = run.cache().RemoveStaleTemporaries(); removed > 0) {
    run.Progress(fmt::format("removed {} temporary cache files left by killed runs", removed));
  }
  if (cluster != nullptr && cluster->size() > 1) run.Distribute(*cluster, targets);
  std::vector<std::string> failures;
  std::vector<ReportCurve> curves;  // for the report's figures
  std::vector<TargetWork> work;
  std::vector<JointFitNote> joint_fits;
  run.MeasureAll(targets, &work);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!options.quiet)
      progress << "[" << i + 1 << "/" << targets.size() << "] " << targets[i] << std::endl;
    std::string target_error;
    if (!run.Finish(work[i], &target_error)) {
      failures.push_back(target_error);
      progress << "  error: " << target_error << std::endl;
    }
    const MeasuredTarget& measured = work[i].measured;
    // The axes that were measured are scored even when another axis or the profile failed.
    if (measured.has_profile) Predict(measured, theories, &record, &notes);
    if (measured.joint) joint_fits.push_back({measured.name, *measured.joint});
    for (const MeasuredAxis& axis : measured.axes) {
      // A compute frontier that could not be fitted has no envelope to draw.
      if (axis.curve.num_sizes() > 0)
        curves.push_back(MakeReportCurve(measured.name, axis.curve, axis.fit));
    }
  }

  if (!options.quiet) {
    progress << fmt::format(
                    "runs: {} reused from the cache, {} computed", run.reused(), run.computed())
             << std::endl;
  }
  Stopwatch score_watch;
  LeaderboardOptions board_options;
  board_options.baseline_theory = kBaselineTheory;
  Leaderboard board = BuildLeaderboard(record.cells, board_options);
  board.notes = std::move(notes);
  board.joint_fits = std::move(joint_fits);
  record.runtimes.push_back({"score", "ranking", score_watch.Seconds()});
  record.info.finished_at = NowUtc();
  record.info.seconds = watch.Seconds();
  record.info.status = failures.empty() ? "ok" : "failed";

  context.seconds = record.info.seconds;

  record.info.git_dirty = context.git_dirty;
  for (const auto& failure : failures)
    record.info.error += (record.info.error.empty() ? "" : "\n") + failure;
  PublishOptions publish;
  publish.results_dir = options.results_dir;
  publish.db_path = options.db_path;
  PublishResult published;
  PublishRun(publish, context, board, std::move(curves), &record, &published);
  for (const auto& failure : published.failures) failures.push_back(failure);
  const int status = failures.empty() ? 0 : 1;
  if (options.print_cells) {
    WriteReport("cells", context, board, out);
    out << "\n";
  }
  WriteReport("console", context, board, out);
  if (!published.published.empty()) {
    out << "wrote";
    for (const auto& path : published.published) out << " " << path;
    out << "\n";
  }
  if (record.info.id > 0) {
    out << "recorded as run " << record.info.id << " (" << record.info.status << ") in "
        << options.db_path << "\n";
  }
  for (const auto& failure : failures) *error += (error->empty() ? "" : "\n") + failure;
  return status;
}

}  // namespace scalebench
