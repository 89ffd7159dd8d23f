// Exact inference on the Random Hierarchy Model (datasets/probes/rhm_entropy.h):
//   - on tiny grammars every sequence is enumerated (v m^I derivations, I internal nodes, each
//     with probability 1 / (v m^I)); the inside-algorithm conditionals and evidences must match
//     the enumeration to 1e-12 for any set of observed leaves, possible or not, and the
//     positional H_t (Monte Carlo) must match the enumerated H_t within its standard error;
//   - the chain rule: the conditionals of a whole sequence, position by position in any order,
//     sum to the sequence's exact entropy (every valid sequence has probability
//     exp(-SequenceEntropyNats)), and forgetting every leaf restores P = 1;
//   - H_0 is the exact entropy of the last token's marginal (RandomHierarchy::LeafMarginal, a
//     separate top-down computation), H_t does not rise with t beyond its error, and the
//     log-loss average agrees with the entropy average;
//   - the exact sigma(t) matches the enumerated covariance and the count-based positional probe;
//   - PlateauDecay and the gamma fit on known inputs, and bad options.
#include "datasets/probes/rhm_entropy.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/probes/token_statistics.h"

namespace scalebench {
namespace {

using Table = std::map<std::vector<int>, double>;  // sequence -> probability

RandomHierarchy Grammar(int depth, int vocab, int rules, std::uint64_t seed = 1) {
  RandomHierarchyOptions options;
  options.depth = depth;
  options.branching = 2;
  options.vocab = vocab;
  options.rules = rules;
  options.seed = seed;
  RandomHierarchy rhm;
  std::string error;
  REQUIRE(RandomHierarchy::Create(options, &rhm, &error));
  return rhm;
}

// Every derivation: the root, then one rule index per internal node (breadth first).
Table Enumerate(const RandomHierarchy& rhm) {
  const RandomHierarchyOptions& o = rhm.options();
  const int internal = (rhm.sequence_length() - 1) / (o.branching - 1);
  const std::size_t choices = static_cast<std::size_t>(std::pow(o.rules, internal) + 0.5);
  const double p = 1.0 / (o.vocab * static_cast<double>(choices));
  Table table;
  for (int root = 0; root < o.vocab; ++root) {
    for (std::size_t code = 0; code < choices; ++code) {
      std::size_t digits = code;
      std::vector<int> layer{root}, next;
      for (int level = 0; level < o.depth; ++level) {
        next.clear();
        for (int symbol : layer) {
          const int* rhs = rhm.Rule(level, symbol, static_cast<int>(digits % o.rules));
          digits /= o.rules;
          next.insert(next.end(), rhs, rhs + o.branching);
        }
        layer.swap(next);
      }
      table[layer] += p;
    }
  }
  return table;
}

bool Consistent(const std::vector<int>& sequence, const std::vector<int>& observed, int skip) {
  for (std::size_t i = 0; i < observed.size(); ++i) {
    if (static_cast<int>(i) != skip && observed[i] >= 0 && sequence[i] != observed[i]) return false;
  }
  return true;
}

// P(observed) and the unnormalised law of `position` given the others, by enumeration.
double Evidence(const Table& table, const std::vector<int>& observed) {
  double total = 0;
  for (const auto& [sequence, p] : table) total += Consistent(sequence, observed, -1) ? p : 0.0;
  return total;
}

std::vector<double> BruteConditional(const Table& table,
                                     const std::vector<int>& observed,
                                     int position,
                                     int vocab) {
  std::vector<double> law(vocab, 0.0);
  for (const auto& [sequence, p] : table) {
    if (Consistent(sequence, observed, position)) law[sequence[position]] += p;
  }
  double total = 0;
  for (double x : law) total += x;
  for (double& x : law) x = total > 0 ? x / total : 0.0;
  return law;
}

// Compares the posterior with the enumeration for one observation vector, every position.
void CheckAgainstEnumeration(const RandomHierarchy& rhm,
                             const Table& table,
                             const std::vector<int>& observed) {
  RhmPosterior posterior(rhm);
  for (std::size_t i = 0; i < observed.size(); ++i) {
    if (observed[i] >= 0) posterior.Observe(static_cast<int>(i), observed[i]);
  }
  const double evidence = Evidence(table, observed);
  CAPTURE(observed);
  if (evidence > 0) {
    CHECK(posterior.LogEvidence() == Approx(std::log(evidence)).margin(1e-12));
  } else {
    CHECK(posterior.LogEvidence() == -std::numeric_limits<double>::infinity());
  }
  std::vector<double> law;
  for (int position = 0; position < rhm.sequence_length(); ++position) {
    posterior.Conditional(position, &law);
    const std::vector<double> expected =
        BruteConditional(table, observed, position, rhm.options().vocab);
    for (std::size_t x = 0; x < law.size(); ++x) CHECK(law[x] == Approx(expected[x]).margin(1e-12));
  }
}

TEST_CASE("RHM posterior: conditionals and evidences match enumeration exactly (L = 2)",
          "[language]") {
  const RandomHierarchy rhm = Grammar(2, 3, 2);  // 3 x 2^3 = 24 sequences of 4 tokens
  const Table table = Enumerate(rhm);
  REQUIRE(table.size() == 24u);  // unambiguous: no two derivations share a sequence
  Xoshiro256pp rng(9);
  for (int mask = 0; mask < 16; ++mask) {  // every set of observed leaves
    std::vector<std::vector<int>> sources;
    for (const auto& entry : table) sources.push_back(entry.first);  // possible observations
    for (int k = 0; k < 20; ++k) {  // arbitrary ones, most impossible
      std::vector<int> any(4);
      for (int& x : any) x = static_cast<int>(rng() % 3);
      sources.push_back(any);
    }
    for (const std::vector<int>& source : sources) {
      std::vector<int> observed(4, -1);
      for (int i = 0; i < 4; ++i) {
        if (mask >> i & 1) observed[i] = source[i];
      }
      CheckAgainstEnumeration(rhm, table, observed);
    }
  }
}

TEST_CASE("RHM posterior: conditionals match enumeration on a depth-3 grammar", "[language]") {
  const RandomHierarchy rhm = Grammar(3, 3, 2);  // 3 x 2^7 = 384 sequences of 8 tokens
  const Table table = Enumerate(rhm);
  REQUIRE(table.size() == 384u);
  Xoshiro256pp rng(4);
  int checked = 0;
  for (const auto& [sequence, p] : table) {
    if (rng() % 8 != 0) continue;  // about 48 sequences
    for (int t = 0; t < 8; ++t) {  // the probe's contexts: the t leaves before the last
      std::vector<int> observed(8, -1);
      for (int i = 7 - t; i < 7; ++i) observed[i] = sequence[i];
      CheckAgainstEnumeration(rhm, table, observed);
    }
    std::vector<int> observed(8, -1);  // and a random subset
    for (int i = 0; i < 8; ++i) {
      if (rng() % 2) observed[i] = sequence[i];
    }
    CheckAgainstEnumeration(rhm, table, observed);
    ++checked;
  }
  CHECK(checked > 20);
}

TEST_CASE("RHM posterior: the chain rule over a whole sequence gives its exact entropy",
          "[language]") {
  const RandomHierarchy rhm = Grammar(3, 32, 8);  // the language/rhm_L3_s2_v32_m8 grammar
  const int length = rhm.sequence_length();
  RhmPosterior posterior(rhm);
  Xoshiro256pp rng(21);
  std::vector<int> order(length), tokens;
  std::vector<double> law;
  for (int trial = 0; trial < 100; ++trial) {
    tokens.clear();
    rhm.Sample(rng, &tokens);
    for (int i = 0; i < length; ++i) order[i] = i;
    if (trial % 2 == 1) {  // left to right, or a random order: the chain rule holds for any
      for (int i = length - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
    }
    posterior.Clear();
    double surprisal = 0;
    for (int i : order) {
      posterior.Conditional(i, &law);
      surprisal -= std::log(law[tokens[i]]);
      posterior.Observe(i, tokens[i]);
    }
    CHECK(surprisal == Approx(rhm.SequenceEntropyNats()).epsilon(1e-12));
    CHECK(posterior.LogEvidence() == Approx(-rhm.SequenceEntropyNats()).epsilon(1e-12));
    for (int i = 0; i < length; ++i) posterior.Observe(i, -1);
    CHECK(posterior.LogEvidence() == Approx(0.0).margin(1e-12));
  }
}

TEST_CASE("RHM leaf marginals: the posterior with nothing observed equals LeafMarginal",
          "[language]") {
  const RandomHierarchy rhm = Grammar(4, 16, 4);
  RhmPosterior posterior(rhm);
  std::vector<double> law;
  for (int position = 0; position < rhm.sequence_length(); ++position) {
    const std::vector<double> marginal = rhm.LeafMarginal(position);
    posterior.Conditional(position, &law);
    double total = 0;
    for (int x = 0; x < 16; ++x) {
      CHECK(law[x] == Approx(marginal[x]).margin(1e-14));
      total += marginal[x];
    }
    CHECK(total == Approx(1.0).margin(1e-14));
  }
  // Not uniform: the rules are a random subset of the tuples.
  CHECK(EntropyNats(rhm.LeafMarginal(15)) < std::log(16.0) - 1e-3);
}

TEST_CASE("RHM positional H_t: Monte Carlo matches the enumerated conditional entropy",
          "[language]") {
  const RandomHierarchy rhm = Grammar(3, 3, 2);
  const Table table = Enumerate(rhm);
  // Exact H_t = sum over contexts of P(ctx) H(last | ctx), from the enumeration.
  std::vector<double> exact(8, 0.0);
  for (int t = 0; t < 8; ++t) {
    std::map<std::vector<int>, std::vector<double>> joint;  // ctx -> P(ctx, last)
    for (const auto& [sequence, p] : table) {
      std::vector<double>& row =
          joint[std::vector<int>(sequence.begin() + 7 - t, sequence.begin() + 7)];
      row.resize(3, 0.0);
      row[sequence[7]] += p;
    }
    for (const auto& [context, row] : joint) {
      const double total = row[0] + row[1] + row[2];
      for (double q : row) exact[t] -= q > 0 ? q * std::log(q / total) : 0.0;
    }
  }
  RhmEntropyOptions options;
  options.samples = 20000;
  RhmEntropyResult result;
  std::string error;
  REQUIRE(MeasureRhmConditionalEntropy(rhm, options, &result, &error));
  INFO(result.conditional_entropy_decay.method);
  REQUIRE(result.entropy.size() == 8u);
  CHECK(result.entropy[0] == Approx(exact[0]).margin(1e-12));  // no context: no sampling noise
  CHECK(result.marginal_entropy == Approx(exact[0]).margin(1e-12));
  for (int t = 1; t < 8; ++t) {
    CAPTURE(t, exact[t], result.entropy[t], result.std_error[t]);
    CHECK(result.std_error[t] > 0);
    CHECK(std::abs(result.entropy[t] - exact[t]) < 4 * result.std_error[t]);
  }
}

TEST_CASE("RHM positional H_t on the L = 4 target grammar: marginal, monotone, log-loss check",
          "[language]") {
  const RandomHierarchy rhm = Grammar(4, 16, 4);
  RhmEntropyOptions options;
  options.samples = 4000;
  RhmEntropyResult result;
  std::string error;
  REQUIRE(MeasureRhmConditionalEntropy(rhm, options, &result, &error));
  INFO(result.conditional_entropy_decay.method);
  REQUIRE(result.entropy.size() == 16u);
  const double marginal = EntropyNats(rhm.LeafMarginal(15));
  CHECK(result.entropy[0] == Approx(marginal).margin(1e-12));
  CHECK(result.marginal_entropy == Approx(marginal).margin(1e-12));
  for (int t = 0; t + 1 < 16; ++t) {
    CAPTURE(t);
    CHECK(result.entropy[t + 1] <=
          result.entropy[t] + 3 * (result.std_error[t] + result.std_error[t + 1]));
    // The sampled token's log-loss has the same expectation (more noise: a few times the SE;
    // at t = 0 the entropy has none, the log-loss about 0.01 here).
    CHECK(std::abs(result.log_loss[t] - result.entropy[t]) <
          10 * result.std_error[t] + 0.05 * (t == 0));
  }
  CHECK(result.entropy[15] < result.entropy[1]);  // context helps
  // The plateau means and the fits: t = 1, 2, 4, 8, means over [t, 2t - 1].
  REQUIRE(result.plateau_start == std::vector<int>{1, 2, 4, 8});
  CHECK(
      result.plateau_entropy[2] ==
      Approx((result.entropy[4] + result.entropy[5] + result.entropy[6] + result.entropy[7]) / 4));
  const Measurement& gamma = result.conditional_entropy_decay;
  CHECK(std::isfinite(gamma.value));
  CHECK(gamma.value > 0);
  // The SE covers the choice of points: at least half the gap to the other free-limit readings.
  CHECK(gamma.std_error >= 0.5 * std::abs(result.first_t_gamma.value - gamma.value) - 1e-12);
  CHECK(gamma.std_error >= 0.5 * std::abs(result.every_t_gamma - gamma.value) - 1e-12);
  CHECK(gamma.std_error < 0.2);
  // The exact-limit variant is the log-log slope of the plateau excess over H_15.
  double mx = 0, my = 0, sxx = 0, sxy = 0;
  for (int k = 0; k < 4; ++k) {
    mx += std::log(result.plateau_start[k]) / 4;
    my += std::log(result.plateau_entropy[k] - result.entropy[15]) / 4;
  }
  for (int k = 0; k < 4; ++k) {
    const double dx = std::log(result.plateau_start[k]) - mx;
    sxx += dx * dx;
    sxy += dx * (std::log(result.plateau_entropy[k] - result.entropy[15]) - my);
  }
  CHECK(result.exact_limit_gamma.value == Approx(-sxy / sxx).margin(1e-12));
  CHECK(result.exact_limit_gamma.std_error > 0);
  CHECK_THAT(gamma.method,
             Catch::Contains("computed exactly from the known grammar") &&
                 Catch::Contains("exact-limit variant") && Catch::Contains("t = 0..15: 0: "));
  Profile profile;
  result.FillProfile(&profile);
  REQUIRE(profile.Has(Property::kConditionalEntropyDecay));
  CHECK(profile.Get(Property::kConditionalEntropyDecay).value == gamma.value);
}

TEST_CASE("RHM exact sigma(t) matches the enumerated covariance and the count-based probe",
          "[language]") {
  {
    const RandomHierarchy rhm = Grammar(3, 3, 2);
    const Table table = Enumerate(rhm);
    const std::vector<double> sigma = ExactPositionalCorrelation(rhm);
    REQUIRE(sigma.size() == 7u);
    for (int t = 1; t < 8; ++t) {
      std::vector<double> joint(9, 0.0), row(3, 0.0), column(3, 0.0);
      for (const auto& [sequence, p] : table) {
        joint[sequence[7 - t] * 3 + sequence[7]] += p;
        row[sequence[7 - t]] += p;
        column[sequence[7]] += p;
      }
      for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) joint[a * 3 + b] -= row[a] * column[b];
      }
      CHECK(sigma[t - 1] == Approx(TopSingularValue(joint, 3, 3)).epsilon(1e-9).margin(1e-14));
    }
  }
  // The count-based probe on 200k sequences of the L = 4 target grammar reads the exact value
  // at the first two plateaus within twice its noise floor.
  const RandomHierarchy rhm = Grammar(4, 16, 4);
  const std::vector<double> sigma = ExactPositionalCorrelation(rhm);
  CorrelationDecayOptions options;
  options.max_lag = 15;
  options.dense_lags = 15;
  options.max_vocab = 16;
  CorrelationDecayResult measured;
  std::string error;
  REQUIRE(MeasurePositionalCorrelationDecay(
      rhm.SampleStream(3, 200000), 16, 16, 0, options, &measured, &error));
  for (int t = 1; t <= 3; ++t) {
    CAPTURE(t, sigma[t - 1], measured.sigma[t - 1], measured.noise_floor);
    CHECK(std::abs(measured.sigma[t - 1] - sigma[t - 1]) < 2 * measured.noise_floor);
  }
  // Exact sigma steps down with the tree level (the plateau means fall at every level).
  std::vector<double> plateaus;
  const double beta = PlateauDecay(sigma, 2, &plateaus);
  REQUIRE(plateaus.size() == 4u);
  for (int k = 0; k + 1 < 4; ++k) CHECK(plateaus[k + 1] < plateaus[k]);
  CHECK(beta > 0);
}

TEST_CASE("PlateauDecay reads the step rate of an exact staircase", "[language]") {
  // sigma = 4^-k on the plateau t in [2^k, 2^(k+1) - 1]: the slope between plateaus is 2.
  std::vector<double> sigma;
  for (int t = 1; t < 16; ++t) sigma.push_back(std::pow(4.0, -std::floor(std::log2(t))));
  std::vector<double> means;
  CHECK(PlateauDecay(sigma, 2, &means) == Approx(2.0).margin(1e-12));
  CHECK(means == std::vector<double>{1.0, 0.25, 0.0625, 0.015625});
  CHECK(std::isnan(PlateauDecay(sigma, 1)));
  sigma[0] = 0.0;
  CHECK(std::isnan(PlateauDecay(sigma, 2)));
}

TEST_CASE("RHM entropy probe rejects bad options and shallow grammars", "[language]") {
  const RandomHierarchy rhm = Grammar(3, 3, 2);
  RhmEntropyResult result;
  std::string error;
  RhmEntropyOptions options;
  options.jackknife_blocks = 1;
  CHECK_FALSE(MeasureRhmConditionalEntropy(rhm, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("jackknife_blocks = 1"));
  options = RhmEntropyOptions{};
  options.samples = 50;
  CHECK_FALSE(MeasureRhmConditionalEntropy(rhm, options, &result, &error));
  CHECK_THAT(error, Catch::Contains("samples = 50"));
  options = RhmEntropyOptions{};
  options.samples = 1000;
  CHECK_FALSE(MeasureRhmConditionalEntropy(Grammar(2, 3, 2), options, &result, &error));
  CHECK_THAT(error, Catch::Contains("depth = 2"));
}

TEST_CASE("RHM posterior: impossible observations have probability 0", "[language]") {
  const RandomHierarchy rhm = Grammar(2, 3, 2);
  std::set<std::pair<int, int>> pairs;  // right-hand sides of the leaf level
  for (int a = 0; a < 3; ++a) {
    for (int r = 0; r < 2; ++r) pairs.insert({rhm.Rule(1, a, r)[0], rhm.Rule(1, a, r)[1]});
  }
  REQUIRE(pairs.size() == 6u);  // of 9
  int a = 0, b = 0;
  while (pairs.count({a, b}) > 0) {
    if (++b == 3) b = 0, ++a;
  }
  RhmPosterior posterior(rhm);
  posterior.Observe(2, a);
  posterior.Observe(3, b);
  CHECK(posterior.LogEvidence() == -std::numeric_limits<double>::infinity());
  std::vector<double> law;
  posterior.Conditional(0, &law);
  CHECK(law == std::vector<double>(3, 0.0));
  posterior.Observe(3, -1);  // forgetting the offending leaf makes it possible again
  CHECK(std::isfinite(posterior.LogEvidence()));
}

}  // namespace
}  // namespace scalebench
