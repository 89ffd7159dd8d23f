// The "neural_lm" learner of the language targets: a fixed-window neural language model in the
// style of Bengio, Ducharme, Vincent & Jauvin (2003, JMLR 3:1137), trained with Adam
// (harness/learners/adam.h) and early stopping. For a position i of a token stream it predicts
// x_i from the c previous tokens:
//   u = [E x_{i-c}; ...; E x_{i-1}]   (c embeddings of e entries each, oldest first: c*e inputs)
//   h = relu(W1 u + b1)               (W1: hidden x c*e)
//   z = W2 h + b2                     (W2: V x hidden)
//   loss = -log softmax(z)[x_i]       (nats)
// E is e x V (one column per token). The network from u on is two_layer_relu.h (forward and
// backward by hand on whole batches, samples are columns); this class adds the gather of
// embedding columns into u and the scatter-add of d loss / d u back into the embedding gradient.
// Every work buffer is allocated once, at construction, so a training step allocates nothing.
//
// Initialisation (PyTorch defaults): E ~ N(0, 1); W1, b1 ~ U(+-1/sqrt(c*e)); W2, b2 ~
// U(+-1/sqrt(hidden)).
//
// Training (NeuralLmCurve, for each size P of a list): a fresh model is trained on the first P
// tokens of the training stream; a step draws `batch` positions uniformly (with replacement) from
// [c, P), i.e. only windows that lie inside the prefix. The learning rate follows
// LearningRateSchedule (linear warm-up, cosine decay to final_lr_fraction x peak at max_steps).
// At steps eval_interval/8, /4, /2 and then every eval_interval steps the mean loss on the
// validation stream (validation_tokens positions spread evenly over it) is measured; the parameters
// with the best validation loss so far are kept, and training stops after `patience` evaluations
// without improvement or at max_steps. The test loss reported for P is that of the kept parameters.
// Evaluations score the positions i >= c of a stream (the first c tokens only serve as context), as
// the Kneser-Ney learner skips its first max_context positions.
//
// Variable context (NeuralLmOptions::variable_context): one model serves every context length
// n = 0..c. Each training window keeps its last n tokens, n drawn uniformly from [0, c], and the
// older ones are replaced by a padding token (id V, one more embedding column). LossByContext
// then scores held-out positions at each n: the model's estimate of the conditional entropy H_n
// (an upper bound on it), as a causal transformer's loss at position n + 1 of its window is in
// Cagnetta et al. (2026). Evaluations during training score grid position j at n = j mod (c + 1),
// i.e. the training objective.
//
// Determinism: the initial weights and the batch draws of size P come from
// MixSeed(seed, P), and everything runs in a fixed order, so equal options and data give
// bit-identical losses (given the same build and Eigen thread count: two_layer_relu.h).
//
// Usage:
//   NeuralLmOptions options;
//   options.vocab_size = tokenizer.vocab_size();
//   std::vector<double> losses;  // test nats/token per size
//   std::string error;
//   if (!NeuralLmCurve(train, validation, test, {1000, 10000, 100000}, options, &losses,
//                      /*fits=*/nullptr, &error)) ...;
//
//   NeuralLm model(options, /*seed=*/1);          // or the model alone (gradient check, tests)
//   float loss = model.LossAndGradient(contexts, targets);  // contexts: B*c ids, sample-major
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "harness/learners/adam.h"
#include "harness/learners/two_layer_relu.h"

namespace scalebench {

struct NeuralLmOptions {
  int vocab_size = 0;              // V >= 2, ids in [0, V); 0 in target options: from the data
  int context = 8;                 // c >= 1 previous tokens
  int embedding_dim = 16;          // e >= 1
  int hidden = 256;                // >= 1 ReLU units
  double learning_rate = 3e-3;     // peak Adam rate, > 0
  int batch = 128;                 // >= 1 positions per step
  long max_steps = 6000;           // >= 1
  long warmup_steps = 100;         // in [0, max_steps]
  double final_lr_fraction = 0.1;  // cosine decay to this share of the peak at max_steps, [0, 1]
  long eval_interval = 200;        // >= 1 steps between validation evaluations (after 3 early ones)
  int patience = 5;                // >= 1 evaluations without improvement before stopping
  // Validation positions scored at each evaluation, evenly spaced over the whole stream (every
  // k-th position, k = ceil(positions / validation_tokens)); 0: all.
  long validation_tokens = 16384;
  // Test positions scored once at the end, spaced the same way; 0: all.
  long test_tokens = 0;
  std::uint64_t seed = 1;
  // One model for all context lengths 0..context (see the file comment).
  bool variable_context = false;
  AdamOptions adam;

  // vocab_size may be 0 here: a target's options leave it to the corpus (IsValid then fails).
  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("vocab_size", vocab_size)
        .Check(vocab_size == 0 || vocab_size >= 2, "0 (set from the data) or >= 2");
    f.Field("context", context).AtLeast(1);
    f.Field("embedding_dim", embedding_dim).AtLeast(1);
    f.Field("hidden", hidden).AtLeast(1);
    f.Field("learning_rate", learning_rate).Above(0.0).Finite();
    f.Field("batch", batch).AtLeast(1);
    f.Field("max_steps", max_steps).AtLeast(1);
    f.Field("warmup_steps", warmup_steps).AtLeast(0).AtMost(max_steps);
    f.Field("final_lr_fraction", final_lr_fraction).AtLeast(0.0).AtMost(1.0);
    f.Field("eval_interval", eval_interval).AtLeast(1);
    f.Field("patience", patience).AtLeast(1);
    f.Field("validation_tokens", validation_tokens).AtLeast(0);
    f.Field("test_tokens", test_tokens).AtLeast(0);
    f.Field("seed", seed);
    f.Field("variable_context", variable_context);
    f.Field("adam", adam);
  }
  // The fields' constraints (Visit) and a vocabulary of at least 2 ids; false with the field,
  // its value and what was expected in *error.
  bool IsValid(std::string* error) const {
    if (!ValidateFields(*this, error)) return false;
    if (vocab_size >= 2) return true;
    if (error != nullptr) *error = "vocab_size = 0 must be >= 2 (set it from the data)";
    return false;
  }
};

// Parameters of the model: V e + hidden (c e + 1) + V (hidden + 1), plus e for the padding token
// with variable_context.
long NeuralLmParameterCount(const NeuralLmOptions& options);

template <typename Scalar>
class BasicNeuralLm {
 public:
  using Matrix = typename TwoLayerRelu<Scalar>::Matrix;
  using Vector = typename TwoLayerRelu<Scalar>::Vector;

  // Largest batch LossAndGradient takes (work buffers are this wide); evaluations run in chunks
  // of this many positions.
  static constexpr int kEvalChunk = 1024;

  // Precondition: options.IsValid(). Weights drawn from `seed` (see the file comment).
  BasicNeuralLm(const NeuralLmOptions& options, std::uint64_t seed);

  // Mean loss (nats) of a batch and its gradient, left in grad_*(). contexts: B * c ids, sample
  // j's window in contexts[j*c .. j*c + c) oldest first; targets: B ids; 1 <= B <= max_batch().
  Scalar LossAndGradient(std::span<const int> contexts, std::span<const int> targets);
  // LossAndGradient, then one Adam step at `learning_rate`; returns the loss before the step.
  Scalar Step(std::span<const int> contexts, std::span<const int> targets, double learning_rate);
  // Mean loss over the positions i = c, c + stride, c + 2 stride, ... below end (clipped to
  // tokens.size()); NaN if there is none. stride >= 1. With variable_context the j-th of them is
  // scored with its last j mod (c + 1) tokens.
  double MeanLoss(std::span<const int> tokens, std::size_t end, std::size_t stride = 1);
  // Summed loss (nats) over the positions i in [from, to) when the window keeps its last n
  // tokens, for n = 0..c: (*loss)[n]. Precondition: variable_context, c <= from <= to <=
  // tokens.size().
  void LossByContext(std::span<const int> tokens,
                     std::size_t from,
                     std::size_t to,
                     std::vector<double>* loss);
  // The id standing for "no token" in a variable-context window: vocab_size.
  int pad_token() const { return options_.vocab_size; }

  int max_batch() const { return max_batch_; }
  const NeuralLmOptions& options() const { return options_; }

  // Parameters (mutable for the gradient check and for keeping the best point) and the last
  // computed gradient.
  Matrix& embeddings() { return embeddings_; }
  Matrix& w1() { return net_.w1(); }
  Vector& b1() { return net_.b1(); }
  Matrix& w2() { return net_.w2(); }
  Vector& b2() { return net_.b2(); }
  const Matrix& grad_embeddings() const { return grad_embeddings_; }
  const Matrix& grad_w1() const { return net_.grad_w1(); }
  const Vector& grad_b1() const { return net_.grad_b1(); }
  const Matrix& grad_w2() const { return net_.grad_w2(); }
  const Vector& grad_b2() const { return net_.grad_b2(); }

 private:
  // Summed loss of the `count` (<= kEvalChunk) positions first + j * stride, each window keeping
  // its last keep(j) tokens.
  template <typename KeepFn>
  double ScoreChunk(std::span<const int> tokens,
                    std::size_t first,
                    std::size_t stride,
                    std::size_t count,
                    KeepFn keep);
  // Gathers the embeddings of B windows into the first B columns of inputs_.
  void Gather(std::span<const int> contexts);
  // Scatter-adds d loss / d u of the last training batch (d_inputs_) into the embedding gradient.
  void ScatterGradient(std::span<const int> contexts);

  NeuralLmOptions options_;
  int max_batch_ = 0;
  Matrix embeddings_, grad_embeddings_;
  AdamState<Matrix> embeddings_state_;
  TwoLayerRelu<Scalar> net_;  // u -> h -> z (logits)
  // Work buffers, max_batch_ columns; the first B are used.
  Matrix inputs_, d_inputs_;
  std::vector<int> eval_contexts_, eval_targets_;
};

using NeuralLm = BasicNeuralLm<float>;

extern template class BasicNeuralLm<float>;
extern template class BasicNeuralLm<double>;

// What one training run (one size) did.
struct NeuralLmFit {
  long size = 0;                 // training tokens P
  double test_loss = 0.0;        // nats/token at the best validation point
  double validation_loss = 0.0;  // best validation loss, nats/token
  long best_step = 0;            // step of the best validation loss
  long steps = 0;                // steps run (early stopping or max_steps)
};

// Trains one model on train[0, size) (seed MixSeed(options.seed, size)) with early stopping on
// `validation` and returns it at its best validation point; *fit gets all but test_loss.
// Preconditions as for TrainNeuralLm.
NeuralLm FitNeuralLm(std::span<const int> train,
                     long size,
                     std::span<const int> validation,
                     const NeuralLmOptions& options,
                     NeuralLmFit* fit);

// FitNeuralLm, then the test loss into fit->test_loss.
// Preconditions: options.IsValid(); context < size <= train.size(); the validation and test
// streams have more than `context` tokens; all ids in [0, vocab_size).
void TrainNeuralLm(std::span<const int> train,
                   long size,
                   std::span<const int> validation,
                   std::span<const int> test,
                   const NeuralLmOptions& options,
                   NeuralLmFit* fit);

// The learner as a target uses it: for each size P (strictly increasing, context < P <=
// train.size()) trains a fresh model on the prefix train[0, P) and reports its test loss in
// nats/token in (*losses)[i]; `fits` (optional) gets the details. Returns false, naming the
// field, on invalid options, sizes, streams or ids.
bool NeuralLmCurve(const std::vector<int>& train,
                   const std::vector<int>& validation,
                   const std::vector<int>& test,
                   const std::vector<int>& sizes,
                   const NeuralLmOptions& options,
                   std::vector<double>* losses,
                   std::vector<NeuralLmFit>* fits,
                   std::string* error);

}  // namespace scalebench
