// Console reports. "console": the short verdict for the terminal (the ranking with its tie
// groups, who is preliminary or not comparable, the Bradley-Terry check and the validation
// count). "cells": one line per cell (what `scalebench run --cells` adds).
#include <fmt/core.h>

#include <cmath>

#include "harness/report/reporters_internal.h"
#include "harness/report/table.h"

namespace scalebench {
namespace {

std::string Names(const Ranking& ranking, Standing standing) {
  std::string out;
  for (const RankEntry& e : ranking.entries) {
    if (e.standing == standing) out += (out.empty() ? "" : ", ") + e.theory;
  }
  return out;
}

class ConsoleReporter final : public LeaderboardReporter {
 public:
  bool Report(const ReportContext& context,
              const Leaderboard& board,
              std::ostream& out) const override {
    out << "scalebench leaderboard  suite: " << context.suite << "  commit: " << context.git_commit
        << (context.git_dirty ? " (uncommitted changes)" : "") << "  date: " << context.date
        << "\n\n";
    const Ranking& ranking = board.ranking;
    internal::RankTable(board).Print(out);
    out << "\ntie groups: " << internal::TieGroupText(ranking) << "\n";
    const std::string preliminary = Names(ranking, Standing::kPreliminary);
    if (!preliminary.empty()) {
      out << fmt::format("preliminary (< {} compared cells or < {} families): ",
                         ranking.options.min_cells,
                         ranking.options.min_families)
          << preliminary << "\n";
    }
    const std::string apart = Names(ranking, Standing::kNotComparable);
    if (!apart.empty()) out << "not comparable (no cell shared with the others): " << apart << "\n";
    if (ranking.bt_disagreements.empty()) {
      out << "Bradley-Terry check: agrees with the ranks\n";
    } else {
      out << "Bradley-Terry check: DISAGREES: ";
      for (std::size_t i = 0; i < ranking.bt_disagreements.size(); ++i)
        out << (i ? "; " : "") << ranking.bt_disagreements[i];
      out << "\n";
    }
    int home = 0, scored = 0, validated = 0;
    for (const Cell& c : board.cells) {
      if (!c.home) continue;
      ++home;
      scored += c.scored();
      validated += c.scored() && c.validated;
    }
    out << fmt::format(
        "validation on home targets (never ranked): {} of {} scored home cells pass (inside the "
        "measured CI or the target's allowance); {} home cells not scored\n",
        validated,
        scored,
        home - scored);
    return static_cast<bool>(out);
  }
};

class CellsReporter final : public LeaderboardReporter {
 public:
  bool Report(const ReportContext&, const Leaderboard& board, std::ostream& out) const override {
    Table table({"theory",
                 "target",
                 "axis",
                 "home",
                 "predicted",
                 "measured [CI]",
                 "|err|",
                 "z",
                 "consistent",
                 "curve err",
                 "status"});
    for (const Cell& c : board.cells) {
      const bool predicted = c.status == PredictionStatus::kPredicted;
      table.AddRow({c.theory,
                    c.target,
                    ToString(c.axis),
                    c.home ? "home" : "",
                    predicted ? FormatEstimate(c.predicted) : "-",
                    FormatWithInterval(c.measured, c.measured_ci),
                    FormatNumber(c.abs_error),
                    FormatNumber(c.z, 2),
                    c.scored() && !std::isnan(c.z) ? (c.consistent ? "yes" : "no") : "-",
                    FormatNumber(c.curve_error),
                    CellStatusText(c)});
    }
    table.Print(out);
    return static_cast<bool>(out);
  }
};

}  // namespace

std::unique_ptr<LeaderboardReporter> internal::MakeConsoleReporter() {
  return std::make_unique<ConsoleReporter>();
}

std::unique_ptr<LeaderboardReporter> internal::MakeCellsReporter() {
  return std::make_unique<CellsReporter>();
}

}  // namespace scalebench
