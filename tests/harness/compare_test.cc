// `scalebench compare`: what counts as a change beyond noise, rank changes, runs read from the
// history or from a results folder; and the CLI's compare, history --suite, predict --json and
// --version.
#include "harness/report/compare.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/report/reporter.h"
#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

Cell Scored(const std::string& theory,
            const std::string& target,
            double predicted,
            double measured,
            double ci_half_width = 0.05) {
  Cell cell;
  cell.theory = theory;
  cell.family = theory.substr(0, theory.find('/'));
  cell.target = target;
  cell.status = PredictionStatus::kPredicted;
  cell.predicted = {predicted, std::nullopt, std::nullopt};
  cell.fit_status = FitStatus::kConverged;
  cell.measured = measured;
  cell.measured_ci = {measured - ci_half_width, measured + ci_half_width};
  cell.predict_seconds = 1e-4;
  ScoreCell({}, &cell);
  return cell;
}

ComparedRun RunOf(std::vector<Cell> cells) {
  ComparedRun run;
  run.label = "test";
  run.info.baseline_theory = "base/c";
  run.cells = std::move(cells);
  return run;
}

const TheoryChange& Theory(const RunComparison& c, const std::string& name) {
  for (const TheoryChange& t : c.theories) {
    if (t.theory == name) return t;
  }
  FAIL("no theory " << name);
  return c.theories.front();
}

TEST_CASE("compare: identical runs have no changed cell and nothing beyond noise",
          "[unit][report]") {
  const ComparedRun a = RunOf({Scored("k/a", "t1", 0.6, 0.5), Scored("base/c", "t1", 0.5, 0.5)});
  const RunComparison c = CompareRuns(a, a);
  CHECK(c.cells.empty());
  CHECK(c.unchanged_cells == 2);
  for (const TheoryChange& t : c.theories) {
    CHECK_FALSE(t.error_beyond_noise);
    CHECK_FALSE(t.runtime_beyond_noise);
    CHECK(t.rank_a == t.rank_b);
  }
}

TEST_CASE("compare: a new prediction on the same curve is a change beyond noise, with its rank",
          "[unit][report]") {
  // 12 cells in 2 dataset families: enough comparisons for a rank (ranking.h's minimum).
  std::vector<Cell> cells_a, cells_b;
  for (int t = 0; t < 12; ++t) {
    const std::string target = "t" + std::to_string(t);
    for (auto* cells : {&cells_a, &cells_b}) {
      Cell a = Scored("k/a", target, cells == &cells_a ? 0.9 : 0.5, 0.5);
      Cell b = Scored("k/b", target, 0.6, 0.5);
      a.dataset_family = b.dataset_family = t < 6 ? "f1" : "f2";
      cells->push_back(a);
      cells->push_back(b);
    }
  }
  const ComparedRun a = RunOf(cells_a), b = RunOf(cells_b);  // the comparison points into them
  const RunComparison c = CompareRuns(a, b);
  const TheoryChange& ka = Theory(c, "k/a");
  CHECK(ka.rank_a == 2);
  CHECK(ka.rank_b == 1);
  CHECK(ka.common_cells == 12);
  CHECK(ka.error_change == Approx(-0.4));
  CHECK(ka.error_beyond_noise);  // the curve did not change: no measurement noise
  CHECK_FALSE(Theory(c, "k/b").error_beyond_noise);
  REQUIRE(c.cells.size() == 12);
  CHECK(c.cells[0].beyond_noise);
  std::ostringstream text;
  PrintComparison(c, text);
  CHECK_THAT(text.str(), Contains("better"));
}

TEST_CASE("compare: a remeasured exponent moves the error beyond noise only past its CIs",
          "[unit][report]") {
  const ComparedRun a = RunOf({Scored("k/a", "t1", 0.6, 0.50, 0.05)});
  // Within noise: the measured exponents differ by 0.03 with 95% CIs of +-0.05 each.
  const RunComparison small = CompareRuns(a, RunOf({Scored("k/a", "t1", 0.6, 0.53, 0.05)}));
  REQUIRE(small.cells.size() == 1);
  CHECK(small.cells[0].error_change == Approx(-0.03));
  CHECK_FALSE(small.cells[0].beyond_noise);
  CHECK_FALSE(Theory(small, "k/a").error_beyond_noise);
  // Beyond: they differ by 0.3.
  const RunComparison large = CompareRuns(a, RunOf({Scored("k/a", "t1", 0.6, 0.20, 0.05)}));
  CHECK(large.cells[0].beyond_noise);
  CHECK(Theory(large, "k/a").error_beyond_noise);
}

TEST_CASE("compare: a cell that appears, disappears or changes status is listed",
          "[unit][report]") {
  Cell na = Scored("k/a", "t2", 0.6, 0.5);
  na.status = PredictionStatus::kNotApplicable;
  const ComparedRun a = RunOf({Scored("k/a", "t1", 0.6, 0.5), Scored("k/a", "t2", 0.6, 0.5)});
  const ComparedRun b = RunOf({na, Scored("k/a", "t3", 0.6, 0.5)});
  const RunComparison c = CompareRuns(a, b);
  REQUIRE(c.cells.size() == 3);  // t2 changed status, t3 is new, t1 is gone
  for (const CellChange& change : c.cells) CHECK(change.beyond_noise);
  CHECK(c.cells[1].a == nullptr);
  CHECK(c.cells[2].b == nullptr);
}

TEST_CASE("compare: a results folder reads back as the run that wrote it", "[unit][report]") {
  testing::ScratchDir dir;
  std::vector<Cell> cells = {Scored("k/a", "t1", 0.6, 0.5), Scored("base/c", "t1", 0.5, 0.5)};
  cells.push_back(Scored("k/a", "t2", 0.6, 0.5));
  cells.back().status = PredictionStatus::kNotApplicable;
  cells.back().message = "needs b";
  const Leaderboard board = BuildLeaderboard(cells, "base/c");
  ReportContext context;
  context.git_commit = "0123456789abcdef0123456789abcdef01234567";
  context.suite = "default";
  std::string error;
  REQUIRE(WriteReportFile("json", dir / "out/leaderboard.json", context, board, &error));
  ComparedRun folder;
  REQUIRE(LoadComparedRun(dir / "out", "", &folder, &error));
  CHECK(folder.info.git_commit == context.git_commit);
  CHECK(folder.info.baseline_theory == "base/c");
  REQUIRE(folder.cells.size() == 3);
  CHECK(folder.cells[2].message == "needs b");
  const RunComparison c = CompareRuns(RunOf(cells), folder);
  CHECK(c.cells.empty());

  CHECK_FALSE(LoadComparedRun(dir / "nowhere", "", &folder, &error));
  CHECK_THAT(error, Contains(dir / "nowhere/leaderboard.json"));
  testing::WriteFile(dir / "out/leaderboard.json", "{\"cells\": [{\"theory\": \"x\"}]}");
  CHECK_FALSE(LoadComparedRun(dir / "out", "", &folder, &error));
  CHECK_THAT(error, Contains("cells[0]"));
}

TEST_CASE("cli: compare two recorded runs, history by suite with stage times", "[unit][cli]") {
  testing::ScratchDir dir;
  const std::string where =
      " --quiet --results-dir " + (dir / "out") + " --db " + (dir / "h.sqlite");
  const std::string small = " --target gaussian_spectrum/a2.0_b1.5 --seeds 2 --bootstrap 20" +
                            std::string(" --cache-dir ") + (dir / "cache");
  REQUIRE(testing::RunScalebench("run" + where + small).exit_code == 0);
  REQUIRE(testing::RunScalebench("run" + where + small + " --theory kernel/cui_rates").exit_code ==
          0);
  const auto compared = testing::RunScalebench("compare 1 2 --db " + (dir / "h.sqlite"));
  INFO(compared.output);
  CHECK(compared.exit_code == 0);
  CHECK_THAT(compared.output, Contains("kernel/cui_rates") && Contains("Runtime per stage"));
  const auto folder =
      testing::RunScalebench("compare 1 " + (dir / "out") + " --db " + (dir / "h.sqlite"));
  CHECK(folder.exit_code == 0);
  const auto missing = testing::RunScalebench("compare 1 7 --db " + (dir / "h.sqlite"));
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("no run 7"));

  const auto history = testing::RunScalebench("history --suite custom --db " + (dir / "h.sqlite"));
  CHECK(history.exit_code == 0);
  CHECK_THAT(history.output, Contains("fit s") && Contains("report s"));
  const auto other = testing::RunScalebench("history --suite full --db " + (dir / "h.sqlite"));
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.output, Contains("Recorded suites: custom"));
}

TEST_CASE("cli: predict --json and --version", "[unit][cli]") {
  const auto predicted = testing::RunScalebench("predict --json --sizes 100,200 --profile " +
                                                testing::DataPath("good_profile.json"));
  INFO(predicted.output);
  REQUIRE(predicted.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(predicted.output);
  CHECK(j["axis"] == "data");
  CHECK(j["sizes"].size() == 2);
  bool baseline = false;
  for (const auto& p : j["predictions"]) {
    if (p["theory"] != "baseline/constant_exponent") continue;
    baseline = true;
    CHECK(p["status"] == "predicted");
    CHECK(p["exponent"]["value"] == 0.5);
  }
  CHECK(baseline);

  const auto version = testing::RunScalebench("--version");
  CHECK(version.exit_code == 0);
  // "scalebench 0.1.0 (git <40 hex digits>[, built from a modified tree])": the commit of the
  // build, which may be older than the checkout's HEAD, so only its form is checked.
  const std::string prefix = "scalebench 0.1.0 (git ";
  REQUIRE(version.output.rfind(prefix, 0) == 0);
  const std::string commit = version.output.substr(prefix.size(), 40);
  CHECK((commit.find_first_not_of("0123456789abcdef") == std::string::npos ||
         commit.rfind("unknown", 0) == 0));
}

}  // namespace
}  // namespace scalebench
