// The run history: every suite run recorded in a SQLite file (results/history.sqlite by default)
// so that each theory's error, coverage and runtime can be tracked over commits.
//
// Tables: runs (one row per run: when, commit and whether the tree was dirty, suite, status and
// the error of a failed run), cells (theory x target x axis), fits (one per measured curve),
// runtimes (seconds per stage: probe, train, fit, predict). The schema version lives in
// `PRAGMA user_version`; Open() creates or migrates it and refuses a file written by a newer
// scalebench. A run is written in ONE transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any
// error), so an interrupted or failed write leaves no trace of that run and earlier runs intact.
// Leaderboard aggregates are never stored: they are rebuilt from the cells with
// BuildLeaderboard, so the history and the reports cannot disagree.
//
// Usage (the runner):
//   std::string error;
//   auto store = HistoryStore::Open(options.db_path, HistoryStore::Mode::kReadWrite, &error);
//   RunRecord run;  run.info.suite = ...; run.cells = board.cells; run.fits.push_back(...);
//   if (!store || !store->AddRun(&run, &error)) return Fail(error);   // run.info.id is set
// Usage (the CLI):
//   auto store = HistoryStore::Open(path, HistoryStore::Mode::kReadOnly, &error);
//   std::vector<RunInfo> runs;  store->ListRuns(&runs, &error);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"
#include "harness/score/score.h"

struct sqlite3;

namespace scalebench {

// The run as a whole. Dates are ISO 8601 UTC ("2024-05-01T12:00:00Z").
struct RunInfo {
  std::int64_t id = 0;  // assigned by AddRun
  std::string started_at;
  std::string finished_at;
  std::string git_commit;   // full hash of the source tree's HEAD ("unknown" outside git)
  bool git_dirty = false;   // tracked files differed from git_commit
  std::string config_hash;  // hash of the options that determine the results
  std::string suite;
  std::string command;  // the command line that reproduces the run
  std::string host;
  std::string baseline_theory;  // skill is measured against it when the run is shown again
  double seconds = 0.0;
  std::string status = "ok";  // "ok" or "failed" (a run that ended with an error)
  std::string error;          // why it failed, one failure a line; empty for "ok"
};

// One fitted measured curve of the run.
struct FitRecord {
  std::string target;
  Axis axis = Axis::kData;
  FitSummary summary;     // stored: form, status, message, exponent, CI, interval method,
                          // offset, amplitude, fit range, sizes/seeds/points, rms residual,
                          // seconds
  std::string cache_key;  // the curve's cache key ("" if not cached)
  bool from_cache = false;
};

// Time of one unit of work, wall seconds unless the stage says otherwise. stage: "probe", "run"
// (one training run), "run_cpu" (its CPU seconds, where measured: harness/runner/run_loop.h),
// "measure" (the shared pool of profiles and runs), "sweep" (MPI), "fit", "predict", "score" or
// "report" (writing the run's files); name: what was timed, e.g. the target
// ("gaussian_spectrum/a2_b1.5"), the run's label, "target [axis]", or "theory@target".
struct RuntimeRecord {
  std::string stage;
  std::string name;
  double seconds = 0.0;
};

struct RunRecord {
  RunInfo info;
  std::vector<Cell> cells;  // as scored (ScoreCell); predicted curves are not stored
  std::vector<FitRecord> fits;
  std::vector<RuntimeRecord> runtimes;
};

// One theory's aggregate in one run (rebuilt from the run's cells).
struct TrendPoint {
  std::string theory;
  std::int64_t run_id = 0;
  std::string date;  // the run's started_at
  std::string git_commit;
  double mean_abs_error = 0.0;  // NaN when nothing was scored
  double coverage = 0.0;
  int cells_applicable = 0;
  int cells_scored = 0;
  int cells_total = 0;
  double predict_seconds = 0.0;  // total wall time of the theory's Predict calls in the run
};

// Which trend points ErrorTrend returns.
struct TrendFilter {
  std::string theory;  // empty: every theory
  std::string suite;   // empty: every suite
  int last_runs = 0;   // > 0: only the newest this many runs that pass the filter
};

// One point per theory of a run, from its cells (through BuildLeaderboard, the one place that
// defines the aggregates). For a run not yet recorded, info.id is 0.
std::vector<TrendPoint> TrendOfRun(const RunInfo& info, std::vector<Cell> cells);

class HistoryStore {
 public:
  enum class Mode {
    kReadOnly,   // the file must exist (history, show)
    kReadWrite,  // creates the file and its parent directory if missing (run)
  };

  // For tests only: called before each row of AddRun is written with the number of rows written
  // so far; returning false makes AddRun fail there (and roll back).
  using RowHook = std::function<bool(int rows_written)>;

  // Returns nullptr and fills *error (naming the path and SQLite's message) when the file cannot
  // be opened, is not a database, or has an unknown schema version.
  static std::unique_ptr<HistoryStore> Open(const std::string& path, Mode mode, std::string* error);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Writes the whole run in one transaction and sets run->info.id. All or nothing.
  bool AddRun(RunRecord* run, std::string* error);
  // Newest first.
  bool ListRuns(std::vector<RunInfo>* runs, std::string* error) const;
  // Returns false with "no run N in PATH" when it does not exist.
  bool LoadRun(std::int64_t id, RunRecord* run, std::string* error) const;
  // Sorted by theory, then oldest run first; `theory` empty: every theory.
  bool ErrorTrend(const std::string& theory,
                  std::vector<TrendPoint>* trend,
                  std::string* error) const;
  bool ErrorTrend(const TrendFilter& filter,
                  std::vector<TrendPoint>* trend,
                  std::string* error) const;
  // Seconds per stage ("probe", "train", "fit", "predict") summed over each run's runtimes.
  bool StageSeconds(std::map<std::int64_t, std::map<std::string, double>>* seconds,
                    std::string* error) const;
  // Marks a recorded run as failed with `reason` (appended to its error): the runner does this
  // when the run's outputs could not be published after it was recorded.
  bool MarkRunFailed(std::int64_t id, const std::string& reason, std::string* error);

  const std::string& path() const { return path_; }
  void set_row_hook_for_testing(RowHook hook) { row_hook_ = std::move(hook); }

  static constexpr int kSchemaVersion = 3;

 private:
  HistoryStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  bool Migrate(std::string* error);
  bool WriteRun(RunRecord* run, std::string* error);

  std::string path_;
  sqlite3* db_;
  RowHook row_hook_;
};

}  // namespace scalebench
