// The history's run-level records (schema 2): the commit in full with the dirty flag apart
// (migrated from schema 1's "-dirty" suffix), why a run failed, per-stage runtimes, and trends
// filtered by suite.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "harness/report/reporter.h"
#include "harness/store/history_store.h"
#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

RunRecord Run(const std::string& suite, double predicted) {
  RunRecord run;
  run.info.started_at = "2024-05-01T12:00:00Z";
  run.info.suite = suite;
  run.info.git_commit = "0123456789abcdef0123456789abcdef01234567";
  run.info.git_dirty = true;
  run.info.baseline_theory = "base/c";
  Cell cell;
  cell.theory = "k/a";
  cell.target = "t";
  cell.status = PredictionStatus::kPredicted;
  cell.predicted = {predicted, std::nullopt, std::nullopt};
  cell.fit_status = FitStatus::kConverged;
  cell.measured = 1.0;
  cell.measured_ci = {0.9, 1.1};
  cell.realism = Realism::kRealData;
  cell.dataset_family = "kjv";
  cell.home = true;
  cell.has_oracle = true;
  cell.oracle_status = PredictionStatus::kPredicted;
  cell.oracle_predicted = {0.95, 0.9, std::nullopt};
  ScoreCell({}, &cell);
  run.cells = {cell};
  run.runtimes = {{"fit", "t [data]", 0.5}, {"fit", "t [params]", 0.25}, {"predict", "k/a@t", 0.1}};
  return run;
}

TEST_CASE("history: a schema 1 database is migrated, its '-dirty' commits split into a flag",
          "[unit][store]") {
  testing::ScratchDir dir;
  const std::string path = dir / "v1.sqlite";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    // The schema 1 runs table (the other tables as in schema 1, empty).
    const char* v1 = R"sql(
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL,
  finished_at TEXT, git_commit TEXT, config_hash TEXT, suite TEXT, command TEXT, host TEXT,
  baseline_theory TEXT, seconds REAL, status TEXT NOT NULL);
CREATE TABLE cells (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  theory TEXT NOT NULL, family TEXT, target TEXT NOT NULL, axis TEXT NOT NULL,
  status TEXT NOT NULL, message TEXT, predicted REAL, predicted_lower REAL, predicted_upper REAL,
  measured REAL, measured_lower REAL, measured_upper REAL, exact REAL, fit_status TEXT NOT NULL,
  abs_error REAL, inside_ci INTEGER NOT NULL, curve_error REAL, predict_seconds REAL);
CREATE TABLE fits (run_id INTEGER NOT NULL, target TEXT NOT NULL, axis TEXT NOT NULL,
  form TEXT NOT NULL, offset_fixed INTEGER NOT NULL, exponent REAL, exponent_lower REAL,
  exponent_upper REAL, confidence REAL, offset REAL, amplitude REAL, status TEXT NOT NULL,
  message TEXT, fit_min_size REAL, fit_max_size REAL, num_sizes INTEGER, num_seeds INTEGER,
  num_points INTEGER, rms_log_residual REAL, seconds REAL, cache_key TEXT,
  from_cache INTEGER NOT NULL);
CREATE TABLE runtimes (run_id INTEGER NOT NULL, stage TEXT NOT NULL, name TEXT NOT NULL,
  seconds REAL NOT NULL);
INSERT INTO runs (started_at, git_commit, suite, status) VALUES
  ('2024-01-01T00:00:00Z', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-dirty', 'default', 'ok'),
  ('2024-01-02T00:00:00Z', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'full', 'ok');
PRAGMA user_version = 1;
)sql";
    REQUIRE(sqlite3_exec(db, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  std::string error;
  // Read-only opening refuses the old schema rather than misreading it.
  CHECK(HistoryStore::Open(path, HistoryStore::Mode::kReadOnly, &error) == nullptr);
  auto store = HistoryStore::Open(path, HistoryStore::Mode::kReadWrite, &error);
  INFO(error);
  REQUIRE(store != nullptr);
  std::vector<RunInfo> runs;
  REQUIRE(store->ListRuns(&runs, &error));
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].git_commit == std::string(40, 'a'));
  CHECK(runs[1].git_dirty);
  CHECK(runs[0].git_commit == std::string(40, 'b'));
  CHECK_FALSE(runs[0].git_dirty);
  CHECK(runs[0].error.empty());
  // And new runs go in beside them.
  RunRecord run = Run("default", 1.2);
  REQUIRE(store->AddRun(&run, &error));
  CHECK(run.info.id == 3);
}

TEST_CASE(
    "history: runs keep the full commit, the dirty flag, why they failed, and each cell's "
    "track and oracle prediction",
    "[unit][store]") {
  testing::ScratchDir dir;
  std::string error;
  auto store = HistoryStore::Open(dir / "h.sqlite", HistoryStore::Mode::kReadWrite, &error);
  REQUIRE(store != nullptr);
  RunRecord run = Run("default", 1.2);
  REQUIRE(store->AddRun(&run, &error));
  REQUIRE(store->MarkRunFailed(run.info.id, "cannot publish out/report.html", &error));
  REQUIRE(store->MarkRunFailed(run.info.id, "second reason", &error));
  CHECK_FALSE(store->MarkRunFailed(99, "no such run", &error));
  CHECK_THAT(error, Contains("no run 99"));
  RunRecord loaded;
  REQUIRE(store->LoadRun(run.info.id, &loaded, &error));
  CHECK(loaded.info.git_commit == run.info.git_commit);
  CHECK(loaded.info.git_dirty);
  CHECK(loaded.info.status == "failed");
  CHECK(loaded.info.error == "cannot publish out/report.html\nsecond reason");
  REQUIRE(loaded.cells.size() == 1);
  const Cell& cell = loaded.cells[0];
  CHECK(cell.realism == Realism::kRealData);
  CHECK(cell.dataset_family == "kjv");
  CHECK(cell.home);
  CHECK(cell.has_oracle);
  CHECK(cell.oracle_status == PredictionStatus::kPredicted);
  CHECK(cell.oracle_predicted.value == 0.95);
  CHECK(cell.oracle_predicted.lower == 0.9);
  CHECK_FALSE(cell.oracle_predicted.upper.has_value());
}

TEST_CASE("history: stage seconds are summed per run, trends filter by suite and last runs",
          "[unit][store]") {
  testing::ScratchDir dir;
  std::string error;
  auto store = HistoryStore::Open(dir / "h.sqlite", HistoryStore::Mode::kReadWrite, &error);
  REQUIRE(store != nullptr);
  for (const auto& [suite, predicted] : {std::pair<std::string, double>{"default", 1.5},
                                         {"full", 1.4},
                                         {"default", 1.3},
                                         {"default", 1.1}}) {
    RunRecord run = Run(suite, predicted);
    REQUIRE(store->AddRun(&run, &error));
  }
  std::map<std::int64_t, std::map<std::string, double>> stages;
  REQUIRE(store->StageSeconds(&stages, &error));
  REQUIRE(stages.size() == 4);
  CHECK(stages[1]["fit"] == Approx(0.75));
  CHECK(stages[1]["predict"] == Approx(0.1));

  TrendFilter filter;
  filter.suite = "default";
  filter.last_runs = 2;
  std::vector<TrendPoint> trend;
  REQUIRE(store->ErrorTrend(filter, &trend, &error));
  REQUIRE(trend.size() == 2);  // k/a in runs 3 and 4, oldest first
  CHECK(trend[0].run_id == 3);
  CHECK(trend[0].mean_abs_error == Approx(0.3));
  CHECK(trend[1].run_id == 4);
  CHECK(trend[1].mean_abs_error == Approx(0.1));
}

TEST_CASE("CurrentReportContext: the full commit hash, the dirty state kept apart",
          "[unit][report]") {
  const ReportContext context = CurrentReportContext();
  if (context.git_commit == "unknown") return;  // built outside git
  CHECK(context.git_commit.size() == 40);
  CHECK(context.git_commit.find_first_not_of("0123456789abcdef") == std::string::npos);
}

}  // namespace
}  // namespace scalebench
