#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/report/reporter.h"
#include "harness/report/table.h"
#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

Leaderboard SmallBoard() {
  std::vector<Cell> cells;
  auto add = [&](const std::string& theory,
                 PredictionStatus status,
                 double predicted,
                 const std::string& message) {
    Cell c;
    c.theory = theory;
    c.family = theory.substr(0, theory.find('/'));
    c.target = "gaussian/a2_b1.5";
    c.status = status;
    c.message = message;
    c.predicted = {predicted, predicted - 0.05, predicted + 0.05};
    c.fit_status = FitStatus::kConverged;
    c.measured = 1.0;
    c.measured_ci = {0.96, 1.04};
    c.exact = 1.0;
    ScoreCell({}, &c);
    cells.push_back(c);
  };
  add("kernel/sgw", PredictionStatus::kPredicted, 1.02, "a - 1");
  add("baseline/const", PredictionStatus::kPredicted, 0.5, "");
  add("rf/mrs", PredictionStatus::kNotApplicable, 0, "needs spectrum_decay > 1");
  add("rf/broken", PredictionStatus::kFailed, 0, "root finder diverged");
  Leaderboard board = BuildLeaderboard(cells, "baseline/const");
  board.notes.push_back({"gaussian/a2_b1.5",
                         Axis::kData,
                         "row_norm_share",
                         "share of rows with norm > 1/2",
                         {16, 32},
                         {0.25, 0.5}});
  JointFitNote joint;
  joint.target = "transformer/kjv_char";
  joint.fit.status = FitStatus::kConverged;
  joint.fit.num_points = 96;
  joint.fit.params_exponent = 0.44;
  joint.fit.params_exponent_ci = {0.30, 0.60};
  joint.fit.data_exponent = 0.20;
  joint.fit.data_exponent_ci = {0.18, 0.26};
  joint.fit.offset = 0.5;
  joint.fit.offset_ci = {0.1, 0.9};
  joint.fit.params_allocation = 0.31;
  joint.fit.params_allocation_ci = {0.17, 0.62};
  joint.fit.data_allocation = 0.69;
  joint.fit.data_allocation_ci = {0.38, 0.83};
  board.joint_fits.push_back(joint);
  return board;
}

ReportContext SmallContext() {
  ReportContext context = CurrentReportContext();
  context.suite = "default";
  context.command = "scalebench run --suite default";
  context.config_hash = "00ff00ff00ff00ff";
  context.seconds = 12.5;
  return context;
}

std::string Render(const std::string& name) {
  std::string error;
  auto reporter = CreateReporter(name, &error);
  REQUIRE(reporter != nullptr);
  std::ostringstream out;
  REQUIRE(reporter->Report(SmallContext(), SmallBoard(), out));
  return out.str();
}

TEST_CASE("CreateReporter: an unknown name lists the valid ones") {
  std::string error;
  CHECK(CreateReporter("tsv", &error) == nullptr);
  CHECK(error == "Unknown reporter 'tsv'. Valid reporters: cells console csv html json markdown");
}

TEST_CASE("CurrentReportContext fills the environment") {
  const ReportContext context = CurrentReportContext();
  CHECK(context.date.size() == 20);  // 2024-05-01T12:00:00Z
  CHECK(context.date.back() == 'Z');
  CHECK_FALSE(context.host.empty());
  CHECK_FALSE(context.git_commit.empty());
  CHECK((context.build_type == "release" || context.build_type == "debug"));
}

TEST_CASE("Console reporter: the ranking, its tie groups and the validation count") {
  const std::string text = Render("console");
  CHECK_THAT(text, Contains("rank    theory"));
  // One cell of one family: both scored theories are preliminary, the others unscored.
  CHECK_THAT(text,
             Contains("prelim  kernel/sgw             1 (1)        1   0      0          "
                      "100%        0.020  yes"));
  CHECK_THAT(text, Contains("prelim  baseline/const (null)  1 (1)"));
  CHECK_THAT(text, Contains("-       rf/broken"));
  CHECK_THAT(text, Contains("tie groups: none ranked"));
  CHECK_THAT(text,
             Contains("preliminary (< 10 compared cells or < 2 families): kernel/sgw, "
                      "baseline/const"));
  CHECK_THAT(text, Contains("validation on home targets (never ranked): 0 of 0"));
  CHECK(text.find("FAILED: root finder diverged") == std::string::npos);  // cells: --cells
}

TEST_CASE("Cells reporter: one line per cell") {
  const std::string text = Render("cells");
  CHECK_THAT(text, Contains("1.020 [0.970, 1.070]"));
  CHECK_THAT(text, Contains("1.000 [0.960, 1.040]"));
  CHECK_THAT(text, Contains("n/a: needs spectrum_decay > 1"));
  CHECK_THAT(text, Contains("FAILED: root finder diverged"));
}

TEST_CASE("Markdown reporter: provenance, ranking, per-target cells") {
  const std::string text = Render("markdown");
  CHECK_THAT(text, Contains("# scalebench leaderboard"));
  CHECK_THAT(text, Contains("- Suite: default"));
  CHECK_THAT(text, Contains("- Reproduce: `scalebench run --suite default`"));
  CHECK_THAT(text, Contains("- Config hash: `00ff00ff00ff00ff`"));
  CHECK_THAT(text, Contains("| rank | theory | cells (fam) | vs | beats | beaten by |"));
  CHECK_THAT(text, Contains("| prelim | kernel/sgw | 1 (1) | 1 | 0 | 0 | 100% | 0.020 | yes |"));
  CHECK_THAT(text, Contains("Tie groups: none ranked."));
  CHECK_THAT(text, Contains("## Validation on home targets (never ranked)"));
  CHECK_THAT(text, Contains("## Pairwise comparisons (away cells)"));
  CHECK_THAT(text, Contains("| baseline/const | kernel/sgw | 1 | 1 | 0.480 ["));
  CHECK_THAT(text, Contains("### gaussian/a2_b1.5 (data axis)"));
  CHECK_THAT(text,
             Contains("Measured exponent: 1.000 [0.960, 1.040] (95% CI), fit converged; exact "
                      "exponent: 1.000"));
  CHECK_THAT(text, Contains("| rf/mrs | - | - | - | - | - | n/a: needs spectrum_decay > 1 |"));
  CHECK_THAT(text, Contains("| rf/broken | - | - | - | - | - | FAILED: root finder diverged |"));
  CHECK_THAT(text, Contains("ok (a - 1)"));
  // The curve's diagnostics sit under its measured exponent.
  CHECK_THAT(text, Contains("| size | row_norm_share |"));
  CHECK_THAT(text, Contains("| 32 | 0.500 |"));
  CHECK_THAT(text, Contains("- `row_norm_share`: share of rows with norm > 1/2"));
  // The joint (N, D) fits, measured and not scored, before the cells.
  CHECK_THAT(text, Contains("## Joint (N, D) fits (measured, not scored)"));
  CHECK_THAT(text,
             Contains("| transformer/kjv_char | 96 | 0.440 [0.300, 0.600] | 0.200 [0.180, 0.260] "
                      "| 0.500 [0.100, 0.900] | 0.310 [0.170, 0.620] | 0.690 [0.380, 0.830] | "
                      "converged |"));
  CHECK(text.find("## Joint (N, D) fits") < text.find("## Cells"));
}

TEST_CASE("JSON reporter: curve notes with their seed means") {
  const auto j = nlohmann::json::parse(Render("json"));
  REQUIRE(j.at("curve_notes").size() == 1);
  const auto& note = j.at("curve_notes")[0];
  CHECK(note.at("target") == "gaussian/a2_b1.5");
  CHECK(note.at("axis") == "data");
  CHECK(note.at("name") == "row_norm_share");
  CHECK(note.at("seed_means")[1] == 0.5);
}

TEST_CASE("JSON reporter: joint (N, D) fits with their intervals and allocation exponents") {
  const auto j = nlohmann::json::parse(Render("json"));
  REQUIRE(j.at("joint_fits").size() == 1);
  const auto& joint = j.at("joint_fits")[0];
  CHECK(joint.at("target") == "transformer/kjv_char");
  CHECK(joint.at("fit").at("status") == "converged");
  CHECK(joint.at("fit").at("params_exponent") == 0.44);
  CHECK(joint.at("fit").at("data_allocation_ci").at("upper") == 0.83);
}

TEST_CASE("JSON reporter: context first, rows, cells with n/a apart from failed") {
  const std::string text = Render("json");
  CHECK(text.rfind("{\n  \"context\"", 0) == 0);  // the context block opens the file
  const auto j = nlohmann::json::parse(text);
  CHECK(j["context"]["json_schema_version"] == 3);
  CHECK(j["context"]["suite"] == "default");
  CHECK(j["context"]["config_hash"] == "00ff00ff00ff00ff");
  CHECK(j["context"]["seconds"] == 12.5);
  CHECK(j["context"].contains("git_commit"));
  CHECK(j["context"].contains("host"));
  CHECK(j["context"].contains("build_type"));
  CHECK(j["baseline_theory"] == "baseline/const");
  REQUIRE(j["leaderboard"].size() == 4);
  CHECK(j["leaderboard"][0]["theory"] == "kernel/sgw");
  CHECK(j["leaderboard"][0]["standing"] == "preliminary");
  CHECK(j["leaderboard"][0]["rank"].is_null());
  CHECK(j["leaderboard"][0]["compared_cells"] == 1);
  CHECK(j["ranking"]["tie_groups"].empty());
  CHECK(j["ranking"]["pairs"].size() == 1);
  CHECK(j["ranking"]["options"]["bootstrap_resamples"] == 2000);
  CHECK(j["leaderboard"][0]["mean_abs_error"].get<double>() == Approx(0.02));
  CHECK(j["leaderboard"][0]["skill"].get<double>() == Approx(0.96));
  CHECK(j["leaderboard"][3]["rank"].is_null());
  REQUIRE(j["cells"].size() == 4);
  for (const auto& cell : j["cells"]) {
    if (cell["theory"] == "rf/mrs") {
      CHECK(cell["status"] == "not_applicable");
      CHECK(cell["not_applicable_reason"] == "needs spectrum_decay > 1");
      CHECK_FALSE(cell.contains("error"));
      CHECK_FALSE(cell.contains("predicted"));
    } else if (cell["theory"] == "rf/broken") {
      CHECK(cell["status"] == "failed");
      CHECK(cell["error"] == "root finder diverged");
      CHECK_FALSE(cell.contains("not_applicable_reason"));
    } else if (cell["theory"] == "kernel/sgw") {
      CHECK(cell["predicted"]["value"].get<double>() == Approx(1.02));
      CHECK(cell["inside_ci"] == true);
      CHECK(cell["measured_ci"]["lower"].get<double>() == Approx(0.96));
      CHECK(cell["exact"] == 1.0);
      CHECK(cell["curve_error"].is_null());
      CHECK(cell["z"].get<double>() > 0);
      CHECK(cell["consistent"] == true);
    }
  }
}

TEST_CASE("WriteReportFile: writes atomically, an unwritable path is named") {
  testing::ScratchDir dir;
  std::string error;
  REQUIRE(WriteReportFile(
      "markdown", dir / "out/LEADERBOARD.md", SmallContext(), SmallBoard(), &error));
  CHECK_THAT(testing::ReadFile(dir / "out/LEADERBOARD.md"), Contains("# scalebench leaderboard"));
  CHECK_FALSE(
      WriteReportFile("json", "/proc/x/leaderboard.json", SmallContext(), SmallBoard(), &error));
  CHECK_THAT(error, Contains("/proc/x/leaderboard.json"));
}

TEST_CASE("Table: aligned columns") {
  Table table({"a", "long header"});
  table.AddRow({"wide cell", "x"});
  std::ostringstream out;
  table.Print(out);
  CHECK(out.str() == "a          long header\n---------  -----------\nwide cell  x\n");
  CHECK(FormatNumber(std::nan("")) == "-");
  CHECK(FormatShare(0.5) == "50%");
}

}  // namespace
}  // namespace scalebench
