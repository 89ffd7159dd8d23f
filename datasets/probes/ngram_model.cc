// Implementation of datasets/probes/ngram_model.h.
#include "datasets/probes/ngram_model.h"

#include <algorithm>
#include <cmath>

namespace scalebench {
namespace {

constexpr std::uint64_t kSeed = 0x243F6A8885A308D3ULL;
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// SplitMix64's finaliser.
std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// The hash of a context one token longer (token = the new oldest token).
std::uint64_t Extend(std::uint64_t hash, int token) {
  return Mix(hash + (static_cast<std::uint64_t>(token) + 1) * kGolden);
}

}  // namespace

NGramModel::NGramModel(const std::vector<int>& tokens,
                       int vocab_size,
                       int max_context,
                       double discount)
    : vocab_size_(vocab_size), max_context_(max_context), bits_(1), discount_(discount) {
  while ((1 << bits_) < vocab_size_) ++bits_;
  const std::uint64_t low_mask = (std::uint64_t{1} << bits_) - 1;
  const std::size_t size = tokens.size();
  std::vector<std::uint64_t> hash(size, kSeed), keys;
  orders_.resize(max_context + 1);
  for (int n = 0; n <= max_context; ++n) {
    if (n > 0) {
      for (std::size_t i = n; i < size; ++i) hash[i] = Extend(hash[i], tokens[i - n]);
    }
    keys.clear();
    for (std::size_t i = n; i < size; ++i)
      keys.push_back((hash[i] << bits_) | static_cast<std::uint64_t>(tokens[i]));
    std::sort(keys.begin(), keys.end());
    Order& order = orders_[n];
    for (std::size_t i = 0; i < keys.size();) {
      std::size_t j = i;
      while (j < keys.size() && keys[j] == keys[i]) ++j;
      const std::uint64_t context = keys[i] & ~low_mask;
      if (order.contexts.empty() || order.contexts.back() != context) {
        order.contexts.push_back(context);
        order.totals.push_back(0);
        order.distinct.push_back(0);
      }
      order.keys.push_back(keys[i]);
      order.counts.push_back(static_cast<std::uint32_t>(j - i));
      order.totals.back() += static_cast<std::uint32_t>(j - i);
      order.distinct.back() += 1;
      i = j;
    }
    order.keys.shrink_to_fit();
    order.counts.shrink_to_fit();
    order.contexts.shrink_to_fit();
    order.totals.shrink_to_fit();
    order.distinct.shrink_to_fit();
  }
}

double NGramModel::Step(const Order& order, std::uint64_t context_key, int w, double lower) const {
  const auto c = std::lower_bound(order.contexts.begin(), order.contexts.end(), context_key);
  if (c == order.contexts.end() || *c != context_key) return lower;  // unseen: back off fully
  const std::size_t index = static_cast<std::size_t>(c - order.contexts.begin());
  const double total = order.totals[index], distinct = order.distinct[index];
  const std::uint64_t key = context_key | static_cast<std::uint64_t>(w);
  const auto k = std::lower_bound(order.keys.begin(), order.keys.end(), key);
  const double count =
      (k != order.keys.end() && *k == key) ? order.counts[k - order.keys.begin()] : 0.0;
  return std::max(count - discount_, 0.0) / total + discount_ * distinct / total * lower;
}

void NGramModel::LogProbabilities(const int* history, int w, std::vector<double>* log_probs) const {
  log_probs->resize(max_context_ + 1);
  double p = 1.0 / vocab_size_;
  std::uint64_t hash = kSeed;
  for (int n = 0; n <= max_context_; ++n) {
    if (n > 0) hash = Extend(hash, history[-n]);
    p = Step(orders_[n], hash << bits_, w, p);
    (*log_probs)[n] = std::log(p);
  }
}

std::vector<double> NGramModel::Distribution(const std::vector<int>& context, int n) const {
  std::vector<double> probs(vocab_size_);
  const int* history = context.data() + context.size();
  for (int w = 0; w < vocab_size_; ++w) {
    double p = 1.0 / vocab_size_;
    std::uint64_t hash = kSeed;
    for (int m = 0; m <= n; ++m) {
      if (m > 0) hash = Extend(hash, history[-m]);
      p = Step(orders_[m], hash << bits_, w, p);
    }
    probs[w] = p;
  }
  return probs;
}

}  // namespace scalebench
