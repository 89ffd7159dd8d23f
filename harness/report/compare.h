// Comparing two runs (`scalebench compare RUN_A RUN_B`), in the manner of Google Benchmark's
// compare.py: per theory the change of rank, error and runtime, each with whether it is beyond
// noise; per cell what changed; per stage the change of runtime.
//
// A run is a run id in the history database or a results folder (its leaderboard.json). Both are
// scored with today's BuildLeaderboard, so a rank change comes from the cells, not from a change
// of the ranking rule.
//
// Noise, pinned down:
// - A cell's exponent error |predicted - measured| changes beyond noise when the change exceeds
//   twice its standard error: sqrt of the sum of the squared standard errors of each side that
//   changed (measured: 95% CI half-width / 1.96, from the fit's bootstrap; predicted: the same
//   from the theory's interval, 0 without one). A side that did not change adds no noise, so a
//   deterministic change (a new formula on the same curve) is always beyond noise.
// - A theory's error change is the mean change over the cells it scored in both runs, beyond noise
//   when it exceeds twice sqrt(sum of the cells' variances) / n.
// - A theory's predict time changes beyond noise when the 95% interval of the mean per-cell log
//   ratio (t over the common cells) excludes 0 and the total changes by more than 10% and by more
//   than 1 ms (below that, timer and cache effects dominate).
// - Stage times are single measurements: shown, not judged.
//
// Usage:
//   ComparedRun a, b;
//   if (!LoadComparedRun("12", db, &a, &error) || !LoadComparedRun("out", db, &b, &error)) ...
//   PrintComparison(CompareRuns(a, b), std::cout);
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "harness/score/score.h"
#include "harness/store/history_store.h"

namespace scalebench {

struct ComparedRun {
  std::string label;  // "run 12 (db)" or the folder
  RunInfo info;       // a folder's: from its leaderboard.json context
  std::vector<Cell> cells;
  std::map<std::string, double> stage_seconds;  // empty for a folder
};

// `what`: all digits = a run id in `db`; otherwise a folder holding leaderboard.json. False with
// *error naming the run or file and what is wrong.
bool LoadComparedRun(const std::string& what,
                     const std::string& db,
                     ComparedRun* run,
                     std::string* error);

struct TheoryChange {
  std::string theory;
  int rank_a = 0, rank_b = 0;   // 0: unranked or absent
  double mae_a = 0, mae_b = 0;  // each run's own MAE (NaN when nothing scored)
  int common_cells = 0;         // scored in both runs
  double error_change = 0;      // mean change of |err| over the common cells
  double error_noise = 0;       // its standard error
  bool error_beyond_noise = false;
  double predict_seconds_a = 0, predict_seconds_b = 0;  // over the cells present in both
  bool runtime_beyond_noise = false;
};

struct CellChange {
  const Cell* a = nullptr;  // nullptr: the cell is new in B
  const Cell* b = nullptr;  // nullptr: the cell is gone in B
  double error_change = 0;  // |err| B - A when both are scored, else NaN
  double noise = 0;
  bool beyond_noise = false;  // or a change of status
};

struct RunComparison {
  const ComparedRun* a = nullptr;
  const ComparedRun* b = nullptr;
  std::vector<TheoryChange> theories;  // in B's ranking order, then theories only in A
  std::vector<CellChange> cells;       // cells whose status, prediction or measurement changed
  int unchanged_cells = 0;
};

// `a` and `b` must outlive the result.
RunComparison CompareRuns(const ComparedRun& a, const ComparedRun& b);

void PrintComparison(const RunComparison& comparison, std::ostream& out);

}  // namespace scalebench
