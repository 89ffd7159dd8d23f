// Implementation of harness/learners/two_layer_relu.h.
#include "harness/learners/two_layer_relu.h"

#include <omp.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "harness/learners/internal_product_columns.h"

// Speed notes. Bias and ReLU are one fused pass over h; the ReLU mask is read from h itself
// (h > 0) instead of a stored mask. The softmax head loops over columns: its cost is
// O(outputs x B), small beside the O(hidden x inputs x B) of the GEMMs for the MLP's few outputs,
// and about that of the output-side GEMMs for the neural LM's vocabulary.
//
// Threads. Eigen's parallel GEMM makes its threads wait for each other in empty spin loops, so on
// a machine where another process wants the cores a thread spins through its time slice while
// its partner waits for a core (the MLP at 2 threads fell from 5607 to 42 steps/s, issue 13;
// bench/contention_benchmark.cc). The products therefore run on column blocks, one per thread of
// an OpenMP region, whose waits follow the passive policy of harness/threads/wait_policy.h. A
// training step is one region with one barrier (waking a sleeping thread and waiting for it
// costs ~10 us, and under contention each wait may last until the partner gets a core): first
// by samples (forward pass, head, dh and d_input), then each gradient by its own columns.

namespace scalebench {
namespace {

using internal::BlockOf;
using internal::Blocks;
using internal::ColumnBlock;
using internal::ProductColumns;

// The thread count Eigen's products would use here: Eigen::nbThreads(), or 1 inside a team of
// more than one thread (Eigen's parallelize_gemm tests omp_get_num_threads() > 1).
int EigenThreads() {
  return omp_get_num_threads() > 1 ? 1 : Eigen::nbThreads();
}

// Runs body(thread, team, barrier) on each thread of one OpenMP region of `threads` threads
// (inline for 1); barrier() waits for the whole team.
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
TwoLayerRelu<Scalar>::TwoLayerRelu(int inputs, int hidden, int outputs, int max_batch)
    : w1_(hidden, inputs),
      w2_(outputs, hidden),
      b1_(hidden),
      b2_(outputs),
      grad_w1_(Matrix::Zero(hidden, inputs)),
      grad_w2_(Matrix::Zero(outputs, hidden)),
      grad_b1_(Vector::Zero(hidden)),
      grad_b2_(Vector::Zero(outputs)),
      w1_state_(grad_w1_),
      w2_state_(grad_w2_),
      b1_state_(grad_b1_),
      b2_state_(grad_b2_),
      hidden_(hidden, max_batch),
      d_hidden_(hidden, max_batch),
      out_(outputs, max_batch),
      per_sample_(max_batch) {}

template <typename Scalar>
void TwoLayerRelu<Scalar>::Initialize(Xoshiro256pp& rng) {
  const double bound1 = 1.0 / std::sqrt(double(w1_.cols()));
  const double bound2 = 1.0 / std::sqrt(double(w2_.cols()));
  FillUniform(rng, bound1, &w1_);
  FillUniform(rng, bound1, &b1_);
  FillUniform(rng, bound2, &w2_);
  FillUniform(rng, bound2, &b2_);
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::ForwardColumns(const ConstMatrixRef& x,
                                          Eigen::Index begin,
                                          Eigen::Index count,
                                          int eigen_threads) {
  const Eigen::Index batch = x.cols();
  ProductColumns(w1_, x, begin, count, eigen_threads, hidden_.leftCols(batch));
  auto h = hidden_.middleCols(begin, count);
  h.array() = (h.array().colwise() + b1_.array()).cwiseMax(Scalar(0));
  ProductColumns(w2_, hidden_.leftCols(batch), begin, count, eigen_threads, out_.leftCols(batch));
  out_.middleCols(begin, count).colwise() += b2_;
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::Forward(const ConstMatrixRef& x) {
  const Eigen::Index batch = x.cols();
  assert(x.rows() == w1_.cols() && batch >= 1 && batch <= hidden_.cols());
  const int threads = EigenThreads();
  InParallel(threads, [&](int thread, int team, const auto&) {
    const int parts = Blocks(batch, team);  // every sample (column) is independent
    if (thread >= parts) return;
    const ColumnBlock c = BlockOf(batch, thread, parts);
    ForwardColumns(x, c.begin, c.count, threads);
  });
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::CrossEntropyColumns(std::span<const int> labels,
                                               Eigen::Index begin,
                                               Eigen::Index count,
                                               bool gradient,
                                               Scalar* per_sample) {
  const Scalar inv_batch = Scalar(1) / Scalar(labels.size());
  for (Eigen::Index j = begin; j < begin + count; ++j) {
    auto z = out_.col(j);
    const int label = labels[j];
    assert(label >= 0 && label < out_.rows());
    const Scalar max = z.maxCoeff();
    const Scalar gap = z(label) - max;  // <= 0: the loss below cannot underflow
    z.array() = (z.array() - max).exp();
    const Scalar sum = z.sum();
    const Scalar loss = std::log(sum) - gap;
    if (per_sample != nullptr) per_sample[j] = loss;
    if (gradient) {
      z *= inv_batch / sum;
      z(label) -= inv_batch;
    }
  }
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::SquaredErrorColumns(const ConstMatrixRef& targets,
                                               Eigen::Index begin,
                                               Eigen::Index count,
                                               Scalar* per_sample) {
  assert(targets.rows() == out_.rows());
  auto z = out_.middleCols(begin, count);
  z -= targets.middleCols(begin, count);
  if (per_sample != nullptr) {
    for (Eigen::Index j = 0; j < count; ++j) {
      per_sample[begin + j] = Scalar(0.5) * z.col(j).squaredNorm();
    }
  }
  z *= Scalar(1) / Scalar(targets.cols());
}

template <typename Scalar>
double TwoLayerRelu<Scalar>::CrossEntropyHead(std::span<const int> labels,
                                              bool gradient,
                                              Scalar* per_sample) {
  const Eigen::Index batch = Eigen::Index(labels.size());
  CrossEntropyColumns(labels, 0, batch, gradient, per_sample_.data());
  double total = 0.0;
  for (Eigen::Index j = 0; j < batch; ++j) total += double(per_sample_[j]);
  if (per_sample != nullptr) std::copy_n(per_sample_.data(), batch, per_sample);
  return total;
}

template <typename Scalar>
double TwoLayerRelu<Scalar>::SquaredErrorHead(const ConstMatrixRef& targets, Scalar* per_sample) {
  const Eigen::Index batch = targets.cols();
  SquaredErrorColumns(targets, 0, batch, per_sample_.data());
  double total = 0.0;
  for (Eigen::Index j = 0; j < batch; ++j) total += double(per_sample_[j]);
  if (per_sample != nullptr) std::copy_n(per_sample_.data(), batch, per_sample);
  return total;
}

template <typename Scalar>
double TwoLayerRelu<Scalar>::ForwardBackward(const ConstMatrixRef& x,
                                             std::span<const int> labels,
                                             Matrix* d_input) {
  assert(Eigen::Index(labels.size()) == x.cols());
  return Train(x, labels, nullptr, d_input);
}

template <typename Scalar>
double TwoLayerRelu<Scalar>::ForwardBackward(const ConstMatrixRef& x,
                                             const ConstMatrixRef& targets,
                                             Matrix* d_input) {
  assert(targets.cols() == x.cols());
  return Train(x, {}, &targets, d_input);
}

template <typename Scalar>
double TwoLayerRelu<Scalar>::Train(const ConstMatrixRef& x,
                                   std::span<const int> labels,
                                   const ConstMatrixRef* targets,
                                   Matrix* d_input) {
  const Eigen::Index batch = x.cols();
  const Eigen::Index hidden = w1_.rows(), inputs = w1_.cols();
  assert(x.rows() == inputs && batch >= 1 && batch <= hidden_.cols());
  assert(d_input == nullptr || (d_input->rows() == inputs && d_input->cols() >= batch));
  const auto h = hidden_.leftCols(batch);
  const auto dz = out_.leftCols(batch);
  const auto dh = d_hidden_.leftCols(batch);
  const int threads = EigenThreads();
  InParallel(threads, [&](int thread, int team, const auto& barrier) {
    // By samples: forward pass, loss head (dz and each sample's loss), dh = (W2^T dz) masked by
    // the ReLU's active set h > 0, and d_input = W1^T dh.
    if (const int parts = Blocks(batch, team); thread < parts) {
      const ColumnBlock c = BlockOf(batch, thread, parts);
      ForwardColumns(x, c.begin, c.count, threads);
      if (targets != nullptr) {
        SquaredErrorColumns(*targets, c.begin, c.count, per_sample_.data());
      } else {
        CrossEntropyColumns(labels, c.begin, c.count, /*gradient=*/true, per_sample_.data());
      }
      ProductColumns(w2_.transpose(), dz, c.begin, c.count, threads, d_hidden_.leftCols(batch));
      auto dh_block = d_hidden_.middleCols(c.begin, c.count);
      dh_block.array() =
          (h.middleCols(c.begin, c.count).array() > Scalar(0)).select(dh_block.array(), Scalar(0));
      if (d_input != nullptr) {
        ProductColumns(w1_.transpose(), dh, c.begin, c.count, threads, d_input->leftCols(batch));
      }
    }
    barrier();
    // The gradients, each by columns of its own: grad W2 = dz h^T and grad b1 = the row sums of
    // dh by hidden units, grad W1 = dh x^T by inputs.
    if (const int parts = Blocks(hidden, team); thread < parts) {
      const ColumnBlock c = BlockOf(hidden, thread, parts);
      ProductColumns(dz, h.transpose(), c.begin, c.count, threads, grad_w2_);
      grad_b1_.segment(c.begin, c.count).noalias() =
          dh.middleRows(c.begin, c.count).rowwise().sum();
    }
    if (const int parts = Blocks(inputs, team); thread < parts) {
      const ColumnBlock c = BlockOf(inputs, thread, parts);
      ProductColumns(dh, x.transpose(), c.begin, c.count, threads, grad_w1_);
    }
  });
  grad_b2_.noalias() = dz.rowwise().sum();
  double total = 0.0;  // in sample order, whatever the threads
  for (Eigen::Index j = 0; j < batch; ++j) total += double(per_sample_[j]);
  return total;
}

template <typename Scalar>
void TwoLayerRelu<Scalar>::AdamStep(const AdamOptions& adam,
                                    double learning_rate,
                                    double weight_decay) {
  if (weight_decay > 0.0) {
    const Scalar shrink = Scalar(1.0 - learning_rate * weight_decay);
    w1_ *= shrink;
    w2_ *= shrink;
  }
  w1_state_.Step(adam, learning_rate, grad_w1_, &w1_);
  b1_state_.Step(adam, learning_rate, grad_b1_, &b1_);
  w2_state_.Step(adam, learning_rate, grad_w2_, &w2_);
  b2_state_.Step(adam, learning_rate, grad_b2_, &b2_);
}

template class TwoLayerRelu<float>;
template class TwoLayerRelu<double>;

}  // namespace scalebench
