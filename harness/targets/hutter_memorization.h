// The exact target "hutter_memorization/alpha<alpha>": Hutter's (2021) memorization model
// ("Learning Curve Theory", arXiv:2102.04074). Features i = 1..K are drawn i.i.d. with
// p_i = i^-z / H_K(z), z = 1 + alpha (H_K(z) = sum_{i<=K} i^-z); the label of a feature is a
// fixed function of it, and the learner ("memorizer", harness/learners/memorizer.h) memorises
// every feature it has seen, so its 0-1 test error after D samples is the probability of the
// unseen features, E(D) = sum_i p_i 1[i unseen], computed exactly. Its expectation
//   E[E(D)] = sum_i p_i (1 - p_i)^D ~ D^-(alpha / (1 + alpha))
// (ExpectedError below), the exact data exponent. K = 1e15 by default: the probability mass
// beyond K, zeta(z, K + 1) / zeta(z) ~ K^(1-z) / ((z-1) zeta(z)), is 2.4e-8 for alpha = 0.5,
// 6e-16 for alpha = 1 and below 1e-30 for alpha = 2, a relative shift of E(1e6) of at most 2.6e-6
// (alpha = 0.5; tests/quanta), so the curve is that of the infinite Zipf law. Samples come from
// Hormann & Derflinger's rejection-inversion (ZipfSampler, datasets/generators/zipf.h), O(1) per
// draw for any K. Only the data axis is trained (the memorizer has no parameter count or steps).
// The profile is the frequency probe (datasets/probes/frequency_probe.h) on a sample of features
// drawn from its own random stream, independent of every training stream.
//
// The suite registers alpha = 0.5, 1.0, 2.0 (hutter_memorization/alpha0.5, ...); tests may build
// others:
//   HutterMemorizationOptions options;
//   options.alpha = 1.5;
//   HutterMemorizationTarget target(options);
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/generators/random.h"
#include "datasets/generators/zipf.h"
#include "datasets/probes/frequency_probe.h"
#include "harness/targets/target.h"

namespace scalebench {

struct HutterMemorizationOptions {
  double alpha = 1.0;                            // z = 1 + alpha, alpha > 0
  std::int64_t num_features = 1000000000000000;  // K = 1e15 (see the file comment)
  // Data sizes D and seeds; every seed draws one stream of max D samples and the curve is read off
  // its prefixes (one run per seed).
  SizeGrid data_sizes = SizeGrid::Log(1e3, 1e6, 10);
  int seeds = 8;
  std::uint64_t seed_base = 20261122;
  // The profile: the frequency probe on this many features from the probe stream.
  int probe_samples = 100000;
  FrequencyProbeOptions probe;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("alpha", alpha).Above(0.0).AtMost(20.0);
    f.Both("num_features", num_features).AtLeast(2);
    f.Design("data_sizes", data_sizes);
    f.Design("seeds", seeds).AtLeast(1);
    f.Both("seed_base", seed_base);
    f.Profile("probe_samples", probe_samples).AtLeast(100);
    f.Profile("probe", probe);
  }
};

class HutterMemorizationTarget final : public TargetWith<HutterMemorizationOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit HutterMemorizationTarget(const HutterMemorizationOptions& options);

  // The exact expected error sum_i p_i (1 - p_i)^D of the memorizer on Zipf(z) over 1..K, z > 1:
  // direct sum while D p_i > 1e-3, then sum p_i - D sum p_i^2 + D(D-1)/2 sum p_i^3 over the rest
  // (Hurwitz zeta; the neglected terms are O((D p)^3) relative).
  static double ExpectedError(double z, std::int64_t num_features, double data_size);

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // One seed's stream of max D features; the error at every D of the grid.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // The generating Zipf exponent z = 1 + alpha, exactly.
  std::optional<Profile> OracleProfile() const override;

 private:
  double Probability(std::int64_t feature) const;
  std::vector<std::int64_t> Draw(std::uint64_t stream, std::int64_t count) const;

  double z_;
  double normalisation_;  // H_K(z)
  ZipfSampler sampler_;
};

}  // namespace scalebench
