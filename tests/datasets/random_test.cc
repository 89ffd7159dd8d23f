// Tests of datasets/generators/random.h: determinism, stream independence, normal moments.
#include "datasets/generators/random.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <vector>

namespace scalebench {
namespace {

TEST_CASE("Xoshiro256pp is deterministic given its seed", "[random]") {
  Xoshiro256pp a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a();
    REQUIRE(x == b());
    differs |= x != c();
  }
  CHECK(differs);
}

TEST_CASE("MixSeed gives distinct seeds for distinct (seed, stream) pairs", "[random]") {
  std::set<std::uint64_t> seen;
  for (std::uint64_t s = 0; s < 50; ++s) {
    for (std::uint64_t t = 0; t < 50; ++t) seen.insert(MixSeed(s, t));
  }
  CHECK(seen.size() == 2500u);
  CHECK(MixSeed(1, 2) != MixSeed(2, 1));
}

TEST_CASE("FillStandardNormal equals repeated StandardNormal and nests prefixes", "[random]") {
  std::vector<double> long_fill(1000), short_fill(100);
  FillStandardNormal(7, long_fill.data(), long_fill.size());
  FillStandardNormal(7, short_fill.data(), short_fill.size());
  Xoshiro256pp rng(7);
  for (int i = 0; i < 100; ++i) {
    REQUIRE(short_fill[i] == long_fill[i]);
    REQUIRE(StandardNormal(rng) == long_fill[i]);
  }
}

TEST_CASE("Ziggurat normals have the moments and tails of N(0, 1)", "[random]") {
  const std::size_t n = 4'000'000;
  std::vector<double> z(n);
  FillStandardNormal(123, z.data(), n);
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  std::size_t beyond_1 = 0, beyond_3 = 0, beyond_tail = 0;
  for (double v : z) {
    m1 += v, m2 += v * v, m3 += v * v * v, m4 += v * v * v * v;
    beyond_1 += std::abs(v) > 1.0;
    beyond_3 += std::abs(v) > 3.0;
    beyond_tail += std::abs(v) > 3.6541528853610088;  // drawn by the tail sampler
  }
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  // Standard errors at n = 4e6: mean 5e-4, var 7e-4, skew 1.2e-3, 4th moment 5e-3.
  CHECK(std::abs(m1) < 0.003);
  CHECK(std::abs(m2 - 1.0) < 0.004);
  CHECK(std::abs(m3) < 0.008);
  CHECK(std::abs(m4 - 3.0) < 0.03);
  // P(|Z| > 1) = 0.317311, P(|Z| > 3) = 0.0026998, P(|Z| > 3.6542) = 0.00025804.
  CHECK(static_cast<double>(beyond_1) / n == Approx(0.317311).epsilon(0.005));
  CHECK(static_cast<double>(beyond_3) / n == Approx(0.0026998).epsilon(0.04));
  CHECK(static_cast<double>(beyond_tail) / n == Approx(0.00025804).epsilon(0.1));
}

}  // namespace
}  // namespace scalebench
