// The transformer targets "transformer/<variant>": a causal transformer LM
// (harness/learners/transformer/transformer_lm.h) trained for one epoch over fresh natural text,
// the realistic setting of Kaplan et al. (2020), Hoffmann et al. (2022) and Cagnetta et al.
// (2026). The text comes through the language targets' TextSource (harness/targets/
// text_source.h): the King James Bible or a UTF-8 file, cut into fixed interleaved splits,
// tokenised into characters or SentencePiece BPE trained on the training split.
//
// Axes (loss: test cross-entropy in nats/token, the mean over every position of the test split's
// windows of `context` tokens, capped at max_eval_tokens):
//   - data: one run per seed (RunUnit::kSeed) on its own window of data_sizes.back() training
//     tokens (WindowStart), visited once in a seeded order; the checkpoints at data_sizes are the
//     online curve L(D) of one model (`model`, fixed N).
//   - params (params_axis): one run per (N, seed), N = Kaplan's non-embedding parameter count of
//     width w in param_widths (depth and optimizer of `model`, heads = w / head_width), each
//     trained on param_tokens tokens at the peak rate of param_lr_base_width's 1/width rule
//     (declared as the design's LearnerSpec::learning_rate_base_width); its test loss at each D
//     of joint_tokens is recorded as the diagnostic test_loss_d_<D>: the (N, D) grid of the
//     Chinchilla joint fit (AxisDesign::joint_data; harness/runner/joint_cell.h fits it).
// The learning rate is held at its peak after warm-up (WSD with no decay) in the registered
// variants, so that a checkpoint at D is the same process as a run that stops at D.
//
// Profile (transformer_lm_profile.cc; training split only): beta (lag correlations of the tokens),
// Heaps and Zipf (words), and gamma from the transformer itself, the estimator of Cagnetta et al.:
// a model like `model` (seed stream 0, never a run's) trained on the first entropy_tokens training
// tokens; its validation loss at window position n is H_n (n = 0..entropy.max_context); the same
// run's checkpoint at half the tokens gives the half-data curve, and the fit window keeps the n
// whose H_n has converged in the data (FitConditionalEntropyCurve, half-data rule). The Kneser-Ney
// and variable-context MLP estimates run as cross-checks, reported in the profile's source text
// only. docs/language.md ("Transformer targets") gives the settings and measurements.
//
// Variants (transformer_lm.cc): kjv_char_small (default, full: one small data-axis cell),
// kjv_char, kjv_bpe1024, fortunes_de_char (full: data and params axes).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "harness/learners/neural_lm.h"
#include "harness/learners/transformer/transformer_lm.h"
#include "harness/targets/language.h"
#include "harness/targets/target.h"

namespace scalebench {

struct TransformerTargetOptions {
  // The corpus (every run and the profile).
  TokenSourceKind source = TokenSourceKind::kKingJamesBible;  // kjv or text_path
  std::string path;                                           // text_path: a UTF-8 file
  std::string corpus;  // dataset family and name in the summary ("kjv", "fortunes_de")
  Tokenization tokenization = Tokenization::kCharacter;
  int bpe_vocab_size = 1024;
  CorpusSplitOptions split;
  std::size_t max_eval_tokens = 65536;  // validation and test tokens scored (the first ones)
  // The learner: `model` is the data axis's model (vocab_size from the corpus, tokens =
  // data_sizes.back(), seed mixed with the run's seed) and the template of the params axis.
  TransformerLmOptions model;
  int head_width = 16;          // params axis: heads = width / head_width
  long param_tokens = 1 << 20;  // params axis: training tokens of every run
  // params axis: the peak rate of width w is model.learning_rate x min(1, base / w) (0: every width
  // at model.learning_rate; LearnerSpec::learning_rate_base_width).
  int param_lr_base_width = 0;
  SizeGrid joint_tokens = {1 << 18, 1 << 19, 1 << 20};  // params axis: recorded checkpoints
  // The runs.
  SizeGrid data_sizes = SizeGrid::Log(1 << 14, 1 << 20, 7);
  int seeds = 3;
  bool params_axis = false;
  SizeGrid param_widths = {32, 48, 64, 96, 128};
  int param_seeds = 1;
  // The profile.
  CorrelationDecayOptions correlation;
  WordStatisticsOptions words;
  ConditionalEntropyOptions entropy;  // the transformer's H_n fit (max_context: largest n)
  long entropy_tokens = 1 << 20;      // the profile model's training tokens
  bool kneser_ney_cross_check = true;
  ConditionalEntropyOptions cross_check_entropy;  // both cross-checks' fits (as the language
                                                  // targets' entropy options)
  bool neural_cross_check = false;
  NeuralLmOptions entropy_neural;  // the MLP cross-check (variable_context)

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("source", source)
        .Check(source != TokenSourceKind::kRandomHierarchy, "kjv or text_path (a text)");
    f.Both("path", path)
        .Check(source != TokenSourceKind::kTextPath || !path.empty(),
               "a file for source text_path");
    f.Both("corpus", corpus).Check(!corpus.empty(), "a name");
    f.Both("tokenization", tokenization);
    f.Both("bpe_vocab_size", bpe_vocab_size).AtLeast(8).AtMost(65536);
    f.Both("split", split);
    f.Both("max_eval_tokens", max_eval_tokens).AtLeast(1000);
    const long step = long(model.batch) * model.context;
    f.Both("model", model);  // the profile trains one too
    f.Curve("head_width", head_width).AtLeast(1);
    f.Curve("param_tokens", param_tokens).AtLeast(step);
    f.Curve("param_lr_base_width", param_lr_base_width).AtLeast(0);
    f.Curve("joint_tokens", joint_tokens)
        .Check(joint_tokens.empty() ||
                   (joint_tokens.front() >= step && joint_tokens.back() <= param_tokens),
               "within [model.batch x model.context, param_tokens]");
    f.Design("data_sizes", data_sizes)
        .Check(data_sizes.empty() || data_sizes.front() >= step,
               "at least model.batch x model.context (one step)");
    f.Design("seeds", seeds).AtLeast(1);
    f.Design("params_axis", params_axis);
    // Without the params axis its design fields must keep their defaults (a setting that would
    // be ignored is refused).
    f.Design("param_widths", param_widths)
        .Check(WidthsFit(), "widths that are multiples of head_width")
        .Check(params_axis || param_widths == TransformerTargetOptions{}.param_widths,
               "the default while params_axis is false");
    f.Design("param_seeds", param_seeds)
        .AtLeast(1)
        .Check(params_axis || param_seeds == 1, "1 while params_axis is false");
    f.Profile("correlation", correlation);
    f.Profile("words", words);
    f.Profile("entropy", entropy);
    f.Profile("entropy_tokens", entropy_tokens).AtLeast(2 * step);
    f.Profile("kneser_ney_cross_check", kneser_ney_cross_check);
    f.Profile("cross_check_entropy", cross_check_entropy);
    f.Profile("neural_cross_check", neural_cross_check)
        .Check(!neural_cross_check || entropy_neural.variable_context,
               "false unless entropy_neural.variable_context is set");
    f.Profile("entropy_neural", entropy_neural);
  }
  bool WidthsFit() const {
    for (std::int64_t w : param_widths) {
      if (head_width < 1 || w % head_width != 0) return false;
    }
    return true;
  }

  // The registered variants' settings (transformer_lm.cc says why).
  static TransformerTargetOptions Kjv(Tokenization tokenization);
  static TransformerTargetOptions KjvSmall();
  static TransformerTargetOptions FortunesDe();
  // The language targets' options for the same corpus (TextSource reads those).
  LanguageTargetOptions Text() const;
};

// The model of width `width` on the params axis: `model` with that width, width / head_width
// heads and the peak rate of param_lr_base_width's rule.
TransformerLmOptions ParamsAxisModel(const TransformerTargetOptions& options, int width);

class TransformerTarget final : public TargetWith<TransformerTargetOptions> {
 public:
  explicit TransformerTarget(const TransformerTargetOptions& options);
  ~TransformerTarget() override;

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  bool Prepare(const AxisDesign& design,
               const RunContext& context,
               std::unique_ptr<const DesignData>* data,
               std::string* error) const override;
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;

  // The corpus, loaded on first use and kept (a failure is not kept).
  bool Corpus(std::shared_ptr<const TokenCorpus>* corpus, std::string* error) const;

 private:
  std::unique_ptr<const TokenSource> source_;
  LoadedCorpus corpus_;  // after source_, which it reads
};

}  // namespace scalebench
