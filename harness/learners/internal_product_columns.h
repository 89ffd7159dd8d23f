// Columns of an Eigen matrix product, computed as Eigen's own `dst.noalias() = lhs * rhs` computes
// them when it runs with `eigen_threads` threads, but on the calling thread alone: the building
// block that lets two_layer_relu.cc split its products over the threads of one OpenMP region
// (whose waits sleep, harness/threads/wait_policy.h) instead of calling Eigen's parallel GEMM
// (whose threads wait for each other in empty spin loops), with the numbers of before.
//
// Why this reaches into Eigen's internals: Eigen 3.4 blocks the inner (depth) dimension
// differently when its GEMM runs on more than one thread (`computeProductBlockingSizes` with
// num_threads > 1 takes the largest depth block that fits L1, the single-threaded heuristic
// balances the blocks), so a float product's last bits depend on whether Eigen parallelised it.
// The committed runs of the non-single-threaded targets (fashion_mnist/mlp) were trained with
// Eigen's 2-thread products; to keep them reproducible, each column block here runs Eigen's own
// GEMM kernel (gemm_functor, as parallelize_gemm calls it) with the blocking Eigen would have
// chosen for the WHOLE product at that thread count. Per element, a GEMM's result depends only on
// the depth blocks and on where its row and column fall in the kernel's register tiles; callers
// keep block edges at multiples of kColumnAlign, so the tiles fall where they do in the whole.
// Products Eigen computes coefficient-wise (tiny) or as a matrix-vector product are never
// parallel in Eigen; their columns are computed by Eigen directly (each column on its own).
// tests/msp/mlp_threads_test.cc compares with Eigen's whole products at 1, 2 and 3 threads.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <type_traits>

static_assert(EIGEN_WORLD_VERSION == 3 && EIGEN_MAJOR_VERSION == 4,
              "internal_product_columns.h mirrors Eigen 3.4's GEMM dispatch "
              "(Eigen/src/Core/products/GeneralMatrixMatrix.h, Parallelizer.h)");

namespace scalebench::internal {

// Block edges (columns of a product, rows of a row sum) are multiples of this, and blocks are at
// least this wide: a multiple of every register-tile width and packet length of Eigen's kernels.
inline constexpr Eigen::Index kColumnAlign = 16;

// Columns [begin, begin + count) of the product of `parts` blocks of n columns, block `part`
// (the last one takes the rest).
struct ColumnBlock {
  Eigen::Index begin = 0, count = 0;
};

inline ColumnBlock BlockOf(Eigen::Index n, int part, int parts) {
  const Eigen::Index width = (n / parts) / kColumnAlign * kColumnAlign;
  const Eigen::Index begin = width * part;
  return {begin, part + 1 == parts ? n - begin : width};
}

// How many blocks n columns are cut into on `threads` threads: each at least kColumnAlign wide.
inline int Blocks(Eigen::Index n, int threads) {
  return int(std::max<Eigen::Index>(1, std::min<Eigen::Index>(threads, n / kColumnAlign)));
}

// Columns [begin, begin + count) of dst = lhs * rhs (dst is the whole m x n result, col-major;
// lhs and rhs plain matrices, blocks or their transposes), as Eigen computes them for
// `dst.noalias() = lhs * rhs` called outside a parallel region with Eigen::nbThreads() ==
// eigen_threads. Writes only those columns; runs on the calling thread.
template <typename Lhs, typename Rhs, typename Dst>
void ProductColumns(const Lhs& a_lhs,
                    const Rhs& a_rhs,
                    Eigen::Index begin,
                    Eigen::Index count,
                    int eigen_threads,
                    Dst&& dst) {
  using namespace Eigen;
  using namespace Eigen::internal;
  using Dest = std::decay_t<Dst>;
  using Scalar = typename Dest::Scalar;
  const Index m = dst.rows(), n = dst.cols(), depth = a_lhs.cols();
  const auto rhs_columns = a_rhs.middleCols(begin, count);
  auto columns = dst.middleCols(begin, count);
  // generic_product_impl<..., GemmProduct>::evalTo: coefficient-wise below
  // EIGEN_GEMM_TO_COEFFBASED_THRESHOLD (then so are the columns, and each is computed on its own).
  if (depth + m + n < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD && depth > 0) {
    if (count == n) {
      dst.noalias() = a_lhs * a_rhs;  // the same expression, traversed the same way
    } else {
      columns.noalias() = a_lhs * rhs_columns;
    }
    return;
  }
  columns.setZero();
  if (depth == 0) return;
  // scaleAndAddTo: a matrix-vector product for one row or column (never parallel; called
  // directly, so that narrow columns of a wide product do not fall under the threshold above).
  if (m == 1 || n == 1) {
    generic_product_impl<Lhs,
                         std::decay_t<decltype(rhs_columns)>,
                         DenseShape,
                         DenseShape,
                         GemmProduct>::scaleAndAddTo(columns, a_lhs, rhs_columns, Scalar(1));
    return;
  }
  using LhsBlasTraits = blas_traits<Lhs>;
  using RhsBlasTraits = blas_traits<Rhs>;
  using ActualLhs = typename remove_all<typename LhsBlasTraits::DirectLinearAccessType>::type;
  using ActualRhs = typename remove_all<typename RhsBlasTraits::DirectLinearAccessType>::type;
  static_assert(!(Dest::Flags & RowMajorBit), "dst must be column-major");
  using Gemm = general_matrix_matrix_product<Index,
                                             Scalar,
                                             (ActualLhs::Flags & RowMajorBit) ? RowMajor : ColMajor,
                                             bool(LhsBlasTraits::NeedToConjugate),
                                             Scalar,
                                             (ActualRhs::Flags & RowMajorBit) ? RowMajor : ColMajor,
                                             bool(RhsBlasTraits::NeedToConjugate),
                                             ColMajor,
                                             Dest::InnerStrideAtCompileTime>;
  using Blocking = gemm_blocking_space<ColMajor, Scalar, Scalar, Dynamic, Dynamic, Dynamic>;
  using Functor = gemm_functor<Scalar, Index, Gemm, ActualLhs, ActualRhs, Dest, Blocking>;
  // parallelize_gemm's thread count for the whole product (a column-major result is split by
  // columns, at least Traits::nr each, and ~50000 multiply-adds per thread).
  const Index by_size = std::max<Index>(1, n / Index(Gemm::Traits::nr));
  const double work = double(m) * double(n) * double(depth);
  const Index threads = std::min<Index>(
      eigen_threads, std::max<Index>(1, std::min<Index>(by_size, Index(work / 50000.0))));
  Blocking blocking(m, n, depth, 1, true);
  // gemm_functor::initParallelSession: the blocking of the parallel product.
  if (threads > 1) blocking.initParallel(m, n, depth, threads);
  // References where Eigen's own call has them (no copy of a plain matrix).
  typename add_const_on_value_type<typename LhsBlasTraits::DirectLinearAccessType>::type lhs =
      LhsBlasTraits::extract(a_lhs);
  typename add_const_on_value_type<typename RhsBlasTraits::DirectLinearAccessType>::type rhs =
      RhsBlasTraits::extract(a_rhs);
  const Scalar alpha = combine_scalar_factors(Scalar(1), a_lhs, a_rhs);
  Functor(lhs, rhs, dst, alpha, blocking)(0, m, begin, count, nullptr);
}

}  // namespace scalebench::internal
