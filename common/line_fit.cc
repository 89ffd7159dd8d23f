#include "common/line_fit.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace scalebench::internal {

LineFit FitLine(const std::vector<double>& x,
                const std::vector<double>& y,
                double max_residual_correlation) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  LineFit fit;
  fit.slope = sxy / sxx;
  std::vector<double> residual(x.size());
  double rss = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    residual[i] = y[i] - my - fit.slope * (x[i] - mx);
    rss += residual[i] * residual[i];
  }
  double lag1 = 0;
  for (std::size_t i = 1; i < x.size(); ++i) lag1 += residual[i] * residual[i - 1];
  const double rho = rss > 0 ? std::clamp(lag1 / rss, 0.0, max_residual_correlation) : 0.0;
  fit.std_error = x.size() > 2 ? std::sqrt(rss / (n - 2) / sxx * (1 + rho) / (1 - rho)) : 0.0;
  return fit;
}

LineFit FitLogLog(const std::vector<double>& x,
                  const std::vector<double>& y,
                  double max_residual_correlation) {
  std::vector<double> lx(x.size()), ly(y.size());
  for (std::size_t i = 0; i < x.size(); ++i) lx[i] = std::log(x[i]), ly[i] = std::log(y[i]);
  return FitLine(lx, ly, max_residual_correlation);
}

std::optional<double> LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int count = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(y[i] > 0) || !(x[i] > 0)) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    ++count;
  }
  if (count < 3) return std::nullopt;
  const double denom = count * sxx - sx * sx;
  if (!(denom > 0)) return std::nullopt;
  const double slope = (count * sxy - sx * sy) / denom;
  return std::isfinite(slope) ? std::optional<double>(slope) : std::nullopt;
}

}  // namespace scalebench::internal
