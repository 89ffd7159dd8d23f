#include "harness/score/score.h"

#include <catch2/catch.hpp>
#include <cmath>

namespace scalebench {
namespace {

using Catch::Matchers::WithinAbs;

Cell Predicted(const std::string& theory,
               const std::string& target,
               double predicted,
               double measured,
               double lower,
               double upper) {
  Cell cell;
  cell.theory = theory;
  cell.family = theory.substr(0, theory.find('/'));
  cell.target = target;
  cell.status = PredictionStatus::kPredicted;
  cell.predicted.value = predicted;
  cell.fit_status = FitStatus::kConverged;
  cell.measured = measured;
  cell.measured_ci = {lower, upper};
  ScoreCell({}, &cell);
  return cell;
}

Cell NotApplicable(const std::string& theory, const std::string& target) {
  Cell cell;
  cell.theory = theory;
  cell.family = theory.substr(0, theory.find('/'));
  cell.target = target;
  cell.status = PredictionStatus::kNotApplicable;
  cell.message = "needs a > 1";
  cell.fit_status = FitStatus::kConverged;
  cell.measured = 1.0;
  ScoreCell({}, &cell);
  return cell;
}

Cell Failed(const std::string& theory, const std::string& target) {
  Cell cell = NotApplicable(theory, target);
  cell.status = PredictionStatus::kFailed;
  cell.message = "root finder did not converge";
  return cell;
}

TEST_CASE("ScoreCell: absolute error and CI membership") {
  Cell cell = Predicted("k/a", "t1", 0.6, 0.5, 0.45, 0.55);
  CHECK_THAT(cell.abs_error, WithinAbs(0.1, 1e-12));
  CHECK_FALSE(cell.inside_ci);
  Cell inside = Predicted("k/a", "t1", 0.52, 0.5, 0.45, 0.55);
  CHECK(inside.inside_ci);
  Cell edge = Predicted("k/a", "t1", 0.55, 0.5, 0.45, 0.55);
  CHECK(edge.inside_ci);  // the interval is closed
}

TEST_CASE("ScoreCell: no score when the fit is unusable or the theory did not predict") {
  Cell cell = Predicted("k/a", "t1", 0.6, 0.5, 0.45, 0.55);
  cell.fit_status = FitStatus::kNotIdentifiable;
  ScoreCell({}, &cell);
  CHECK(std::isnan(cell.abs_error));
  CHECK_FALSE(cell.inside_ci);
  Cell na = NotApplicable("k/a", "t1");
  CHECK(std::isnan(na.abs_error));
}

TEST_CASE("ScoreCell: curve error is mean |log ratio| over sizes where both are positive") {
  Cell cell = Predicted("k/a", "t1", 0.5, 0.5, 0.4, 0.6);
  cell.predicted_curve = {2.0, 1.0, 0.5, -1.0};
  const std::vector<double> measured = {1.0, 1.0, 1.0, 1.0};  // last size skipped (pred < 0)
  ScoreCell(measured, &cell);
  REQUIRE(cell.curve_error.has_value());
  CHECK_THAT(*cell.curve_error, WithinAbs((std::log(2.0) + 0.0 + std::log(2.0)) / 3.0, 1e-12));

  cell.predicted_curve = {1.0, 2.0};  // length mismatch: no curve error
  ScoreCell(measured, &cell);
  CHECK_FALSE(cell.curve_error.has_value());
}

TEST_CASE("BuildLeaderboard: aggregates, paired skill, ranking") {
  std::vector<Cell> cells = {
      // baseline: errors 0.2 (t1), 0.4 (t2), 0.6 (t3)
      Predicted("baseline/const", "t1", 0.7, 0.5, 0.4, 0.6),
      Predicted("baseline/const", "t2", 1.4, 1.0, 0.9, 1.1),
      Predicted("baseline/const", "t3", 2.6, 2.0, 1.9, 2.1),
      // good: errors 0.05 (t1, inside), 0.1 (t2, outside); n/a on t3
      Predicted("kernel/good", "t1", 0.55, 0.5, 0.4, 0.6),
      Predicted("kernel/good", "t2", 1.1, 1.0, 0.95, 1.05),
      NotApplicable("kernel/good", "t3"),
      // bad: error 0.3 on t3 only, failed on t1, n/a on t2
      Failed("rf/bad", "t1"),
      NotApplicable("rf/bad", "t2"),
      Predicted("rf/bad", "t3", 2.3, 2.0, 1.9, 2.1),
      // never scored
      NotApplicable("zz/none", "t1"),
  };
  const Leaderboard board = BuildLeaderboard(cells, "baseline/const");
  REQUIRE(board.rows.size() == 4);
  CHECK(board.rows[0].theory == "kernel/good");
  CHECK(board.rows[1].theory == "rf/bad");
  CHECK(board.rows[2].theory == "baseline/const");
  CHECK(board.rows[3].theory == "zz/none");

  const TheoryRow& good = board.rows[0];
  CHECK(good.rank == 1);
  CHECK(good.family == "kernel");
  CHECK(good.cells_total == 3);
  CHECK(good.cells_applicable == 2);
  CHECK(good.cells_scored == 2);
  CHECK(good.cells_failed == 0);
  CHECK_THAT(good.coverage, WithinAbs(2.0 / 3.0, 1e-12));
  CHECK_THAT(good.mean_abs_error, WithinAbs(0.075, 1e-12));
  CHECK_THAT(good.inside_ci_share, WithinAbs(0.5, 1e-12));
  // Paired over t1, t2: 1 - 0.075 / 0.3.
  CHECK_THAT(good.skill, WithinAbs(0.75, 1e-12));
  CHECK(std::isnan(good.mean_curve_error));

  const TheoryRow& bad = board.rows[1];
  CHECK(bad.rank == 2);
  CHECK(bad.cells_total == 3);
  CHECK(bad.cells_applicable == 2);  // failed counts as applicable
  CHECK(bad.cells_scored == 1);
  CHECK(bad.cells_failed == 1);
  CHECK_THAT(bad.mean_abs_error, WithinAbs(0.3, 1e-12));
  CHECK_THAT(bad.inside_ci_share, WithinAbs(0.0, 1e-12));
  // Paired over t3 only: 1 - 0.3 / 0.6.
  CHECK_THAT(bad.skill, WithinAbs(0.5, 1e-12));

  const TheoryRow& baseline = board.rows[2];
  CHECK(baseline.rank == 3);
  CHECK_THAT(baseline.mean_abs_error, WithinAbs(0.4, 1e-12));
  CHECK_THAT(baseline.skill, WithinAbs(0.0, 1e-12));
  CHECK_THAT(baseline.coverage, WithinAbs(1.0, 1e-12));

  const TheoryRow& none = board.rows[3];
  CHECK(none.rank == 0);
  CHECK(none.cells_scored == 0);
  CHECK(std::isnan(none.mean_abs_error));
  CHECK(std::isnan(none.skill));
  CHECK_THAT(none.coverage, WithinAbs(0.0, 1e-12));

  // Cells come out sorted by target, axis, theory whatever the input order.
  REQUIRE(board.cells.size() == cells.size());
  CHECK(board.cells.front().target == "t1");
  CHECK(board.cells.front().theory == "baseline/const");
  CHECK(board.cells.back().target == "t3");
  CHECK(board.cells.back().theory == "rf/bad");
}

TEST_CASE("BuildLeaderboard: deterministic under input order and ties broken by name") {
  std::vector<Cell> cells = {Predicted("b/x", "t1", 0.6, 0.5, 0.4, 0.6),
                             Predicted("a/x", "t1", 0.4, 0.5, 0.4, 0.6)};
  const Leaderboard one = BuildLeaderboard(cells, "none/x");
  std::swap(cells[0], cells[1]);
  const Leaderboard two = BuildLeaderboard(cells, "none/x");
  REQUIRE(one.rows.size() == 2);
  CHECK(one.rows[0].theory == "a/x");  // equal MAE 0.1: by name
  CHECK(one.rows[0].rank == 1);
  CHECK(one.rows[1].rank == 2);
  CHECK(two.rows[0].theory == one.rows[0].theory);
  CHECK(std::isnan(one.rows[0].skill));  // the baseline has no cells
}

TEST_CASE("BuildLeaderboard: mean curve error over cells with a curve") {
  Cell a = Predicted("k/a", "t1", 0.5, 0.5, 0.4, 0.6);
  a.predicted_curve = {std::exp(0.2)};
  ScoreCell({1.0}, &a);
  Cell b = Predicted("k/a", "t2", 0.5, 0.5, 0.4, 0.6);
  b.predicted_curve = {std::exp(-0.4)};
  ScoreCell({1.0}, &b);
  Cell c = Predicted("k/a", "t3", 0.5, 0.5, 0.4, 0.6);  // no curve
  const Leaderboard board = BuildLeaderboard({a, b, c}, "");
  CHECK_THAT(board.rows[0].mean_curve_error, WithinAbs(0.3, 1e-12));
}

}  // namespace
}  // namespace scalebench
