#include "datasets/generators/random.h"

#include <array>
#include <cmath>

namespace scalebench {
namespace {

// Ziggurat of 256 layers of equal area kArea under f(x) = exp(-x^2/2); the base layer holds the
// tail beyond kTailStart. Constants from Marsaglia & Tsang (2000).
constexpr int kLayers = 256;
constexpr double kTailStart = 3.6541528853610088;
constexpr double kArea = 0.00492867323399;

struct ZigguratTables {
  std::array<double, kLayers + 1> x;  // layer edges, x[0] > x[1] = R > ... > x[256] = 0
  std::array<double, kLayers> ratio;  // x[i+1] / x[i]: the fast-accept threshold of layer i
  ZigguratTables() {
    const double f_tail = std::exp(-0.5 * kTailStart * kTailStart);
    x[0] = kArea / f_tail;
    x[1] = kTailStart;
    for (int i = 2; i < kLayers; ++i) {
      x[i] = std::sqrt(-2.0 * std::log(kArea / x[i - 1] + std::exp(-0.5 * x[i - 1] * x[i - 1])));
    }
    x[kLayers] = 0.0;
    for (int i = 0; i < kLayers; ++i) ratio[i] = x[i + 1] / x[i];
  }
};

const ZigguratTables& Tables() {
  static const ZigguratTables tables;
  return tables;
}

// Marsaglia's exact sampler of the normal tail beyond kTailStart.
double SampleTail(Xoshiro256pp& rng, bool negative) {
  double x, y;
  do {
    x = std::log(rng.UniformOpen()) / kTailStart;
    y = std::log(rng.UniformOpen());
  } while (-2.0 * y < x * x);
  return negative ? x - kTailStart : kTailStart - x;
}

// The slow path: the wedge between layers, or the tail (about 1.2 % of the draws).
double SampleEdge(Xoshiro256pp& rng, const ZigguratTables& t, int i, double u) {
  if (i == 0) return SampleTail(rng, u < 0.0);
  const double x = u * t.x[i];
  const double f0 = std::exp(-0.5 * (t.x[i] * t.x[i] - x * x));
  const double f1 = std::exp(-0.5 * (t.x[i + 1] * t.x[i + 1] - x * x));
  if (f1 + rng.UniformOpen() * (f0 - f1) < 1.0) return x;
  return std::numeric_limits<double>::quiet_NaN();  // rejected: the caller draws again
}

inline double Draw(Xoshiro256pp& rng, const ZigguratTables& t) {
  for (;;) {
    // One 64-bit word gives both the layer (low 8 bits) and u (high 53 bits): disjoint bits.
    const std::uint64_t r = rng();
    const int i = static_cast<int>(r & 0xFF);
    const double u = static_cast<double>(r >> 11) * 0x1.0p-52 - 1.0;  // [-1, 1)
    if (std::abs(u) < t.ratio[i]) return u * t.x[i];
    const double x = SampleEdge(rng, t, i, u);
    if (!std::isnan(x)) return x;
  }
}

}  // namespace

std::uint64_t MixSeed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed;
  const std::uint64_t a = SplitMix64(&state);
  state = a ^ (stream * 0xd1b54a32d192ed03ULL);
  SplitMix64(&state);
  return SplitMix64(&state);
}

Xoshiro256pp::Xoshiro256pp(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = SplitMix64(&state);
}

double StandardNormal(Xoshiro256pp& rng) {
  return Draw(rng, Tables());
}

void FillStandardNormal(std::uint64_t seed, double* out, std::size_t count) {
  const ZigguratTables& tables = Tables();
  Xoshiro256pp rng(seed);
  for (std::size_t i = 0; i < count; ++i) out[i] = Draw(rng, tables);
}

}  // namespace scalebench
