#include "harness/score/score.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

namespace scalebench {
namespace {

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
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Cells are keyed by where they were measured, so that two theories' cells can be paired.
using CellKey = std::pair<std::string, Axis>;

TheoryRow AggregateTheory(const std::vector<const Cell*>& cells,
                          const std::map<CellKey, double>& baseline_errors) {
  TheoryRow row;
  row.theory = cells.front()->theory;
  row.family = cells.front()->family;
  std::vector<double> errors, curve_errors, paired_theory, paired_baseline;
  int inside = 0;
  for (const Cell* cell : cells) {
    ++row.cells_total;
    if (cell->status != PredictionStatus::kNotApplicable) ++row.cells_applicable;
    if (cell->status == PredictionStatus::kFailed) ++row.cells_failed;
    if (cell->curve_error) curve_errors.push_back(*cell->curve_error);
    if (!cell->scored()) continue;
    ++row.cells_scored;
    errors.push_back(cell->abs_error);
    if (cell->inside_ci) ++inside;
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
  const double baseline_mae = Mean(paired_baseline);
  // A baseline with zero error on the paired cells leaves skill undefined rather than -inf.
  if (!paired_theory.empty() && baseline_mae > 0.0) {
    row.skill = 1.0 - Mean(paired_theory) / baseline_mae;
  }
  return row;
}

// Ranked rows first by mean absolute error (ties by name), then unranked rows by name.
void RankRows(std::vector<TheoryRow>* rows) {
  std::sort(rows->begin(), rows->end(), [](const TheoryRow& a, const TheoryRow& b) {
    const bool a_ranked = a.cells_scored > 0;
    const bool b_ranked = b.cells_scored > 0;
    if (a_ranked != b_ranked) return a_ranked;
    if (a_ranked && a.mean_abs_error != b.mean_abs_error) {
      return a.mean_abs_error < b.mean_abs_error;
    }
    return a.theory < b.theory;
  });
  int rank = 0;
  for (TheoryRow& row : *rows) row.rank = row.cells_scored > 0 ? ++rank : 0;
}

}  // namespace

void ScoreCell(const std::vector<double>& measured_mean_loss, Cell* cell) {
  cell->abs_error = std::numeric_limits<double>::quiet_NaN();
  cell->inside_ci = false;
  cell->curve_error.reset();
  if (cell->status != PredictionStatus::kPredicted) return;
  // The curve is compared with the measured losses even when the exponent fit is unusable: the
  // losses themselves are still measured.
  cell->curve_error = CurveError(cell->predicted_curve, measured_mean_loss);
  if (!cell->scored()) return;
  cell->abs_error = std::abs(cell->predicted.value - cell->measured);
  cell->inside_ci = cell->measured_ci.Contains(cell->predicted.value);
}

Leaderboard BuildLeaderboard(std::vector<Cell> cells, const std::string& baseline_theory) {
  Leaderboard board;
  board.baseline_theory = baseline_theory;
  std::stable_sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
    return std::tie(a.target, a.axis, a.theory) < std::tie(b.target, b.axis, b.theory);
  });
  board.cells = std::move(cells);

  std::map<CellKey, double> baseline_errors;
  std::map<std::string, std::vector<const Cell*>> by_theory;
  for (const Cell& cell : board.cells) {
    by_theory[cell.theory].push_back(&cell);
    if (cell.theory == baseline_theory && cell.scored()) {
      baseline_errors[{cell.target, cell.axis}] = cell.abs_error;
    }
  }
  for (const auto& [theory, theory_cells] : by_theory) {
    board.rows.push_back(AggregateTheory(theory_cells, baseline_errors));
  }
  RankRows(&board.rows);
  return board;
}

}  // namespace scalebench
