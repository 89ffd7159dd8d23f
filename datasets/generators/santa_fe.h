// The Santa Fe process (Debowski 2011, IEEE Trans. Inf. Theory 57:4589, "On the vocabulary of
// grammar-based codes and the logical consistency of texts"; its information rates in Debowski
// 2012, IEEE Trans. Inf. Theory 58:3392, arXiv:1103.3952; the toy example of Debowski 2025,
// arXiv:2512.13491): a text that states random facts about a fixed random world, repeatedly,
// with Zipf-distributed attention to them. Word i is the pair
//   X_i = (K_i, Z_{K_i}),
// K_i i.i.d. with P(K_i = k) = k^-z / H_K(z) (which fact is stated, z > 1), and Z_1, Z_2, ... fixed
// fair bits drawn once (the facts: the world the text describes). A word is "k:b" in text form;
// words with the same k always carry the same bit, so distinct words are distinct facts.
//
// What is known exactly (nats; V(n) = the number of distinct K among K_1..K_n, M_n = the
// probability mass of the indices not among them, the missing mass):
//   - block entropy H(X_1^n) = n H(K) + ln 2 E[V(n)]: given K_1^n the E[V(n)] distinct facts are
//     independent fair bits and everything else is determined;
//   - so the optimal predictor's conditional entropy H(X_{n+1} | X_1^n) = H(K) + ln 2 E[M_n], and
//     the entropy rate is H(K) (EntropyRate());
//   - Heaps: E[V(n)] ~ Gamma(1 - 1/z) (n / H_K(z))^(1/z) (Karlin 1967), so the Heaps exponent and
//     Hilberg's exponent (H(X_1^n) - n H(K) ~ n^beta) are both 1/z, and E[M_n] = E[V(n+1)] -
//     E[V(n)] ~ n^(1/z - 1).
// What was read: the abstracts of arXiv:1103.3952 (Santa Fe processes, E(n) = I(X_1^n; X_{n+1}^2n)
// ~ n^beta) and arXiv:2512.13491 (the Santa Fe process illustrates Zipf => Heaps => Hilberg =>
// neural scaling); the definition above is the one of the 2011 paper as recalled, its body was not
// opened (the search tool returns page openings only).
//
// The facts are a hash of (facts_seed, k), so they exist for every k <= K without storage.
//
// Usage:
//   SantaFeProcess process(2.0, 1000000000000000, MixSeed(seed, kFactsStream));
//   std::vector<SantaFeWord> text = process.Draw(MixSeed(seed, run), 100000);
//   double h = process.EntropyRate();
#pragma once

#include <cstdint>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/generators/zipf.h"

namespace scalebench {

// One word of a Santa Fe text: which fact it states and the fact's value.
struct SantaFeWord {
  std::int64_t index = 1;  // K_i in {1..K}
  int fact = 0;            // Z_{K_i} in {0, 1}
};

class SantaFeProcess {
 public:
  // Precondition: zipf_exponent > 1, support >= 1.
  SantaFeProcess(double zipf_exponent, std::int64_t support, std::uint64_t facts_seed);

  const ZipfLaw& law() const { return law_; }
  // Z_k, a fixed fair bit.
  int Fact(std::int64_t index) const;
  // One word: K by ZipfSampler, with its fact.
  SantaFeWord Sample(Xoshiro256pp& rng) const;
  // `count` words of the stream Xoshiro256pp(stream) (the same as `count` calls of Sample).
  std::vector<SantaFeWord> Draw(std::uint64_t stream, std::int64_t count) const;
  // H(K) in nats: the entropy rate (the facts add ln 2 E[V(n)] = o(n) to the block entropy).
  double EntropyRate() const { return law_.Entropy(); }

 private:
  ZipfLaw law_;
  ZipfSampler sampler_;
  std::uint64_t facts_seed_;
};

}  // namespace scalebench
