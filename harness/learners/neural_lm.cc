#include "harness/learners/neural_lm.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <sstream>

#include "common/size_grid.h"
#include "datasets/generators/random.h"
#include "harness/learners/linear_ridge.h"

// Speed notes. Samples are columns, so every GEMM runs on contiguous column-major blocks and
// Eigen folds the transposes (W2^T dz, dh u^T, W1^T dh) into its kernels. E is e x V so that one
// token's embedding is one contiguous column: the gather is c short memcpy's per sample. At the
// sizes of the KJV targets (V ~ 70, c e ~ 128, hidden 256) the two output-side GEMMs and the
// softmax pass cost about as much as the input-side ones; nothing else is above a few percent.
// The embedding gradient is dense (e x V) and updated by Adam as a whole: V is small for the
// character targets, and for a BPE vocabulary of a few thousand it is still below W2's size.

namespace scalebench {

long NeuralLmParameterCount(const NeuralLmOptions& o) {
  const long inputs = long(o.context) * o.embedding_dim;
  const long embedded = long(o.vocab_size) + (o.variable_context ? 1 : 0);
  return embedded * o.embedding_dim + long(o.hidden) * (inputs + 1) +
         long(o.vocab_size) * (o.hidden + 1);
}

namespace {

template <typename M>
void FillNormal(Xoshiro256pp& rng, M* m) {
  for (Eigen::Index j = 0; j < m->cols(); ++j) {
    for (Eigen::Index i = 0; i < m->rows(); ++i) {
      (*m)(i, j) = typename M::Scalar(StandardNormal(rng));
    }
  }
}

}  // namespace

template <typename Scalar>
BasicNeuralLm<Scalar>::BasicNeuralLm(const NeuralLmOptions& options, std::uint64_t seed)
    : options_(options),
      max_batch_(std::max(options.batch, kEvalChunk)),
      embeddings_(options.embedding_dim, options.vocab_size + (options.variable_context ? 1 : 0)),
      grad_embeddings_(Matrix::Zero(embeddings_.rows(), embeddings_.cols())),
      embeddings_state_(grad_embeddings_),
      net_(options.context * options.embedding_dim, options.hidden, options.vocab_size, max_batch_),
      inputs_(options.context * options.embedding_dim, max_batch_),
      d_inputs_(options.context * options.embedding_dim, max_batch_),
      eval_contexts_(std::size_t(kEvalChunk) * options.context),
      eval_targets_(kEvalChunk) {
  Xoshiro256pp rng(seed);
  FillNormal(rng, &embeddings_);
  net_.Initialize(rng);
}

template <typename Scalar>
void BasicNeuralLm<Scalar>::Gather(std::span<const int> contexts) {
  const int c = options_.context, e = options_.embedding_dim;
  const Eigen::Index batch = Eigen::Index(contexts.size()) / c;
  for (Eigen::Index j = 0; j < batch; ++j) {
    for (int k = 0; k < c; ++k) {
      const int token = contexts[std::size_t(j) * c + k];
      assert(token >= 0 && token < embeddings_.cols());
      inputs_.col(j).segment(Eigen::Index(k) * e, e) = embeddings_.col(token);
    }
  }
}

template <typename Scalar>
void BasicNeuralLm<Scalar>::ScatterGradient(std::span<const int> contexts) {
  const int c = options_.context, e = options_.embedding_dim;
  const Eigen::Index batch = Eigen::Index(contexts.size()) / c;
  const auto du = d_inputs_.leftCols(batch);
  // Each window position of each sample adds its slice of du to its token's column.
  grad_embeddings_.setZero();
  for (Eigen::Index j = 0; j < batch; ++j) {
    for (int k = 0; k < c; ++k) {
      const int token = contexts[std::size_t(j) * c + k];
      grad_embeddings_.col(token) += du.col(j).segment(Eigen::Index(k) * e, e);
    }
  }
}

template <typename Scalar>
Scalar BasicNeuralLm<Scalar>::LossAndGradient(std::span<const int> contexts,
                                              std::span<const int> targets) {
  const Eigen::Index batch = Eigen::Index(targets.size());
  assert(batch >= 1 && batch <= max_batch_);
  assert(contexts.size() == targets.size() * std::size_t(options_.context));
  Gather(contexts);
  const double total = net_.ForwardBackward(inputs_.leftCols(batch), targets, &d_inputs_);
  ScatterGradient(contexts);
  return Scalar(total / double(batch));
}

template <typename Scalar>
Scalar BasicNeuralLm<Scalar>::Step(std::span<const int> contexts,
                                   std::span<const int> targets,
                                   double learning_rate) {
  const Scalar loss = LossAndGradient(contexts, targets);
  const AdamOptions& adam = options_.adam;
  embeddings_state_.Step(adam, learning_rate, grad_embeddings_, &embeddings_);
  net_.AdamStep(adam, learning_rate, /*weight_decay=*/0.0);
  return loss;
}

template <typename Scalar>
template <typename KeepFn>
double BasicNeuralLm<Scalar>::ScoreChunk(std::span<const int> tokens,
                                         std::size_t first,
                                         std::size_t stride,
                                         std::size_t count,
                                         KeepFn keep) {
  const std::size_t c = std::size_t(options_.context);
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t i = first + j * stride;
    const std::size_t dropped = c - std::size_t(keep(j));
    auto window = eval_contexts_.begin() + std::ptrdiff_t(j * c);
    std::fill(window, window + std::ptrdiff_t(dropped), pad_token());
    std::copy(tokens.begin() + std::ptrdiff_t(i - c + dropped),
              tokens.begin() + std::ptrdiff_t(i),
              window + std::ptrdiff_t(dropped));
    eval_targets_[j] = tokens[i];
  }
  const std::span<const int> contexts(eval_contexts_.data(), count * c);
  const std::span<const int> targets(eval_targets_.data(), count);
  Gather(contexts);
  net_.Forward(inputs_.leftCols(Eigen::Index(count)));
  return net_.CrossEntropyHead(targets, /*gradient=*/false, nullptr);
}

template <typename Scalar>
double BasicNeuralLm<Scalar>::MeanLoss(std::span<const int> tokens,
                                       std::size_t end,
                                       std::size_t stride) {
  assert(stride >= 1);
  const std::size_t c = std::size_t(options_.context);
  end = std::min(end, tokens.size());
  if (end <= c) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t positions = (end - c + stride - 1) / stride;
  double total = 0.0;
  for (std::size_t first = 0; first < positions; first += kEvalChunk) {
    const std::size_t count = std::min<std::size_t>(kEvalChunk, positions - first);
    total += ScoreChunk(tokens, c + first * stride, stride, count, [&](std::size_t j) {
      return options_.variable_context ? (first + j) % (c + 1) : c;
    });
  }
  return total / double(positions);
}

template <typename Scalar>
void BasicNeuralLm<Scalar>::LossByContext(std::span<const int> tokens,
                                          std::size_t from,
                                          std::size_t to,
                                          std::vector<double>* loss) {
  const std::size_t c = std::size_t(options_.context);
  assert(options_.variable_context && c <= from && from <= to && to <= tokens.size());
  loss->assign(c + 1, 0.0);
  for (std::size_t n = 0; n <= c; ++n) {
    for (std::size_t first = from; first < to; first += kEvalChunk) {
      const std::size_t count = std::min<std::size_t>(kEvalChunk, to - first);
      (*loss)[n] += ScoreChunk(tokens, first, 1, count, [n](std::size_t) { return n; });
    }
  }
}

template class BasicNeuralLm<float>;
template class BasicNeuralLm<double>;

namespace {

// The parameters at the best validation point.
struct Snapshot {
  Eigen::MatrixXf embeddings, w1, w2;
  Eigen::VectorXf b1, b2;

  void Save(NeuralLm& model) {
    embeddings = model.embeddings();
    w1 = model.w1();
    b1 = model.b1();
    w2 = model.w2();
    b2 = model.b2();
  }
  void Restore(NeuralLm* model) const {
    model->embeddings() = embeddings;
    model->w1() = w1;
    model->b1() = b1;
    model->w2() = w2;
    model->b2() = b2;
  }
};

// Evaluations run at steps interval/8, interval/4, interval/2 (the first ones that are >= 1) and
// then at every multiple of interval: on a small prefix the model can overfit within the first
// interval (P = 1000 characters are 8 batches of 128), and the early points catch the best model.
bool IsEvaluationStep(long step, long interval) {
  if (step % interval == 0) return true;
  for (long divisor = 2; divisor <= 8; divisor *= 2) {
    if (interval / divisor >= 1 && step == interval / divisor) return true;
  }
  return false;
}

// The stride that spreads `wanted` scored positions (0: all) over the positions [c, size).
std::size_t EvalStride(long wanted, int context, std::size_t size) {
  const std::size_t positions = size - std::size_t(context);
  if (wanted == 0 || std::size_t(wanted) >= positions) return 1;
  return (positions + std::size_t(wanted) - 1) / std::size_t(wanted);
}

}  // namespace

NeuralLm FitNeuralLm(std::span<const int> train,
                     long size,
                     std::span<const int> validation,
                     const NeuralLmOptions& options,
                     NeuralLmFit* fit) {
  const std::uint64_t seed = MixSeed(options.seed, std::uint64_t(size));
  NeuralLm model(options, seed);
  Xoshiro256pp rng(MixSeed(seed, 1));
  const int c = options.context;
  const std::uint64_t positions = std::uint64_t(size - c);  // windows [c, size)
  std::vector<int> contexts(std::size_t(options.batch) * c), targets(options.batch);
  const LearningRateSchedule schedule{
      options.learning_rate, options.warmup_steps, options.max_steps, options.final_lr_fraction};
  const std::size_t validation_stride = EvalStride(options.validation_tokens, c, validation.size());

  Snapshot best;
  best.Save(model);
  double best_loss = std::numeric_limits<double>::infinity();
  long best_step = 0, step = 0;
  int stale = 0;
  while (step < options.max_steps && stale < options.patience) {
    for (int j = 0; j < options.batch; ++j) {
      // UniformOpen() < 1, so the window index is in [0, positions).
      const std::size_t i = c + std::size_t(rng.UniformOpen() * double(positions));
      std::copy(train.begin() + (i - c), train.begin() + i, contexts.begin() + std::size_t(j) * c);
      targets[j] = train[i];
      if (options.variable_context) {  // keep the last n in [0, c] tokens of the window
        const int kept = std::min(c, int(rng.UniformOpen() * double(c + 1)));
        std::fill_n(contexts.begin() + std::ptrdiff_t(j) * c, c - kept, model.pad_token());
      }
    }
    ++step;
    model.Step(contexts, targets, ScheduledLearningRate(schedule, step));
    if (!IsEvaluationStep(step, options.eval_interval) && step != options.max_steps) continue;
    const double loss = model.MeanLoss(validation, validation.size(), validation_stride);
    if (loss < best_loss) {
      best_loss = loss;
      best_step = step;
      best.Save(model);
      stale = 0;
    } else {
      ++stale;
    }
  }
  best.Restore(&model);
  fit->size = size;
  fit->validation_loss = best_loss;
  fit->best_step = best_step;
  fit->steps = step;
  return model;
}

void TrainNeuralLm(std::span<const int> train,
                   long size,
                   std::span<const int> validation,
                   std::span<const int> test,
                   const NeuralLmOptions& options,
                   NeuralLmFit* fit) {
  NeuralLm model = FitNeuralLm(train, size, validation, options, fit);
  const int c = options.context;
  fit->test_loss =
      model.MeanLoss(test, test.size(), EvalStride(options.test_tokens, c, test.size()));
}

namespace {

bool CheckStream(const std::vector<int>& tokens,
                 const char* name,
                 const NeuralLmOptions& options,
                 std::string* error) {
  std::ostringstream message;
  if (tokens.size() <= std::size_t(options.context)) {
    message << "neural_lm: the " << name << " stream has " << tokens.size()
            << " tokens; need more than context = " << options.context;
  } else {
    const auto bad = std::find_if(
        tokens.begin(), tokens.end(), [&](int t) { return t < 0 || t >= options.vocab_size; });
    if (bad == tokens.end()) return true;
    message << "neural_lm: " << name << "[" << (bad - tokens.begin()) << "] = " << *bad
            << " is outside the vocabulary [0, vocab_size = " << options.vocab_size << ")";
  }
  if (error != nullptr) *error = message.str();
  return false;
}

}  // namespace

bool NeuralLmCurve(const std::vector<int>& train,
                   const std::vector<int>& validation,
                   const std::vector<int>& test,
                   const std::vector<int>& sizes,
                   const NeuralLmOptions& options,
                   std::vector<double>* losses,
                   std::vector<NeuralLmFit>* fits,
                   std::string* error) {
  if (!options.IsValid(error)) return false;
  if (!CheckStream(train, "train", options, error) ||
      !CheckStream(validation, "validation", options, error) ||
      !CheckStream(test, "test", options, error)) {
    return false;
  }
  const int max_size = int(std::min<std::size_t>(train.size(), std::numeric_limits<int>::max()));
  if (!SizeGrid::CheckWithin(sizes, max_size, error)) return false;
  if (sizes.front() <= options.context) {
    if (error != nullptr) {
      *error = "neural_lm: sizes[0] = " + std::to_string(sizes.front()) +
               " must be > context = " + std::to_string(options.context) +
               " (no full window in the prefix)";
    }
    return false;
  }
  losses->assign(sizes.size(), 0.0);
  if (fits != nullptr) fits->assign(sizes.size(), NeuralLmFit{});
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    NeuralLmFit fit;
    TrainNeuralLm(train, sizes[s], validation, test, options, &fit);
    (*losses)[s] = fit.test_loss;
    if (fits != nullptr) (*fits)[s] = fit;
  }
  return true;
}

}  // namespace scalebench
