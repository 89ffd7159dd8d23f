#include "harness/distributed/sweep_plan.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/store/history_store.h"

namespace scalebench {
namespace {

using nlohmann::json;

}  // namespace

SweepPlan PlanSweep(const std::vector<std::string>& targets,
                    int seeds,
                    const RunCache* cache,
                    const std::map<std::string, double>& recorded,
                    std::vector<std::string>* warnings) {
  SweepPlan plan;
  plan.seeds = seeds;
  struct Entry {
    SweepTask task;
    int design;
    double size;
  };
  std::vector<Entry> entries;
  for (const std::string& name : targets) {
    std::string error;
    std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, &error);
    if (target == nullptr) {
      warnings->push_back(error);
      continue;
    }
    const TargetInfo info = target->Info();
    const std::string run_key_text = target->RunKeyText();
    const std::vector<AxisDesign> designs = target->Designs();
    for (std::size_t d = 0; d < designs.size(); ++d) {
      SweepDesign sweep_design{name, int(d), designs[d], {}};
      if (seeds > 0) sweep_design.design.seeds = seeds;
      const AxisDesign& design = sweep_design.design;
      sweep_design.points = EnumerateRuns(design);
      for (std::size_t r = 0; r < sweep_design.points.size(); ++r) {
        const RunPoint& point = sweep_design.points[r];
        const std::string key = RunKey(info, run_key_text, design, point);
        if (cache != nullptr) {
          RunResult cached = RunResult::Failed("");
          std::string warning;
          if (cache->LoadRun(key, name, design, point, &cached, &warning)) {
            ++plan.cached;
            continue;
          }
          if (!warning.empty()) warnings->push_back(warning);
        }
        SweepTask task;
        task.target = name;
        task.design = int(d);
        task.point = r;
        task.key = key;
        task.label = RunLabel(name, design, point);
        const auto it = recorded.find(task.label);
        task.cost = it == recorded.end() ? -1.0 : it->second;
        task.single_threaded = design.single_threaded;
        // Sizes of different targets do not compare (a memorizer's 10^6 tokens take less time
        // than a kernel's 4000 points): a run's size relative to its design's largest orders the
        // runs never timed, so every design's largest runs start first.
        entries.push_back({task,
                           int(plan.designs.size()),
                           double(point.sizes.back()) / double(design.sizes.back())});
      }
      plan.designs.push_back(std::move(sweep_design));
    }
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const bool a_known = a.task.cost >= 0, b_known = b.task.cost >= 0;
    if (a_known != b_known) return !a_known;
    return a_known ? a.task.cost > b.task.cost : a.size > b.size;
  });
  for (Entry& entry : entries) {
    entry.task.id = int(plan.tasks.size());
    plan.tasks.push_back(std::move(entry.task));
    plan.task_design.push_back(entry.design);
  }
  return plan;
}

std::map<std::string, double> RecordedRunSeconds(const std::string& db_path, int runs) {
  std::map<std::string, double> seconds;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return seconds;
  std::string error;
  auto store = HistoryStore::Open(db_path, HistoryStore::Mode::kReadOnly, &error);
  std::vector<RunInfo> infos;
  if (store == nullptr || !store->ListRuns(&infos, &error)) return seconds;
  for (std::size_t i = 0; i < infos.size() && int(i) < runs; ++i) {
    RunRecord record;
    if (!store->LoadRun(infos[i].id, &record, &error)) continue;
    for (const RuntimeRecord& t : record.runtimes) {
      if (t.stage == "run") seconds.emplace(t.name, t.seconds);  // newest first: keeps the newest
    }
  }
  return seconds;
}

SweepSchedule::SweepSchedule(int tasks, int workers, int slots, double timeout_s, int max_losses)
    : state_(tasks, kPending),
      lost_by_(tasks),
      workers_(workers),
      slots_(slots),
      timeout_s_(timeout_s),
      max_losses_(max_losses),
      open_(tasks) {
  for (int t = 0; t < tasks; ++t) queue_.push_back(t);
}

int SweepSchedule::Assign(int worker, double now) {
  Worker& w = workers_[worker];
  if (w.lost || int(w.running.size()) >= slots_ || queue_.empty()) return -1;
  const int task = queue_.front();
  queue_.erase(queue_.begin());
  state_[task] = kRunning;
  if (w.running.empty()) w.heard = now;  // silence counts from the first run it holds
  w.running.push_back(task);
  return task;
}

bool SweepSchedule::Finish(int worker, int task, double now) {
  Heard(worker, now);
  std::vector<int>& running = workers_[worker].running;
  running.erase(std::remove(running.begin(), running.end(), task), running.end());
  if (state_[task] == kDone) return false;
  // A run failed for its lost workers that one of them finishes after all counts as done.
  if (state_[task] != kFailed) --open_;
  state_[task] = kDone;
  queue_.erase(std::remove(queue_.begin(), queue_.end(), task), queue_.end());
  return true;
}

void SweepSchedule::Heard(int worker, double now) {
  workers_[worker].heard = now;
  workers_[worker].lost = false;
}

std::vector<SweepSchedule::Loss> SweepSchedule::Expire(double now) {
  std::vector<Loss> losses;
  for (int w = 1; w < int(workers_.size()); ++w) {
    Worker& worker = workers_[w];
    if (worker.lost || worker.running.empty() || now - worker.heard <= timeout_s_) continue;
    Loss loss;
    loss.worker = w;
    loss.silent_s = now - worker.heard;
    worker.lost = true;
    for (int task : worker.running) {
      if (finished(task)) continue;
      lost_by_[task].push_back(w);
      if (int(lost_by_[task].size()) >= max_losses_) {
        state_[task] = kFailed;
        --open_;
        queue_.erase(std::remove(queue_.begin(), queue_.end(), task), queue_.end());
        loss.failed.push_back(task);
      } else if (std::find(queue_.begin(), queue_.end(), task) == queue_.end()) {
        state_[task] = kPending;
        loss.requeued.push_back(task);
      }
    }
    worker.running.clear();
    // Back to the front, in plan order: they were handed out first because they are the largest.
    std::vector<int> front = loss.requeued;
    std::sort(front.begin(), front.end());
    queue_.insert(queue_.begin(), front.begin(), front.end());
    losses.push_back(std::move(loss));
  }
  return losses;
}

std::string EncodeTask(const SweepTask& task) {
  return json{{"id", task.id},
              {"target", task.target},
              {"design", task.design},
              {"point", task.point},
              {"key", task.key},
              {"label", task.label},
              {"single_threaded", task.single_threaded}}
      .dump();
}

bool DecodeTask(const std::string& text, SweepTask* task, std::string* error) {
  try {
    const json message = json::parse(text);
    task->id = message.at("id").get<int>();
    task->target = message.at("target").get<std::string>();
    task->design = message.at("design").get<int>();
    task->point = message.at("point").get<std::size_t>();
    task->key = message.at("key").get<std::string>();
    task->label = message.at("label").get<std::string>();
    task->single_threaded = message.at("single_threaded").get<bool>();
  } catch (const std::exception& e) {
    *error = std::string("invalid task message (") + e.what() + ")";
    return false;
  }
  return true;
}

std::string EncodeResult(const SweepTask& task,
                         const AxisDesign& design,
                         const RunPoint& point,
                         const TaskResult& result) {
  json message = {{"task", result.task},
                  {"seconds", result.seconds},
                  {"prepare_seconds", result.prepare_seconds},
                  {"cpu_seconds", result.cpu_seconds}};
  if (result.result.status() == RunStatus::kFailed) {
    message["failed"] = result.result.reason();
  } else {
    message["entry"] = RunEntryText(task.key, task.target, design, point, result.result);
  }
  return message.dump();
}

std::string EncodeResult(const SweepPlan& plan, const TaskResult& result) {
  return EncodeResult(plan.tasks[result.task],
                      plan.DesignOf(result.task).design,
                      plan.PointOf(result.task),
                      result);
}

bool DecodeResult(const SweepPlan& plan,
                  const std::string& text,
                  TaskResult* result,
                  std::string* error) {
  json message;
  try {
    message = json::parse(text);
    result->task = message.at("task").get<int>();
    result->seconds = message.at("seconds").get<double>();
    result->prepare_seconds = message.at("prepare_seconds").get<double>();
    result->cpu_seconds = message.at("cpu_seconds").get<double>();
    if (result->task < 0 || result->task >= int(plan.tasks.size())) {
      *error = fmt::format("result of task {}, which the sweep does not have", result->task);
      return false;
    }
    if (message.contains("failed")) {
      result->result = RunResult::Failed(message.at("failed").get<std::string>());
      return true;
    }
    const std::string entry = message.at("entry").get<std::string>();
    const SweepTask& task = plan.tasks[result->task];
    return ParseRunEntry(entry, task.key, plan.PointOf(result->task), &result->result, error);
  } catch (const std::exception& e) {
    *error = std::string("invalid result message (") + e.what() + ")";
    return false;
  }
}

TaskRunner::Prepared& TaskRunner::Get(const std::string& name) {
  auto [it, inserted] = targets_.try_emplace(name);
  Prepared& prepared = it->second;
  if (!inserted) return prepared;
  prepared.target = TargetRegistry::Global().Create(name, &prepared.error);
  if (prepared.target == nullptr) return prepared;
  for (AxisDesign design : prepared.target->Designs()) {
    if (seeds_ > 0) design.seeds = seeds_;
    prepared.points.push_back(EnumerateRuns(design));
    prepared.designs.push_back(std::make_unique<DesignExecutor>(*prepared.target, design));
  }
  return prepared;
}

bool TaskRunner::Find(const SweepTask& task,
                      AxisDesign* design,
                      RunPoint* point,
                      std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  Prepared& prepared = Get(task.target);
  if (prepared.target == nullptr) {
    *error = prepared.error;
    return false;
  }
  if (task.design < 0 || task.design >= int(prepared.designs.size()) ||
      task.point >= prepared.points[task.design].size()) {
    *error =
        fmt::format("{} has no design {} with a run {} here", task.target, task.design, task.point);
    return false;
  }
  *design = prepared.designs[task.design]->design();
  *point = prepared.points[task.design][task.point];
  if (RunKey(prepared.target->Info(), prepared.target->RunKeyText(), *design, *point) != task.key) {
    *error = "this process keys the run differently (another scalebench binary, or other data?)";
    return false;
  }
  return true;
}

TaskResult TaskRunner::Run(const SweepTask& task,
                           int threads,
                           int slots,
                           const ProgressFn& progress) {
  TaskResult out;
  out.task = task.id;
  AxisDesign design;
  RunPoint point;
  std::string error;
  if (!Find(task, &design, &point, &error)) {
    out.result = RunResult::Failed(error);
    return out;
  }
  DesignExecutor* executor = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    executor = targets_.at(task.target).designs[task.design].get();
  }
  omp_set_num_threads(threads);
  const std::string label = task.label;
  const RunContext context(
      [progress, label](const std::string& message) {
        if (progress) progress(label + ": " + message);
      },
      threads);
  const RunCpuTimer cpu(threads, slots);
  out.result = executor->Execute(point, context, &out.seconds, &out.prepare_seconds);
  out.cpu_seconds = cpu.Seconds();
  std::lock_guard<std::mutex> lock(mutex_);
  prepare_seconds_ += out.prepare_seconds;
  return out;
}

int TaskRunner::prepares() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int count = 0;
  for (const auto& [name, prepared] : targets_) {
    for (const auto& executor : prepared.designs) count += executor->prepares();
  }
  return count;
}

double TaskRunner::prepare_seconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return prepare_seconds_;
}

void TaskRunner::Release(const std::string& target, int design) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = targets_.find(target);
  if (it == targets_.end() || design < 0 || design >= int(it->second.designs.size())) return;
  it->second.designs[design]->Release();
}

}  // namespace scalebench
