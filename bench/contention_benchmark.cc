// Threads on a shared machine: how much of its speed a 2-thread workload keeps while another
// process wants the cores. Two workloads of the suite, each alone at 1 and 2 threads and then at
// 2 threads beside a competitor started by the benchmark itself:
//   BM_Mlp:        MLP training steps (harness/learners/mlp.h; Eigen GEMMs), three shapes: the
//                  small multitask-sparse-parity one (76 inputs, width 128, batch 256, 2 outputs:
//                  ~0.2 ms a step, so every synchronisation shows), a wider one (145, 512, 256)
//                  and fashion_mnist/mlp's (784, 256, batch 128, 10 outputs), the one MLP target
//                  whose runs take --threads threads;
//   BM_KernelRidge: one kernel ridge fit of 2000 points in 784 dimensions (the RBF Gram through
//                  OpenBLAS's dsyrk and an OpenMP loop, then the float Cholesky spotrf and the
//                  refined solve; harness/learners/kernel_ridge.h).
// Competitors (the `load` argument): 0 none; 1 one busy process (a 1-thread spin loop, unpinned:
// a `yes > /dev/null` or a compiler); 2 a twin (the same workload at 2 threads in a second
// process: two suite runs side by side). After the runs, a table gives each rate as a fraction of
// the same workload's 1-thread rate alone; the goal (issue 13) is that 2 threads beside one busy
// process keep at least half of it (a pool that spins while its partner thread waits for a core
// keeps ~1/10).
//
//   build/release/bench/contention_benchmark                          # ~1 minute
//   build/release/bench/contention_benchmark --benchmark_repetitions=3  # medians of 3
// Run it on an otherwise idle machine: other load is a competitor too.
#include <benchmark/benchmark.h>
#include <omp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Eigen/Core>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "datasets/generators/random.h"
#include "harness/learners/kernel_ridge.h"
#include "harness/learners/mlp.h"

extern char** environ;

namespace scalebench {
namespace {

constexpr const char* kCompetitorFlag = "--contention_competitor=";

void SetThreads(int threads) {
  Eigen::setNbThreads(threads);
  omp_set_num_threads(threads);
}

// The MLP workload: one Adam step of softmax cross-entropy on a fixed random batch.
struct MlpWork {
  MlpWork(int inputs, int width, int batch, int outputs) : x(inputs, batch), labels(batch) {
    MlpOptions options;
    options.inputs = inputs;
    options.hidden = width;
    options.outputs = outputs;
    options.max_batch = batch;
    mlp = std::make_unique<Mlp>(options, 1);
    Xoshiro256pp rng(2);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = float(StandardNormal(rng));
    for (int& label : labels) label = int(rng() % std::uint64_t(outputs));
  }
  void Step() { benchmark::DoNotOptimize(mlp->Step(x, labels, 1e-3)); }

  std::unique_ptr<Mlp> mlp;
  Eigen::MatrixXf x;
  std::vector<int> labels;
};

// The kernel ridge workload: Gram, Cholesky and solve of n points in [0, 1]^784, 10 outputs.
struct KernelRidgeWork {
  explicit KernelRidgeWork(int n) : x(n, 784), y(n, 10) {
    Xoshiro256pp rng(3);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.UniformOpen();
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = StandardNormal(rng);
  }
  void Step() {
    KernelMatrix(x, x, KernelOptions(), &gram);
    NestedKernelRidge solver(&gram, int(x.rows()), 1e-2, KernelPrecision::kMixed);
    benchmark::DoNotOptimize(solver.Solve(int(x.rows()), y));
  }

  Eigen::MatrixXd x, y, gram;
};

std::unique_ptr<MlpWork> MakeMlp(int shape) {
  switch (shape) {
    case 0:
      return std::make_unique<MlpWork>(76, 128, 256, 2);
    case 1:
      return std::make_unique<MlpWork>(145, 512, 256, 2);
  }
  return std::make_unique<MlpWork>(784, 256, 128, 10);
}

const char* MlpShapeName(int shape) {
  return shape == 0 ? " 76x128x256" : shape == 1 ? " 145x512x256" : " 784x256x128";
}

// A competing process, started with posix_spawn (no fork of a process whose OpenMP pool is
// running) and killed when the benchmark ends.
class Competitor {
 public:
  // kind: "" (none), "busy", "mlp0", "mlp1" or "kernel_ridge".
  explicit Competitor(const std::string& kind) {
    if (kind.empty()) return;
    const std::string flag = kCompetitorFlag + kind;
    char* argv[] = {const_cast<char*>("/proc/self/exe"), const_cast<char*>(flag.c_str()), nullptr};
    if (posix_spawn(&pid_, "/proc/self/exe", nullptr, nullptr, argv, environ) != 0) pid_ = -1;
    // Let it start (and a twin set up its data) before the timing starts.
    std::this_thread::sleep_for(std::chrono::milliseconds(kind == "busy" ? 100 : 1500));
  }
  ~Competitor() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  bool failed() const { return pid_ < 0; }

 private:
  pid_t pid_ = 0;
};

std::string CompetitorKind(int load, const std::string& twin) {
  return load == 0 ? "" : load == 1 ? "busy" : twin;
}

void BM_Mlp(benchmark::State& state) {
  const int shape = int(state.range(0)), threads = int(state.range(1)), load = int(state.range(2));
  SetThreads(threads);
  auto work = MakeMlp(shape);
  for (int warm = 0; warm < 5; ++warm) work->Step();
  Competitor competitor(CompetitorKind(load, "mlp" + std::to_string(shape)));
  if (competitor.failed()) state.SkipWithError("could not start the competing process");
  for (auto _ : state) work->Step();
  state.counters["per_s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_KernelRidge(benchmark::State& state) {
  const int threads = int(state.range(0)), load = int(state.range(1));
  SetThreads(threads);
  KernelRidgeWork work(2000);
  work.Step();
  Competitor competitor(CompetitorKind(load, "kernel_ridge"));
  if (competitor.failed()) state.SkipWithError("could not start the competing process");
  for (auto _ : state) work.Step();
  state.counters["per_s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

// threads x load: alone at 1 and 2 threads, 1 and 2 threads beside a busy process, 2 beside a twin.
void Loads(benchmark::internal::Benchmark* b, std::vector<int64_t> prefix) {
  for (auto [threads, load] : {std::pair{1, 0}, {2, 0}, {1, 1}, {2, 1}, {2, 2}}) {
    std::vector<int64_t> args = prefix;
    args.push_back(threads);
    args.push_back(load);
    b->Args(args);
  }
}

BENCHMARK(BM_Mlp)
    ->ArgNames({"shape", "threads", "load"})
    ->Apply([](auto* b) {
      Loads(b, {0});
      Loads(b, {1});
      Loads(b, {2});
    }) -> UseRealTime() -> MinTime(2.0);
BENCHMARK(BM_KernelRidge)->ArgNames({"threads", "load"})->Apply([](auto* b) {
                                                          Loads(b, {});
                                                        }) -> UseRealTime() -> MinTime(3.0);

// Runs a competitor until killed.
[[noreturn]] void Compete(const std::string& kind) {
  if (kind == "busy") {
    volatile unsigned long spin = 0;
    for (;;) spin = spin + 1;
  }
  SetThreads(2);
  if (kind == "kernel_ridge") {
    KernelRidgeWork work(2000);
    for (;;) work.Step();
  }
  auto work = MakeMlp(kind[3] - '0');
  for (;;) work->Step();
}

// Prints the benchmarks as usual and keeps each run's rate (the median when repeated).
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const auto rate = run.counters.find("per_s");
      if (rate == run.counters.end()) continue;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      rates_[run.run_name.str()] = rate->second.value;
    }
  }
  const std::map<std::string, double>& rates() const { return rates_; }

 private:
  std::map<std::string, double> rates_;
};

// "BM_Mlp/shape:0/threads:2/load:1/..." -> the value of `key`, or -1.
int ArgOf(const std::string& name, const std::string& key) {
  const auto at = name.find(key + ":");
  return at == std::string::npos ? -1 : std::atoi(name.c_str() + at + key.size() + 1);
}

void PrintRatios(const std::map<std::string, double>& rates) {
  struct Row {
    double rate[5] = {0, 0, 0, 0, 0};  // 1t alone, 2t alone, 1t busy, 2t busy, 2t twin
  };
  std::map<std::string, Row> rows;
  for (const auto& [name, rate] : rates) {
    const int shape = ArgOf(name, "shape"), threads = ArgOf(name, "threads"),
              load = ArgOf(name, "load");
    const std::string workload =
        name.substr(0, name.find('/')) + (shape < 0 ? " n=2000" : MlpShapeName(shape));
    const int column = load == 0 ? threads - 1 : load == 1 ? 1 + threads : 4;
    rows[workload].rate[column] = rate;
  }
  std::printf(
      "\nRates as a fraction of the 1-thread rate alone (goal: 2 threads beside a busy "
      "process >= 0.50):\n");
  std::printf("%-24s %12s %8s %8s %8s %8s\n",
              "workload",
              "1t alone/s",
              "2t",
              "1t+busy",
              "2t+busy",
              "2t+twin");
  for (const auto& [workload, row] : rows) {
    const double base = row.rate[0];
    std::printf("%-24s %12.1f %8.2f %8.2f %8.2f %8.2f  %s\n",
                workload.c_str(),
                base,
                row.rate[1] / base,
                row.rate[2] / base,
                row.rate[3] / base,
                row.rate[4] / base,
                row.rate[3] >= 0.5 * base ? "ok" : "BELOW GOAL");
  }
}

}  // namespace
}  // namespace scalebench

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(
            argv[i], scalebench::kCompetitorFlag, std::strlen(scalebench::kCompetitorFlag)) == 0) {
      scalebench::Compete(argv[i] + std::strlen(scalebench::kCompetitorFlag));
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  scalebench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  scalebench::PrintRatios(reporter.rates());
  benchmark::Shutdown();
  return 0;
}
