// The run cache: keys, round trips, and every way an entry can be bad (checksum, truncation,
// invalid numbers, an empty profile, a failed run), none of which may be loaded or stored.
#include "harness/store/run_cache.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

AxisDesign Design(RunUnit unit = RunUnit::kSeed) {
  AxisDesign design;
  design.axis = Axis::kParams;
  design.learner.kind = "linear_ridge";
  design.sizes = SizeGrid({10, 20, 40});
  design.seeds = 2;
  design.unit = unit;
  return design;
}

RunPoint Point(std::uint64_t seed = 2) {
  return {seed, 0, 3, SizeGrid({10, 20, 40})};
}

TargetInfo Info() {
  TargetInfo info;
  info.name = "family/variant";
  return info;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST_CASE("Fnv1aHex: the published FNV-1a 64-bit test vectors", "[unit][cache]") {
  CHECK(Fnv1aHex("") == "cbf29ce484222325");
  CHECK(Fnv1aHex("a") == "af63dc4c8601ec8c");
  CHECK(Fnv1aHex("foobar") == "85944171f73967e8");
}

TEST_CASE("run keys change with everything that determines a run, and only with that",
          "[unit][cache]") {
  const std::string key = RunKey(Info(), "d=1024;", Design(), Point());
  CHECK(key.size() == 16);
  CHECK(key == RunKey(Info(), "d=1024;", Design(), Point()));
  CHECK(key != RunKey(Info(), "d=2048;", Design(), Point()));
  CHECK(key != RunKey(Info(), "d=1024;", Design(), Point(1)));
  AxisDesign ridge = Design();
  ridge.learner.ridge = 1e-6;
  CHECK(key != RunKey(Info(), "d=1024;", ridge, Point()));
  TargetInfo bumped = Info();
  bumped.version = 2;
  CHECK(key != RunKey(bumped, "d=1024;", Design(), Point()));
  RunPoint fewer = Point();
  fewer.sizes = SizeGrid({10, 20});
  CHECK(key != RunKey(Info(), "d=1024;", Design(), fewer));
  // The seed count of the design is not part of a run's key: more seeds reuse the first ones.
  AxisDesign more_seeds = Design();
  more_seeds.seeds = 6;
  CHECK(key == RunKey(Info(), "d=1024;", more_seeds, Point()));
  CHECK(ProfileKey(Info(), "n=10;") != ProfileKey(bumped, "n=10;"));
}

TEST_CASE("RunCache: round trip of a run, a skipped run and a profile", "[unit][cache]") {
  testing::ScratchDir dir;
  RunCache cache({dir / "cache"});
  std::string message;
  RunResult loaded = RunResult::Failed("");
  CHECK_FALSE(cache.LoadRun("k1", "family/variant", Design(), Point(), &loaded, &message));
  CHECK(message.empty());  // a plain miss is no warning
  RunDiagnostic diagnostic{"phi", "a quantity", {0.5, 0.25, 0.125}, true};
  REQUIRE(cache.StoreRun("k1",
                         "family/variant",
                         Design(),
                         Point(),
                         RunResult::Ok({1.0, 0.5, 0.25}, {diagnostic}),
                         &message));
  CHECK(fs::exists(dir / "cache/family/variant/params/seed2-k1.json"));
  REQUIRE(cache.LoadRun("k1", "family/variant", Design(), Point(), &loaded, &message));
  CHECK(loaded.ok());
  CHECK(loaded.losses() == std::vector<double>{1.0, 0.5, 0.25});
  REQUIRE(loaded.diagnostics().size() == 1);
  CHECK(loaded.diagnostics()[0].values == diagnostic.values);

  const RunPoint one{3, 1, 2, SizeGrid({20})};
  const AxisDesign per_size = Design(RunUnit::kSizeAndSeed);
  REQUIRE(cache.StoreRun(
      "k2", "family/variant", per_size, one, RunResult::Skipped("width above n"), &message));
  CHECK(fs::exists(dir / "cache/family/variant/params/n20-seed3-k2.json"));
  REQUIRE(cache.LoadRun("k2", "family/variant", per_size, one, &loaded, &message));
  CHECK(loaded.status() == RunStatus::kSkipped);
  CHECK(loaded.reason() == "width above n");

  Profile profile;
  profile.source = "test";
  profile.Set(Property::kSpectrumDecay, {1.5, 0.01, "fit"});
  REQUIRE(cache.StoreProfile("p1", "family/variant", profile, &message));
  Profile read;
  REQUIRE(cache.LoadProfile("p1", "family/variant", &read, &message));
  CHECK(read.Get(Property::kSpectrumDecay).value == 1.5);
}

TEST_CASE("RunCache: failed runs, invalid losses and empty profiles are never stored",
          "[unit][cache]") {
  testing::ScratchDir dir;
  RunCache cache({dir / "cache"});
  std::string error;
  CHECK_FALSE(cache.StoreRun(
      "k", "family/variant", Design(), Point(), RunResult::Failed("no data"), &error));
  CHECK_THAT(error, Contains("never cached"));
  CHECK_FALSE(cache.StoreRun(
      "k", "family/variant", Design(), Point(), RunResult::Ok({1.0, std::nan(""), 0.25}), &error));
  CHECK_THAT(error, Contains("not a finite non-negative number"));
  CHECK_FALSE(cache.StoreRun(
      "k", "family/variant", Design(), Point(), RunResult::Ok({1.0, -0.5, 0.25}), &error));
  CHECK_FALSE(
      cache.StoreRun("k", "family/variant", Design(), Point(), RunResult::Ok({1.0}), &error));
  CHECK_THAT(error, Contains("1 losses for 3 sizes"));
  CHECK_FALSE(cache.StoreProfile("p", "family/variant", Profile(), &error));
  CHECK_THAT(error, Contains("empty"));
  CHECK_FALSE(fs::exists(dir / "cache"));
}

TEST_CASE("RunCache: an edited, truncated or foreign entry is a miss that says why",
          "[unit][cache]") {
  testing::ScratchDir dir;
  RunCache cache({dir / "cache"});
  std::string message;
  REQUIRE(cache.StoreRun(
      "k1", "family/variant", Design(), Point(), RunResult::Ok({1.0, 0.5, 0.25}), &message));
  const std::string path = cache.RunPath("k1", "family/variant", Design(), Point());
  const std::string good = Read(path);
  RunResult loaded = RunResult::Failed("");

  SECTION("a hand-edited loss fails the checksum") {
    std::string edited = good;
    edited.replace(edited.find("0.5"), 3, "0.4");
    Write(path, edited);
    CHECK_FALSE(cache.LoadRun("k1", "family/variant", Design(), Point(), &loaded, &message));
    CHECK_THAT(message, Contains("checksum") && Contains(path) && Contains("recomputing"));
  }
  SECTION("a truncated file is corrupt") {
    Write(path, good.substr(0, good.size() / 2));
    CHECK_FALSE(cache.LoadRun("k1", "family/variant", Design(), Point(), &loaded, &message));
    CHECK_THAT(message, Contains("corrupt"));
  }
  SECTION("all-null losses with a recomputed checksum are still refused") {
    nlohmann::json entry = nlohmann::json::parse(good);
    entry["losses"] = {nullptr, nullptr, nullptr};
    entry.erase("checksum");
    entry["checksum"] = Fnv1aHex(entry.dump());
    Write(path, entry.dump());
    CHECK_FALSE(cache.LoadRun("k1", "family/variant", Design(), Point(), &loaded, &message));
    CHECK_THAT(message, Contains("invalid run"));
  }
  SECTION("an entry of another run (other sizes) is refused") {
    RunPoint other = Point();
    other.sizes = SizeGrid({10, 20, 80});
    CHECK_FALSE(cache.LoadRun("k1", "family/variant", Design(), other, &loaded, &message));
  }
  SECTION("a good entry in the second directory is found after a bad one in the first") {
    RunCache committed({dir / "committed"});
    REQUIRE(committed.StoreRun(
        "k1", "family/variant", Design(), Point(), RunResult::Ok({1.0, 0.5, 0.25}), &message));
    Write(path, "{");
    RunCache both({dir / "cache", dir / "committed"});
    CHECK(both.LoadRun("k1", "family/variant", Design(), Point(), &loaded, &message));
    CHECK(loaded.ok());
  }
}

TEST_CASE("RunCache: temporaries of killed writers are removed, live ones kept", "[unit][cache]") {
  testing::ScratchDir dir;
  RunCache cache({dir / "cache"});
  fs::create_directories(dir / "cache/family/variant/data");
  // pid 2^22 + 7 is above Linux's default pid_max: no such process.
  const fs::path dead = dir / "cache/family/variant/data/seed1-k.json.tmp.4194311.0";
  const fs::path live =
      dir / ("cache/family/variant/data/seed2-k.json.tmp." + std::to_string(::getpid()) + ".0");
  Write(dead, "{\"half");
  Write(live, "{\"half");
  CHECK(cache.RemoveStaleTemporaries() == 1);
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));
}

}  // namespace
}  // namespace scalebench
