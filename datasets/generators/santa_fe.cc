// Implementation of datasets/generators/santa_fe.h.
#include "datasets/generators/santa_fe.h"

namespace scalebench {

SantaFeProcess::SantaFeProcess(double zipf_exponent, std::int64_t support, std::uint64_t facts_seed)
    : law_(zipf_exponent, support), sampler_(zipf_exponent, support), facts_seed_(facts_seed) {}

int SantaFeProcess::Fact(std::int64_t index) const {
  return int(MixSeed(facts_seed_, std::uint64_t(index)) >> 63);
}

SantaFeWord SantaFeProcess::Sample(Xoshiro256pp& rng) const {
  SantaFeWord word;
  word.index = sampler_(rng);
  word.fact = Fact(word.index);
  return word;
}

std::vector<SantaFeWord> SantaFeProcess::Draw(std::uint64_t stream, std::int64_t count) const {
  Xoshiro256pp rng(stream);
  std::vector<SantaFeWord> words(count);
  for (SantaFeWord& word : words) word = Sample(rng);
  return words;
}

}  // namespace scalebench
