// The HTML report: what each figure draws (on synthetic curves and cells, oracle included), and
// that the page is self-contained.
#include "harness/report/html_report.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

// A pure power law L = 2 x^-0.5 at sizes 10..1000, seeds spread by +-10%.
ReportCurve PowerLawCurve() {
  LearningCurve curve;
  curve.axis = Axis::kData;
  curve.loss = "excess_mse";
  curve.sizes = {10, 100, 1000};
  curve.seeds = {1, 2, 3};
  for (double x : curve.sizes) {
    const double l = 2.0 * std::pow(x, -0.5);
    curve.values.push_back({0.9 * l, l, 1.1 * l});
  }
  FitSummary fit;
  fit.status = FitStatus::kConverged;
  fit.form = CurveForm::kPowerLaw;
  fit.amplitude = 2.0;
  fit.exponent = 0.5;
  fit.exponent_ci = {0.45, 0.55};
  fit.fit_min_size = 10;
  fit.fit_max_size = 1000;
  return MakeReportCurve("toy/t", curve, fit);
}

Cell PredictedCell(const std::string& theory, double exponent) {
  Cell cell;
  cell.theory = theory;
  cell.family = theory.substr(0, theory.find('/'));
  cell.target = "toy/t";
  cell.axis = Axis::kData;
  cell.status = PredictionStatus::kPredicted;
  cell.predicted = {exponent, std::nullopt, std::nullopt};
  cell.fit_status = FitStatus::kConverged;
  cell.measured = 0.5;
  cell.measured_ci = {0.45, 0.55};
  ScoreCell({}, &cell);
  return cell;
}

std::vector<json> Rows(const json& spec, const std::string& kind, const std::string& profile = "") {
  std::vector<json> rows;
  for (const json& row : spec["data"]["values"]) {
    if (row.value("kind", "") == kind && (profile.empty() || row.value("profile", "") == profile))
      rows.push_back(row);
  }
  return rows;
}

TEST_CASE("html report: a curve figure draws the seed band, mean, fit and every prediction",
          "[unit][report]") {
  Leaderboard board;
  Cell slope = PredictedCell("k/slope", 1.0);
  slope.has_oracle = true;
  slope.oracle_status = PredictionStatus::kPredicted;
  slope.oracle_predicted = {0.25, std::nullopt, std::nullopt};
  Cell curve = PredictedCell("k/curve", 0.5);
  curve.predicted_curve = {1.0, 0.5, 0.25};
  Cell not_applicable;
  not_applicable.theory = "k/none";
  not_applicable.target = "toy/t";
  not_applicable.status = PredictionStatus::kNotApplicable;
  board.cells = {slope, curve, not_applicable};
  const ReportCurve measured = PowerLawCurve();
  const std::vector<ReportFigure> figures = ReportFigures(board, {measured}, {});
  REQUIRE(figures.size() == 2);  // the heat-map and the curve
  CHECK(figures[0].id == "fig-heatmap");
  const json& spec = figures[1].spec;
  CHECK(figures[1].title == "toy/t [data]");

  // Band: min and max over seeds; mean: the seeds' mean.
  const auto band = Rows(spec, "band");
  REQUIRE(band.size() == 3);
  CHECK(band[1]["lo"].get<double>() == Approx(0.9 * 0.2));
  CHECK(band[1]["hi"].get<double>() == Approx(1.1 * 0.2));
  CHECK(Rows(spec, "mean")[2]["loss"].get<double>() == Approx(2.0 / std::sqrt(1000.0)));
  // The fitted curve over the fitted sizes.
  for (const json& row : Rows(spec, "fit")) {
    CHECK(row["loss"].get<double>() ==
          Approx(2.0 * std::pow(row["size"].get<double>(), -0.5)).epsilon(1e-5));
  }
  // A theory without a curve: a line of its exponent through the fit at the geometric midpoint
  // of the fitted sizes (100, where the fit is 0.2).
  std::vector<json> measured_rows;
  for (const json& row : Rows(spec, "prediction", "measured profile")) {
    if (row["theory"] == "k/slope") measured_rows.push_back(row);
  }
  REQUIRE(measured_rows.size() >= 2);
  for (const json& row : measured_rows) {
    CHECK(row["how"] == "slope");
    CHECK(row["loss"].get<double>() ==
          Approx(0.2 * std::pow(row["size"].get<double>() / 100.0, -1.0)).epsilon(1e-5));
  }
  // A theory with a curve: its own values at the design's sizes.
  std::vector<json> curve_rows;
  for (const json& row : Rows(spec, "prediction")) {
    if (row["theory"] == "k/curve") curve_rows.push_back(row);
  }
  REQUIRE(curve_rows.size() == 3);
  CHECK(curve_rows[2]["how"] == "curve");
  CHECK(curve_rows[2]["loss"].get<double>() == Approx(0.25));
  // The oracle prediction is its own series, drawn dashed.
  const auto oracle = Rows(spec, "prediction", "oracle profile");
  REQUIRE(!oracle.empty());
  CHECK(oracle.front()["theory"] == "k/slope");
  CHECK(oracle.front()["exponent"].get<double>() == Approx(0.25));
  bool dashed = false;
  for (const json& layer : spec["layer"]) {
    const json& encoding = layer["encoding"];
    if (encoding.contains("strokeDash")) {
      CHECK(encoding["strokeDash"]["scale"]["domain"][1] == "oracle profile");
      CHECK(encoding["strokeDash"]["scale"]["range"][1] != json::array({1, 0}));
      dashed = true;
    }
  }
  CHECK(dashed);
  // Not-applicable theories draw nothing.
  for (const json& row : Rows(spec, "prediction")) CHECK(row["theory"] != "k/none");
}

TEST_CASE("html report: the heat-map colours scored cells by predicted minus measured",
          "[unit][report]") {
  const Cell cell = PredictedCell("k/a", 0.7);
  CHECK(HeatmapValue(cell) == Approx(0.2));
  Leaderboard board;
  board.cells = {cell, PredictedCell("k/b", 0.4)};
  board.cells[1].home = true;
  const std::vector<ReportFigure> figures = ReportFigures(board, {}, {});
  const json& values = figures.at(0).spec["data"]["values"];
  REQUIRE(values.size() == 2);
  CHECK(values[0]["value"].get<double>() == Approx(0.2));
  CHECK(values[1]["value"].get<double>() == Approx(-0.1));
  CHECK(values[1]["home"] == "home (validation)");
}

TEST_CASE("html report: history figures plot each theory's error and runtime, this run last",
          "[unit][report]") {
  std::vector<TrendPoint> history = {
      {"k/a", 3, "2024-01-01T00:00:00Z", "abc", 0.2, 1.0, 1, 1, 1, 0.002},
      {"k/a", 0, "2024-01-02T00:00:00Z", "def", 0.1, 1.0, 1, 1, 1, 0.001},
  };
  const std::vector<ReportFigure> figures = ReportFigures(Leaderboard{}, {}, history);
  REQUIRE(figures.size() == 2);
  CHECK(figures[0].id == "fig-history-error");
  CHECK(figures[1].id == "fig-history-runtime");
  const json& values = figures[0].spec["data"]["values"];
  CHECK(values[0]["run"] == "#3");
  CHECK(values[1]["run"] == "this run");
  CHECK(values[1]["order"].get<long long>() > values[0]["order"].get<long long>());
  CHECK(values[0]["predict_ms"].get<double>() == Approx(2.0));
}

TEST_CASE("html report: the page inlines Vega and every figure, and loads nothing remote",
          "[unit][report]") {
  std::string error;
  auto reporter = HtmlReporter::Create(HtmlReportOptions{}, &error);
  INFO(error);
  REQUIRE(reporter != nullptr);
  Leaderboard board;
  Cell odd;
  odd.theory = "k/odd";
  odd.target = "toy/t";
  odd.status = PredictionStatus::kNotApplicable;
  odd.message = "needs </script> escaped";
  board.cells = {PredictedCell("k/slope", 1.0), odd};
  board.rows = {TheoryRow{}};
  board.rows[0].theory = "k/slope";
  reporter->set_curves({PowerLawCurve()});
  ReportContext context;
  context.suite = "default";
  context.git_commit = "0123456789abcdef0123456789abcdef01234567";
  context.git_dirty = true;
  std::ostringstream page;
  REQUIRE(reporter->Report(context, board, page));
  const std::string html = page.str();
  CHECK_THAT(html, Contains("data-package=\"vega-embed\""));
  CHECK_THAT(html, Contains("(modified tree)"));
  CHECK_THAT(html, Contains("<table class=\"ranking\">"));
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("sourceMappingURL") == std::string::npos);
  // The figures' JSON parses back and a "</script>" inside it was escaped.
  const std::string open = "<script type=\"application/json\" id=\"scalebench-figures\">\n";
  const auto begin = html.find(open);
  REQUIRE(begin != std::string::npos);
  const auto end = html.find("</script>", begin);
  const json figures = json::parse(html.substr(begin + open.size(), end - begin - open.size()));
  REQUIRE(figures.size() == 2);
  CHECK(figures[1]["id"] == "fig-curve-1");
  CHECK(html.find("id=\"fig-curve-1\"") != std::string::npos);
  CHECK(figures[0]["spec"]["data"]["values"][1]["status"] == "n/a: needs </script> escaped");
  CHECK(html.find("needs </script>") == std::string::npos);
}

TEST_CASE("html report: the joint (N, D) fits get a section and a link only when there are some",
          "[unit][report]") {
  std::string error;
  auto reporter = HtmlReporter::Create(HtmlReportOptions{}, &error);
  REQUIRE(reporter != nullptr);
  Leaderboard board;
  board.cells = {PredictedCell("k/slope", 1.0)};
  ReportContext context;
  std::ostringstream without;
  REQUIRE(reporter->Report(context, board, without));
  CHECK(without.str().find("id=\"joint\"") == std::string::npos);
  CHECK(without.str().find("href=\"#joint\"") == std::string::npos);

  JointFitNote joint;
  joint.target = "transformer/fortunes_de_char";
  joint.fit.status = FitStatus::kConverged;
  joint.fit.num_points = 96;
  joint.fit.params_exponent = 0.59;
  joint.fit.params_exponent_ci = {0.33, 0.88};
  board.joint_fits.push_back(joint);
  std::ostringstream with;
  REQUIRE(reporter->Report(context, board, with));
  const std::string html = with.str();
  CHECK_THAT(html, Contains("<a href=\"#joint\">Joint (N, D) fits</a>"));
  CHECK_THAT(html, Contains("<h2 id=\"joint\">Joint (N, D) fits (measured, not scored)</h2>"));
  CHECK_THAT(html, Contains("<table class=\"joint\">"));
  CHECK_THAT(html, Contains("transformer/fortunes_de_char"));
  CHECK_THAT(html, Contains("0.590 [0.330, 0.880]"));
}

TEST_CASE("html report: missing Vega files are an error naming the file and the installer",
          "[unit][report]") {
  HtmlReportOptions options;
  options.vega_dir = "/nonexistent/node_modules";
  std::string error;
  CHECK(HtmlReporter::Create(options, &error) == nullptr);
  CHECK_THAT(error, Contains("/nonexistent/node_modules/vega/build/vega.min.js"));
  CHECK_THAT(error, Contains("scripts/install-deps.sh"));
}

}  // namespace
}  // namespace scalebench
