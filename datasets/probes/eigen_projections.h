// Internal to datasets/probes: eigenvalues of a symmetric matrix together with the projections
// of a few vectors on its eigenvectors, without forming the eigenvectors.
//
// A probe of the task power needs u_k^T y for every eigenvector u_k of an n x n Gram matrix but
// only a handful of vectors y. Forming U costs about 4x the eigenvalues alone (Eigen's
// SelfAdjointEigenSolver at n = 2000: ~3 s with vectors, ~0.7 s without), so this routine
// tridiagonalises (G = Q T Q^T: LAPACK dsytrd, blocked, half its flops in level-3 BLAS; 0.57 s
// at n = 2000 on one thread against 1.24 s for Eigen's unblocked Tridiagonalization), applies
// Q^T to y (dormtr), and runs the implicit symmetric QR iteration of T (Eigen's own algorithm:
// Wilkinson shift, same deflation test) applying each Givens rotation to the m projected vectors
// instead of to an n x n matrix: O(n^3) for the tridiagonalisation plus O(n^2 m) for the rest.
// The kernel-PCA probe (kernel_pca.h) uses it too, instead of dsyevd with eigenvectors.
//
// Usage:
//   Eigen::VectorXd eigenvalues;  // decreasing
//   Eigen::MatrixXd projections;  // n x m: projections(k, c) = u_k^T rhs.col(c)
//   if (!internal::EigenProjections(gram, y, &eigenvalues, &projections)) ...;  // no convergence
#pragma once

#include <Eigen/Core>

namespace scalebench::internal {

// `matrix` is symmetric (taken by value: a temporary moves in and becomes the workspace); rhs has
// matrix.rows() rows. Returns false if LAPACK fails or the QR iteration does not converge (30 n
// sweeps, as Eigen).
bool EigenProjections(Eigen::MatrixXd matrix,
                      const Eigen::MatrixXd& rhs,
                      Eigen::VectorXd* eigenvalues,
                      Eigen::MatrixXd* projections);

}  // namespace scalebench::internal
