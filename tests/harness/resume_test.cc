// kill -9 at random moments of a multi-target run: every cache entry left behind is whole (or a
// temporary the next run removes), the next run completes, reuses the finished runs and says so,
// the history database passes its integrity check, the results equal an uninterrupted run's, and
// the times log (--times-log) holds the times of every run, those finished by killed runs too.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "harness/store/history_store.h"
#include "test_util.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;

const char* const kTargets[] = {"hutter_memorization/alpha0.5",
                                "hutter_memorization/alpha1.0",
                                "hutter_memorization/alpha2.0",
                                "gaussian_spectrum/a2.0_b1.5"};

std::vector<std::string> Arguments(const testing::ScratchDir& dir) {
  std::vector<std::string> args = {std::string(SCALEBENCH_BINARY_DIR) + "/harness/scalebench",
                                   "run",
                                   "--quiet",
                                   "--bootstrap",
                                   "50",
                                   "--theory",
                                   "baseline/constant_exponent",
                                   // One-thread runs, two at a time: the profiles (one thread
                                   // each, first in the pool) leave a slot to the runs, so the
                                   // kills also hit finished and running runs, not only probes.
                                   "--threads",
                                   "1",
                                   "--jobs",
                                   "2",
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
  for (const char* target : kTargets) {
    args.push_back("--target");
    args.push_back(target);
  }
  return args;
}

// Every finished entry parses as JSON; temporaries are allowed (the next run removes them).
void CheckEntriesWhole(const fs::path& cache) {
  if (!fs::exists(cache)) return;
  for (const auto& entry : fs::recursive_directory_iterator(cache)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp.") != std::string::npos) continue;
    INFO(entry.path());
    CHECK(nlohmann::json::accept(testing::ReadFile(entry.path().string())));
  }
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return result;
}

// (stage, name) of every line of a times log, checking each line's form.
std::set<std::pair<std::string, std::string>> TimesLogRows(const std::string& path) {
  std::set<std::pair<std::string, std::string>> rows;
  std::istringstream lines(testing::ReadFile(path));
  std::string line;
  while (std::getline(lines, line)) {
    INFO(line);
    const std::size_t a = line.find('\t'), b = line.rfind('\t');
    REQUIRE(a != std::string::npos);
    REQUIRE(b > a);
    CHECK(std::stod(line.substr(b + 1)) >= 0);
    rows.insert({line.substr(0, a), line.substr(a + 1, b - a - 1)});
  }
  return rows;
}

// (stage, name) of the "run" and "run_cpu" rows of every run in a history database.
std::set<std::pair<std::string, std::string>> RecordedRunRows(const std::string& db) {
  std::string error;
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, &error);
  REQUIRE(store != nullptr);
  std::vector<RunInfo> runs;
  REQUIRE(store->ListRuns(&runs, &error));
  std::set<std::pair<std::string, std::string>> rows;
  for (const RunInfo& info : runs) {
    RunRecord record;
    REQUIRE(store->LoadRun(info.id, &record, &error));
    for (const RuntimeRecord& t : record.runtimes) {
      if (t.stage == "run" || t.stage == "run_cpu") rows.insert({t.stage, t.name});
    }
  }
  return rows;
}

// measured exponent and CI of every cell, from leaderboard.json
std::string Measurements(const std::string& path) {
  const nlohmann::json board = nlohmann::json::parse(testing::ReadFile(path));
  std::string out;
  for (const auto& cell : board.at("cells")) {
    out += cell.at("target").dump() + cell.at("axis").dump() + cell.at("measured").dump() +
           cell.at("measured_ci").dump() + "\n";
  }
  return out;
}

TEST_CASE(
    "kill -9 at 10 random moments: the next run completes, reuses the finished runs, and the "
    "times log holds every run's times",
    "[slow][harness]") {
  testing::ScratchDir dir;
  const std::vector<std::string> args = Arguments(dir);
  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> delay_ms(50, 2500);
  int killed_running = 0;
  for (int attempt = 0; attempt < 10; ++attempt) {
    const pid_t pid = testing::Spawn(args);
    REQUIRE(pid > 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    if (::kill(pid, SIGKILL) == 0) ++killed_running;
    testing::WaitExit(pid);
    CheckEntriesWhole(dir.path() / "cache");
    if (fs::exists(dir / "history.sqlite")) CHECK(IntegrityCheck(dir / "history.sqlite") == "ok");
  }
  CHECK(killed_running >= 5);  // most kills hit a running sweep, not a finished one

  std::string command;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] != "--quiet") command += "'" + args[i] + "' ";  // progress shows the reuse count
  }
  const testing::CommandResult resumed = testing::RunScalebench(command);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  std::smatch reused;
  REQUIRE(std::regex_search(resumed.output, reused, std::regex("runs: (\\d+) reused")));
  CHECK(std::stoi(reused[1]) > 0);
  CHECK(IntegrityCheck(dir / "history.sqlite") == "ok");
  for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "cache")) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }

  // The same results as a run that was never interrupted.
  testing::ScratchDir clean;
  std::vector<std::string> clean_args = Arguments(clean);
  std::string clean_command;
  for (std::size_t i = 1; i < clean_args.size(); ++i) clean_command += "'" + clean_args[i] + "' ";
  REQUIRE(testing::RunScalebench(clean_command).exit_code == 0);
  CHECK(Measurements(dir / "results/leaderboard.json") ==
        Measurements(clean / "results/leaderboard.json"));

  // Every run the uninterrupted run computed (and timed: one-thread runs have CPU seconds) has its
  // times in the interrupted sweep's log, also those that only killed runs finished (the resumed
  // run reused them, so its history rows lack them).
  const auto all_runs = RecordedRunRows(clean / "history.sqlite");
  REQUIRE(all_runs.size() > 20);
  const auto logged = TimesLogRows(dir / "times.tsv");
  for (const auto& row : all_runs) {
    INFO(row.first << " " << row.second);
    CHECK(logged.count(row) == 1);
  }
}

}  // namespace
}  // namespace scalebench
