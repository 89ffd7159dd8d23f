// Tests of the shared spectral numerics (theories/internal/spectral.h): the effective-ridge fixed
// point and the kernel error against hand-computed values, the power-law asymptotics of the
// self-consistent curve, and the tail continuation.
#include "theories/internal/spectral.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <vector>

namespace scalebench::internal {
namespace {

// A spectrum used exactly as given (no continuation).
ModeSpectrum Exact(std::vector<double> lambda, std::vector<double> power) {
  TailOptions no_tail;
  no_tail.trust_fraction = 1.0;
  ModeSpectrum s;
  std::string error;
  REQUIRE(BuildModeSpectrum(lambda, &power, std::nullopt, std::nullopt, no_tail, &s, &error));
  return s;
}

ModeSpectrum PowerLaw(double b, double a, int modes) {
  std::vector<double> lambda, power;
  for (int k = 1; k <= modes; ++k)
    lambda.push_back(std::pow(k, -b)), power.push_back(std::pow(k, -a));
  return Exact(lambda, power);
}

FixedPoint SolveAt(const ModeSpectrum& s, double n, double ridge) {
  std::vector<FixedPoint> points;
  std::string error;
  REQUIRE(SolveFixedPoints(s, {n}, ridge, &points, &error));
  return points.front();
}

TEST_CASE("two modes, no ridge: t, gamma and E_g by hand", "[spectral]") {
  // lambda = (1, 1/4), P = 1, delta = 0:  1/(1+t) + (1/4)/(1/4+t) = 1
  //   => (1/4 + t) + (1/4)(1 + t) = (1 + t)(1/4 + t)  =>  1/4 = t^2  =>  t = 1/2 (kappa_BCP = 1/2).
  // L = (2/3, 1/3); gamma = (4/9 + 1/9)/1 = 5/9; 1/(1-gamma) = 9/4.
  // p = (1, 1): sum p (1-L)^2 = 1/9 + 4/9 = 5/9  =>  E_g = 9/4 * 5/9 = 5/4.
  // sigma^2 = 0.1: E_g = 9/4 * (5/9 + 0.1 * 5/9) = 9/4 * 11/18 = 11/8.
  const FixedPoint point = SolveAt(Exact({1.0, 0.25}, {1.0, 1.0}), 1.0, 0.0);
  CHECK(point.t == Approx(0.5).epsilon(1e-12));
  CHECK(point.learned_sq / point.n == Approx(5.0 / 9.0).epsilon(1e-12));
  CHECK(KernelGeneralizationError(point, 0.0) == Approx(1.25).epsilon(1e-12));
  CHECK(KernelGeneralizationError(point, 0.1) == Approx(11.0 / 8.0).epsilon(1e-12));
}

TEST_CASE("two modes with ridge: t, gamma and E_g by hand", "[spectral]") {
  // lambda = (1, 1/4), delta = 1/2, P = 2: at t = 1/2, 2/3 + 1/3 + (1/2)/(1/2) = 2, so t = 1/2.
  // gamma = (4/9 + 1/9)/2 = 5/18; 1/(1-gamma) = 18/13.
  // p = (1, 1): E_g = 18/13 * 5/9 = 10/13;  sigma^2 = 0.1: 18/13 * (5/9 + 0.1 * 5/18) = 10.5/13.
  const FixedPoint point = SolveAt(Exact({1.0, 0.25}, {1.0, 1.0}), 2.0, 0.5);
  CHECK(point.t == Approx(0.5).epsilon(1e-12));
  CHECK(KernelGeneralizationError(point, 0.0) == Approx(10.0 / 13.0).epsilon(1e-12));
  CHECK(KernelGeneralizationError(point, 0.1) == Approx(10.5 / 13.0).epsilon(1e-12));
}

TEST_CASE("three modes with ridge: E_g and the projection residual by hand", "[spectral]") {
  // lambda = (1, 1/2, 1/4), delta = 1/4, P = 2: at t = 1/2, L = (2/3, 1/2, 1/3), sum L = 3/2,
  // delta/t = 1/2, total 2, so t = 1/2.  gamma = (4/9 + 1/4 + 1/9)/2 = 29/72, 1 - gamma = 43/72.
  // p = (0.5, 0.3, 0.2): sum p (1-L)^2 = (0.5*4 + 0.3*9 + 0.2*16)/36 = 7.9/36
  //   => E_g = 7.9/36 * 72/43 = 15.8/43;   sum p (1-L) = 0.5/3 + 0.3/2 + 0.2*2/3 = 0.45.
  const FixedPoint point = SolveAt(Exact({1.0, 0.5, 0.25}, {0.5, 0.3, 0.2}), 2.0, 0.25);
  CHECK(point.t == Approx(0.5).epsilon(1e-12));
  CHECK(point.learned_sq / point.n == Approx(29.0 / 72.0).epsilon(1e-12));
  CHECK(KernelGeneralizationError(point, 0.0) == Approx(15.8 / 43.0).epsilon(1e-12));
  CHECK(point.residual_power == Approx(0.45).epsilon(1e-12));
}

TEST_CASE("the fixed point is solved to 1e-12 and keeps the order of the sizes", "[spectral]") {
  const ModeSpectrum s = PowerLaw(1.5, 2.0, 20000);
  const std::vector<double> sizes = {3000, 10, 700, 10, 55.5};
  std::vector<FixedPoint> points;
  std::string error;
  REQUIRE(SolveFixedPoints(s, sizes, 0.0, &points, &error));
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    CHECK(points[i].n == sizes[i]);
    double sum = 0;
    for (double l : s.eigenvalues) sum += l / (l + points[i].t);
    CHECK(sum == Approx(sizes[i]).epsilon(1e-11));
    CHECK(points[i].iterations < 30);
  }
  CHECK(points[1].t == points[3].t);
}

TEST_CASE("no ridge and a size at or past the number of modes is refused", "[spectral]") {
  std::vector<FixedPoint> points;
  std::string error;
  CHECK_FALSE(SolveFixedPoints(Exact({1.0, 0.25}, {1.0, 1.0}), {1.0, 2.0}, 0.0, &points, &error));
  CHECK_THAT(error, Catch::Contains("2 modes"));
  CHECK(SolveFixedPoints(Exact({1.0, 0.25}, {1.0, 1.0}), {1.0, 2.0, 50.0}, 1e-3, &points, &error));
  CHECK_FALSE(SolveFixedPoints(Exact({1.0, 0.25}, {1.0, 1.0}), {-1.0}, 1e-3, &points, &error));
}

// Local exponent of the ridgeless, noiseless curve between P and 2P on lambda_k = k^-b,
// p_k = k^-a: 1e5 explicit modes, the infinite power-law tail beyond them summarised as far
// trace and far power (integral estimates), as the tail continuation does. Without that tail
// the truncation steepens the curve (1.07 instead of 1.00 for a = 2, b = 1.5 at P = 4000).
double LocalExponent(double a, double b, double p) {
  ModeSpectrum s = PowerLaw(b, a, 100000);
  s.far_trace = std::pow(100000.5, 1 - b) / (b - 1);
  s.far_power = std::pow(100000.5, 1 - a) / (a - 1);
  const double e1 = KernelGeneralizationError(SolveAt(s, p, 0.0), 0.0);
  const double e2 = KernelGeneralizationError(SolveAt(s, 2 * p, 0.0), 0.0);
  return std::log(e1 / e2) / std::log(2.0);
}

TEST_CASE("the self-consistent curve approaches P^-min(a-1, 2b) on a power law", "[spectral]") {
  // Measured: 1.000, 1.999, 2.384 at P = 4000 (the 2b branch converges slowest, ~P^-(a-1-2b)).
  CHECK(LocalExponent(2.0, 1.5, 4000) == Approx(1.0).margin(0.05));  // target-limited a - 1
  CHECK(LocalExponent(3.0, 1.5, 4000) == Approx(2.0).margin(0.05));  // target-limited a - 1
  CHECK(LocalExponent(4.0, 1.2, 4000) == Approx(2.4).margin(0.05));  // spectrum-limited 2b
  CHECK(LocalExponent(4.0, 1.2, 100) == Approx(2.23).margin(0.02));  // still pre-asymptotic
}

TEST_CASE("a measured power law is continued as the infinite power law", "[spectral][tail]") {
  std::vector<double> lambda, power;
  for (int k = 1; k <= 4000; ++k)
    lambda.push_back(std::pow(k, -1.5)), power.push_back(std::pow(k, -2.0));
  ModeSpectrum s;
  std::string error;
  REQUIRE(BuildModeSpectrum(lambda, &power, 1.5, 2.0, TailOptions{}, &s, &error));
  CHECK(s.trusted_modes == 400);  // n / 10
  CHECK(s.eigenvalues.size() == 100000);
  for (std::size_t k : {399u, 400u, 2500u, 99999u}) {
    CHECK(s.eigenvalues[k] == Approx(std::pow(k + 1.0, -1.5)).epsilon(1e-9));
  }
  // Beyond the explicit modes: the integral of k^-1.5, 2 / sqrt(100000.5).
  CHECK(s.far_trace == Approx(2.0 / std::sqrt(100000.5)).epsilon(1e-12));
  // The measured target power is conserved, spread over the tail as k^-2.
  CHECK(s.TotalPower() == Approx(std::accumulate(power.begin(), power.end(), 0.0)).epsilon(1e-12));
  CHECK(s.target_power[2499] / s.target_power[4999] == Approx(4.0).epsilon(1e-9));
  CHECK(s.far_power / s.target_power[99999] == Approx(1e10 / 100000.5).epsilon(1e-4));
}

TEST_CASE("a probe's flattened high modes are replaced by the power law", "[spectral][tail]") {
  // A probe of 2000 points that resolves the top 500 modes; its modes 501..2000 are flat.
  std::vector<double> lambda, power;
  for (int k = 1; k <= 500; ++k)
    lambda.push_back(std::pow(k, -1.5)), power.push_back(std::pow(k, -2.0));
  lambda.resize(2000, 1e-5), power.resize(2000, 1e-7);
  ModeSpectrum s;
  std::string error;
  REQUIRE(BuildModeSpectrum(lambda, &power, 1.5, 2.0, TailOptions{}, &s, &error));
  CHECK(s.trusted_modes == 200);
  CHECK(s.eigenvalues[49999] == Approx(std::pow(50000, -1.5)).epsilon(1e-9));
  CHECK(s.TotalPower() == Approx(std::accumulate(power.begin(), power.end(), 0.0)).epsilon(1e-12));
  CHECK_THAT(s.description, Catch::Contains("k_trust = 200") && Catch::Contains("profile b"));
}

TEST_CASE("without b and a the continuation fits them on the series", "[spectral][tail]") {
  std::vector<double> lambda, power;
  for (int k = 1; k <= 2000; ++k)
    lambda.push_back(std::pow(k, -1.3)), power.push_back(std::pow(k, -2.5));
  ModeSpectrum s;
  std::string error;
  REQUIRE(BuildModeSpectrum(lambda, &power, std::nullopt, std::nullopt, TailOptions{}, &s, &error));
  REQUIRE(s.tail_spectrum_decay);
  CHECK(*s.tail_spectrum_decay == Approx(1.3).epsilon(1e-9));
  REQUIRE(s.tail_task_decay);
  CHECK(*s.tail_task_decay == Approx(2.5).margin(0.15));  // the finite series bends the tail sum
}

TEST_CASE("a low-rank spectrum stays low-rank", "[spectral][tail]") {
  std::vector<double> lambda(2000, 0.0), power(2000, 0.0);
  for (int k = 1; k <= 100; ++k)
    lambda[k - 1] = std::pow(k, -1.5), power[k - 1] = std::pow(k, -2.0);
  ModeSpectrum s;
  std::string error;
  REQUIRE(BuildModeSpectrum(lambda, &power, 1.5, 2.0, TailOptions{}, &s, &error));
  CHECK(s.positive_modes == 100);
  std::vector<FixedPoint> points;
  CHECK_FALSE(SolveFixedPoints(s, {150}, 0.0, &points, &error));
}

TEST_CASE("bad series are refused with a reason", "[spectral]") {
  ModeSpectrum s;
  std::string error;
  const std::vector<double> two = {1.0, 0.5}, three = {1.0, 0.5, 0.1};
  CHECK_FALSE(
      BuildModeSpectrum(three, &two, std::nullopt, std::nullopt, TailOptions{}, &s, &error));
  CHECK_THAT(error, Catch::Contains("target_power has 2 entries"));
  CHECK_FALSE(
      BuildModeSpectrum({}, nullptr, std::nullopt, std::nullopt, TailOptions{}, &s, &error));
  CHECK_FALSE(BuildModeSpectrum(
      {1.0, NAN}, nullptr, std::nullopt, std::nullopt, TailOptions{}, &s, &error));
  CHECK_FALSE(BuildModeSpectrum(
      {1.0, -0.5}, nullptr, std::nullopt, std::nullopt, TailOptions{}, &s, &error));
  // Round-off negatives and an unsorted order are repaired, keeping p_k with lambda_k.
  const std::vector<double> p = {0.1, 0.7, 0.2};
  REQUIRE(BuildModeSpectrum(
      {0.5, 1.0, -1e-14}, &p, std::nullopt, std::nullopt, TailOptions{}, &s, &error));
  CHECK(s.eigenvalues == std::vector<double>{1.0, 0.5, 0.0});
  CHECK(s.target_power == std::vector<double>{0.7, 0.1, 0.2});
  CHECK(s.positive_modes == 2);
}

TEST_CASE("effective exponent and intervals", "[spectral]") {
  CHECK(*EffectiveExponent({10, 100, 1000}, {1.0, 0.1, 0.01}) == Approx(1.0));
  CHECK(*EffectiveExponent({10, 20}, {3.0, 3.0 * std::pow(2.0, -0.37)}) == Approx(0.37));
  CHECK_FALSE(EffectiveExponent({10}, {1.0}));
  CHECK_FALSE(EffectiveExponent({10, 10}, {1.0, 0.5}));
  CHECK_FALSE(EffectiveExponent({10, 20}, {1.0, 0.0}));
  const Estimate e = WithInterval(0.5, 0.1);
  CHECK(*e.lower == Approx(0.5 - 0.196));
  CHECK(*e.upper == Approx(0.5 + 0.196));
  CHECK_FALSE(WithInterval(0.5, NAN).lower);
}

TEST_CASE("ModeSpectrumFromProfile: a complete spectrum is used as measured, no tail added") {
  Profile profile;
  std::vector<double> lambda, power;
  for (int k = 1; k <= 400; ++k) {
    lambda.push_back(std::pow(k, -1.5));
    power.push_back(std::pow(k, -2.0));
  }
  profile.Set(Series::kEigenvalues, lambda);
  profile.Set(Series::kTargetPower, power);
  ModeSpectrum sampled, complete;
  std::string error;
  REQUIRE(ModeSpectrumFromProfile(profile, true, TailOptions{}, &sampled, &error));
  CHECK(sampled.eigenvalues.size() > 400);  // continued past k_trust = 40
  profile.Set(Property::kSpectrumComplete, {1.0, 0.0, "the sample is the population"});
  REQUIRE(ModeSpectrumFromProfile(profile, true, TailOptions{}, &complete, &error));
  CHECK(complete.eigenvalues == lambda);
  CHECK(complete.target_power == power);
  CHECK(complete.far_trace == 0.0);
}

}  // namespace
}  // namespace scalebench::internal
