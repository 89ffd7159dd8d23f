// Leaderboard reporters: console (the short verdict: ranking, tie groups, validation count),
// cells (the per-cell table for the terminal), markdown (LEADERBOARD.md), json (the canonical,
// machine-readable leaderboard.json), csv (cells.csv, one tidy row per cell for pandas) and html
// (report.html, see html_report.h). All take the same ReportContext (when, where and how the run
// was made) and Leaderboard.
//
// Usage:
//   ReportContext context = CurrentReportContext();
//   context.suite = "default";  context.command = "scalebench run";  context.config_hash = ...;
//   std::string error;
//   auto reporter = CreateReporter("markdown", &error);  // unknown name: error lists valid ones
//   reporter->Report(context, board, std::cout);
//   WriteReportFile("json", "results/leaderboard.json", context, board, &error);  // atomic
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "harness/score/score.h"

namespace scalebench {

struct ReportContext {
  int json_schema_version = 3;  // 2: the verdict (ranking, validation, oracle split); 3: joint_fits
  std::string date;             // ISO 8601 UTC
  std::string host;
  std::string git_commit;  // full hash of the source tree's HEAD; "unknown" outside git
  bool git_dirty = false;  // tracked files differed from that commit when the run started
  std::string build_type;  // "release" (NDEBUG) or "debug"
  std::string suite;
  std::string command;  // the command line that reproduces the results
  std::string config_hash;
  double seconds = 0.0;  // wall time of the run
};

// Fills date (now, ISO 8601 UTC), host, git_commit (`git rev-parse HEAD` of the source tree,
// "unknown" outside git), git_dirty (tracked files differ from it) and build_type; the other
// fields are the caller's.
ReportContext CurrentReportContext();

class LeaderboardReporter {
 public:
  LeaderboardReporter() = default;
  LeaderboardReporter(const LeaderboardReporter&) = delete;
  LeaderboardReporter& operator=(const LeaderboardReporter&) = delete;
  virtual ~LeaderboardReporter() = default;
  // Writes the report; false if the stream failed.
  virtual bool Report(const ReportContext& context,
                      const Leaderboard& board,
                      std::ostream& out) const = 0;
};

// "cells", "console", "csv", "html" (without curves or history; see html_report.h), "json" or
// "markdown"; nullptr + "Unknown reporter 'x'. Valid reporters: ..." else, or the reporter's own
// error.
std::unique_ptr<LeaderboardReporter> CreateReporter(const std::string& name, std::string* error);
std::vector<std::string> ReporterNames();

// Writes the report of reporter `format` to `out`; false for an unknown format or a failed stream.
bool WriteReport(const std::string& format,
                 const ReportContext& context,
                 const Leaderboard& board,
                 std::ostream& out);
// Writes it to `path` through a temporary file and a rename, creating the parent directory;
// false with *error naming the path when that fails.
bool WriteReportFile(const std::string& format,
                     const std::string& path,
                     const ReportContext& context,
                     const Leaderboard& board,
                     std::string* error);

// Human-readable status of a cell: "ok", "n/a: <reason>", "FAILED: <reason>", or
// "unscored: fit <status>" for a prediction whose measured fit is unusable, followed by
// " (<diagnosis>)" when the fit is not identifiable (FitDiagnosis::Brief()).
std::string CellStatusText(const Cell& cell);

}  // namespace scalebench
