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

TEST_CASE("ScoreCell: absolute error and CI membership", "[unit][score]") {
  Cell cell = Predicted("k/a", "t1", 0.6, 0.5, 0.45, 0.55);
  CHECK_THAT(cell.abs_error, WithinAbs(0.1, 1e-12));
  CHECK_FALSE(cell.inside_ci);
  Cell inside = Predicted("k/a", "t1", 0.52, 0.5, 0.45, 0.55);
  CHECK(inside.inside_ci);
  Cell edge = Predicted("k/a", "t1", 0.55, 0.5, 0.45, 0.55);
  CHECK(edge.inside_ci);  // the interval is closed
}

TEST_CASE("ScoreCell: no score when the fit is unusable or the theory did not predict",
          "[unit][score]") {
  Cell cell = Predicted("k/a", "t1", 0.6, 0.5, 0.45, 0.55);
  cell.fit_status = FitStatus::kNotIdentifiable;
  ScoreCell({}, &cell);
  CHECK(std::isnan(cell.abs_error));
  CHECK_FALSE(cell.inside_ci);
  Cell na = NotApplicable("k/a", "t1");
  CHECK(std::isnan(na.abs_error));
}

TEST_CASE("ScoreCell: curve error is mean |log ratio| over sizes where both are positive",
          "[unit][score]") {
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

TEST_CASE("ScoreCell: z uses the fit's se and the theory's interval, consistent is |z| < 2",
          "[unit][score]") {
  Cell cell = Predicted("k/a", "t1", 0.59, 0.5, 0.4, 0.6);
  cell.measured_se = 0.05;
  ScoreCell({}, &cell);
  CHECK_THAT(cell.se_measured, WithinAbs(0.05, 1e-15));
  CHECK(cell.se_predicted == 0.0);  // no interval
  CHECK_THAT(cell.z, WithinAbs(1.8, 1e-12));
  CHECK(cell.consistent);
  CHECK_FALSE(cell.interval_score.has_value());

  cell.predicted.value = 0.35;  // z = -3: not consistent
  ScoreCell({}, &cell);
  CHECK_THAT(cell.z, WithinAbs(-3.0, 1e-12));
  CHECK_FALSE(cell.consistent);

  // A 95% interval [0.15, 0.55] around 0.35: se_predicted = 0.4 / (2 * 1.96), and the same miss
  // is now consistent.
  cell.predicted.lower = 0.15;
  cell.predicted.upper = 0.55;
  ScoreCell({}, &cell);
  const double se_predicted = 0.4 / (2.0 * 1.959963984540054);
  CHECK_THAT(cell.se_predicted, WithinAbs(se_predicted, 1e-12));
  CHECK_THAT(cell.z, WithinAbs(-0.15 / std::hypot(0.05, se_predicted), 1e-12));
  CHECK(cell.consistent);
}

TEST_CASE("ScoreCell: without the fit's se, the CI half-width / 1.96 stands in", "[unit][score]") {
  Cell cell = Predicted("k/a", "t1", 0.7, 0.5, 0.4, 0.6);
  REQUIRE(std::isnan(cell.measured_se));
  CHECK_THAT(cell.se_measured, WithinAbs(0.1 / 1.959963984540054, 1e-12));
  CHECK_THAT(cell.z, WithinAbs(0.2 / (0.1 / 1.959963984540054), 1e-9));
  Cell no_ci = Predicted("k/a", "t1", 0.7, 0.5, std::nan(""), std::nan(""));
  CHECK(std::isnan(no_ci.z));  // nothing to standardise by
  CHECK_FALSE(no_ci.consistent);
  CHECK_THAT(no_ci.abs_error, WithinAbs(0.2, 1e-12));
}

TEST_CASE("ScoreCell: the 95% interval score of Gneiting & Raftery", "[unit][score]") {
  Cell cell = Predicted("k/a", "t1", 0.6, 0.4, 0.35, 0.45);
  cell.predicted.lower = 0.5;
  cell.predicted.upper = 0.7;
  ScoreCell({}, &cell);  // measured 0.4 below the interval: width + (2 / 0.05) * 0.1
  REQUIRE(cell.interval_score.has_value());
  CHECK_THAT(*cell.interval_score, WithinAbs(0.2 + 40.0 * 0.1, 1e-12));
  cell.measured = 0.65;  // inside: the width alone
  ScoreCell({}, &cell);
  CHECK_THAT(*cell.interval_score, WithinAbs(0.2, 1e-12));
  cell.measured = 0.75;  // above
  ScoreCell({}, &cell);
  CHECK_THAT(*cell.interval_score, WithinAbs(0.2 + 40.0 * 0.05, 1e-12));
}

TEST_CASE("ScoreCell: a home cell is validated inside the CI or within the allowance",
          "[unit][score]") {
  Cell cell = Predicted("k/a", "t1", 0.6, 0.5, 0.45, 0.55);
  cell.home = true;
  ScoreCell({}, &cell);
  CHECK_FALSE(cell.validated);  // 0.1 outside the CI, no allowance
  cell.allowance = 0.15;
  ScoreCell({}, &cell);
  CHECK(cell.validated);
  cell.allowance = 0.05;
  ScoreCell({}, &cell);
  CHECK_FALSE(cell.validated);
  cell.predicted.value = 0.52;
  ScoreCell({}, &cell);
  CHECK(cell.validated);  // inside the CI
}

TEST_CASE("ScoreCell: oracle split into theory error and estimation error", "[unit][score]") {
  Cell cell = Predicted("k/a", "t1", 0.7, 0.5, 0.45, 0.55);
  CHECK(std::isnan(cell.theory_error));  // no oracle
  cell.has_oracle = true;
  cell.oracle_status = PredictionStatus::kPredicted;
  cell.oracle_predicted.value = 0.55;
  ScoreCell({}, &cell);
  CHECK_THAT(cell.theory_error, WithinAbs(0.05, 1e-12));      // |0.55 - 0.5|
  CHECK_THAT(cell.estimation_error, WithinAbs(0.15, 1e-12));  // |0.7 - 0.55|
  cell.fit_status = FitStatus::kNotIdentifiable;              // no measurement: no theory error
  ScoreCell({}, &cell);
  CHECK(std::isnan(cell.theory_error));
  CHECK_THAT(cell.estimation_error, WithinAbs(0.15, 1e-12));
  cell.oracle_status = PredictionStatus::kNotApplicable;
  ScoreCell({}, &cell);
  CHECK(std::isnan(cell.estimation_error));

  // Per theory: the means over cells with both errors.
  Cell a = Predicted("k/a", "t1", 0.7, 0.5, 0.45, 0.55);
  Cell b = Predicted("k/a", "t2", 0.3, 0.5, 0.45, 0.55);
  for (Cell* c : {&a, &b}) {
    c->has_oracle = true;
    c->oracle_status = PredictionStatus::kPredicted;
  }
  a.oracle_predicted.value = 0.6;  // theory 0.1, estimation 0.1
  b.oracle_predicted.value = 0.2;  // theory 0.3, estimation 0.1
  ScoreCell({}, &a);
  ScoreCell({}, &b);
  const Leaderboard board = BuildLeaderboard({a, b, Predicted("k/a", "t3", 1, 1, 0.9, 1.1)}, "");
  REQUIRE(board.rows.size() == 1);
  CHECK(board.rows[0].oracle_cells == 2);
  CHECK_THAT(board.rows[0].mean_theory_error, WithinAbs(0.2, 1e-12));
  CHECK_THAT(board.rows[0].mean_estimation_error, WithinAbs(0.1, 1e-12));
}

TEST_CASE("BuildLeaderboard: aggregates and paired skill per theory", "[unit][score]") {
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
  auto row = [&](const std::string& name) -> const TheoryRow& {
    for (const TheoryRow& r : board.rows) {
      if (r.theory == name) return r;
    }
    FAIL("no row " << name);
    return board.rows.front();
  };
  // Three cells in three families: everyone is preliminary, and the never-scored theory last.
  CHECK(board.rows[3].theory == "zz/none");
  CHECK(board.rows[3].ranking.standing == Standing::kUnscored);
  const TheoryRow& good = row("kernel/good");
  CHECK(good.ranking.standing == Standing::kPreliminary);
  CHECK(good.ranking.rank == 0);
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

  const TheoryRow& bad = row("rf/bad");
  CHECK(bad.cells_total == 3);
  CHECK(bad.cells_applicable == 2);  // failed counts as applicable
  CHECK(bad.cells_scored == 1);
  CHECK(bad.cells_failed == 1);
  CHECK_THAT(bad.mean_abs_error, WithinAbs(0.3, 1e-12));
  CHECK_THAT(bad.inside_ci_share, WithinAbs(0.0, 1e-12));
  // Paired over t3 only: 1 - 0.3 / 0.6.
  CHECK_THAT(bad.skill, WithinAbs(0.5, 1e-12));

  const TheoryRow& baseline = row("baseline/const");
  CHECK_THAT(baseline.mean_abs_error, WithinAbs(0.4, 1e-12));
  CHECK_THAT(baseline.skill, WithinAbs(0.0, 1e-12));
  CHECK_THAT(baseline.coverage, WithinAbs(1.0, 1e-12));

  const TheoryRow& none = row("zz/none");
  CHECK(none.ranking.rank == 0);
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

TEST_CASE("BuildLeaderboard: rows and cells do not depend on the input order", "[unit][score]") {
  std::vector<Cell> cells = {Predicted("b/x", "t1", 0.6, 0.5, 0.4, 0.6),
                             Predicted("a/x", "t1", 0.4, 0.5, 0.4, 0.6)};
  const Leaderboard one = BuildLeaderboard(cells, "none/x");
  std::swap(cells[0], cells[1]);
  const Leaderboard two = BuildLeaderboard(cells, "none/x");
  REQUIRE(one.rows.size() == 2);
  CHECK(one.rows[0].theory == "a/x");  // equal standing: by name
  CHECK(two.rows[0].theory == one.rows[0].theory);
  CHECK(std::isnan(one.rows[0].skill));  // the baseline has no cells
  CHECK(one.cells.front().theory == two.cells.front().theory);
}

TEST_CASE("BuildLeaderboard: mean curve error over cells with a curve", "[unit][score]") {
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
