#include "harness/io/profile_json.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using namespace std::string_literals;

std::string ParseError(const std::string& text) {
  ProfileFile file;
  std::string error;
  if (ParseProfileJson(text, "p.json", &file, &error)) return "";
  return error;
}

TEST_CASE("ReadProfileJson: the good fixture") {
  ProfileFile file;
  std::string error;
  REQUIRE(ReadProfileJson(testing::DataPath("good_profile.json"), &file, &error));
  CHECK(file.profile.Get(Property::kSpectrumDecay).value == 1.5);
  CHECK(file.profile.Get(Property::kSpectrumDecay).std_error == 0.02);
  CHECK(file.profile.Get(Property::kSpectrumDecay).method == "exact");
  CHECK(std::isnan(file.profile.Get(Property::kTotalTargetPower).std_error));  // absent: unknown
  CHECK(file.profile.Get(Series::kEigenvalues).size() == 20);
  CHECK(file.profile.Get(Series::kTargetPower)[1] == Approx(0.25));
  REQUIRE(file.learner.has_value());
  CHECK(file.learner->kind == "linear_ridge");
  CHECK(std::isinf(file.learner->features));
  CHECK(file.axis == Axis::kData);
  CHECK(file.sizes == std::vector<double>{100, 200, 400});
}

TEST_CASE("Profile JSON round trip") {
  ProfileFile file;
  file.profile.source = "round trip";
  file.profile.Set(Property::kTaskPowerDecay, {2.25, 0.125, "tail fit"});
  file.profile.Set(Property::kLabelNoiseVariance, {0.0, std::nan(""), ""});
  file.profile.Set(Series::kEigenvalues, {1.0, 0.5, 0.25});
  LearnerSpec spec;
  spec.kind = "projected_linear_ridge";
  spec.ridge = 1e-3;
  spec.features = 256;
  spec.batch_size = 32;
  spec.steps = 1000;
  file.learner = spec;
  file.axis = Axis::kParams;
  ProfileFile back;
  std::string error;
  REQUIRE(ParseProfileJson(WriteProfileJson(file), "rt.json", &back, &error));
  CHECK(back.profile.source == "round trip");
  CHECK(back.profile.Get(Property::kTaskPowerDecay).value == 2.25);
  CHECK(back.profile.Get(Property::kTaskPowerDecay).method == "tail fit");
  CHECK(std::isnan(back.profile.Get(Property::kLabelNoiseVariance).std_error));
  CHECK(back.profile.Get(Series::kEigenvalues) == std::vector<double>{1.0, 0.5, 0.25});
  REQUIRE(back.learner.has_value());
  CHECK(back.learner->kind == "projected_linear_ridge");
  CHECK(back.learner->features == 256);
  CHECK(std::isinf(back.learner->train_size));
  CHECK(back.learner->steps == 1000);
  CHECK(back.axis == Axis::kParams);
}

TEST_CASE("ParseProfileJson: errors name the file and JSON path") {
  SECTION("malformed JSON carries line and column") {
    CHECK_THAT(ParseError("{\n  \"properties\": {,}\n}"),
               Contains("p.json: malformed JSON: ") && Contains("line 2"));
    ProfileFile file;
    std::string error;
    CHECK_FALSE(ReadProfileJson(testing::DataPath("bad_profile_malformed.json"), &file, &error));
    CHECK_THAT(error, Contains("bad_profile_malformed.json: malformed JSON") && Contains("line 4"));
  }
  SECTION("unknown property lists the valid names") {
    CHECK_THAT(ParseError(R"({"properties": {"spectrum_dekay": {"value": 1}}})"),
               Contains("p.json: properties.spectrum_dekay: unknown property; valid properties: "
                        "spectrum_decay, task_power_decay, total_target_power"));
    CHECK_THAT(ParseError(R"({"series": {"eigen": [1]}})"),
               Contains("series.eigen: unknown series; valid series: eigenvalues, target_power"));
  }
  SECTION("wrong types and missing value") {
    CHECK(ParseError(R"({"properties": {"spectrum_decay": {"value": "1.5"}}})") ==
          "p.json: properties.spectrum_decay.value: expected a number, found string");
    CHECK(ParseError(R"({"properties": {"spectrum_decay": {"std_error": 0.1}}})") ==
          "p.json: properties.spectrum_decay: missing \"value\"");
    CHECK_THAT(ParseError(R"({"series": {"eigenvalues": [1, "x"]}})"),
               Contains("series.eigenvalues[1]: expected a number, found string"));
    CHECK_THAT(ParseError(R"({"learner": {"ridge": "big"}})"),
               Contains("p.json: learner.ridge: expected a number"));
    CHECK_THAT(ParseError(R"({"learner": {"features": true}})"),
               Contains("learner.features: expected a number or \"inf\""));
    CHECK_THAT(ParseError(R"({"axis": "tokens"})"),
               Contains("axis: unknown axis 'tokens'; valid axes: "));
    CHECK_THAT(ParseError(R"({"sizes": [100, -1]})"), Contains("sizes[1]: must be positive"));
    CHECK_THAT(ParseError(R"({"propertys": {}})"),
               Contains("propertys: unknown key; valid keys: source, properties"));
    CHECK(ParseError(R"({"properties": {"spectrum_decay": {"value": 1e999}}})") ==
          "p.json: malformed JSON: number overflow parsing '1e999'");
    CHECK_THAT(ParseError("[1, 2]"), Contains("p.json: expected an object, found array"));
  }
  SECTION("series length mismatch") {
    CHECK_THAT(ParseError(R"({"series": {"eigenvalues": [1, 0.5], "target_power": [1]}})"),
               Contains("p.json: series: eigenvalues has 2 entries but target_power has 1"));
  }
  SECTION("fixtures") {
    for (const auto& [name, expected] : std::vector<std::pair<std::string, std::string>>{
             {"bad_profile_unknown_property.json",
              "unknown property; valid properties: spectrum_decay"},
             {"bad_profile_wrong_type.json", "properties.spectrum_decay.value: expected a number"},
             {"bad_profile_series_mismatch.json",
              "eigenvalues has 20 entries but target_power has 19"}}) {
      ProfileFile file;
      std::string error;
      CHECK_FALSE(ReadProfileJson(testing::DataPath(name), &file, &error));
      CHECK_THAT(error, Contains(name) && Contains(expected));
    }
  }
}

TEST_CASE("LearnerSpec JSON is canonical: every field in a fixed order") {
  LearnerSpec spec;
  spec.kind = "linear_ridge";
  const std::string text = LearnerSpecToJson(spec).dump();
  CHECK(text == R"({"batch_size":0,"features":"inf","kind":"linear_ridge","learning_rate":0.0,)"
                R"("loss":"excess_mse","optimizer":"","ridge":0.0,"steps":0,"train_size":"inf",)"
                R"("weight_decay":0.0})");
  LearnerSpec back;
  std::string error;
  REQUIRE(LearnerSpecFromJson(LearnerSpecToJson(spec), "spec", &back, &error));
  CHECK(back.kind == "linear_ridge");
  CHECK(std::isinf(back.features));
}

TEST_CASE("LearnerSpec JSON: a declared rate rule round-trips, a learner without it keeps its key",
          "[unit][harness]") {
  LearnerSpec spec;
  spec.kind = "transformer_lm";
  spec.learning_rate = 5e-3;
  const std::string before = LearnerSpecToJson(spec).dump();
  CHECK(before.find("learning_rate_base_width") == std::string::npos);
  spec.learning_rate_base_width = 64;
  LearnerSpec back;
  std::string error;
  REQUIRE(LearnerSpecFromJson(LearnerSpecToJson(spec), "spec", &back, &error));
  CHECK(back.learning_rate_base_width == 64);
  nlohmann::json bad = LearnerSpecToJson(spec);
  bad["learning_rate_base_width"] = -1;
  CHECK_FALSE(LearnerSpecFromJson(bad, "spec", &back, &error));
  CHECK_THAT(error, Contains("learning_rate_base_width"));
}

TEST_CASE("ParseProfileJson: a UTF-8 byte-order mark is skipped, as by the CSV reader",
          "[unit][harness]") {
  ProfileFile file;
  std::string error;
  REQUIRE(ParseProfileJson("\xEF\xBB\xBF{\"properties\": {\"spectrum_decay\": {\"value\": 1.5}}}",
                           "p.json",
                           &file,
                           &error));
  CHECK(file.profile.Get(Property::kSpectrumDecay).value == 1.5);
}

TEST_CASE("ParseProfileJson: a NUL byte is an error naming its line and column",
          "[unit][harness]") {
  // The JSON parser takes a NUL for the end of its input: what followed was ignored.
  const std::string trailing = "{\"properties\": {}}\0{\"garbage\""s;
  CHECK(ParseError(trailing) == "p.json:1:19: NUL byte; expected text (is it a binary file?)");
  const std::string inside = "{\"properties\":\n {\"spectrum_decay\": {\"value\": 0.6\0 55}}}"s;
  CHECK_THAT(ParseError(inside), Contains("p.json:2:34: NUL byte"));
}

TEST_CASE("ParseProfileJson: a key given twice is an error naming its path", "[unit][harness]") {
  CHECK(ParseError(R"({"properties": {"spectrum_decay": {"value": 1.5},
                                      "spectrum_decay": {"value": 2.5}}})") ==
        "p.json: properties.spectrum_decay: appears twice; give each key once");
  CHECK_THAT(ParseError(R"({"sizes": [1], "sizes": [2]})"),
             Contains("p.json: sizes: appears twice"));
  CHECK_THAT(ParseError(R"({"learner": {"kind": "mlp", "steps": 1, "steps": 2}})"),
             Contains("learner.steps: appears twice"));
  // The same key in two objects is fine.
  CHECK(ParseError(R"({"properties": {"spectrum_decay": {"value": 1.5},
                                      "task_power_decay": {"value": 2.0}}})") == "");
}

TEST_CASE("ParseProfileJson: learner knobs out of range name the field", "[unit][harness]") {
  const auto learner = [](const std::string& body) {
    return ParseError(R"({"learner": {)" + body + "}}");
  };
  // 99999999999 used to be cast to int, 2^64 - 1 to long: -1.
  CHECK_THAT(learner(R"("batch_size": 99999999999)"),
             Contains("learner.batch_size: expected an integer from 0 to 2147483647"));
  CHECK_THAT(learner(R"("steps": 18446744073709551615)"),
             Contains("learner.steps: expected an integer from 0"));
  CHECK_THAT(learner(R"("steps": -5)"), Contains("learner.steps: expected an integer from 0"));
  CHECK_THAT(learner(R"("ridge": -1)"), Contains("learner.ridge: must be >= 0"));
  CHECK_THAT(learner(R"("features": 0)"), Contains("learner.features: must be > 0"));
  CHECK_THAT(learner(R"("train_size": -3)"), Contains("learner.train_size: must be > 0"));
  CHECK_THAT(learner(R"("learning_rate": -0.1)"), Contains("learner.learning_rate: must be >= 0"));
  CHECK(learner(R"("ridge": 0, "features": "inf", "batch_size": 0, "steps": 1000)") == "");
}

TEST_CASE("ReadProfileJson: a directory is named as one", "[unit][harness]") {
  testing::ScratchDir dir;
  ProfileFile file;
  std::string error;
  CHECK_FALSE(ReadProfileJson(dir.path().string(), &file, &error));
  CHECK(error == dir.path().string() + ": is a directory, not a file");
}

}  // namespace
}  // namespace scalebench
