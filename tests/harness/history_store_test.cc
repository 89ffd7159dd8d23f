#include "harness/store/history_store.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>

#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

Cell MakeCell(const std::string& theory,
              const std::string& target,
              double predicted,
              double measured) {
  Cell cell;
  cell.theory = theory;
  cell.family = theory.substr(0, theory.find('/'));
  cell.target = target;
  cell.status = PredictionStatus::kPredicted;
  cell.predicted = {predicted, predicted - 0.1, predicted + 0.1};
  cell.fit_status = FitStatus::kConverged;
  cell.measured = measured;
  cell.measured_ci = {measured - 0.05, measured + 0.05};
  cell.exact = 1.0;
  cell.predict_seconds = 0.001;
  ScoreCell({}, &cell);
  return cell;
}

RunRecord MakeRun(const std::string& commit, double error_of_a) {
  RunRecord run;
  run.info.started_at = "2024-05-01T12:00:00Z";
  run.info.finished_at = "2024-05-01T12:01:00Z";
  run.info.git_commit = commit;
  run.info.config_hash = "abc";
  run.info.suite = "default";
  run.info.command = "scalebench run";
  run.info.host = "host";
  run.info.baseline_theory = "base/c";
  run.info.seconds = 60;
  run.cells.push_back(MakeCell("k/a", "t1", 1.0 + error_of_a, 1.0));
  run.cells.push_back(MakeCell("base/c", "t1", 1.5, 1.0));
  Cell na;
  na.theory = "k/a";
  na.family = "k";
  na.target = "t2";
  na.axis = Axis::kParams;
  na.status = PredictionStatus::kNotApplicable;
  na.message = "needs b > 1";
  na.fit_status = FitStatus::kNotIdentifiable;
  run.cells.push_back(na);
  FitRecord fit;
  fit.target = "t1";
  fit.summary.status = FitStatus::kConverged;
  fit.summary.message = "ok";
  fit.summary.form = CurveForm::kPowerLaw;
  fit.summary.exponent = 1.0;
  fit.summary.exponent_ci = {0.95, 1.05};
  fit.summary.amplitude = 3.0;
  fit.summary.num_sizes = 8;
  fit.summary.num_seeds = 5;
  fit.summary.interval_method = IntervalMethod::kProfileLikelihood;
  fit.summary.fit_min_size = 64;
  fit.summary.fit_max_size = 8192;
  fit.summary.rms_log_residual = 0.01;
  fit.cache_key = "0123456789abcdef";
  fit.from_cache = true;
  run.fits.push_back(fit);
  run.runtimes = {{"probe", "t1", 0.5},
                  {"train", "t1", 10},
                  {"fit", "t1/data", 0.2},
                  {"predict", "k/a@t1", 0.001}};
  return run;
}

TEST_CASE("HistoryStore: write, list and load runs") {
  testing::ScratchDir dir;
  std::string error;
  auto store =
      HistoryStore::Open(dir / "sub/dir/history.sqlite", HistoryStore::Mode::kReadWrite, &error);
  REQUIRE(store != nullptr);
  RunRecord first = MakeRun("c1", 0.2);
  RunRecord second = MakeRun("c2", 0.1);
  REQUIRE(store->AddRun(&first, &error));
  REQUIRE(store->AddRun(&second, &error));
  CHECK(first.info.id == 1);
  CHECK(second.info.id == 2);

  std::vector<RunInfo> runs;
  REQUIRE(store->ListRuns(&runs, &error));
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].id == 2);  // newest first
  CHECK(runs[0].git_commit == "c2");
  CHECK(runs[1].seconds == 60);

  RunRecord loaded;
  REQUIRE(store->LoadRun(1, &loaded, &error));
  CHECK(loaded.info.baseline_theory == "base/c");
  REQUIRE(loaded.cells.size() == 3);
  const Cell& a = loaded.cells[0];
  CHECK(a.theory == "k/a");
  CHECK(a.status == PredictionStatus::kPredicted);
  CHECK(a.predicted.value == Approx(1.2));
  CHECK(*a.predicted.lower == Approx(1.1));
  CHECK(a.abs_error == Approx(0.2));
  CHECK(a.measured_ci.upper == Approx(1.05));
  CHECK(*a.exact == 1.0);
  CHECK_FALSE(a.curve_error.has_value());
  const Cell& na = loaded.cells[2];
  CHECK(na.status == PredictionStatus::kNotApplicable);
  CHECK(na.axis == Axis::kParams);
  CHECK(na.message == "needs b > 1");
  CHECK(na.fit_status == FitStatus::kNotIdentifiable);
  CHECK(std::isnan(na.measured));
  REQUIRE(loaded.fits.size() == 1);
  CHECK(loaded.fits[0].summary.form == CurveForm::kPowerLaw);
  CHECK(loaded.fits[0].summary.exponent_ci.lower == 0.95);
  CHECK(std::isnan(loaded.fits[0].summary.offset));
  CHECK(loaded.fits[0].summary.num_seeds == 5);
  CHECK(loaded.fits[0].summary.interval_method == IntervalMethod::kProfileLikelihood);
  CHECK(loaded.fits[0].from_cache);
  CHECK(loaded.fits[0].cache_key == "0123456789abcdef");
  REQUIRE(loaded.runtimes.size() == 4);
  CHECK(loaded.runtimes[1].stage == "train");
  CHECK(loaded.runtimes[1].seconds == 10);

  CHECK_FALSE(store->LoadRun(7, &loaded, &error));
  CHECK_THAT(error, Contains("no run 7"));
}

TEST_CASE("HistoryStore: per-theory error trend") {
  testing::ScratchDir dir;
  std::string error;
  auto store = HistoryStore::Open(dir / "h.sqlite", HistoryStore::Mode::kReadWrite, &error);
  REQUIRE(store != nullptr);
  RunRecord first = MakeRun("c1", 0.3);
  RunRecord second = MakeRun("c2", 0.1);
  REQUIRE(store->AddRun(&first, &error));
  REQUIRE(store->AddRun(&second, &error));
  std::vector<TrendPoint> trend;
  REQUIRE(store->ErrorTrend("k/a", &trend, &error));
  REQUIRE(trend.size() == 2);
  CHECK(trend[0].run_id == 1);  // oldest first
  CHECK(trend[0].mean_abs_error == Approx(0.3));
  CHECK(trend[1].mean_abs_error == Approx(0.1));
  CHECK(trend[1].coverage == Approx(0.5));  // 1 of 2 cells applicable
  CHECK(trend[1].cells_applicable == 1);
  CHECK(trend[1].git_commit == "c2");
  REQUIRE(store->ErrorTrend("", &trend, &error));
  CHECK(trend.size() == 4);
  CHECK(trend[0].theory == "base/c");
}

TEST_CASE("HistoryStore: a failure mid-write leaves no trace of the run") {
  testing::ScratchDir dir;
  const std::string path = dir / "h.sqlite";
  std::string error;
  auto store = HistoryStore::Open(path, HistoryStore::Mode::kReadWrite, &error);
  REQUIRE(store != nullptr);
  RunRecord good = MakeRun("c1", 0.2);
  REQUIRE(store->AddRun(&good, &error));

  // Fail after the run row and two cells have been written.
  store->set_row_hook_for_testing([](int rows) { return rows < 3; });
  RunRecord doomed = MakeRun("c2", 0.1);
  CHECK_FALSE(store->AddRun(&doomed, &error));
  CHECK_THAT(error, Contains("write aborted after 3 rows"));
  CHECK(doomed.info.id == 0);
  store->set_row_hook_for_testing(nullptr);

  std::vector<RunInfo> runs;
  REQUIRE(store->ListRuns(&runs, &error));
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].git_commit == "c1");
  RunRecord loaded;
  REQUIRE(store->LoadRun(1, &loaded, &error));
  CHECK(loaded.cells.size() == 3);  // the earlier run is intact
  CHECK(loaded.fits.size() == 1);
  CHECK_FALSE(store->LoadRun(2, &loaded, &error));

  // The store stays usable after the rollback.
  RunRecord next = MakeRun("c3", 0.1);
  REQUIRE(store->AddRun(&next, &error));
  REQUIRE(store->ListRuns(&runs, &error));
  CHECK(runs.size() == 2);
  std::vector<TrendPoint> trend;
  REQUIRE(store->ErrorTrend("k/a", &trend, &error));
  CHECK(trend.size() == 2);  // no orphan cells of the failed run
}

TEST_CASE("HistoryStore: a process killed mid-write leaves earlier runs intact") {
  testing::ScratchDir dir;
  const std::string path = dir / "h.sqlite";
  std::string error;
  {
    auto store = HistoryStore::Open(path, HistoryStore::Mode::kReadWrite, &error);
    REQUIRE(store != nullptr);
    RunRecord good = MakeRun("c1", 0.2);
    REQUIRE(store->AddRun(&good, &error));
  }
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::string child_error;
    auto store = HistoryStore::Open(path, HistoryStore::Mode::kReadWrite, &child_error);
    if (!store) std::_Exit(3);
    // Dies, without unwinding or closing the database, after four rows of the second run.
    store->set_row_hook_for_testing([](int rows) {
      if (rows == 4) std::_Exit(0);
      return true;
    });
    RunRecord doomed = MakeRun("c2", 0.1);
    store->AddRun(&doomed, &child_error);
    std::_Exit(4);  // not reached
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  auto store = HistoryStore::Open(path, HistoryStore::Mode::kReadOnly, &error);
  REQUIRE(store != nullptr);
  std::vector<RunInfo> runs;
  REQUIRE(store->ListRuns(&runs, &error));
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].git_commit == "c1");
  RunRecord loaded;
  REQUIRE(store->LoadRun(1, &loaded, &error));
  CHECK(loaded.cells.size() == 3);
}

TEST_CASE("HistoryStore: missing, corrupt and foreign files give errors naming the path") {
  testing::ScratchDir dir;
  std::string error;
  SECTION("missing file, read-only") {
    CHECK(HistoryStore::Open(dir / "none.sqlite", HistoryStore::Mode::kReadOnly, &error) ==
          nullptr);
    CHECK_THAT(error, Contains(dir / "none.sqlite") && Contains("does not exist"));
  }
  SECTION("corrupt file") {
    const std::string path = dir / "corrupt.sqlite";
    testing::WriteFile(path, std::string(4096, 'x'));
    for (auto mode : {HistoryStore::Mode::kReadOnly, HistoryStore::Mode::kReadWrite}) {
      CHECK(HistoryStore::Open(path, mode, &error) == nullptr);
      CHECK_THAT(error, Contains(path) && Contains("not a database"));
    }
  }
  SECTION("a newer schema") {
    const std::string path = dir / "newer.sqlite";
    REQUIRE(HistoryStore::Open(path, HistoryStore::Mode::kReadWrite, &error) != nullptr);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(HistoryStore::Open(path, HistoryStore::Mode::kReadWrite, &error) == nullptr);
    CHECK_THAT(error, Contains(path) && Contains("schema version 99"));
  }
  SECTION("unwritable directory") {
    CHECK(HistoryStore::Open("/proc/scalebench/h.sqlite", HistoryStore::Mode::kReadWrite, &error) ==
          nullptr);
    CHECK_THAT(error, Contains("/proc/scalebench/h.sqlite"));
  }
}

}  // namespace
}  // namespace scalebench
