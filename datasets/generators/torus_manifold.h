// A smooth function on a d-dimensional manifold embedded in R^D: the data model of the
// data-manifold targets (harness/targets/data_manifold.h), Sharma & Kaplan's (2022,
// arXiv:2004.10802) picture of regression on a data manifold of intrinsic dimension d.
//
// The manifold is the flat torus T^d = [0, 1)^d with intrinsic (chart) coordinates u, drawn
// uniformly. It is embedded in R^D by D smooth periodic coordinates:
//   x_{2j}(u) = cos(2 pi u_j), x_{2j+1}(u) = sin(2 pi u_j)        j = 0..d-1 (the flat torus)
//   x_l(u) = c cos(2 pi k_l . u + phi_l)                            l = 2d..D-1
// with random integer frequencies 0 < |k_l|_inf <= embedding_frequency, random phases and
// c = embedding_distortion / sqrt(D - 2d). The first 2d coordinates alone are an injective
// embedding (|x(u) - x(v)| >= 4 |u - v|_torus), so the whole map is an embedding without
// self-intersection; the other D - 2d coordinates bend it and make its metric non-uniform and
// anisotropic, so that the points are not uniform on the embedded manifold and a probe that sees
// only x has to find d through a curved, unevenly stretched surface.
// The teacher is a fixed random trigonometric polynomial,
//   f(u) = sum_k a_k cos(2 pi k . u + psi_k),  0 < |k|_inf <= teacher_frequency (one of k, -k),
// a_k ~ N(0, 2 / #modes) so that E[Var f] = 1: smooth (analytic) and periodic, so a
// piecewise-linear model of it has no boundary to handle.
//
// Usage:
//   TorusManifoldOptions options;               // d = 2 in R^32
//   TorusManifold manifold(options);            // precondition: options.IsValid()
//   Eigen::MatrixXd u = manifold.Draw(stream, n);   // n x d, uniform on [0, 1)^d
//   Eigen::MatrixXd x = manifold.Embed(u);          // n x D
//   Eigen::VectorXd y = manifold.Teacher(u);        // n
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "common/fields.h"

namespace scalebench {

struct TorusManifoldOptions {
  int intrinsic_dim = 2;  // d
  int ambient_dim = 32;   // D >= 2d
  int teacher_frequency = 1;
  int embedding_frequency = 1;
  double embedding_distortion = 1.0;
  std::uint64_t seed = 1;  // draws the teacher's and the embedding's coefficients

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("intrinsic_dim", intrinsic_dim).AtLeast(1).AtMost(8);
    f.Field("ambient_dim", ambient_dim)
        .Check(ambient_dim >= 2 * intrinsic_dim,
               ">= 2 intrinsic_dim = " + FieldValueText(2 * intrinsic_dim) +
                   " (the flat-torus coordinates)")
        .AtMost(4096);
    f.Field("teacher_frequency", teacher_frequency).AtLeast(1).AtMost(4);
    f.Field("embedding_frequency", embedding_frequency).AtLeast(1).AtMost(4);
    f.Field("embedding_distortion", embedding_distortion).AtLeast(0.0).Finite();
    f.Field("seed", seed);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

class TorusManifold {
 public:
  // Precondition: options.IsValid().
  explicit TorusManifold(const TorusManifoldOptions& options);

  int intrinsic_dim() const { return options_.intrinsic_dim; }
  int ambient_dim() const { return options_.ambient_dim; }
  int teacher_modes() const { return static_cast<int>(teacher_.size()); }

  // n points uniform on [0, 1)^d from the stream Xoshiro256pp(stream), one per row; a prefix of
  // a longer draw equals a shorter draw.
  Eigen::MatrixXd Draw(std::uint64_t stream, int n) const;
  // The embedded points x(u), n x D.
  Eigen::MatrixXd Embed(const Eigen::MatrixXd& u) const;
  // f(u) at each row of u (any real coordinates: f is 1-periodic).
  Eigen::VectorXd Teacher(const Eigen::MatrixXd& u) const;
  double Teacher(const double* u) const;
  // The exact variance of f under uniform u: sum_k a_k^2 / 2.
  double TeacherVariance() const;

 private:
  struct Mode {
    std::vector<double> frequency;  // 2 pi k
    double amplitude = 0.0;
    double phase = 0.0;
  };
  static double Evaluate(const Mode& mode, const double* u, int d);

  TorusManifoldOptions options_;
  std::vector<Mode> teacher_;
  std::vector<Mode> embedding_;  // the coordinates 2d..D-1
};

}  // namespace scalebench
