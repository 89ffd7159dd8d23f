#include "harness/report/reporters_internal.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace scalebench::internal {
namespace {

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string NullsText(const TheoryRow& row) {
  if (row.nulls_compared == 0) return "-";
  if (row.nulls_not_beaten.empty()) return "yes";
  return "no: " + Join(row.nulls_not_beaten, ", ");
}

std::string CellsText(const RankEntry& e) {
  if (e.standing == Standing::kUnscored) return "-";
  return std::to_string(e.cells) + " (" + std::to_string(e.families) + ")";
}

}  // namespace

std::string RankText(const RankEntry& entry) {
  switch (entry.standing) {
    case Standing::kRanked:
      return std::to_string(entry.rank);
    case Standing::kPreliminary:
      return "prelim";
    case Standing::kNotComparable:
      return "n/c";
    case Standing::kUnscored:
      break;
  }
  return "-";
}

std::string TieGroupText(const Ranking& ranking) {
  std::vector<std::string> groups;
  for (const auto& group : ranking.TieGroups()) {
    groups.push_back(std::to_string(ranking.Find(group.front())->rank) + ": " + Join(group, ", "));
  }
  return groups.empty() ? "none ranked" : Join(groups, "; ");
}

std::string RankingLegend(const Ranking& ranking) {
  const RankingOptions& o = ranking.options;
  return fmt::format(
      "Rank = 1 + the number of ranked theories significantly better, on away cells only (home "
      "cells are validation). Two theories are compared on the cells both predicted, by the mean "
      "|err| difference with every dataset family weighing the same; significant = the {:.0f}% "
      "interval of a {}-replicate bootstrap (families, cells within them, and each measured "
      "exponent redrawn from its standard error; seed {}) excludes 0, on at least {} families. "
      "Fewer than {} compared cells or {} families: preliminary (listed, never ranked above "
      "anyone); no shared cell with the main group: not comparable (n/c). cells (fam): compared "
      "cells and their dataset families; vs: theories compared with; consistent: share of away "
      "cells with |z| < 2; |err|: family-weighted mean |predicted - measured| over away cells; "
      "beats nulls: better than every null reference on the cells both scored (home included); "
      "BT: Bradley-Terry rank (sensitivity check); home pass: validated / scored home cells.",
      100.0 * o.confidence,
      o.bootstrap_resamples,
      o.seed,
      o.min_families,
      o.min_cells,
      o.min_families);
}

Table RankTable(const Leaderboard& board) {
  Table table({"rank",
               "theory",
               "cells (fam)",
               "vs",
               "beats",
               "beaten by",
               "consistent",
               "|err|",
               "beats nulls",
               "BT",
               "coverage",
               "home pass",
               "failed"});
  for (const TheoryRow& r : board.rows) {
    const RankEntry& e = r.ranking;
    const bool compared = e.standing != Standing::kUnscored;
    table.AddRow({RankText(e),
                  r.theory + (r.is_null ? " (null)" : ""),
                  CellsText(e),
                  compared ? std::to_string(e.opponents) : "-",
                  compared ? std::to_string(e.beats) : "-",
                  compared ? std::to_string(e.beaten_by) : "-",
                  FormatShare(e.consistent_share),
                  FormatNumber(e.weighted_abs_error),
                  r.is_null ? "(null)" : NullsText(r),
                  e.bt_rank > 0 ? std::to_string(e.bt_rank) : "-",
                  FormatFraction(r.cells_applicable, r.cells_total),
                  r.home_scored > 0 ? FormatFraction(r.home_validated, r.home_scored) : "-",
                  std::to_string(r.cells_failed)});
  }
  return table;
}

Table TrackTable(const Ranking& ranking) {
  Table table({"rank", "theory", "cells (fam)", "beaten by", "consistent", "|err|"});
  for (const RankEntry& e : ranking.entries) {
    table.AddRow({RankText(e),
                  e.theory,
                  CellsText(e),
                  std::to_string(e.beaten_by),
                  FormatShare(e.consistent_share),
                  FormatNumber(e.weighted_abs_error)});
  }
  return table;
}

std::string ValidationText(const Cell& cell) {
  if (!cell.scored()) return "not scored: " + CellStatusText(cell);
  if (cell.inside_ci) return "pass (inside CI)";
  if (cell.validated) return "pass (within allowance " + FormatNumber(cell.allowance, 3) + ")";
  return "FAIL";
}

Table ValidationTable(const Leaderboard& board) {
  std::vector<const Cell*> home;
  for (const Cell& c : board.cells) {
    if (c.home) home.push_back(&c);
  }
  std::stable_sort(home.begin(), home.end(), [](const Cell* a, const Cell* b) {
    return a->theory < b->theory;  // board.cells is already by target and axis
  });
  Table table({"theory",
               "target",
               "axis",
               "predicted",
               "measured [CI]",
               "|err|",
               "z",
               "allowance",
               "result"});
  for (const Cell* c : home) {
    const bool predicted = c->status == PredictionStatus::kPredicted;
    table.AddRow({c->theory,
                  c->target,
                  ToString(c->axis),
                  predicted ? FormatEstimate(c->predicted) : "-",
                  FormatWithInterval(c->measured, c->measured_ci),
                  FormatNumber(c->abs_error),
                  FormatNumber(c->z, 2),
                  FormatNumber(c->allowance),
                  ValidationText(*c)});
  }
  return table;
}

Table PairTable(const Ranking& ranking) {
  Table table({"a", "b", "cells", "families", "|err| a - b [interval]", "a closer", "verdict"});
  for (const PairComparison& p : ranking.pairs) {
    std::string verdict = "tie";
    if (p.better < 0) verdict = p.a + " better";
    if (p.better > 0) verdict = p.b + " better";
    if (p.better == 0 && p.families < ranking.options.min_families)
      verdict = "one family: no claim";
    table.AddRow({p.a,
                  p.b,
                  std::to_string(p.cells),
                  std::to_string(p.families),
                  FormatWithInterval(p.difference, p.interval),
                  FormatShare(p.share_a_closer),
                  verdict});
  }
  return table;
}

Table OracleTheoryTable(const Leaderboard& board) {
  Table table({"theory", "cells", "theory error", "estimation error"});
  for (const TheoryRow& r : board.rows) {
    if (r.oracle_cells == 0) continue;
    table.AddRow({r.theory,
                  std::to_string(r.oracle_cells),
                  FormatNumber(r.mean_theory_error),
                  FormatNumber(r.mean_estimation_error)});
  }
  return table;
}

Table OracleCellTable(const Leaderboard& board) {
  Table table({"theory",
               "target",
               "axis",
               "predicted (probes)",
               "predicted (oracle)",
               "measured",
               "theory error",
               "estimation error"});
  for (const Cell& c : board.cells) {
    if (!c.has_oracle || c.oracle_status != PredictionStatus::kPredicted) continue;
    const bool predicted = c.status == PredictionStatus::kPredicted;
    table.AddRow({c.theory,
                  c.target,
                  ToString(c.axis),
                  predicted ? FormatEstimate(c.predicted) : "-",
                  FormatEstimate(c.oracle_predicted),
                  FormatWithInterval(c.measured, c.measured_ci),
                  FormatNumber(c.theory_error),
                  FormatNumber(c.estimation_error)});
  }
  return table;
}

Table JointFitTable(const Leaderboard& board) {
  Table table({"target", "points", "a (N)", "b (D)", "E", "N* ~ C^", "D* ~ C^", "fit"});
  for (const JointFitNote& n : board.joint_fits) {
    const JointFitSummary& f = n.fit;
    table.AddRow({n.target,
                  std::to_string(f.num_points),
                  FormatWithInterval(f.params_exponent, f.params_exponent_ci),
                  FormatWithInterval(f.data_exponent, f.data_exponent_ci),
                  FormatWithInterval(f.offset, f.offset_ci),
                  FormatWithInterval(f.params_allocation, f.params_allocation_ci),
                  FormatWithInterval(f.data_allocation, f.data_allocation_ci),
                  std::string(ToString(f.status)) +
                      (f.status == FitStatus::kConverged ? "" : " (" + f.message + ")")});
  }
  return table;
}

}  // namespace scalebench::internal
