// `scalebench fit --compute C` on a Chinchilla-form CSV, end to end through the real binary.
// tests/harness/data/chinchilla_form.csv is L = E + A N^-a + B D^-b with Hoffmann et al.'s fitted
// values E = 1.69, A = 406.4, B = 410.7, a = 0.34, b = 0.28 on a 7 x 7 grid (N = 1e7..1e10,
// D = 1e9..1e12), each loss times exp(N(0, 0.003^2)) (Python's random.Random(20261215)). The
// compute-optimal allocation at C = 6 N D is then N* ~ C^(b/(a+b)) = C^0.4516,
// D* ~ C^(a/(a+b)) = C^0.5484, and at C = 1e21 FLOPs N* = 1.824e9, D* = 9.136e10,
// D*/N* = 50.08 (G = (a A / (b B))^(1/(a+b)), N* = G (C/6)^x, D* = (C/6)^y / G).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using testing::DataPath;
using testing::RunScalebench;

constexpr double kX = 0.28 / 0.62, kY = 0.34 / 0.62;
constexpr double kParams = 1.8242177e9, kData = 9.1363365e10, kRatio = 50.083586;

// The value and the interval of a report line "<label> <value>, 95% CI [<lower>, <upper>]".
struct Printed {
  double value = 0, lower = 0, upper = 0;
};
Printed Line(const std::string& output, const std::string& label) {
  const std::regex pattern(label + R"(\s+([-0-9.e+]+), 95% CI \[([-0-9.e+]+), ([-0-9.e+]+)\])");
  std::smatch m;
  REQUIRE(std::regex_search(output, m, pattern));
  return {std::stod(m[1]), std::stod(m[2]), std::stod(m[3])};
}

TEST_CASE(
    "CLI: fit --compute prints the allocation exponents b/(a+b), a/(a+b) and D*/N* at C "
    "with intervals that hold the generating values",
    "[harness]") {
  const auto text = RunScalebench("fit " + DataPath("chinchilla_form.csv") +
                                  " --compute 1e21 --bootstrap 200 --threads 2");
  INFO(text.output);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.output,
             Contains("(x = b/(a+b))") && Contains("(y = a/(a+b))") &&
                 Contains("at C = 1e+21 FLOPs") && Contains("(tokens per parameter)"));
  const Printed x = Line(text.output, "x:"), y = Line(text.output, "y:");
  const Printed n = Line(text.output, "N\\*:"), d = Line(text.output, "D\\*:");
  const Printed ratio = Line(text.output, "D\\*/N\\*:");
  CHECK(x.value == Approx(kX).margin(0.02));
  CHECK(y.value == Approx(kY).margin(0.02));
  CHECK(x.value + y.value == Approx(1.0).margin(1e-4));
  for (const auto& [printed, truth] :
       {std::pair{x, kX}, {y, kY}, {n, kParams}, {d, kData}, {ratio, kRatio}}) {
    CAPTURE(printed.value, printed.lower, printed.upper, truth);
    CHECK(printed.lower < printed.value);
    CHECK(printed.value < printed.upper);
    CHECK(printed.lower <= truth);
    CHECK(truth <= printed.upper);
  }
  CHECK(ratio.value == Approx(kRatio).epsilon(0.1));
}

TEST_CASE("CLI: fit --compute --json carries the allocation, N*, D* and D*/N* with intervals",
          "[harness]") {
  const auto result = RunScalebench("fit " + DataPath("chinchilla_form.csv") +
                                    " --compute 1e21 --bootstrap 100 --json");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto j = nlohmann::json::parse(result.output)["fit"];
  CHECK(j["compute"] == 1e21);
  CHECK(j["params_allocation"].get<double>() == Approx(kX).margin(0.02));
  CHECK(j["data_allocation"].get<double>() == Approx(kY).margin(0.02));
  CHECK(j["params_allocation_ci"]["lower"].get<double>() <= kX);
  CHECK(j["params_allocation_ci"]["upper"].get<double>() >= kX);
  CHECK(j["tokens_per_parameter"].get<double>() > 0);
  CHECK(j["tokens_per_parameter_ci"]["lower"].get<double>() <= kRatio);
  CHECK(j["tokens_per_parameter_ci"]["upper"].get<double>() >= kRatio);
  CHECK(j["optimal_params"].get<double>() > 0);
}

TEST_CASE("CLI: fit --compute is refused on single-axis curves and must be a positive number",
          "[harness]") {
  const auto single = RunScalebench("fit " + DataPath("good_curve.csv") + " --compute 1e21");
  CHECK(single.exit_code == 2);
  CHECK_THAT(single.output, Contains("--compute applies to N,D curves"));
  const auto negative = RunScalebench("fit " + DataPath("chinchilla_form.csv") + " --compute -5");
  CHECK(negative.exit_code == 2);
  CHECK_THAT(negative.output, Contains("--compute = -5 must be > 0 FLOPs"));
  const auto text = RunScalebench("fit " + DataPath("chinchilla_form.csv") + " --compute abc");
  CHECK(text.exit_code == 2);
  CHECK_THAT(text.output, Contains("--compute"));
}

}  // namespace
}  // namespace scalebench
