#include "harness/learners/mlp.h"

#include <omp.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <sstream>

#include "datasets/generators/random.h"

// Speed notes. Samples are columns, so the three GEMMs (W1 x, W2^T dz, dh x^T) and the small ones
// run on contiguous column-major blocks with no transposed copies (Eigen folds the transposes
// into the GEMM kernel). Bias and ReLU are one fused pass over h; the ReLU mask is read from h
// itself (h > 0) instead of a stored mask. The softmax head loops over columns because the
// output count is small (2 for the parity tasks); its cost is O(outputs x B), negligible beside
// O(hidden x inputs x B).
//
// Threads. Eigen's parallel GEMM makes its threads wait for each other in empty spin loops, so on
// a machine where another process wants the cores a thread spins through its time slice while
// its partner waits for a core (2 threads fell from 5607 to 42 steps/s, issue 13;
// bench/contention_benchmark.cc). The products therefore run as single-threaded Eigen GEMMs on
// column blocks, one per OpenMP thread, inside OpenMP parallel regions, whose waits follow the
// passive policy of harness/threads/wait_policy.h. A column block of a product over the full
// inner dimension is what the whole product computes for those columns (Eigen's k-blocking
// depends on the inner dimension only; block edges are multiples of kColumnAlign, so the
// kernel's column groups and vector packets fall where they do in the whole), so a network
// trains to the same bits at any thread count, the 1-thread numbers of before. Inside another
// parallel region (one training run per thread) the products stay whole and single-threaded.

namespace scalebench {

bool MlpOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  if (inputs < 1) {
    message << "mlp.inputs = " << inputs << " must be >= 1";
  } else if (hidden < 1) {
    message << "mlp.hidden = " << hidden << " must be >= 1";
  } else if (outputs < 1 || (loss == MlpLoss::kSoftmaxCrossEntropy && outputs < 2)) {
    message << "mlp.outputs = " << outputs << " must be >= 1 (>= 2 for softmax cross-entropy)";
  } else if (max_batch < 1) {
    message << "mlp.max_batch = " << max_batch << " must be >= 1";
  } else if (!(weight_decay >= 0.0) || !std::isfinite(weight_decay)) {
    message << "mlp.weight_decay = " << weight_decay << " must be finite and >= 0";
  } else if (std::string adam_error; !adam.IsValid(&adam_error)) {
    message << "mlp." << adam_error;
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

long MlpParameterCount(int inputs, int hidden, int outputs) {
  return long(hidden) * (inputs + 1) + long(outputs) * (hidden + 1);
}

namespace {

// Block edges are multiples of this many columns (rows for the bias sums), and blocks are at least
// this wide: above any register-block width or vector length of Eigen's kernels.
constexpr Eigen::Index kColumnAlign = 16;

// Columns [begin, begin + count) of block `part` when n columns are cut into `parts` blocks
// (see Blocks), the last one taking the rest.
struct ColumnBlock {
  Eigen::Index begin = 0, count = 0;
};

ColumnBlock BlockOf(Eigen::Index n, int part, int parts) {
  const Eigen::Index width = (n / parts) / kColumnAlign * kColumnAlign;
  const Eigen::Index begin = width * part;
  return {begin, part + 1 == parts ? n - begin : width};
}

// How many blocks n columns are cut into with `threads` threads: each at least kColumnAlign wide.
int Blocks(Eigen::Index n, int threads) {
  return int(std::max<Eigen::Index>(1, std::min<Eigen::Index>(threads, n / kColumnAlign)));
}

// The threads of one step: OpenMP's, or 1 inside an enclosing parallel region (Eigen's products
// then see the enclosing team and stay single-threaded, as they do in a region of ours).
int StepThreads() {
  return omp_in_parallel() ? 1 : omp_get_max_threads();
}

// Runs body(thread, threads, barrier) on each of `threads` threads of one OpenMP region (inline for
// 1); barrier() waits for the whole team.
template <typename Body>
void InParallel(int threads, const Body& body) {
  if (threads <= 1) {
    body(0, 1, [] {});
    return;
  }
#pragma omp parallel num_threads(threads)
  body(omp_get_thread_num(), omp_get_num_threads(), [] {
#pragma omp barrier
  });
}

template <typename M>
void FillUniform(Xoshiro256pp& rng, double bound, M* m) {
  for (Eigen::Index j = 0; j < m->cols(); ++j) {
    for (Eigen::Index i = 0; i < m->rows(); ++i) {
      (*m)(i, j) = typename M::Scalar(bound * (2.0 * rng.UniformOpen() - 1.0));
    }
  }
}

}  // namespace

template <typename Scalar>
BasicMlp<Scalar>::BasicMlp(const MlpOptions& options, std::uint64_t seed)
    : options_(options),
      w1_(options.hidden, options.inputs),
      w2_(options.outputs, options.hidden),
      b1_(options.hidden),
      b2_(options.outputs),
      grad_w1_(Matrix::Zero(options.hidden, options.inputs)),
      grad_w2_(Matrix::Zero(options.outputs, options.hidden)),
      grad_b1_(Vector::Zero(options.hidden)),
      grad_b2_(Vector::Zero(options.outputs)),
      w1_state_(grad_w1_),
      w2_state_(grad_w2_),
      b1_state_(grad_b1_),
      b2_state_(grad_b2_),
      hidden_(options.hidden, options.max_batch),
      d_hidden_(options.hidden, options.max_batch),
      out_(options.outputs, options.max_batch),
      per_sample_(options.max_batch) {
  Xoshiro256pp rng(seed);
  const double bound1 = 1.0 / std::sqrt(double(options.inputs));
  const double bound2 = 1.0 / std::sqrt(double(options.hidden));
  FillUniform(rng, bound1, &w1_);
  FillUniform(rng, bound1, &b1_);
  FillUniform(rng, bound2, &w2_);
  FillUniform(rng, bound2, &b2_);
}

template <typename Scalar>
long BasicMlp<Scalar>::num_parameters() const {
  return MlpParameterCount(options_.inputs, options_.hidden, options_.outputs);
}

template <typename Scalar>
void BasicMlp<Scalar>::ForwardColumns(const ConstMatrixRef& x,
                                      Eigen::Index begin,
                                      Eigen::Index count) {
  auto h = hidden_.middleCols(begin, count);
  h.noalias() = w1_ * x.middleCols(begin, count);
  h.array() = (h.array().colwise() + b1_.array()).cwiseMax(Scalar(0));
  auto z = out_.middleCols(begin, count);
  z.noalias() = w2_ * h;
  z.colwise() += b2_;
}

template <typename Scalar>
void BasicMlp<Scalar>::Forward(const ConstMatrixRef& x) {
  const Eigen::Index batch = x.cols();
  assert(x.rows() == options_.inputs && batch >= 1 && batch <= options_.max_batch);
  InParallel(StepThreads(), [&](int thread, int team, const auto&) {
    const int parts = Blocks(batch, team);  // every sample (column) is independent
    if (thread >= parts) return;
    const ColumnBlock c = BlockOf(batch, thread, parts);
    ForwardColumns(x, c.begin, c.count);
  });
}

template <typename Scalar>
void BasicMlp<Scalar>::CrossEntropyHead(std::span<const int> labels,
                                        Eigen::Index begin,
                                        Eigen::Index count,
                                        Scalar* per_sample) {
  const Scalar inv_batch = Scalar(1) / Scalar(labels.size());
  for (Eigen::Index j = begin; j < begin + count; ++j) {
    auto z = out_.col(j);
    const int label = labels[j];
    assert(label >= 0 && label < options_.outputs);
    const Scalar max = z.maxCoeff();
    const Scalar gap = z(label) - max;  // <= 0; the loss from it cannot underflow
    z.array() = (z.array() - max).exp();
    const Scalar sum = z.sum();
    per_sample[j] = std::log(sum) - gap;
    z *= inv_batch / sum;
    z(label) -= inv_batch;
  }
}

template <typename Scalar>
void BasicMlp<Scalar>::SquaredErrorHead(const ConstMatrixRef& targets,
                                        Eigen::Index begin,
                                        Eigen::Index count,
                                        Scalar* per_sample) {
  assert(targets.rows() == options_.outputs);
  auto z = out_.middleCols(begin, count);
  z -= targets.middleCols(begin, count);
  for (Eigen::Index j = 0; j < count; ++j)
    per_sample[begin + j] = Scalar(0.5) * z.col(j).squaredNorm();
  z *= Scalar(1) / Scalar(targets.cols());
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::ForwardBackward(const ConstMatrixRef& x,
                                         std::span<const int> labels,
                                         const ConstMatrixRef* targets) {
  const Eigen::Index batch = x.cols();
  assert(x.rows() == options_.inputs && batch >= 1 && batch <= options_.max_batch);
  const Eigen::Index hidden = options_.hidden, inputs = options_.inputs;
  const auto h = hidden_.leftCols(batch);
  const auto dz = out_.leftCols(batch);
  const auto dh = d_hidden_.leftCols(batch);
  // One region, one barrier: waking a sleeping thread and waiting for it costs ~10 us, and under
  // contention each wait may last until the partner gets a core.
  InParallel(StepThreads(), [&](int thread, int team, const auto& barrier) {
    // By samples: forward pass, loss head (dz and each sample's loss), and
    // dh = (W2^T dz) masked by the ReLU's active set h > 0.
    if (const int parts = Blocks(batch, team); thread < parts) {
      const ColumnBlock c = BlockOf(batch, thread, parts);
      ForwardColumns(x, c.begin, c.count);
      if (targets != nullptr) {
        SquaredErrorHead(*targets, c.begin, c.count, per_sample_.data());
      } else {
        CrossEntropyHead(labels, c.begin, c.count, per_sample_.data());
      }
      auto dh_block = d_hidden_.middleCols(c.begin, c.count);
      dh_block.noalias() = w2_.transpose() * out_.middleCols(c.begin, c.count);
      dh_block.array() =
          (h.middleCols(c.begin, c.count).array() > Scalar(0)).select(dh_block.array(), Scalar(0));
    }
    barrier();
    // The gradients, each by columns of its own: grad W2 = dz h^T (hidden units), grad W1 = dh x^T
    // (inputs), grad b1 = row sums of dh (hidden units, by rows).
    if (const int parts = Blocks(hidden, team); thread < parts) {
      const ColumnBlock c = BlockOf(hidden, thread, parts);
      grad_w2_.middleCols(c.begin, c.count).noalias() =
          dz * h.middleRows(c.begin, c.count).transpose();
      grad_b1_.segment(c.begin, c.count).noalias() =
          dh.middleRows(c.begin, c.count).rowwise().sum();
    }
    if (const int parts = Blocks(inputs, team); thread < parts) {
      const ColumnBlock c = BlockOf(inputs, thread, parts);
      grad_w1_.middleCols(c.begin, c.count).noalias() =
          dh * x.middleRows(c.begin, c.count).transpose();
    }
  });
  grad_b2_.noalias() = dz.rowwise().sum();
  double total = 0.0;  // in sample order, whatever the threads
  for (Eigen::Index j = 0; j < batch; ++j) total += double(per_sample_[j]);
  return Scalar(total / double(batch));
}

template <typename Scalar>
void BasicMlp<Scalar>::AdamStep(double learning_rate) {
  if (options_.weight_decay > 0.0) {
    const Scalar shrink = Scalar(1.0 - learning_rate * options_.weight_decay);
    w1_ *= shrink;
    w2_ *= shrink;
  }
  w1_state_.Step(options_.adam, learning_rate, grad_w1_, &w1_);
  b1_state_.Step(options_.adam, learning_rate, grad_b1_, &b1_);
  w2_state_.Step(options_.adam, learning_rate, grad_w2_, &w2_);
  b2_state_.Step(options_.adam, learning_rate, grad_b2_, &b2_);
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::LossAndGradient(const ConstMatrixRef& x, std::span<const int> labels) {
  assert(options_.loss == MlpLoss::kSoftmaxCrossEntropy && Eigen::Index(labels.size()) == x.cols());
  return ForwardBackward(x, labels, nullptr);
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::LossAndGradient(const ConstMatrixRef& x, const ConstMatrixRef& targets) {
  assert(options_.loss == MlpLoss::kSquaredError && targets.cols() == x.cols());
  return ForwardBackward(x, {}, &targets);
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::Step(const ConstMatrixRef& x,
                              std::span<const int> labels,
                              double learning_rate) {
  const Scalar loss = LossAndGradient(x, labels);
  AdamStep(learning_rate);
  return loss;
}

template <typename Scalar>
Scalar BasicMlp<Scalar>::Step(const ConstMatrixRef& x,
                              const ConstMatrixRef& targets,
                              double learning_rate) {
  const Scalar loss = LossAndGradient(x, targets);
  AdamStep(learning_rate);
  return loss;
}

template <typename Scalar>
void BasicMlp<Scalar>::ExampleLosses(const ConstMatrixRef& x,
                                     std::span<const int> labels,
                                     Vector* out) {
  out->resize(x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    Forward(x.middleCols(start, n));
    CrossEntropyHead(labels.subspan(start, n), 0, n, out->data() + start);
  }
}

template <typename Scalar>
void BasicMlp<Scalar>::ExampleLosses(const ConstMatrixRef& x,
                                     const ConstMatrixRef& targets,
                                     Vector* out) {
  out->resize(x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    Forward(x.middleCols(start, n));
    SquaredErrorHead(targets.middleCols(start, n), 0, n, out->data() + start);
  }
}

template <typename Scalar>
void BasicMlp<Scalar>::Predict(const ConstMatrixRef& x, Matrix* out) {
  out->resize(options_.outputs, x.cols());
  for (Eigen::Index start = 0; start < x.cols(); start += options_.max_batch) {
    const Eigen::Index n = std::min<Eigen::Index>(options_.max_batch, x.cols() - start);
    Forward(x.middleCols(start, n));
    out->middleCols(start, n) = out_.leftCols(n);
  }
}

template class BasicMlp<float>;
template class BasicMlp<double>;

}  // namespace scalebench
