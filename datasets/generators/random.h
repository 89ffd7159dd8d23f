// Fast, seedable random numbers for the synthetic targets and their tests.
//
// Xoshiro256pp (xoshiro256++, Blackman & Vigna 2019) is the generator; SplitMix64 seeds it and
// hashes (seed, stream) pairs into independent stream seeds, so that every column of a design
// matrix, every seed of a learning curve and the probe sample each get their own stream and the
// result does not depend on the order or the thread in which the streams are drawn.
// Normals come from a 256-layer ziggurat (Marsaglia & Tsang 2000, in Doornik's 2005 ZIGNOR form),
// a few ns each: the Gaussian-design targets draw ~1e8 of them per suite.
//
// Usage:
//   Xoshiro256pp rng(MixSeed(seed, column));
//   double z = StandardNormal(rng);
//   FillStandardNormal(MixSeed(seed, column), out, count);  // the same numbers, faster
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace scalebench {

// One SplitMix64 step: advances *state and returns the next output.
inline std::uint64_t SplitMix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Hashes (seed, stream) into the seed of an independent stream. Different pairs give unrelated
// seeds; MixSeed(MixSeed(s, a), b) nests streams.
std::uint64_t MixSeed(std::uint64_t seed, std::uint64_t stream);

// xoshiro256++ 1.0: 256-bit state, period 2^256 - 1, passes BigCrush; all 64 bits are usable.
// Satisfies UniformRandomBitGenerator, so it also works with <random> distributions.
class Xoshiro256pp {
 public:
  using result_type = std::uint64_t;
  // The state is filled by SplitMix64 from `seed` (as the authors recommend), never all zero.
  explicit Xoshiro256pp(std::uint64_t seed);

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in the open interval (0, 1), 53 random bits (safe to take the log of).
  double UniformOpen() { return (static_cast<double>((*this)() >> 11) + 0.5) * 0x1.0p-53; }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// One N(0, 1) draw by the ziggurat method.
double StandardNormal(Xoshiro256pp& rng);

// Fills out[0..count) with N(0, 1) draws of the stream Xoshiro256pp(seed): the same numbers as
// `count` calls of StandardNormal, so a prefix of a longer fill equals a shorter fill.
void FillStandardNormal(std::uint64_t seed, double* out, std::size_t count);

}  // namespace scalebench
