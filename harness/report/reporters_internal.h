// Internal to harness/report: factories of the built-in reporters, used by CreateReporter, and
// the tables of the verdict that the console and markdown reporters share.
#pragma once

#include <memory>
#include <string>

#include "harness/report/reporter.h"
#include "harness/report/table.h"

namespace scalebench::internal {

std::unique_ptr<LeaderboardReporter> MakeConsoleReporter();
std::unique_ptr<LeaderboardReporter> MakeCellsReporter();
std::unique_ptr<LeaderboardReporter> MakeCsvReporter();
std::unique_ptr<LeaderboardReporter> MakeMarkdownReporter();
std::unique_ptr<LeaderboardReporter> MakeJsonReporter();

// The overall ranking (one row per theory, in ranking order) shown by console and markdown.
Table RankTable(const Leaderboard& board);
// One track's ranking (rank, theory, cells, families, beaten by, consistent, |err|).
Table TrackTable(const Ranking& ranking);
// Every home cell: prediction, measurement, allowance and the validation result.
Table ValidationTable(const Leaderboard& board);
// Pairwise comparisons of the overall ranking.
Table PairTable(const Ranking& ranking);
// The oracle split: per theory (aggregates) and per cell; empty when no cell has an oracle.
Table OracleTheoryTable(const Leaderboard& board);
Table OracleCellTable(const Leaderboard& board);
// The joint (N, D) fits, one row per target (markdown and HTML); empty when there are none.
Table JointFitTable(const Leaderboard& board);
// What the joint fit table shows, one sentence (markdown and HTML).
inline constexpr char kJointFitLegend[] =
    "L(N, D) = E + A N^-a + B D^-b fitted to every (N, D, seed) point of the params axis's grid "
    "(Hoffmann et al. 2022, Approach 3; bootstrap over points, 95% intervals); the "
    "compute-optimal allocation at C = 6 N D is N* ~ C^(b/(a+b)), D* ~ C^(a/(a+b)).";

// "1", "prelim", "n/c" or "-" for a ranking entry.
std::string RankText(const RankEntry& entry);
// Tie groups of a ranking, "1: a, b; 3: c"; "none ranked" when empty.
std::string TieGroupText(const Ranking& ranking);
// The validation result of a home cell: "pass (inside CI)", "pass (within allowance 0.05)",
// "FAIL", or "not scored: <status>".
std::string ValidationText(const Cell& cell);
// One paragraph: how the rank was computed, with the options used (markdown and console).
std::string RankingLegend(const Ranking& ranking);

}  // namespace scalebench::internal
