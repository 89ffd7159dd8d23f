#include "harness/store/history_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "harness/store/internal_history_rows.h"
#include "harness/store/internal_sqlite.h"

namespace scalebench {
namespace {

using internal::Exec;
using internal::Rollback;
using internal::Statement;

// Schema migrations: kMigrations[v] takes a database from user_version v to v + 1.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL, finished_at TEXT, git_commit TEXT, config_hash TEXT, suite TEXT,
  command TEXT, host TEXT, baseline_theory TEXT, seconds REAL, status TEXT NOT NULL);
CREATE TABLE cells (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  theory TEXT NOT NULL, family TEXT, target TEXT NOT NULL, axis TEXT NOT NULL,
  status TEXT NOT NULL, message TEXT,
  predicted REAL, predicted_lower REAL, predicted_upper REAL,
  measured REAL, measured_lower REAL, measured_upper REAL, exact REAL, fit_status TEXT NOT NULL,
  abs_error REAL, inside_ci INTEGER NOT NULL, curve_error REAL, predict_seconds REAL);
CREATE INDEX cells_by_run ON cells(run_id);
CREATE INDEX cells_by_theory ON cells(theory, run_id);
CREATE TABLE fits (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  target TEXT NOT NULL, axis TEXT NOT NULL, form TEXT NOT NULL, offset_fixed INTEGER NOT NULL,
  exponent REAL, exponent_lower REAL, exponent_upper REAL, confidence REAL,
  offset REAL, amplitude REAL, status TEXT NOT NULL, message TEXT,
  fit_min_size REAL, fit_max_size REAL, num_sizes INTEGER, num_seeds INTEGER, num_points INTEGER,
  rms_log_residual REAL, seconds REAL, cache_key TEXT, from_cache INTEGER NOT NULL);
CREATE INDEX fits_by_run ON fits(run_id);
CREATE TABLE runtimes (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  stage TEXT NOT NULL, name TEXT NOT NULL, seconds REAL NOT NULL);
CREATE INDEX runtimes_by_run ON runtimes(run_id);
)sql",
    // v2: whether the source tree was modified, kept apart from the commit (v1 appended
    // "-dirty" to it), and why a failed run failed; per cell, the target's track (realism,
    // dataset family, home) and the prediction from the target's oracle profile.
    R"sql(
ALTER TABLE runs ADD COLUMN git_dirty INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN error TEXT NOT NULL DEFAULT '';
UPDATE runs SET git_dirty = 1, git_commit = substr(git_commit, 1, length(git_commit) - 6)
  WHERE git_commit LIKE '%-dirty';
CREATE INDEX runs_by_suite ON runs(suite, id);
ALTER TABLE cells ADD COLUMN realism TEXT NOT NULL DEFAULT '';
ALTER TABLE cells ADD COLUMN dataset_family TEXT NOT NULL DEFAULT '';
ALTER TABLE cells ADD COLUMN home INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cells ADD COLUMN has_oracle INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cells ADD COLUMN oracle_status TEXT NOT NULL DEFAULT '';
ALTER TABLE cells ADD COLUMN oracle_message TEXT NOT NULL DEFAULT '';
ALTER TABLE cells ADD COLUMN oracle_predicted REAL;
ALTER TABLE cells ADD COLUMN oracle_lower REAL;
ALTER TABLE cells ADD COLUMN oracle_upper REAL;
)sql",
    // v3: where each fit's interval came from (seed bootstrap or, for one run per size, the
    // profile likelihood), so that a history reader can tell the two apart; older fits: ''.
    R"sql(
ALTER TABLE fits ADD COLUMN interval_method TEXT NOT NULL DEFAULT '';
)sql",
};
static_assert(std::size(kMigrations) == HistoryStore::kSchemaVersion);

}  // namespace

std::unique_ptr<HistoryStore> HistoryStore::Open(const std::string& path,
                                                 Mode mode,
                                                 std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (mode == Mode::kReadOnly && !fs::exists(path, ec)) {
    *error = "history database " + path + " does not exist (it is created by `scalebench run`)";
    return nullptr;
  }
  if (mode == Mode::kReadWrite) {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec) && (fs::create_directories(parent, ec), ec)) {
      *error = "history database " + path + ": cannot create directory " + parent.string() + ": " +
               ec.message();
      return nullptr;
    }
  }
  sqlite3* db = nullptr;
  const int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    *error = internal::DatabaseError(path, db);
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<HistoryStore> store(new HistoryStore(path, db));
  sqlite3_busy_timeout(db, 10000);  // several engineers' runs may share one file
  if (!Exec(db, path, "PRAGMA foreign_keys = ON", error) || !store->Migrate(error)) return nullptr;
  if (mode == Mode::kReadOnly) {
    // Migrate() cannot write here; an old or foreign file is refused rather than misread.
    Statement version(db, "PRAGMA user_version");
    if (!version.ok() || version.Step() != SQLITE_ROW || version.Int(0) != kSchemaVersion) {
      *error = "history database " + path + " is not a scalebench history of schema version " +
               std::to_string(kSchemaVersion);
      return nullptr;
    }
  }
  return store;
}

HistoryStore::~HistoryStore() {
  sqlite3_close(db_);
}

bool HistoryStore::Migrate(std::string* error) {
  Statement version(db_, "PRAGMA user_version");
  // Reading the version is the first access to the file: a corrupt file fails here.
  if (!version.ok() || version.Step() != SQLITE_ROW) {
    *error = internal::DatabaseError(path_, db_);
    return false;
  }
  const int current = static_cast<int>(version.Int(0));
  if (current > kSchemaVersion) {
    *error = "history database " + path_ + " has schema version " + std::to_string(current) +
             ", newer than this build reads (" + std::to_string(kSchemaVersion) + ")";
    return false;
  }
  if (current == kSchemaVersion || sqlite3_db_readonly(db_, "main") == 1) return true;
  if (!Exec(db_, path_, "BEGIN IMMEDIATE", error)) return false;
  for (int v = current; v < kSchemaVersion; ++v) {
    if (!Exec(db_, path_, kMigrations[v], error)) {
      Rollback(db_);
      return false;
    }
  }
  return Exec(db_, path_, "PRAGMA user_version = " + std::to_string(kSchemaVersion), error) &&
         Exec(db_, path_, "COMMIT", error);
}

bool HistoryStore::AddRun(RunRecord* run, std::string* error) {
  if (!Exec(db_, path_, "BEGIN IMMEDIATE", error)) return false;
  if (!WriteRun(run, error)) {
    Rollback(db_);
    run->info.id = 0;
    return false;
  }
  if (!Exec(db_, path_, "COMMIT", error)) {
    Rollback(db_);
    run->info.id = 0;
    return false;
  }
  return true;
}

bool HistoryStore::WriteRun(RunRecord* run, std::string* error) {
  int rows = 0;
  // Steps one INSERT; the hook lets tests fail the write part-way.
  auto insert = [&](Statement& s) {
    if (row_hook_ && !row_hook_(rows)) {
      *error = "history database " + path_ + ": write aborted after " + std::to_string(rows) +
               " rows (test hook)";
      return false;
    }
    if (!s.ok() || s.Step() != SQLITE_DONE) {
      *error = internal::DatabaseError(path_, db_);
      return false;
    }
    ++rows;
    return true;
  };
  const RunInfo& r = run->info;
  {
    Statement s(db_,
                "INSERT INTO runs (started_at, finished_at, git_commit, config_hash, suite, "
                "command, host, baseline_theory, seconds, status, git_dirty, error) VALUES (" +
                    internal::Placeholders(12) + ")");
    if (s.ok()) {
      s.Bind(r.started_at)
          .Bind(r.finished_at)
          .Bind(r.git_commit)
          .Bind(r.config_hash)
          .Bind(r.suite)
          .Bind(r.command)
          .Bind(r.host)
          .Bind(r.baseline_theory)
          .Bind(r.seconds)
          .Bind(r.status)
          .Bind(r.git_dirty)
          .Bind(r.error);
    }
    if (!insert(s)) return false;
  }
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  for (const Cell& cell : run->cells) {
    Statement s(db_,
                std::string("INSERT INTO cells (run_id, ") + internal::kCellColumns + ") VALUES (" +
                    internal::Placeholders(1 + internal::CountColumns(internal::kCellColumns)) +
                    ")");
    if (s.ok()) internal::BindCell(cell, &s.Bind(id));
    if (!insert(s)) return false;
  }
  for (const FitRecord& fit : run->fits) {
    Statement s(db_,
                std::string("INSERT INTO fits (run_id, ") + internal::kFitColumns + ") VALUES (" +
                    internal::Placeholders(1 + internal::CountColumns(internal::kFitColumns)) +
                    ")");
    if (s.ok()) internal::BindFit(fit, &s.Bind(id));
    if (!insert(s)) return false;
  }
  for (const RuntimeRecord& t : run->runtimes) {
    Statement s(db_, "INSERT INTO runtimes (run_id, stage, name, seconds) VALUES (?, ?, ?, ?)");
    if (s.ok()) s.Bind(id).Bind(t.stage).Bind(t.name).Bind(t.seconds);
    if (!insert(s)) return false;
  }
  run->info.id = id;
  return true;
}

bool HistoryStore::ListRuns(std::vector<RunInfo>* runs, std::string* error) const {
  Statement s(db_, std::string("SELECT ") + internal::kRunColumns + " FROM runs ORDER BY id DESC");
  if (!s.ok()) {
    *error = internal::DatabaseError(path_, db_);
    return false;
  }
  runs->clear();
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) runs->push_back(internal::ReadRunInfo(s));
  if (rc != SQLITE_DONE) {
    *error = internal::DatabaseError(path_, db_);
    return false;
  }
  return true;
}

bool HistoryStore::LoadRun(std::int64_t id, RunRecord* run, std::string* error) const {
  RunRecord loaded;
  auto fail = [&] {
    *error = internal::DatabaseError(path_, db_);
    return false;
  };
  {
    Statement s(db_, std::string("SELECT ") + internal::kRunColumns + " FROM runs WHERE id = ?");
    if (!s.ok()) return fail();
    s.Bind(id);
    const int rc = s.Step();
    if (rc == SQLITE_DONE) {
      *error = "no run " + std::to_string(id) + " in history database " + path_;
      return false;
    }
    if (rc != SQLITE_ROW) return fail();
    loaded.info = internal::ReadRunInfo(s);
  }
  {
    Statement s(db_,
                std::string("SELECT ") + internal::kCellColumns +
                    " FROM cells WHERE run_id = ? ORDER BY rowid");
    if (!s.ok()) return fail();
    s.Bind(id);
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) loaded.cells.push_back(internal::ReadCell(s, 0));
    if (rc != SQLITE_DONE) return fail();
  }
  {
    Statement s(db_,
                std::string("SELECT ") + internal::kFitColumns +
                    " FROM fits WHERE run_id = ? ORDER BY rowid");
    if (!s.ok()) return fail();
    s.Bind(id);
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) loaded.fits.push_back(internal::ReadFit(s));
    if (rc != SQLITE_DONE) return fail();
  }
  {
    Statement s(db_, "SELECT stage, name, seconds FROM runtimes WHERE run_id = ? ORDER BY rowid");
    if (!s.ok()) return fail();
    s.Bind(id);
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW)
      loaded.runtimes.push_back({s.Text(0), s.Text(1), s.Real(2)});
    if (rc != SQLITE_DONE) return fail();
  }
  *run = std::move(loaded);
  return true;
}

std::vector<TrendPoint> TrendOfRun(const RunInfo& info, std::vector<Cell> cells) {
  // The aggregates come from the one place that defines them.
  std::map<std::string, double> predict_seconds;
  for (const Cell& cell : cells) predict_seconds[cell.theory] += cell.predict_seconds;
  const Leaderboard board = BuildLeaderboard(std::move(cells), info.baseline_theory);
  std::vector<TrendPoint> trend;
  for (const TheoryRow& row : board.rows) {
    trend.push_back({row.theory,
                     info.id,
                     info.started_at,
                     info.git_commit,
                     row.mean_abs_error,
                     row.coverage,
                     row.cells_applicable,
                     row.cells_scored,
                     row.cells_total,
                     predict_seconds[row.theory]});
  }
  return trend;
}

bool HistoryStore::ErrorTrend(const std::string& theory,
                              std::vector<TrendPoint>* trend,
                              std::string* error) const {
  TrendFilter filter;
  filter.theory = theory;
  return ErrorTrend(filter, trend, error);
}

bool HistoryStore::ErrorTrend(const TrendFilter& filter,
                              std::vector<TrendPoint>* trend,
                              std::string* error) const {
  std::vector<RunInfo> runs;
  if (!ListRuns(&runs, error)) return false;  // newest first
  if (!filter.suite.empty()) {
    std::erase_if(runs, [&](const RunInfo& r) { return r.suite != filter.suite; });
  }
  if (filter.last_runs > 0 && runs.size() > static_cast<std::size_t>(filter.last_runs))
    runs.resize(filter.last_runs);
  std::reverse(runs.begin(), runs.end());  // oldest first
  trend->clear();
  for (const RunInfo& info : runs) {
    Statement s(db_,
                std::string("SELECT ") + internal::kCellColumns +
                    " FROM cells WHERE run_id = ? AND (? = '' OR theory = ?) ORDER BY rowid");
    if (!s.ok()) {
      *error = internal::DatabaseError(path_, db_);
      return false;
    }
    s.Bind(info.id).Bind(filter.theory).Bind(filter.theory);
    std::vector<Cell> cells;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) cells.push_back(internal::ReadCell(s, 0));
    if (rc != SQLITE_DONE) {
      *error = internal::DatabaseError(path_, db_);
      return false;
    }
    for (TrendPoint& point : TrendOfRun(info, std::move(cells))) trend->push_back(point);
  }
  std::stable_sort(trend->begin(), trend->end(), [](const TrendPoint& a, const TrendPoint& b) {
    return a.theory < b.theory;  // runs stay oldest first within a theory
  });
  return true;
}

bool HistoryStore::StageSeconds(std::map<std::int64_t, std::map<std::string, double>>* seconds,
                                std::string* error) const {
  Statement s(db_, "SELECT run_id, stage, SUM(seconds) FROM runtimes GROUP BY run_id, stage");
  if (!s.ok()) {
    *error = internal::DatabaseError(path_, db_);
    return false;
  }
  seconds->clear();
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) (*seconds)[s.Int(0)][s.Text(1)] = s.Real(2);
  if (rc != SQLITE_DONE) {
    *error = internal::DatabaseError(path_, db_);
    return false;
  }
  return true;
}

bool HistoryStore::MarkRunFailed(std::int64_t id, const std::string& reason, std::string* error) {
  Statement s(db_,
              "UPDATE runs SET status = 'failed', error = CASE WHEN error = '' THEN ? ELSE "
              "error || char(10) || ? END WHERE id = ?");
  if (s.ok()) s.Bind(reason).Bind(reason).Bind(id);
  if (!s.ok() || s.Step() != SQLITE_DONE) {
    *error = internal::DatabaseError(path_, db_);
    return false;
  }
  if (sqlite3_changes(db_) != 1) {
    *error = "no run " + std::to_string(id) + " in history database " + path_;
    return false;
  }
  return true;
}

}  // namespace scalebench
