#include "harness/learners/random_relu_features.h"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <cmath>

#include "common/size_grid.h"
#include "common/status.h"
#include "datasets/generators/random.h"

namespace scalebench {

using internal::Fail;

void UnscaledReluFeatures(const Eigen::MatrixXd& x,
                          int features,
                          std::uint64_t seed,
                          Eigen::MatrixXd* out) {
  const int d = static_cast<int>(x.cols());
  Eigen::MatrixXd w(d, features);
#pragma omp parallel for schedule(static)
  for (int j = 0; j < features; ++j) FillStandardNormal(MixSeed(seed, j), w.col(j).data(), d);
  w /= std::sqrt(double(d));
  out->resize(x.rows(), features);
  out->noalias() = x * w;
  *out = out->cwiseMax(0.0);
}

bool ReluFeatureParamsCurve(const Eigen::MatrixXd& f_train,
                            const Eigen::MatrixXd& f_test,
                            const Eigen::MatrixXd& y_train,
                            const Eigen::MatrixXd& y_test,
                            const std::vector<int>& sizes,
                            double ridge,
                            std::vector<double>* losses,
                            std::string* error) {
  const int n_max = static_cast<int>(f_train.cols());
  if (f_test.cols() != n_max || y_train.rows() != f_train.rows() ||
      y_test.rows() != f_test.rows() || y_train.cols() != y_test.cols()) {
    return Fail(error, "ReluFeatureParamsCurve: shapes disagree");
  }
  if (!(ridge > 0)) return Fail(error, "ReluFeatureParamsCurve: ridge must be > 0");
  if (std::string problem; !SizeGrid::CheckWithin(sizes, n_max, &problem)) {
    return Fail(error, "ReluFeatureParamsCurve: " + problem);
  }
  const Eigen::Index p = f_train.rows(), t = f_test.rows();
  Eigen::MatrixXd train_sum = Eigen::MatrixXd::Zero(p, p);  // sum_j f_j f_j^T (train x train)
  Eigen::MatrixXd cross_sum = Eigen::MatrixXd::Zero(t, p);  // test x train
  losses->clear();
  int done = 0;
  for (int n : sizes) {
    const int count = n - done;
    train_sum.noalias() +=
        f_train.middleCols(done, count) * f_train.middleCols(done, count).transpose();
    cross_sum.noalias() +=
        f_test.middleCols(done, count) * f_train.middleCols(done, count).transpose();
    done = n;
    Eigen::MatrixXd k = train_sum / double(n);
    k.diagonal().array() += ridge;
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(k);
    if (llt.info() != Eigen::Success) return Fail(error, "ReluFeatureParamsCurve: Cholesky failed");
    const Eigen::MatrixXd alpha = llt.solve(y_train);
    const Eigen::MatrixXd prediction = (cross_sum / double(n)) * alpha;
    losses->push_back((prediction - y_test).rowwise().squaredNorm().mean());
  }
  return true;
}

}  // namespace scalebench
