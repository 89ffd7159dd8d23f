// The Good-Turing memorizer (see good_turing_memorizer.h).
#include "harness/learners/good_turing_memorizer.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace scalebench {
namespace {

// Indices below this are kept in a vector (the frequent ones, hit on almost every word); the
// rare rest in a hash map.
constexpr std::int64_t kDense = std::int64_t(1) << 20;

}  // namespace

GoodTuringMemorizer::GoodTuringMemorizer(double base_exponent, std::int64_t support)
    : base_(base_exponent, support) {}

const GoodTuringMemorizer::Entry* GoodTuringMemorizer::Find(std::int64_t index) const {
  if (index < kDense) {
    return index < std::int64_t(dense_.size()) && dense_[index].count > 0 ? &dense_[index]
                                                                          : nullptr;
  }
  const auto it = sparse_.find(index);
  return it == sparse_.end() ? nullptr : &it->second;
}

template <typename F>
void GoodTuringMemorizer::ForEachSeen(F f) const {
  for (std::size_t k = 1; k < dense_.size(); ++k) {
    if (dense_[k].count > 0) f(std::int64_t(k), dense_[k]);
  }
  for (const auto& [index, entry] : sparse_) f(index, entry);
}

void GoodTuringMemorizer::Observe(const SantaFeWord& word) {
  assert(word.index >= 1 && word.index <= base_.support());
  Entry* entry;
  if (word.index < kDense) {
    if (word.index >= std::int64_t(dense_.size())) {
      dense_.resize(
          std::min<std::size_t>(kDense, std::max<std::size_t>(2 * dense_.size(), word.index + 1)));
    }
    entry = &dense_[word.index];
  } else {
    entry = &sparse_[word.index];
  }
  ++tokens_;
  if (entry->count == 0) {
    entry->fact = word.fact;
    ++types_;
    ++hapaxes_;
    seen_base_mass_ += base_.Probability(word.index);
  } else if (entry->count == 1) {
    --hapaxes_;
  }
  ++entry->count;
}

double GoodTuringMemorizer::Escape() const {
  if (types_ == 0) return 1.0;
  if (types_ == base_.support()) return 0.0;  // nothing left unseen
  return (double(hapaxes_) + 1.0) / (double(tokens_) + 2.0);
}

double GoodTuringMemorizer::Discount() const {
  return double(hapaxes_) / (double(types_) + 1.0);
}

double GoodTuringMemorizer::LogProbability(const SantaFeWord& word) const {
  const double e = Escape();
  if (const Entry* entry = Find(word.index)) {
    if (entry->fact != word.fact) return -std::numeric_limits<double>::infinity();
    const double d = Discount();
    return std::log1p(-e) + std::log((double(entry->count) - d) / (double(tokens_) - d * types_));
  }
  const double unseen_base_mass = double(1.0L - seen_base_mass_);
  return std::log(e) + base_.LogProbability(word.index) - std::log(unseen_base_mass) -
         std::log(2.0);
}

GoodTuringMemorizer::Excess GoodTuringMemorizer::ExpectedExcess(
    const SantaFeProcess& process) const {
  const ZipfLaw& p = process.law();
  assert(p.support() == base_.support());
  const double e = Escape(), d = Discount();
  const double log_seen_scale = std::log1p(-e) - std::log(double(tokens_) - d * types_);
  // Sums over the seen indices, in long double: their complements (the unseen mass, 1e-5 at
  // n = 1e6 for z = 3) are differences of numbers near 1.
  long double seen_p = 0.0L, seen_kl = 0.0L, seen_p_log_pw = 0.0L;
  bool consistent = true;
  ForEachSeen([&](std::int64_t k, const Entry& entry) {
    if (entry.fact != process.Fact(k)) consistent = false;
    const double log_p = p.LogProbability(k);
    const double prob = std::exp(log_p);
    const double log_q = log_seen_scale + std::log(double(entry.count) - d);
    seen_p += prob;
    seen_kl += prob * (log_p - log_q);
    seen_p_log_pw += prob * (log_p - base_.LogProbability(k));
  });
  Excess excess;
  if (!consistent) {
    excess.word_law = excess.facts = std::numeric_limits<double>::infinity();
    return excess;
  }
  // Once every index is seen (a tiny K) nothing is missing, whatever the rounding of seen_p.
  const double missing = types_ == base_.support() ? 0.0 : std::max(0.0, double(1.0L - seen_p));
  excess.missing_mass = missing;
  excess.facts = std::log(2.0) * missing;
  double unseen_kl = 0.0;
  if (missing > 0.0) {
    // sum over the unseen k of p_k ln(p_k / q_k), q_k = e w_k / W_unseen:
    //   sum_unseen p ln(p / w) + M ln(W_unseen / e), where
    //   sum_all p ln(p / w) = -H(p) + s E_p[ln k] + ln H_K(s).
    const double all_p_log_pw =
        -p.Entropy() + base_.exponent() * p.MeanLogIndex() + std::log(base_.normalisation());
    const double unseen_base_mass = double(1.0L - seen_base_mass_);
    unseen_kl = (all_p_log_pw - double(seen_p_log_pw)) + missing * std::log(unseen_base_mass / e);
  }
  excess.word_law = double(seen_kl) + unseen_kl;
  return excess;
}

}  // namespace scalebench
