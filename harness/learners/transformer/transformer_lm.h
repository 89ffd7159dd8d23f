// The "transformer_lm" learner: a causal (decoder-only) transformer language model on libtorch's
// C++ frontend (Debian libtorch-dev), for the transformer targets (harness/targets/
// transformer_lm.h). This header is plain C++: only torch_model.cc includes torch, built as a
// module that the model loads on first use (internal_torch_model.h says why), so the rest of the
// build neither includes torch's headers nor links torch.
//
// Model (GPT-2 style, pre-LayerNorm, no dropout). A window of T = context tokens x_0..x_{T-1}
// is read as the input [BOS, x_0, ..., x_{T-2}] (BOS = id V, one more embedding row), so that
// position n predicts x_n from its n predecessors, n = 0..T-1:
//   h = E[input] + P                                     (E: (V+1) x d, P: T x d learned)
//   per layer: h += Wo attn(LN1(h)) ; h += W2 gelu(W1 LN2(h))   (causal softmax attention,
//              `heads` heads of d/heads; W1: 4d x d; every linear map has a bias)
//   logits = LN_f(h) E[0..V)^T                           (output tied to the token embedding)
// Kaplan's N (non-embedding parameters): per layer 12 d^2 + 13 d (two LayerNorms, qkv, output,
// MLP, their biases), plus 2 d for LN_f; E and P are left out.
// Initialisation: every weight matrix and embedding N(0, 0.02); the two residual output maps
// N(0, 0.02 / sqrt(2 depth)) (GPT-2); biases 0, LayerNorm gains 1.
//
// Training (TrainTransformerOnline): one epoch over fresh text. The first `tokens` tokens of the
// stream are cut into windows of T tokens (stride T) and visited once each in a seeded random
// order, `batch` windows per AdamW step, so after k steps the model has seen k batch T tokens.
// AdamW (decoupled decay on the weight matrices only; embeddings, biases and gains undecayed),
// gradient clipping by global norm, and the learning rate of LearningRateAt: linear warm-up over
// warmup_steps, then cosine decay to final_lr_fraction x peak at the last step, or WSD (warm-up,
// stable at the peak, linear decay to final_lr_fraction x peak over the last decay_fraction of
// the steps; decay_fraction = 0 keeps the peak to the end).
//
// Determinism (CPU): the weights come from a torch generator of the model's own (seeded by
// options.seed; no global generator, so runs in parallel threads do not interfere), the window
// order from Xoshiro256pp(MixSeed(seed, 1)), deterministic algorithms are requested and the
// thread count is fixed by the caller. Equal options, data and thread count give bit-identical
// losses in the same build; a different thread count may change the last bits (BLAS blocking).
//
// Usage:
//   TransformerLmOptions options;
//   options.vocab_size = tokenizer.vocab_size();
//   options.tokens = 1000000;
//   std::string error;
//   if (!options.IsValid(&error)) ...;
//   TrainTransformerOnline(train, options, /*threads=*/1, {1e4, 1e5, 1e6},
//       [&](const TransformerLm& model, long tokens) { loss = model.MeanLoss(test); }, &error);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/fields.h"

namespace scalebench {
namespace transformer_internal {
class TorchModel;
}

enum class LrSchedule { kCosine, kWsd };
const char* ToString(LrSchedule schedule);  // "cosine", "wsd"

struct TransformerLmOptions {
  int vocab_size = 0;           // V >= 2, ids in [0, V); 0 in target options: from the data
  int width = 64;               // d
  int depth = 2;                // layers
  int heads = 4;                // divides width
  int context = 64;             // T tokens per window
  int batch = 16;               // windows per step
  double learning_rate = 3e-3;  // peak AdamW rate
  double weight_decay = 0.1;    // decoupled, weight matrices only
  double beta1 = 0.9;
  double beta2 = 0.95;
  double epsilon = 1e-8;
  double grad_clip = 1.0;  // global gradient norm; 0: none
  LrSchedule schedule = LrSchedule::kCosine;
  long warmup_steps = 100;
  double final_lr_fraction = 0.1;  // the rate at the last step, as a share of the peak
  double decay_fraction = 0.2;     // WSD: share of the steps in the final decay
  long tokens = 1000000;           // training tokens D of the run (sets the step count)
  std::uint64_t seed = 1;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("vocab_size", vocab_size)
        .Check(vocab_size == 0 || vocab_size >= 2, "0 (set from the data) or >= 2");
    f.Field("width", width).AtLeast(2);
    f.Field("depth", depth).AtLeast(1);
    f.Field("heads", heads).AtLeast(1).Check(width % heads == 0, "a divisor of width");
    f.Field("context", context).AtLeast(2);
    f.Field("batch", batch).AtLeast(1);
    f.Field("learning_rate", learning_rate).Above(0.0).Finite();
    f.Field("weight_decay", weight_decay).AtLeast(0.0).Finite();
    f.Field("beta1", beta1).AtLeast(0.0).Below(1.0);
    f.Field("beta2", beta2).AtLeast(0.0).Below(1.0);
    f.Field("epsilon", epsilon).Above(0.0);
    f.Field("grad_clip", grad_clip).AtLeast(0.0).Finite();
    f.Field("schedule", schedule);
    f.Field("warmup_steps", warmup_steps).AtLeast(0);
    f.Field("final_lr_fraction", final_lr_fraction).AtLeast(0.0).AtMost(1.0);
    f.Field("decay_fraction", decay_fraction).AtLeast(0.0).AtMost(1.0);
    f.Field("tokens", tokens)
        .AtLeast(1)
        .Check(tokens >= long(batch) * context, "at least one step of batch x context tokens");
    f.Field("seed", seed);
  }
  // The fields' constraints and a vocabulary of at least 2 ids; false with the field, its value
  // and what was expected in *error.
  bool IsValid(std::string* error) const;

  // Optimizer steps of the run: tokens / (batch context), rounded down.
  long Steps() const { return tokens / (long(batch) * long(context)); }
};

// Kaplan's N: depth (12 d^2 + 13 d) + 2 d (see the file comment).
long TransformerNonEmbeddingParams(const TransformerLmOptions& options);
// Every parameter: N plus the (V + 1) x d token and T x d position embeddings.
long TransformerParams(const TransformerLmOptions& options);
// Training FLOPs per token (forward and backward, 3x the forward's): 6 (N + V d) for the
// matrix products, the tied output map included, plus 12 depth T d for the attention scores
// Q K^T and their use A V, computed in full under the causal mask (Kaplan et al. 2020, Table 1,
// count the scores only).
double TransformerTrainingFlopsPerToken(const TransformerLmOptions& options);
// The learning rate at optimizer step `step` (1-based) of options.Steps() (see the file comment).
double LearningRateAt(const TransformerLmOptions& options, long step);

class TransformerLm {
 public:
  // Precondition: options.IsValid(), threads >= 1. Weights drawn from options.seed. Throws
  // std::runtime_error when the torch module cannot be loaded (its path and the cause).
  TransformerLm(const TransformerLmOptions& options, int threads);
  ~TransformerLm();
  TransformerLm(const TransformerLm&) = delete;
  TransformerLm& operator=(const TransformerLm&) = delete;

  // One AdamW step on B windows (windows: B x context ids, window-major, B >= 1) at
  // `learning_rate`; returns the mean loss (nats) of the batch before the step.
  double Step(std::span<const int> windows, double learning_rate);
  // Per-position summed losses over the non-overlapping windows of `tokens` (window w: tokens
  // [w T, (w + 1) T); a shorter tail is left out): (*sums)[n] += -log p(x_n | x_<n) for n =
  // 0..T-1, resized to T if needed; returns the number of windows scored.
  std::size_t AddLossByPosition(std::span<const int> tokens, std::vector<double>* sums) const;
  // Mean loss (nats/token) over every position of those windows; NaN with no whole window.
  double MeanLoss(std::span<const int> tokens) const;

  // Entries of every parameter tensor (TransformerParams checks against it).
  long ParameterCount() const;
  const TransformerLmOptions& options() const { return options_; }

 private:
  TransformerLmOptions options_;
  std::unique_ptr<transformer_internal::TorchModel> impl_;
};

// Called at each checkpoint with the model and the tokens seen so far.
using TransformerCheckpointFn = std::function<void(const TransformerLm& model, long tokens)>;

// One epoch over train[0, options.tokens) (see the file comment), calling `on_checkpoint` after
// the first step at which at least checkpoints[k] tokens have been seen, or after the last step
// (checkpoints strictly increasing, each in [batch context, options.tokens]). Returns false, naming
// the field, on invalid options or checkpoints, too short a stream or ids outside [0, vocab_size).
bool TrainTransformerOnline(std::span<const int> train,
                            const TransformerLmOptions& options,
                            int threads,
                            const std::vector<long>& checkpoints,
                            const TransformerCheckpointFn& on_checkpoint,
                            std::string* error);

}  // namespace scalebench
