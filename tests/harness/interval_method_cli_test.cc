// The interval method and the not-identifiable diagnosis end to end: `scalebench fit` on a curve
// with one run per size prints its profile-likelihood interval and names the method (text and
// --json); on a not-identifiable curve it prints the diagnosis; `scalebench run` with one seed
// per size carries the method into cells.csv and leaderboard.json. Runs the real binary.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using testing::RunScalebench;

// size,seed,loss with one run per size (seed 0): L = E + A x^-alpha times fixed +-1% wiggles.
std::string OneRunCsv(double offset, double amplitude, double exponent, double lo, double hi) {
  const double wiggle[] = {0.01, -0.008, 0.004, -0.012, 0.009, -0.003};
  std::ostringstream csv;
  csv << "size,seed,loss\n";
  for (int i = 0; i < 6; ++i) {
    const double x = lo * std::pow(hi / lo, i / 5.0);
    csv << x << ",0," << (offset + amplitude * std::pow(x, -exponent)) * (1 + wiggle[i]) << "\n";
  }
  return csv.str();
}

TEST_CASE("CLI: fit on a one-run curve prints a profile-likelihood interval and its method",
          "[unit][cli]") {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "one_run.csv", OneRunCsv(0.05, 10.0, 0.5, 1e3, 1e5));
  const auto text = RunScalebench("fit " + (dir / "one_run.csv"));
  INFO(text.output);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.output, Contains("6 sizes x 1 seeds"));
  CHECK_THAT(text.output, Contains("status:     converged"));
  CHECK_THAT(text.output, Contains("interval:   profile_likelihood: one run per size"));
  CHECK(text.output.find("95% CI [n/a]") == std::string::npos);

  const auto json = RunScalebench("fit --json " + (dir / "one_run.csv"));
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.output);
  CHECK(j["fit"]["interval_method"] == "profile_likelihood");
  CHECK(j["fit"]["exponent_ci"]["lower"].get<double>() < j["fit"]["exponent"].get<double>());
  CHECK(j["fit"]["exponent_ci"]["upper"].get<double>() > j["fit"]["exponent"].get<double>());
  CHECK(j["fit"]["diagnosis"].is_null());
}

TEST_CASE("CLI: fit on a not-identifiable curve prints the diagnosis and --json carries it",
          "[unit][cli]") {
  testing::ScratchDir dir;
  // A large floor over one decade: E and alpha trade off.
  testing::WriteFile(dir / "floor.csv", OneRunCsv(1.0, 1.0, 0.3, 100, 1000));
  const auto text = RunScalebench("fit " + (dir / "floor.csv"));
  INFO(text.output);
  REQUIRE(text.exit_code == 0);  // a diagnosis is a result, not a failure
  CHECK_THAT(text.output, Contains("status:     not_identifiable"));
  CHECK_THAT(text.output, Contains("diagnosis:  offset_exponent"));
  CHECK_THAT(text.output, Contains("needed:     "));
  CHECK_THAT(text.output, Contains("rule:       continue the grid upwards"));
  CHECK_THAT(text.output, Contains("tried:      E fixed at 0.5x the smallest loss"));
  CHECK_THAT(text.output, Contains("pure power law over the upper 3 sizes"));

  const auto json = RunScalebench("fit --json " + (dir / "floor.csv"));
  REQUIRE(json.exit_code == 0);
  const auto d = nlohmann::json::parse(json.output)["fit"]["diagnosis"];
  CHECK(d["degenerate"] == "offset_exponent");
  CHECK(d["alternatives"].size() == 3);
  CHECK(d["alternatives"][0]["interval_method"] == "profile_likelihood");
  CHECK(d.contains("needed_max_size"));
  CHECK(d.contains("range_rule"));
}

TEST_CASE("CLI: run with one seed per size carries the interval method into cells.csv",
          "[unit][cli]") {
  testing::ScratchDir dir;
  const auto run = RunScalebench(
      "run --quiet --target hutter_memorization/alpha1.0 --seeds 1 "
      "--cache-dir " +
      (dir / "cache") + " --results-dir " + (dir / "results") + " --db " + (dir / "h.sqlite"));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const std::string csv = testing::ReadFile(dir / "results/cells.csv");
  CHECK_THAT(csv.substr(0, csv.find('\n')), Contains(",interval_method,fit_diagnosis"));
  CHECK_THAT(csv, Contains(",profile_likelihood,"));
  CHECK(csv.find(",seed_bootstrap,") == std::string::npos);
  std::ifstream file(dir / "results/leaderboard.json");
  const auto j = nlohmann::json::parse(file);
  REQUIRE(j.at("cells").size() > 0);
  for (const auto& cell : j.at("cells")) CHECK(cell["interval_method"] == "profile_likelihood");
}

}  // namespace
}  // namespace scalebench
