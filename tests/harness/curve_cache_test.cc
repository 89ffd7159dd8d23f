#include "harness/store/curve_cache.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

LearningCurve SmallCurve() {
  LearningCurve curve;
  curve.axis = Axis::kParams;
  curve.loss = "excess_mse";
  curve.sizes = {10, 20, 40};
  curve.seeds = {1, 2};
  curve.values = {{1.0, 1.1}, {0.5, std::nan("")}, {0.25, 0.26}};
  return curve;
}

TEST_CASE("Fnv1aHex: the published FNV-1a 64-bit test vectors") {
  CHECK(Fnv1aHex("") == "cbf29ce484222325");
  CHECK(Fnv1aHex("a") == "af63dc4c8601ec8c");
  CHECK(Fnv1aHex("foobar") == "85944171f73967e8");
}

TEST_CASE("Cache keys change with everything that determines the curve") {
  TargetInfo info;
  info.name = "gaussian_spectrum/a2.0_b1.5";
  AxisDesign design;
  design.sizes = {100, 200};
  design.learner.kind = "linear_ridge";
  const std::string key = CurveCacheKey(info, "d=1024", design);
  CHECK(key.size() == 16);
  CHECK(key == CurveCacheKey(info, "d=1024", design));
  CHECK(key != CurveCacheKey(info, "d=2048", design));
  AxisDesign more_seeds = design;
  more_seeds.seeds = 6;
  CHECK(key != CurveCacheKey(info, "d=1024", more_seeds));
  AxisDesign ridge = design;
  ridge.learner.ridge = 1e-6;
  CHECK(key != CurveCacheKey(info, "d=1024", ridge));
  TargetInfo bumped = info;
  bumped.version = 2;
  CHECK(key != CurveCacheKey(bumped, "d=1024", design));
  CHECK(ProfileCacheKey(info, "d=1024") != ProfileCacheKey(bumped, "d=1024"));
}

TEST_CASE("CurveCache: round trip of a curve and a profile") {
  testing::ScratchDir dir;
  CurveCache cache(dir / "cache/nested");  // created on first store
  LearningCurve curve;
  std::string message;
  CHECK_FALSE(cache.LoadCurve("k1", &curve, &message));
  CHECK(message.empty());  // a plain miss is no warning
  REQUIRE(cache.StoreCurve("k1", SmallCurve(), &message));
  REQUIRE(cache.LoadCurve("k1", &curve, &message));
  CHECK(curve.axis == Axis::kParams);
  CHECK(curve.sizes == SmallCurve().sizes);
  CHECK(curve.seeds == SmallCurve().seeds);
  CHECK(curve.values[2][1] == 0.26);
  CHECK(std::isnan(curve.values[1][1]));
  CHECK(curve.diagnostics.empty());

  // Diagnostics travel with the curve, NaN included.
  LearningCurve with_notes = SmallCurve();
  with_notes.diagnostics.push_back({"norm_share",
                                    "share of rows with norm > 1/2",
                                    {{0.1, 0.2}, {0.3, std::nan("")}, {0.5, 0.6}},
                                    true});
  with_notes.diagnostics.push_back(
      {"subtask_loss_1", "loss on subtask 1", {{1, 1}, {2, 2}, {3, 3}}, false});
  REQUIRE(with_notes.IsValid(&message));
  REQUIRE(cache.StoreCurve("k2", with_notes, &message));
  REQUIRE(cache.LoadCurve("k2", &curve, &message));
  REQUIRE(curve.diagnostics.size() == 2);
  CHECK(curve.diagnostics[0].name == "norm_share");
  CHECK(curve.diagnostics[0].in_report);
  CHECK_FALSE(curve.diagnostics[1].in_report);
  CHECK(curve.diagnostics[0].values[2][1] == 0.6);
  CHECK(std::isnan(curve.diagnostics[0].values[1][1]));
  CHECK(curve.diagnostics[0].Mean(1) == 0.3);

  Profile profile;
  profile.source = "probe";
  profile.Set(Property::kSpectrumDecay, {1.5, 0.01, "pca"});
  profile.Set(Series::kEigenvalues, {1.0, 0.3});
  REQUIRE(cache.StoreProfile("p1", profile, &message));
  Profile back;
  REQUIRE(cache.LoadProfile("p1", &back, &message));
  CHECK(back.source == "probe");
  CHECK(back.Get(Property::kSpectrumDecay).value == 1.5);
  CHECK(back.Get(Series::kEigenvalues) == std::vector<double>{1.0, 0.3});

  // No temporary files are left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "cache/nested")) {
    CHECK(entry.path().extension() == ".json");
    ++files;
  }
  CHECK(files == 3);
}

TEST_CASE("LearningCurve::IsValid checks the diagnostics' shape and names") {
  LearningCurve curve = SmallCurve();
  std::string error;
  curve.diagnostics.push_back({"share", "", {{0.1, 0.2}, {0.3, 0.4}}, true});  // one row short
  CHECK_FALSE(curve.IsValid(&error));
  CHECK_THAT(error, Contains("diagnostic 'share' has a row count different from sizes"));
  curve.diagnostics[0].values.push_back({0.5});  // wrong seed count
  CHECK_FALSE(curve.IsValid(&error));
  CHECK_THAT(error, Contains("wrong seed count"));
  curve.diagnostics[0].values.back().push_back(0.6);
  CHECK(curve.IsValid(&error));
  curve.diagnostics.push_back(curve.diagnostics[0]);
  CHECK_FALSE(curve.IsValid(&error));
  CHECK_THAT(error, Contains("appears twice"));
}

TEST_CASE("CurveCache: a corrupt or mismatched entry is a miss with a warning") {
  testing::ScratchDir dir;
  CurveCache cache(dir.path().string());
  std::string message;
  REQUIRE(cache.StoreCurve("k1", SmallCurve(), &message));

  SECTION("truncated file") {
    const std::string text = testing::ReadFile(cache.CurvePath("k1"));
    testing::WriteFile(cache.CurvePath("k1"), text.substr(0, text.size() / 2));
    LearningCurve curve;
    CHECK_FALSE(cache.LoadCurve("k1", &curve, &message));
    CHECK_THAT(message, Contains(cache.CurvePath("k1")) && Contains("corrupt"));
  }
  SECTION("valid JSON of the wrong shape") {
    testing::WriteFile(cache.CurvePath("k1"),
                       R"({"format": 1, "key": "k1", "curve": {"axis": 3}})");
    LearningCurve curve;
    CHECK_FALSE(cache.LoadCurve("k1", &curve, &message));
    CHECK_THAT(message, Contains("corrupt"));
  }
  SECTION("an entry stored under another key") {
    std::filesystem::copy_file(cache.CurvePath("k1"), cache.CurvePath("k2"));
    LearningCurve curve;
    CHECK_FALSE(cache.LoadCurve("k2", &curve, &message));
    CHECK_THAT(message, Contains("another format or key"));
  }
  SECTION("an invalid curve (sizes not increasing)") {
    LearningCurve bad = SmallCurve();
    bad.sizes = {40, 20, 10};
    REQUIRE(cache.StoreCurve("k3", bad, &message));
    LearningCurve curve;
    CHECK_FALSE(cache.LoadCurve("k3", &curve, &message));
    CHECK_THAT(message, Contains("invalid curve"));
  }
  SECTION("a corrupt profile") {
    testing::WriteFile(cache.ProfilePath("p"), "\x01garbage");
    Profile profile;
    CHECK_FALSE(cache.LoadProfile("p", &profile, &message));
    CHECK_THAT(message, Contains(cache.ProfilePath("p")));
  }
}

TEST_CASE("CurveCache: an unwritable directory is an error naming the path") {
  CurveCache cache("/proc/scalebench_cache");
  std::string error;
  CHECK_FALSE(cache.StoreCurve("k", SmallCurve(), &error));
  CHECK_THAT(error, Contains("/proc/scalebench_cache"));
}

}  // namespace
}  // namespace scalebench
