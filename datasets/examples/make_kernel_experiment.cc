// Writes the example experiment's data and learning curve (datasets/examples/kernel_experiment.*):
// 1200 points of a 2-dimensional torus embedded in R^8 (the project's own generator,
// datasets/generators/torus_manifold.h) labelled by one sample of the Gaussian process whose
// covariance is the Laplace kernel of width 2 (the teacher-student setting of Spigler, Geiger &
// Wyart 2020, whose prediction for it is an exponent 1/d = 0.5), saved as
// kernel_experiment_features.npy (1200 x 8) and kernel_experiment_labels.npy (1200), and the test
// MSE of Laplace kernel ridge regression (harness/learners/kernel_ridge.h: the same kernel, ridge
// 1e-6, double-precision Cholesky) trained on the first P rows for P = 25, 50, ..., 800 (nested
// prefixes: one run per size) and tested on the last 400 rows, saved as
// kernel_experiment_curve.csv (size,loss). The experiment file kernel_experiment.toml is written
// by hand.
//
//   cmake --build --preset release --target make_kernel_experiment
//   build/release/tests/make_kernel_experiment datasets/examples
//
// tests/experiment/example_test.cc reruns it into a scratch folder and compares with the
// committed files, so the committed curve is what the project's learner gives.
#include <fmt/core.h>

#include <Eigen/Cholesky>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/generators/torus_manifold.h"
#include "harness/io/matrix_file.h"
#include "harness/learners/kernel_ridge.h"

namespace {

constexpr int kPoints = 1200, kTest = 400;

int Main(const std::string& folder) {
  using namespace scalebench;
  TorusManifoldOptions torus;
  torus.intrinsic_dim = 2;
  torus.ambient_dim = 8;
  torus.teacher_frequency = 2;
  torus.seed = 2026;
  const TorusManifold manifold(torus);
  const Eigen::MatrixXd u = manifold.Draw(/*stream=*/11, kPoints);
  const Eigen::MatrixXd x = manifold.Embed(u);
  // The teacher: one sample of the Gaussian process whose covariance is the student's own kernel
  // (Spigler, Geiger & Wyart's teacher-student setting), y = L z with K = L L^T on all points.
  KernelOptions kernel;
  kernel.kind = KernelKind::kLaplace;
  kernel.width = 2.0;
  Eigen::MatrixXd gram;
  KernelMatrix(x, x, kernel, &gram);
  gram.diagonal().array() += 1e-9;
  Eigen::VectorXd z(kPoints);
  FillStandardNormal(/*seed=*/12, z.data(), z.size());
  const Eigen::VectorXd teacher = gram.llt().matrixL() * z;
  const Eigen::MatrixXd y = teacher;
  std::string error;
  const std::string stem = folder + "/kernel_experiment";
  if (!WriteNpy(stem + "_features.npy", x, &error) ||
      !WriteNpy(stem + "_labels.npy", y, &error, /*as_vector=*/true)) {
    std::cerr << error << "\n";
    return 1;
  }
  const int train = kPoints - kTest;
  const Eigen::MatrixXd x_train = x.topRows(train), x_test = x.bottomRows(kTest);
  Eigen::MatrixXd train_gram, cross_gram;
  KernelMatrix(x_train, x_train, kernel, &train_gram);
  KernelMatrix(x_test, x_train, kernel, &cross_gram);
  const std::vector<int> sizes = {25, 50, 100, 200, 400, 800};
  std::vector<double> losses;
  KernelRidgeTimings timings;
  if (!KernelRidgeCurve(train_gram,
                        cross_gram,
                        y.topRows(train),
                        y.bottomRows(kTest),
                        sizes,
                        1e-6,
                        KernelPrecision::kDouble,
                        &losses,
                        &timings,
                        &error)) {
    std::cerr << error << "\n";
    return 1;
  }
  std::ofstream csv(stem + "_curve.csv");
  csv << "# Laplace kernel ridge (width 2, ridge 1e-6) on kernel_experiment_features.npy: test MSE "
         "on the last 400 rows, trained on the first P rows (datasets/examples/"
         "make_kernel_experiment.cc)\nsize,loss\n";
  for (std::size_t i = 0; i < sizes.size(); ++i)
    csv << fmt::format("{},{:.10g}\n", sizes[i], losses[i]);
  if (!csv) {
    std::cerr << stem << "_curve.csv: cannot write\n";
    return 1;
  }
  std::cout << "wrote " << stem << "_features.npy, _labels.npy, _curve.csv\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_kernel_experiment FOLDER\n";
    return 2;
  }
  return Main(argv[1]);
}
