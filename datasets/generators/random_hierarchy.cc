#include "datasets/generators/random_hierarchy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <unordered_set>

namespace scalebench {
namespace {

// v^s, or -1 when it exceeds 2^62 (the tuple codes must fit in 64 bits).
std::int64_t TupleCount(int vocab, int branching) {
  std::int64_t count = 1;
  for (int j = 0; j < branching; ++j) {
    if (count > (std::int64_t(1) << 62) / vocab) return -1;
    count *= vocab;
  }
  return count;
}

std::uint64_t UniformBelow(Xoshiro256pp& rng, std::uint64_t bound) {
  // Rejection from the largest multiple of bound below 2^64: unbiased.
  const std::uint64_t limit = bound * (std::numeric_limits<std::uint64_t>::max() / bound);
  std::uint64_t x;
  do x = rng();
  while (x >= limit);
  return x % bound;
}

}  // namespace

bool RandomHierarchyOptions::Unambiguous() const {
  if (vocab < 2 || branching < 2) return false;
  const std::int64_t tuples = TupleCount(vocab, branching);
  return tuples >= 0 && double(rules) * vocab <= double(tuples) && double(rules) * vocab <= 1e7;
}

bool RandomHierarchy::Create(const RandomHierarchyOptions& options,
                             RandomHierarchy* out,
                             std::string* error) {
  if (!options.IsValid(error)) return false;
  RandomHierarchy& h = *out;
  h = RandomHierarchy();
  h.options_ = options;
  const int s = options.branching, v = options.vocab, m = options.rules;
  h.sequence_length_ = 1;
  for (int l = 0; l < options.depth; ++l) h.sequence_length_ *= s;
  const std::uint64_t tuples = std::uint64_t(TupleCount(v, s));
  h.rules_.resize(options.depth);
  h.parent_.resize(options.depth);
  for (int level = 0; level < options.depth; ++level) {
    Xoshiro256pp rng(MixSeed(options.seed, std::uint64_t(level)));
    std::unordered_set<std::uint64_t> used;
    std::vector<std::uint64_t> codes;
    while (codes.size() < std::size_t(v) * m) {  // v m distinct tuples, in draw order
      const std::uint64_t code = UniformBelow(rng, tuples);
      if (used.insert(code).second) codes.push_back(code);
    }
    std::vector<int>& rules = h.rules_[level];
    rules.resize(codes.size() * s);
    for (std::size_t i = 0; i < codes.size(); ++i) {
      std::uint64_t code = codes[i];
      for (int j = s - 1; j >= 0; --j) {  // base-v digits, first child most significant
        rules[i * s + j] = int(code % v);
        code /= v;
      }
      h.parent_[level][codes[i]] = int(i / m);  // symbol a owns rules [a m, (a + 1) m)
    }
  }
  return true;
}

const int* RandomHierarchy::Rule(int level, int symbol, int r) const {
  const int s = options_.branching, m = options_.rules;
  return rules_[level].data() + (std::size_t(symbol) * m + r) * s;
}

void RandomHierarchy::Sample(Xoshiro256pp& rng, std::vector<int>* tokens) const {
  const int s = options_.branching;
  std::vector<int> layer{int(UniformBelow(rng, options_.vocab))}, next;
  for (int level = 0; level < options_.depth; ++level) {
    next.clear();
    for (int symbol : layer) {
      const int* rhs = Rule(level, symbol, int(UniformBelow(rng, options_.rules)));
      next.insert(next.end(), rhs, rhs + s);
    }
    layer.swap(next);
  }
  tokens->insert(tokens->end(), layer.begin(), layer.end());
}

std::vector<int> RandomHierarchy::SampleStream(std::uint64_t stream_seed,
                                               std::size_t sequences) const {
  Xoshiro256pp rng(stream_seed);
  std::vector<int> tokens;
  tokens.reserve(sequences * sequence_length_);
  for (std::size_t i = 0; i < sequences; ++i) Sample(rng, &tokens);
  return tokens;
}

int RandomHierarchy::Parse(const int* sequence) const {
  const int s = options_.branching, v = options_.vocab;
  std::vector<int> layer(sequence, sequence + sequence_length_), up;
  for (int level = options_.depth - 1; level >= 0; --level) {
    up.clear();
    for (std::size_t i = 0; i < layer.size(); i += s) {
      std::uint64_t code = 0;
      for (int j = 0; j < s; ++j) {
        if (layer[i + j] < 0 || layer[i + j] >= v) return -1;
        code = code * v + std::uint64_t(layer[i + j]);
      }
      const auto it = parent_[level].find(code);
      if (it == parent_[level].end()) return -1;
      up.push_back(it->second);
    }
    layer.swap(up);
  }
  return layer[0];
}

double RandomHierarchy::SequenceEntropyNats() const {
  const double internal = double(sequence_length_ - 1) / double(options_.branching - 1);
  return std::log(double(options_.vocab)) + internal * std::log(double(options_.rules));
}

std::vector<double> RandomHierarchy::LeafMarginal(int position) const {
  const int s = options_.branching, v = options_.vocab, m = options_.rules;
  std::vector<double> law(v, 1.0 / v), next(v);
  int span = sequence_length_;  // leaves under one node of the current level
  for (int level = 0; level < options_.depth; ++level) {
    span /= s;
    const int child = (position / span) % s;
    std::fill(next.begin(), next.end(), 0.0);
    for (int a = 0; a < v; ++a) {
      for (int r = 0; r < m; ++r) next[Rule(level, a, r)[child]] += law[a] / m;
    }
    law.swap(next);
  }
  return law;
}

}  // namespace scalebench
