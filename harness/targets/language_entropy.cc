#include "harness/targets/language_entropy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <sstream>
#include <string>

#include "datasets/generators/random.h"
#include "harness/learners/kneser_ney.h"

namespace scalebench {
namespace {

// Stretches of 4096 tokens (a few chapters of the KJV), shorter for small corpora so that each
// part of a partition into 2^levels still takes at least 16 stretches.
std::size_t StretchLength(std::size_t tokens, int levels) {
  std::size_t stretch = 4096;
  while (stretch > 16 && tokens < (stretch << levels) * 16) stretch /= 2;
  return stretch;
}

// Part `phase` of the partition of `train` into 2^level interleaved subsets:
// the stretches of `stretch` tokens whose index is phase modulo 2^level. Every part samples the
// whole corpus evenly (a prefix of the KJV is the Old Testament only), and the partitions are
// nested (each part of level l lies in one part of level l - 1).
std::vector<int> InterleavedSubset(const std::vector<int>& train,
                                   std::size_t stretch,
                                   int level,
                                   std::size_t phase) {
  const std::size_t step = stretch << level;
  std::vector<int> subset;
  subset.reserve(train.size() / (std::size_t(1) << level) + stretch);
  for (std::size_t begin = phase * stretch; begin < train.size(); begin += step) {
    subset.insert(subset.end(),
                  train.begin() + std::ptrdiff_t(begin),
                  train.begin() + std::ptrdiff_t(std::min(train.size(), begin + stretch)));
  }
  return subset;
}

// Per-block sums of -log P_n, n = 0..K, of a Kneser-Ney model trained on `train`, over
// `blocks` contiguous blocks of the held-out positions K.. (each block's first positions read
// their context from the block before, so every held-out position from K on counts once).
bool KneserNeyBlockLosses(const std::vector<int>& train,
                          const std::vector<int>& heldout,
                          int vocab,
                          std::size_t k,
                          std::size_t blocks,
                          std::vector<std::vector<double>>* block_loss,
                          std::vector<std::size_t>* block_positions,
                          std::string* error) {
  KneserNeyModel model;
  if (!KneserNeyModel::Train(train, vocab, int(k), &model, error)) return false;
  const std::size_t positions = heldout.size() - k;
  block_loss->clear();
  block_positions->clear();
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t from = k + positions * b / blocks, to = k + positions * (b + 1) / blocks;
    const std::vector<int> slice(heldout.begin() + std::ptrdiff_t(from - k),
                                 heldout.begin() + std::ptrdiff_t(to));
    std::vector<double> loss = model.CrossEntropyByOrder(slice, k);
    for (double& value : loss) value *= double(to - from);  // mean -> sum
    block_loss->push_back(std::move(loss));
    block_positions->push_back(to - from);
  }
  return true;
}

// H_n as the held-out cross-entropy of the Kneser-Ney learner by context length n = 0..K
// (K = options.max_context) in per-block sums over contiguous blocks of `heldout`, from a model
// trained on all of `train` and, for FitConditionalEntropyCurve's extrapolation to infinite
// data, at the fractions 1/2, 1/4 and 1/8: H_n averaged over the 2, 4 or 8 parts of a partition
// of `train` into interleaved subsets (InterleavedSubset), each part trained and scored on the
// same blocks. Averaging over a partition makes every size see the whole corpus, so that the
// differences between sizes are the effect of the amount of data: with one interleaved subset
// per size, the parts' composition moved the extrapolated H_2 of the KJV in 2048 BPE tokens by
// several nats between stretch lengths; averaged, stretch lengths from 1024 to 16384 moved the
// KJV character gamma only within 0.509-0.516. Stretches of 4096 tokens (a few chapters of the
// KJV) make the joins touch under 0.3% of the training positions at K <= 10 while each 1/8
// part still takes ~30 stretches spread over the whole book; smaller corpora get shorter
// stretches (at least 16 per 1/8 part). The 15 models are trained one at a time, so the peak
// memory is that of the full one; the time is about 4 times that of the full one.
}  // namespace

bool KneserNeyEntropy(const std::vector<int>& train,
                      const std::vector<int>& heldout,
                      int vocab,
                      const ConditionalEntropyOptions& options,
                      ConditionalEntropyResult* result,
                      std::string* error) {
  const std::size_t k = std::size_t(options.max_context);
  const std::size_t blocks = std::size_t(options.jackknife_blocks);
  if (heldout.size() < k + 100 * blocks) {
    *error = std::to_string(heldout.size()) + " held-out tokens: need max_context + 100 x " +
             "jackknife_blocks = " + std::to_string(k + 100 * blocks);
    return false;
  }
  constexpr int kLevels = 3;  // fractions 1/8, 1/4, 1/2
  const std::size_t stretch = StretchLength(train.size(), kLevels);
  EntropyCurveInput input;
  input.train_tokens = train.size();
  input.model =
      "interpolated modified Kneser-Ney n-gram models (the target's learner; below "
      "the full size, H_n averaged over a partition of the training tokens into 2, 4 "
      "or 8 interleaved parts of " +
      std::to_string(stretch) + "-token stretches)";
  if (!KneserNeyBlockLosses(
          train, heldout, vocab, k, blocks, &input.block_loss, &input.block_positions, error)) {
    return false;
  }
  for (int level = kLevels; level >= 1; --level) {
    const std::size_t parts = std::size_t(1) << level;
    EntropyCurveInput::Subset mean;
    mean.block_loss.assign(blocks, std::vector<double>(k + 1, 0.0));
    for (std::size_t phase = 0; phase < parts; ++phase) {
      const std::vector<int> subset = InterleavedSubset(train, stretch, level, phase);
      std::vector<std::vector<double>> block_loss;
      std::vector<std::size_t> positions;
      if (!KneserNeyBlockLosses(
              subset, heldout, vocab, k, blocks, &block_loss, &positions, error)) {
        return false;
      }
      mean.train_tokens += subset.size();
      for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t n = 0; n <= k; ++n)
          mean.block_loss[b][n] += block_loss[b][n] / double(parts);
      }
    }
    mean.train_tokens /= parts;
    input.subsets.push_back(std::move(mean));
  }
  return FitConditionalEntropyCurve(input, options, result, error);
}

namespace {

bool Fail(const std::string& message, std::string* error) {
  *error = "neural H_n: " + message;
  return false;
}

// False, naming the stream, the position and the id, unless every id is in [0, vocab).
bool CheckIds(const std::vector<int>& tokens, const char* name, int vocab, std::string* error) {
  const auto bad =
      std::find_if(tokens.begin(), tokens.end(), [&](int t) { return t < 0 || t >= vocab; });
  if (bad == tokens.end()) return true;
  return Fail(std::string(name) + "[" + std::to_string(bad - tokens.begin()) +
                  "] = " + std::to_string(*bad) + " is outside [0, " + std::to_string(vocab) + ")",
              error);
}

// Per-block sums of -log P_n, n = 0..c, of a variable-context model over `blocks` contiguous
// blocks of the positions c.. of `scored`.
std::vector<std::vector<double>> NeuralBlockLosses(NeuralLm& model,
                                                   std::span<const int> scored,
                                                   std::size_t blocks,
                                                   std::vector<std::size_t>* block_positions) {
  const std::size_t c = std::size_t(model.options().context);
  const std::size_t positions = scored.size() - c;
  std::vector<std::vector<double>> block_loss(blocks);
  block_positions->assign(blocks, 0);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t from = c + positions * b / blocks, to = c + positions * (b + 1) / blocks;
    model.LossByContext(scored, from, to, &block_loss[b]);
    (*block_positions)[b] = to - from;
  }
  return block_loss;
}

}  // namespace

// Three models (all of `train`, and each half of an interleaved partition) are trained in an
// OpenMP loop, each single-threaded (Eigen runs one thread inside a parallel region), so the
// result does not depend on the thread count. Halves, not one nested half: both halves sample
// the whole corpus, and their mean H_n averages out which chapters each one holds.
bool NeuralLmEntropyCurve(const std::vector<int>& train,
                          const std::vector<int>& heldout,
                          int vocab,
                          const NeuralLmOptions& neural,
                          int jackknife_blocks,
                          EntropyCurveInput* input,
                          std::string* error) {
  if (!neural.IsValid(error)) return false;
  if (!neural.variable_context) return Fail("neural_lm.variable_context must be set", error);
  if (neural.vocab_size != vocab) {
    return Fail("neural_lm.vocab_size = " + std::to_string(neural.vocab_size) +
                    " differs from the corpus vocabulary " + std::to_string(vocab),
                error);
  }
  const std::size_t c = std::size_t(neural.context);
  if (jackknife_blocks < 2) return Fail("jackknife_blocks must be >= 2", error);
  const std::size_t blocks = std::size_t(jackknife_blocks);
  const std::size_t stopping_tokens = heldout.size() / 4;
  if (stopping_tokens <= c || heldout.size() - stopping_tokens < c + 100 * blocks) {
    return Fail(std::to_string(heldout.size()) + " held-out tokens: need a quarter above " +
                    "context = " + std::to_string(c) + " and three quarters above context + " +
                    "100 x jackknife_blocks = " + std::to_string(c + 100 * blocks),
                error);
  }
  const std::span<const int> stopping(heldout.data(), stopping_tokens);
  const std::span<const int> scored(heldout.data() + stopping_tokens,
                                    heldout.size() - stopping_tokens);
  const std::size_t stretch = StretchLength(train.size(), 1);
  const std::vector<std::vector<int>> parts = {
      train, InterleavedSubset(train, stretch, 1, 0), InterleavedSubset(train, stretch, 1, 1)};
  for (const std::vector<int>& part : parts) {
    if (part.size() <= c + 1) {
      return Fail(std::to_string(train.size()) + " training tokens: too few for context " +
                      std::to_string(c),
                  error);
    }
  }
  if (!CheckIds(train, "train", vocab, error) || !CheckIds(heldout, "heldout", vocab, error)) {
    return false;
  }
  std::vector<std::vector<std::vector<double>>> losses(parts.size());
  std::vector<std::size_t> block_positions;
  std::vector<NeuralLmFit> fits(parts.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (int p = 0; p < int(parts.size()); ++p) {
    NeuralLmOptions o = neural;
    o.seed = MixSeed(neural.seed, std::uint64_t(p));
    NeuralLm model = FitNeuralLm(parts[p], long(parts[p].size()), stopping, o, &fits[p]);
    std::vector<std::size_t> positions;
    losses[p] = NeuralBlockLosses(model, scored, blocks, &positions);
#pragma omp critical
    block_positions = positions;
  }
  *input = EntropyCurveInput{};
  input->train_tokens = train.size();
  input->block_loss = losses[0];
  input->block_positions = block_positions;
  std::size_t total = 0;
  for (std::size_t count : block_positions) total += count;
  input->half_data_entropy.assign(c + 1, 0.0);
  for (std::size_t p = 1; p < parts.size(); ++p) {
    for (std::size_t b = 0; b < blocks; ++b) {
      for (std::size_t n = 0; n <= c; ++n)
        input->half_data_entropy[n] += losses[p][b][n] / double(total) / double(parts.size() - 1);
    }
  }
  std::ostringstream model;
  model << "a variable-context neural LM (context " << c << ", embedding " << neural.embedding_dim
        << ", hidden " << neural.hidden << ", batch " << neural.batch << ", Adam peak rate "
        << neural.learning_rate << ", at most " << neural.max_steps << " steps; best validation "
        << "loss at step " << fits[0].best_step << " of " << fits[0].steps
        << " on the first quarter of the held-out tokens, H_n scored on the rest; the half-data "
        << "curve is the mean of two models on the halves of an interleaved partition into "
        << stretch << "-token stretches, best at steps " << fits[1].best_step << " and "
        << fits[2].best_step << ")";
  input->model = model.str();
  return true;
}

bool NeuralLmEntropy(const std::vector<int>& train,
                     const std::vector<int>& heldout,
                     int vocab,
                     const NeuralLmOptions& neural,
                     const ConditionalEntropyOptions& options,
                     ConditionalEntropyResult* result,
                     std::string* error) {
  EntropyCurveInput input;
  return NeuralLmEntropyCurve(
             train, heldout, vocab, neural, options.jackknife_blocks, &input, error) &&
         FitConditionalEntropyCurve(input, options, result, error);
}

std::string EntropyOutcome::Unusable() const {
  if (!ok) return error;
  if (!result.gamma_at_grid_edge) return std::string();
  return fmt::format(
      "gamma = {:.3g} at the edge of its fit grid (H_n is not a power law over "
      "n = 1..{})",
      result.conditional_entropy_decay.value,
      result.fit_last_n);
}

std::string EntropyOutcome::Summary() const {
  const std::string unusable = Unusable();
  if (!unusable.empty()) return unusable;
  const Measurement& gamma = result.conditional_entropy_decay;
  return fmt::format(
      "gamma = {:.3g} +- {:.3g} over n = 1..{}", gamma.value, gamma.std_error, result.fit_last_n);
}

}  // namespace scalebench
