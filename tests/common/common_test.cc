// The neutral helpers of common/: the formatting matches printf (so method strings written
// before fmt read the same), and the estimators give their closed forms.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "common/format.h"
#include "common/line_fit.h"
#include "common/statistics.h"
#include "common/status.h"

namespace scalebench::internal {
namespace {

std::string Printf(const char* format, double value, int digits) {
  char buffer[128];
  std::snprintf(buffer, sizeof(buffer), format, digits, value);
  return buffer;
}

TEST_CASE("Fixed and Format print what printf's %.*f and %.*g print", "[unit][common]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // Ties in binary (0.125, 2.5) round to even in printf; fmt must agree.
  const std::vector<double> values = {0.0,     -0.0,    0.125, 0.375,  2.5,
                                      -2.5,    1e-320,  1e-5,  0.0001, 123456.,
                                      1e6,     1.0 / 3, -2e-7, 0.509,  1.5734744891829828,
                                      6.02e23, nan,     -nan,  inf,    -inf};
  for (double v : values) {
    for (int digits = 0; digits <= 6; ++digits) {
      INFO("value " << v << ", digits " << digits);
      CHECK(Fixed(v, digits) == Printf("%.*f", v, digits));
      CHECK(Format(v, digits == 0 ? 1 : digits) == Printf("%.*g", v, digits == 0 ? 1 : digits));
    }
  }
  CHECK(Fixed(0.5) == "0.500");
  CHECK(Format(1.5) == "1.5");
  CHECK(Format(0.012345678) == "0.01235");
  CHECK(JoinFixed({4.1, 3.25, -1.0}, 2) == "4.10, 3.25, -1.00");
  CHECK(JoinFixed({}, 2).empty());
}

TEST_CASE("Fail sets the message and returns false, and accepts a null error", "[unit][common]") {
  std::string error;
  CHECK_FALSE(Fail(&error, "needs 3 points"));
  CHECK(error == "needs 3 points");
  CHECK_FALSE(Fail(nullptr, "ignored"));
}

TEST_CASE("JackknifeError is sqrt((G - 1) / G sum (theta - mean)^2), NaN below 2 replicates",
          "[unit][common]") {
  // mean 2, squared deviations 1 + 0 + 1 = 2: sqrt(2/3 * 2).
  CHECK(JackknifeError({1.0, 2.0, 3.0}) == Approx(std::sqrt(4.0 / 3.0)).epsilon(1e-15));
  CHECK(JackknifeError({5.0, 5.0}) == 0.0);
  CHECK(std::isnan(JackknifeError({1.0})));
  CHECK(std::isnan(JackknifeError({})));
}

TEST_CASE("Quantile interpolates linearly between the sorted values", "[unit][common]") {
  const std::vector<double> values = {4.0, 1.0, 3.0, 2.0};
  CHECK(Quantile(values, 0.0) == 1.0);
  CHECK(Quantile(values, 1.0) == 4.0);
  CHECK(Quantile(values, 0.5) == 2.5);
  CHECK(Quantile(values, 0.25) == Approx(1.75));
  CHECK(std::isnan(Quantile({}, 0.5)));
}

TEST_CASE("FitLine and FitLogLog recover an exact line with zero standard error",
          "[unit][common]") {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  std::vector<double> y, power;
  for (double v : x) y.push_back(3.0 - 0.5 * v), power.push_back(2.0 * std::pow(v, -1.5));
  const LineFit line = FitLine(x, y);
  CHECK(line.slope == Approx(-0.5).epsilon(1e-12));
  CHECK(line.std_error == Approx(0.0).margin(1e-12));
  CHECK(FitLogLog(x, power).slope == Approx(-1.5).epsilon(1e-12));
  // Noise gives a positive error; two points give none.
  CHECK(FitLine(x, {1.0, 0.4, 0.1, -0.8, -0.9}).std_error > 0.0);
  CHECK(FitLine({1.0, 2.0}, {1.0, 3.0}).std_error == 0.0);
}

TEST_CASE("LogLogSlope skips non-positive points and needs 3 positive ones", "[unit][common]") {
  CHECK(*LogLogSlope({1, 2, 4, 8, -1}, {1, 0.25, 0.0625, 0.015625, 5}) == Approx(-2.0));
  CHECK_FALSE(LogLogSlope({1, 2, 3}, {1, 0, 2}).has_value());
  CHECK_FALSE(LogLogSlope({1, 1, 1}, {1, 2, 3}).has_value());  // no spread in x
}

}  // namespace
}  // namespace scalebench::internal
