// Publishing a run keeps its files and its history record in agreement: files that cannot be
// written make the recorded run "failed" and leave the published files alone; a history that
// cannot be written leaves the published files alone and keeps the run's files aside.
#include "harness/report/publish.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "test_util.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

RunRecord SmallRun() {
  RunRecord record;
  record.info.started_at = "2024-05-01T12:00:00Z";
  record.info.suite = "default";
  record.info.git_commit = "0123456789abcdef0123456789abcdef01234567";
  record.info.baseline_theory = "base/c";
  Cell cell;
  cell.theory = "k/a";
  cell.family = "k";
  cell.target = "t";
  cell.status = PredictionStatus::kPredicted;
  cell.predicted = {0.5, std::nullopt, std::nullopt};
  cell.fit_status = FitStatus::kConverged;
  cell.measured = 0.4;
  cell.measured_ci = {0.35, 0.45};
  ScoreCell({}, &cell);
  record.cells = {cell};
  return record;
}

struct Published {
  bool ok = false;
  RunRecord record;
  PublishResult result;
};

Published Publish(const PublishOptions& options) {
  Published p;
  p.record = SmallRun();
  ReportContext context;
  context.suite = "default";
  const Leaderboard board = BuildLeaderboard(p.record.cells, "base/c");
  p.ok = PublishRun(options, context, board, {}, &p.record, &p.result);
  return p;
}

std::vector<RunInfo> Runs(const std::string& db) {
  std::string error;
  auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadOnly, &error);
  INFO(error);
  REQUIRE(store != nullptr);
  std::vector<RunInfo> runs;
  REQUIRE(store->ListRuns(&runs, &error));
  return runs;
}

// A results folder holding the files of an earlier run.
PublishOptions EarlierRun(const testing::ScratchDir& dir) {
  PublishOptions options;
  options.results_dir = dir / "out";
  options.db_path = dir / "history.sqlite";
  fs::create_directories(options.results_dir);
  for (const auto& [format, file] : RunOutputFiles())
    testing::WriteFile(options.results_dir + "/" + file, "earlier run");
  return options;
}

bool Unchanged(const PublishOptions& options) {
  for (const auto& [format, file] : RunOutputFiles()) {
    if (testing::ReadFile(options.results_dir + "/" + file) != "earlier run") return false;
  }
  return true;
}

TEST_CASE("publish: a run is recorded as ok and then its files replace the earlier ones",
          "[unit][report]") {
  testing::ScratchDir dir;
  const PublishOptions options = EarlierRun(dir);
  const Published p = Publish(options);
  INFO(p.result.failures.size());
  CHECK(p.ok);
  CHECK(p.result.failures.empty());
  CHECK(p.result.published.size() == RunOutputFiles().size());
  CHECK_THAT(testing::ReadFile(options.results_dir + "/LEADERBOARD.md"), Contains("k/a"));
  CHECK_THAT(testing::ReadFile(options.results_dir + "/report.html"), Contains("vegaEmbed"));
  const auto runs = Runs(options.db_path);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == "ok");
  CHECK(runs[0].id == p.record.info.id);
  // The staging folder is gone; nothing else was left in the results folder.
  CHECK(std::distance(fs::directory_iterator(options.results_dir), fs::directory_iterator()) ==
        static_cast<long>(RunOutputFiles().size()));
  bool timed = false;
  for (const RuntimeRecord& t : p.record.runtimes) timed = timed || t.stage == "report";
  CHECK(timed);
}

TEST_CASE("publish: a file that cannot be written records the run as failed, results untouched",
          "[unit][report]") {
  testing::ScratchDir dir;
  PublishOptions options = EarlierRun(dir);
  options.html.vega_dir = dir / "no_node_modules";  // report.html cannot be made
  const Published p = Publish(options);
  CHECK_FALSE(p.ok);
  REQUIRE(p.result.failures.size() == 1);
  CHECK_THAT(p.result.failures[0], Contains("report.html"));
  CHECK(p.result.published.empty());
  CHECK(Unchanged(options));
  const auto runs = Runs(options.db_path);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == "failed");
  CHECK_THAT(runs[0].error, Contains("report.html"));
}

TEST_CASE("publish: an unwritable history leaves the results untouched and keeps the files aside",
          "[unit][report]") {
  testing::ScratchDir dir;
  PublishOptions options = EarlierRun(dir);
  testing::WriteFile(dir / "blocker", "a file, not a directory");
  options.db_path = dir / "blocker/history.sqlite";
  const Published p = Publish(options);
  CHECK_FALSE(p.ok);
  CHECK(p.record.info.id == 0);
  REQUIRE(p.result.failures.size() == 1);
  CHECK_THAT(p.result.failures[0], Contains(dir / "blocker"));
  CHECK_THAT(p.result.failures[0], Contains("not recorded"));
  CHECK(p.result.published.empty());
  CHECK(Unchanged(options));
  // Nothing computed is lost: the run's files wait in unrecorded/.
  const std::string kept = options.results_dir + "/unrecorded";
  CHECK_THAT(p.result.failures[0], Contains(kept));
  CHECK_THAT(testing::ReadFile(kept + "/LEADERBOARD.md"), Contains("k/a"));
}

TEST_CASE("publish: a file that cannot be renamed into place marks the recorded run failed",
          "[unit][report]") {
  testing::ScratchDir dir;
  PublishOptions options = EarlierRun(dir);
  // A non-empty folder where LEADERBOARD.md goes: rename() cannot replace it.
  fs::remove(options.results_dir + "/LEADERBOARD.md");
  fs::create_directories(options.results_dir + "/LEADERBOARD.md/inside");
  const Published p = Publish(options);
  CHECK_FALSE(p.ok);
  REQUIRE(!p.result.failures.empty());
  CHECK_THAT(p.result.failures[0], Contains("cannot publish"));
  const auto runs = Runs(options.db_path);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == "failed");
  CHECK_THAT(runs[0].error, Contains("LEADERBOARD.md"));
}

}  // namespace
}  // namespace scalebench
