#include "harness/store/history_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

namespace scalebench {
namespace {

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
};
static_assert(std::size(kMigrations) == HistoryStore::kSchemaVersion);

constexpr const char* kCellColumns =
    "theory, family, target, axis, status, message, predicted, predicted_lower, predicted_upper, "
    "measured, measured_lower, measured_upper, exact, fit_status, abs_error, inside_ci, "
    "curve_error, predict_seconds, realism, dataset_family, home, has_oracle, oracle_status, "
    "oracle_message, oracle_predicted, oracle_lower, oracle_upper";
constexpr const char* kFitColumns =
    "target, axis, form, offset_fixed, exponent, exponent_lower, exponent_upper, confidence, "
    "offset, amplitude, status, message, fit_min_size, fit_max_size, num_sizes, num_seeds, "
    "num_points, rms_log_residual, seconds, cache_key, from_cache";
constexpr const char* kRunColumns =
    "id, started_at, finished_at, git_commit, config_hash, suite, command, host, baseline_theory, "
    "seconds, status, git_dirty, error";

std::string Describe(const std::string& path, sqlite3* db) {
  return "history database " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

// A prepared statement with positional binding and typed column access. NaN binds as NULL and
// NULL reads back as NaN, so "not measured" survives the round trip.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }

  Statement& Bind(const std::string& value) {
    sqlite3_bind_text(stmt_, ++next_, value.c_str(), -1, SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(const char* value) { return Bind(std::string(value)); }
  Statement& Bind(double value) {
    if (std::isnan(value)) {
      sqlite3_bind_null(stmt_, ++next_);
    } else {
      sqlite3_bind_double(stmt_, ++next_, value);
    }
    return *this;
  }
  Statement& Bind(std::optional<double> value) {
    return Bind(value ? *value : std::numeric_limits<double>::quiet_NaN());
  }
  Statement& Bind(std::int64_t value) {
    sqlite3_bind_int64(stmt_, ++next_, value);
    return *this;
  }
  Statement& Bind(int value) { return Bind(static_cast<std::int64_t>(value)); }
  Statement& Bind(bool value) { return Bind(static_cast<std::int64_t>(value ? 1 : 0)); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  double Real(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL)
      return std::numeric_limits<double>::quiet_NaN();
    return sqlite3_column_double(stmt_, column);
  }
  std::optional<double> OptionalReal(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, column);
  }
  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int next_ = 0;
};

bool Exec(sqlite3* db, const std::string& path, const std::string& sql, std::string* error) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return true;
  *error = Describe(path, db);
  return false;
}

// Best effort: after a failed statement the transaction may already be gone.
void Rollback(sqlite3* db) {
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::string Placeholders(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

int CountColumns(const char* columns) {
  return 1 + static_cast<int>(std::count(columns, columns + std::strlen(columns), ','));
}

// Enum columns are stored by name; an unknown name (a newer build wrote it) reads as the default.
template <typename Enum>
Enum EnumFromText(const std::string& text, std::initializer_list<Enum> values, Enum fallback) {
  for (Enum e : values) {
    if (text == ToString(e)) return e;
  }
  return fallback;
}

PredictionStatus PredictionStatusFromText(const std::string& text) {
  return EnumFromText(
      text,
      {PredictionStatus::kPredicted, PredictionStatus::kNotApplicable, PredictionStatus::kFailed},
      PredictionStatus::kFailed);
}

FitStatus FitStatusFromText(const std::string& text) {
  return EnumFromText(text,
                      {FitStatus::kConverged, FitStatus::kNotIdentifiable, FitStatus::kFailed},
                      FitStatus::kFailed);
}

Axis AxisFromText(const std::string& text) {
  Axis axis = Axis::kData;
  FromString(text, &axis);
  return axis;
}

void BindCell(const Cell& c, Statement* s) {
  const bool predicted = c.status == PredictionStatus::kPredicted;
  const bool oracle_predicted = c.has_oracle && c.oracle_status == PredictionStatus::kPredicted;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s->Bind(c.theory)
      .Bind(c.family)
      .Bind(c.target)
      .Bind(ToString(c.axis))
      .Bind(ToString(c.status))
      .Bind(c.message)
      .Bind(predicted ? c.predicted.value : nan)
      .Bind(predicted ? c.predicted.lower : std::nullopt)
      .Bind(predicted ? c.predicted.upper : std::nullopt)
      .Bind(c.measured)
      .Bind(c.measured_ci.lower)
      .Bind(c.measured_ci.upper)
      .Bind(c.exact)
      .Bind(ToString(c.fit_status))
      .Bind(c.abs_error)
      .Bind(c.inside_ci)
      .Bind(c.curve_error)
      .Bind(c.predict_seconds)
      .Bind(ToString(c.realism))
      .Bind(c.dataset_family)
      .Bind(c.home)
      .Bind(c.has_oracle)
      .Bind(c.has_oracle ? ToString(c.oracle_status) : "")
      .Bind(c.oracle_message)
      .Bind(oracle_predicted ? c.oracle_predicted.value : nan)
      .Bind(oracle_predicted ? c.oracle_predicted.lower : std::nullopt)
      .Bind(oracle_predicted ? c.oracle_predicted.upper : std::nullopt);
}

Cell ReadCell(const Statement& s, int first) {
  Cell c;
  int i = first;
  c.theory = s.Text(i++);
  c.family = s.Text(i++);
  c.target = s.Text(i++);
  c.axis = AxisFromText(s.Text(i++));
  c.status = PredictionStatusFromText(s.Text(i++));
  c.message = s.Text(i++);
  c.predicted.value = s.Real(i++);
  c.predicted.lower = s.OptionalReal(i++);
  c.predicted.upper = s.OptionalReal(i++);
  c.measured = s.Real(i++);
  c.measured_ci.lower = s.Real(i++);
  c.measured_ci.upper = s.Real(i++);
  c.exact = s.OptionalReal(i++);
  c.fit_status = FitStatusFromText(s.Text(i++));
  c.abs_error = s.Real(i++);
  c.inside_ci = s.Int(i++) != 0;
  c.curve_error = s.OptionalReal(i++);
  c.predict_seconds = s.Real(i++);
  c.realism =
      EnumFromText(s.Text(i++),
                   {Realism::kExact, Realism::kToy, Realism::kRealData, Realism::kUserExperiment},
                   Realism::kToy);
  c.dataset_family = s.Text(i++);
  c.home = s.Int(i++) != 0;
  c.has_oracle = s.Int(i++) != 0;
  const std::string oracle_status = s.Text(i++);
  c.oracle_message = s.Text(i++);
  if (c.has_oracle) {
    c.oracle_status = PredictionStatusFromText(oracle_status);
    c.oracle_predicted.value = s.Real(i);
    c.oracle_predicted.lower = s.OptionalReal(i + 1);
    c.oracle_predicted.upper = s.OptionalReal(i + 2);
  }
  return c;
}

void BindFit(const FitRecord& f, Statement* s) {
  const FitSummary& m = f.summary;
  s->Bind(f.target)
      .Bind(ToString(f.axis))
      .Bind(ToString(m.form))
      .Bind(m.offset_fixed)
      .Bind(m.exponent)
      .Bind(m.exponent_ci.lower)
      .Bind(m.exponent_ci.upper)
      .Bind(m.confidence)
      .Bind(m.offset)
      .Bind(m.amplitude)
      .Bind(ToString(m.status))
      .Bind(m.message)
      .Bind(m.fit_min_size)
      .Bind(m.fit_max_size)
      .Bind(m.num_sizes)
      .Bind(m.num_seeds)
      .Bind(m.num_points)
      .Bind(m.rms_log_residual)
      .Bind(m.seconds)
      .Bind(f.cache_key)
      .Bind(f.from_cache);
}

FitRecord ReadFit(const Statement& s) {
  FitRecord f;
  FitSummary& m = f.summary;
  int i = 0;
  f.target = s.Text(i++);
  f.axis = AxisFromText(s.Text(i++));
  FromString(s.Text(i++), &m.form);
  m.offset_fixed = s.Int(i++) != 0;
  m.exponent = s.Real(i++);
  m.exponent_ci.lower = s.Real(i++);
  m.exponent_ci.upper = s.Real(i++);
  m.confidence = s.Real(i++);
  m.offset = s.Real(i++);
  m.amplitude = s.Real(i++);
  m.status = FitStatusFromText(s.Text(i++));
  m.message = s.Text(i++);
  m.fit_min_size = s.Real(i++);
  m.fit_max_size = s.Real(i++);
  m.num_sizes = static_cast<int>(s.Int(i++));
  m.num_seeds = static_cast<int>(s.Int(i++));
  m.num_points = static_cast<int>(s.Int(i++));
  m.rms_log_residual = s.Real(i++);
  m.seconds = s.Real(i++);
  f.cache_key = s.Text(i++);
  f.from_cache = s.Int(i++) != 0;
  return f;
}

RunInfo ReadRunInfo(const Statement& s) {
  RunInfo r;
  int i = 0;
  r.id = s.Int(i++);
  r.started_at = s.Text(i++);
  r.finished_at = s.Text(i++);
  r.git_commit = s.Text(i++);
  r.config_hash = s.Text(i++);
  r.suite = s.Text(i++);
  r.command = s.Text(i++);
  r.host = s.Text(i++);
  r.baseline_theory = s.Text(i++);
  r.seconds = s.Real(i++);
  r.status = s.Text(i++);
  r.git_dirty = s.Int(i++) != 0;
  r.error = s.Text(i++);
  return r;
}

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
    *error = Describe(path, db);
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
    *error = Describe(path_, db_);
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
      *error = Describe(path_, db_);
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
                    Placeholders(12) + ")");
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
                std::string("INSERT INTO cells (run_id, ") + kCellColumns + ") VALUES (" +
                    Placeholders(1 + CountColumns(kCellColumns)) + ")");
    if (s.ok()) BindCell(cell, &s.Bind(id));
    if (!insert(s)) return false;
  }
  for (const FitRecord& fit : run->fits) {
    Statement s(db_,
                std::string("INSERT INTO fits (run_id, ") + kFitColumns + ") VALUES (" +
                    Placeholders(1 + CountColumns(kFitColumns)) + ")");
    if (s.ok()) BindFit(fit, &s.Bind(id));
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
  Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id DESC");
  if (!s.ok()) {
    *error = Describe(path_, db_);
    return false;
  }
  runs->clear();
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) runs->push_back(ReadRunInfo(s));
  if (rc != SQLITE_DONE) {
    *error = Describe(path_, db_);
    return false;
  }
  return true;
}

bool HistoryStore::LoadRun(std::int64_t id, RunRecord* run, std::string* error) const {
  RunRecord loaded;
  auto fail = [&] {
    *error = Describe(path_, db_);
    return false;
  };
  {
    Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
    if (!s.ok()) return fail();
    s.Bind(id);
    const int rc = s.Step();
    if (rc == SQLITE_DONE) {
      *error = "no run " + std::to_string(id) + " in history database " + path_;
      return false;
    }
    if (rc != SQLITE_ROW) return fail();
    loaded.info = ReadRunInfo(s);
  }
  {
    Statement s(
        db_, std::string("SELECT ") + kCellColumns + " FROM cells WHERE run_id = ? ORDER BY rowid");
    if (!s.ok()) return fail();
    s.Bind(id);
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) loaded.cells.push_back(ReadCell(s, 0));
    if (rc != SQLITE_DONE) return fail();
  }
  {
    Statement s(
        db_, std::string("SELECT ") + kFitColumns + " FROM fits WHERE run_id = ? ORDER BY rowid");
    if (!s.ok()) return fail();
    s.Bind(id);
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) loaded.fits.push_back(ReadFit(s));
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
                std::string("SELECT ") + kCellColumns +
                    " FROM cells WHERE run_id = ? AND (? = '' OR theory = ?) ORDER BY rowid");
    if (!s.ok()) {
      *error = Describe(path_, db_);
      return false;
    }
    s.Bind(info.id).Bind(filter.theory).Bind(filter.theory);
    std::vector<Cell> cells;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) cells.push_back(ReadCell(s, 0));
    if (rc != SQLITE_DONE) {
      *error = Describe(path_, db_);
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
    *error = Describe(path_, db_);
    return false;
  }
  seconds->clear();
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) (*seconds)[s.Int(0)][s.Text(1)] = s.Real(2);
  if (rc != SQLITE_DONE) {
    *error = Describe(path_, db_);
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
    *error = Describe(path_, db_);
    return false;
  }
  if (sqlite3_changes(db_) != 1) {
    *error = "no run " + std::to_string(id) + " in history database " + path_;
    return false;
  }
  return true;
}

}  // namespace scalebench
