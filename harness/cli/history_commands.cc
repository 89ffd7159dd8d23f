#include "harness/cli/history_commands.h"

#include <fmt/core.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/report/compare.h"
#include "harness/report/reporter.h"
#include "harness/report/table.h"
#include "harness/score/score.h"
#include "harness/store/history_store.h"

namespace scalebench {

int HistoryCommand(const std::string& db,
                   const std::string& theory,
                   const std::string& suite,
                   std::ostream& out,
                   std::ostream& err) {
  std::string error;
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, &error);
  std::vector<RunInfo> runs;
  std::vector<TrendPoint> trend;
  std::map<std::int64_t, std::map<std::string, double>> stages;
  TrendFilter filter;
  filter.theory = theory;
  filter.suite = suite;
  if (!store || !store->ListRuns(&runs, &error) || !store->ErrorTrend(filter, &trend, &error) ||
      !store->StageSeconds(&stages, &error)) {
    err << "scalebench history: " << error << "\n";
    return kExitFailure;
  }
  if (!suite.empty()) {
    std::set<std::string> recorded;
    for (const RunInfo& r : runs) recorded.insert(r.suite);
    std::erase_if(runs, [&](const RunInfo& r) { return r.suite != suite; });
    if (runs.empty() && !recorded.empty()) {
      err << "scalebench history: no runs of suite '" << suite << "' in " << db
          << ". Recorded suites:";
      for (const auto& name : recorded) err << " " << name;
      err << "\n";
      return kExitUsage;
    }
  }
  if (!theory.empty() && trend.empty()) {
    std::vector<TrendPoint> all;
    store->ErrorTrend("", &all, &error);
    std::set<std::string> recorded;
    for (const auto& p : all) recorded.insert(p.theory);
    err << "scalebench history: no runs of theory '" << theory << "' in " << db
        << ". Recorded theories:";
    for (const auto& name : recorded) err << " " << name;
    err << "\n";
    return kExitUsage;
  }
  if (runs.empty()) {
    out << "No runs recorded in " << db << ".\n";
    return kExitOk;
  }
  std::map<std::int64_t, const TrendPoint*> best;  // lowest MAE per run
  for (const auto& p : trend) {
    if (std::isnan(p.mean_abs_error)) continue;
    auto& b = best[p.run_id];
    if (b == nullptr || p.mean_abs_error < b->mean_abs_error) b = &p;
  }
  // Summed over the run's rows: "run" and "run_cpu" over its computed training runs (wall and,
  // where measured, CPU seconds; with several jobs the wall seconds overlap).
  const std::vector<std::string> stage_names = {
      "probe", "run", "run_cpu", "fit", "predict", "report"};
  std::vector<std::string> header = {"run", "date", "commit", "suite", "status", "seconds"};
  for (const auto& stage : stage_names) header.push_back(stage + " s");
  header.push_back("best (MAE)");
  Table table(header);
  for (const RunInfo& r : runs) {
    auto b = best.find(r.id);
    std::vector<std::string> row = {std::to_string(r.id),
                                    r.started_at,
                                    r.git_commit.substr(0, 12) + (r.git_dirty ? " (dirty)" : ""),
                                    r.suite,
                                    r.status,
                                    FormatNumber(r.seconds, 1)};
    for (const auto& stage : stage_names) {
      const auto& run_stages = stages[r.id];
      auto found = run_stages.find(stage);
      row.push_back(found == run_stages.end() ? "-" : FormatNumber(found->second, 2));
    }
    row.push_back(b == best.end()
                      ? "-"
                      : b->second->theory + " (" + FormatNumber(b->second->mean_abs_error) + ")");
    table.AddRow(row);
  }
  out << "Runs in " << db << " (newest first)\n";
  table.Print(out);
  Table trend_table({"theory", "run", "date", "commit", "MAE", "change", "coverage", "predict ms"});
  const TrendPoint* previous = nullptr;
  for (const auto& p : trend) {
    if (previous != nullptr && previous->theory != p.theory) previous = nullptr;
    const bool comparable = previous != nullptr && !std::isnan(previous->mean_abs_error);
    trend_table.AddRow(
        {p.theory,
         std::to_string(p.run_id),
         p.date,
         p.git_commit.substr(0, 12),
         FormatNumber(p.mean_abs_error),
         comparable ? fmt::format("{:+.3f}", p.mean_abs_error - previous->mean_abs_error) : "-",
         FormatFraction(p.cells_applicable, p.cells_total),
         FormatNumber(1e3 * p.predict_seconds, 2)});
    previous = &p;
  }
  out << "\nError trend per theory (oldest run first)\n";
  trend_table.Print(out);
  return kExitOk;
}

int ShowCommand(const std::string& db, std::int64_t run_id, std::ostream& out, std::ostream& err) {
  std::string error;
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, &error);
  RunRecord run;
  if (!store || !store->LoadRun(run_id, &run, &error)) {
    err << "scalebench show: " << error << "\n";
    return kExitFailure;
  }
  ReportContext context;
  context.date = run.info.started_at;
  context.host = run.info.host;
  context.git_commit = run.info.git_commit;
  context.suite = run.info.suite;
  context.command = run.info.command;
  context.config_hash = run.info.config_hash;
  context.seconds = run.info.seconds;
  out << "Run " << run.info.id << " (" << run.info.status << ", "
      << FormatNumber(run.info.seconds, 1) << " s): " << run.info.command << "\n";
  const Leaderboard board = BuildLeaderboard(run.cells, run.info.baseline_theory);
  WriteReport("cells", context, board, out);
  out << "\n";
  WriteReport("console", context, board, out);
  if (!run.fits.empty()) {
    Table fits({"target",
                "axis",
                "form",
                "exponent [CI]",
                "status",
                "sizes x seeds",
                "cached",
                "seconds"});
    for (const FitRecord& f : run.fits) {
      fits.AddRow(
          {f.target,
           ToString(f.axis),
           ToString(f.summary.form),
           FormatWithInterval(f.summary.exponent, f.summary.exponent_ci),
           ToString(f.summary.status),
           std::to_string(f.summary.num_sizes) + " x " + std::to_string(f.summary.num_seeds),
           f.from_cache ? "yes" : "no",
           FormatNumber(f.summary.seconds, 2)});
    }
    out << "\nFits\n";
    fits.Print(out);
  }
  std::map<std::string, double> stage_seconds;
  for (const RuntimeRecord& t : run.runtimes) stage_seconds[t.stage] += t.seconds;
  if (!stage_seconds.empty()) {
    Table runtimes({"stage", "seconds"});
    for (const auto& [stage, seconds] : stage_seconds)
      runtimes.AddRow({stage, FormatNumber(seconds, 2)});
    out << "\nRuntime per stage\n";
    runtimes.Print(out);
  }
  return kExitOk;
}

int CompareCommand(const std::string& db,
                   const std::string& run_a,
                   const std::string& run_b,
                   std::ostream& out,
                   std::ostream& err) {
  ComparedRun a, b;
  std::string error;
  if (!LoadComparedRun(run_a, db, &a, &error) || !LoadComparedRun(run_b, db, &b, &error)) {
    err << "scalebench compare: " << error << "\n";
    return kExitFailure;
  }
  PrintComparison(CompareRuns(a, b), out);
  return kExitOk;
}

}  // namespace scalebench
