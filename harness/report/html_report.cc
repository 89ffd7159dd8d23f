#include "harness/report/html_report.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/report/reporters_internal.h"
#include "harness/report/table.h"

namespace scalebench {
namespace {

// The bundles, in load order (vega-embed needs the other two as globals).
constexpr const char* kBundles[][2] = {
    {"vega", "vega/build/vega.min.js"},
    {"vega-lite", "vega-lite/build/vega-lite.min.js"},
    {"vega-embed", "vega-embed/build/vega-embed.min.js"},
};

// Text inside <script> ends at the first "</script". The bundles are searched for it (the pinned
// ones have none; a string or regular expression holding it would still read the same as
// "<\/script"), and their source-map comments, which point at files the page does not have,
// are dropped.
std::string BundleText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("//# sourceMappingURL=", 0) == 0) continue;
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (line[i] == '<' && line.compare(i + 1, 7, "/script") == 0) out += '\\';
    }
    out += '\n';
  }
  return out;
}

// JSON inside <script>: "</" occurs only inside strings, where "<\/" means the same.
std::string JsonScriptText(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    out += json[i];
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') out += '\\';
  }
  return out;
}

// The validation table: every home cell (the theory on the model it was derived on). "pass" is
// the prediction inside the measured CI.
Table ValidationTable(const Leaderboard& board) {
  Table table(
      {"theory", "target", "axis", "predicted", "measured [95% CI]", "exact", "|err|", "result"});
  for (const Cell& cell : board.cells) {
    if (!cell.home) continue;
    std::string result = CellStatusText(cell);
    if (cell.scored()) result = cell.inside_ci ? "pass" : "fail";
    table.AddRow(
        {cell.theory,
         cell.target,
         ToString(cell.axis),
         cell.status == PredictionStatus::kPredicted ? FormatEstimate(cell.predicted) : "-",
         FormatWithInterval(cell.measured, cell.measured_ci),
         FormatNumber(cell.exact),
         FormatNumber(cell.abs_error),
         result});
  }
  return table;
}

constexpr char kStyle[] = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1500px;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.context { color: #555; }
.context code { font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
tr:nth-child(even) td { background: #fafafa; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; }
.figure { border: 1px solid #eee; padding: 4px; min-width: 200px; min-height: 100px; }
.note { color: #555; max-width: 1100px; }
nav a { margin-right: 1em; }
)css";

// Renders every figure and records the outcome on its element (data-rendered) and on <body>
// (data-figures: "rendered" or "failed"), which scripts/report/check-report.mjs waits for.
constexpr char kRenderScript[] = R"js(
(function () {
  var figures = JSON.parse(document.getElementById('scalebench-figures').textContent);
  var pending = figures.length, failed = 0;
  function done() {
    if (--pending === 0) document.body.dataset.figures = failed ? 'failed' : 'rendered';
  }
  if (pending === 0) document.body.dataset.figures = 'rendered';
  figures.forEach(function (figure) {
    var element = document.getElementById(figure.id);
    vegaEmbed(element, figure.spec, {
      renderer: 'svg',
      actions: {export: true, source: true, compiled: false, editor: false}
    }).then(function () {
      element.dataset.rendered = 'true';
      done();
    }).catch(function (error) {
      element.dataset.rendered = 'false';
      failed++;
      console.error('scalebench figure ' + figure.id + ' failed: ' + error);
      done();
    });
  });
})();
)js";

void Section(std::ostream& out, const char* id, const char* title) {
  out << "<h2 id=\"" << id << "\">" << title << "</h2>\n";
}

void FigureDivs(const std::vector<ReportFigure>& figures,
                const std::string& section,
                std::ostream& out) {
  out << "<div class=\"figures\">\n";
  for (const ReportFigure& f : figures) {
    if (f.section != section) continue;
    out << "<div class=\"figure\" id=\"" << EscapeHtml(f.id) << "\" title=\"" << EscapeHtml(f.title)
        << "\"></div>\n";
  }
  out << "</div>\n";
}

}  // namespace

std::unique_ptr<HtmlReporter> HtmlReporter::Create(const HtmlReportOptions& options,
                                                   std::string* error) {
  std::unique_ptr<HtmlReporter> reporter(new HtmlReporter());
  for (const auto& [package, file] : kBundles) {
    const std::string path = options.vega_dir + "/" + file;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || text.str().empty()) {
      *error = std::string("html report: cannot read ") + package + " from " + path +
               " (install the pinned Vega packages with scripts/install-deps.sh, which runs npm "
               "ci in scripts/report)";
      return nullptr;
    }
    reporter->scripts_.emplace_back(package, BundleText(text.str()));
  }
  return reporter;
}

bool HtmlReporter::Report(const ReportContext& c,
                          const Leaderboard& board,
                          std::ostream& out) const {
  const std::vector<ReportFigure> figures = ReportFigures(board, curves_, history_);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>scalebench report: " << EscapeHtml(c.suite) << " suite</title>\n<style>" << kStyle
      << "</style>\n";
  for (const auto& [package, text] : scripts_)
    out << "<script data-package=\"" << package << "\">\n" << text << "</script>\n";
  out << "</head>\n<body>\n<h1>scalebench report: " << EscapeHtml(c.suite) << " suite</h1>\n"
      << "<p class=\"context\">" << EscapeHtml(c.date) << " &middot; commit <code>"
      << EscapeHtml(c.git_commit) << "</code>" << (c.git_dirty ? " (modified tree)" : "")
      << " &middot; " << EscapeHtml(c.host) << " (" << EscapeHtml(c.build_type) << ") &middot; "
      << FormatNumber(c.seconds, 1) << " s &middot; reproduce: <code>" << EscapeHtml(c.command)
      << "</code></p>\n"
      << "<nav><a href=\"#ranking\">Ranking</a>";
  // The user's own experiment gets a link only when the board has its track.
  if (std::any_of(board.tracks.begin(), board.tracks.end(), [](const Ranking& t) {
        return t.track == ToString(Realism::kUserExperiment);
      }))
    out << "<a href=\"#your-experiment\">Your experiment</a>";
  out << "<a href=\"#validation\">Validation</a>";
  if (!board.joint_fits.empty()) out << "<a href=\"#joint\">Joint (N, D) fits</a>";
  out << "<a href=\"#heatmap\">Heat-map</a><a href=\"#curves\">Learning curves</a>"
      << "<a href=\"#history\">History</a></nav>\n";

  Section(out, "ranking", "Ranking");
  internal::RankTable(board).PrintHtml(out, "ranking");
  if (!board.baseline_theory.empty())
    out << "<p class=\"note\">Skill is measured against " << EscapeHtml(board.baseline_theory)
        << ". The columns are explained in the README (\"Reading the leaderboard\").</p>\n";

  // Users' own curves (run --experiment, --corpus): their track and every cell, predicted vs
  // measured, so that a user finds their answer without reading the whole board.
  for (const Ranking& track : board.tracks) {
    if (track.track != ToString(Realism::kUserExperiment)) continue;
    Section(out, "your-experiment", "Your experiment (track user_experiment)");
    internal::TrackTable(track).PrintHtml(out, "your-experiment");
    Table cells({"theory", "target", "axis", "predicted", "measured [95% CI]", "|err|", "status"});
    for (const Cell& cell : board.cells) {
      if (cell.realism != Realism::kUserExperiment) continue;
      cells.AddRow(
          {cell.theory,
           cell.target,
           ToString(cell.axis),
           cell.status == PredictionStatus::kPredicted ? FormatEstimate(cell.predicted) : "-",
           FormatWithInterval(cell.measured, cell.measured_ci),
           FormatNumber(cell.abs_error),
           CellStatusText(cell)});
    }
    cells.PrintHtml(out, "your-experiment-cells");
  }

  Section(out, "validation", "Validation on home targets (not ranked)");
  const Table validation = ValidationTable(board);
  out << "<p class=\"note\">Each theory on the model it was derived on: an implementation check, "
         "not a test. Pass: the prediction lies inside the measured 95% CI.</p>\n";
  if (validation.empty())
    out << "<p>No cell of this run is on a theory's home target.</p>\n";
  else
    validation.PrintHtml(out, "validation");

  if (!board.joint_fits.empty()) {
    Section(out, "joint", "Joint (N, D) fits (measured, not scored)");
    out << "<p class=\"note\">" << EscapeHtml(internal::kJointFitLegend) << "</p>\n";
    internal::JointFitTable(board).PrintHtml(out, "joint");
  }

  Section(out, "heatmap", "Heat-map");
  FigureDivs(figures, "heatmap", out);

  Section(out, "curves", "Learning curves");
  out << "<p class=\"note\">Log-log, one figure per measured curve. Grey band: smallest to largest "
         "loss over the seeds at each size; black points: mean loss over seeds; black line: the "
         "fitted curve over the fitted sizes. Coloured: each applicable theory's prediction, its "
         "own loss curve where it gives one, else a line of its predicted exponent e through the "
         "fit at the geometric midpoint x<sub>m</sub> of the fitted sizes, E + (L(x<sub>m</sub>) "
         "- E)(x/x<sub>m</sub>)<sup>-e</sup> with the fit's offset E. Dashed: the same theory on "
         "the target's oracle profile (its generating parameters).</p>\n";
  FigureDivs(figures, "curves", out);

  Section(out, "history", "History");
  if (history_.empty())
    out << "<p>No history (the run had no history database to read).</p>\n";
  else
    out << "<p class=\"note\">Runs of the " << EscapeHtml(c.suite)
        << " suite in the history database, and this run.</p>\n";
  FigureDivs(figures, "history", out);

  out << "<p class=\"note\">Every figure is a Vega-Lite spec; each one is in the JSON below "
         "(<code>scalebench-figures</code>) and can be reused, e.g. in Python with "
         "<code>altair.Chart.from_dict(spec)</code>; scripts/report/export-figures.mjs writes "
         "them as .vl.json and .svg files.</p>\n";
  nlohmann::json list = nlohmann::json::array();
  for (const ReportFigure& f : figures)
    list.push_back({{"id", f.id}, {"title", f.title}, {"spec", f.spec}});
  out << "<script type=\"application/json\" id=\"scalebench-figures\">\n"
      << JsonScriptText(list.dump()) << "</script>\n<script>" << kRenderScript
      << "</script>\n</body>\n</html>\n";
  return static_cast<bool>(out);
}

}  // namespace scalebench
