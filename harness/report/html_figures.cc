// The Vega-Lite specs of report.html (see html_report.h). Each spec is self-contained (data
// inline) so that it can be reused outside the page, e.g. with Altair.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "harness/report/html_report.h"
#include "harness/report/table.h"

namespace scalebench {
namespace {

using nlohmann::json;

constexpr char kSchema[] = "https://vega.github.io/schema/vega-lite/v6.json";
// The fitted curve and the slope lines are drawn through this many sizes (smooth enough at the
// figures' size; the page grows with them).
constexpr int kFitPoints = 24;
constexpr int kSlopePoints = 12;

// What HeatmapValue is, for the heat-map's legend: switch the two together.
constexpr char kHeatmapLabel[] = "predicted - measured exponent";

bool Drawable(double loss) {
  return std::isfinite(loss) && loss > 0.0;
}

// The fitted curve at size x: E + A x^-alpha (E = 0 for the pure power law).
double FittedLoss(const FitSummary& fit, double x) {
  const double offset =
      fit.form == CurveForm::kPowerLaw || !std::isfinite(fit.offset) ? 0.0 : fit.offset;
  return offset + fit.amplitude * std::pow(x, -fit.exponent);
}

bool FitDrawable(const FitSummary& fit) {
  return fit.status != FitStatus::kFailed && std::isfinite(fit.amplitude) &&
         std::isfinite(fit.exponent) && std::isfinite(fit.fit_min_size) &&
         std::isfinite(fit.fit_max_size) && fit.fit_min_size > 0;
}

std::vector<double> LogGrid(double lo, double hi, int n) {
  std::vector<double> grid;
  for (int i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
    grid.push_back(std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo))));
  }
  return grid;
}

json Rounded(double x) {
  if (!std::isfinite(x)) return nullptr;
  // Six significant digits keep the page small and lose nothing a figure can show.
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", x);
  return std::stod(text);
}

std::string AxisLabel(Axis axis) {
  switch (axis) {
    case Axis::kData:
      return "data size D (samples or tokens)";
    case Axis::kParams:
      return "parameters N";
    case Axis::kWidth:
      return "width";
    case Axis::kSteps:
      return "training steps t";
    case Axis::kCompute:
      return "training compute C (FLOPs); loss: the lower envelope over model sizes";
  }
  return ToString(axis);
}

// A theory's prediction as points (size, loss): its own curve when it gave one at the design's
// sizes, else a line of its predicted exponent through the fitted curve at the geometric midpoint
// x_mid of the fitted sizes, with the fit's offset: E + (L_fit(x_mid) - E) (x / x_mid)^-e.
void AddPrediction(const std::string& theory,
                   const std::string& profile,
                   const Estimate& exponent,
                   const std::vector<double>& curve,
                   const ReportCurve& measured,
                   json* values) {
  auto add = [&](double x, double loss, const char* how) {
    if (!Drawable(loss)) return;
    values->push_back({{"kind", "prediction"},
                       {"theory", theory},
                       {"profile", profile},
                       {"how", how},
                       {"exponent", Rounded(exponent.value)},
                       {"size", Rounded(x)},
                       {"loss", Rounded(loss)}});
  };
  if (!curve.empty() && curve.size() == measured.sizes.size()) {
    for (std::size_t i = 0; i < curve.size(); ++i) add(measured.sizes[i], curve[i], "curve");
    return;
  }
  const FitSummary& fit = measured.fit;
  if (!FitDrawable(fit) || !std::isfinite(exponent.value)) return;
  const double offset =
      fit.form == CurveForm::kPowerLaw || !std::isfinite(fit.offset) ? 0.0 : fit.offset;
  const double x_mid = std::sqrt(fit.fit_min_size * fit.fit_max_size);
  const double reducible = FittedLoss(fit, x_mid) - offset;
  for (double x : LogGrid(measured.sizes.front(), measured.sizes.back(), kSlopePoints))
    add(x, offset + reducible * std::pow(x / x_mid, -exponent.value), "slope");
}

ReportFigure CurveFigure(const ReportCurve& c,
                         const std::vector<const Cell*>& cells,
                         const std::string& id) {
  json values = json::array();
  for (std::size_t i = 0; i < c.sizes.size(); ++i) {
    if (Drawable(c.min_loss[i]) && Drawable(c.max_loss[i])) {
      values.push_back({{"kind", "band"},
                        {"size", Rounded(c.sizes[i])},
                        {"lo", Rounded(c.min_loss[i])},
                        {"hi", Rounded(c.max_loss[i])}});
    }
    if (Drawable(c.mean_loss[i])) {
      values.push_back(
          {{"kind", "mean"}, {"size", Rounded(c.sizes[i])}, {"loss", Rounded(c.mean_loss[i])}});
    }
  }
  const FitSummary& fit = c.fit;
  if (FitDrawable(fit)) {
    for (double x : LogGrid(fit.fit_min_size, fit.fit_max_size, kFitPoints)) {
      const double loss = FittedLoss(fit, x);
      if (Drawable(loss))
        values.push_back({{"kind", "fit"}, {"size", Rounded(x)}, {"loss", Rounded(loss)}});
    }
  }
  for (const Cell* cell : cells) {
    if (cell->status == PredictionStatus::kPredicted)
      AddPrediction(
          cell->theory, "measured profile", cell->predicted, cell->predicted_curve, c, &values);
    if (cell->has_oracle && cell->oracle_status == PredictionStatus::kPredicted)
      AddPrediction(
          cell->theory, "oracle profile", cell->oracle_predicted, cell->oracle_curve, c, &values);
  }

  const json x = {{"field", "size"},
                  {"type", "quantitative"},
                  {"scale", {{"type", "log"}, {"nice", false}}},
                  {"title", AxisLabel(c.axis)}};
  const json y = {{"field", "loss"},
                  {"type", "quantitative"},
                  {"scale", {{"type", "log"}}},
                  {"title", "loss (" + c.loss + ")"}};
  auto only = [](const std::string& test) { return json::array({{{"filter", test}}}); };
  json layers = json::array();
  layers.push_back({{"transform", only("datum.kind === 'band'")},
                    {"mark", {{"type", "area"}, {"color", "#9e9e9e"}, {"opacity", 0.35}}},
                    {"encoding",
                     {{"x", x},
                      {"y", {{"field", "lo"}, {"type", "quantitative"}, {"scale", y["scale"]}}},
                      {"y2", {{"field", "hi"}}}}}});
  layers.push_back({{"transform", only("datum.kind === 'fit'")},
                    {"mark", {{"type", "line"}, {"color", "black"}, {"strokeWidth", 2}}},
                    {"encoding", {{"x", x}, {"y", y}}}});
  layers.push_back(
      {{"transform", only("datum.kind === 'prediction'")},
       {"mark", {{"type", "line"}, {"strokeWidth", 1.5}}},
       {"encoding",
        {{"x", x},
         {"y", y},
         {"color",
          {{"field", "theory"},
           {"type", "nominal"},
           {"scale", {{"scheme", "tableau20"}}},
           {"legend", {{"title", "prediction"}, {"orient", "right"}, {"labelLimit", 240}}}}},
         {"strokeDash",
          {{"field", "profile"},
           {"type", "nominal"},
           {"scale",
            {{"domain", {"measured profile", "oracle profile"}},
             {"range", {json::array({1, 0}), json::array({6, 4})}}}},
           {"legend", {{"title", "from"}}}}},
         {"detail", json::array({{{"field", "theory"}}, {{"field", "profile"}}})},
         {"tooltip",
          json::array({{{"field", "theory"}},
                       {{"field", "profile"}},
                       {{"field", "exponent"}, {"title", "predicted exponent"}},
                       {{"field", "how"}, {"title", "drawn as"}}})}}}});
  layers.push_back(
      {{"transform", only("datum.kind === 'mean'")},
       {"mark", {{"type", "point"}, {"filled", true}, {"color", "black"}, {"size", 36}}},
       {"encoding",
        {{"x", x},
         {"y", y},
         {"tooltip",
          json::array({{{"field", "size"}}, {{"field", "loss"}, {"title", "mean loss"}}})}}}});

  std::string subtitle = "measured exponent " + FormatWithInterval(fit.exponent, fit.exponent_ci) +
                         " (" + ToString(fit.status) + ", " + ToString(fit.form) +
                         "); band: min-max over " + std::to_string(c.seeds) + " seeds";
  ReportFigure figure;
  figure.id = id;
  figure.section = "curves";
  figure.title = c.target + " [" + ToString(c.axis) + "]";
  figure.spec = {{"$schema", kSchema},
                 {"title", {{"text", figure.title}, {"subtitle", subtitle}}},
                 {"width", 380},
                 {"height", 260},
                 {"data", {{"values", values}}},
                 {"layer", layers}};
  return figure;
}

ReportFigure HeatmapFigure(const Leaderboard& board) {
  json values = json::array();
  for (const Cell& cell : board.cells) {
    json row = {{"theory", cell.theory},
                {"column", cell.target + " [" + ToString(cell.axis) + "]"},
                {"home", cell.home ? "home (validation)" : "away"},
                {"status", CellStatusText(cell)}};
    if (cell.scored()) {
      row["value"] = Rounded(HeatmapValue(cell));
      row["predicted"] = Rounded(cell.predicted.value);
      row["measured"] = Rounded(cell.measured);
    }
    values.push_back(row);
  }
  // Rows in ranking order, columns in measurement order.
  json theories = json::array();
  for (const TheoryRow& row : board.rows) theories.push_back(row.theory);
  json columns = json::array();
  std::set<std::string> seen;
  for (const Cell& cell : board.cells) {
    const std::string column = cell.target + " [" + ToString(cell.axis) + "]";
    if (seen.insert(column).second) columns.push_back(column);
  }
  const json x = {{"field", "column"},
                  {"type", "nominal"},
                  {"sort", columns},
                  {"title", "target [axis]"},
                  {"axis", {{"labelAngle", -60}, {"labelLimit", 220}}}};
  const json y = {{"field", "theory"},
                  {"type", "nominal"},
                  {"sort", theories},
                  {"title", nullptr},
                  {"axis", {{"labelLimit", 320}}}};
  json layers = json::array();
  layers.push_back({{"mark", {{"type", "rect"}, {"color", "#eeeeee"}}},
                    {"encoding", {{"x", x}, {"y", y}, {"tooltip", {{"field", "status"}}}}}});
  layers.push_back(
      {{"transform", json::array({{{"filter", "isValid(datum.value)"}}})},
       {"mark", {{"type", "rect"}}},
       {"encoding",
        {{"x", x},
         {"y", y},
         {"color",
          {{"field", "value"},
           {"type", "quantitative"},
           {"scale",
            {{"scheme", "redblue"}, {"reverse", true}, {"domain", {-1, 1}}, {"clamp", true}}},
           {"legend", {{"title", kHeatmapLabel}}}}},
         {"tooltip",
          json::array({{{"field", "theory"}},
                       {{"field", "column"}, {"title", "target [axis]"}},
                       {{"field", "predicted"}},
                       {{"field", "measured"}},
                       {{"field", "value"}, {"title", kHeatmapLabel}},
                       {{"field", "home"}}})}}}});
  layers.push_back({{"transform", json::array({{{"filter", "datum.home !== 'away'"}}})},
                    {"mark", {{"type", "text"}, {"text", "H"}, {"fontSize", 9}}},
                    {"encoding", {{"x", x}, {"y", y}}}});
  ReportFigure figure;
  figure.id = "fig-heatmap";
  figure.section = "heatmap";
  figure.title = "Exponent error per theory and target";
  figure.spec = {{"$schema", kSchema},
                 {"title",
                  {{"text", figure.title},
                   {"subtitle",
                    std::string("colour: ") + kHeatmapLabel +
                        ", clamped to [-1, 1]; grey: no score (n/a, failed "
                        "or unusable fit); H: the theory's home target (validation, not ranked)"}}},
                 {"width", {{"step", 16}}},
                 {"height", {{"step", 16}}},
                 {"data", {{"values", values}}},
                 {"layer", layers}};
  return figure;
}

std::vector<ReportFigure> HistoryFigures(const std::vector<TrendPoint>& history) {
  json values = json::array();
  for (const TrendPoint& p : history) {
    values.push_back({{"theory", p.theory},
                      {"run", p.run_id > 0 ? "#" + std::to_string(p.run_id) : "this run"},
                      {"order", p.run_id > 0 ? p.run_id : std::numeric_limits<int>::max()},
                      {"date", p.date},
                      {"commit", p.git_commit.substr(0, 12)},
                      {"mae", Rounded(p.mean_abs_error)},
                      {"predict_ms", Rounded(1e3 * p.predict_seconds)}});
  }
  const json x = {{"field", "run"},
                  {"type", "ordinal"},
                  {"sort", {{"field", "order"}}},
                  {"title", "run (oldest first)"}};
  const json color = {{"field", "theory"},
                      {"type", "nominal"},
                      {"scale", {{"scheme", "tableau20"}}},
                      {"legend", {{"labelLimit", 240}}}};
  auto chart = [&](const std::string& id,
                   const std::string& title,
                   const std::string& field,
                   const std::string& y_title) {
    ReportFigure figure;
    figure.id = id;
    figure.section = "history";
    figure.title = title;
    figure.spec = {{"$schema", kSchema},
                   {"title", title},
                   {"width", 520},
                   {"height", 260},
                   {"data", {{"values", values}}},
                   {"transform", json::array({{{"filter", "isValid(datum." + field + ")"}}})},
                   {"mark", {{"type", "line"}, {"point", true}}},
                   {"encoding",
                    {{"x", x},
                     {"y", {{"field", field}, {"type", "quantitative"}, {"title", y_title}}},
                     {"color", color},
                     {"tooltip",
                      json::array({{{"field", "theory"}},
                                   {{"field", "run"}},
                                   {{"field", "date"}},
                                   {{"field", "commit"}},
                                   {{"field", field}, {"title", y_title}}})}}}};
    return figure;
  };
  return {chart("fig-history-error",
                "Mean |exponent error| per theory over runs",
                "mae",
                "mean |predicted - measured|"),
          chart("fig-history-runtime",
                "Prediction runtime per theory over runs",
                "predict_ms",
                "predict time (ms, all cells)")};
}

}  // namespace

double HeatmapValue(const Cell& cell) {
  return cell.predicted.value - cell.measured;
}

ReportCurve MakeReportCurve(const std::string& target,
                            const LearningCurve& curve,
                            const FitSummary& fit) {
  ReportCurve c;
  c.target = target;
  c.axis = curve.axis;
  c.loss = curve.loss;
  c.sizes = curve.sizes;
  c.seeds = static_cast<int>(curve.num_seeds());
  c.fit = fit;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < curve.num_sizes(); ++i) {
    double lo = nan, hi = nan;
    for (double loss : curve.values[i]) {
      if (std::isnan(loss)) continue;
      lo = std::isnan(lo) ? loss : std::min(lo, loss);
      hi = std::isnan(hi) ? loss : std::max(hi, loss);
    }
    c.mean_loss.push_back(curve.MeanLoss(i));
    c.min_loss.push_back(lo);
    c.max_loss.push_back(hi);
  }
  return c;
}

std::vector<ReportFigure> ReportFigures(const Leaderboard& board,
                                        const std::vector<ReportCurve>& curves,
                                        const std::vector<TrendPoint>& history) {
  std::vector<ReportFigure> figures;
  if (!board.cells.empty()) figures.push_back(HeatmapFigure(board));
  for (std::size_t i = 0; i < curves.size(); ++i) {
    std::vector<const Cell*> cells;
    for (const Cell& cell : board.cells) {
      if (cell.target == curves[i].target && cell.axis == curves[i].axis) cells.push_back(&cell);
    }
    figures.push_back(CurveFigure(curves[i], cells, "fig-curve-" + std::to_string(i + 1)));
  }
  if (!history.empty()) {
    for (ReportFigure& figure : HistoryFigures(history)) figures.push_back(std::move(figure));
  }
  return figures;
}

}  // namespace scalebench
