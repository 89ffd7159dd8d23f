// The run loop's pool (harness/runner/run_loop.h): tasks fill thread slots in order, a narrow
// task is not held up behind a wide one, no more threads run than there are slots, each task
// runs with its own OpenMP thread count; and several targets measured together on one pool, with
// a task beside their runs, give the curves they give one at a time.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "harness/runner/run_loop.h"

namespace scalebench {
namespace {

TEST_CASE("the pool starts a one-slot task beside a running one instead of waiting for a wider one",
          "[unit][runner]") {
  // Slots: 2. Task 0 (one slot) holds its slot until task 2 (one slot) has started; task 1 needs
  // both slots. Strictly in order, task 1 would wait for task 0, and task 0 for task 2: task 0
  // gives up after 20 s and the order shows it. Tasks 0 and 2 run side by side, so either may
  // record its start first; task 1 must come last.
  std::mutex mutex;
  std::condition_variable started;
  std::vector<int> order;
  bool saw_task_2 = false;  // task 0 saw task 2 start while it held its slot
  auto start = [&](int id) {
    std::lock_guard<std::mutex> lock(mutex);
    order.push_back(id);
    started.notify_all();
  };
  std::vector<PoolTask> tasks = {
      {1,
       [&] {
         start(0);
         std::unique_lock<std::mutex> lock(mutex);
         saw_task_2 = started.wait_for(lock, std::chrono::seconds(20), [&] {
           return std::find(order.begin(), order.end(), 2) != order.end();
         });
       }},
      {2, [&] { start(1); }},
      {1, [&] { start(2); }},
  };
  RunInSlots(tasks, 2);
  CHECK(saw_task_2);
  REQUIRE(order.size() == 3);
  CHECK(order.back() == 1);
}

TEST_CASE("the pool never runs more threads than slots, and each task with its own thread count",
          "[unit][runner]") {
  const int slots = 3;
  std::atomic<int> in_use{0}, most{0}, wrong_threads{0}, ran{0};
  std::vector<PoolTask> tasks;
  for (int i = 0; i < 40; ++i) {
    const int threads = 1 + (i * 7) % 3;  // 1, 2, 3, 1, ...
    tasks.push_back({threads, [&, threads] {
                       const int now = in_use += threads;
                       int seen = most.load();
                       while (now > seen && !most.compare_exchange_weak(seen, now)) {
                       }
                       if (omp_get_max_threads() != threads) ++wrong_threads;
                       volatile double x = 0;
                       for (int k = 0; k < 200000; ++k) x = x + k;
                       ++ran;
                       in_use -= threads;
                     }});
  }
  // A task wider than the pool takes all of it.
  tasks.push_back({8, [&] {
                     if (omp_get_max_threads() != 8) ++wrong_threads;
                     ++ran;
                   }});
  RunInSlots(tasks, slots);
  CHECK(ran == 41);
  CHECK(most <= slots);
  CHECK(most >= 2);  // the narrow tasks did run side by side
  CHECK(wrong_threads == 0);
}

TEST_CASE(
    "targets measured together on one pool, with a task beside them, give the curves they give "
    "one at a time",
    "[unit][runner]") {
  const std::vector<std::string> names = {
      "hutter_memorization/alpha0.5", "hutter_memorization/alpha1.0", "santa_fe/z2.0"};
  RunLoopOptions options;
  options.seeds = 2;
  options.threads = 2;  // the Hutter runs take both slots, the Santa Fe runs one
  options.jobs = 1;
  std::vector<std::unique_ptr<Target>> targets;
  std::vector<CurveRequest> requests;
  for (const std::string& name : names) {
    targets.push_back(TargetRegistry::Global().Create(name, nullptr));
    REQUIRE(targets.back() != nullptr);
    requests.push_back({targets.back().get(), targets.back()->Designs()});
  }
  std::atomic<int> task_threads{-1};
  const auto together = MeasureCurvesTogether(
      requests, nullptr, options, nullptr, {{1, [&] { task_threads = omp_get_max_threads(); }}});
  CHECK(task_threads == 1);
  REQUIRE(together.size() == names.size());
  for (std::size_t t = 0; t < names.size(); ++t) {
    INFO(names[t]);
    const auto alone = MeasureCurves(*targets[t], targets[t]->Designs(), nullptr, options, nullptr);
    REQUIRE(together[t].size() == alone.size());
    for (std::size_t d = 0; d < alone.size(); ++d) {
      CHECK(together[t][d].complete());
      CHECK(together[t][d].computed == alone[d].computed);
      CHECK(together[t][d].curve.values == alone[d].curve.values);
    }
  }
}

}  // namespace
}  // namespace scalebench
