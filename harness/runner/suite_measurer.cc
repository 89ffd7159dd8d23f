#include "harness/runner/suite_measurer.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

#include "harness/runner/compute_cell.h"
#include "harness/runner/joint_cell.h"

namespace scalebench {
namespace {

bool SameDirectory(const std::string& a, const std::string& b) {
  std::error_code ec;
  const auto ca = std::filesystem::weakly_canonical(a, ec);
  const auto cb = std::filesystem::weakly_canonical(b, ec);
  return ca == cb;
}

// New entries go into cache_dir, which is read first; the committed cache is read after it.
std::vector<std::string> CacheDirectories(const RunOptions& options) {
  std::vector<std::string> directories = {options.cache_dir};
  if (!options.committed_cache_dir.empty() &&
      !SameDirectory(options.cache_dir, options.committed_cache_dir)) {
    directories.push_back(options.committed_cache_dir);
  }
  return directories;
}

// A computed run's runtime rows, for the history and the times log alike: "run" (wall) and,
// where the run loop or the rank could tell them apart (RunTiming::cpu_seconds), "run_cpu".
std::vector<RuntimeRecord> RunRows(const RunTiming& timing) {
  std::vector<RuntimeRecord> rows = {{"run", timing.label, timing.seconds}};
  if (timing.cpu_seconds >= 0) rows.push_back({"run_cpu", timing.label, timing.cpu_seconds});
  return rows;
}

}  // namespace

SuiteMeasurer::SuiteMeasurer(const RunOptions& options, std::ostream& out, RunRecord* record)
    : options_(options), out_(out), cache_(CacheDirectories(options)), record_(*record) {}

void SuiteMeasurer::Progress(const std::string& message) const {
  if (options_.quiet) return;
  std::lock_guard<std::mutex> lock(progress_mutex_);
  out_ << "  " << message << std::endl;
}

SweepOptions SweepOptionsFor(const RunOptions& options) {
  SweepOptions sweep;
  sweep.jobs = options.jobs;
  sweep.threads = options.threads;
  sweep.seeds = options.seeds;
  sweep.rank_timeout_s = options.rank_timeout_s;
  return sweep;
}

bool SuiteMeasurer::OpenTimesLog(std::string* error) {
  if (options_.times_log.empty()) return true;
  times_log_.open(options_.times_log, std::ios::app);
  if (times_log_) return true;
  *error =
      "times log " + options_.times_log + ": cannot open for appending: " + std::strerror(errno);
  return false;
}

void SuiteMeasurer::LogRunTimes(const RunTiming& timing) {
  for (const RuntimeRecord& row : RunRows(timing)) LogTime(row);
}

void SuiteMeasurer::LogTime(const RuntimeRecord& row) {
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

void SuiteMeasurer::Distribute(Transport& cluster, const std::vector<std::string>& targets) {
  Stopwatch watch;
  SweepOptions sweep = SweepOptionsFor(options_);
  sweep.finished = [this](const RunTiming& timing) { LogRunTimes(timing); };
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

void SuiteMeasurer::MeasureAll(const std::vector<std::string>& names,
                               std::vector<TargetWork>* all) {
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
  loop.finished = [this](const RunTiming& timing) { LogRunTimes(timing); };
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

bool SuiteMeasurer::Finish(TargetWork& work, std::string* error) {
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
      for (RuntimeRecord& row : RunRows(timing)) record_.runtimes.push_back(std::move(row));
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
    if (!axis.design.joint_data.empty()) {
      JointFitOptions joint;
      joint.bootstrap = FitOptionsFor(axis.design).bootstrap;
      Stopwatch joint_watch;
      measured->joint.emplace();
      MeasureJointFit(axis.design, axis.curve, joint, &*measured->joint);
      record_.runtimes.push_back({"fit", name + " [joint]", joint_watch.Seconds()});
      Progress("joint (N, D) fit: " + measured->joint->BriefReport());
    }
    measured->axes.push_back(std::move(axis));
  }
  work.curves.clear();
  if (compute) measured->axes.push_back(std::move(*compute));
  if (failures.empty()) return true;
  *error = name + ":";
  for (const std::string& f : failures) *error += "\n    " + f;
  return false;
}

std::optional<MeasuredAxis> SuiteMeasurer::MeasureCompute(const std::string& name,
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
void SuiteMeasurer::MeasureOracle(const Target& target, MeasuredTarget* measured) {
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

bool SuiteMeasurer::CachedProfile(TargetWork& work) {
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

void SuiteMeasurer::ComputeProfile(TargetWork& work) {
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

FitOptions SuiteMeasurer::FitOptionsFor(const AxisDesign& design) const {
  FitOptions fit;
  fit.form = design.zero_offset ? CurveForm::kPowerLaw : CurveForm::kOffsetPowerLaw;
  fit.bootstrap.resamples = options_.bootstrap_resamples;
  fit.bootstrap.threads = options_.threads;
  return fit;
}

}  // namespace scalebench
