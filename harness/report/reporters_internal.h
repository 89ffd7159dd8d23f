// Internal to harness/report: factories of the built-in reporters, used by CreateReporter.
#pragma once

#include <memory>

#include "harness/report/reporter.h"
#include "harness/report/table.h"

namespace scalebench::internal {

std::unique_ptr<LeaderboardReporter> MakeConsoleReporter();
std::unique_ptr<LeaderboardReporter> MakeMarkdownReporter();
std::unique_ptr<LeaderboardReporter> MakeJsonReporter();

// The ranked table (one row per theory) shown by the console and markdown reporters.
Table RankTable(const Leaderboard& board);

}  // namespace scalebench::internal
