// The Random Hierarchy Model (RHM): a synthetic "language" with a fixed-tree, uniform,
// unambiguous probabilistic context-free grammar (Cagnetta, Petrini, Tomasini, Favero & Wyart
// 2024, PRX 14:031001, arXiv:2307.02129; used as a language model in Cagnetta & Wyart 2024,
// "Towards a theory of how the structure of language is acquired by deep neural networks",
// NeurIPS, arXiv:2406.00048; lit-language.md 3.2).
//
// Grammar: depth L, branching s, vocabulary v (the same size at every level, root included),
// m production rules per symbol. At each level l = 0..L-1, every symbol a in [0, v) has m rules
// a -> (b_1, ..., b_s), the b's symbols of level l + 1. The v m right-hand sides of a level are
// distinct s-tuples drawn uniformly without replacement from the v^s possible ones (hence
// m <= v^(s-1)), so the grammar is unambiguous: every tuple derives from at most one symbol, and
// a sequence parses to a unique tree. The grammar is a deterministic function of `seed`. This is
// the rule sampling of the authors' code (pcsl-epfl/hierarchy-learning, sample_rules: v m
// distinct s-tuples per level drawn without replacement, m per symbol), with the number of root
// classes n equal to v (their code allows n != v).
// Sampling: the root is uniform over [0, v); each symbol picks one of its m rules uniformly and
// independently; the leaves (level L) form a sequence of s^L tokens in [0, v).
// Corpus: independent sequences concatenated into one token stream (SampleStream); the stream
// has no separator token (sequence boundaries sit at multiples of s^L).
//
// Exact entropies (no estimation needed): a sequence carries log v + (number of internal nodes)
// log m nats, the internal nodes being (s^L - 1) / (s - 1), so the entropy per token of the
// stream is [log v + (s^L - 1)/(s - 1) log m] / s^L (SequenceEntropyNats / sequence_length).
// Every valid sequence has this probability exactly (one derivation, each choice uniform).
// Exact conditionals of a leaf given any other leaves: datasets/probes/rhm_entropy.h.
//
// Usage:
//   RandomHierarchyOptions options;  // L = 3, s = 2, v = 32, m = 8 (the 2024 paper's Fig. 1)
//   RandomHierarchy rhm;
//   std::string error;
//   if (!RandomHierarchy::Create(options, &rhm, &error)) ...;
//   std::vector<int> tokens = rhm.SampleStream(/*stream seed=*/7, /*sequences=*/1000);
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/fields.h"
#include "datasets/generators/random.h"

namespace scalebench {

struct RandomHierarchyOptions {
  int depth = 3;           // L >= 1
  int branching = 2;       // s >= 2
  int vocab = 32;          // v >= 2
  int rules = 8;           // m in [1, v^(s-1)]
  std::uint64_t seed = 1;  // draws the grammar

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("depth", depth).AtLeast(1).AtMost(16);
    f.Field("branching", branching)
        .AtLeast(2)
        .AtMost(16)
        .Check(std::pow(double(branching), depth) <= 1e6,
               "such that branching^depth (the sequence length) <= 1e6");
    f.Field("vocab", vocab).AtLeast(2).AtMost(65536);
    f.Field("rules", rules)
        .AtLeast(1)
        .Check(Unambiguous(),
               "<= vocab^(branching-1) (an unambiguous grammar), with vocab^branching < 2^62 and "
               "rules x vocab <= 1e7");
    f.Field("seed", seed);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
  // rules x vocab distinct right-hand sides fit in the vocab^branching tuples (see above).
  bool Unambiguous() const;
};

class RandomHierarchy {
 public:
  static bool Create(const RandomHierarchyOptions& options,
                     RandomHierarchy* out,
                     std::string* error);

  const RandomHierarchyOptions& options() const { return options_; }
  int sequence_length() const { return sequence_length_; }
  // Right-hand side of rule r of `symbol` at `level` (0 = root level): s symbols of level + 1.
  const int* Rule(int level, int symbol, int r) const;
  // Appends one sequence (s^L tokens) drawn from rng to *tokens.
  void Sample(Xoshiro256pp& rng, std::vector<int>* tokens) const;
  // `sequences` independent sequences from the stream Xoshiro256pp(stream_seed), concatenated.
  std::vector<int> SampleStream(std::uint64_t stream_seed, std::size_t sequences) const;
  // Parses one sequence bottom-up: the root symbol, or -1 when some tuple is no rule's
  // right-hand side (the sequence cannot come from this grammar).
  int Parse(const int* sequence) const;
  // Entropy of one sequence in nats: log v + internal nodes x log m.
  double SequenceEntropyNats() const;
  // Exact marginal law of the token at `position` (in [0, sequence_length)), size v: the
  // uniform root pushed down the position's path one level at a time,
  //   q_{l+1}(b) = sum_a q_l(a) (1/m) #{rules r of a whose child j_l is b},
  // j_l the position's base-s digit at level l. Not uniform in general (the v m right-hand
  // sides of a level are a random subset of the v^s tuples).
  std::vector<double> LeafMarginal(int position) const;

 private:
  RandomHierarchyOptions options_;
  int sequence_length_ = 0;
  // rules_[level][(symbol * m + r) * s + j]
  std::vector<std::vector<int>> rules_;
  // parent_[level]: tuple code -> symbol of level `level` deriving it
  std::vector<std::unordered_map<std::uint64_t, int>> parent_;
};

}  // namespace scalebench
