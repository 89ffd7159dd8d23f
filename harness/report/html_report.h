// The HTML report (report.html beside LEADERBOARD.md): one self-contained page that opens offline,
// with the ranking, the validation table of home cells, a theory x target heat-map, one log-log
// figure per measured curve (target x axis: seed band, mean loss, the fitted curve and every
// applicable theory's prediction, oracle predictions dashed) and the history of each theory's
// error and runtime over the suite's runs.
//
// Figures are Vega-Lite specs (JSON with the data inline), drawn in the page by vega-embed.
// Vega, Vega-Lite and vega-embed are read from `HtmlReportOptions::vega_dir` (installed, pinned,
// by scripts/install-deps.sh with npm into scripts/report/node_modules) and inlined, so the file
// needs no network. Each spec can be reused as is, e.g. in Python: alt.Chart.from_dict(spec).
// scripts/report/export-figures.mjs writes every figure as .vl.json and .svg for papers;
// scripts/report/check-report.mjs checks the page in headless Chromium.
//
// Usage (the runner does this):
//   std::string error;
//   auto reporter = HtmlReporter::Create(HtmlReportOptions{}, &error);  // nullptr: Vega missing
//   reporter->set_curves(curves);    // ReportCurve per measured (target, axis); optional
//   reporter->set_history(history);  // TrendPoints of earlier runs and this one; optional
//   reporter->Report(context, board, out);
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"
#include "harness/learning_curve.h"
#include "harness/report/reporter.h"
#include "harness/score/score.h"
#include "harness/store/history_store.h"

namespace scalebench {

// One measured learning curve as the report draws it.
struct ReportCurve {
  std::string target;
  Axis axis = Axis::kData;
  std::string loss;               // the loss's definition (LearningCurve::loss)
  std::vector<double> sizes;      // the design's sizes
  std::vector<double> mean_loss;  // arithmetic mean over the seeds present at each size
  std::vector<double> min_loss;   // the seed band: smallest and largest loss over seeds
  std::vector<double> max_loss;
  int seeds = 0;
  FitSummary fit;
};

// Summarises `curve` (NaN entries skipped) with its fit.
ReportCurve MakeReportCurve(const std::string& target,
                            const LearningCurve& curve,
                            const FitSummary& fit);

struct ReportFigure {
  std::string id;       // HTML element id, unique in the page
  std::string section;  // "heatmap", "curves" or "history"
  std::string title;
  nlohmann::json spec;  // a complete Vega-Lite spec, data inline
};

// Every figure of the report, in page order: the heat-map, one per curve (in the order given),
// then the history charts (when `history` has points).
std::vector<ReportFigure> ReportFigures(const Leaderboard& board,
                                        const std::vector<ReportCurve>& curves,
                                        const std::vector<TrendPoint>& history);

// The value the heat-map colours a scored cell by: today the signed exponent error
// (predicted - measured); the one place to switch to the standardised error z (with its label,
// kHeatmapLabel in html_figures.cc).
double HeatmapValue(const Cell& cell);

struct HtmlReportOptions {
  // The node_modules folder holding vega, vega-lite and vega-embed.
  std::string vega_dir = SCALEBENCH_SOURCE_DIR "/scripts/report/node_modules";
};

class HtmlReporter final : public LeaderboardReporter {
 public:
  // Reads the Vega bundles; nullptr with *error naming the missing file and how to install it.
  static std::unique_ptr<HtmlReporter> Create(const HtmlReportOptions& options, std::string* error);

  void set_curves(std::vector<ReportCurve> curves) { curves_ = std::move(curves); }
  void set_history(std::vector<TrendPoint> history) { history_ = std::move(history); }

  bool Report(const ReportContext& context,
              const Leaderboard& board,
              std::ostream& out) const override;

 private:
  HtmlReporter() = default;

  std::vector<std::pair<std::string, std::string>> scripts_;  // (package, minified bundle)
  std::vector<ReportCurve> curves_;
  std::vector<TrendPoint> history_;
};

}  // namespace scalebench
