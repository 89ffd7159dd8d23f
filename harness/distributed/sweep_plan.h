// The parts of a sweep over many processes that do not depend on how they talk (sweep_loop.h
// runs them over a Transport, MPI in practice): which runs to compute (PlanSweep), which process
// computes which run when (SweepSchedule), the messages that carry runs and results (the run
// cache's JSON form of an entry, so there is one format), and the executors of a process
// (TaskRunner).
//
// Usage (rank 0; the loop in sweep_loop.cc does this):
//   SweepPlan plan = PlanSweep(targets, seeds, &cache, RecordedRunSeconds(db, 20), &warnings);
//   SweepSchedule schedule(int(plan.tasks.size()), ranks, jobs, timeout_s);
//   int task = schedule.Assign(rank, now);        // largest first; -1: nothing for it now
//   ... send EncodeTask(plan.tasks[task]) ...
//   schedule.Finish(rank, task, now);              // false: a duplicate (already finished)
//   for (const SweepSchedule::Loss& loss : schedule.Expire(now)) ... requeued, failed ...
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/runner/run_loop.h"
#include "harness/store/run_cache.h"
#include "harness/targets/target.h"

namespace scalebench {

// One run to compute, as every process can rebuild it from the registry: the target's name, the
// index of the design in target.Designs() (with the sweep's seed count) and of the run in
// EnumerateRuns(design). The key lets a worker refuse a run its binary would key differently.
struct SweepTask {
  int id = 0;  // index into SweepPlan::tasks
  std::string target;
  int design = 0;
  std::size_t point = 0;
  std::string key;
  std::string label;   // RunLabel
  double cost = -1.0;  // estimated seconds: the recorded time of the same run; < 0: unknown
  bool single_threaded = false;
};

// A design of the sweep, as rank 0 needs it to check and cache results.
struct SweepDesign {
  std::string target;
  int index = 0;
  AxisDesign design;
  std::vector<RunPoint> points;
};

struct SweepPlan {
  std::vector<SweepTask> tasks;  // in the order they are handed out (see PlanSweep)
  std::vector<SweepDesign> designs;
  std::vector<int> task_design;  // tasks[i]'s design: designs[task_design[i]]
  int cached = 0;                // runs found in the cache (no task)
  int seeds = 0;                 // > 0: every design's seed count is replaced by this

  const SweepDesign& DesignOf(int task) const { return designs[task_design[task]]; }
  const RunPoint& PointOf(int task) const { return DesignOf(task).points[tasks[task].point]; }
};

// The runs of `targets` that `cache` does not hold (null: every run). Order: runs of unknown cost
// first (one never timed may be long, so it must not start last), largest first relative to its
// design's largest size (every design's largest runs, then the next ...), then the timed runs,
// longest first (`recorded`: label -> seconds). A target that cannot be constructed is skipped
// with a warning (the suite reports it).
SweepPlan PlanSweep(const std::vector<std::string>& targets,
                    int seeds,
                    const RunCache* cache,
                    const std::map<std::string, double>& recorded,
                    std::vector<std::string>* warnings);

// The per-run seconds recorded in the history database at `db_path` (stage "run"), the newest of
// each label among the newest `runs` runs. Empty when the file does not exist or is unreadable.
std::map<std::string, double> RecordedRunSeconds(const std::string& db_path, int runs);

// The dynamic schedule: workers 0..workers-1 (0 is rank 0 itself) each take up to `slots` runs at
// once, the first pending run in plan order when a slot frees. A worker other than 0 that holds
// runs and is silent for more than `timeout_s` is presumed lost: its runs go back to the front of
// the queue, except a run that has now lost `max_losses` workers, which fails (it may be what
// kills them, e.g. out of memory). A lost worker that speaks again is used again; a result that
// comes after the run finished elsewhere is a duplicate.
class SweepSchedule {
 public:
  struct Loss {
    int worker = 0;
    double silent_s = 0.0;
    std::vector<int> requeued;
    std::vector<int> failed;
  };

  SweepSchedule(int tasks, int workers, int slots, double timeout_s, int max_losses = 2);

  // The next task for `worker`, or -1 (its slots are full, it is presumed lost, none pending).
  int Assign(int worker, double now);
  // `worker` reported `task`. True when it is the task's first result.
  bool Finish(int worker, int task, double now);
  // A message from `worker` at `now` (a heartbeat): it is alive.
  void Heard(int worker, double now);
  std::vector<Loss> Expire(double now);

  bool finished(int task) const { return state_[task] == kDone || state_[task] == kFailed; }
  bool done(int task) const { return state_[task] == kDone; }
  bool failed(int task) const { return state_[task] == kFailed; }
  // The workers that held `task` when they were lost.
  const std::vector<int>& losses(int task) const { return lost_by_[task]; }
  bool done() const { return open_ == 0; }
  bool lost(int worker) const { return workers_[worker].lost; }
  int pending() const { return int(queue_.size()); }

 private:
  enum State { kPending, kRunning, kDone, kFailed };
  struct Worker {
    std::vector<int> running;
    double heard = 0.0;
    bool lost = false;
  };
  std::vector<State> state_;
  std::vector<std::vector<int>> lost_by_;
  std::vector<int> queue_;  // pending tasks, front first
  std::vector<Worker> workers_;
  int slots_;
  double timeout_s_;
  int max_losses_;
  int open_;  // tasks neither done nor failed
};

// A finished task. `result` is Ok, Skipped or Failed (with its reason).
struct TaskResult {
  int task = 0;
  RunResult result = RunResult::Failed("not run");
  double seconds = 0.0;           // the run's wall time, Prepare included when it built the data
  double prepare_seconds = -1.0;  // >= 0 when this run built its design's data
  double cpu_seconds = -1.0;      // RunCpuTimer's, on the rank that ran it (Prepare included)
};

// Messages: a task, and a result (the run cache's entry text for an Ok or Skipped run; the reason
// for a failed one). Decoding checks what loading a cache entry checks.
std::string EncodeTask(const SweepTask& task);
bool DecodeTask(const std::string& text, SweepTask* task, std::string* error);
std::string EncodeResult(const SweepPlan& plan, const TaskResult& result);
std::string EncodeResult(const SweepTask& task,
                         const AxisDesign& design,
                         const RunPoint& point,
                         const TaskResult& result);
bool DecodeResult(const SweepPlan& plan,
                  const std::string& text,
                  TaskResult* result,
                  std::string* error);

// Runs tasks in this process: constructs each target from its name once, and keeps each design's
// data (Target::Prepare) until Release, so that a process prepares a design once however many of
// its runs it gets. Thread-safe.
class TaskRunner {
 public:
  explicit TaskRunner(int seeds) : seeds_(seeds) {}
  // A target or design that cannot be rebuilt, or a key that differs (another binary), gives a
  // Failed result saying so.
  // `slots`: the threads this process's runs may use in all (RunCpuTimer).
  TaskResult Run(const SweepTask& task, int threads, int slots, const ProgressFn& progress);
  // Frees the data of a design no run of which is left for this process.
  void Release(const std::string& target, int design);
  // The design a task needs, rebuilt as Run does (for encoding its result); false with *error.
  bool Find(const SweepTask& task, AxisDesign* design, RunPoint* point, std::string* error);
  // How many times this process built a design's data, and the seconds it took.
  int prepares() const;
  double prepare_seconds() const;

 private:
  struct Prepared {
    std::unique_ptr<Target> target;
    std::string error;
    std::vector<std::unique_ptr<DesignExecutor>> designs;
    std::vector<std::vector<RunPoint>> points;
  };
  Prepared& Get(const std::string& target);  // under mutex_

  const int seeds_;
  mutable std::mutex mutex_;
  std::map<std::string, Prepared> targets_;
  double prepare_seconds_ = 0.0;
};

}  // namespace scalebench
