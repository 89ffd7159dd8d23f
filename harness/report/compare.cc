#include "harness/report/compare.h"

#include <fmt/core.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "harness/report/table.h"

namespace scalebench {
namespace {

using nlohmann::json;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ95 = 1.959963984540054;
constexpr double kTiny = 1e-12;  // below this a difference is rounding, not a change

double NumberOr(const json& j, const char* key, double fallback = kNan) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

std::optional<double> OptionalNumber(const json& j, const char* key) {
  if (j.contains(key) && j[key].is_number()) return j[key].get<double>();
  return std::nullopt;
}

std::string TextOr(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// The inverse of ToJson(const Cell&) (harness/report/json_convert.cc) for what compare needs.
bool CellFromJson(const json& j, Cell* c, std::string* error) {
  c->theory = TextOr(j, "theory");
  c->family = TextOr(j, "family");
  c->target = TextOr(j, "target");
  const std::string axis = TextOr(j, "axis"), status = TextOr(j, "status");
  if (c->theory.empty() || c->target.empty() || !FromString(axis, &c->axis)) {
    *error = "a cell without theory, target or a valid axis";
    return false;
  }
  if (status == "predicted") {
    c->status = PredictionStatus::kPredicted;
  } else if (status == "not_applicable") {
    c->status = PredictionStatus::kNotApplicable;
  } else if (status == "failed") {
    c->status = PredictionStatus::kFailed;
  } else {
    *error = "cell " + c->theory + " @ " + c->target + ": unknown status '" + status + "'";
    return false;
  }
  const std::string fit = TextOr(j, "fit_status");
  c->fit_status = fit == "converged"          ? FitStatus::kConverged
                  : fit == "not_identifiable" ? FitStatus::kNotIdentifiable
                                              : FitStatus::kFailed;
  c->measured = NumberOr(j, "measured");
  if (j.contains("measured_ci") && j["measured_ci"].is_object())
    c->measured_ci = {NumberOr(j["measured_ci"], "lower"), NumberOr(j["measured_ci"], "upper")};
  c->exact = OptionalNumber(j, "exact");
  c->predict_seconds = NumberOr(j, "predict_seconds", 0.0);
  c->home = j.value("home", false);
  c->dataset_family = TextOr(j, "dataset_family");
  if (c->status == PredictionStatus::kPredicted && j.contains("predicted")) {
    const json& p = j["predicted"];
    c->predicted = {NumberOr(p, "value"), OptionalNumber(p, "lower"), OptionalNumber(p, "upper")};
    c->message = TextOr(j, "note");
    c->abs_error = NumberOr(j, "abs_error");
    c->inside_ci = j.value("inside_ci", json(false)).is_boolean() && j.value("inside_ci", false);
    c->curve_error = OptionalNumber(j, "curve_error");
  } else {
    c->message =
        TextOr(j, c->status == PredictionStatus::kFailed ? "error" : "not_applicable_reason");
  }
  return true;
}

bool LoadFolder(const std::string& folder, ComparedRun* run, std::string* error) {
  const std::string path = folder + "/leaderboard.json";
  std::ifstream in(path);
  if (!in) {
    *error = path +
             ": cannot read (a run is a run id in the history database or a results "
             "folder holding leaderboard.json)";
    return false;
  }
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    *error = path + ": not JSON: " + e.what();
    return false;
  }
  if (!j.contains("cells") || !j["cells"].is_array()) {
    *error = path + ": no \"cells\" array (not a scalebench leaderboard.json)";
    return false;
  }
  const json context = j.value("context", json::object());
  run->label = folder;
  run->info.started_at = TextOr(context, "date");
  run->info.git_commit = TextOr(context, "git_commit");
  run->info.git_dirty = context.value("git_dirty", false);
  run->info.suite = TextOr(context, "suite");
  run->info.command = TextOr(context, "command");
  run->info.seconds = NumberOr(context, "seconds");
  run->info.baseline_theory = TextOr(j, "baseline_theory");
  for (std::size_t i = 0; i < j["cells"].size(); ++i) {
    Cell cell;
    if (!CellFromJson(j["cells"][i], &cell, error)) {
      *error = path + ": cells[" + std::to_string(i) + "]: " + *error;
      return false;
    }
    run->cells.push_back(std::move(cell));
  }
  return true;
}

// Standard error of an estimate from its 95% interval; 0 without one.
double StdError(double lower, double upper) {
  return std::isfinite(lower) && std::isfinite(upper) ? (upper - lower) / (2 * kZ95) : 0.0;
}

bool Differs(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) != std::isnan(b);
  return std::abs(a - b) > kTiny * std::max(1.0, std::abs(a));
}

// Variance of the change of a cell's |err|: the sides that changed bring their uncertainty.
double ChangeVariance(const Cell& a, const Cell& b) {
  double variance = 0;
  if (Differs(a.measured, b.measured)) {
    variance += std::pow(StdError(a.measured_ci.lower, a.measured_ci.upper), 2) +
                std::pow(StdError(b.measured_ci.lower, b.measured_ci.upper), 2);
  }
  if (Differs(a.predicted.value, b.predicted.value)) {
    auto se = [](const Estimate& e) {
      return e.lower && e.upper ? StdError(*e.lower, *e.upper) : 0.0;
    };
    variance += std::pow(se(a.predicted), 2) + std::pow(se(b.predicted), 2);
  }
  return variance;
}

using Key = std::tuple<std::string, std::string, Axis>;
Key KeyOf(const Cell& c) {
  return {c.theory, c.target, c.axis};
}

std::string Rank(int rank) {
  return rank > 0 ? std::to_string(rank) : "-";
}

std::string Describe(const ComparedRun& run) {
  std::string text = run.label;
  if (!run.info.started_at.empty()) text += ", " + run.info.started_at;
  if (!run.info.git_commit.empty())
    text +=
        ", commit " + run.info.git_commit.substr(0, 12) + (run.info.git_dirty ? " (dirty)" : "");
  if (!run.info.suite.empty()) text += ", suite " + run.info.suite;
  return text;
}

}  // namespace

bool LoadComparedRun(const std::string& what,
                     const std::string& db,
                     ComparedRun* run,
                     std::string* error) {
  *run = ComparedRun{};
  const bool is_id = !what.empty() && what.find_first_not_of("0123456789") == std::string::npos;
  if (!is_id) return LoadFolder(what, run, error);
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, error);
  RunRecord record;
  std::map<std::int64_t, std::map<std::string, double>> stages;
  if (!store || !store->LoadRun(std::stoll(what), &record, error) ||
      !store->StageSeconds(&stages, error))
    return false;
  run->label = "run " + what;
  run->info = record.info;
  run->cells = std::move(record.cells);
  run->stage_seconds = stages[record.info.id];
  return true;
}

RunComparison CompareRuns(const ComparedRun& a, const ComparedRun& b) {
  RunComparison result;
  result.a = &a;
  result.b = &b;
  const std::string baseline =
      b.info.baseline_theory.empty() ? a.info.baseline_theory : b.info.baseline_theory;
  const Leaderboard board_a = BuildLeaderboard(a.cells, baseline);
  const Leaderboard board_b = BuildLeaderboard(b.cells, baseline);

  std::map<Key, const Cell*> cells_a;
  for (const Cell& c : a.cells) cells_a[KeyOf(c)] = &c;
  std::set<Key> seen;
  struct Sums {
    double change = 0, variance = 0;
    int common = 0;
    double seconds_a = 0, seconds_b = 0;
    std::vector<double> log_ratios;
  };
  std::map<std::string, Sums> sums;
  for (const Cell& cb : b.cells) {
    seen.insert(KeyOf(cb));
    auto found = cells_a.find(KeyOf(cb));
    CellChange change;
    change.b = &cb;
    change.error_change = kNan;
    if (found == cells_a.end()) {
      change.beyond_noise = true;
      result.cells.push_back(change);
      continue;
    }
    const Cell& ca = *found->second;
    change.a = &ca;
    Sums& s = sums[cb.theory];
    s.seconds_a += ca.predict_seconds;
    s.seconds_b += cb.predict_seconds;
    if (ca.predict_seconds > 0 && cb.predict_seconds > 0)
      s.log_ratios.push_back(std::log(cb.predict_seconds / ca.predict_seconds));
    const bool status_changed = ca.status != cb.status || ca.fit_status != cb.fit_status;
    const bool changed = status_changed || Differs(ca.measured, cb.measured) ||
                         (cb.status == PredictionStatus::kPredicted &&
                          Differs(ca.predicted.value, cb.predicted.value));
    if (ca.scored() && cb.scored()) {
      change.error_change = cb.abs_error - ca.abs_error;
      const double variance = ChangeVariance(ca, cb);
      change.noise = std::sqrt(variance);
      change.beyond_noise =
          std::abs(change.error_change) > kTiny && std::abs(change.error_change) > 2 * change.noise;
      s.change += change.error_change;
      s.variance += variance;
      ++s.common;
    }
    change.beyond_noise = change.beyond_noise || status_changed;
    if (changed)
      result.cells.push_back(change);
    else
      ++result.unchanged_cells;
  }
  for (const Cell& ca : a.cells) {
    if (seen.count(KeyOf(ca)) == 0) {
      CellChange change;
      change.a = &ca;
      change.error_change = kNan;
      change.beyond_noise = true;
      result.cells.push_back(change);
    }
  }

  auto add_theory = [&](const std::string& theory) {
    TheoryChange t;
    t.theory = theory;
    t.mae_a = t.mae_b = kNan;
    for (const TheoryRow& r : board_a.rows) {
      if (r.theory == theory) t.rank_a = r.ranking.rank, t.mae_a = r.mean_abs_error;
    }
    for (const TheoryRow& r : board_b.rows) {
      if (r.theory == theory) t.rank_b = r.ranking.rank, t.mae_b = r.mean_abs_error;
    }
    const Sums& s = sums[theory];
    t.common_cells = s.common;
    t.error_change = s.common > 0 ? s.change / s.common : kNan;
    t.error_noise = s.common > 0 ? std::sqrt(s.variance) / s.common : kNan;
    t.error_beyond_noise = s.common > 0 && std::abs(t.error_change) > kTiny &&
                           std::abs(t.error_change) > 2 * t.error_noise;
    t.predict_seconds_a = s.seconds_a;
    t.predict_seconds_b = s.seconds_b;
    const std::size_t n = s.log_ratios.size();
    if (n >= 2 && s.seconds_a > 0 && std::abs(s.seconds_b / s.seconds_a - 1) > 0.1 &&
        std::abs(s.seconds_b - s.seconds_a) > 1e-3) {
      double mean = 0, squares = 0;
      for (double r : s.log_ratios) mean += r / n;
      for (double r : s.log_ratios) squares += (r - mean) * (r - mean);
      const double se = std::sqrt(squares / (n - 1) / n);
      const double t95 =
          boost::math::quantile(boost::math::students_t(static_cast<double>(n - 1)), 0.975);
      t.runtime_beyond_noise = std::abs(mean) > t95 * se;
    }
    result.theories.push_back(t);
  };
  std::set<std::string> listed;
  for (const TheoryRow& r : board_b.rows) {
    add_theory(r.theory);
    listed.insert(r.theory);
  }
  for (const TheoryRow& r : board_a.rows) {
    if (listed.insert(r.theory).second) add_theory(r.theory);
  }
  return result;
}

void PrintComparison(const RunComparison& c, std::ostream& out) {
  out << "A: " << Describe(*c.a) << "\nB: " << Describe(*c.b) << "\n\n";
  Table theories({"theory",
                  "rank A",
                  "rank B",
                  "MAE A",
                  "MAE B",
                  "common cells",
                  "|err| change [2 se]",
                  "beyond noise",
                  "predict ms A",
                  "predict ms B",
                  "time change",
                  "beyond noise"});
  for (const TheoryChange& t : c.theories) {
    const bool timed = t.predict_seconds_a > 0;
    theories.AddRow(
        {t.theory,
         Rank(t.rank_a),
         Rank(t.rank_b),
         FormatNumber(t.mae_a),
         FormatNumber(t.mae_b),
         std::to_string(t.common_cells),
         t.common_cells > 0 ? fmt::format("{:+.3f} [{:.3f}]", t.error_change, 2 * t.error_noise)
                            : "-",
         t.error_beyond_noise ? (t.error_change < 0 ? "better" : "WORSE") : "no",
         FormatNumber(1e3 * t.predict_seconds_a, 2),
         FormatNumber(1e3 * t.predict_seconds_b, 2),
         timed ? fmt::format("{:+.0f}%", 100 * (t.predict_seconds_b / t.predict_seconds_a - 1))
               : "-",
         t.runtime_beyond_noise ? (t.predict_seconds_b < t.predict_seconds_a ? "faster" : "SLOWER")
                                : "no"});
  }
  out << "Theories (MAE: each run's own; |err| change: mean over the cells scored in both)\n";
  theories.Print(out);

  out << "\nCells that changed: " << c.cells.size() << " (" << c.unchanged_cells << " unchanged)\n";
  if (!c.cells.empty()) {
    Table cells({"theory",
                 "target",
                 "axis",
                 "status A -> B",
                 "predicted A -> B",
                 "measured A -> B",
                 "|err| change [2 se]",
                 "beyond noise"});
    auto status = [](const Cell* cell) {
      if (cell == nullptr) return std::string("(absent)");
      const std::string text = ToString(cell->status);
      return cell->status == PredictionStatus::kPredicted && !cell->scored()
                 ? text + ", fit " + ToString(cell->fit_status)
                 : text;
    };
    auto predicted = [](const Cell* cell) {
      return cell && cell->status == PredictionStatus::kPredicted
                 ? FormatNumber(cell->predicted.value)
                 : std::string("-");
    };
    auto measured = [](const Cell* cell) {
      return cell ? FormatNumber(cell->measured) : std::string("-");
    };
    for (const CellChange& change : c.cells) {
      const Cell& any = change.b ? *change.b : *change.a;
      cells.AddRow({any.theory,
                    any.target,
                    ToString(any.axis),
                    status(change.a) + " -> " + status(change.b),
                    predicted(change.a) + " -> " + predicted(change.b),
                    measured(change.a) + " -> " + measured(change.b),
                    std::isnan(change.error_change)
                        ? "-"
                        : fmt::format("{:+.3f} [{:.3f}]", change.error_change, 2 * change.noise),
                    change.beyond_noise ? "yes" : "no"});
    }
    cells.Print(out);
  }

  std::set<std::string> stages;
  for (const auto& [stage, seconds] : c.a->stage_seconds) stages.insert(stage);
  for (const auto& [stage, seconds] : c.b->stage_seconds) stages.insert(stage);
  if (!stages.empty()) {
    Table table({"stage", "seconds A", "seconds B", "change"});
    for (const std::string& stage : stages) {
      const auto a = c.a->stage_seconds.find(stage), b = c.b->stage_seconds.find(stage);
      const double sa = a == c.a->stage_seconds.end() ? kNan : a->second;
      const double sb = b == c.b->stage_seconds.end() ? kNan : b->second;
      table.AddRow(
          {stage,
           FormatNumber(sa, 3),
           FormatNumber(sb, 3),
           sa > 0 && std::isfinite(sb) ? fmt::format("{:+.0f}%", 100 * (sb / sa - 1)) : "-"});
    }
    out << "\nRuntime per stage (single measurements, not judged)\n";
    table.Print(out);
  }
}

}  // namespace scalebench
