// The language targets (harness/targets/language.h) on small settings: the registry and suites,
// option errors, and a small RHM target end to end (finite, falling curve; diagnostics; profile
// with the corpus properties, gamma from the exact positional conditional entropy with a finite
// SE; deterministic; cache key tracks the settings, not the profile-only entropy sample size).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "harness/targets/language.h"

namespace scalebench {
namespace {

LanguageTargetOptions SmallRhm() {
  LanguageTargetOptions o = LanguageTargetOptions::Rhm(3, 2, 8, 2);
  o.data_sizes = {2000, 8000, 32000};
  o.seeds = 2;
  o.max_eval_tokens = 5000;
  o.correlation_sequences = 200000;
  o.rhm_entropy_samples = 2000;
  return o;
}

TEST_CASE("Language targets are registered in their suites", "[language]") {
  const auto& registry = TargetRegistry::Global();
  const auto names = registry.Names();
  for (const char* name : {"language/kjv_char",
                           "language/kjv_bpe1024",
                           "language/kjv_bpe2048",
                           "language/rhm_L3_s2_v32_m8",
                           "language/rhm_L4_s2_v16_m4"}) {
    CAPTURE(name);
    CHECK(std::count(names.begin(), names.end(), name) == 1);
  }
  const auto def = registry.Suite("default");
  CHECK(std::count(def.begin(), def.end(), "language/kjv_char") == 1);
  CHECK(std::count(def.begin(), def.end(), "language/kjv_bpe2048") == 0);
  const auto full = registry.Suite("full");
  CHECK(std::count(full.begin(), full.end(), "language/rhm_L4_s2_v16_m4") == 1);
}

TEST_CASE("Language target options reject bad values with the field named", "[language]") {
  std::string error;
  LanguageTargetOptions o = SmallRhm();
  REQUIRE(o.IsValid(&error));
  o.name = "kjv";
  CHECK_FALSE(o.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("name = 'kjv'"));
  o = SmallRhm();
  o.data_sizes = {1000, 500};
  CHECK_FALSE(o.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("data_sizes must increase"));
  o = SmallRhm();
  o.rhm.rules = 100;
  CHECK_FALSE(o.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("rhm: ") && Catch::Contains("rules = 100"));
  o = SmallRhm();
  o.rhm_entropy_samples = 10;
  CHECK_FALSE(o.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("rhm_entropy_samples = 10"));
  o = SmallRhm();
  o.source = LanguageTargetOptions::kTextPath;
  CHECK_FALSE(o.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("path"));
}

TEST_CASE("The neural design of a small RHM target trains a falling curve with its best step",
          "[language]") {
  const LanguageTargetOptions options = LanguageTargetOptions::WithNeuralLm(SmallRhm());
  LanguageTarget target(options);
  CHECK(options.suites == std::vector<std::string>{"full"});
  CHECK(target.CacheKeyMaterial() != LanguageTarget(SmallRhm()).CacheKeyMaterial());
  AxisDesign neural = target.Designs().at(0);
  CHECK(neural.learner.kind == "neural_lm");
  CHECK(neural.learner.optimizer == "adam");
  neural.sizes = {1000, 10000};
  neural.seeds = 2;
  const LearningCurve curve = target.Train(neural, nullptr);
  std::string error;
  REQUIRE(curve.IsValid(&error));
  CHECK(curve.MeanLoss(0) > curve.MeanLoss(1));
  REQUIRE(curve.diagnostics.size() == 2);
  CHECK(curve.diagnostics[0].name == "best_step");
  CHECK(curve.diagnostics[0].values[1][0] >= 1);
}

TEST_CASE("A small RHM target trains a falling Kneser-Ney curve and measures its profile",
          "[language]") {
  LanguageTarget target(SmallRhm());
  const auto designs = target.Designs();
  REQUIRE(designs.size() == 1);
  CHECK(designs[0].learner.kind == "kneser_ney");
  CHECK(designs[0].learner.loss == "cross_entropy_nats");
  const LearningCurve curve = target.Train(designs[0], nullptr);
  std::string error;
  REQUIRE(curve.IsValid(&error));
  // Loss falls with data and stays above the exact entropy rate.
  RandomHierarchy rhm;
  REQUIRE(RandomHierarchy::Create(SmallRhm().rhm, &rhm, &error));
  const double rate = rhm.SequenceEntropyNats() / rhm.sequence_length();
  CHECK(curve.MeanLoss(0) > curve.MeanLoss(2));
  CHECK(curve.MeanLoss(2) > rate);
  REQUIRE(curve.diagnostics.size() == 2);
  CHECK(curve.diagnostics[0].name == "ngram_order");
  for (const auto& row : curve.diagnostics[0].values) {
    for (double order : row) CHECK((order >= 1 && order <= 8));
  }
  // Deterministic.
  LanguageTarget again(SmallRhm());
  CHECK(again.Train(designs[0], nullptr).values == curve.values);
  const Profile profile = target.MeasureProfile(nullptr);
  INFO(profile.source);
  REQUIRE(profile.Has(Property::kCorrelationDecay));
  CHECK_THAT(profile.Get(Property::kCorrelationDecay).method, Catch::Contains("positional"));
  // Eight tokens, all seen at once: no Heaps growth, no Zipf tail; left out with the reason.
  CHECK_FALSE(profile.Has(Property::kFrequencyDecay));
  CHECK_FALSE(profile.Has(Property::kHeapsExponent));
  CHECK_THAT(profile.source,
             Catch::Contains("heaps_exponent left out: vocabulary saturated") &&
                 Catch::Contains("frequency_decay left out"));
  // ... but the fitted slopes are reported with their errors, as numbers.
  CHECK_THAT(profile.source,
             Catch::Contains("fitted slopes (no exponent): 0.000 +- 0.000") &&
                 Catch::Contains("fitted rank-frequency slope (no exponent)"));
  // gamma from the exact positional conditional entropy of the grammar, with a finite SE; the
  // stream Kneser-Ney attempt stays in the source text, and so does the exact-sigma check.
  REQUIRE(profile.Has(Property::kConditionalEntropyDecay));
  const Measurement& gamma = profile.Get(Property::kConditionalEntropyDecay);
  CHECK(gamma.value > 0);
  CHECK(std::isfinite(gamma.std_error));
  CHECK(gamma.std_error > 0);
  CHECK_THAT(gamma.method,
             Catch::Contains("computed exactly from the known grammar") &&
                 Catch::Contains("2000 sequences of 8") && Catch::Contains("t = 0..7"));
  CHECK_THAT(profile.source,
             Catch::Contains("stream Kneser-Ney gamma (not used)") &&
                 Catch::Contains("beta check: exact sigma(t)"));
  CHECK_THAT(profile.source, Catch::Contains("entropy rate"));
  // The entropy sample size is profile-only: the curves' cache key does not move with it.
  LanguageTargetOptions more = SmallRhm();
  more.rhm_entropy_samples = 4000;
  CHECK(LanguageTarget(more).CacheKeyMaterial() == target.CacheKeyMaterial());
  // ... but the profile's key does (runner.cc appends ProbeKeyMaterial to it).
  CHECK(LanguageTarget(more).ProbeKeyMaterial() != target.ProbeKeyMaterial());
  // The cache key tracks the grammar.
  LanguageTargetOptions other = SmallRhm();
  other.rhm.seed = 2;
  CHECK(LanguageTarget(other).CacheKeyMaterial() != target.CacheKeyMaterial());
}

}  // namespace
}  // namespace scalebench
