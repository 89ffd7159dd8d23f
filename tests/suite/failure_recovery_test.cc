// A failure is never cached, is reported even under --quiet, is recorded as failed, makes the run
// exit non-zero while other targets complete; and once the cause is gone the next run (cache on)
// recovers. The target here reads its data from a file, as the Fashion-MNIST and KJV targets do,
// so "the data became unreadable, then came back" is played with a file in a scratch folder.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/runner/runner.h"
#include "harness/store/history_store.h"
#include "harness/targets/target.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

fs::path DataFile() {
  return fs::temp_directory_path() / ("scalebench_failure_test_" + std::to_string(::getpid())) /
         "data.txt";
}

// Loss at size n = scale / n with scale read from the data file (and the seed's small factor).
struct FileOptions {
  std::string path = DataFile().string();
  SizeGrid sizes = SizeGrid({10, 20, 40, 80});
  int seeds = 2;
  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("path", path).NotEmpty();
    f.Design("sizes", sizes);
    f.Design("seeds", seeds).AtLeast(1);
  }
};

class FileTarget final : public TargetWith<FileOptions> {
 public:
  using TargetWith::TargetWith;
  TargetInfo Describe() const override {
    TargetInfo info;
    info.summary = "loss read from a data file (failure-recovery test)";
    info.dataset_family = "file_test";
    return info;
  }
  std::vector<AxisDesign> Designs() const override {
    AxisDesign design;
    design.learner.kind = "file";
    design.learner.loss = "mse";
    design.sizes = options_.sizes;
    design.seeds = options_.seeds;
    design.zero_offset = true;
    return {design};
  }
  ProfileResult MeasureProfile(const RunContext&) const override {
    double scale = 0;
    std::string error;
    if (!Read(&scale, &error)) return ProfileResult::Failed(error);
    Profile profile;
    profile.source = options_.path;
    profile.Set(Property::kLabelNoiseVariance, {0.0, 0.0, "test"});
    return ProfileResult::Ok(std::move(profile));
  }
  RunResult Run(const AxisDesign&,
                const RunPoint& point,
                const DesignData*,
                const RunContext&) const override {
    double scale = 0;
    std::string error;
    if (!Read(&scale, &error)) return RunResult::Failed(error);
    std::vector<double> losses;
    for (std::int64_t n : point.sizes) losses.push_back(scale * (1 + 0.01 * point.seed) / n);
    return RunResult::Ok(std::move(losses));
  }

 private:
  bool Read(double* scale, std::string* error) const {
    std::ifstream in(options_.path);
    if (!(in >> *scale)) {
      *error =
          "cannot read " + options_.path + ": " + (in ? "not a number" : "missing or unreadable");
      return false;
    }
    return true;
  }
};

SCALEBENCH_REGISTER_TARGET(FileTarget, "zz_file_test")->Variant("data", {"test_only"}, nullptr);

RunOptions Options(const fs::path& dir) {
  RunOptions options;
  options.targets = {"zz_file_test/data", "hutter_memorization/alpha1.0"};
  options.theories = {"baseline/constant_exponent"};
  options.seeds = 2;
  options.bootstrap_resamples = 20;
  options.quiet = true;
  options.results_dir = (dir / "results").string();
  options.cache_dir = (dir / "cache").string();
  options.committed_cache_dir = "";
  options.db_path = (dir / "history.sqlite").string();
  options.command_line = "failure_recovery_test";
  return options;
}

std::size_t CountFiles(const fs::path& dir, const std::string& under) {
  std::size_t n = 0;
  if (!fs::exists(dir / under)) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / under)) {
    n += entry.is_regular_file() ? 1 : 0;
  }
  return n;
}

TEST_CASE(
    "unreadable data: the run fails loudly and caches nothing, restored, the next run "
    "recovers",
    "[suite][unit]") {
  const fs::path dir = DataFile().parent_path();
  fs::remove_all(dir);
  fs::create_directories(dir);
  const RunOptions options = Options(dir);

  // 1. The data file is missing.
  std::ostringstream out;
  std::string error;
  CHECK(RunSuite(options, out, &error) == 1);
  CHECK_THAT(error,
             Contains("zz_file_test/data") && Contains("cannot read " + DataFile().string()));
  CHECK_THAT(out.str(), Contains("error:") && Contains(DataFile().string()));  // even when quiet
  CHECK(CountFiles(dir, "cache/zz_file_test") == 0);  // no failed run or profile cached
  // The other target completed: its profile, oracle profile and two runs.
  CHECK(CountFiles(dir, "cache/hutter_memorization") == 4);
  {
    std::string db_error;
    auto store = HistoryStore::Open(options.db_path, HistoryStore::Mode::kReadOnly, &db_error);
    REQUIRE(store != nullptr);
    std::vector<RunInfo> runs;
    REQUIRE(store->ListRuns(&runs, &db_error));
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].status == "failed");
  }

  // 2. The data is back: the same command, cache on, recovers.
  std::ofstream(DataFile()) << "2.5\n";
  std::ostringstream again;
  error.clear();
  CHECK(RunSuite(options, again, &error) == 0);
  CHECK(error.empty());
  CHECK(CountFiles(dir, "cache/zz_file_test") == 3);  // 2 runs + the profile

  // 3. The data becomes unreadable again: the good entries are not replaced by the failure.
  fs::remove(DataFile());
  RunOptions no_cache = options;
  no_cache.use_cache = false;
  std::ostringstream third;
  error.clear();
  CHECK(RunSuite(no_cache, third, &error) == 1);
  CHECK(CountFiles(dir, "cache/zz_file_test") == 3);
  std::ostringstream fourth;
  error.clear();
  CHECK(RunSuite(options, fourth, &error) == 0);  // the cache still holds the good runs
  fs::remove_all(dir);
}

}  // namespace
}  // namespace scalebench
