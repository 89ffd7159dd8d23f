// Measures the targets of a suite run (harness/runner/runner.h, RunSuite): each target's profile
// and oracle profile, its learning curves and their fits, and its compute cell, from the cache
// where it can. The profiles and the runs of all targets share one pool of jobs x threads thread
// slots (harness/runner/run_loop.h, MeasureCurvesTogether), the profiles first, each on one
// thread. Under MPI, rank 0 first has the uncached runs of every target computed by all ranks
// (Distribute). Stage times go into the run's record and, the moment they are measured, into the
// times log (RunOptions::times_log).
//
// Usage (RunSuite):
//   SuiteMeasurer measurer(options, progress, &record);
//   if (!measurer.OpenTimesLog(&error)) ...;
//   std::vector<TargetWork> work;
//   measurer.MeasureAll(targets, &work);
//   for (TargetWork& w : work) { if (!measurer.Finish(w, &error)) ...; ... w.measured ... }
#pragma once

#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "datasets/profile.h"
#include "harness/distributed/sweep_loop.h"
#include "harness/fit/joint_fit.h"
#include "harness/fit/power_law_fit.h"
#include "harness/learning_curve.h"
#include "harness/runner/run_loop.h"
#include "harness/runner/runner.h"
#include "harness/store/history_store.h"
#include "harness/store/run_cache.h"
#include "harness/targets/target.h"

namespace scalebench {

// Wall seconds since construction: the stage times of the run's record.
class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

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
  // The joint (N, D) fit of a params design that declares a grid (AxisDesign::joint_data).
  std::optional<JointFitSummary> joint;
};

// A target while the suite measures it (SuiteMeasurer::MeasureAll).
struct TargetWork {
  std::unique_ptr<Target> target;  // null: it could not be created (error says why)
  std::string error;
  MeasuredTarget measured;
  std::string profile_error;  // why the profile failed (empty: it did not)
  std::string profile_note;   // "cached", or "measured in X s"
  double probe_seconds = -1;  // >= 0: the profile was measured now
  std::vector<MeasuredCurve> curves;
};

class SuiteMeasurer {
 public:
  // `options` and `record` must outlive it; progress lines go to `out` (unless options.quiet),
  // stage times into record->runtimes and the fits into record->fits.
  SuiteMeasurer(const RunOptions& options, std::ostream& out, RunRecord* record);

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

  // One progress line (thread-safe).
  void Progress(const std::string& message) const;
  const RunCache& cache() const { return cache_; }
  // Opens RunOptions::times_log for appending (nothing to do when it is empty); false with
  // *error naming the file.
  bool OpenTimesLog(std::string* error);
  int reused() const { return reused_; }
  int computed() const { return computed_; }

 private:
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
  // Appends a computed run's rows (RunRows: "run" and, where measured, "run_cpu").
  void LogRunTimes(const RunTiming& timing);

  const RunOptions& options_;
  std::ostream& out_;
  RunCache cache_;
  int reused_ = 0;
  int computed_ = 0;
  RunRecord& record_;
  ComputedRuns by_ranks_;  // computed by the MPI ranks (Distribute)
  mutable std::mutex progress_mutex_;
  std::ofstream times_log_;
  bool times_log_failed_ = false;  // warned once
  std::mutex times_log_mutex_;
};

// The sweep options of an MPI run (its ranks serve with them too).
SweepOptions SweepOptionsFor(const RunOptions& options);

}  // namespace scalebench
