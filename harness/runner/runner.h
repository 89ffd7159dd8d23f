// The suite runner: for each selected target, measure its profile (probes), train or load from
// the cache its learning curves, fit them, run every selected theory on the profile, score,
// report, and record the run in the history database.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace scalebench {

struct RunOptions {
  std::string suite = "default";      // which targets when `targets` is empty
  std::vector<std::string> theories;  // empty: every registered theory
  std::vector<std::string> targets;   // empty: the suite's targets
  int seeds = 0;                      // 0: each design's own seed count
  int threads = 2;                    // threads each run may use (OpenMP, BLAS)
  int jobs = 1;                       // runs executed at once (harness/runner/run_loop.h)
  int bootstrap_resamples = 1000;
  bool quiet = false;                   // no progress lines
  bool print_cells = false;             // also print the per-cell table (`run --cells`)
  bool use_cache = true;                // reuse cached curves and profiles
  std::string results_dir = "results";  // LEADERBOARD.md and leaderboard.json go here
  // Finished runs and profiles are written into cache_dir (read first) and read from the
  // committed cache after it ("": none). A run writes into an untracked folder unless asked to
  // regenerate the committed cache (cache_dir = "results/cache").
  std::string cache_dir = "out/cache";
  std::string committed_cache_dir = "results/cache";
  std::string db_path = "results/history.sqlite";
  std::string command_line;  // recorded with the run

  bool IsValid(std::string* error) const;
};

// Returns the process exit code: 0 success, 2 usage error (unknown theory/target/suite, invalid
// option), 1 run-time failure (e.g. unwritable output). Progress goes to `progress` (unless
// quiet); the verdict (ranking, tie groups, validation count, the files written) to `out`;
// errors are described in *error. Writes LEADERBOARD.md, leaderboard.json and cells.csv.
int RunSuite(const RunOptions& options,
             std::ostream& out,
             std::ostream& progress,
             std::string* error);
// The same with progress and verdict on one stream.
int RunSuite(const RunOptions& options, std::ostream& out, std::string* error);

}  // namespace scalebench
