#include "harness/learners/kneser_ney.h"

#include <algorithm>
#include <boost/sort/pdqsort/pdqsort.hpp>
#include <cmath>
#include <limits>

namespace scalebench {
namespace {

constexpr double kMinDiscount = 0.01;
constexpr std::uint64_t kLow = 0xffffffffULL;
// Evaluation blocks: positions are summed per block (in parallel) and the block sums in order,
// so the result does not depend on the thread count.
constexpr std::size_t kBlocks = 64;

// Run-length encodes the sorted keys (context << 32 | word) into offsets/words/counts.
void RunLength(const std::vector<std::uint64_t>& keys,
               std::size_t num_contexts,
               std::vector<std::uint32_t>* offsets,
               std::vector<std::uint32_t>* words,
               std::vector<std::uint32_t>* counts) {
  offsets->assign(num_contexts + 1, 0);
  words->clear();
  counts->clear();
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    (*offsets)[(keys[i] >> 32) + 1]++;
    words->push_back(static_cast<std::uint32_t>(keys[i] & kLow));
    counts->push_back(static_cast<std::uint32_t>(j - i));
    i = j;
  }
  for (std::size_t c = 0; c < num_contexts; ++c) (*offsets)[c + 1] += (*offsets)[c];
}

// Binary search of `value` in sorted[first, last); -1 when absent.
std::int64_t Find(const std::vector<std::uint32_t>& sorted,
                  std::uint32_t first,
                  std::uint32_t last,
                  std::uint32_t value) {
  const auto begin = sorted.begin() + first, end = sorted.begin() + last;
  const auto it = std::lower_bound(begin, end, value);
  return (it != end && *it == value) ? std::int64_t(it - sorted.begin()) : -1;
}

}  // namespace

std::array<double, 3> ModifiedKneserNeyDiscounts(double n1, double n2, double n3, double n4) {
  const double y = (n1 + 2 * n2) > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  std::array<double, 3> d{y, y, y};
  if (n1 > 0 && n2 > 0 && n3 > 0 && n4 > 0) {
    d = {1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3};
  }
  for (int j = 0; j < 3; ++j) d[j] = std::clamp(d[j], kMinDiscount, double(j + 1));
  return d;
}

bool KneserNeyModel::Train(const std::vector<int>& tokens,
                           int vocab_size,
                           int max_context,
                           KneserNeyModel* model,
                           std::string* error) {
  auto fail = [&](const std::string& message) {
    if (error != nullptr) *error = "KneserNeyModel::Train: " + message;
    return false;
  };
  if (vocab_size < 2) return fail("vocab_size = " + std::to_string(vocab_size) + " must be >= 2");
  if (max_context < 0 || max_context > 64) {
    return fail("max_context = " + std::to_string(max_context) + " must be in [0, 64]");
  }
  if (tokens.empty()) return fail("no training tokens");
  if (tokens.size() >= kLow) return fail("more than 2^32 - 1 training tokens");
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= vocab_size) {
      return fail("token " + std::to_string(tokens[i]) + " at position " + std::to_string(i) +
                  " is outside [0, vocab_size = " + std::to_string(vocab_size) + ")");
    }
  }
  KneserNeyModel& m = *model;
  m = KneserNeyModel();
  m.vocab_size_ = vocab_size;
  m.train_tokens_ = tokens.size();
  m.levels_.assign(max_context + 1, Level{});
  const std::size_t n = tokens.size();
  std::vector<std::uint32_t> ctx(n, 0);  // context id of position i, this level
  std::vector<std::vector<std::uint32_t>> parents(max_context + 1);
  std::vector<std::size_t> num_contexts(max_context + 1, 0);
  num_contexts[0] = 1;
  struct Item {
    std::uint64_t key;
    std::uint32_t pos;
  };
  std::vector<Item> items;
  std::vector<std::uint64_t> keys;
  for (int k = 0; k <= max_context; ++k) {
    Level& level = m.levels_[k];
    const std::size_t first = std::min<std::size_t>(k, n);
    if (k > 0) {  // number the contexts x[i-k..i-1] by (parent id, oldest token)
      items.clear();
      for (std::size_t i = first; i < n; ++i) {
        items.push_back(
            {(std::uint64_t(ctx[i]) << 32) | std::uint32_t(tokens[i - k]), std::uint32_t(i)});
      }
      // The sorts are most of the training time: pdqsort (branchless) takes ~0.4x std::sort's.
      // Neither is stable, and neither needs to be: equal keys get the same id.
      boost::sort::pdqsort_branchless(
          items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
      level.child_offsets.assign(num_contexts[k - 1] + 1, 0);
      std::int64_t id = -1;
      for (std::size_t j = 0; j < items.size(); ++j) {
        if (j == 0 || items[j].key != items[j - 1].key) {
          ++id;
          parents[k].push_back(std::uint32_t(items[j].key >> 32));
          level.child_tokens.push_back(std::uint32_t(items[j].key & kLow));
          level.child_offsets[(items[j].key >> 32) + 1]++;
        }
        ctx[items[j].pos] = std::uint32_t(id);
      }
      for (std::size_t p = 0; p < num_contexts[k - 1]; ++p) {
        level.child_offsets[p + 1] += level.child_offsets[p];
      }
      num_contexts[k] = std::size_t(id + 1);
    }
    keys.clear();
    for (std::size_t i = first; i < n; ++i) {
      keys.push_back((std::uint64_t(ctx[i]) << 32) | std::uint32_t(tokens[i]));
    }
    boost::sort::pdqsort_branchless(keys.begin(), keys.end());
    RunLength(keys, num_contexts[k], &level.word_offsets, &level.words, &level.raw);
    level.cont.assign(level.words.size(), 0);
  }
  items = {};
  ctx = {};
  // Continuation counts of level k: distinct level-(k+1) n-grams per (parent context, word).
  for (int k = 0; k < max_context; ++k) {
    const Level& upper = m.levels_[k + 1];
    Level& level = m.levels_[k];
    keys.clear();
    for (std::size_t c = 0; c < num_contexts[k + 1]; ++c) {
      for (std::uint32_t j = upper.word_offsets[c]; j < upper.word_offsets[c + 1]; ++j) {
        keys.push_back((std::uint64_t(parents[k + 1][c]) << 32) | upper.words[j]);
      }
    }
    boost::sort::pdqsort_branchless(keys.begin(), keys.end());
    std::size_t j = 0;  // two-pointer merge: both sides sorted by (context, word)
    for (std::size_t c = 0; c < num_contexts[k]; ++c) {
      for (std::uint32_t i = level.word_offsets[c]; i < level.word_offsets[c + 1]; ++i) {
        const std::uint64_t key = (std::uint64_t(c) << 32) | level.words[i];
        while (j < keys.size() && keys[j] < key) ++j;
        std::uint32_t count = 0;
        while (j < keys.size() && keys[j] == key) ++count, ++j;
        level.cont[i] = count;
      }
    }
  }
  for (int k = 0; k <= max_context; ++k) {
    Level& level = m.levels_[k];
    for (int kind = 0; kind < 2; ++kind) {
      const std::vector<std::uint32_t>& counts = kind == 0 ? level.raw : level.cont;
      Stats& stats = kind == 0 ? level.raw_stats : level.cont_stats;
      const std::size_t contexts = num_contexts[k];
      stats.total.assign(contexts, 0);
      stats.n1.assign(contexts, 0);
      stats.n2.assign(contexts, 0);
      stats.n3.assign(contexts, 0);
      double of[5] = {0, 0, 0, 0, 0};  // count-of-counts n1..n4
      for (std::size_t c = 0; c < contexts; ++c) {
        for (std::uint32_t i = level.word_offsets[c]; i < level.word_offsets[c + 1]; ++i) {
          const std::uint32_t count = counts[i];
          stats.total[c] += count;
          if (count == 1) ++stats.n1[c];
          if (count == 2) ++stats.n2[c];
          if (count >= 3) ++stats.n3[c];
          if (count >= 1 && count <= 4) of[count] += 1;
        }
      }
      (kind == 0 ? level.raw_discount : level.cont_discount) =
          ModifiedKneserNeyDiscounts(of[1], of[2], of[3], of[4]);
    }
  }
  return true;
}

std::array<double, 3> KneserNeyModel::Discounts(int context_length, bool raw) const {
  const Level& level = levels_.at(context_length);
  return raw ? level.raw_discount : level.cont_discount;
}

void KneserNeyModel::ContextIds(const int* begin,
                                const int* end,
                                int max_level,
                                std::int64_t* ids) const {
  ids[0] = 0;
  for (int k = 1; k <= max_level; ++k) {
    const std::int64_t parent = ids[k - 1];
    if (parent < 0 || end - begin < k || end[-k] < 0) {
      ids[k] = -1;
      continue;
    }
    const Level& level = levels_[k];
    ids[k] = Find(level.child_tokens,
                  level.child_offsets[parent],
                  level.child_offsets[parent + 1],
                  std::uint32_t(end[-k]));
  }
}

double KneserNeyModel::Step(
    const Level& level, bool raw, std::int64_t ctx, int w, double lower) const {
  if (ctx < 0) return lower;
  const Stats& stats = raw ? level.raw_stats : level.cont_stats;
  const double total = stats.total[ctx];
  if (total == 0) return lower;
  const std::int64_t at =
      Find(level.words, level.word_offsets[ctx], level.word_offsets[ctx + 1], std::uint32_t(w));
  const double count = at < 0 ? 0.0 : double(raw ? level.raw[at] : level.cont[at]);
  const std::array<double, 3>& d = raw ? level.raw_discount : level.cont_discount;
  const double discount = count == 0 ? 0.0 : count == 1 ? d[0] : count == 2 ? d[1] : d[2];
  const double gamma = (d[0] * stats.n1[ctx] + d[1] * stats.n2[ctx] + d[2] * stats.n3[ctx]) / total;
  return (count - discount) / total + gamma * lower;
}

double KneserNeyModel::ProbabilityFromIds(const std::int64_t* ids,
                                          int w,
                                          int context_length) const {
  double p = 1.0 / vocab_size_;
  for (int k = 0; k < context_length; ++k) p = Step(levels_[k], false, ids[k], w, p);
  return Step(levels_[context_length], true, ids[context_length], w, p);
}

double KneserNeyModel::Probability(const std::vector<int>& context,
                                   int w,
                                   int context_length) const {
  const int k =
      std::clamp<int>(std::min<std::size_t>(context_length, context.size()), 0, max_context());
  std::vector<std::int64_t> ids(max_context() + 1);
  ContextIds(context.data(), context.data() + context.size(), k, ids.data());
  return ProbabilityFromIds(ids.data(), w, k);
}

std::vector<double> KneserNeyModel::Distribution(const std::vector<int>& context,
                                                 int context_length) const {
  const int k =
      std::clamp<int>(std::min<std::size_t>(context_length, context.size()), 0, max_context());
  std::vector<std::int64_t> ids(max_context() + 1);
  ContextIds(context.data(), context.data() + context.size(), k, ids.data());
  std::vector<double> out(vocab_size_);
  for (int w = 0; w < vocab_size_; ++w) out[w] = ProbabilityFromIds(ids.data(), w, k);
  return out;
}

std::vector<double> KneserNeyModel::CrossEntropyByOrder(const std::vector<int>& tokens,
                                                        std::size_t skip) const {
  const int orders = max_context() + 1;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (skip >= tokens.size()) return std::vector<double>(orders, nan);
  for (int t : tokens) {
    if (t < 0 || t >= vocab_size_) return std::vector<double>(orders, nan);
  }
  const std::size_t count = tokens.size() - skip;
  std::vector<std::vector<double>> block_sums(kBlocks, std::vector<double>(orders, 0.0));
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t b = 0; b < kBlocks; ++b) {
    std::vector<std::int64_t> ids(orders);
    std::vector<double>& sums = block_sums[b];
    const std::size_t from = skip + count * b / kBlocks, to = skip + count * (b + 1) / kBlocks;
    for (std::size_t i = from; i < to; ++i) {
      const int w = tokens[i];
      ContextIds(tokens.data(), tokens.data() + i, max_context(), ids.data());
      double lower = 1.0 / vocab_size_;  // the continuation chain P_{k-1}
      for (int k = 0; k < orders; ++k) {
        sums[k] -= std::log(Step(levels_[k], true, ids[k], w, lower));
        lower = Step(levels_[k], false, ids[k], w, lower);
      }
    }
  }
  std::vector<double> out(orders, 0.0);
  for (const auto& sums : block_sums) {
    for (int k = 0; k < orders; ++k) out[k] += sums[k];
  }
  for (double& value : out) value /= double(count);
  return out;
}

bool FitKneserNey(const std::vector<int>& train,
                  const std::vector<int>& validation,
                  const std::vector<int>& test,
                  int vocab_size,
                  int max_context,
                  KneserNeyFit* fit,
                  std::string* error) {
  KneserNeyModel model;
  if (!KneserNeyModel::Train(train, vocab_size, max_context, &model, error)) return false;
  const std::size_t skip = std::size_t(max_context);
  if (validation.size() <= skip || test.size() <= skip) {
    if (error != nullptr) {
      *error = "FitKneserNey: the validation (" + std::to_string(validation.size()) +
               ") and test (" + std::to_string(test.size()) +
               ") tokens must exceed max_context = " + std::to_string(max_context);
    }
    return false;
  }
  fit->validation_by_order = model.CrossEntropyByOrder(validation, skip);
  const auto best =
      std::min_element(fit->validation_by_order.begin(), fit->validation_by_order.end());
  if (!std::isfinite(*best)) {
    if (error != nullptr) *error = "FitKneserNey: validation tokens outside the vocabulary";
    return false;
  }
  fit->context_length = int(best - fit->validation_by_order.begin());
  fit->validation_loss = *best;
  const std::vector<double> test_loss = model.CrossEntropyByOrder(test, skip);
  fit->test_loss = test_loss[fit->context_length];
  if (!std::isfinite(fit->test_loss)) {
    if (error != nullptr) *error = "FitKneserNey: test tokens outside the vocabulary";
    return false;
  }
  return true;
}

}  // namespace scalebench
