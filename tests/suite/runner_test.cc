// The suite runner end to end on one small exact target: reports and history are written, a
// second run reuses the cached curves and profile, bad names are usage errors, and an
// unwritable output path is reported without losing the run's record.
#include "harness/runner/runner.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "harness/store/history_store.h"
#include "harness/targets/target.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;

RunOptions SmallRun(const fs::path& dir) {
  RunOptions options;
  options.targets = {"gaussian_spectrum/a2.0_b1.5"};
  options.seeds = 2;
  options.bootstrap_resamples = 50;
  options.quiet = true;
  options.results_dir = (dir / "results").string();
  options.cache_dir = (dir / "cache").string();
  options.committed_cache_dir = "";  // nothing from the repository's cache: every run trains
  options.db_path = (dir / "history.sqlite").string();
  options.command_line = "runner_test";
  return options;
}

fs::path FreshDir(const std::string& name) {
  // The process id keeps concurrent test runs (several build folders) out of each other's way.
  fs::path dir = fs::temp_directory_path() /
                 ("scalebench_runner_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

RunRecord LastRun(const std::string& db_path) {
  std::string error;
  auto store = HistoryStore::Open(db_path, HistoryStore::Mode::kReadOnly, &error);
  REQUIRE(store != nullptr);
  std::vector<RunInfo> runs;
  REQUIRE(store->ListRuns(&runs, &error));
  REQUIRE(!runs.empty());
  RunRecord run;
  REQUIRE(store->LoadRun(runs.front().id, &run, &error));
  return run;
}

TEST_CASE("runner: writes reports and history, then reuses the cache", "[suite][runner]") {
  const fs::path dir = FreshDir("cache");
  RunOptions options = SmallRun(dir);
  std::ostringstream out;
  std::string error;
  REQUIRE(RunSuite(options, out, &error) == 0);
  INFO(error);
  CHECK(fs::exists(dir / "results" / "LEADERBOARD.md"));
  CHECK(fs::exists(dir / "results" / "leaderboard.json"));
  CHECK(out.str().find("baseline/constant_exponent") != std::string::npos);

  RunRecord first = LastRun(options.db_path);
  REQUIRE(first.fits.size() == 2);  // data and params axes
  for (const FitRecord& fit : first.fits) CHECK_FALSE(fit.from_cache);
  CHECK(!first.cells.empty());

  std::ostringstream again;
  REQUIRE(RunSuite(options, again, &error) == 0);
  RunRecord second = LastRun(options.db_path);
  CHECK(second.info.id == first.info.id + 1);
  REQUIRE(second.fits.size() == 2);
  for (std::size_t i = 0; i < second.fits.size(); ++i) {
    CHECK(second.fits[i].from_cache);
    // Same curve and same bootstrap seed: the same measured exponent.
    CHECK(second.fits[i].summary.exponent == first.fits[i].summary.exponent);
  }
  // No training or probing happened the second time.
  for (const RuntimeRecord& runtime : second.runtimes) {
    CHECK(runtime.stage != "run");
    CHECK(runtime.stage != "run_cpu");
    CHECK(runtime.stage != "probe");
  }
}

TEST_CASE(
    "runner: a cold one-thread run records each run's CPU seconds above 0 and at most its wall "
    "time",
    "[suite][runner]") {
  const fs::path dir = FreshDir("cpu");
  RunOptions options = SmallRun(dir);
  options.threads = 1;
  options.jobs = 1;
  options.theories = {"baseline/constant_exponent"};
  std::ostringstream out;
  std::string error;
  REQUIRE(RunSuite(options, out, &error) == 0);
  std::map<std::string, double> wall, cpu;
  for (const RuntimeRecord& runtime : LastRun(options.db_path).runtimes) {
    if (runtime.stage == "run") wall[runtime.name] = runtime.seconds;
    if (runtime.stage == "run_cpu") cpu[runtime.name] = runtime.seconds;
  }
  REQUIRE(wall.size() == 4);  // two axes x 2 seeds, one run per seed
  CHECK(cpu.size() == wall.size());
  for (const auto& [label, seconds] : wall) {
    INFO(label << ": wall " << seconds);
    REQUIRE(cpu.count(label) == 1);
    CHECK(cpu[label] > 0);
    // The CPU clock is read just outside the wall clock's window: microseconds more at most.
    CHECK(cpu[label] <= seconds + 1e-3);
  }
}

TEST_CASE("runner: unknown names are usage errors listing the valid ones", "[suite][runner]") {
  const fs::path dir = FreshDir("names");
  RunOptions options = SmallRun(dir);
  options.theories = {"kernel/no_such_theory"};
  std::ostringstream out;
  std::string error;
  CHECK(RunSuite(options, out, &error) == 2);
  CHECK(error.find("Unknown theory 'kernel/no_such_theory'") != std::string::npos);
  CHECK(error.find("baseline/constant_exponent") != std::string::npos);

  options = SmallRun(dir);
  options.targets = {"no_such_target"};
  error.clear();
  CHECK(RunSuite(options, out, &error) == 2);
  CHECK(error.find("gaussian_spectrum/a2.0_b1.5") != std::string::npos);

  options = SmallRun(dir);
  options.threads = 0;
  error.clear();
  CHECK(RunSuite(options, out, &error) == 2);
  CHECK(error.find("threads") != std::string::npos);
}

TEST_CASE("runner: an unwritable results directory fails loudly but keeps the record",
          "[suite][runner]") {
  const fs::path dir = FreshDir("unwritable");
  RunOptions options = SmallRun(dir);
  // A regular file where the results directory should be: nothing can be created under it.
  std::ofstream(dir / "blocker") << "not a directory";
  options.results_dir = (dir / "blocker" / "results").string();
  std::ostringstream out;
  std::string error;
  CHECK(RunSuite(options, out, &error) == 1);
  CHECK(error.find((dir / "blocker").string()) != std::string::npos);
  // The history record and the cache were still written.
  RunRecord run = LastRun(options.db_path);
  CHECK(run.fits.size() == 2);
  CHECK(fs::exists(dir / "cache"));
}

// Counts its oracle computations: the oracle profile is cached like the measured one.
std::atomic<int> oracle_calls{0};

struct OracleCountOptions {
  SizeGrid sizes = SizeGrid({10, 20, 40, 80});
  double scale = 1.0;  // shapes the curve only, as a generating parameter may
  template <typename Fields>
  void Visit(Fields& f) {
    f.Curve("scale", scale).Above(0.0);
    f.Design("sizes", sizes);
  }
};

class OracleCountTarget final : public TargetWith<OracleCountOptions> {
 public:
  using TargetWith::TargetWith;
  TargetInfo Describe() const override {
    TargetInfo info;
    info.summary = "loss scale / n with an oracle profile (runner test)";
    info.dataset_family = "oracle_count_test";
    return info;
  }
  std::vector<AxisDesign> Designs() const override {
    AxisDesign design;
    design.learner.kind = "oracle_count";
    design.learner.loss = "mse";
    design.sizes = options_.sizes;
    design.seeds = 1;
    design.zero_offset = true;
    return {design};
  }
  ProfileResult MeasureProfile(const RunContext&) const override {
    Profile profile;
    profile.source = "measured";
    profile.Set(Property::kLabelNoiseVariance, {0.0, 0.0, "test"});
    return ProfileResult::Ok(std::move(profile));
  }
  std::optional<Profile> OracleProfile() const override {
    ++oracle_calls;
    Profile profile;
    profile.source = "oracle";
    profile.Set(Property::kLabelNoiseVariance, {options_.scale, 0.0, "oracle"});
    return profile;
  }
  RunResult Run(const AxisDesign&,
                const RunPoint& point,
                const DesignData*,
                const RunContext&) const override {
    std::vector<double> losses;
    for (std::int64_t n : point.sizes) losses.push_back(options_.scale / n);
    return RunResult::Ok(std::move(losses));
  }
};

SCALEBENCH_REGISTER_TARGET(OracleCountTarget, "zz_oracle_count_test")
    ->Variant("one", {"test_only"}, nullptr)
    ->Variant("two", {"test_only"}, [](auto& o) { o.scale = 2.0; });

TEST_CASE("runner: the oracle profile is cached, keyed on curve-shaping fields too",
          "[suite][runner]") {
  const fs::path dir = FreshDir("oracle");
  RunOptions options = SmallRun(dir);
  options.targets = {"zz_oracle_count_test/one", "zz_oracle_count_test/two"};
  options.theories = {"baseline/constant_exponent"};
  std::ostringstream out;
  std::string error;
  oracle_calls = 0;
  REQUIRE(RunSuite(options, out, &error) == 0);
  CHECK(oracle_calls == 2);  // the variants differ in a curve field only: two entries
  REQUIRE(RunSuite(options, out, &error) == 0);
  CHECK(oracle_calls == 2);  // both loaded from the cache
  CHECK(LastRun(options.db_path).cells.front().has_oracle);
  options.use_cache = false;
  REQUIRE(RunSuite(options, out, &error) == 0);
  CHECK(oracle_calls == 4);  // --no-cache recomputes
}

}  // namespace
}  // namespace scalebench
