// The language targets (harness/targets/language.h) on small settings: the registry and suites,
// option errors, the text windows, a small RHM target end to end (finite, falling curve;
// diagnostics; profile with the corpus properties, gamma from the exact positional conditional
// entropy with a finite SE; deterministic; keys track the settings), the RHM oracle, and a
// missing corpus (a failed profile and failed runs naming the path).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <set>

#include "../harness/test_util.h"
#include "datasets/probes/rhm_entropy.h"
#include "harness/store/run_cache.h"
#include "harness/targets/language.h"
#include "harness/targets/testing/train.h"
#include "harness/targets/text_source.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

LanguageTargetOptions SmallRhm() {
  LanguageTargetOptions o = LanguageTargetOptions::Rhm(3, 2, 8, 2);
  o.data_sizes = {2000, 8000, 32000};
  o.rhm_probe_tokens = 32000;
  o.seeds = 2;
  o.max_eval_tokens = 5000;
  o.correlation_sequences = 200000;
  o.rhm_entropy_samples = 2000;
  return o;
}

TEST_CASE("Language targets are registered in their suites", "[unit][language]") {
  const auto& registry = TargetRegistry::Global();
  const auto names = registry.Names();
  for (const char* name : {"language/kjv_char",
                           "language/kjv_bpe1024",
                           "language/kjv_bpe2048",
                           "language/rhm_L3_s2_v32_m8",
                           "language/rhm_L4_s2_v16_m4",
                           "language/kjv_char_nlm",
                           "language/kjv_bpe1024_nlm",
                           "language/rhm_L3_s2_v32_m8_nlm",
                           "language/rhm_L4_s2_v16_m4_nlm"}) {
    CAPTURE(name);
    CHECK(std::count(names.begin(), names.end(), name) == 1);
  }
  const auto def = registry.Suite("default");
  CHECK(std::count(def.begin(), def.end(), "language/kjv_char") == 1);
  CHECK(std::count(def.begin(), def.end(), "language/kjv_bpe2048") == 0);
  const auto full = registry.Suite("full");
  CHECK(std::count(full.begin(), full.end(), "language/rhm_L4_s2_v16_m4") == 1);
  CHECK(std::count(full.begin(), full.end(), "language/kjv_char_nlm") == 1);
  for (const std::string& name : registry.StartupErrors()) FAIL_CHECK(name);
}

TEST_CASE("Language target options reject bad values with the field named", "[unit][language]") {
  std::string error;
  LanguageTargetOptions o = SmallRhm();
  REQUIRE(ValidateFields(o, &error));
  o.data_sizes = {1000, 500};
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("data_sizes") && Contains("increasing"));
  o = SmallRhm();
  o.rhm.rules = 100;
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("rhm.rules = 100 must be"));
  o = SmallRhm();
  o.rhm_entropy_samples = 10;
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("rhm_entropy_samples = 10 must be >= 1000"));
  o = SmallRhm();
  o.source = TokenSourceKind::kTextPath;
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("path =  must be a file or folder"));
  o = LanguageTargetOptions::Kjv(Tokenization::kCharacter);
  o.entropy_learner = LanguageLearner::kNeuralLm;
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("entropy_learner = neural_lm must be kneser_ney unless"));
  o.entropy_neural.variable_context = true;
  CHECK(ValidateFields(o, &error));
  // The learner's vocabulary comes from the corpus: 0 is valid in the options, not in the learner.
  CHECK(o.neural.vocab_size == 0);
  CHECK_FALSE(o.neural.IsValid(&error));
  CHECK_THAT(error, Contains("vocab_size = 0 must be >= 2"));
}

TEST_CASE("Text windows: three seeds spread evenly, more fill the gaps, none depends on the count",
          "[unit][language]") {
  const std::size_t train = 1000003, size = 3000, room = train - size;
  for (std::uint64_t j = 1; j <= 3; ++j) {
    // The offsets of the committed runs: floor(room (j - 1) / 3).
    CHECK(WindowStart(train, size, j) == std::size_t((double(room) * double(j - 1)) / 3.0));
  }
  CHECK(WindowStart(train, size, 4) == std::size_t(double(room) / 9.0));
  CHECK(WindowStart(train, size, 5) == std::size_t(double(room) * 4.0 / 9.0));
  std::set<std::size_t> starts;
  for (std::uint64_t j = 1; j <= 27; ++j) {
    const std::size_t start = WindowStart(train, size, j);
    CHECK(start <= room);
    starts.insert(start);
  }
  CHECK(starts.size() == 27);
  CHECK(WindowStart(size, size, 7) == 0);
}

TEST_CASE("The neural design of a small RHM target trains a falling curve with its best step",
          "[language]") {
  const LanguageTargetOptions options = LanguageTargetOptions::WithNeuralLm(SmallRhm());
  LanguageTarget target(options);
  CHECK(target.RunKeyText() != LanguageTarget(SmallRhm()).RunKeyText());
  AxisDesign neural = target.Designs().at(0);
  CHECK(neural.learner.kind == "neural_lm");
  CHECK(neural.learner.optimizer == "adam");
  CHECK(neural.unit == RunUnit::kSizeAndSeed);
  neural.sizes = {1000, 10000};
  neural.seeds = 2;
  const LearningCurve curve = testing::TrainCurve(target, neural);
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
  const LearningCurve curve = testing::TrainCurve(target, designs[0]);
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
  // Deterministic, and the same whichever order or number of workers runs it.
  LanguageTarget again(SmallRhm());
  CHECK(testing::TrainDesign(again, designs[0], /*jobs=*/2).curve.values == curve.values);
  const ProfileResult measured = target.MeasureProfile(RunContext());
  REQUIRE(measured.ok());
  const Profile& profile = measured.profile();
  INFO(profile.source);
  REQUIRE(profile.Has(Property::kCorrelationDecay));
  CHECK_THAT(profile.Get(Property::kCorrelationDecay).method, Contains("positional"));
  // Eight tokens, all seen at once: no Heaps growth, no Zipf tail; left out with the reason.
  CHECK_FALSE(profile.Has(Property::kFrequencyDecay));
  CHECK_FALSE(profile.Has(Property::kHeapsExponent));
  CHECK_THAT(profile.source,
             Contains("heaps_exponent left out: vocabulary saturated") &&
                 Contains("frequency_decay left out"));
  // ... but the fitted slopes are reported with their errors, as numbers.
  CHECK_THAT(profile.source,
             Contains("fitted slopes (no exponent): 0.000 +- 0.000") &&
                 Contains("fitted rank-frequency slope (no exponent)"));
  // gamma from the exact positional conditional entropy of the grammar, with a finite SE; the
  // stream Kneser-Ney attempt stays in the source text, and so does the exact-sigma check.
  REQUIRE(profile.Has(Property::kConditionalEntropyDecay));
  const Measurement& gamma = profile.Get(Property::kConditionalEntropyDecay);
  CHECK(gamma.value > 0);
  CHECK(std::isfinite(gamma.std_error));
  CHECK(gamma.std_error > 0);
  CHECK_THAT(gamma.method,
             Contains("computed exactly from the known grammar") &&
                 Contains("2000 sequences of 8") && Contains("t = 0..7"));
  CHECK_THAT(profile.source,
             Contains("stream Kneser-Ney gamma (not used)") &&
                 Contains("beta check: exact sigma(t)") && Contains("words = RHM tokens"));
  CHECK_THAT(profile.source, Contains("entropy rate"));
  // The entropy sample size is profile-only: the run keys do not move with it, the profile key
  // does. The grammar moves both.
  LanguageTargetOptions more = SmallRhm();
  more.rhm_entropy_samples = 4000;
  CHECK(LanguageTarget(more).RunKeyText() == target.RunKeyText());
  CHECK(LanguageTarget(more).ProfileKeyText() != target.ProfileKeyText());
  LanguageTargetOptions other = SmallRhm();
  other.rhm.seed = 2;
  CHECK(LanguageTarget(other).RunKeyText() != target.RunKeyText());
  CHECK(LanguageTarget(other).ProfileKeyText() != target.ProfileKeyText());
}

TEST_CASE("The RHM oracle holds the grammar's exact beta and the exact positional gamma",
          "[language]") {
  const LanguageTargetOptions options = SmallRhm();
  const std::optional<Profile> oracle = LanguageTarget(options).OracleProfile();
  REQUIRE(oracle.has_value());
  INFO(oracle->source);
  RandomHierarchy rhm;
  std::string error;
  REQUIRE(RandomHierarchy::Create(options.rhm, &rhm, &error));
  REQUIRE(oracle->Has(Property::kCorrelationDecay));
  const Measurement& beta = oracle->Get(Property::kCorrelationDecay);
  CHECK(beta.value == PlateauDecay(ExactPositionalCorrelation(rhm), options.rhm.branching));
  CHECK(beta.std_error == 0.0);
  CHECK_THAT(beta.method, Catch::StartsWith("oracle:"));
  // gamma: the exact H_t averaged over the profile's own sequences, so the profile's value.
  const ProfileResult measured = LanguageTarget(options).MeasureProfile(RunContext());
  REQUIRE(measured.ok());
  REQUIRE(oracle->Has(Property::kConditionalEntropyDecay));
  const Measurement& gamma = oracle->Get(Property::kConditionalEntropyDecay);
  CHECK(gamma.value == measured.profile().Get(Property::kConditionalEntropyDecay).value);
  CHECK(gamma.std_error == 0.0);
  CHECK_THAT(gamma.method, Catch::StartsWith("oracle:"));
  // Text has no generating parameters.
  CHECK_FALSE(LanguageTarget(LanguageTargetOptions::Kjv(Tokenization::kCharacter))
                  .OracleProfile()
                  .has_value());
}

TEST_CASE("A missing corpus fails the profile and every run naming the path, and caches nothing",
          "[language]") {
  testing::ScratchDir dir;
  LanguageTargetOptions o;
  o.source = TokenSourceKind::kTextPath;
  o.path = dir / "gone";
  o.data_sizes = {1000, 2000, 4000};
  o.seeds = 2;
  REQUIRE(ValidateFields(o, nullptr));
  LanguageTarget target(o);
  const ProfileResult profile = target.MeasureProfile(RunContext());
  CHECK_FALSE(profile.ok());
  CHECK_THAT(profile.reason(), Contains(dir / "gone") && Contains("no such file or folder"));
  const RunCache cache({dir / "cache"});
  RunLoopOptions loop;
  const MeasuredCurve curve =
      MeasureCurves(target, target.Designs(), &cache, loop, nullptr).front();
  CHECK(curve.failures.size() == 6);
  for (const std::string& failure : curve.failures) {
    CHECK_THAT(failure, Contains(dir / "gone") && Contains("no such file or folder"));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "cache"));
}

}  // namespace
}  // namespace scalebench
