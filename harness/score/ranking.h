// A fair ranking of theories that predict on different cells, with significance.
//
// Input: one RankInput per (theory, cell) that the theory predicted and whose measured exponent
// is usable (away cells only: the caller keeps home cells out). Nothing is imputed: a theory is
// compared with another only on their common support, the cells both predicted.
//
// Method (RankTheories):
// 1. Pairwise difference. For theories a, b with common support C, the statistic is
//      D(a, b) = sum_f w_f * mean_{k in C_f} (|p_ak - m_k| - |p_bk - m_k|) / sum_f w_f,
//    the mean |error| difference with each dataset family f weighing the same (w_f = 1), so that
//    eight variants of one toy do not outweigh two real corpora. D < 0: a is closer.
// 2. Bootstrap. A two-level Bayesian bootstrap (Rubin 1981) over families, then cells within a
//    family: each replicate draws a weight Exp(1) per family and per cell (so the normalised
//    weights of any subset are Dirichlet), and redraws every measured exponent from its own
//    uncertainty, m_k* = m_k + se_k N(0, 1). The draws are made once per replicate for all
//    cells and shared by every pair (common random numbers): identical predictions therefore get
//    identical comparisons, and the result depends on the seed only, never on the thread count.
// 3. Significance. a is significantly better than b when D* < 0 in at least (1 + confidence) / 2
//    of the replicates (0.975: the 95% percentile interval excludes 0) and the common support
//    spans at least `min_families` families (a difference seen in one family is not evidence
//    across families).
// 4. Standing. The comparison graph joins two theories that share a cell; theories outside its
//    largest component are kNotComparable. A theory compared on fewer than `min_cells` cells or
//    `min_families` families is kPreliminary (LMArena's minimum before ranking): listed with its
//    numbers, never ranked above anyone. The others are kRanked with
//      rank = 1 + the number of ranked theories significantly better,
//    so theories that no one separates share a rank (a tie group).
// 5. Sensitivity. A Bradley-Terry fit (minorisation-maximisation, Hunter 2004) on per-cell
//    wins (the smaller |error| wins; within the measured se it is a draw), each family of a pair's
//    support worth one game, with half a draw against a reference player as a prior so that
//    unbeaten theories stay finite. Ranked pairs that the rank orders one way and Bradley-Terry
//    the other are listed as disagreements.
//
// Usage:
//   RankingOptions options;  // 2000 replicates, seed 1, 95%, 10 cells and 2 families minimum
//   Ranking ranking = RankTheories(inputs, options, "all");
//   for (const RankEntry& e : ranking.entries) ...;  // ranked first, by rank
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"

namespace scalebench {

struct RankingOptions {
  // Bootstrap replicates; 0 computes the point estimates only (no theory is then significantly
  // better than another, so every ranked theory has rank 1).
  int bootstrap_resamples = 2000;
  std::uint64_t seed = 1;
  double confidence = 0.95;  // two-sided, in (0, 1)
  // LMArena-style minimum before a theory is ranked: compared cells and dataset families.
  int min_cells = 10;
  int min_families = 2;

  // Ceres-style validation: names the field, its value and the violated constraint.
  bool IsValid(std::string* error) const;
};

// One theory's prediction on one cell, as the ranking sees it.
struct RankInput {
  std::string theory;
  std::string cell;    // what two theories are compared on, e.g. "target [axis]"
  std::string family;  // dataset family: weight and bootstrap cluster
  double measured = std::numeric_limits<double>::quiet_NaN();
  double se_measured = 0.0;  // <= 0 or NaN: no redraw
  double predicted = std::numeric_limits<double>::quiet_NaN();
  double z = std::numeric_limits<double>::quiet_NaN();  // for the consistent share
};

enum class Standing {
  kRanked,         // enough comparisons: has a rank
  kPreliminary,    // fewer than min_cells cells or min_families families: no rank
  kNotComparable,  // outside the largest component of the comparison graph: no rank
  kUnscored,       // no cell to compare on (set by callers; RankTheories never returns it)
};
const char* ToString(Standing standing);

struct RankEntry {
  std::string theory;
  Standing standing = Standing::kUnscored;
  int rank = 0;       // kRanked only: 1 + ranked theories significantly better
  int cells = 0;      // cells shared with at least one other theory
  int families = 0;   // dataset families among them
  int opponents = 0;  // theories it shares at least one cell with
  int beaten_by = 0;  // theories (any standing) significantly better
  int beats = 0;      // theories (any standing) it is significantly better than
  double weighted_abs_error = std::numeric_limits<double>::quiet_NaN();  // family-weighted mean
  double consistent_share = std::numeric_limits<double>::quiet_NaN();    // |z| < 2, cells with a z
  double bt_strength = std::numeric_limits<double>::quiet_NaN();         // log strength, mean 0
  int bt_rank = 0;  // 1 + theories with a larger Bradley-Terry strength (comparable ones)
};

struct PairComparison {
  std::string a, b;  // a < b by name
  int cells = 0;
  int families = 0;
  double difference = std::numeric_limits<double>::quiet_NaN();  // D(a, b); < 0: a closer
  Interval interval;  // bootstrap percentile interval of D at the ranking's confidence
  double share_a_closer = std::numeric_limits<double>::quiet_NaN();  // replicates with D* < 0
  int better = 0;  // -1: a significantly better, +1: b, 0: neither
};

struct Ranking {
  std::string track;  // "all", or the realism the cells were restricted to
  RankingOptions options;
  std::vector<RankEntry> entries;     // ranked (by rank), preliminary, not comparable
  std::vector<PairComparison> pairs;  // every pair with a common cell, sorted by (a, b)
  // Ranked pairs ordered one way by rank and the other by Bradley-Terry ("a above b by rank,
  // below by Bradley-Terry"); empty when the two agree.
  std::vector<std::string> bt_disagreements;

  // Ranked theories grouped by rank (a group of several is a tie), best first.
  std::vector<std::vector<std::string>> TieGroups() const;
  const RankEntry* Find(const std::string& theory) const;
};

// Ranks the theories in `inputs` (see the file comment). A theory appearing twice on one cell
// is a programmer error. Invalid options are a programmer error (check IsValid first).
Ranking RankTheories(const std::vector<RankInput>& inputs,
                     const RankingOptions& options,
                     const std::string& track);

}  // namespace scalebench
