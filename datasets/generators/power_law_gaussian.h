// A Gaussian design with a power-law spectrum and a power-law teacher: the exact synthetic target
// of the spectral theories (lit-spectral.md 0.1).
//
// In the eigenbasis of the input covariance, x_k = sqrt(lambda_k) z_k with z_k ~ N(0, 1) i.i.d.,
// lambda_k = k^-b for the modes k = 1..d, and the noiseless label is y = sum_k w_k x_k with
// w_k = k^((b - a) / 2) > 0, so that the target power per mode is p_k = lambda_k w_k^2 = k^-a
// exactly. The truncation at d modes is the only departure from the infinite power law.
//
// Usage:
//   PowerLawGaussianDesignOptions options;
//   options.spectrum_decay = 1.5;  // b
//   options.task_power_decay = 2;  // a
//   options.num_modes = 32768;     // d
//   std::string error;
//   if (!options.IsValid(&error)) ...;
//   PowerLawGaussianDesign design(options);
//   Eigen::MatrixXd x = design.SampleInputs(seed, 512);   // 512 x d
//   Eigen::VectorXd y = design.Labels(x);
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>

namespace scalebench {

struct PowerLawGaussianDesignOptions {
  double spectrum_decay = 1.5;    // b > 0: lambda_k = k^-b
  double task_power_decay = 2.0;  // a > 0: p_k = lambda_k w_k^2 = k^-a
  int num_modes = 32768;          // d >= 1

  bool IsValid(std::string* error) const;
};

class PowerLawGaussianDesign {
 public:
  // Precondition: options.IsValid().
  explicit PowerLawGaussianDesign(const PowerLawGaussianDesignOptions& options);

  const PowerLawGaussianDesignOptions& options() const { return options_; }
  int num_modes() const { return options_.num_modes; }
  // lambda_k, k = 1..d (index k - 1): the diagonal of the population covariance.
  const Eigen::VectorXd& eigenvalues() const { return eigenvalues_; }
  // w_k: the teacher in the same coordinates.
  const Eigen::VectorXd& teacher() const { return teacher_; }

  // Draws `rows` inputs (rows x d). Column k is the stream MixSeed(seed, k), so the result does
  // not depend on the thread count, and the first r rows of a draw of R > r rows equal a draw of
  // r rows: learning curves use nested prefixes of one draw. Columns are drawn in parallel.
  Eigen::MatrixXd SampleInputs(std::uint64_t seed, int rows) const;
  // The same draw into *out, reusing its memory when the shape matches. Worth it: first-touching
  // a fresh 512 x 32768 matrix costs ~0.35 s of page faults on the benchmark VM, 10x the draw.
  void SampleInputs(std::uint64_t seed, int rows, Eigen::MatrixXd* out) const;
  // Columns [first_mode, first_mode + num_modes) of SampleInputs(seed, rows), so that a Gram
  // matrix can be accumulated block by block without holding all of X.
  void SampleInputBlock(
      std::uint64_t seed, int rows, int first_mode, int num_modes, Eigen::MatrixXd* out) const;
  // Standard normal matrix (rows x d) of the same streams, i.e. SampleInputs before the scaling
  // by sqrt(lambda): the random projections of the params axis.
  Eigen::MatrixXd SampleStandardNormal(std::uint64_t seed, int rows) const;
  // Columns [first_mode, first_mode + num_modes) of SampleStandardNormal(seed, rows).
  void SampleStandardNormalBlock(
      std::uint64_t seed, int rows, int first_mode, int num_modes, Eigen::MatrixXd* out) const;
  void SampleStandardNormal(std::uint64_t seed, int rows, Eigen::MatrixXd* out) const;
  // Noiseless labels y = x w (rows x 1).
  Eigen::VectorXd Labels(const Eigen::MatrixXd& inputs) const;
  // Population mean of y^2: sum_k p_k.
  double TotalTargetPower() const;

 private:
  PowerLawGaussianDesignOptions options_;
  Eigen::VectorXd eigenvalues_;
  Eigen::VectorXd teacher_;
};

}  // namespace scalebench
