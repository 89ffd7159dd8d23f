#include "datasets/generators/power_law_gaussian.h"

#include <cmath>
#include <sstream>

#include "datasets/generators/random.h"

namespace scalebench {

bool PowerLawGaussianDesignOptions::IsValid(std::string* error) const {
  std::ostringstream message;
  if (!(spectrum_decay > 0.0) || !std::isfinite(spectrum_decay)) {
    message << "spectrum_decay = " << spectrum_decay << " must be finite and > 0";
  } else if (!(task_power_decay > 0.0) || !std::isfinite(task_power_decay)) {
    message << "task_power_decay = " << task_power_decay << " must be finite and > 0";
  } else if (num_modes < 1) {
    message << "num_modes = " << num_modes << " must be >= 1";
  } else {
    return true;
  }
  if (error != nullptr) *error = message.str();
  return false;
}

PowerLawGaussianDesign::PowerLawGaussianDesign(const PowerLawGaussianDesignOptions& options)
    : options_(options), eigenvalues_(options.num_modes), teacher_(options.num_modes) {
  const double b = options.spectrum_decay;
  const double a = options.task_power_decay;
  for (int k = 1; k <= options.num_modes; ++k) {
    eigenvalues_[k - 1] = std::pow(static_cast<double>(k), -b);
    teacher_[k - 1] = std::pow(static_cast<double>(k), 0.5 * (b - a));
  }
}

namespace {

// Fills *out (rows x count) with columns first..first+count of the draw: column k is the stream
// MixSeed(seed, k), times scale[k] if scale is given.
void SampleColumns(std::uint64_t seed,
                   int rows,
                   int first,
                   int count,
                   const Eigen::VectorXd* scale,
                   Eigen::MatrixXd* out) {
  out->resize(rows, count);
  // Columns are independent streams, so the schedule only affects speed, not values.
#pragma omp parallel for schedule(static)
  for (int c = 0; c < count; ++c) {
    const int k = first + c;
    FillStandardNormal(MixSeed(seed, static_cast<std::uint64_t>(k)), out->col(c).data(), rows);
    if (scale != nullptr) out->col(c) *= std::sqrt((*scale)[k]);
  }
}

}  // namespace

Eigen::MatrixXd PowerLawGaussianDesign::SampleStandardNormal(std::uint64_t seed, int rows) const {
  Eigen::MatrixXd z;
  SampleStandardNormal(seed, rows, &z);
  return z;
}

void PowerLawGaussianDesign::SampleStandardNormal(std::uint64_t seed,
                                                  int rows,
                                                  Eigen::MatrixXd* out) const {
  SampleColumns(seed, rows, 0, options_.num_modes, nullptr, out);
}

void PowerLawGaussianDesign::SampleStandardNormalBlock(
    std::uint64_t seed, int rows, int first_mode, int num_modes, Eigen::MatrixXd* out) const {
  SampleColumns(seed, rows, first_mode, num_modes, nullptr, out);
}

Eigen::MatrixXd PowerLawGaussianDesign::SampleInputs(std::uint64_t seed, int rows) const {
  Eigen::MatrixXd x;
  SampleInputs(seed, rows, &x);
  return x;
}

void PowerLawGaussianDesign::SampleInputs(std::uint64_t seed,
                                          int rows,
                                          Eigen::MatrixXd* out) const {
  SampleColumns(seed, rows, 0, options_.num_modes, &eigenvalues_, out);
}

void PowerLawGaussianDesign::SampleInputBlock(
    std::uint64_t seed, int rows, int first_mode, int num_modes, Eigen::MatrixXd* out) const {
  SampleColumns(seed, rows, first_mode, num_modes, &eigenvalues_, out);
}

Eigen::VectorXd PowerLawGaussianDesign::Labels(const Eigen::MatrixXd& inputs) const {
  return inputs * teacher_;
}

double PowerLawGaussianDesign::TotalTargetPower() const {
  return eigenvalues_.dot(teacher_.cwiseAbs2());
}

}  // namespace scalebench
