#include "datasets/probes/spectrum_probe.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <vector>

#include "common/status.h"
#include "datasets/probes/eigen_projections.h"
#include "datasets/probes/probe_info.h"

namespace scalebench {
namespace {

using internal::Fail;

// What one run of the probe reads off a sample.
struct Decomposition {
  Eigen::VectorXd eigenvalues;  // decreasing
  Eigen::VectorXd power;        // p_k
  double outside_power = 0.0;   // target power outside the span of the modes (d < n)
  int num_samples = 0;          // n of this (sub)sample
};

// 1-based, both ends included.
struct Window {
  int begin = 0;
  int end = 0;
};

struct Exponents {
  double b = 0.0, a = 0.0;
  double b_ols_se = 0.0, a_ols_se = 0.0;  // inflated for autocorrelation
  int tail_end = 0;                       // end of the tail window actually used
};

// G = kernel / n; p_k = |U^T y|_k^2 / n.
bool DecomposeGram(const Eigen::MatrixXd& kernel, const Eigen::MatrixXd& y, Decomposition* out) {
  const double n = static_cast<double>(kernel.rows());
  Eigen::MatrixXd projections;
  if (!internal::EigenProjections(kernel / n, y, &out->eigenvalues, &projections)) return false;
  out->power = projections.rowwise().squaredNorm() / n;
  out->outside_power = 0.0;
  out->num_samples = static_cast<int>(kernel.rows());
  return true;
}

// C = X^T X / n with eigenvectors v_k; the sample modes are u_k = X v_k / sqrt(n lambda_k), so
// u_k . y = v_k . X^T y / sqrt(n lambda_k) and p_k = (v_k . X^T y)^2 / (n^2 lambda_k).
bool DecomposeCovariance(const Eigen::MatrixXd& xtx,
                         const Eigen::MatrixXd& xty,
                         double n,
                         double total_power,
                         Decomposition* out) {
  Eigen::MatrixXd projections;
  if (!internal::EigenProjections(xtx / n, xty, &out->eigenvalues, &projections)) return false;
  const Eigen::Index d = out->eigenvalues.size();
  const double cutoff = 1e-12 * std::max(out->eigenvalues[0], 0.0);
  out->power.resize(d);
  for (Eigen::Index k = 0; k < d; ++k) {
    const double lambda = out->eigenvalues[k];
    out->power[k] = lambda > cutoff ? projections.row(k).squaredNorm() / (n * n * lambda) : 0.0;
  }
  out->outside_power = std::max(0.0, total_power - out->power.sum());
  out->num_samples = static_cast<int>(n);
  return true;
}

// First-order finite-sample corrections (see the header). With S_k = sum_{j>k} lambda_j:
//   lambda_k ~ (lambda^_k - S^_k / n) / (1 - k / n)
// undoes the lift of a sample eigenvalue by the unresolved modes below it and the pull-down by
// the resolved modes above it (lambda^_k ~ lambda_k (1 - k/n) + S_k / n).
Eigen::VectorXd CorrectedEigenvalues(const Eigen::VectorXd& sample, int n) {
  const Eigen::Index m = sample.size();
  Eigen::VectorXd corrected(m);
  double below = 0.0;  // S^_k
  for (Eigen::Index k = m - 1; k >= 0; --k) {
    const double rank = static_cast<double>(k + 1);
    corrected[k] = rank < n ? (sample[k] - below / n) / (1.0 - rank / n) : 0.0;
    below += sample[k];
  }
  return corrected;
}

// p_k ~ p^_k - (lambda^_k^2 / n) sum_{j<k} p^_j / lambda^_j^2 removes the power that leaks into
// sample mode k from the strong modes above it (their eigenvectors overlap mode k by
// ~ lambda_k / (n lambda_j)); clamped at 0.
Eigen::VectorXd CorrectedPower(const Decomposition& dec, int n) {
  const Eigen::Index m = dec.power.size();
  Eigen::VectorXd corrected(m);
  double above = 0.0;  // sum_{j<k} p^_j / lambda^_j^2
  for (Eigen::Index k = 0; k < m; ++k) {
    const double lambda = dec.eigenvalues[k];
    corrected[k] = std::max(0.0, dec.power[k] - lambda * lambda / n * above);
    if (lambda > 0.0) above += dec.power[k] / (lambda * lambda);
  }
  return corrected;
}

// T(k) = outside + sum_{j >= k} p_j, summed from the small end (no cancellation).
Eigen::VectorXd TailSums(const Eigen::VectorXd& power, double outside_power) {
  const Eigen::Index m = power.size();
  Eigen::VectorXd tail(m);
  double sum = outside_power;
  for (Eigen::Index k = m - 1; k >= 0; --k) {
    sum += power[k];
    tail[k] = sum;
  }
  return tail;
}

// Least-squares slope of log v_k against log k over the window (positive v_k only), and its OLS
// standard error inflated by sqrt((1 + rho) / (1 - rho)) for the lag-1 residual autocorrelation.
// `shift` is subtracted from k (see FitExponents).
bool LogLogSlope(
    const Eigen::VectorXd& values, Window window, double shift, double* slope, double* se) {
  std::vector<double> xs, ys;
  for (int k = window.begin; k <= window.end && k <= values.size(); ++k) {
    if (values[k - 1] > 0.0) {
      xs.push_back(std::log(static_cast<double>(k) - shift));
      ys.push_back(std::log(values[k - 1]));
    }
  }
  const int m = static_cast<int>(xs.size());
  if (m < 3) return false;
  double mx = 0.0, my = 0.0;
  for (int i = 0; i < m; ++i) mx += xs[i] / m, my += ys[i] / m;
  double sxx = 0.0, sxy = 0.0;
  for (int i = 0; i < m; ++i)
    sxx += (xs[i] - mx) * (xs[i] - mx), sxy += (xs[i] - mx) * (ys[i] - my);
  *slope = sxy / sxx;
  std::vector<double> r(m);
  double rss = 0.0;
  for (int i = 0; i < m; ++i) r[i] = ys[i] - my - *slope * (xs[i] - mx), rss += r[i] * r[i];
  double lag = 0.0;
  for (int i = 1; i < m; ++i) lag += r[i] * r[i - 1];
  const double rho = rss > 0.0 ? std::clamp(lag / rss, 0.0, 0.99) : 0.0;
  *se = std::sqrt(rss / (m - 2) / sxx) * std::sqrt((1.0 + rho) / (1.0 - rho));
  return true;
}

// The tail is regressed on log(k - 1/2): sum_{j>=k} j^-a = (k - 1/2)^(1-a) / (a - 1) up to
// O(k^-a-1) (midpoint rule), so small k carry no discreteness bias.
bool FitExponents(const Decomposition& dec,
                  bool correct,
                  double max_tail_correction,
                  Window spectrum,
                  Window tail,
                  Exponents* out) {
  const int n = dec.num_samples;
  const Eigen::VectorXd eigenvalues =
      correct ? CorrectedEigenvalues(dec.eigenvalues, n) : dec.eigenvalues;
  double slope = 0.0;
  if (!LogLogSlope(eigenvalues, spectrum, 0.0, &slope, &out->b_ols_se)) return false;
  out->b = -slope;
  const Eigen::VectorXd raw_tail = TailSums(dec.power, dec.outside_power);
  Eigen::VectorXd tail_sums = raw_tail;
  if (correct) {
    tail_sums = TailSums(CorrectedPower(dec, n), dec.outside_power);
    // A first-order correction is only trusted while it is small: end the window where it
    // removes more than max_tail_correction of the raw tail (steep tasks, where leakage wins).
    for (int k = tail.begin; k <= tail.end && k <= tail_sums.size(); ++k) {
      if (tail_sums[k - 1] < (1.0 - max_tail_correction) * raw_tail[k - 1]) {
        tail.end = k - 1;
        break;
      }
    }
  }
  if (!LogLogSlope(tail_sums, tail, 0.5, &slope, &out->a_ols_se)) return false;
  out->a = 1.0 - slope;
  out->tail_end = tail.end;
  return true;
}

// Window [min_mode, floor(fraction * n)], cut at the numerical rank of the spectrum.
Window MakeWindow(int min_mode, double fraction, int n, const Eigen::VectorXd& eigenvalues) {
  int rank = 0;
  const double cutoff = 1e-12 * std::max(eigenvalues[0], 0.0);
  while (rank < eigenvalues.size() && eigenvalues[rank] > cutoff) ++rank;
  return {min_mode, std::min(static_cast<int>(std::floor(fraction * n)), rank)};
}

// Mean and its standard error.
Measurement SampleMean(const Eigen::VectorXd& v, const std::string& method) {
  const double n = static_cast<double>(v.size());
  Measurement m;
  m.value = v.mean();
  m.std_error = n > 1 ? std::sqrt((v.array() - m.value).square().sum() / (n - 1) / n) : NAN;
  m.method = method;
  return m;
}

// Indices of the samples kept when group g of `groups` is left out.
std::vector<Eigen::Index> KeptIndices(int n, int groups, int g) {
  const int begin = static_cast<int>(static_cast<long>(n) * g / groups);
  const int end = static_cast<int>(static_cast<long>(n) * (g + 1) / groups);
  std::vector<Eigen::Index> kept;
  for (int i = 0; i < n; ++i) {
    if (i < begin || i >= end) kept.push_back(i);
  }
  return kept;
}

// sqrt((G - 1) / G sum (theta_g - mean)^2).
double JackknifeSe(const std::vector<double>& replicates) {
  const double g = static_cast<double>(replicates.size());
  double mean = 0.0;
  for (double r : replicates) mean += r / g;
  double ss = 0.0;
  for (double r : replicates) ss += (r - mean) * (r - mean);
  return std::sqrt((g - 1.0) / g * ss);
}

// Decomposes the sample with group g of `groups` left out (g < 0: the whole sample).
using Decomposer = std::function<bool(int g, int groups, Decomposition* out)>;

bool DecomposeGramGroup(const Eigen::MatrixXd& kernel,
                        const Eigen::MatrixXd& y,
                        int g,
                        int groups,
                        Decomposition* out) {
  if (g < 0) return DecomposeGram(kernel, y, out);
  const auto kept = KeptIndices(static_cast<int>(kernel.rows()), groups, g);
  return DecomposeGram(kernel(kept, kept), y(kept, Eigen::all), out);
}

// The group's contribution is subtracted from the full X^T X and X^T y (a cheap downdate).
bool DecomposeCovarianceGroup(const Eigen::MatrixXd& x,
                              const Eigen::MatrixXd& y,
                              const Eigen::MatrixXd& xtx,
                              const Eigen::MatrixXd& xty,
                              int g,
                              int groups,
                              Decomposition* out) {
  const int n = static_cast<int>(x.rows());
  if (g < 0) return DecomposeCovariance(xtx, xty, n, y.squaredNorm() / n, out);
  const int begin = static_cast<int>(static_cast<long>(n) * g / groups);
  const int end = static_cast<int>(static_cast<long>(n) * (g + 1) / groups);
  const auto xg = x.middleRows(begin, end - begin);
  const auto yg = y.middleRows(begin, end - begin);
  const int kept = n - (end - begin);
  const double total = (y.squaredNorm() - yg.squaredNorm()) / kept;
  return DecomposeCovariance(
      xtx - xg.transpose() * xg, xty - xg.transpose() * yg, kept, total, out);
}

std::string WindowText(Window w) {
  return "k in [" + std::to_string(w.begin) + ", " + std::to_string(w.end) + "]";
}

// Runs the probe: the full sample, the windows, the jackknife replicates, the measurements.
bool RunProbe(const Decomposer& decompose,
              int n,
              const std::string& kernel_text,
              const SpectrumProbeOptions& options,
              SpectrumProbeResult* result,
              std::string* error) {
  Decomposition full;
  if (!decompose(-1, 0, &full)) return Fail(error, "eigendecomposition did not converge");
  const Window spectrum =
      MakeWindow(options.spectrum_min_mode, options.spectrum_max_fraction, n, full.eigenvalues);
  const Window tail =
      MakeWindow(options.tail_min_mode, options.tail_max_fraction, n, full.eigenvalues);
  const bool correct = options.finite_sample_correction;
  Exponents exponents;
  if (!FitExponents(full, correct, options.max_tail_correction, spectrum, tail, &exponents)) {
    return Fail(error,
                "fewer than 3 usable modes in the spectrum window " + WindowText(spectrum) +
                    " or the tail window " + WindowText(tail) + " (n = " + std::to_string(n) + ")");
  }

  const int groups = options.jackknife_groups;
  std::vector<double> b_replicates(groups), a_replicates(groups);
  std::vector<char> ok(groups, 0);
  // Replicates are independent; the tridiagonalisation is single-threaded, so run them in parallel.
#pragma omp parallel for schedule(dynamic)
  for (int g = 0; g < groups; ++g) {
    Decomposition dec;
    Exponents e;
    if (decompose(g, groups, &dec) &&
        FitExponents(dec, correct, options.max_tail_correction, spectrum, tail, &e)) {
      b_replicates[g] = e.b;
      a_replicates[g] = e.a;
      ok[g] = 1;
    }
  }
  if (std::count(ok.begin(), ok.end(), 0) > 0) return Fail(error, "a jackknife replicate failed");

  const std::string sample = kernel_text + ", n = " + std::to_string(n);
  const std::string corrected = correct ? "first-order finite-sample corrected " : "";
  const std::string se_text =
      groups > 0 ? "; SE: delete-a-group jackknife, " + std::to_string(groups) + " groups"
                 : "; SE: OLS, inflated for lag-1 residual autocorrelation";
  result->num_samples = n;
  result->eigenvalues = full.eigenvalues;
  result->target_power = full.power;
  result->spectrum_decay = {exponents.b,
                            groups > 0 ? JackknifeSe(b_replicates) : exponents.b_ols_se,
                            "least-squares slope of log " + corrected + "lambda_k vs log k, " +
                                WindowText(spectrum) + ", " + sample + se_text};
  result->task_power_decay = {exponents.a,
                              groups > 0 ? JackknifeSe(a_replicates) : exponents.a_ols_se,
                              "1 + least-squares decay of log T(k) = sum_{j>=k} p_j (" + corrected +
                                  "p_k) vs log(k - 1/2), " +
                                  WindowText({tail.begin, exponents.tail_end}) + ", " + sample +
                                  se_text};
  return true;
}

}  // namespace

namespace {

bool CheckShapes(Eigen::Index n,
                 const Eigen::MatrixXd& y,
                 const SpectrumProbeOptions& options,
                 std::string* error) {
  if (!options.IsValid(error)) return false;
  if (y.rows() != n)
    return Fail(error,
                "y has " + std::to_string(y.rows()) + " rows, inputs have " + std::to_string(n));
  if (y.cols() < 1) return Fail(error, "y has no columns");
  if (n < 2 * std::max(options.jackknife_groups, 2)) {
    return Fail(error, "n = " + std::to_string(n) + " samples is too few");
  }
  return true;
}

// Mean over the samples of |y_i|^2 (summed over outputs).
Measurement TotalPower(const Eigen::MatrixXd& y, const std::string& sample) {
  return SampleMean(y.rowwise().squaredNorm(), "mean of |y|^2 over the probe sample, " + sample);
}

}  // namespace

bool MeasureSpectrumFromGram(const Eigen::MatrixXd& kernel,
                             const Eigen::MatrixXd& y,
                             const SpectrumProbeOptions& options,
                             SpectrumProbeResult* result,
                             std::string* error) {
  const Eigen::Index n = kernel.rows();
  if (kernel.cols() != n) return Fail(error, "kernel is not square");
  if (!CheckShapes(n, y, options, error)) return false;
  const Decomposer decompose = [&](int g, int groups, Decomposition* out) {
    return DecomposeGramGroup(kernel, y, g, groups, out);
  };
  if (!RunProbe(decompose,
                static_cast<int>(n),
                "kernel PCA of the uncentred Gram matrix K/n",
                options,
                result,
                error)) {
    return false;
  }
  const std::string sample = "n = " + std::to_string(n);
  result->total_target_power = TotalPower(y, sample);
  result->spectrum_trace = SampleMean(kernel.diagonal(), "trace of K/n (mean k(x, x)), " + sample);
  return true;
}

bool MeasureSpectrum(const Eigen::MatrixXd& x,
                     const Eigen::MatrixXd& y,
                     const SpectrumProbeOptions& options,
                     SpectrumProbeResult* result,
                     std::string* error) {
  const Eigen::Index n = x.rows();
  if (!CheckShapes(n, y, options, error)) return false;
  bool ok = false;
  if (x.cols() >= n) {
    Eigen::MatrixXd kernel(n, n);
    kernel.noalias() = x * x.transpose();
    const Decomposer decompose = [&](int g, int groups, Decomposition* out) {
      return DecomposeGramGroup(kernel, y, g, groups, out);
    };
    ok = RunProbe(decompose,
                  static_cast<int>(n),
                  "kernel PCA, linear kernel, uncentred Gram X X^T/n",
                  options,
                  result,
                  error);
  } else {
    const Eigen::MatrixXd xtx = x.transpose() * x;
    const Eigen::MatrixXd xty = x.transpose() * y;
    const Decomposer decompose = [&](int g, int groups, Decomposition* out) {
      return DecomposeCovarianceGroup(x, y, xtx, xty, g, groups, out);
    };
    ok = RunProbe(decompose,
                  static_cast<int>(n),
                  "PCA of the uncentred covariance X^T X/n (d < n)",
                  options,
                  result,
                  error);
  }
  if (!ok) return false;
  const std::string sample = "n = " + std::to_string(n);
  result->total_target_power = TotalPower(y, sample);
  result->spectrum_trace =
      SampleMean(x.rowwise().squaredNorm(), "trace of X^T X/n (mean |x|^2), " + sample);
  return true;
}

namespace {

// Mean of the replicates' values; SE = their spread / sqrt(R).
Measurement ReplicateMean(const std::vector<SpectrumProbeResult>& replicates,
                          const Measurement SpectrumProbeResult::*field) {
  const double r = static_cast<double>(replicates.size());
  double mean = 0.0;
  for (const auto& rep : replicates) mean += (rep.*field).value / r;
  double ss = 0.0;
  for (const auto& rep : replicates) ss += std::pow((rep.*field).value - mean, 2);
  std::ostringstream method;
  method << "mean of " << replicates.size()
         << " independent samples, each: " << (replicates[0].*field).method
         << "; SE of the mean from the spread of the samples";
  return {mean, std::sqrt(ss / (r - 1.0) / r), method.str()};
}

}  // namespace

bool CombineSpectrumReplicates(const std::vector<SpectrumProbeResult>& replicates,
                               SpectrumProbeResult* combined,
                               std::string* error) {
  if (replicates.size() < 2) return Fail(error, "need at least 2 replicates to combine");
  const SpectrumProbeResult& first = replicates[0];
  for (const auto& rep : replicates) {
    if (rep.num_samples != first.num_samples ||
        rep.eigenvalues.size() != first.eigenvalues.size()) {
      return Fail(error, "replicates differ in sample size");
    }
  }
  const double r = static_cast<double>(replicates.size());
  combined->num_samples = first.num_samples;
  combined->eigenvalues = Eigen::VectorXd::Zero(first.eigenvalues.size());
  combined->target_power = Eigen::VectorXd::Zero(first.target_power.size());
  for (const auto& rep : replicates) {
    combined->eigenvalues += rep.eigenvalues / r;
    combined->target_power += rep.target_power / r;
  }
  combined->spectrum_decay = ReplicateMean(replicates, &SpectrumProbeResult::spectrum_decay);
  combined->task_power_decay = ReplicateMean(replicates, &SpectrumProbeResult::task_power_decay);
  combined->total_target_power =
      ReplicateMean(replicates, &SpectrumProbeResult::total_target_power);
  combined->spectrum_trace = ReplicateMean(replicates, &SpectrumProbeResult::spectrum_trace);
  return true;
}

ProbeInfo SpectrumProbeInfo() {
  return {
      "spectrum",
      "datasets/probes/spectrum_probe.h",
      "n samples x d inputs (linear kernel) or an n x n kernel matrix, and n x C targets",
      "eigen-decomposition of the Gram matrix / n (own solver), log-log fits of lambda_k and of "
      "the tail sum of p_k over a window; jackknife standard errors",
      {Property::kSpectrumDecay,
       Property::kTaskPowerDecay,
       Property::kTotalTargetPower,
       Property::kSpectrumTrace},
      {Series::kEigenvalues, Series::kTargetPower}};
}

}  // namespace scalebench
