// `mpirun -n 3 scalebench run` end to end, with Open MPI (built only when CMake finds MPI and
// mpiexec; otherwise CTest shows this area as skipped): the leaderboard equals the single
// process's, and a rank killed with -9 loses nothing (with --enable-recovery its run is handed out
// again and the sweep completes; without it the job ends, every result rank 0 received is in the
// cache, and the rerun computes only the rest).
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "../harness/test_util.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;

// Three targets whose runs take 0.1-3 s (long enough to kill a rank during one): kRuns runs.
constexpr int kRuns = 22;
std::vector<std::string> RunArguments(const testing::ScratchDir& dir) {
  return {std::string(SCALEBENCH_BINARY_DIR) + "/harness/scalebench",
          "run",
          "--bootstrap",
          "50",
          "--seeds",
          "2",
          "--threads",
          "1",
          "--target",
          "hutter_memorization/alpha1.0",
          "--target",
          "superposition_toy/alpha2.0_weak",
          "--target",
          "superposition_toy/alpha1.6_strong",
          "--results-dir",
          dir / "results",
          "--cache-dir",
          dir / "cache",
          "--committed-cache",
          "",
          "--db",
          dir / "history.sqlite",
          "--times-log",
          dir / "times.tsv"};
}

std::vector<std::string> Mpirun(std::vector<std::string> mpirun_options,
                                const std::vector<std::string>& command) {
  std::vector<std::string> args = {SCALEBENCH_MPIEXEC, "--oversubscribe", "-n", "3"};
  if (::getuid() == 0) args.push_back("--allow-run-as-root");  // CI containers run as root
  args.insert(args.end(), mpirun_options.begin(), mpirun_options.end());
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

testing::CommandResult Run(const std::vector<std::string>& args, const testing::ScratchDir& dir) {
  testing::CommandResult result;
  result.exit_code = testing::WaitExit(testing::Spawn(args, dir / "output.txt"));
  result.output = testing::ReadFile(dir / "output.txt");
  return result;
}

int Count(const std::string& text, const std::regex& pattern) {
  return int(std::distance(std::sregex_iterator(text.begin(), text.end(), pattern),
                           std::sregex_iterator()));
}

// Waits (no time limit: the process is running) until `pattern` matches `times` times in the
// output file, and returns the first match's first group.
std::string WaitFor(const std::string& output,
                    const std::regex& pattern,
                    pid_t pid,
                    int times = 1) {
  while (true) {
    const std::string text = testing::ReadFile(output);
    std::smatch match;
    if (Count(text, pattern) >= times && std::regex_search(text, match, pattern)) {
      return match.size() > 1 ? match[1].str() : match[0].str();
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) FAIL("mpirun ended first:\n" << text);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// The fields of a CSV file (RFC 4180 quoting), by row.
std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  const std::string text = testing::ReadFile(path);
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::exchange(field, {}));
    } else if (c == '\n') {
      rows.back().push_back(std::exchange(field, {}));
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// cells.csv without its runtime column (predict_seconds), one string per row.
std::vector<std::string> Cells(const testing::ScratchDir& dir) {
  std::vector<std::vector<std::string>> rows = ReadCsv(dir / "results/cells.csv");
  REQUIRE(rows.size() > 1);
  const auto& header = rows[0];
  const auto runtime = std::find(header.begin(), header.end(), "predict_seconds") - header.begin();
  REQUIRE(runtime < std::ptrdiff_t(header.size()));
  std::vector<std::string> cells;
  for (auto& row : rows) {
    row.erase(row.begin() + runtime);
    std::string line;
    for (const std::string& f : row) line += f + "\x1f";
    cells.push_back(line);
  }
  return cells;
}

// Every cached run and profile, by path relative to the cache, with its content.
std::map<std::string, std::string> CacheEntries(const testing::ScratchDir& dir) {
  std::map<std::string, std::string> entries;
  const fs::path root = dir / "cache";
  if (!fs::exists(root)) return entries;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) {
      entries[fs::relative(e.path(), root).string()] = testing::ReadFile(e.path().string());
    }
  }
  return entries;
}

// Finished run entries (not profiles, not temporaries of a killed write).
int RunEntries(const std::map<std::string, std::string>& entries) {
  int runs = 0;
  for (const auto& [path, text] : entries) {
    if (path.find("profile-") == std::string::npos && path.find(".tmp.") == std::string::npos) {
      ++runs;
    }
  }
  return runs;
}

TEST_CASE("mpirun -n 3: the leaderboard and the cache equal the single process's",
          "[slow][distributed]") {
  testing::ScratchDir single, mpi;
  const testing::CommandResult reference = Run(RunArguments(single), single);
  INFO(reference.output);
  REQUIRE(reference.exit_code == 0);
  const testing::CommandResult swept = Run(Mpirun({}, RunArguments(mpi)), mpi);
  INFO(swept.output);
  REQUIRE(swept.exit_code == 0);
  CHECK_THAT(swept.output, Catch::Contains("on 3 ranks (rank 0 included)"));
  CHECK(Count(swept.output, std::regex("done in [0-9.]+ s on rank [12] ")) > 0);  // all ranks work
  CHECK(Count(swept.output, std::regex("done in [0-9.]+ s on rank 0 ")) > 0);
  CHECK_THAT(swept.output,
             Catch::Contains(fmt::format("runs: 0 reused from the cache, {} computed", kRuns)));
  CHECK_THAT(reference.output,
             Catch::Contains(fmt::format("runs: 0 reused from the cache, {} computed", kRuns)));
  CHECK(Cells(mpi) == Cells(single));
  CHECK(CacheEntries(mpi) == CacheEntries(single));
  // Each run's wall and CPU seconds reach the times log as its result arrives, whichever rank ran
  // it (one-thread runs: every one is measured).
  const std::regex cpu_row("(^|\n)run_cpu\t[^\t]+\t[0-9.]+");
  CHECK(Count(testing::ReadFile(single / "times.tsv"), cpu_row) == kRuns);
  CHECK(Count(testing::ReadFile(mpi / "times.tsv"), cpu_row) == kRuns);
}

TEST_CASE(
    "mpirun --enable-recovery, one rank killed with -9: its run is handed out again and the "
    "sweep completes with the single process's results",
    "[slow][distributed]") {
  testing::ScratchDir single, mpi;
  const testing::CommandResult reference = Run(RunArguments(single), single);
  REQUIRE(reference.exit_code == 0);

  std::vector<std::string> command = RunArguments(mpi);
  command.insert(command.end(), {"--rank-timeout", "3"});
  const std::string output = mpi / "output.txt";
  const pid_t mpirun = testing::Spawn(Mpirun({"--enable-recovery"}, command), output);
  const pid_t rank2 = std::stoi(WaitFor(output, std::regex("rank 2: \\S+ pid (\\d+)"), mpirun));
  WaitFor(output, std::regex("\\[rank 2\\] running "), mpirun);  // it holds a run now
  REQUIRE(::kill(rank2, SIGKILL) == 0);
  const int exit_code = testing::WaitExit(mpirun);
  const std::string text = testing::ReadFile(output);
  INFO(text);
  CHECK(exit_code == 0);
  CHECK(std::regex_search(
      text,
      std::regex("rank 2 \\(\\S+ pid \\d+\\) silent for [0-9.]+ s, presumed dead; handed out "
                 "again: \\S+")));
  CHECK_THAT(text,
             Catch::Contains(fmt::format("runs: 0 reused from the cache, {} computed", kRuns)));
  CHECK(Cells(mpi) == Cells(single));
  CHECK(CacheEntries(mpi) == CacheEntries(single));
}

TEST_CASE(
    "plain mpirun, one rank killed with -9: the job ends, every result rank 0 received is "
    "cached, and the rerun computes only the rest",
    "[slow][distributed]") {
  testing::ScratchDir mpi;
  const std::vector<std::string> command = RunArguments(mpi);
  const std::string output = mpi / "output.txt";
  const pid_t mpirun = testing::Spawn(Mpirun({}, command), output);
  const pid_t rank2 = std::stoi(WaitFor(output, std::regex("rank 2: \\S+ pid (\\d+)"), mpirun));
  WaitFor(output, std::regex("done in [0-9.]+ s on rank"), mpirun, 2);  // two results in
  REQUIRE(::kill(rank2, SIGKILL) == 0);
  CHECK(testing::WaitExit(mpirun) != 0);  // Open MPI ends the whole job
  const std::string text = testing::ReadFile(output);
  INFO(text);
  const int received = Count(text, std::regex("done in [0-9.]+ s on rank"));
  CHECK(received >= 2);
  const int cached = RunEntries(CacheEntries(mpi));
  CHECK(cached >= received);
  CHECK(cached < kRuns);  // the job did end early

  const testing::CommandResult rerun = Run(command, mpi);
  INFO(rerun.output);
  REQUIRE(rerun.exit_code == 0);
  std::smatch reused;
  REQUIRE(std::regex_search(rerun.output, reused, std::regex("runs: (\\d+) reused")));
  CHECK(std::stoi(reused[1]) == cached);
  CHECK(RunEntries(CacheEntries(mpi)) == kRuns);
}

}  // namespace
}  // namespace scalebench
