// Publishing a run: its report files (LEADERBOARD.md, leaderboard.json, report.html) and its record
// in the history database, in an order that keeps the two in agreement.
//
// 1. Every file is written into a staging folder inside the results folder (.staging-<pid>).
// 2. The run is recorded in the history, as "ok" only when it had no failure and step 1 wrote
//    every file; a failed run is recorded with its reasons (RunInfo::error).
// 3. The staged files are renamed over the published ones (one atomic rename each).
// So:
// - a file that cannot be written: the run is recorded as failed and the results folder is left
//   as it was;
// - a history that cannot be opened or written: the results folder is left as it was too, and the
//   staged files are kept in <results>/unrecorded/ (named in the failure), so nothing computed is
//   lost;
// - a rename that fails after the run was recorded: the recorded run is marked failed.
//
// Usage (the runner):
//   PublishOptions options;  options.results_dir = "out";  options.db_path = "out/history.sqlite";
//   PublishResult result;
//   if (!PublishRun(options, context, board, curves, &record, &result)) report(result.failures);
#pragma once

#include <string>
#include <vector>

#include "harness/report/html_report.h"
#include "harness/report/reporter.h"
#include "harness/score/score.h"
#include "harness/store/history_store.h"

namespace scalebench {

struct PublishOptions {
  std::string results_dir = "out";
  std::string db_path = "out/history.sqlite";
  HtmlReportOptions html;
  // The history charts show at most this many earlier runs of the same suite.
  int history_runs = 50;
};

struct PublishResult {
  std::vector<std::string> published;  // paths now holding this run's files
  std::vector<std::string> failures;   // one line each; empty when everything was published
};

// The files of a run: (reporter name, file name inside the results folder).
const std::vector<std::pair<std::string, std::string>>& RunOutputFiles();

// Writes, records and publishes as described above. `record` holds the run (cells, fits,
// runtimes) with info.status "ok" or "failed" and info.error; its status and error are updated
// and info.id is set when it was recorded. Returns true when the run was recorded as "ok" and
// every file was published.
bool PublishRun(const PublishOptions& options,
                const ReportContext& context,
                const Leaderboard& board,
                std::vector<ReportCurve> curves,
                RunRecord* record,
                PublishResult* result);

}  // namespace scalebench
