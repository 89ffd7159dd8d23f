// Tests of the registered theories through RunTheory: hand-computed values, published or
// digest-checked numbers (lit-spectral 1, 2, 5.1), and the NotApplicable paths.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

Prediction Run(const std::string& name,
               const Profile& profile,
               const LearnerSpec& learner,
               Axis axis,
               std::vector<double> sizes) {
  std::string error;
  std::unique_ptr<Theory> theory = TheoryRegistry::Global().Create(name, &error);
  REQUIRE(theory != nullptr);
  const PredictionRequest request(profile, learner, axis, std::move(sizes));
  return RunTheory(*theory, *TheoryRegistry::Global().Find(name), request);
}

// lambda_k = k^-b, p_k = k^-a for k = 1..modes, with b, a and the total power as scalars.
Profile PowerLawProfile(double b, double a, int modes) {
  std::vector<double> lambda, power;
  for (int k = 1; k <= modes; ++k)
    lambda.push_back(std::pow(k, -b)), power.push_back(std::pow(k, -a));
  Profile profile;
  profile.Set(Property::kSpectrumDecay, {b, 0.01, "exact"});
  profile.Set(Property::kTaskPowerDecay, {a, 0.02, "exact"});
  profile.Set(Property::kTotalTargetPower,
              {std::accumulate(power.begin(), power.end(), 0.0), 0.0, "exact"});
  profile.Set(Series::kEigenvalues, lambda);
  profile.Set(Series::kTargetPower, power);
  return profile;
}

std::vector<double> LogGrid(double from, double to, int count) {
  std::vector<double> sizes;
  for (int i = 0; i < count; ++i)
    sizes.push_back(from * std::pow(to / from, i / double(count - 1)));
  return sizes;
}

double Slope(const std::vector<double>& sizes, const std::vector<double>& curve) {
  return *internal::EffectiveExponent(sizes, curve);
}

// ---------------------------------------------------------------- kernel/self_consistent_curve

constexpr char kKernel[] = "kernel/self_consistent_curve";

TEST_CASE("kernel curve: two modes with ridge and noise by hand", "[kernel]") {
  // lambda = (1, 1/4), p = (1, 1), delta = 1/2, sigma^2 = 0.1, P = 2: t = 1/2 (see spectral_test),
  // gamma = 5/18, E_g = 18/13 * (5/9 + 0.1 * 5/18) = 10.5/13.
  Profile profile;
  profile.Set(Series::kEigenvalues, {1.0, 0.25});
  profile.Set(Series::kTargetPower, {1.0, 1.0});
  profile.Set(Property::kLabelNoiseVariance, {0.1, 0.0, "known"});
  LearnerSpec learner;
  learner.ridge = 0.5;
  const Prediction p = Run(kKernel, profile, learner, Axis::kData, {2.0, 4.0});
  REQUIRE(p.predicted());
  REQUIRE(p.curve().size() == 2);
  CHECK(p.curve()[0] == Approx(10.5 / 13.0).epsilon(1e-12));
  CHECK(p.exponent().value ==
        Approx(std::log(p.curve()[0] / p.curve()[1]) / std::log(2.0)).epsilon(1e-12));
  CHECK_THAT(p.message(), Catch::Contains("least-squares slope"));
  learner.loss = "mse";  // the MSE adds the test-label noise
  CHECK(Run(kKernel, profile, learner, Axis::kData, {2.0, 4.0}).curve()[0] ==
        Approx(10.5 / 13.0 + 0.1));
  learner.loss = "cross_entropy_nats";  // no curve in other units, the exponent stays
  const Prediction ce = Run(kKernel, profile, learner, Axis::kData, {2.0, 4.0});
  CHECK(ce.predicted());
  CHECK_FALSE(ce.has_curve());
}

TEST_CASE("kernel curve: NotApplicable paths", "[kernel]") {
  Profile profile;
  profile.Set(Series::kEigenvalues, {1.0, 0.25});
  profile.Set(Series::kTargetPower, {1.0, 1.0});
  LearnerSpec ridgeless;
  const Prediction too_many = Run(kKernel, profile, ridgeless, Axis::kData, {1.0, 2.0});
  CHECK(too_many.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(too_many.message(), Catch::Contains("2 modes"));
  CHECK(Run(kKernel, profile, ridgeless, Axis::kData, {1.0}).status() ==
        PredictionStatus::kNotApplicable);
  LearnerSpec bottleneck;
  bottleneck.features = 100;
  CHECK_THAT(Run(kKernel, profile, bottleneck, Axis::kData, {1.0, 1.5}).message(),
             Catch::Contains("finite feature"));
  profile.Set(Series::kTargetPower, {0.0, 0.0});
  CHECK_THAT(Run(kKernel, profile, ridgeless, Axis::kData, {1.0, 1.5}).message(),
             Catch::Contains("no power"));
  profile.Set(Series::kTargetPower, {1.0});
  CHECK_THAT(Run(kKernel, profile, ridgeless, Axis::kData, {1.0, 1.5}).message(),
             Catch::Contains("entries"));
}

// The curve on the true spectrum lambda = k^-1.5, p = k^-2 (1e6 explicit modes, the rest by its
// integral), and a probe of 2000 points that resolves only the top 500 modes: its modes
// 501..2000 are flat but carry the true remaining power (as Gram/n eigenvectors do). The
// continuation must recover the curve; the probe used as given must not.
TEST_CASE("kernel curve: the tail continuation recovers the true curve from a probe",
          "[kernel][tail]") {
  const double b = 1.5, a = 2.0;
  std::vector<double> lambda, power;
  double rest_power = 1.0 / 1000000.5;  // the power beyond 1e6 modes: integral of k^-2
  for (int k = 1; k <= 1000000; ++k) {
    if (k <= 500)
      lambda.push_back(std::pow(k, -b)), power.push_back(std::pow(k, -a));
    else
      rest_power += std::pow(k, -a);
  }
  lambda.resize(2000, 2e-5), power.resize(2000, rest_power / 1500);
  Profile probe;
  probe.Set(Series::kEigenvalues, lambda);
  probe.Set(Series::kTargetPower, power);
  probe.Set(Property::kSpectrumDecay, {b, 0.01, "fit"});
  probe.Set(Property::kTaskPowerDecay, {a, 0.02, "fit"});
  const std::vector<double> sizes = LogGrid(10, 1000, 9);
  const Prediction p = Run(kKernel, probe, LearnerSpec{}, Axis::kData, sizes);
  REQUIRE(p.predicted());

  internal::TailOptions exact;
  exact.trust_fraction = 1.0;
  auto curve_on = [&](const std::vector<double>& l,
                      const std::vector<double>& q,
                      double far_trace,
                      double far_power) {
    internal::ModeSpectrum s;
    std::string error;
    REQUIRE(internal::BuildModeSpectrum(l, &q, std::nullopt, std::nullopt, exact, &s, &error));
    s.far_trace = far_trace, s.far_power = far_power;
    std::vector<internal::FixedPoint> points;
    REQUIRE(internal::SolveFixedPoints(s, sizes, 0.0, &points, &error));
    std::vector<double> curve;
    for (const auto& point : points)
      curve.push_back(internal::KernelGeneralizationError(point, 0.0));
    return curve;
  };
  std::vector<double> true_lambda, true_power;
  for (int k = 1; k <= 1000000; ++k)
    true_lambda.push_back(std::pow(k, -b)), true_power.push_back(std::pow(k, -a));
  const std::vector<double> truth =
      curve_on(true_lambda, true_power, 2 / std::sqrt(1000000.5), 1 / 1000000.5);
  const std::vector<double> naive = curve_on(lambda, power, 0, 0);  // the probe used as given
  for (std::size_t i = 0; i < sizes.size(); ++i)
    CHECK(p.curve()[i] == Approx(truth[i]).epsilon(1e-3));
  CHECK(std::abs(naive.back() / truth.back() - 1) > 0.1);  // the continuation matters
  CHECK(p.exponent().value == Approx(Slope(sizes, truth)).epsilon(1e-3));
  CHECK_THAT(p.message(), Catch::Contains("asymptotic min(a-1, 2b) = 1"));
}

// ---------------------------------------------------------- random_features/maloney_roberts_sully

constexpr char kMrs[] = "random_features/maloney_roberts_sully";

// lit-spectral 1: lambda_I = I^-(1+alpha), I <= M, isotropic teacher w_I ~ N(0, 1) (sigma_w^2 = 1,
// so total target power = sum lambda).
Profile MrsProfile(double alpha, int latent) {
  Profile profile = PowerLawProfile(1.0 + alpha, 1.0 + alpha, latent);
  const auto& l = profile.Get(Series::kEigenvalues);
  profile.Set(Property::kTotalTargetPower,
              {std::accumulate(l.begin(), l.end(), 0.0), 0.0, "sigma_w^2 = 1"});
  return profile;
}

TEST_CASE("MRS: exponent alpha = b - 1 on both axes with an interval", "[mrs]") {
  Profile profile = MrsProfile(0.5, 3000);
  for (Axis axis : {Axis::kData, Axis::kParams}) {
    const Prediction p = Run(kMrs, profile, LearnerSpec{}, axis, {100, 200});
    REQUIRE(p.predicted());
    CHECK(p.exponent().value == Approx(0.5));
    CHECK(*p.exponent().lower == Approx(0.5 - 1.96 * 0.01));
    CHECK(*p.exponent().upper == Approx(0.5 + 1.96 * 0.01));
  }
  profile.Set(Property::kTaskPowerDecay, {9.0, 0.0, "ignored"});  // the theory does not read a
  CHECK(Run(kMrs, profile, LearnerSpec{}, Axis::kData, {100, 200}).exponent().value == Approx(0.5));
  profile.Set(Property::kSpectrumDecay, {0.9, 0.01, "too flat"});
  CHECK_THAT(Run(kMrs, profile, LearnerSpec{}, Axis::kData, {100, 200}).message(),
             Catch::Contains("b > 1"));
}

TEST_CASE("MRS: the asymptotic constant of n kappa_n (lit-spectral 1)", "[mrs]") {
  // n kappa_n ~ lambda_+ [Gamma(1+s) Gamma(1-s)]^(1+alpha) n^-alpha, s = 1/(1+alpha); the digest
  // finds exact/asymptotic = 0.999 for alpha = 1, n = 1e3, M = 1e7 (a little lower at M = 1e6).
  const double alpha = 1.0, s = 1.0 / (1.0 + alpha), n = 1000;
  std::vector<double> lambda;
  for (int i = 1; i <= 1000000; ++i) lambda.push_back(std::pow(i, -(1 + alpha)));
  internal::TailOptions exact;
  exact.trust_fraction = 1.0;
  internal::ModeSpectrum spectrum;
  std::string error;
  REQUIRE(internal::BuildModeSpectrum(
      lambda, nullptr, std::nullopt, std::nullopt, exact, &spectrum, &error));
  std::vector<internal::FixedPoint> points;
  REQUIRE(internal::SolveFixedPoints(spectrum, {n}, 0.0, &points, &error));
  const double asymptotic =
      std::pow(std::tgamma(1 + s) * std::tgamma(1 - s), 1 + alpha) * std::pow(n, -alpha);
  const double ratio = n * points[0].t / asymptotic;
  CHECK(ratio == Approx(0.99).margin(0.01));
  CHECK(ratio < 1.0);
}

// The formula on the exact finite latent spectrum lambda_I = I^-1.5, I <= M, sigma_w^2 = 1.
double MrsFormula(int latent, double features, double samples) {
  std::vector<double> lambda;
  for (int i = 1; i <= latent; ++i) lambda.push_back(std::pow(i, -1.5));
  internal::TailOptions exact;
  exact.trust_fraction = 1.0;  // a finite M: no continuation
  internal::ModeSpectrum spectrum;
  std::string error;
  REQUIRE(internal::BuildModeSpectrum(
      lambda, nullptr, std::nullopt, std::nullopt, exact, &spectrum, &error));
  std::vector<internal::FixedPoint> points;
  REQUIRE(
      internal::SolveFixedPoints(spectrum, {std::min(features, samples)}, 0.0, &points, &error));
  return internal::MaloneyRobertsSullyLoss(points[0], features, samples, 1.0);
}

TEST_CASE("MRS: the Monte-Carlo table of lit-spectral 1 (formula column)", "[mrs]") {
  // alpha = 0.5, w_I ~ N(0, 1): M = 3000: (N, T) = (100, 400), (400, 100) -> 0.423;
  // (200, 800), (800, 200) -> 0.277;  M = 6000: (150, 600) -> 0.355, (1200, 300) -> 0.235.
  CHECK(MrsFormula(3000, 100, 400) == Approx(0.423).margin(0.0015));
  CHECK(MrsFormula(3000, 400, 100) == Approx(0.423).margin(0.0015));
  CHECK(MrsFormula(3000, 200, 800) == Approx(0.277).margin(0.0015));
  CHECK(MrsFormula(3000, 800, 200) == Approx(0.277).margin(0.0015));
  CHECK(MrsFormula(6000, 150, 600) == Approx(0.355).margin(0.0015));
  CHECK(MrsFormula(6000, 1200, 300) == Approx(0.235).margin(0.0015));
}

TEST_CASE("MRS: the theory's curve is the formula on the continued spectrum", "[mrs]") {
  // A profile of 20 modes is not continued, so the theory must give the formula itself.
  const Profile profile = MrsProfile(0.5, 20);
  const auto& l = profile.Get(Series::kEigenvalues);
  const double sigma_w2 = 1.0;  // total power = trace
  internal::ModeSpectrum spectrum;
  std::string error;
  REQUIRE(internal::BuildModeSpectrum(
      l, nullptr, std::nullopt, std::nullopt, internal::TailOptions{}, &spectrum, &error));
  std::vector<internal::FixedPoint> points;
  REQUIRE(internal::SolveFixedPoints(spectrum, {4, 8}, 0.0, &points, &error));
  LearnerSpec data;
  data.features = 8.5;  // data axis: T = 4 and 12 samples, N = 8.5 features -> n = 4, 8.5
  const Prediction p = Run(kMrs, profile, data, Axis::kData, {4, 12});
  REQUIRE(p.has_curve());
  CHECK(p.curve()[0] ==
        Approx(internal::MaloneyRobertsSullyLoss(points[0], 8.5, 4, sigma_w2)).epsilon(1e-12));
  CHECK(p.curve()[0] == Approx(sigma_w2 * 8.5 / 4.5 * 4 * points[0].t).epsilon(1e-12));
  // A 3000-mode series is continued as an infinite power law: no latent cutoff M, so the loss
  // sits above the finite-M table value 0.423 (measured 0.491), the extra tail acting as ridge.
  LearnerSpec big;
  big.features = 100;
  const Prediction table = Run(kMrs, MrsProfile(0.5, 3000), big, Axis::kData, {400, 800});
  CHECK(table.curve()[0] == Approx(0.491).epsilon(0.01));
}

TEST_CASE("MRS: NotApplicable at N = T and past the spectrum, no curve without the power",
          "[mrs]") {
  Profile profile = MrsProfile(0.5, 3000);
  LearnerSpec data;
  data.features = 200;
  const Prediction peak = Run(kMrs, profile, data, Axis::kData, {100, 200, 400});
  CHECK(peak.status() == PredictionStatus::kNotApplicable);
  CHECK_THAT(peak.message(), Catch::Contains("double-descent"));
  Profile tiny = MrsProfile(0.5, 20);  // too short to continue: M = 20 modes
  CHECK_THAT(Run(kMrs, tiny, LearnerSpec{}, Axis::kData, {10, 25}).message(),
             Catch::Contains("20 modes"));
  Profile no_power = MrsProfile(0.5, 3000);
  no_power = [&] {
    Profile p;
    p.Set(Property::kSpectrumDecay, no_power.Get(Property::kSpectrumDecay));
    p.Set(Series::kEigenvalues, no_power.Get(Series::kEigenvalues));
    return p;
  }();
  const Prediction bare = Run(kMrs, no_power, LearnerSpec{}, Axis::kData, {100, 200});
  CHECK(bare.predicted());
  CHECK_FALSE(bare.has_curve());
  CHECK_THAT(bare.message(), Catch::Contains("total_target_power absent"));
}

TEST_CASE("MRS: the curve falls as n^-alpha when the other size is infinite", "[mrs]") {
  const Profile profile = MrsProfile(1.0, 100000);
  const std::vector<double> sizes = LogGrid(100, 1000, 6);
  const Prediction p = Run(kMrs, profile, LearnerSpec{}, Axis::kParams, sizes);
  REQUIRE(p.has_curve());
  CHECK(Slope(sizes, p.curve()) == Approx(1.0).margin(0.03));
}

// ---------------------------------------------------------- random_features/random_projection

constexpr char kProjection[] = "random_features/random_projection";

TEST_CASE("random projection: exponent min(a-1, b) on both branches", "[projection]") {
  Profile profile;
  profile.Set(Property::kSpectrumDecay, {1.5, 0.05, "fit"});
  profile.Set(Property::kTaskPowerDecay, {2.0, 0.1, "fit"});
  const Prediction target_limited =
      Run(kProjection, profile, LearnerSpec{}, Axis::kParams, {10, 100});
  CHECK(target_limited.exponent().value == Approx(1.0));
  CHECK(*target_limited.exponent().lower == Approx(1.0 - 1.96 * 0.1));
  CHECK(*target_limited.exponent().upper == Approx(1.0 + 1.96 * 0.1));
  CHECK_FALSE(target_limited.has_curve());
  CHECK_THAT(target_limited.message(), Catch::Contains("series absent"));
  profile.Set(Property::kTaskPowerDecay, {5.0, 0.1, "fit"});
  const Prediction spectrum_limited =
      Run(kProjection, profile, LearnerSpec{}, Axis::kParams, {10, 100});
  CHECK(spectrum_limited.exponent().value == Approx(1.5));
  CHECK(*spectrum_limited.exponent().lower == Approx(1.5 - 1.96 * 0.05));
  CHECK(Run(kProjection, profile, LearnerSpec{}, Axis::kData, {10, 100}).status() ==
        PredictionStatus::kNotApplicable);
  profile.Set(Property::kTaskPowerDecay, {1.0, 0.1, "fit"});
  CHECK_THAT(Run(kProjection, profile, LearnerSpec{}, Axis::kParams, {10, 100}).message(),
             Catch::Contains("a > 1"));
}

TEST_CASE("random projection: the curve's slope is b, not 2b, when spectrum-limited",
          "[projection]") {
  const std::vector<double> sizes = LogGrid(300, 3000, 6);
  const Prediction spectrum_limited =
      Run(kProjection, PowerLawProfile(1.5, 5.0, 100000), LearnerSpec{}, Axis::kParams, sizes);
  REQUIRE(spectrum_limited.has_curve());
  CHECK(Slope(sizes, spectrum_limited.curve()) == Approx(1.5).margin(0.05));
  const Prediction target_limited =
      Run(kProjection, PowerLawProfile(1.5, 2.0, 100000), LearnerSpec{}, Axis::kParams, sizes);
  CHECK(Slope(sizes, target_limited.curve()) == Approx(1.0).margin(0.05));
  LearnerSpec finite;
  finite.train_size = 5000;
  const Prediction no_curve =
      Run(kProjection, PowerLawProfile(1.5, 5.0, 3000), finite, Axis::kParams, sizes);
  CHECK(no_curve.exponent().value == Approx(1.5));
  CHECK_FALSE(no_curve.has_curve());
  CHECK_THAT(no_curve.message(), Catch::Contains("finite train_size"));
}

TEST_CASE("random projection: the first-power formula of lit-spectral 5.1", "[projection]") {
  // M = 4000 exact modes, b = 1.5, a = 5: 2.97e-2, 1.06e-2, 3.65e-3, 1.22e-3, 3.88e-4 at N
  // = 25..400.
  std::vector<double> lambda, power;
  for (int k = 1; k <= 4000; ++k)
    lambda.push_back(std::pow(k, -1.5)), power.push_back(std::pow(k, -5.0));
  internal::TailOptions exact;
  exact.trust_fraction = 1.0;
  internal::ModeSpectrum spectrum;
  std::string error;
  REQUIRE(internal::BuildModeSpectrum(
      lambda, &power, std::nullopt, std::nullopt, exact, &spectrum, &error));
  std::vector<internal::FixedPoint> points;
  REQUIRE(internal::SolveFixedPoints(spectrum, {25, 50, 100, 200, 400}, 0.0, &points, &error));
  const std::vector<double> digest = {2.97e-2, 1.06e-2, 3.65e-3, 1.22e-3, 3.88e-4};
  for (std::size_t i = 0; i < digest.size(); ++i)
    CHECK(points[i].residual_power == Approx(digest[i]).epsilon(0.01));
  // Through the theory the 4000-mode series is continued as an infinite power law (no cutoff at
  // M), which raises the error, the more so the larger N (measured +7% at N = 25, +36% at 400).
  const Prediction p = Run(kProjection,
                           PowerLawProfile(1.5, 5.0, 4000),
                           LearnerSpec{},
                           Axis::kParams,
                           {25, 50, 100, 200, 400});
  REQUIRE(p.has_curve());
  CHECK(p.curve().front() == Approx(0.03167).epsilon(1e-3));
  CHECK(p.curve().back() == Approx(5.283e-4).epsilon(1e-3));
}

// ----------------------------------------------------------------------- the learner spec

TEST_CASE("LearnerSpec: the declared peak rate is the rate up to the base width, then 1/width",
          "[unit]") {
  CHECK(LearningRateAtWidth(5e-3, 64, 32) == 5e-3);
  CHECK(LearningRateAtWidth(5e-3, 64, 64) == 5e-3);
  CHECK(LearningRateAtWidth(5e-3, 64, 256) == 1.25e-3);
  CHECK(LearningRateAtWidth(5e-3, 0, 256) == 5e-3);
}

// ----------------------------------------------------------------------- baseline and README

TEST_CASE("baseline: 0.5 on every axis, whatever the profile", "[baseline]") {
  for (Axis axis : AllAxes()) {
    const Prediction p =
        Run("baseline/constant_exponent", Profile{}, LearnerSpec{}, axis, {10, 100});
    REQUIRE(p.predicted());
    CHECK(p.exponent().value == 0.5);
    CHECK_FALSE(p.has_curve());
  }
  CHECK_FALSE(TheoryRegistry::Global().Find("baseline/constant_exponent")->citation.empty());
}

TEST_CASE("README example: Spigler-Geiger-Wyart gives a - 1", "[readme]") {
  Profile profile;
  profile.Set(Property::kTaskPowerDecay, {1.36, 0.01, "kernel PCA"});  // MNIST, Spigler et al. 2020
  const Prediction p =
      Run("kernel/spigler_geiger_wyart", profile, LearnerSpec{}, Axis::kData, {100, 1000});
  REQUIRE(p.predicted());
  CHECK(p.exponent().value == Approx(0.36));
  CHECK(*p.exponent().lower == Approx(0.36 - 0.0196));
  profile.Set(Property::kTaskPowerDecay, {0.9, 0.01, "kernel PCA"});
  CHECK(Run("kernel/spigler_geiger_wyart", profile, LearnerSpec{}, Axis::kData, {100}).status() ==
        PredictionStatus::kNotApplicable);
}

}  // namespace
}  // namespace scalebench
