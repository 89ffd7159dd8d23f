// The verdict in the reports: the validation table of home cells (with the target's allowance),
// the oracle split, and the ranking's fields in leaderboard.json, on synthetic cells (no target
// has an oracle profile yet).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness/report/reporter.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

Cell HomeCell(const std::string& theory, const std::string& target, double predicted) {
  Cell c;
  c.theory = theory;
  c.family = theory.substr(0, theory.find('/'));
  c.target = target;
  c.dataset_family = "toyland";
  c.realism = Realism::kExact;
  c.home = true;
  c.allowance = 0.1;
  c.allowance_reason = "finite d = 1024";
  c.status = PredictionStatus::kPredicted;
  c.predicted.value = predicted;
  c.fit_status = FitStatus::kConverged;
  c.measured = 1.0;
  c.measured_ci = {0.97, 1.03};
  c.measured_se = 0.01;
  // The oracle profile gives 1.04: theory error 0.04, estimation error |predicted - 1.04|.
  c.has_oracle = true;
  c.oracle_status = PredictionStatus::kPredicted;
  c.oracle_predicted.value = 1.04;
  ScoreCell({}, &c);
  return c;
}

Leaderboard Board() {
  std::vector<Cell> cells = {HomeCell("k/theory", "toy/a", 1.02),   // inside the CI
                             HomeCell("k/theory", "toy/b", 1.08),   // within the allowance
                             HomeCell("k/theory", "toy/c", 1.25)};  // outside both
  Cell na = HomeCell("k/theory", "toy/d", 0.0);
  na.status = PredictionStatus::kNotApplicable;
  na.message = "needs a > 1";
  na.oracle_status = PredictionStatus::kNotApplicable;
  na.oracle_message = "needs a > 1";
  ScoreCell({}, &na);
  cells.push_back(na);
  return BuildLeaderboard(cells, LeaderboardOptions());
}

std::string Render(const std::string& format) {
  std::ostringstream out;
  ReportContext context;
  context.suite = "test";
  REQUIRE(WriteReport(format, context, Board(), out));
  return out.str();
}

TEST_CASE("verdict reports: validation of home cells with the stated allowance", "[unit][report]") {
  const std::string md = Render("markdown");
  CHECK_THAT(md,
             Contains("| k/theory | toy/a | data | 1.020 | 1.000 [0.970, 1.030] | 0.020 | "
                      "2.00 | 0.100 | pass (inside CI) |"));
  CHECK_THAT(md, Contains("| 0.100 | pass (within allowance 0.100) |"));
  CHECK_THAT(md,
             Contains("| k/theory | toy/c | data | 1.250 | 1.000 [0.970, 1.030] | 0.250 | "
                      "25.00 | 0.100 | FAIL |"));
  CHECK_THAT(md, Contains("| not scored: n/a: needs a > 1 |"));
  CHECK_THAT(md, Contains("- toy/a: finite d = 1024"));
  const std::string console = Render("console");
  CHECK_THAT(console, Contains("2 of 3 scored home cells pass"));
  CHECK_THAT(console, Contains("1 home cells not scored"));
  // Home cells are never ranked: with nothing away, the theory is unscored in the ranking.
  CHECK_THAT(console, Contains("-     k/theory"));
}

TEST_CASE("verdict reports: the oracle split per theory and per cell", "[unit][report]") {
  const std::string md = Render("markdown");
  CHECK_THAT(md, Contains("## Oracle vs measured profile"));
  // Theory error 0.04 on each of the three cells; estimation errors 0.02, 0.04, 0.21.
  CHECK_THAT(md, Contains("| k/theory | 3 | 0.040 | 0.090 |"));
  CHECK_THAT(md,
             Contains("| k/theory | toy/c | data | 1.250 | 1.040 | 1.000 [0.970, 1.030] | "
                      "0.040 | 0.210 |"));
  const auto j = nlohmann::json::parse(Render("json"));
  CHECK(j["leaderboard"][0]["oracle_cells"] == 3);
  CHECK(j["leaderboard"][0]["mean_estimation_error"].get<double>() == Approx(0.09));
  CHECK(j["leaderboard"][0]["home_validated"] == 2);
  CHECK(j["leaderboard"][0]["standing"] == "unscored");
  const auto& cell = j["cells"][2];
  CHECK(cell["target"] == "toy/c");
  CHECK(cell["oracle"]["predicted"]["value"] == 1.04);
  CHECK(cell["oracle"]["estimation_error"].get<double>() == Approx(0.21));
  CHECK(cell["validated"] == false);
  CHECK(cell["track"] == "exact");
  CHECK(cell["dataset_family"] == "toyland");
  CHECK(j["cells"][3]["oracle"]["reason"] == "needs a > 1");
  REQUIRE(j["validation"].size() == 4);
  CHECK(j["validation"][1]["result"] == "pass (within allowance 0.100)");
}

TEST_CASE("verdict reports: no oracle, no oracle section", "[unit][report]") {
  std::vector<Cell> cells = {HomeCell("k/theory", "toy/a", 1.02)};
  cells[0].has_oracle = false;
  ScoreCell({}, &cells[0]);
  std::ostringstream out;
  REQUIRE(WriteReport("markdown", ReportContext(), BuildLeaderboard(cells, "x"), out));
  CHECK(out.str().find("Oracle") == std::string::npos);
}

}  // namespace
}  // namespace scalebench
