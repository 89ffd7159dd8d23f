// The harness's run loop: turns a target's designs into learning curves. It enumerates every
// (axis, size, seed) run (harness/targets/target.h, RunUnit), takes finished runs from the cache,
// executes the others on jobs x threads thread slots (largest sizes first; a run takes `threads`
// slots, one when its design is single-threaded), stores each successful run in the
// cache the moment it finishes, and assembles the curves. A killed sweep therefore loses only the
// runs in flight. Failed runs are never cached; a design with a failed run gives an incomplete
// curve whose failures name each run and its reason. Runs computed elsewhere (by the other ranks of
// an MPI sweep, harness/distributed/) come in as `computed` and are taken as computed here.
//
// Usage:
//   RunCache cache({"out/cache", "results/cache"});
//   RunLoopOptions options;
//   options.jobs = 2;
//   std::vector<MeasuredCurve> curves =
//       MeasureCurves(target, target.Designs(), &cache, options, progress);
//   for (const MeasuredCurve& c : curves) if (!c.complete()) ... c.failures ...
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/learning_curve.h"
#include "harness/store/run_cache.h"
#include "harness/targets/target.h"

namespace scalebench {

// One executed or reused run, for the history's per-run times.
struct RunTiming {
  std::string label;  // "gaussian_spectrum/a2.0_b1.5 [data] seed 3"
  double seconds = 0.0;
  // CPU seconds of a run computed here, where they can be told apart from the other work of the
  // process: a one-thread run, or a run holding every slot of the pool (run_loop.cc, RunJob).
  // -1: not measured (a wider run beside other work, a reused run).
  double cpu_seconds = -1.0;
  bool reused = false;
};

// Measures the CPU seconds of one run from construction to Seconds(), where they can be told
// apart from the process's other work: a one-thread run, on its thread's CPU clock (OpenMP and
// the OpenMP build of OpenBLAS run a one-thread region on the calling thread); a run on `threads`
// >= `slots`, the threads the process's runs may use in all, on the process's CPU clock (nothing
// else computes meanwhile). A wider run beside other runs is not measured: the CPU clocks of the
// OpenMP threads that served it cannot be summed from here.
class RunCpuTimer {
 public:
  RunCpuTimer(int threads, int slots);
  // The CPU seconds so far; -1 when this run is not measured or the clock cannot be read.
  double Seconds() const;

 private:
  int clock_ = -1;  // a clockid_t, or -1: not measured
  double start_ = -1.0;
};

struct RunLoopOptions {
  int jobs = 1;     // runs executed at once
  int threads = 2;  // threads each run may use (OpenMP, Eigen, BLAS)
  int seeds = 0;    // > 0: every design's seed count is replaced by this
  bool use_cache = true;
  // Called as each run computed here finishes (before its result is cached), from the pool's
  // threads, one call at a time; may be empty.
  std::function<void(const RunTiming&)> finished;

  bool IsValid(std::string* error) const;
};

struct MeasuredCurve {
  AxisDesign design;
  LearningCurve curve;                // NaN where a run failed or was skipped (marked missing)
  std::vector<std::string> failures;  // "size 512, seed 3: <reason>"; empty when complete
  int reused = 0;                     // runs taken from the cache
  int computed = 0;                   // runs executed now (ok or skipped)
  std::vector<RunTiming> timings;
  bool complete() const { return failures.empty(); }
};

using ProgressFn = std::function<void(const std::string& message)>;

// A run computed outside this MeasureCurves call (on another MPI rank), by its RunKey. Ok and
// Skipped results are already in the cache; a Failed one carries its reason.
struct ComputedRun {
  RunResult result = RunResult::Failed("not run");
  double seconds = 0.0;
  double cpu_seconds = -1.0;  // as RunTiming::cpu_seconds, measured on the rank that ran it
};
using ComputedRuns = std::map<std::string, ComputedRun>;

// Executes the runs of one design of `target`: builds the design's shared data on first need
// (Target::Prepare, once even when runs start concurrently; a failure fails every run with its
// reason), runs, turns exceptions into failed runs, and checks each result (CheckRun: a result
// that is not a curve point is a failed run). Thread-safe. `target` must outlive it.
class DesignExecutor {
 public:
  DesignExecutor(const Target& target, AxisDesign design);
  // `seconds`: the run's wall time, including Prepare when this run built the data; then
  // `prepare_seconds` (may be null) is Prepare's share, else -1.
  RunResult Execute(const RunPoint& point,
                    const RunContext& context,
                    double* seconds,
                    double* prepare_seconds = nullptr);
  // Frees the shared data; a later run builds it again.
  void Release();
  const AxisDesign& design() const { return design_; }
  int prepares() const { return prepares_; }

 private:
  const Target& target_;
  const AxisDesign design_;
  std::mutex mutex_;
  bool prepared_ = false;
  std::atomic<int> prepares_{0};
  std::string prepare_error_;
  std::unique_ptr<const DesignData> data_;
};

// "gaussian_spectrum/a2.0_b1.5 [data] seed 3": the label of a run in progress lines and the
// history's per-run times.
std::string RunLabel(const std::string& target, const AxisDesign& design, const RunPoint& point);

// The runs of `design` with its seed count (after options.seeds), in the order a single worker
// would do them: seed by seed, sizes in increasing order.
std::vector<RunPoint> EnumerateRuns(const AxisDesign& design);

// Measures `designs` (normally target.Designs()) of `target`. `cache` may be null (nothing is
// read or stored). `progress` is called from worker threads, one line at a time (calls are
// serialised). A run found in `computed` (may be null) is taken from it, before the cache.
std::vector<MeasuredCurve> MeasureCurves(const Target& target,
                                         const std::vector<AxisDesign>& designs,
                                         const RunCache* cache,
                                         const RunLoopOptions& options,
                                         const ProgressFn& progress,
                                         const ComputedRuns* computed = nullptr);

// Work for the pool besides the runs (the suite's profiles: harness/runner/suite_measurer.cc).
// `work` runs on a pool thread whose OpenMP thread count is set to `threads`, and takes that many
// slots (at most all of them). It must be thread-safe against the runs and the other tasks.
struct PoolTask {
  int threads = 1;
  std::function<void()> work;
};

// Runs `tasks` on `slots` thread slots: in order, each as soon as enough slots are free, except
// that when the next task needs more slots than are free, the first later one that fits starts
// instead (a free slot never waits behind a wider task; the wider one starts when its slots are
// free together). With one slot, or one task, they run on the calling thread.
void RunInSlots(const std::vector<PoolTask>& tasks, int slots);

// One target's designs for MeasureCurvesTogether; `target` must outlive the call.
struct CurveRequest {
  const Target* target = nullptr;
  std::vector<AxisDesign> designs;
};

// MeasureCurves for several targets on one pool (RunInSlots over options.jobs x options.threads
// slots), shared with `tasks`, which come first: the work in order is `tasks`, then each
// target's runs, largest first. Returns the curves of each request, in order; progress lines
// name the target of each design when there are several.
std::vector<std::vector<MeasuredCurve>> MeasureCurvesTogether(
    const std::vector<CurveRequest>& requests,
    const RunCache* cache,
    const RunLoopOptions& options,
    const ProgressFn& progress,
    std::vector<PoolTask> tasks = {},
    const ComputedRuns* computed = nullptr);

}  // namespace scalebench
