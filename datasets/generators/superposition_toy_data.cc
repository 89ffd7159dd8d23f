#include "datasets/generators/superposition_toy_data.h"

#include <cmath>

namespace scalebench {

void SparseBatch::Clear(int num_rows) {
  rows = num_rows;
  row.clear();
  feature.clear();
  value.clear();
}

SuperpositionToyData::SuperpositionToyData(int features, double alpha)
    : probability_(features), log_not_active_(features) {
  double total = 0.0;
  for (int i = 0; i < features; ++i) total += std::pow(double(i + 1), -alpha);
  for (int i = 0; i < features; ++i) {
    probability_[i] = std::pow(double(i + 1), -alpha) / total;
    log_not_active_[i] = std::log1p(-probability_[i]);
  }
}

double SuperpositionToyData::TailMass(int m) const {
  double mass = 0.0;
  for (int i = features() - 1; i >= m && i >= 0; --i) mass += probability_[i];  // small first
  return mass;
}

void SuperpositionToyData::Sample(Xoshiro256pp& rng, int rows, SparseBatch* out) const {
  out->Clear(rows);
  const int n = features();
  for (int i = 0; i < n; ++i) {
    const double log_q = log_not_active_[i];
    if (!std::isfinite(log_q)) {  // p_i = 1 (n = 1): every row is active
      for (int r = 0; r < rows; ++r) {
        out->row.push_back(r);
        out->feature.push_back(i);
        out->value.push_back(float(2.0 * rng.UniformOpen()));
      }
      continue;
    }
    // Gap before the next active row: P(gap = k) = (1 - p)^k p, k = floor(log U / log(1 - p)).
    double r = std::floor(std::log(rng.UniformOpen()) / log_q);
    while (r < rows) {
      out->row.push_back(int(r));
      out->feature.push_back(i);
      out->value.push_back(float(2.0 * rng.UniformOpen()));
      r += 1.0 + std::floor(std::log(rng.UniformOpen()) / log_q);
    }
  }
}

}  // namespace scalebench
