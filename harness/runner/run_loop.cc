#include "harness/runner/run_loop.h"

#include <fmt/format.h>
#include <omp.h>
#include <time.h>

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace scalebench {
namespace {

// Where one design stands: its executor (which holds the shared data, freed after its last run)
// and the results of its runs.
struct DesignState {
  DesignState(const Target& target, const AxisDesign& d) : design(d), executor(target, d) {}
  AxisDesign design;
  DesignExecutor executor;
  std::vector<RunPoint> points;
  std::vector<RunResult> results;
  std::vector<bool> reused;
  std::vector<double> seconds;
  std::vector<double> cpu_seconds;  // -1: not measured (RunJob says when)
  std::atomic<int> remaining{0};    // runs still to compute; the data is freed at 0
};

// One target's designs, with what its keys need.
struct TargetState {
  explicit TargetState(const Target& t) : target(t), info(t.Info()), run_key_text(t.RunKeyText()) {}
  const Target& target;
  const TargetInfo info;
  const std::string run_key_text;
  std::vector<std::unique_ptr<DesignState>> states;
};

struct Job {
  TargetState* target;
  DesignState* state;
  std::size_t index;  // into state->points
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU seconds of `clock` (CLOCK_THREAD_CPUTIME_ID, CLOCK_PROCESS_CPUTIME_ID); -1 if unreadable.
double CpuSeconds(clockid_t clock) {
  timespec t{};
  if (clock_gettime(clock, &t) != 0) return -1.0;
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Fills the curve of one design from its runs.
MeasuredCurve Assemble(const std::string& target, DesignState& state) {
  MeasuredCurve out;
  out.design = state.design;
  const AxisDesign& design = state.design;
  LearningCurve& curve = out.curve;
  curve.axis = design.axis;
  curve.loss = design.learner.loss;
  curve.sizes = design.sizes.AsDoubles();
  for (int j = 1; j <= design.seeds; ++j) curve.seeds.push_back(j);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  curve.values.assign(design.sizes.size(), std::vector<double>(curve.seeds.size(), nan));
  std::map<std::string, std::size_t> diagnostic_index;
  for (std::size_t r = 0; r < state.points.size(); ++r) {
    const RunPoint& point = state.points[r];
    const RunResult& result = state.results[r];
    const std::size_t j = point.seed - 1;
    out.timings.push_back({RunLabel(target, design, point),
                           state.seconds[r],
                           state.cpu_seconds[r],
                           bool(state.reused[r])});
    if (state.reused[r]) {
      ++out.reused;
    } else if (result.status() != RunStatus::kFailed) {
      ++out.computed;
    }
    if (result.status() != RunStatus::kOk) {
      const std::string reason = result.status() == RunStatus::kSkipped
                                     ? "skipped: " + result.reason()
                                     : "failed: " + result.reason();
      for (std::size_t i = point.first; i < point.last; ++i) {
        curve.missing.push_back({i, j, reason});
      }
      if (result.status() == RunStatus::kFailed) {
        out.failures.push_back(point.Label() + ": " + result.reason());
      }
      continue;
    }
    for (std::size_t i = point.first; i < point.last; ++i) {
      curve.values[i][j] = result.losses()[i - point.first];
    }
    for (const RunDiagnostic& d : result.diagnostics()) {
      auto [it, inserted] = diagnostic_index.emplace(d.name, curve.diagnostics.size());
      if (inserted) {
        CurveDiagnostic diagnostic;
        diagnostic.name = d.name;
        diagnostic.description = d.description;
        diagnostic.in_report = d.in_report;
        diagnostic.values.assign(curve.sizes.size(), std::vector<double>(curve.seeds.size(), nan));
        curve.diagnostics.push_back(std::move(diagnostic));
      }
      CurveDiagnostic& diagnostic = curve.diagnostics[it->second];
      for (std::size_t i = point.first; i < point.last; ++i) {
        diagnostic.values[i][j] = d.values[i - point.first];
      }
    }
  }
  return out;
}

}  // namespace

RunCpuTimer::RunCpuTimer(int threads, int slots)
    : clock_(threads == 1       ? int(CLOCK_THREAD_CPUTIME_ID)
             : threads >= slots ? int(CLOCK_PROCESS_CPUTIME_ID)
                                : -1),
      start_(clock_ == -1 ? -1.0 : CpuSeconds(clockid_t(clock_))) {}

double RunCpuTimer::Seconds() const {
  if (start_ < 0) return -1.0;
  const double end = CpuSeconds(clockid_t(clock_));
  return end >= start_ ? end - start_ : -1.0;
}

DesignExecutor::DesignExecutor(const Target& target, AxisDesign design)
    : target_(target), design_(std::move(design)) {}

RunResult DesignExecutor::Execute(const RunPoint& point,
                                  const RunContext& context,
                                  double* seconds,
                                  double* prepare_seconds) {
  const auto start = std::chrono::steady_clock::now();
  if (prepare_seconds != nullptr) *prepare_seconds = -1.0;
  const DesignData* data = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!prepared_) {
      prepare_error_.clear();
      try {
        if (!target_.Prepare(design_, context, &data_, &prepare_error_) && prepare_error_.empty()) {
          prepare_error_ = "Prepare failed without a reason";
        }
      } catch (const std::exception& e) {
        prepare_error_ = std::string("Prepare threw: ") + e.what();
      }
      prepared_ = true;
      ++prepares_;
      if (prepare_seconds != nullptr) *prepare_seconds = Seconds(start);
    }
    data = data_.get();
  }
  RunResult result = RunResult::Failed("not run");
  if (!prepare_error_.empty()) {
    result = RunResult::Failed(prepare_error_);
  } else {
    try {
      result = target_.Run(design_, point, data, context);
    } catch (const std::exception& e) {
      result = RunResult::Failed(std::string("the run threw: ") + e.what());
    }
  }
  *seconds = Seconds(start);
  std::string error;
  if (result.status() != RunStatus::kFailed && !CheckRun(result, point, &error)) {
    // A result that is not a curve point (NaN or negative losses) is a failed run.
    result = RunResult::Failed("invalid result: " + error);
  }
  return result;
}

void DesignExecutor::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  data_.reset();
  prepared_ = false;
}

std::string RunLabel(const std::string& target, const AxisDesign& design, const RunPoint& point) {
  return target + " [" + ToString(design.axis) + "] " + point.Label();
}

bool RunLoopOptions::IsValid(std::string* error) const {
  auto fail = [&](std::string message) {
    if (error != nullptr) *error = std::move(message);
    return false;
  };
  if (jobs < 1) return fail(fmt::format("jobs = {} must be >= 1", jobs));
  if (threads < 1) return fail(fmt::format("threads = {} must be >= 1", threads));
  if (seeds < 0) return fail(fmt::format("seeds = {} must be >= 0", seeds));
  return true;
}

std::vector<RunPoint> EnumerateRuns(const AxisDesign& design) {
  std::vector<RunPoint> points;
  for (int seed = 1; seed <= design.seeds; ++seed) {
    if (design.unit == RunUnit::kSeed) {
      points.push_back({std::uint64_t(seed), 0, design.sizes.size(), design.sizes});
      continue;
    }
    for (std::size_t i = 0; i < design.sizes.size(); ++i) {
      points.push_back({std::uint64_t(seed), i, i + 1, design.sizes.Slice(i, i + 1)});
    }
  }
  return points;
}

namespace {

// Fills target->states with `designs` (seed count replaced by options.seeds), takes each run from
// `computed` or the cache where it is, and appends the others to *jobs.
void PlanTarget(const std::vector<AxisDesign>& designs,
                const RunCache* cache,
                const RunLoopOptions& options,
                const ComputedRuns* computed,
                const ProgressFn& report,
                bool name_target,
                TargetState* target,
                std::vector<Job>* jobs) {
  const TargetInfo& info = target->info;
  for (AxisDesign design : designs) {
    if (options.seeds > 0) design.seeds = options.seeds;
    auto state = std::make_unique<DesignState>(target->target, design);
    state->points = EnumerateRuns(design);
    const std::size_t n = state->points.size();
    state->results.assign(n, RunResult::Failed("not run"));
    state->reused.assign(n, false);
    state->seconds.assign(n, 0.0);
    state->cpu_seconds.assign(n, -1.0);
    int to_compute = 0, elsewhere = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const RunPoint& point = state->points[r];
      const std::string key = RunKey(info, target->run_key_text, design, point);
      if (computed != nullptr && computed->count(key) > 0) {
        state->results[r] = computed->at(key).result;
        state->seconds[r] = computed->at(key).seconds;
        state->cpu_seconds[r] = computed->at(key).cpu_seconds;
        ++elsewhere;
        continue;
      }
      if (options.use_cache && cache != nullptr) {
        std::string warning;
        RunResult cached = RunResult::Failed("");
        if (cache->LoadRun(key, info.name, design, point, &cached, &warning)) {
          state->results[r] = std::move(cached);
          state->reused[r] = true;
          continue;
        }
        if (!warning.empty()) report("warning: " + warning);
      }
      jobs->push_back({target, state.get(), r});
      ++to_compute;
    }
    state->remaining = to_compute;
    const int reused = int(n) - to_compute - elsewhere;
    report(
        fmt::format("{}{} curve: {} runs, {} from the cache, {}{} to compute",
                    name_target ? info.name + " " : "",
                    ToString(design.axis),
                    n,
                    reused,
                    elsewhere > 0 ? fmt::format("{} computed by the MPI ranks, ", elsewhere) : "",
                    to_compute));
    target->states.push_back(std::move(state));
  }
}

// Executes one run on the calling pool thread (its OpenMP threads already set) of a pool of
// `slots`, reports its times to `on_finished`, caches an Ok or Skipped result at once, and frees
// the design's data after its last run.
// The run's CPU seconds (RunCpuTimer; CPU time is what a run costs a dedicated core, wall time
// also counts whatever else the machine ran).
void RunJob(const Job& job,
            int threads,
            int slots,
            const RunCache* cache,
            const ProgressFn& report,
            const std::function<void(const RunTiming&)>& on_finished,
            std::atomic<int>* done,
            int total) {
  DesignState& state = *job.state;
  const TargetInfo& info = job.target->info;
  const std::size_t r = job.index;
  const RunPoint& point = state.points[r];
  const std::string label = RunLabel(info.name, state.design, point);
  const RunContext context(
      [&report, label](const std::string& message) { report(label + ": " + message); }, threads);
  const RunCpuTimer cpu(threads, slots);
  RunResult result = state.executor.Execute(point, context, &state.seconds[r]);
  state.cpu_seconds[r] = cpu.Seconds();
  // Before the result is cached: a kill between the two recomputes the run rather than losing
  // its times.
  on_finished({label, state.seconds[r], state.cpu_seconds[r], false});
  const std::string key = RunKey(info, job.target->run_key_text, state.design, point);
  std::string error;
  if (result.status() != RunStatus::kFailed && cache != nullptr &&
      !cache->StoreRun(key, info.name, state.design, point, result, &error)) {
    report("warning: " + error);
  }
  const int finished = ++*done;
  if (result.status() == RunStatus::kFailed) {
    report(fmt::format("error: {}: {}", label, result.reason()));
  } else {
    report(fmt::format("{} {} in {:.2f} s ({}/{})",
                       label,
                       result.ok() ? "done" : "skipped (" + result.reason() + ")",
                       state.seconds[r],
                       finished,
                       total));
  }
  state.results[r] = std::move(result);
  if (--state.remaining == 0) state.executor.Release();
}

}  // namespace

void RunInSlots(const std::vector<PoolTask>& tasks, int slots) {
  const std::size_t n = tasks.size();
  auto need = [&](std::size_t i) { return std::clamp(tasks[i].threads, 1, slots); };
  std::mutex mutex;
  std::condition_variable freed;
  int free_slots = slots;
  std::vector<bool> taken(n, false);
  std::size_t first_open = 0;  // no task before it is still to start
  auto worker = [&]() {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      while (first_open < n && taken[first_open]) ++first_open;
      if (first_open == n) return;
      std::size_t pick = n;
      for (std::size_t i = first_open; i < n && pick == n; ++i) {
        if (!taken[i] && need(i) <= free_slots) pick = i;
      }
      if (pick == n) {
        freed.wait(lock);
        continue;
      }
      taken[pick] = true;
      free_slots -= need(pick);
      lock.unlock();
      omp_set_num_threads(tasks[pick].threads);
      tasks[pick].work();
      lock.lock();
      free_slots += need(pick);
      freed.notify_all();
    }
  };
  const int workers = int(std::min<std::size_t>(std::size_t(slots), n));
  if (workers <= 1) {
    const int caller_threads = omp_get_max_threads();
    worker();
    omp_set_num_threads(caller_threads);
    return;
  }
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
}

std::vector<std::vector<MeasuredCurve>> MeasureCurvesTogether(
    const std::vector<CurveRequest>& requests,
    const RunCache* cache,
    const RunLoopOptions& options,
    const ProgressFn& progress,
    std::vector<PoolTask> tasks,
    const ComputedRuns* computed) {
  std::mutex progress_mutex;
  auto report = [&](const std::string& message) {
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress(message);
  };

  std::vector<std::unique_ptr<TargetState>> targets;
  std::vector<Job> jobs;
  for (const CurveRequest& request : requests) {
    targets.push_back(std::make_unique<TargetState>(*request.target));
    const std::size_t first_job = jobs.size();
    PlanTarget(request.designs,
               cache,
               options,
               computed,
               report,
               requests.size() > 1,
               targets.back().get(),
               &jobs);
    // Largest runs first (the last size of a run bounds its cost), so the slowest start early.
    std::stable_sort(jobs.begin() + first_job, jobs.end(), [](const Job& a, const Job& b) {
      return a.state->points[a.index].sizes.back() > b.state->points[b.index].sizes.back();
    });
  }

  std::atomic<int> done{0};
  const int total = int(jobs.size());
  const int slots = options.jobs * options.threads;
  // Called from the pool threads, one at a time.
  std::mutex finished_mutex;
  const std::function<void(const RunTiming&)> finished = [&](const RunTiming& timing) {
    if (!options.finished) return;
    std::lock_guard<std::mutex> lock(finished_mutex);
    options.finished(timing);
  };
  for (const Job& job : jobs) {
    const int threads = job.state->design.single_threaded ? 1 : options.threads;
    tasks.push_back({threads, [&, job, threads] {
                       RunJob(job, threads, slots, cache, report, finished, &done, total);
                     }});
  }
  RunInSlots(tasks, slots);

  std::vector<std::vector<MeasuredCurve>> curves(targets.size());
  for (std::size_t t = 0; t < targets.size(); ++t) {
    for (auto& state : targets[t]->states) {
      curves[t].push_back(Assemble(targets[t]->info.name, *state));
    }
  }
  return curves;
}

std::vector<MeasuredCurve> MeasureCurves(const Target& target,
                                         const std::vector<AxisDesign>& designs,
                                         const RunCache* cache,
                                         const RunLoopOptions& options,
                                         const ProgressFn& progress,
                                         const ComputedRuns* computed) {
  return MeasureCurvesTogether({{&target, designs}}, cache, options, progress, {}, computed)
      .front();
}

}  // namespace scalebench
