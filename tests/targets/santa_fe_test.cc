// The Santa Fe target: the Zipf sums it is built on, the process, the Good-Turing memorizer's
// predictions and exact expected loss (against exhaustive sums and a Monte Carlo test sample),
// and the acceptance check: the Ceres-fitted data exponent contains 1 - 1/z, and the probes read
// h = 1/z and z.
#include "harness/targets/santa_fe.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <vector>

#include "datasets/probes/frequency_probe.h"
#include "harness/fit/power_law_fit.h"
#include "harness/learners/good_turing_memorizer.h"
#include "harness/targets/testing/train.h"

namespace scalebench {
namespace {

constexpr std::int64_t kSupport = 1000000000000000;

// Minus the least-squares slope of log y on log x.
double Slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += std::log(x[i]), my += std::log(y[i]);
  mx /= x.size(), my /= x.size();
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
    sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
  }
  return -sxy / sxx;
}

// The learner's cross-entropy above H(K), summed over every (k, b) of a small support.
double ExhaustiveExcess(const GoodTuringMemorizer& learner, const SantaFeProcess& process) {
  const ZipfLaw& law = process.law();
  double cross_entropy = 0.0;
  for (std::int64_t k = 1; k <= law.support(); ++k) {
    cross_entropy -= law.Probability(k) * learner.LogProbability({k, process.Fact(k)});
  }
  return cross_entropy - law.Entropy();
}

TEST_CASE("HurwitzZetaLog is minus the s-derivative of HurwitzZeta and the direct sum",
          "[unit][targets]") {
  for (double s : {1.2, 1.5, 2.0, 3.0, 6.0}) {
    for (double q : {0.5, 1.0, 3.0, 17.0, 1e6}) {
      CAPTURE(s, q);
      const double step = 1e-5;
      const double numeric = -(HurwitzZeta(s + step, q) - HurwitzZeta(s - step, q)) / (2 * step);
      CHECK(HurwitzZetaLog(s, q) == Approx(numeric).epsilon(1e-7));
    }
  }
  // s = 4: the direct sum to 1e5 is exact to ~1e-14.
  double direct = 0.0;
  for (int k = 100000; k >= 1; --k) direct += std::pow(double(k), -4.0) * std::log(double(k));
  CHECK(HurwitzZetaLog(4.0, 1.0) == Approx(direct).epsilon(1e-12));
  CHECK(PowerLogSum(2.0, 1.0, 3) == Approx(std::log(2.0) / 4 + std::log(3.0) / 9).epsilon(1e-12));
  CHECK(std::isnan(HurwitzZetaLog(1.0, 1.0)));
}

TEST_CASE("ZipfLaw: normalised, and its entropy and mean log index are the direct sums",
          "[unit][targets]") {
  for (double z : {1.5, 3.0}) {
    const ZipfLaw law(z, 1000);
    double total = 0, entropy = 0, mean_log = 0;
    for (std::int64_t k = 1; k <= 1000; ++k) {
      const double p = law.Probability(k);
      total += p;
      entropy -= p * std::log(p);
      mean_log += p * std::log(double(k));
      CHECK(law.LogProbability(k) == Approx(std::log(p)).epsilon(1e-12));
    }
    CAPTURE(z);
    CHECK(total == Approx(1.0).epsilon(1e-12));
    CHECK(law.Entropy() == Approx(entropy).epsilon(1e-12));
    CHECK(law.MeanLogIndex() == Approx(mean_log).epsilon(1e-12));
  }
}

TEST_CASE("Santa Fe process: each index carries one fixed fair fact, and Draw repeats Sample",
          "[unit][targets]") {
  const SantaFeProcess process(2.0, kSupport, 7);
  const SantaFeProcess other_world(2.0, kSupport, 8);
  int ones = 0, differ = 0;
  for (std::int64_t k = 1; k <= 100000; ++k) {
    ones += process.Fact(k);
    differ += process.Fact(k) != other_world.Fact(k);
  }
  CHECK(std::abs(ones - 50000) < 4 * 158);  // 4 SD of Binomial(1e5, 1/2)
  CHECK(std::abs(differ - 50000) < 4 * 158);
  const std::vector<SantaFeWord> words = process.Draw(11, 1000);
  Xoshiro256pp rng(11);
  for (const SantaFeWord& word : words) {
    const SantaFeWord again = process.Sample(rng);
    CHECK(word.index == again.index);
    CHECK(word.fact == process.Fact(word.index));
  }
}

TEST_CASE("Good-Turing memorizer: hand-computed predictions, normalised over all words",
          "[unit][targets]") {
  // K = 3, s = 2 (w = (1, 1/4, 1/9) / H_3(2)). Stream (1, f1), (1, f1), (2, f2): n = 3, V = 2,
  // N1 = 1, so e = 2/5, d = 1/3 and n - dV = 7/3: q(1) = (3/5)(5/3)/(7/3) = 3/7,
  // q(2) = (3/5)(2/3)/(7/3) = 6/35, q(3) = e = 2/5 (the only unseen index: w_3 / W_unseen = 1).
  const SantaFeProcess process(2.0, 3, 5);
  GoodTuringMemorizer learner(2.0, 3);
  const int f1 = process.Fact(1), f2 = process.Fact(2), f3 = process.Fact(3);
  learner.Observe({1, f1});
  learner.Observe({1, f1});
  learner.Observe({2, f2});
  CHECK(learner.tokens() == 3);
  CHECK(learner.types() == 2);
  CHECK(learner.hapaxes() == 1);
  CHECK(learner.Escape() == Approx(0.4));
  CHECK(learner.Discount() == Approx(1.0 / 3.0));
  CHECK(learner.LogProbability({1, f1}) == Approx(std::log(3.0 / 7.0)));
  CHECK(learner.LogProbability({2, f2}) == Approx(std::log(6.0 / 35.0)));
  CHECK(learner.LogProbability({3, f3}) == Approx(std::log(0.4 / 2)));
  CHECK(learner.LogProbability({3, 1 - f3}) == Approx(std::log(0.4 / 2)));
  CHECK(learner.LogProbability({1, 1 - f1}) == -std::numeric_limits<double>::infinity());
  // Normalised over every (k, b) of a larger support, at several n.
  const SantaFeProcess wide(1.5, 200, 5);
  GoodTuringMemorizer reader(2.0, 200);
  Xoshiro256pp rng(3);
  for (int n : {1, 10, 100, 1000}) {
    while (reader.tokens() < n) reader.Observe(wide.Sample(rng));
    double total = 0;
    for (std::int64_t k = 1; k <= 200; ++k) {
      for (int b : {0, 1}) total += std::exp(reader.LogProbability({k, b}));
    }
    CAPTURE(n);
    CHECK(total == Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("Good-Turing memorizer: the closed-form expected excess is the exhaustive sum",
          "[unit][targets]") {
  for (double z : {1.5, 2.0, 3.0}) {
    const SantaFeProcess process(z, 300, 9);
    GoodTuringMemorizer learner(2.0, 300);
    Xoshiro256pp rng(MixSeed(4, std::uint64_t(10 * z)));
    for (int n : {1, 30, 300, 3000}) {
      while (learner.tokens() < n) learner.Observe(process.Sample(rng));
      const GoodTuringMemorizer::Excess excess = learner.ExpectedExcess(process);
      CAPTURE(z, n, learner.types());
      CHECK(excess.total() == Approx(ExhaustiveExcess(learner, process)).epsilon(1e-9));
      double missing = 0;
      for (std::int64_t k = 1; k <= 300; ++k) {
        if (learner.LogProbability({k, 1 - process.Fact(k)}) > -1e300) {
          missing += process.law().Probability(k);
        }
      }
      CHECK(excess.missing_mass == Approx(missing).margin(1e-12));
      CHECK(excess.facts == Approx(std::log(2.0) * missing).margin(1e-12));
    }
  }
  // Every index seen: nothing is missing and the escape is 0.
  const SantaFeProcess tiny(2.0, 2, 1);
  GoodTuringMemorizer learner(2.0, 2);
  learner.Observe({1, tiny.Fact(1)});
  learner.Observe({2, tiny.Fact(2)});
  CHECK(learner.Escape() == 0.0);
  CHECK(learner.ExpectedExcess(tiny).missing_mass == 0.0);
  CHECK(learner.ExpectedExcess(tiny).total() == Approx(ExhaustiveExcess(learner, tiny)));
}

TEST_CASE("Good-Turing memorizer: the exact expected excess is the Monte Carlo test loss",
          "[unit][targets]") {
  for (double z : {1.5, 2.0}) {
    const SantaFeProcess process(z, kSupport, 21);
    GoodTuringMemorizer learner(2.0, kSupport);
    for (const SantaFeWord& word : process.Draw(MixSeed(1, 1), 2000)) learner.Observe(word);
    const double exact = learner.ExpectedExcess(process).total();
    // Fresh test words of the same world: the mean of ln p(X) - ln q(X), whose expectation is
    // E[-ln q(X)] - H(K) (ln p(X) is a control variate: same mean as -H(K), less variance).
    const int samples = 400000;
    Xoshiro256pp rng(MixSeed(1, 2));
    double sum = 0, squares = 0;
    for (int i = 0; i < samples; ++i) {
      const SantaFeWord word = process.Sample(rng);
      const double loss = process.law().LogProbability(word.index) - learner.LogProbability(word);
      sum += loss, squares += loss * loss;
    }
    const double monte_carlo = sum / samples;
    const double se = std::sqrt((squares / samples - monte_carlo * monte_carlo) / (samples - 1));
    CAPTURE(z, exact, monte_carlo, se);
    CHECK(std::abs(exact - monte_carlo) < 4 * se);
    CHECK(exact > 10 * se);  // the check has power: the excess is well resolved
  }
}

TEST_CASE("Good-Turing memorizer: facts of another world give an infinite excess",
          "[unit][targets]") {
  const SantaFeProcess process(2.0, kSupport, 1);
  const SantaFeProcess other(2.0, kSupport, 2);
  GoodTuringMemorizer learner(2.0, kSupport);
  for (const SantaFeWord& word : other.Draw(5, 1000)) learner.Observe(word);
  CHECK(std::isinf(learner.ExpectedExcess(process).total()));
  CHECK(std::isfinite(learner.ExpectedExcess(other).total()));
}

TEST_CASE("Santa Fe targets: declared as Debowski's home, exact 1 - 1/z, oracle h = 1/z",
          "[unit][targets]") {
  for (double z : {1.5, 2.0, 3.0}) {
    char name[32];
    std::snprintf(name, sizeof name, "santa_fe/z%.1f", z);
    auto target = TargetRegistry::Global().Create(name, nullptr);
    REQUIRE(target != nullptr);
    const TargetInfo info = target->Info();
    CHECK(info.realism == Realism::kExact);
    CHECK(info.dataset_family == "santa_fe");
    CHECK(info.home_theories == std::vector<std::string>{"corpus/debowski_hilberg"});
    CHECK(info.exact_exponents.at(Axis::kData) == Approx(1.0 - 1.0 / z));
    const std::optional<Profile> oracle = target->OracleProfile();
    REQUIRE(oracle.has_value());
    CHECK(oracle->Get(Property::kHeapsExponent).value == Approx(1.0 / z));
    CHECK(oracle->Get(Property::kFrequencyDecay).value == z);
    const auto designs = target->Designs();
    REQUIRE(designs.size() == 1);
    CHECK(designs[0].learner.loss == "excess_cross_entropy_nats");
    CHECK(designs[0].zero_offset);
  }
  SantaFeOptions options;
  std::string error;
  CHECK(ValidateFields(options, &error));
  options.zipf_exponent = 1.0;
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "zipf_exponent = 1 must be > 1");
  options.zipf_exponent = 2.0;
  options.base_exponent = 0.5;
  CHECK_FALSE(ValidateFields(options, &error));
  CHECK(error == "base_exponent = 0.5 must be > 1");
}

TEST_CASE("Santa Fe targets: fitted data exponent contains 1 - 1/z, and the probes read z and h",
          "[targets][slow]") {
  for (double z : {1.5, 2.0, 3.0}) {
    char name[32];
    std::snprintf(name, sizeof name, "santa_fe/z%.1f", z);
    auto target = TargetRegistry::Global().Create(name, nullptr);
    REQUIRE(target != nullptr);
    const double exact = 1.0 - 1.0 / z;
    const AxisDesign design = target->Designs().front();
    CHECK(design.seeds >= 5);
    CHECK(design.sizes.back() / design.sizes.front() >= 100);
    const LearningCurve curve = testing::TrainCurve(*target, design);
    std::vector<double> mean;
    for (const auto& values : curve.values) {
      double sum = 0;
      for (double v : values) sum += v;
      mean.push_back(sum / values.size());
    }
    const double mean_slope = Slope(design.sizes.AsDoubles(), mean);
    FitOptions options;
    options.form = CurveForm::kPowerLaw;
    FitSummary fit;
    FitCurve(options, curve, &fit);
    INFO(name << ": mean-curve slope " << mean_slope << "\n" << fit.FullReport());
    REQUIRE(fit.usable());
    CHECK(fit.exponent_ci.Contains(exact));
    CHECK(std::abs(mean_slope - exact) < 0.02);

    const ProfileResult measured = target->MeasureProfile(RunContext());
    REQUIRE(measured.ok());
    const Measurement& h = measured.profile().Get(Property::kHeapsExponent);
    const Measurement& zipf = measured.profile().Get(Property::kFrequencyDecay);
    INFO(h.method << "\n" << zipf.method);
    CHECK(std::abs(zipf.value - z) < 0.02);
    CHECK(std::abs(h.value - 1.0 / z) < 3 * h.std_error);
    std::printf(
        "%s: fitted %.4f [%.4f, %.4f], exact %.4f, mean-curve slope %.4f; probe h = %.4f +- "
        "%.4f (1/z = %.4f), z = %.4f +- %.4f\n",
        name,
        fit.exponent,
        fit.exponent_ci.lower,
        fit.exponent_ci.upper,
        exact,
        mean_slope,
        h.value,
        h.std_error,
        1.0 / z,
        zipf.value,
        zipf.std_error);
  }
}

}  // namespace
}  // namespace scalebench
