// The sweep over many ranks without MPI: the schedule's rules (largest first, slots, a silent
// rank's runs handed out again, a run that loses two ranks fails), the messages (a run's numbers
// survive bit for bit; a tampered entry is refused), the launch detection, and whole sweeps over
// ranks that are threads, one of which dies holding a run. tests/mpi/ runs the real thing.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "harness/distributed/sweep_loop.h"
#include "harness/distributed/sweep_plan.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("the schedule hands out runs in plan order and never more than a rank's slots",
          "[unit][distributed]") {
  SweepSchedule schedule(5, 3, 2, 10.0);
  CHECK(schedule.Assign(1, 0.0) == 0);
  CHECK(schedule.Assign(1, 0.0) == 1);
  CHECK(schedule.Assign(1, 0.0) == -1);  // two slots
  CHECK(schedule.Assign(0, 0.0) == 2);
  CHECK(schedule.Finish(1, 0, 1.0));
  CHECK(schedule.Assign(1, 1.0) == 3);
  CHECK_FALSE(schedule.Finish(2, 0, 1.0));  // a duplicate
  CHECK(schedule.pending() == 1);
  CHECK_FALSE(schedule.done());
}

TEST_CASE(
    "a silent rank's runs go back to the front of the queue, and rank 0 is never presumed lost",
    "[unit][distributed]") {
  SweepSchedule schedule(4, 3, 1, 5.0);
  CHECK(schedule.Assign(0, 0.0) == 0);
  CHECK(schedule.Assign(1, 0.0) == 1);
  CHECK(schedule.Assign(2, 0.0) == 2);
  schedule.Heard(2, 4.0);
  CHECK(schedule.Expire(5.0).empty());  // silence must exceed the timeout
  const std::vector<SweepSchedule::Loss> losses = schedule.Expire(5.5);
  REQUIRE(losses.size() == 1);  // rank 1 (silent since 0); rank 2 was heard at 4; rank 0 exempt
  CHECK(losses[0].worker == 1);
  CHECK(losses[0].requeued == std::vector<int>{1});
  CHECK(schedule.lost(1));
  CHECK(schedule.Assign(1, 6.0) == -1);  // a lost rank gets nothing
  CHECK(schedule.Finish(0, 0, 6.0));
  CHECK(schedule.Assign(0, 6.0) == 1);  // the lost run first, before run 3
  // Rank 1 comes back with the run after all: the first result counts, the second is dropped.
  CHECK(schedule.Finish(1, 1, 7.0));
  CHECK_FALSE(schedule.lost(1));
  CHECK_FALSE(schedule.Finish(0, 1, 7.5));
}

TEST_CASE("a run that loses two ranks fails instead of killing a third", "[unit][distributed]") {
  SweepSchedule schedule(1, 3, 1, 1.0);
  CHECK(schedule.Assign(1, 0.0) == 0);
  CHECK(schedule.Expire(2.0).at(0).requeued == std::vector<int>{0});
  CHECK(schedule.Assign(2, 2.0) == 0);
  const std::vector<SweepSchedule::Loss> losses = schedule.Expire(4.0);
  REQUIRE(losses.size() == 1);
  CHECK(losses[0].failed == std::vector<int>{0});
  CHECK(schedule.failed(0));
  CHECK(schedule.losses(0) == std::vector<int>{1, 2});
  CHECK(schedule.done());
}

TEST_CASE(
    "the plan holds only uncached runs, never timed first by relative size, then longest first",
    "[unit][distributed]") {
  const std::vector<std::string> targets = {"hutter_memorization/alpha0.5"};
  std::vector<std::string> warnings;
  const SweepPlan all = PlanSweep(targets, 2, nullptr, {}, &warnings);
  REQUIRE(all.tasks.size() == 2);  // one run per seed
  REQUIRE(warnings.empty());

  std::map<std::string, double> recorded = {{all.tasks[1].label, 3.0}};
  const SweepPlan timed = PlanSweep(targets, 3, nullptr, recorded, &warnings);
  REQUIRE(timed.tasks.size() == 3);
  CHECK(timed.tasks.back().label == all.tasks[1].label);  // the one timed run goes last
  CHECK(timed.tasks.back().cost == 3.0);
  CHECK(timed.tasks.front().cost < 0);

  // Sizes of different targets do not compare: each design's largest runs go first, whatever
  // their absolute size (the memorizer's 10^6 tokens are cheap).
  const SweepPlan mixed =
      PlanSweep({"superposition_toy/alpha2.0_weak", "hutter_memorization/alpha1.0"},
                1,
                nullptr,
                {},
                &warnings);
  auto position = [&](const std::string& text) {
    for (const SweepTask& task : mixed.tasks) {
      if (task.label.find(text) != std::string::npos) return task.id;
    }
    return -1;
  };
  CHECK(position("[width] size 32, seed 1") >= 0);
  CHECK(position("[width] size 32, seed 1") < position("hutter_memorization"));
  CHECK(position("hutter_memorization") < position("[width] size 16, seed 1"));

  SweepPlan bad = PlanSweep({"no_such/target"}, 1, nullptr, {}, &warnings);
  CHECK(bad.tasks.empty());
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Contains("no_such/target"));
}

TEST_CASE("a result message keeps every number bit for bit, and a tampered one is refused",
          "[unit][distributed]") {
  std::vector<std::string> warnings;
  const SweepPlan plan = PlanSweep({"hutter_memorization/alpha1.0"}, 1, nullptr, {}, &warnings);
  REQUIRE(plan.tasks.size() == 1);
  const std::size_t n = plan.PointOf(0).sizes.size();
  std::vector<double> losses, values;
  for (std::size_t i = 0; i < n; ++i) {
    losses.push_back(std::nextafter(1.0 / 3.0 + double(i), 2.0) * 1e-7);
    values.push_back(i == 0 ? std::nan("") : std::ldexp(0.1, -int(i) * 40));
  }
  TaskResult result;
  result.task = 0;
  result.result = RunResult::Ok(losses, {{"norm", "a diagnostic", values, true}});
  result.seconds = 1.25;
  result.prepare_seconds = 0.5;
  TaskResult decoded;
  std::string error;
  const std::string message = EncodeResult(plan, result);
  REQUIRE(DecodeResult(plan, message, &decoded, &error));
  REQUIRE(decoded.result.ok());
  CHECK(std::memcmp(decoded.result.losses().data(), losses.data(), n * sizeof(double)) == 0);
  const std::vector<double>& back = decoded.result.diagnostics().at(0).values;
  CHECK(std::isnan(back[0]));
  for (std::size_t i = 1; i < n; ++i) CHECK(back[i] == values[i]);
  CHECK(decoded.seconds == 1.25);
  CHECK(decoded.prepare_seconds == 0.5);

  std::string tampered = message;
  const auto digit = tampered.find("3.33333");  // the first loss, inside the entry
  REQUIRE(digit != std::string::npos);
  tampered[digit + 2] = '4';
  CHECK_FALSE(DecodeResult(plan, tampered, &decoded, &error));
  CHECK_THAT(error, Contains("checksum"));

  result.result = RunResult::Failed("out of data");
  REQUIRE(DecodeResult(plan, EncodeResult(plan, result), &decoded, &error));
  CHECK(decoded.result.status() == RunStatus::kFailed);
  CHECK(decoded.result.reason() == "out of data");

  SweepTask task;
  REQUIRE(DecodeTask(EncodeTask(plan.tasks[0]), &task, &error));
  CHECK(task.key == plan.tasks[0].key);
  CHECK(task.label == plan.tasks[0].label);
  CHECK_FALSE(DecodeTask("{\"id\": 1}", &task, &error));
}

TEST_CASE("the launch is read from the launchers' environment, and srun without MPI is refused",
          "[unit][distributed]") {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  const Launch plain = DetectLaunch(env({}));
  CHECK(plain.size == 1);
  CHECK(LaunchProblem(plain, false).empty());
  const Launch mpirun =
      DetectLaunch(env({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_RANK", "2"}}));
  CHECK(mpirun.size == 4);
  CHECK(mpirun.rank == 2);
  CHECK(mpirun.mpi);
  CHECK(LaunchProblem(mpirun, true).empty());
  CHECK_THAT(LaunchProblem(mpirun, false), Contains("built without MPI"));
  const Launch pmix =
      DetectLaunch(env({{"PMIX_RANK", "1"}, {"SLURM_STEP_NUM_TASKS", "8"}, {"SLURM_PROCID", "1"}}));
  CHECK(pmix.size == 8);
  CHECK(pmix.rank == 1);
  CHECK(pmix.mpi);
  const Launch srun = DetectLaunch(env({{"SLURM_STEP_NUM_TASKS", "8"}, {"SLURM_PROCID", "3"}}));
  CHECK_FALSE(srun.mpi);
  CHECK_THAT(LaunchProblem(srun, true), Contains("srun --mpi=pmix"));
  CHECK(
      LaunchProblem(DetectLaunch(env({{"SLURM_STEP_NUM_TASKS", "1"}, {"SLURM_PROCID", "0"}})), true)
          .empty());
}

// Ranks that are threads. The rank `dies` stops sending (its results, heartbeats) the moment it
// receives its first task: to rank 0 it is a rank killed with a run in flight.
class ThreadNetwork {
 public:
  ThreadNetwork(int size, int dies) : queues_(size), dies_(dies) {}
  void Deliver(int to, Message message) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (dead_ && message.from == dies_) return;
    queues_[to].push_back(std::move(message));
  }
  bool Take(int rank, Message* message) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queues_[rank].empty()) return false;
    *message = std::move(queues_[rank].front());
    queues_[rank].pop_front();
    if (rank == dies_ && message->kind == MessageKind::kTask) dead_ = true;
    return true;
  }
  int size() const { return int(queues_.size()); }

 private:
  std::mutex mutex_;
  std::vector<std::deque<Message>> queues_;
  const int dies_;
  bool dead_ = false;
};

class ThreadTransport final : public Transport {
 public:
  ThreadTransport(ThreadNetwork& network, int rank) : network_(network), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return network_.size(); }
  void Send(int to, MessageKind kind, std::string body) override {
    network_.Deliver(to, {rank_, kind, std::move(body)});
  }
  bool Poll(Message* message) override { return network_.Take(rank_, message); }

 private:
  ThreadNetwork& network_;
  const int rank_;
};

// The curves of `targets`, their runs taken from `computed` (or trained here when it is null).
std::vector<LearningCurve> Curves(const std::vector<std::string>& targets,
                                  int seeds,
                                  const ComputedRuns* computed) {
  std::vector<LearningCurve> curves;
  RunLoopOptions options;
  options.seeds = seeds;
  options.threads = 1;
  for (const std::string& name : targets) {
    std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, nullptr);
    for (MeasuredCurve& measured :
         MeasureCurves(*target, target->Designs(), nullptr, options, nullptr, computed)) {
      INFO(name);
      CHECK(measured.complete());
      CHECK(measured.reused == 0);
      curves.push_back(std::move(measured.curve));
    }
  }
  return curves;
}

TEST_CASE(
    "a sweep over three ranks gives the single process's curves bit for bit, also when a "
    "rank dies holding a run",
    "[unit][distributed]") {
  const std::vector<std::string> targets = {"hutter_memorization/alpha0.5",
                                            "hutter_memorization/alpha1.0",
                                            "hutter_memorization/alpha2.0"};
  const int seeds = 3;
  const std::vector<LearningCurve> single = Curves(targets, seeds, nullptr);
  const bool dies = GENERATE(false, true);
  INFO((dies ? "rank 2 dies" : "no rank dies"));

  std::vector<std::string> warnings;
  const SweepPlan plan = PlanSweep(targets, seeds, nullptr, {}, &warnings);
  REQUIRE(plan.tasks.size() == 9);
  SweepOptions options;
  options.threads = 1;
  options.seeds = seeds;
  options.rank_timeout_s = 1.0;
  ThreadNetwork network(3, dies ? 2 : -1);
  std::vector<std::thread> ranks;
  for (int r = 1; r < 3; ++r) {
    ranks.emplace_back([&network, &options, r] {
      ThreadTransport transport(network, r);
      std::string error;
      ServeSweep(transport, options, nullptr, &error);
    });
  }
  ThreadTransport transport(network, 0);
  std::vector<std::string> lines;
  ComputedRuns computed;
  SweepStats stats;
  CoordinateSweep(
      transport,
      plan,
      nullptr,
      options,
      [&](const std::string& l) { lines.push_back(l); },
      &computed,
      &stats);
  for (std::thread& t : ranks) t.join();

  CHECK(computed.size() == plan.tasks.size());
  int runs = 0;
  for (const RankStats& r : stats.ranks) runs += r.runs;
  CHECK(runs == int(plan.tasks.size()));
  if (dies) {
    CHECK(stats.lost_ranks >= 1);
    CHECK(stats.ranks[2].runs == 0);
    bool reported = false;
    for (const std::string& l : lines) {
      reported =
          reported || (l.find("rank 2 (") != std::string::npos &&
                       l.find("presumed dead; handed out again: hutter") != std::string::npos);
    }
    CHECK(reported);
  }
  const std::vector<LearningCurve> swept = Curves(targets, seeds, &computed);
  REQUIRE(swept.size() == single.size());
  for (std::size_t c = 0; c < single.size(); ++c) {
    CHECK(swept[c].values == single[c].values);  // doubles compared exactly
  }
}

}  // namespace
}  // namespace scalebench
