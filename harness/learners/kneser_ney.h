// The n-gram learner of the language targets: interpolated modified Kneser-Ney smoothing
// (Chen & Goodman 1999, "An empirical study of smoothing techniques for language modeling",
// Computer Speech and Language 13:359-394; the formulas below as they define modified KN).
//
// Model. For a context u of k tokens (k = 0..max_context; u' = u without its oldest token):
//   P_k(w | u) = (c_k(u w) - D_k(c_k(u w))) / c_k(u .) + gamma_k(u) P_{k-1}(w | u'),
//   gamma_k(u) = (D_k1 N1(u .) + D_k2 N2(u .) + D_k3+ N3+(u .)) / c_k(u .),
// with D_k(0) = 0, D_k(1) = D_k1, D_k(2) = D_k2, D_k(c >= 3) = D_k3+, N_j(u .) the number of
// words w with c_k(u w) = j (3+: at least 3) and c_k(u .) = sum_w c_k(u w). The counts c_k are
// the raw counts at the highest order used and the continuation counts N1+(. u w) (the number
// of distinct tokens seen before u w) at every lower order. P_{-1} is uniform over the
// vocabulary. A context with c_k(u .) = 0 (never seen, or seen only at the start of the stream
// where it has no left neighbour) backs off fully: P_k = P_{k-1}. The three discounts per order
// and count kind come from the count-of-counts n_j (number of n-grams with count j):
//   Y = n1 / (n1 + 2 n2), D1 = 1 - 2Y n2/n1, D2 = 2 - 3Y n3/n2, D3+ = 3 - 4Y n4/n3,
// clamped to [0.01, j] so that c - D(c) >= 0 and unseen words keep some mass; when any of n1..n4
// is 0 (tiny data) all three fall back to Y (0.5 when Y is undefined). Each step therefore sums
// to exactly 1 over the vocabulary for any context (up to rounding), which the tests check.
//
// Counting (compact, no hashing, exact): contexts form a suffix trie built level by level. At
// level k every training position i >= k gets the id of its context x[i-k..i-1]: the pairs
// (id of x[i-k+1..i-1], x[i-k]) are sorted and numbered. The n-grams (context id, w) are sorted
// and run-length counted; the continuation counts of level k are the distinct level-(k+1)
// n-grams grouped by their parent context. Storage per level: 12 bytes per distinct n-gram and
// 40 bytes per distinct context, plus 16 bytes per training token while building.
// Lookups walk the trie from the most recent token outwards, a binary search within one parent's
// children and one within one context's words per level.
//
// Usage:
//   KneserNeyModel model;
//   std::string error;
//   if (!KneserNeyModel::Train(train_ids, vocab_size, /*max_context=*/8, &model, &error)) ...;
//   std::vector<double> loss = model.CrossEntropyByOrder(valid_ids, /*skip=*/8);  // nats/token
//   double p = model.Probability(context, w, /*context_length=*/4);
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace scalebench {

class KneserNeyModel {
 public:
  // tokens: ids in [0, vocab_size); vocab_size in [2, 2^31); max_context in [0, 64]; at least
  // one token. Fails with a message naming what is wrong.
  static bool Train(const std::vector<int>& tokens,
                    int vocab_size,
                    int max_context,
                    KneserNeyModel* model,
                    std::string* error);

  int max_context() const { return static_cast<int>(levels_.size()) - 1; }
  int vocab_size() const { return vocab_size_; }
  std::size_t train_tokens() const { return train_tokens_; }
  // Distinct n-grams stored at context length k (n-gram order k + 1).
  std::size_t NumNGrams(int context_length) const { return levels_[context_length].words.size(); }
  // {D1, D2, D3+} of context length k for raw counts (top order) or continuation counts.
  std::array<double, 3> Discounts(int context_length, bool raw) const;

  // P(w | context) with the top order using context_length tokens (the last ones of `context`,
  // which may be shorter: then the top order is context.size()).
  double Probability(const std::vector<int>& context, int w, int context_length) const;
  // The whole distribution over [0, vocab_size).
  std::vector<double> Distribution(const std::vector<int>& context, int context_length) const;
  // Mean -log P(x_i | x_{i-k..i-1}) in nats over the positions i in [skip, tokens.size()), for
  // every top context length k = 0..max_context (same positions for every k). Ids outside the
  // vocabulary are an error of the caller (checked: NaN losses). skip >= max_context is usual.
  std::vector<double> CrossEntropyByOrder(const std::vector<int>& tokens, std::size_t skip) const;

 private:
  struct Stats {
    std::vector<std::uint32_t> total, n1, n2, n3;  // per context: c(u .), N1, N2, N3+
  };
  struct Level {
    // Contexts of this level: their oldest token, grouped by parent context (level k - 1) and
    // sorted by token within a group; children of parent p: [child_offsets[p], [p + 1]).
    std::vector<std::uint32_t> child_offsets, child_tokens;
    // N-grams: words of context c in [word_offsets[c], word_offsets[c + 1]), sorted.
    std::vector<std::uint32_t> word_offsets, words, raw, cont;
    Stats raw_stats, cont_stats;
    std::array<double, 3> raw_discount{}, cont_discount{};
  };
  // Context ids of the history ending at `end` (exclusive), level 0..max: -1 where unseen.
  void ContextIds(const int* begin, const int* end, int max_level, std::int64_t* ids) const;
  // One interpolation step at `level` for context id `ctx`, word w, lower-order probability.
  double Step(const Level& level, bool raw, std::int64_t ctx, int w, double lower) const;
  double ProbabilityFromIds(const std::int64_t* ids, int w, int context_length) const;

  int vocab_size_ = 0;
  std::size_t train_tokens_ = 0;
  std::vector<Level> levels_;
};

// Chen & Goodman's discounts from the count-of-counts n1..n4 (see the file comment).
std::array<double, 3> ModifiedKneserNeyDiscounts(double n1, double n2, double n3, double n4);

// The learner as a target uses it: trains one model with contexts up to max_context on `train`,
// picks the context length with the least validation cross-entropy and reports the test
// cross-entropy of that order. Both evaluations skip the first max_context positions.
struct KneserNeyFit {
  int context_length = 0;                         // chosen (n-gram order context_length + 1)
  double validation_loss = 0.0, test_loss = 0.0;  // nats/token
  std::vector<double> validation_by_order;        // k = 0..max_context
};
bool FitKneserNey(const std::vector<int>& train,
                  const std::vector<int>& validation,
                  const std::vector<int>& test,
                  int vocab_size,
                  int max_context,
                  KneserNeyFit* fit,
                  std::string* error);

}  // namespace scalebench
