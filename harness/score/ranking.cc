#include "harness/score/ranking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <tuple>
#include <utility>

namespace scalebench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The ranking problem in index form: theories and cells sorted, cells grouped by family.
struct Problem {
  std::vector<std::string> theories;
  std::vector<std::string> cells;  // sorted by (family, name)
  std::vector<int> family_of;      // per cell
  std::vector<std::string> family_names;
  std::vector<double> measured, se;
  std::vector<std::vector<double>> predicted;  // [theory][cell], NaN where not predicted
  std::vector<std::vector<double>> z;
};

Problem BuildProblem(const std::vector<RankInput>& inputs) {
  Problem p;
  std::map<std::string, std::string> family;   // cell -> family
  std::map<std::string, double> measured, se;  // cell -> value
  std::set<std::string> theories;
  for (const RankInput& in : inputs) {
    theories.insert(in.theory);
    family[in.cell] = in.family;
    measured[in.cell] = in.measured;
    se[in.cell] = std::isfinite(in.se_measured) && in.se_measured > 0 ? in.se_measured : 0.0;
  }
  p.theories.assign(theories.begin(), theories.end());
  std::vector<std::pair<std::string, std::string>> cells;  // (family, cell)
  for (const auto& [cell, f] : family) cells.push_back({f, cell});
  std::sort(cells.begin(), cells.end());
  std::map<std::string, int> cell_index;
  for (const auto& [f, cell] : cells) {
    if (p.family_names.empty() || p.family_names.back() != f) p.family_names.push_back(f);
    cell_index[cell] = static_cast<int>(p.cells.size());
    p.cells.push_back(cell);
    p.family_of.push_back(static_cast<int>(p.family_names.size()) - 1);
    p.measured.push_back(measured[cell]);
    p.se.push_back(se[cell]);
  }
  std::map<std::string, int> theory_index;
  for (std::size_t i = 0; i < p.theories.size(); ++i) theory_index[p.theories[i]] = i;
  p.predicted.assign(p.theories.size(), std::vector<double>(p.cells.size(), kNaN));
  p.z = p.predicted;
  for (const RankInput& in : inputs) {
    const int t = theory_index[in.theory];
    const int k = cell_index[in.cell];
    p.predicted[t][k] = in.predicted;
    p.z[t][k] = in.z;
  }
  return p;
}

bool Has(const Problem& p, int t, int k) {
  return !std::isnan(p.predicted[t][k]);
}

// Bootstrap draws shared by every pair: per replicate a weight per family and per cell, and a
// standard normal per cell for the measured exponent.
struct Draws {
  int replicates = 0;
  std::vector<double> family_weight;  // [b * families + f]
  std::vector<double> cell_weight;    // [b * cells + k]
  std::vector<double> noise;          // [b * cells + k]
};

Draws MakeDraws(const Problem& p, const RankingOptions& options) {
  Draws d;
  d.replicates = options.bootstrap_resamples;
  const std::size_t families = p.family_names.size(), cells = p.cells.size();
  std::mt19937_64 rng(options.seed);
  std::exponential_distribution<double> exponential(1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  d.family_weight.resize(d.replicates * families);
  d.cell_weight.resize(d.replicates * cells);
  d.noise.resize(d.replicates * cells);
  for (int b = 0; b < d.replicates; ++b) {
    for (std::size_t f = 0; f < families; ++f) d.family_weight[b * families + f] = exponential(rng);
    for (std::size_t k = 0; k < cells; ++k) {
      d.cell_weight[b * cells + k] = exponential(rng);
      d.noise[b * cells + k] = normal(rng);
    }
  }
  return d;
}

// D(a, b) on the common support `support` (cell indices, grouped by family) with the given
// family and cell weights (null: all 1) and measured-exponent noise (null: none).
double Difference(const Problem& p,
                  int a,
                  int b,
                  const std::vector<int>& support,
                  const double* family_weight,
                  const double* cell_weight,
                  const double* noise) {
  double numerator = 0.0, denominator = 0.0;
  std::size_t i = 0;
  while (i < support.size()) {
    const int f = p.family_of[support[i]];
    double weight_sum = 0.0, weighted = 0.0;
    for (; i < support.size() && p.family_of[support[i]] == f; ++i) {
      const int k = support[i];
      const double m = p.measured[k] + (noise ? p.se[k] * noise[k] : 0.0);
      const double d = std::abs(p.predicted[a][k] - m) - std::abs(p.predicted[b][k] - m);
      const double w = cell_weight ? cell_weight[k] : 1.0;
      weight_sum += w;
      weighted += w * d;
    }
    const double fw = family_weight ? family_weight[f] : 1.0;
    numerator += fw * weighted / weight_sum;
    denominator += fw;
  }
  return numerator / denominator;
}

// Linear interpolation between order statistics (type 7) of sorted values.
double Quantile(const std::vector<double>& sorted, double q) {
  const double h = q * (sorted.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

PairComparison Compare(const Problem& p,
                       const Draws& draws,
                       const RankingOptions& options,
                       int a,
                       int b,
                       const std::vector<int>& support) {
  PairComparison c;
  c.a = p.theories[a];
  c.b = p.theories[b];
  c.cells = static_cast<int>(support.size());
  std::set<int> families;
  for (int k : support) families.insert(p.family_of[k]);
  c.families = static_cast<int>(families.size());
  c.difference = Difference(p, a, b, support, nullptr, nullptr, nullptr);
  if (draws.replicates == 0) return c;
  const std::size_t nf = p.family_names.size(), nk = p.cells.size();
  std::vector<double> replicate(draws.replicates);
  int a_closer = 0, b_closer = 0;
  for (int r = 0; r < draws.replicates; ++r) {
    replicate[r] = Difference(p,
                              a,
                              b,
                              support,
                              &draws.family_weight[r * nf],
                              &draws.cell_weight[r * nk],
                              &draws.noise[r * nk]);
    if (replicate[r] < 0) ++a_closer;
    if (replicate[r] > 0) ++b_closer;
  }
  std::sort(replicate.begin(), replicate.end());
  c.interval = {Quantile(replicate, (1.0 - options.confidence) / 2.0),
                Quantile(replicate, (1.0 + options.confidence) / 2.0)};
  c.share_a_closer = static_cast<double>(a_closer) / draws.replicates;
  const double needed = (1.0 + options.confidence) / 2.0 * draws.replicates;
  if (c.families >= options.min_families) {
    if (a_closer >= needed) c.better = -1;
    if (b_closer >= needed) c.better = +1;
  }
  return c;
}

// Theories in the largest component of the comparison graph (ties: more cells, then the
// smallest name).
std::vector<bool> MainComponent(const Problem& p, const std::vector<PairComparison>& pairs) {
  const int n = static_cast<int>(p.theories.size());
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::map<std::string, int> index;
  for (int i = 0; i < n; ++i) index[p.theories[i]] = i;
  for (const PairComparison& c : pairs) parent[find(index[c.a])] = find(index[c.b]);
  std::map<int, std::tuple<int, int, int>> score;  // root -> (size, cells, -smallest index)
  for (int i = 0; i < n; ++i) {
    auto& [size, cells, smallest] = score[find(i)];
    if (size == 0) smallest = -i;
    ++size;
    for (std::size_t k = 0; k < p.cells.size(); ++k) cells += Has(p, i, k);
  }
  int best = -1;
  for (const auto& [root, s] : score) {
    if (best < 0 || s > score[best]) best = root;
  }
  std::vector<bool> main(n);
  for (int i = 0; i < n; ++i) main[i] = find(i) == best;
  return main;
}

// Bradley-Terry log strengths (mean 0 over `included`), NaN for the others.
std::vector<double> BradleyTerry(const Problem& p,
                                 const std::vector<std::pair<int, int>>& pair_index,
                                 const std::vector<std::vector<int>>& supports,
                                 const std::vector<bool>& included) {
  const int n = static_cast<int>(p.theories.size());
  std::vector<double> wins(n, 0.0);
  std::vector<std::vector<double>> games(n, std::vector<double>(n, 0.0));
  for (std::size_t q = 0; q < pair_index.size(); ++q) {
    const auto [a, b] = pair_index[q];
    if (!included[a] || !included[b]) continue;
    const std::vector<int>& support = supports[q];
    std::size_t i = 0;
    while (i < support.size()) {
      const int f = p.family_of[support[i]];
      std::size_t end = i;
      while (end < support.size() && p.family_of[support[end]] == f) ++end;
      const double w = 1.0 / static_cast<double>(end - i);  // one game per family
      for (; i < end; ++i) {
        const int k = support[i];
        const double ea = std::abs(p.predicted[a][k] - p.measured[k]);
        const double eb = std::abs(p.predicted[b][k] - p.measured[k]);
        const double a_score = std::abs(ea - eb) <= p.se[k] ? 0.5 : (ea < eb ? 1.0 : 0.0);
        wins[a] += w * a_score;
        wins[b] += w * (1.0 - a_score);
        games[a][b] += w;
        games[b][a] += w;
      }
    }
  }
  // Minorisation-maximisation with a prior: half a win in one game against a player of
  // strength 1, which keeps unbeaten (or winless) theories finite.
  std::vector<double> s(n, 1.0), next(n, 1.0);
  for (int iteration = 0; iteration < 10000; ++iteration) {
    double change = 0.0;
    for (int i = 0; i < n; ++i) {
      if (!included[i]) continue;
      double denominator = 1.0 / (s[i] + 1.0);
      for (int j = 0; j < n; ++j) {
        if (j != i && included[j] && games[i][j] > 0) denominator += games[i][j] / (s[i] + s[j]);
      }
      next[i] = (wins[i] + 0.5) / denominator;
      change = std::max(change, std::abs(std::log(next[i] / s[i])));
    }
    s = next;
    if (change < 1e-12) break;
  }
  std::vector<double> log_strength(n, kNaN);
  double mean = 0.0;
  int count = 0;
  for (int i = 0; i < n; ++i) {
    if (!included[i]) continue;
    mean += std::log(s[i]);
    ++count;
  }
  mean /= std::max(count, 1);
  // Rounded so that theories with identical results compare equal despite summation order.
  for (int i = 0; i < n; ++i) {
    if (included[i]) log_strength[i] = std::round((std::log(s[i]) - mean) * 1e9) / 1e9;
  }
  return log_strength;
}

double FamilyWeightedMean(const Problem& p, int t) {
  std::map<int, std::pair<double, int>> by_family;
  for (std::size_t k = 0; k < p.cells.size(); ++k) {
    if (!Has(p, t, k)) continue;
    auto& [sum, count] = by_family[p.family_of[k]];
    sum += std::abs(p.predicted[t][k] - p.measured[k]);
    ++count;
  }
  if (by_family.empty()) return kNaN;
  double total = 0.0;
  for (const auto& [f, s] : by_family) total += s.first / s.second;
  return total / by_family.size();
}

int StandingOrder(Standing s) {
  return static_cast<int>(s);
}

}  // namespace

const char* ToString(Standing standing) {
  switch (standing) {
    case Standing::kRanked:
      return "ranked";
    case Standing::kPreliminary:
      return "preliminary";
    case Standing::kNotComparable:
      return "not_comparable";
    case Standing::kUnscored:
      return "unscored";
  }
  return "unknown";
}

bool RankingOptions::IsValid(std::string* error) const {
  auto fail = [&](const std::string& message) {
    *error = "RankingOptions." + message;
    return false;
  };
  if (bootstrap_resamples < 0) {
    return fail("bootstrap_resamples = " + std::to_string(bootstrap_resamples) + " must be >= 0");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return fail("confidence = " + std::to_string(confidence) + " must be in (0, 1)");
  }
  if (min_cells < 1) return fail("min_cells = " + std::to_string(min_cells) + " must be >= 1");
  if (min_families < 1) {
    return fail("min_families = " + std::to_string(min_families) + " must be >= 1");
  }
  return true;
}

std::vector<std::vector<std::string>> Ranking::TieGroups() const {
  std::vector<std::vector<std::string>> groups;
  int last_rank = 0;
  for (const RankEntry& e : entries) {
    if (e.standing != Standing::kRanked) continue;
    if (groups.empty() || e.rank != last_rank) groups.emplace_back();
    groups.back().push_back(e.theory);
    last_rank = e.rank;
  }
  return groups;
}

const RankEntry* Ranking::Find(const std::string& theory) const {
  for (const RankEntry& e : entries) {
    if (e.theory == theory) return &e;
  }
  return nullptr;
}

Ranking RankTheories(const std::vector<RankInput>& inputs,
                     const RankingOptions& options,
                     const std::string& track) {
  Ranking ranking;
  ranking.track = track;
  ranking.options = options;
  const Problem p = BuildProblem(inputs);
  const int n = static_cast<int>(p.theories.size());
  const Draws draws = MakeDraws(p, options);

  std::vector<std::pair<int, int>> pair_index;
  std::vector<std::vector<int>> supports;
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      std::vector<int> support;
      for (std::size_t k = 0; k < p.cells.size(); ++k) {
        if (Has(p, a, k) && Has(p, b, k)) support.push_back(static_cast<int>(k));
      }
      if (support.empty()) continue;
      pair_index.push_back({a, b});
      supports.push_back(std::move(support));
      ranking.pairs.push_back(Compare(p, draws, options, a, b, supports.back()));
    }
  }

  const std::vector<bool> main = MainComponent(p, ranking.pairs);
  std::vector<RankEntry> entries(n);
  std::vector<std::set<int>> shared(n);  // cells shared with another theory
  for (std::size_t q = 0; q < pair_index.size(); ++q) {
    const auto [a, b] = pair_index[q];
    shared[a].insert(supports[q].begin(), supports[q].end());
    shared[b].insert(supports[q].begin(), supports[q].end());
    ++entries[a].opponents;
    ++entries[b].opponents;
    const int better = ranking.pairs[q].better;
    if (better < 0) ++entries[a].beats, ++entries[b].beaten_by;
    if (better > 0) ++entries[b].beats, ++entries[a].beaten_by;
  }
  for (int t = 0; t < n; ++t) {
    RankEntry& e = entries[t];
    e.theory = p.theories[t];
    e.cells = static_cast<int>(shared[t].size());
    std::set<int> families;
    for (int k : shared[t]) families.insert(p.family_of[k]);
    e.families = static_cast<int>(families.size());
    if (!main[t] || e.cells == 0) {
      e.standing = Standing::kNotComparable;
    } else if (e.cells < options.min_cells || e.families < options.min_families) {
      e.standing = Standing::kPreliminary;
    } else {
      e.standing = Standing::kRanked;
    }
    e.weighted_abs_error = FamilyWeightedMean(p, t);
    int with_z = 0, consistent = 0;
    for (std::size_t k = 0; k < p.cells.size(); ++k) {
      if (!Has(p, t, k) || std::isnan(p.z[t][k])) continue;
      ++with_z;
      consistent += std::abs(p.z[t][k]) < 2.0;
    }
    if (with_z > 0) e.consistent_share = static_cast<double>(consistent) / with_z;
  }
  // Rank among ranked theories only: a preliminary theory is never ranked above anyone.
  for (std::size_t q = 0; q < pair_index.size(); ++q) {
    const auto [a, b] = pair_index[q];
    if (entries[a].standing != Standing::kRanked || entries[b].standing != Standing::kRanked)
      continue;
    if (ranking.pairs[q].better < 0) ++entries[b].rank;
    if (ranking.pairs[q].better > 0) ++entries[a].rank;
  }
  for (RankEntry& e : entries) {
    if (e.standing == Standing::kRanked) ++e.rank;
  }

  std::vector<bool> comparable(n);
  for (int t = 0; t < n; ++t) comparable[t] = entries[t].standing != Standing::kNotComparable;
  const std::vector<double> bt = BradleyTerry(p, pair_index, supports, comparable);
  for (int t = 0; t < n; ++t) {
    entries[t].bt_strength = bt[t];
    if (!comparable[t]) continue;
    entries[t].bt_rank = 1;
    for (int u = 0; u < n; ++u) entries[t].bt_rank += comparable[u] && bt[u] > bt[t];
  }
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      const RankEntry &x = entries[a], &y = entries[b];
      if (x.standing != Standing::kRanked || y.standing != Standing::kRanked) continue;
      if (x.rank < y.rank && x.bt_strength < y.bt_strength) {
        ranking.bt_disagreements.push_back(x.theory + " above " + y.theory +
                                           " by rank, below by Bradley-Terry");
      }
    }
  }

  // Within a tie group, the listing follows the point estimates: members closer than more of
  // the group's other members come first (a Copeland count; it never changes a rank).
  std::vector<double> group_wins(n, 0.0);
  for (std::size_t q = 0; q < pair_index.size(); ++q) {
    const auto [a, b] = pair_index[q];
    if (entries[a].standing != Standing::kRanked || entries[b].standing != Standing::kRanked ||
        entries[a].rank != entries[b].rank)
      continue;
    const double d = ranking.pairs[q].difference;
    group_wins[a] += d < 0 ? 1.0 : d == 0 ? 0.5 : 0.0;
    group_wins[b] += d > 0 ? 1.0 : d == 0 ? 0.5 : 0.0;
  }
  std::map<std::string, double> wins_by_name;
  for (int t = 0; t < n; ++t) wins_by_name[p.theories[t]] = group_wins[t];
  std::sort(entries.begin(), entries.end(), [&](const RankEntry& x, const RankEntry& y) {
    if (x.standing != y.standing) return StandingOrder(x.standing) < StandingOrder(y.standing);
    if (x.standing == Standing::kRanked && x.rank != y.rank) return x.rank < y.rank;
    if (x.standing == Standing::kRanked) {
      const double wx = wins_by_name[x.theory], wy = wins_by_name[y.theory];
      if (wx != wy) return wx > wy;
    }
    if (x.standing == Standing::kPreliminary && x.beaten_by != y.beaten_by)
      return x.beaten_by < y.beaten_by;
    if (x.bt_strength != y.bt_strength && !std::isnan(x.bt_strength) && !std::isnan(y.bt_strength))
      return x.bt_strength > y.bt_strength;
    return x.theory < y.theory;
  });
  ranking.entries = std::move(entries);
  return ranking;
}

}  // namespace scalebench
