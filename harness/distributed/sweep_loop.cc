#include "harness/distributed/sweep_loop.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace scalebench {
namespace {

using nlohmann::json;

// How long a loop waits for a local result before it looks at its messages again. Polling
// (rather than a blocking receive) keeps the main thread free for heartbeats and timeouts; at
// 2 ms it costs well under 1% of a core.
constexpr double kPollSeconds = 0.002;

class Clock {
 public:
  double Now() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string Where() {
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return fmt::format("{} pid {}", host, ::getpid());
}

// `jobs` threads that run tasks through a TaskRunner; the loop thread submits tasks and takes
// finished ones without blocking (only it talks to the other ranks).
class ComputePool {
 public:
  // `coordinator`: rank 0, whose loop thread also handles the other ranks' messages and caches
  // their results (so only its one-thread runs get CPU seconds, RunCpuTimer); the other ranks
  // get a progress line when a run starts (rank 0 says when each ends).
  ComputePool(TaskRunner& runner,
              const SweepOptions& options,
              ProgressFn progress,
              bool coordinator)
      : runner_(runner),
        threads_(options.threads),
        slots_(options.jobs * options.threads + (coordinator ? 1 : 0)),
        progress_(std::move(progress)),
        announce_(!coordinator) {
    for (int j = 0; j < options.jobs; ++j) workers_.emplace_back([this] { Work(); });
  }
  // Drops the tasks not started and waits for those running (a thread cannot be cancelled).
  ~ComputePool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      queue_.clear();
    }
    work_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  void Submit(const SweepTask& task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(task);
    }
    work_.notify_one();
  }
  std::vector<std::pair<SweepTask, TaskResult>> TakeDone() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(done_, {});
  }
  // Returns after `seconds`, or earlier when a task finishes.
  void WaitFor(double seconds) {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait_for(
        lock, std::chrono::duration<double>(seconds), [&] { return !done_.empty(); });
  }

 private:
  void Work() {
    while (true) {
      SweepTask task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      if (announce_ && progress_) progress_("running " + task.label);
      TaskResult result = runner_.Run(task, task.single_threaded ? 1 : threads_, slots_, progress_);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        done_.emplace_back(std::move(task), std::move(result));
      }
      finished_.notify_all();
    }
  }

  TaskRunner& runner_;
  const int threads_;
  const int slots_;
  const ProgressFn progress_;
  const bool announce_;
  std::mutex mutex_;
  std::condition_variable work_, finished_;
  std::deque<SweepTask> queue_;
  std::vector<std::pair<SweepTask, TaskResult>> done_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// `progress` called one line at a time (the compute threads and the loop thread all report).
ProgressFn Serialized(ProgressFn progress) {
  if (!progress) return nullptr;
  auto mutex = std::make_shared<std::mutex>();
  return [progress = std::move(progress), mutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(*mutex);
    progress(line);
  };
}

std::string JoinLabels(const SweepPlan& plan, const std::vector<int>& tasks) {
  std::string out;
  for (int t : tasks) out += (out.empty() ? "" : "; ") + plan.tasks[t].label;
  return out;
}

std::string JoinRanks(const std::vector<int>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == ranks.size() ? " and " : ", ") + std::to_string(ranks[i]);
  }
  return out;
}

}  // namespace

Launch DetectLaunch(const std::function<const char*(const char*)>& getenv) {
  auto number = [&](const char* name, int fallback) {
    const char* value = getenv(name);
    if (value == nullptr || *value == '\0') return fallback;
    char* end = nullptr;
    const long n = std::strtol(value, &end, 10);
    return *end == '\0' && n >= 0 ? int(n) : fallback;
  };
  Launch launch;
  if (getenv("OMPI_COMM_WORLD_SIZE") != nullptr) {
    launch = {number("OMPI_COMM_WORLD_RANK", 0), number("OMPI_COMM_WORLD_SIZE", 1), true, "mpirun"};
  } else if (getenv("PMI_SIZE") != nullptr) {
    launch = {number("PMI_RANK", 0), number("PMI_SIZE", 1), true, "pmi"};
  } else if (getenv("PMIX_RANK") != nullptr) {
    launch = {number("PMIX_RANK", 0), number("SLURM_STEP_NUM_TASKS", 1), true, "srun --mpi=pmix"};
  } else if (getenv("SLURM_STEP_NUM_TASKS") != nullptr && getenv("SLURM_PROCID") != nullptr) {
    launch = {number("SLURM_PROCID", 0), number("SLURM_STEP_NUM_TASKS", 1), false, "srun"};
  }
  return launch;
}

std::string LaunchProblem(const Launch& launch, bool with_mpi) {
  if (launch.size <= 1) return "";
  if (!launch.mpi) {
    return fmt::format(
        "started by srun as task {} of {} without an MPI plugin, so the tasks cannot talk: use "
        "`srun --mpi=pmix` (docs/cluster.md); refusing to run {} separate copies of the sweep",
        launch.rank,
        launch.size,
        launch.size);
  }
  if (!with_mpi) {
    return fmt::format(
        "started by {} as rank {} of {}, but this scalebench was built without MPI (install "
        "libopenmpi-dev and rebuild; CMake finds it); refusing to run {} separate copies of the "
        "sweep",
        launch.by,
        launch.rank,
        launch.size,
        launch.size);
  }
  return "";
}

bool SweepOptions::IsValid(std::string* error) const {
  if (jobs < 1) *error = fmt::format("jobs = {} must be >= 1", jobs);
  if (threads < 1) *error = fmt::format("threads = {} must be >= 1", threads);
  if (seeds < 0) *error = fmt::format("seeds = {} must be >= 0", seeds);
  if (!(rank_timeout_s > 0))
    *error = fmt::format("rank_timeout_s = {} must be > 0", rank_timeout_s);
  return jobs >= 1 && threads >= 1 && seeds >= 0 && rank_timeout_s > 0;
}

double SweepOptions::heartbeat_s() const {
  return std::clamp(rank_timeout_s / 6.0, 0.05, 10.0);
}

void CoordinateSweep(Transport& transport,
                     const SweepPlan& plan,
                     const RunCache* cache,
                     const SweepOptions& options,
                     const ProgressFn& unserialized_progress,
                     ComputedRuns* computed,
                     SweepStats* stats) {
  const Clock clock;
  const ProgressFn progress = Serialized(unserialized_progress);
  auto report = [&](const std::string& line) {
    if (progress) progress(line);
  };
  const int ranks = transport.size();
  const int total = int(plan.tasks.size());
  SweepSchedule schedule(total, ranks, options.jobs, options.rank_timeout_s);
  *stats = SweepStats();
  stats->ranks.resize(ranks);
  stats->jobs = options.jobs;
  stats->ranks[0].where = Where();
  TaskRunner runner(plan.seeds);
  ComputePool pool(runner, options, progress, /*coordinator=*/true);

  std::vector<int> unfinished(plan.designs.size(), 0);
  for (int t = 0; t < total; ++t) ++unfinished[plan.task_design[t]];
  std::vector<std::set<int>> design_ranks(plan.designs.size());  // who holds a design's data
  std::vector<bool> settled(total, false);
  int finished = 0;
  // A task is settled once (done, or failed for its lost ranks); a design whose last task is
  // settled has its data freed on every rank that built it.
  auto settle = [&](int t) {
    if (settled[t]) return;
    settled[t] = true;
    ++finished;
    const int d = plan.task_design[t];
    if (--unfinished[d] > 0) return;
    for (int r : design_ranks[d]) {
      if (r == 0) {
        runner.Release(plan.designs[d].target, plan.designs[d].index);
      } else {
        transport.Send(
            r,
            MessageKind::kRelease,
            json{{"target", plan.designs[d].target}, {"design", plan.designs[d].index}}.dump());
      }
    }
  };
  auto handle = [&](int rank, const TaskResult& result) {
    const SweepTask& task = plan.tasks[result.task];
    if (!schedule.Finish(rank, result.task, clock.Now())) {
      ++stats->duplicates;
      return;
    }
    RankStats& rank_stats = stats->ranks[rank];
    ++rank_stats.runs;
    rank_stats.busy_s += result.seconds;
    if (result.prepare_seconds >= 0) {
      ++rank_stats.prepares;
      rank_stats.prepare_s += result.prepare_seconds;
    }
    const SweepDesign& design = plan.DesignOf(result.task);
    if (options.finished) options.finished({task.label, result.seconds, result.cpu_seconds, false});
    std::string error;
    if (result.result.status() != RunStatus::kFailed && cache != nullptr &&
        !cache->StoreRun(task.key,
                         task.target,
                         design.design,
                         plan.PointOf(result.task),
                         result.result,
                         &error)) {
      report("warning: " + error);
    }
    (*computed)[task.key] = {result.result, result.seconds, result.cpu_seconds};
    settle(result.task);
    if (result.result.status() == RunStatus::kFailed) {
      report(fmt::format("error: {}: {} (rank {})", task.label, result.result.reason(), rank));
    } else {
      report(fmt::format("{} {} in {:.2f} s on rank {} ({}/{})",
                         task.label,
                         result.result.ok() ? "done" : "skipped (" + result.result.reason() + ")",
                         result.seconds,
                         rank,
                         finished,
                         total));
    }
  };

  double last_beat = -1e9;
  while (!schedule.done()) {
    for (int r = 0; r < ranks; ++r) {
      for (int t; (t = schedule.Assign(r, clock.Now())) >= 0;) {
        design_ranks[plan.task_design[t]].insert(r);
        if (r == 0) {
          pool.Submit(plan.tasks[t]);
        } else {
          transport.Send(r, MessageKind::kTask, EncodeTask(plan.tasks[t]));
        }
      }
    }
    Message message;
    while (transport.Poll(&message)) {
      const int from = message.from;
      if (from <= 0 || from >= ranks) continue;
      schedule.Heard(from, clock.Now());
      if (message.kind == MessageKind::kHello) {
        stats->ranks[from].where = message.body;
        report(fmt::format("rank {}: {}", from, message.body));
      } else if (message.kind == MessageKind::kResult) {
        TaskResult result;
        result.task = -1;
        std::string error;
        if (!DecodeResult(plan, message.body, &result, &error)) {
          if (result.task < 0 || result.task >= total) {
            report(fmt::format("warning: rank {} sent an unreadable result: {}", from, error));
            continue;
          }
          result.result =
              RunResult::Failed(fmt::format("rank {} sent it unreadable: {}", from, error));
        }
        handle(from, result);
      }
    }
    for (auto& [task, result] : pool.TakeDone()) handle(0, result);
    const double now = clock.Now();
    if (now - last_beat >= options.heartbeat_s()) {
      for (int r = 1; r < ranks; ++r) transport.Send(r, MessageKind::kHeartbeat, "");
      last_beat = now;
    }
    for (const SweepSchedule::Loss& loss : schedule.Expire(now)) {
      ++stats->lost_ranks;
      stats->requeued += int(loss.requeued.size());
      report(fmt::format("warning: rank {} ({}) silent for {:.1f} s, presumed dead; {}",
                         loss.worker,
                         stats->ranks[loss.worker].where,
                         loss.silent_s,
                         loss.requeued.empty()
                             ? std::string("no run of it is handed out again")
                             : "handed out again: " + JoinLabels(plan, loss.requeued)));
      for (int t : loss.failed) {
        const std::string reason = fmt::format(
            "lost with ranks {} (each died or fell silent for over {} s while running it; the "
            "run may be what kills its rank, e.g. out of memory)",
            JoinRanks(schedule.losses(t)),
            options.rank_timeout_s);
        (*computed)[plan.tasks[t].key] = {RunResult::Failed(reason), 0.0};
        settle(t);
        report(fmt::format("error: {}: {}", plan.tasks[t].label, reason));
      }
    }
    pool.WaitFor(kPollSeconds);
  }
  // After a rank was lost no rank may finalize (Transport::SkipFinalize); the stop says so.
  const bool finalize = stats->lost_ranks == 0;
  std::vector<bool> live(ranks, false);
  for (int r = 1; r < ranks; ++r) {
    live[r] = !schedule.lost(r);
    transport.Send(r, MessageKind::kStop, json{{"finalize", finalize}}.dump());
  }
  transport.Flush(live, options.heartbeat_s());
  if (!finalize) transport.SkipFinalize();
  stats->seconds = clock.Now();
}

bool ServeSweep(Transport& transport,
                const SweepOptions& options,
                const ProgressFn& progress,
                std::string* error) {
  const Clock clock;
  const int rank = transport.rank();
  const ProgressFn ranked = Serialized([progress, rank](const std::string& line) {
    if (progress) progress(fmt::format("[rank {}] {}", rank, line));
  });
  TaskRunner runner(options.seeds);
  ComputePool pool(runner, options, ranked, /*coordinator=*/false);
  transport.Send(0, MessageKind::kHello, Where());
  double heard = 0.0, last_beat = -1e9;
  // Rank 0 plans (reads the cache and the history) before its first message.
  const double patience = 10.0 * options.rank_timeout_s;
  while (true) {
    Message message;
    while (transport.Poll(&message)) {
      heard = clock.Now();
      if (message.kind == MessageKind::kStop) {
        const json stop = json::parse(message.body, nullptr, false);
        if (stop.is_object() && !stop.value("finalize", true)) transport.SkipFinalize();
        return true;
      }
      if (message.kind == MessageKind::kTask) {
        SweepTask task;
        if (!DecodeTask(message.body, &task, error)) return false;
        pool.Submit(task);
      } else if (message.kind == MessageKind::kRelease) {
        try {
          const json release = json::parse(message.body);
          runner.Release(release.at("target").get<std::string>(), release.at("design").get<int>());
        } catch (const std::exception& e) {
          *error = std::string("invalid release message (") + e.what() + ")";
          return false;
        }
      }
    }
    for (auto& [task, result] : pool.TakeDone()) {
      AxisDesign design;
      RunPoint point;
      std::string problem;
      if (result.result.status() != RunStatus::kFailed &&
          !runner.Find(task, &design, &point, &problem)) {
        result.result = RunResult::Failed(problem);
      }
      transport.Send(0, MessageKind::kResult, EncodeResult(task, design, point, result));
    }
    const double now = clock.Now();
    if (now - last_beat >= options.heartbeat_s()) {
      transport.Send(0, MessageKind::kHeartbeat, "");
      last_beat = now;
    }
    if (now - heard > patience) {
      *error = fmt::format("rank {}: rank 0 has been silent for {:.0f} s, presumed dead; stopping",
                           rank,
                           now - heard);
      return false;
    }
    pool.WaitFor(kPollSeconds);
  }
}

std::string DescribeSweep(const SweepPlan& plan, int ranks, const SweepOptions& options) {
  std::set<std::string> targets;
  for (const SweepTask& task : plan.tasks) targets.insert(task.target);
  int timed = 0;
  for (const SweepTask& task : plan.tasks) timed += task.cost >= 0 ? 1 : 0;
  return fmt::format(
      "sweep: {} runs of {} targets to compute on {} ranks (rank 0 included), {} at a time per "
      "rank with {} threads each; {} runs from the cache; {} runs ordered by their recorded "
      "time, {} by size within their design",
      plan.tasks.size(),
      targets.size(),
      ranks,
      options.jobs,
      options.threads,
      plan.cached,
      timed,
      int(plan.tasks.size()) - timed);
}

std::string SummarizeSweep(const SweepStats& stats) {
  double busy = 0.0;
  for (const RankStats& r : stats.ranks) busy += r.busy_s;
  const double capacity = stats.seconds * double(stats.ranks.size() * stats.jobs);
  std::string out = fmt::format(
      "sweep: done in {:.1f} s; runs busy {:.1f} s over {} ranks x {} jobs ({:.0f}% of that time)",
      stats.seconds,
      busy,
      stats.ranks.size(),
      stats.jobs,
      capacity > 0 ? 100.0 * busy / capacity : 0.0);
  if (stats.lost_ranks > 0 || stats.duplicates > 0) {
    out += fmt::format("; {} rank(s) lost, {} run(s) handed out again, {} duplicate result(s)",
                       stats.lost_ranks,
                       stats.requeued,
                       stats.duplicates);
  }
  for (std::size_t r = 0; r < stats.ranks.size(); ++r) {
    const RankStats& s = stats.ranks[r];
    out += fmt::format("\n  rank {} ({}): {} runs, {:.1f} s; {} prepares, {:.1f} s",
                       r,
                       s.where.empty() ? "?" : s.where,
                       s.runs,
                       s.busy_s,
                       s.prepares,
                       s.prepare_s);
  }
  return out;
}

}  // namespace scalebench
