// The transformer targets' profile (harness/targets/transformer_lm.h, "Profile"): the probes on
// the training split, gamma from the transformer's own H_n, and the cross-checks.
#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <span>
#include <stdexcept>

#include "datasets/generators/random.h"
#include "harness/targets/language_entropy.h"
#include "harness/targets/text_source.h"
#include "harness/targets/transformer_lm.h"

namespace scalebench {
namespace {

// H_n of the profile's transformer (see the header) into `input`.
bool TransformerEntropyCurve(const TokenCorpus& corpus,
                             const TransformerTargetOptions& options,
                             EntropyCurveInput* input,
                             std::string* error) {
  TransformerLmOptions m = options.model;
  m.vocab_size = corpus.vocab_size;
  m.seed = MixSeed(options.model.seed, 0);
  const long step = long(m.batch) * m.context;
  m.tokens = std::min<long>(options.entropy_tokens, long(corpus.train.size())) / step * step;
  const long half = m.tokens / 2 / step * step;
  const std::size_t T = std::size_t(m.context);
  const int orders = std::min(m.context, options.entropy.max_context + 1);
  const std::size_t blocks = std::size_t(options.entropy.jackknife_blocks);
  const std::size_t per_block = corpus.validation.size() / T / blocks;  // windows per block
  if (half < step || per_block == 0) {
    *error = fmt::format(
        "{} training and {} validation tokens: too few for two checkpoints of {} tokens and {} "
        "blocks of {}-token windows",
        corpus.train.size(),
        corpus.validation.size(),
        step,
        blocks,
        T);
    return false;
  }
  *input = EntropyCurveInput{};
  input->train_tokens = std::size_t(m.tokens);
  auto score = [&](const TransformerLm& model, std::vector<std::vector<double>>* block_loss) {
    block_loss->assign(blocks, {});
    for (std::size_t b = 0; b < blocks; ++b) {
      std::vector<double> sums;
      model.AddLossByPosition(
          std::span<const int>(corpus.validation).subspan(b * per_block * T, per_block * T), &sums);
      (*block_loss)[b].assign(sums.begin(), sums.begin() + orders);
    }
  };
  std::vector<std::vector<double>> half_blocks;
  const bool ok = TrainTransformerOnline(
      corpus.train,
      m,
      /*threads=*/1,
      {half, m.tokens},
      [&](const TransformerLm& model, long tokens) {
        score(model, tokens == m.tokens ? &input->block_loss : &half_blocks);
      },
      error);
  if (!ok) return false;
  input->block_positions.assign(blocks, per_block);
  input->half_data_entropy.assign(std::size_t(orders), 0.0);
  for (const std::vector<double>& block : half_blocks) {
    for (int n = 0; n < orders; ++n) {
      input->half_data_entropy[std::size_t(n)] +=
          block[std::size_t(n)] / double(per_block * blocks);
    }
  }
  input->model = fmt::format(
      "the transformer (width {}, depth {}, {} heads, context {}, N = {}; AdamW {} at {}) trained "
      "one epoch on the first {} training tokens, its loss at window position n scored on {} "
      "validation windows; the half-data curve is the same run's checkpoint at {} tokens",
      m.width,
      m.depth,
      m.heads,
      m.context,
      TransformerNonEmbeddingParams(m),
      ToString(m.schedule),
      m.learning_rate,
      m.tokens,
      per_block * blocks,
      half);
  return true;
}

}  // namespace

ProfileResult TransformerTarget::MeasureProfile(const RunContext& context) const {
  context.Progress("loading the corpus");
  std::shared_ptr<const TokenCorpus> corpus;
  std::string error;
  if (!Corpus(&corpus, &error)) return ProfileResult::Failed("cannot load the corpus: " + error);
  // The transformer trains on this thread (one thread: reproducible numbers) while the other
  // probes and the cross-checks run beside it.
  auto probes = std::async(std::launch::async, [&] {
    Profile profile;
    std::string notes, note, probe_error;
    CorrelationDecayResult correlation;
    if (source_->Correlation(*corpus, &correlation, &note, &probe_error)) {
      profile.Set(Property::kCorrelationDecay, correlation.correlation_decay);
    } else {
      notes += "; correlation probe failed: " + probe_error;
    }
    WordStatisticsResult statistics;
    if (MeasureWordStatistics(
            source_->Words(*corpus, &note), options_.words, &statistics, &probe_error)) {
      statistics.FillProfile(&profile);
      if (!statistics.heaps_left_out.empty())
        notes += "; heaps_exponent left out: " + statistics.heaps_left_out;
      if (!statistics.zipf_left_out.empty())
        notes += "; frequency_decay left out: " + statistics.zipf_left_out;
    } else {
      notes += "; word statistics failed: " + probe_error;
    }
    if (options_.kneser_ney_cross_check) {
      EntropyOutcome kn;
      kn.ok = KneserNeyEntropy(corpus->train,
                               corpus->validation,
                               corpus->vocab_size,
                               options_.cross_check_entropy,
                               &kn.result,
                               &kn.error);
      notes += "; Kneser-Ney gamma (cross-check, not used): " + kn.Summary();
    }
    if (options_.neural_cross_check) {
      NeuralLmOptions neural = options_.entropy_neural;
      neural.vocab_size = corpus->vocab_size;
      EntropyOutcome mlp;
      mlp.ok = NeuralLmEntropy(corpus->train,
                               corpus->validation,
                               corpus->vocab_size,
                               neural,
                               options_.cross_check_entropy,
                               &mlp.result,
                               &mlp.error);
      notes += "; variable-context MLP gamma (cross-check, not used): " + mlp.Summary();
    }
    return std::pair{std::move(profile), std::move(notes)};
  });
  context.Progress(fmt::format("transformer H_n (n <= {}, {} training tokens)",
                               options_.entropy.max_context,
                               options_.entropy_tokens));
  EntropyOutcome transformer;
  EntropyCurveInput input;
  try {
    transformer.ok = TransformerEntropyCurve(*corpus, options_, &input, &transformer.error) &&
                     FitConditionalEntropyCurve(
                         input, options_.entropy, &transformer.result, &transformer.error);
  } catch (const std::exception& e) {
    transformer.ok = false;
    transformer.error = std::string("the transformer threw: ") + e.what();
  }
  auto [profile, notes] = probes.get();
  const std::string unusable = transformer.Unusable();
  if (unusable.empty()) {
    transformer.result.FillProfile(&profile);
  } else {
    notes = "; conditional_entropy_decay left out: " + unusable + notes;
  }
  profile.source = name() + ": " + corpus->description +
                   "; probes on the training split only (H_n held out on the validation split); "
                   "gamma from the transformer (" +
                   transformer.Summary() + ")" + notes;
  return ProfileResult::Ok(std::move(profile));
}

}  // namespace scalebench
