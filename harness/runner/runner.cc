#include "harness/runner/runner.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include "harness/distributed/sweep_loop.h"
#include "harness/fit/power_law_fit.h"
#include "harness/report/html_report.h"
#include "harness/report/publish.h"
#include "harness/report/reporter.h"
#include "harness/runner/compute_cell.h"
#include "harness/runner/run_loop.h"
#include "harness/score/score.h"
#include "harness/store/history_store.h"
#include "harness/store/run_cache.h"
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

bool SameDirectory(const std::string& a, const std::string& b) {
  std::error_code ec;
  const auto ca = std::filesystem::weakly_canonical(a, ec);
  const auto cb = std::filesystem::weakly_canonical(b, ec);
  return ca == cb;
}

// Everything measured on one target: its profile, and per design the curve and its fit.
struct MeasuredAxis {
  AxisDesign design;
  LearningCurve curve;
  FitSummary fit;
  int reused = 0;  // runs taken from the cache
};

struct MeasuredTarget {
  std::string name;
  TargetInfo info;
  Profile profile;
  bool has_profile = false;
  std::optional<Profile> oracle;
  std::vector<MeasuredAxis> axes;
};

// A target while the suite measures it (SuiteRun::MeasureAll).
struct TargetWork {
  std::unique_ptr<Target> target;  // null: it could not be created (error says why)
  std::string error;
  MeasuredTarget measured;
  std::string profile_error;  // why the profile failed (empty: it did not)
  std::string profile_note;   // "cached", or "measured in X s"
  double probe_seconds = -1;  // >= 0: the profile was measured now
  std::vector<MeasuredCurve> curves;
};

class SuiteRun {
 public:
  SuiteRun(const RunOptions& options, std::ostream& out)
      : options_(options), out_(out), cache_(CacheDirectories(options)) {}

  // Measures every target, using the cache where possible: the profiles (each on one thread, so
  // that it does not depend on --threads and fills a slot beside the runs) and the runs of all
  // targets on one pool of jobs x threads slots (MeasureCurvesTogether), the profiles first.
  void MeasureAll(const std::vector<std::string>& names, std::vector<TargetWork>* work);
  // Then, per target in suite order: the fits. Returns false with *error naming every failed
  // probe or run; what could be measured is kept (and cached), and the suite goes on.
  bool Finish(TargetWork& work, std::string* error);
  // Rank 0 of an MPI job: computes the uncached runs of every target on all ranks at once (the
  // results are cached as they arrive); MeasureAll then takes them as computed runs.
  void Distribute(Transport& cluster, const std::vector<std::string>& targets);
  // Runs every theory on every axis of the target and appends the scored cells.
  void Predict(const MeasuredTarget& measured, const std::vector<std::string>& theories);

  RunRecord& record() { return record_; }
  const std::vector<CurveNote>& notes() const { return notes_; }
  void Progress(const std::string& message) const {
    if (options_.quiet) return;
    std::lock_guard<std::mutex> lock(progress_mutex_);
    out_ << "  " << message << std::endl;
  }
  const RunCache& cache() const { return cache_; }
  // Opens RunOptions::times_log for appending (nothing to do when it is empty); false with
  // *error naming the file.
  bool OpenTimesLog(std::string* error);
  int reused() const { return reused_; }
  int computed() const { return computed_; }

 private:
  // New entries go into cache_dir, which is read first; the committed cache is read after it.
  static std::vector<std::string> CacheDirectories(const RunOptions& options) {
    std::vector<std::string> directories = {options.cache_dir};
    if (!options.committed_cache_dir.empty() &&
        !SameDirectory(options.cache_dir, options.committed_cache_dir)) {
      directories.push_back(options.committed_cache_dir);
    }
    return directories;
  }
  // The profile from the cache (and the oracle, computed if it is not cached); false on a miss.
  bool CachedProfile(TargetWork& work);
  // Measures the profile on one thread, and the oracle (a pool task: thread-safe against the
  // runs and the other profiles).
  void ComputeProfile(TargetWork& work);
  // The kCompute cell from the compute grid's curves (harness/runner/compute_cell.h); nullopt
  // with a failure when a grid run is missing.
  std::optional<MeasuredAxis> MeasureCompute(const std::string& name,
                                             const std::vector<MeasuredCurve>& curves,
                                             std::vector<std::string>* failures);
  void MeasureOracle(const Target& target, MeasuredTarget* measured);
  FitOptions FitOptionsFor(const AxisDesign& design) const;
  // Appends `row` to the times log, if there is one, at once (thread-safe).
  void LogTime(const RuntimeRecord& row);

  const RunOptions& options_;
  std::ostream& out_;
  RunCache cache_;
  int reused_ = 0;
  int computed_ = 0;
  RunRecord record_;
  std::vector<CurveNote> notes_;
  ComputedRuns by_ranks_;  // computed by the MPI ranks (Distribute)
  mutable std::mutex progress_mutex_;
  std::ofstream times_log_;
  bool times_log_failed_ = false;  // warned once
  std::mutex times_log_mutex_;
};

bool SuiteRun::OpenTimesLog(std::string* error) {
  if (options_.times_log.empty()) return true;
  times_log_.open(options_.times_log, std::ios::app);
  if (times_log_) return true;
  *error =
      "times log " + options_.times_log + ": cannot open for appending: " + std::strerror(errno);
  return false;
}

void SuiteRun::LogTime(const RuntimeRecord& row) {
  if (!times_log_.is_open()) return;
  std::lock_guard<std::mutex> lock(times_log_mutex_);
  times_log_ << row.stage << '\t' << row.name << '\t' << fmt::format("{:.6f}", row.seconds)
             << std::endl;
  if (!times_log_ && !times_log_failed_) {
    times_log_failed_ = true;
    Progress("warning: times log " + options_.times_log + ": a write failed (" +
             std::strerror(errno) + "); the history database still gets the times");
  }
}

SweepOptions SweepOptionsFor(const RunOptions& options) {
  SweepOptions sweep;
  sweep.jobs = options.jobs;
  sweep.threads = options.threads;
  sweep.seeds = options.seeds;
  sweep.rank_timeout_s = options.rank_timeout_s;
  return sweep;
}

void SuiteRun::Distribute(Transport& cluster, const std::vector<std::string>& targets) {
  Stopwatch watch;
  const SweepOptions sweep = SweepOptionsFor(options_);
  std::vector<std::string> warnings;
  const SweepPlan plan = PlanSweep(targets,
                                   options_.seeds,
                                   options_.use_cache ? &cache_ : nullptr,
                                   RecordedRunSeconds(options_.db_path, 20),
                                   &warnings);
  for (const std::string& warning : warnings) Progress("warning: " + warning);
  Progress(DescribeSweep(plan, cluster.size(), sweep));
  SweepStats stats;
  CoordinateSweep(
      cluster,
      plan,
      &cache_,
      sweep,
      [this](const std::string& m) { Progress(m); },
      &by_ranks_,
      &stats);
  Progress(SummarizeSweep(stats));
  record_.runtimes.push_back(
      {"sweep",
       fmt::format("{} ranks x {} jobs x {} threads", cluster.size(), sweep.jobs, sweep.threads),
       watch.Seconds()});
}

void SuiteRun::MeasureAll(const std::vector<std::string>& names, std::vector<TargetWork>* all) {
  all->clear();
  all->resize(names.size());
  std::vector<CurveRequest> requests;
  std::vector<PoolTask> profiles;
  for (std::size_t i = 0; i < names.size(); ++i) {
    TargetWork& work = (*all)[i];
    work.target = TargetRegistry::Global().Create(names[i], &work.error);
    if (work.target == nullptr) continue;
    work.measured.name = names[i];
    work.measured.info = work.target->Info();
    requests.push_back({work.target.get(), work.target->Designs()});
    if (!CachedProfile(work)) profiles.push_back({1, [this, &work] { ComputeProfile(work); }});
  }
  if (!profiles.empty()) Progress(fmt::format("{} profiles to measure", profiles.size()));
  RunLoopOptions loop;
  loop.jobs = options_.jobs;
  loop.threads = options_.threads;
  loop.seeds = options_.seeds;
  loop.use_cache = options_.use_cache;
  loop.finished = [this](const RunTiming& timing) {
    LogTime({"run", timing.label, timing.seconds});
    if (timing.cpu_seconds >= 0) LogTime({"run_cpu", timing.label, timing.cpu_seconds});
  };
  Stopwatch watch;
  const std::size_t profile_count = profiles.size();
  std::vector<std::vector<MeasuredCurve>> curves = MeasureCurvesTogether(
      requests,
      &cache_,
      loop,
      [this](const std::string& m) { Progress(m); },
      std::move(profiles),
      &by_ranks_);
  record_.runtimes.push_back(
      {"measure",
       fmt::format("{} profiles and the runs of {} targets on {} x {} thread slots",
                   profile_count,
                   requests.size(),
                   options_.jobs,
                   options_.threads),
       watch.Seconds()});
  std::size_t next = 0;
  for (TargetWork& work : *all) {
    if (work.target != nullptr) work.curves = std::move(curves[next++]);
  }
}

bool SuiteRun::Finish(TargetWork& work, std::string* error) {
  const std::string& name = work.measured.name;
  if (work.target == nullptr) {
    *error = work.error;
    return false;
  }
  MeasuredTarget* measured = &work.measured;
  std::vector<std::string> failures;
  if (work.probe_seconds >= 0) record_.runtimes.push_back({"probe", name, work.probe_seconds});
  if (work.profile_error.empty()) {
    measured->has_profile = true;
    Progress("profile: " + work.profile_note);
  } else {
    failures.push_back("profile: " + work.profile_error);
  }
  // The compute cell is derived from the grid's steps curves before they are moved below.
  std::vector<AxisDesign> designs;
  for (const MeasuredCurve& measured_curve : work.curves) designs.push_back(measured_curve.design);
  std::optional<MeasuredAxis> compute;
  if (HasComputeGrid(designs)) compute = MeasureCompute(name, work.curves, &failures);
  for (MeasuredCurve& measured_curve : work.curves) {
    const std::string label = name + " [" + ToString(measured_curve.design.axis) + "]";
    reused_ += measured_curve.reused;
    computed_ += measured_curve.computed;
    for (const RunTiming& timing : measured_curve.timings) {
      if (timing.reused) continue;
      record_.runtimes.push_back({"run", timing.label, timing.seconds});
      // CPU seconds where the run loop could tell them apart (RunTiming::cpu_seconds).
      if (timing.cpu_seconds >= 0) {
        record_.runtimes.push_back({"run_cpu", timing.label, timing.cpu_seconds});
      }
    }
    if (!measured_curve.complete()) {
      for (const std::string& f : measured_curve.failures) {
        failures.push_back(std::string(ToString(measured_curve.design.axis)) + " " + f);
      }
      continue;
    }
    if (!measured_curve.design.own_cell) continue;  // a model size of the compute grid only
    MeasuredAxis axis;
    axis.design = measured_curve.design;
    axis.curve = std::move(measured_curve.curve);
    axis.reused = measured_curve.reused;
    std::string invalid;
    if (!axis.curve.IsValid(&invalid)) {
      failures.push_back(std::string(ToString(axis.design.axis)) + " curve invalid: " + invalid);
      continue;
    }
    Stopwatch watch;
    FitCurve(FitOptionsFor(axis.design), axis.curve, &axis.fit);
    record_.runtimes.push_back({"fit", label, watch.Seconds()});
    Progress(std::string(ToString(axis.design.axis)) + " fit: " + axis.fit.BriefReport());
    const bool all_reused = measured_curve.computed == 0;
    record_.fits.push_back({name, axis.design.axis, axis.fit, "", all_reused});
    measured->axes.push_back(std::move(axis));
  }
  work.curves.clear();
  if (compute) measured->axes.push_back(std::move(*compute));
  if (failures.empty()) return true;
  *error = name + ":";
  for (const std::string& f : failures) *error += "\n    " + f;
  return false;
}

std::optional<MeasuredAxis> SuiteRun::MeasureCompute(const std::string& name,
                                                     const std::vector<MeasuredCurve>& curves,
                                                     std::vector<std::string>* failures) {
  ComputeFrontierOptions options;
  options.bootstrap.resamples = options_.bootstrap_resamples;
  options.bootstrap.threads = options_.threads;
  ComputeCell cell;
  std::string error;
  Stopwatch watch;
  if (!MeasureComputeCell(curves, options, &cell, &error)) {
    failures->push_back("compute: " + error);
    return std::nullopt;
  }
  record_.runtimes.push_back({"fit", name + " [compute]", watch.Seconds()});
  Progress("compute frontier: " + cell.frontier.BriefReport());
  record_.fits.push_back({name, Axis::kCompute, cell.frontier.loss_fit, "", cell.all_reused});
  MeasuredAxis axis;
  axis.design = cell.design;
  axis.curve = std::move(cell.frontier.envelope);
  axis.fit = std::move(cell.frontier.loss_fit);
  return axis;
}

// Oracle profiles are cached like measured ones (some are computed, e.g. the RHM's exact
// correlation decay, ~4 s each), keyed on every declared field since a generating parameter may
// shape the curve only. A target without an oracle costs one lookup that misses.
void SuiteRun::MeasureOracle(const Target& target, MeasuredTarget* measured) {
  const std::string key =
      ProfileKey(measured->info, "oracle|" + target.RunKeyText() + "|" + target.ProfileKeyText());
  std::string message;
  Profile cached;
  if (options_.use_cache && cache_.LoadProfile(key, measured->name, &cached, &message)) {
    measured->oracle = std::move(cached);
    return;
  }
  if (!message.empty()) Progress("warning: " + message);
  measured->oracle = target.OracleProfile();
  if (measured->oracle && !cache_.StoreProfile(key, measured->name, *measured->oracle, &message)) {
    Progress("warning: " + message);
  }
}

bool SuiteRun::CachedProfile(TargetWork& work) {
  if (!options_.use_cache) return false;
  MeasuredTarget& measured = work.measured;
  const std::string key = ProfileKey(measured.info, work.target->ProfileKeyText());
  std::string message;
  if (!cache_.LoadProfile(key, measured.name, &measured.profile, &message)) {
    if (!message.empty()) Progress("warning: " + message);
    return false;
  }
  work.profile_note = "cached";
  MeasureOracle(*work.target, &measured);
  return true;
}

void SuiteRun::ComputeProfile(TargetWork& work) {
  const Target& target = *work.target;
  MeasuredTarget& measured = work.measured;
  const auto report = [this, &measured](const std::string& m) {
    Progress(measured.name + " profile: " + m);
  };
  MeasureOracle(target, &measured);
  Stopwatch watch;
  ProfileResult result = ProfileResult::Failed("not measured");
  try {
    result = target.MeasureProfile(RunContext(report, 1));
  } catch (const std::exception& e) {
    result = ProfileResult::Failed(std::string("the probe threw: ") + e.what());
  }
  work.probe_seconds = watch.Seconds();
  LogTime({"probe", measured.name, work.probe_seconds});
  if (!result.ok()) {
    work.profile_error = result.reason();
    report("failed: " + result.reason());
    return;
  }
  measured.profile = std::move(result.profile());
  work.profile_note = fmt::format("measured in {:.2f} s", work.probe_seconds);
  report(work.profile_note);
  std::string message;
  const std::string key = ProfileKey(measured.info, target.ProfileKeyText());
  if (!cache_.StoreProfile(key, measured.name, measured.profile, &message)) {
    report("warning: " + message);
  }
}

FitOptions SuiteRun::FitOptionsFor(const AxisDesign& design) const {
  FitOptions fit;
  fit.form = design.zero_offset ? CurveForm::kPowerLaw : CurveForm::kOffsetPowerLaw;
  fit.bootstrap.resamples = options_.bootstrap_resamples;
  fit.bootstrap.threads = options_.threads;
  return fit;
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
  SuiteRun run(options, progress);
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

  if (!run.OpenTimesLog(error)) return 1;
  if (const int removed = run.cache().RemoveStaleTemporaries(); removed > 0) {
    run.Progress(fmt::format("removed {} temporary cache files left by killed runs", removed));
  }
  if (cluster != nullptr && cluster->size() > 1) run.Distribute(*cluster, targets);
  std::vector<std::string> failures;
  std::vector<ReportCurve> curves;  // for the report's figures
  std::vector<TargetWork> work;
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
    if (measured.has_profile) run.Predict(measured, theories);
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
  board.notes = run.notes();
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
