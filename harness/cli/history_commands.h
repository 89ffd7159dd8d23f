// `scalebench history`, `show` and `compare`: the run database (harness/store/history_store.h)
// and result folders read back. See commands.h for the conventions.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace scalebench {

// `history [--theory NAME] [--suite NAME]`: the runs (each with its seconds per stage: probe,
// train, fit, predict, report) and each theory's error trend; `suite` non-empty: only that
// suite's runs.
int HistoryCommand(const std::string& db,
                   const std::string& theory,
                   const std::string& suite,
                   std::ostream& out,
                   std::ostream& err);
// `compare RUN_A RUN_B`: each a run id in `db` or a results folder (harness/report/compare.h).
int CompareCommand(const std::string& db,
                   const std::string& run_a,
                   const std::string& run_b,
                   std::ostream& out,
                   std::ostream& err);
// `show RUN_ID`: the stored leaderboard, fits and runtimes of one run.
int ShowCommand(const std::string& db, std::int64_t run_id, std::ostream& out, std::ostream& err);

}  // namespace scalebench
