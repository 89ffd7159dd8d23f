// Interpolated absolute-discounting n-gram models of every order 0..max_context at once (Ney,
// Essen & Kneser 1994), the model of the conditional-entropy probe (conditional_entropy.h).
//
// Usage:
//   const NGramModel model(train_tokens, vocab_size, /*max_context=*/6, /*discount=*/0.75);
//   std::vector<double> log_probs;  // log P_n(x_i | context), n = 0..6
//   model.LogProbabilities(heldout.data() + i, heldout[i], &log_probs);  // i >= 6
//
// WARNING: contexts are hashed (56+ bits for vocabularies up to 256) and collisions are ignored.
#pragma once

#include <cstdint>
#include <vector>

namespace scalebench {

// With one fixed discount D for every order,
//   P_n(w | u) = max(c(u w) - D, 0) / c(u) + D N1+(u .) / c(u) * P_{n-1}(w | u'),
// u the last n tokens, u' = u without its oldest token, c(u) = sum_w c(u w), N1+(u .) the number
// of distinct w seen after u; an unseen context (c(u) = 0) backs off fully to P_{n-1}; P_{-1} is
// uniform over the vocab_size ids. So every P_n sums to 1 over the vocabulary exactly (D < 1).
// Counts: per n, the 64-bit keys (hash of the n-token context, shifted) | w of every training
// position, sorted and run-length counted (sorted vectors + binary search: about 16 bytes per
// distinct n-gram, no hash-map node overhead).
class NGramModel {
 public:
  // tokens: ids in [0, vocab_size), vocab_size in [2, 65536]; not checked here.
  NGramModel(const std::vector<int>& tokens, int vocab_size, int max_context, double discount);

  int max_context() const { return max_context_; }
  int vocab_size() const { return vocab_size_; }
  // log P_n(w | context) for n = 0..max_context into *log_probs (size max_context + 1), where
  // context[-n..-1] are the previous tokens: `history` points one past the last context token
  // and at least max_context tokens must precede it.
  void LogProbabilities(const int* history, int w, std::vector<double>* log_probs) const;
  // P_n(w | last n tokens of context) for every w (context.size() >= n).
  std::vector<double> Distribution(const std::vector<int>& context, int n) const;

 private:
  struct Order {
    std::vector<std::uint64_t> keys;      // sorted (context hash << bits) | w
    std::vector<std::uint32_t> counts;    // c(u w)
    std::vector<std::uint64_t> contexts;  // sorted context keys (hash << bits)
    std::vector<std::uint32_t> totals;    // c(u)
    std::vector<std::uint32_t> distinct;  // N1+(u .)
  };
  // One interpolation step: P_n from P_{n-1} for the context key.
  double Step(const Order& order, std::uint64_t context_key, int w, double lower) const;

  int vocab_size_, max_context_, bits_;
  double discount_;
  std::vector<Order> orders_;
};

}  // namespace scalebench
