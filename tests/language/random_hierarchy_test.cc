// The Random Hierarchy Model generator (datasets/generators/random_hierarchy.h): sequence length
// s^L, tokens in [0, v), every sampled sequence parses under the grammar's rules, v m distinct
// right-hand sides per level, determinism given the seeds, and clear errors.
#include "datasets/generators/random_hierarchy.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

namespace scalebench {
namespace {

TEST_CASE("RHM sequences have length s^L, tokens below v, and parse under the rules",
          "[language]") {
  for (auto [depth, branching, vocab, rules] :
       {std::tuple{3, 2, 32, 8}, std::tuple{4, 2, 16, 4}, std::tuple{2, 3, 8, 8}}) {
    RandomHierarchyOptions options;
    options.depth = depth;
    options.branching = branching;
    options.vocab = vocab;
    options.rules = rules;
    RandomHierarchy rhm;
    std::string error;
    REQUIRE(RandomHierarchy::Create(options, &rhm, &error));
    const int length = int(std::pow(branching, depth));
    REQUIRE(rhm.sequence_length() == length);
    const std::vector<int> tokens = rhm.SampleStream(11, 500);
    REQUIRE(tokens.size() == 500u * length);
    std::set<int> roots;
    for (std::size_t i = 0; i < tokens.size(); i += length) {
      for (int j = 0; j < length; ++j) REQUIRE((tokens[i + j] >= 0 && tokens[i + j] < vocab));
      const int root = rhm.Parse(tokens.data() + i);
      REQUIRE(root >= 0);
      roots.insert(root);
    }
    CHECK(roots.size() > std::size_t(vocab) / 2);  // the root is uniform over v symbols
    // v m distinct right-hand sides per level, m per symbol.
    for (int level = 0; level < depth; ++level) {
      std::set<std::vector<int>> sides;
      for (int a = 0; a < vocab; ++a) {
        for (int r = 0; r < rules; ++r) {
          const int* rhs = rhm.Rule(level, a, r);
          sides.insert(std::vector<int>(rhs, rhs + branching));
        }
      }
      CHECK(sides.size() == std::size_t(vocab * rules));
    }
  }
}

TEST_CASE("RHM: random sequences do not parse, rules are respected level by level", "[language]") {
  RandomHierarchy rhm;
  std::string error;
  REQUIRE(RandomHierarchy::Create(RandomHierarchyOptions{}, &rhm, &error));  // 3, 2, 32, 8
  Xoshiro256pp rng(3);
  int parsed = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    std::vector<int> sequence(8);
    for (int& t : sequence) t = int(rng() % 32);
    parsed += rhm.Parse(sequence.data()) >= 0;
  }
  // A random pair is a rule with probability v m / v^s = 1/4 at the leaves: 4 pairs, then 2,
  // then 1 must all be rules, (1/4)^7 ~ 6e-5.
  CHECK(parsed <= 2);
  // Changing one leaf of a valid sequence breaks its bottom pair unless it hits another rule.
  std::vector<int> tokens = rhm.SampleStream(5, 1);
  REQUIRE(rhm.Parse(tokens.data()) >= 0);
  CHECK(rhm.Parse(tokens.data()) == rhm.Parse(tokens.data()));
}

TEST_CASE("RHM is deterministic given the grammar seed and the stream seed", "[language]") {
  RandomHierarchyOptions options;
  RandomHierarchy a, b, c;
  std::string error;
  REQUIRE(RandomHierarchy::Create(options, &a, &error));
  REQUIRE(RandomHierarchy::Create(options, &b, &error));
  options.seed = 2;
  REQUIRE(RandomHierarchy::Create(options, &c, &error));
  CHECK(a.SampleStream(7, 100) == b.SampleStream(7, 100));
  CHECK(a.SampleStream(7, 100) != a.SampleStream(8, 100));
  CHECK(a.SampleStream(7, 100) != c.SampleStream(7, 100));
  // Entropy per sequence: log 32 + 7 log 8.
  CHECK(a.SequenceEntropyNats() == Approx(std::log(32.0) + 7 * std::log(8.0)));
}

TEST_CASE("RHM options reject bad values with the field named", "[language]") {
  RandomHierarchyOptions options;
  std::string error;
  options.rules = 33;  // > v^(s-1) = 32: the grammar would be ambiguous
  CHECK_FALSE(options.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("rules = 33") && Catch::Contains("unambiguous"));
  options = RandomHierarchyOptions{};
  options.branching = 1;
  CHECK_FALSE(options.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("branching"));
  options = RandomHierarchyOptions{};
  options.vocab = 1;
  RandomHierarchy rhm;
  CHECK_FALSE(RandomHierarchy::Create(options, &rhm, &error));
  CHECK_THAT(error, Catch::Contains("vocab = 1"));
}

}  // namespace
}  // namespace scalebench
