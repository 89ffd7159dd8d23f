#include "harness/score/score.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace scalebench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The normal quantile of a central 95% interval, and the interval score's alpha.
constexpr double kZ95 = 1.959963984540054;
constexpr double kIntervalAlpha = 0.05;

bool PositiveFinite(double x) {
  return std::isfinite(x) && x > 0.0;
}

// Mean |log(predicted / measured)| over the sizes where both losses are positive and finite;
// nullopt when the curves differ in length or no size qualifies.
std::optional<double> CurveError(const std::vector<double>& predicted,
                                 const std::vector<double>& measured) {
  if (predicted.empty() || predicted.size() != measured.size()) return std::nullopt;
  double sum = 0.0;
  int count = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) {
    if (!PositiveFinite(predicted[i]) || !PositiveFinite(measured[i])) continue;
    sum += std::abs(std::log(predicted[i] / measured[i]));
    ++count;
  }
  if (count == 0) return std::nullopt;
  return sum / count;
}

double Mean(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Cells are keyed by where they were measured, so that two theories' cells can be paired.
using CellKey = std::pair<std::string, Axis>;

std::string CellLabel(const Cell& cell) {
  return cell.target + " [" + ToString(cell.axis) + "]";
}

TheoryRow AggregateTheory(const std::vector<const Cell*>& cells,
                          const std::map<CellKey, double>& baseline_errors) {
  TheoryRow row;
  row.theory = cells.front()->theory;
  row.family = cells.front()->family;
  std::vector<double> errors, curve_errors, paired_theory, paired_baseline, interval_scores;
  std::vector<double> theory_errors, estimation_errors;
  int inside = 0;
  for (const Cell* cell : cells) {
    ++row.cells_total;
    if (cell->status != PredictionStatus::kNotApplicable) ++row.cells_applicable;
    if (cell->status == PredictionStatus::kFailed) ++row.cells_failed;
    if (cell->curve_error) curve_errors.push_back(*cell->curve_error);
    if (cell->home) {
      ++row.home_cells;
      row.home_scored += cell->scored();
      row.home_validated += cell->scored() && cell->validated;
    }
    if (!std::isnan(cell->theory_error) && !std::isnan(cell->estimation_error)) {
      theory_errors.push_back(cell->theory_error);
      estimation_errors.push_back(cell->estimation_error);
    }
    if (!cell->scored()) continue;
    ++row.cells_scored;
    errors.push_back(cell->abs_error);
    if (cell->inside_ci) ++inside;
    if (cell->interval_score) interval_scores.push_back(*cell->interval_score);
    auto baseline = baseline_errors.find({cell->target, cell->axis});
    if (baseline != baseline_errors.end()) {
      paired_theory.push_back(cell->abs_error);
      paired_baseline.push_back(baseline->second);
    }
  }
  row.coverage = static_cast<double>(row.cells_applicable) / row.cells_total;
  row.mean_abs_error = Mean(errors);
  if (row.cells_scored > 0) row.inside_ci_share = static_cast<double>(inside) / row.cells_scored;
  row.mean_curve_error = Mean(curve_errors);
  row.mean_interval_score = Mean(interval_scores);
  row.interval_cells = static_cast<int>(interval_scores.size());
  row.oracle_cells = static_cast<int>(theory_errors.size());
  row.mean_theory_error = Mean(theory_errors);
  row.mean_estimation_error = Mean(estimation_errors);
  const double baseline_mae = Mean(paired_baseline);
  // A baseline with zero error on the paired cells leaves skill undefined rather than -inf.
  if (!paired_theory.empty() && baseline_mae > 0.0) {
    row.skill = 1.0 - Mean(paired_theory) / baseline_mae;
  }
  return row;
}

// Family-weighted mean of |err(theory)| - |err(null)| over the cells both scored; NaN if none.
double DifferenceOnCommonCells(const std::vector<const Cell*>& theory_cells,
                               const std::map<CellKey, const Cell*>& null_cells) {
  std::map<std::string, std::pair<double, int>> by_family;
  for (const Cell* cell : theory_cells) {
    if (!cell->scored()) continue;
    auto other = null_cells.find({cell->target, cell->axis});
    if (other == null_cells.end()) continue;
    auto& [sum, count] = by_family[DatasetFamilyOf(*cell)];
    sum += cell->abs_error - other->second->abs_error;
    ++count;
  }
  if (by_family.empty()) return kNaN;
  double total = 0.0;
  for (const auto& [family, s] : by_family) total += s.first / s.second;
  return total / by_family.size();
}

std::vector<RankInput> AwayInputs(const std::vector<Cell>& cells,
                                  const std::optional<Realism>& track) {
  std::vector<RankInput> inputs;
  for (const Cell& cell : cells) {
    if (!cell.scored() || cell.home) continue;
    if (track && cell.realism != *track) continue;
    inputs.push_back({cell.theory,
                      CellLabel(cell),
                      DatasetFamilyOf(cell),
                      cell.measured,
                      cell.se_measured,
                      cell.predicted.value,
                      cell.z});
  }
  return inputs;
}

}  // namespace

std::string DatasetFamilyOf(const Cell& cell) {
  if (!cell.dataset_family.empty()) return cell.dataset_family;
  return cell.target.substr(0, cell.target.find('/'));
}

void ScoreCell(const std::vector<double>& measured_mean_loss, Cell* cell) {
  cell->abs_error = kNaN;
  cell->inside_ci = false;
  cell->se_measured = kNaN;
  cell->se_predicted = kNaN;
  cell->z = kNaN;
  cell->consistent = false;
  cell->interval_score.reset();
  cell->validated = false;
  cell->theory_error = kNaN;
  cell->estimation_error = kNaN;
  cell->curve_error.reset();
  const bool predicted = cell->status == PredictionStatus::kPredicted;
  const bool oracle = cell->has_oracle && cell->oracle_status == PredictionStatus::kPredicted;
  if (predicted && oracle) {
    cell->estimation_error = std::abs(cell->predicted.value - cell->oracle_predicted.value);
  }
  if (oracle && cell->fit_status == FitStatus::kConverged) {
    cell->theory_error = std::abs(cell->oracle_predicted.value - cell->measured);
  }
  if (!predicted) return;
  // The curve is compared with the measured losses even when the exponent fit is unusable: the
  // losses themselves are still measured.
  cell->curve_error = CurveError(cell->predicted_curve, measured_mean_loss);
  if (!cell->scored()) return;
  const double error = cell->predicted.value - cell->measured;
  cell->abs_error = std::abs(error);
  cell->inside_ci = cell->measured_ci.Contains(cell->predicted.value);

  cell->se_measured = cell->measured_se;
  const double half_width = (cell->measured_ci.upper - cell->measured_ci.lower) / 2.0;
  if (!std::isfinite(cell->se_measured) && std::isfinite(half_width)) {
    cell->se_measured = half_width / kZ95;
  }
  cell->se_predicted = 0.0;
  if (cell->has_predicted_interval()) {
    const double lower = *cell->predicted.lower, upper = *cell->predicted.upper;
    cell->se_predicted = (upper - lower) / (2.0 * kZ95);
    const double x = cell->measured;
    cell->interval_score = (upper - lower) + 2.0 / kIntervalAlpha * std::max(0.0, lower - x) +
                           2.0 / kIntervalAlpha * std::max(0.0, x - upper);
  }
  const double se = std::hypot(cell->se_measured, cell->se_predicted);
  if (se > 0.0) {  // false for NaN too
    cell->z = error / se;
    cell->consistent = std::abs(cell->z) < 2.0;
  }
  cell->validated = cell->inside_ci || (cell->allowance && cell->abs_error <= *cell->allowance);
}

bool LeaderboardOptions::IsValid(std::string* error) const {
  if (!ranking.IsValid(error)) {
    *error = "LeaderboardOptions.ranking: " + *error;
    return false;
  }
  return true;
}

Leaderboard BuildLeaderboard(std::vector<Cell> cells, const std::string& baseline_theory) {
  LeaderboardOptions options;
  options.baseline_theory = baseline_theory;
  auto& nulls = options.null_theories;
  if (!baseline_theory.empty() &&
      std::find(nulls.begin(), nulls.end(), baseline_theory) == nulls.end()) {
    nulls.insert(nulls.begin(), baseline_theory);
  }
  return BuildLeaderboard(std::move(cells), options);
}

Leaderboard BuildLeaderboard(std::vector<Cell> cells, const LeaderboardOptions& options) {
  Leaderboard board;
  board.baseline_theory = options.baseline_theory;
  board.null_theories = options.null_theories;
  std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
    return std::tie(a.target, a.axis, a.theory) < std::tie(b.target, b.axis, b.theory);
  });
  board.cells = std::move(cells);

  std::map<CellKey, double> baseline_errors;
  std::map<std::string, std::vector<const Cell*>> by_theory;
  std::map<std::string, std::map<CellKey, const Cell*>> null_cells;
  const std::set<std::string> nulls(options.null_theories.begin(), options.null_theories.end());
  for (const Cell& cell : board.cells) {
    by_theory[cell.theory].push_back(&cell);
    if (cell.theory == options.baseline_theory && cell.scored()) {
      baseline_errors[{cell.target, cell.axis}] = cell.abs_error;
    }
    if (nulls.count(cell.theory) > 0 && cell.scored()) {
      null_cells[cell.theory][{cell.target, cell.axis}] = &cell;
    }
  }

  board.ranking = RankTheories(AwayInputs(board.cells, std::nullopt), options.ranking, "all");
  if (options.rank_tracks) {
    for (Realism realism :
         {Realism::kExact, Realism::kToy, Realism::kRealData, Realism::kUserExperiment}) {
      std::vector<RankInput> inputs = AwayInputs(board.cells, realism);
      if (!inputs.empty()) {
        board.tracks.push_back(RankTheories(inputs, options.ranking, ToString(realism)));
      }
    }
  }

  for (const auto& [theory, theory_cells] : by_theory) {
    TheoryRow row = AggregateTheory(theory_cells, baseline_errors);
    row.is_null = nulls.count(theory) > 0;
    if (const RankEntry* entry = board.ranking.Find(theory)) {
      row.ranking = *entry;
    } else {
      row.ranking.theory = theory;
    }
    for (const auto& [null, its_cells] : null_cells) {
      if (null == theory) continue;
      const double difference = DifferenceOnCommonCells(theory_cells, its_cells);
      if (std::isnan(difference)) continue;
      ++row.nulls_compared;
      if (difference >= 0.0) row.nulls_not_beaten.push_back(null);
    }
    board.rows.push_back(std::move(row));
  }
  // The ranking's order first (ranked, preliminary, not comparable), then unscored by name.
  std::map<std::string, std::size_t> order;
  for (std::size_t i = 0; i < board.ranking.entries.size(); ++i) {
    order[board.ranking.entries[i].theory] = i;
  }
  std::stable_sort(
      board.rows.begin(), board.rows.end(), [&](const TheoryRow& a, const TheoryRow& b) {
        const auto ia = order.find(a.theory), ib = order.find(b.theory);
        const std::size_t ka = ia == order.end() ? order.size() : ia->second;
        const std::size_t kb = ib == order.end() ? order.size() : ib->second;
        return ka < kb;  // by_theory is sorted by name, and the sort is stable
      });
  return board;
}

}  // namespace scalebench
