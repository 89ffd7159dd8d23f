// The exact targets "santa_fe/z<z>": Debowski's Santa Fe process (datasets/generators/santa_fe.h),
// the home of Debowski's Zipf => Heaps => Hilberg => neural-scaling chain
// (theories/corpus/debowski_hilberg.cc; arXiv:2512.13491 illustrates the chain on it). Words are
// X_i = (K_i, Z_{K_i}), K_i i.i.d. Zipf p_k ~ k^-z on {1..K}, Z_k fixed random bits (the facts).
// Every link of the chain holds here: Zipf exponent z; Heaps exponent h = 1/z (distinct words =
// distinct facts); Hilberg's block entropy H(X_1^n) = n H(K) + ln 2 E[V(n)] with E[V(n)] ~
// n^(1/z); and the optimal predictor's excess loss is exactly ln 2 E[M_n] ~ n^(1/z - 1). The
// learner below is not told the law but falls at the same rate (argued in its header, measured
// here), so the data exponent is 1 - h = 1 - 1/z (exact_exponents).
//
// The learner (harness/learners/good_turing_memorizer.h) learns the index law (Good-Turing escape,
// absolute discounting, a fixed k^-2 prior for new indices; it never sees z) and memorises each
// fact once read. Loss: its test cross-entropy above the entropy rate H(K), in nats per word,
// computed exactly as an expectation over a fresh word ("excess_cross_entropy_nats"), so the
// curve tends to 0 and is fitted as a pure power law. It has two parts, both ~ n^(1/z - 1): the
// unseen facts' bits, ln 2 M_n (M_n the missing mass: exactly Hutter's memorization error with
// alpha = z - 1, the optimal predictor's excess), and the index law's KL(p || q_n), which an
// optimal predictor that knows p would not pay (runs record both, with V(n) and M_n).
// Why the learner learns p rather than being given it: Debowski's last link is about a learner
// that attains the block entropy's rate from data; knowing p, the curve would be Hutter's
// target times ln 2.
//
// Choice of sizes and seeds: n = 1e3..1e6 (10 log-spaced), 8 seeds, as the Hutter target. Over
// this grid the fitted exponent of the learner's curve with 128 seeds is 0.333 [0.332, 0.335],
// 0.501 [0.499, 0.504], 0.664 [0.657, 0.670] for z = 1.5, 2, 3 (exact 1/3, 1/2, 2/3;
// `scalebench run --target santa_fe/z... --seeds 128`): no visible pre-asymptotic bend, so no
// allowance is declared. K = 1e15 (the mass beyond K is below 1e-7, see hutter_memorization.h).
// A run reads 1e6 words in ~0.2 s; the two default variants cost ~1.5 s with their profiles.
//
// Profile: a probe sample of probe_samples words (1e6, the size of the largest training stream)
// from its own stream: the Heaps exponent h by the word-statistics probe
// (datasets/probes/word_statistics.h, word types vs tokens, default options) and the Zipf exponent
// z by the frequency probe's rank MLE (datasets/probes/frequency_probe.h), the estimator for
// samples of labels (the word-statistics rank slope needs ranks 10..1000 with counts >= 5, which
// z = 3 does not reach). Over 20 probe streams the Heaps reading is 0.667, 0.503, 0.343 (SD 0.008,
// 0.009, 0.021; the probe's own SE 0.011, 0.014, 0.033 on average) for z = 1.5, 2, 3: nearly
// unbiased, but one probe sample, as the target has, is a draw from that spread. No correlation
// decay: given the facts the words are i.i.d. (the dependence of the process is the facts,
// constant in distance), so the correlation-based theories are not applicable by construction.
// The oracle profile is h = 1/z and z, exactly. Hutter's model is embedded (feature k, label Z_k):
// the fact term is his error times ln 2, so the quanta theories' (z - 1)/z coincides with 1 - h;
// their cells are away cells here, as the word-law term is outside their models.
//
// The suite registers z = 1.5 and 2.0 (default and full; Heaps exponents 0.67 and 0.5, the range
// of text: the KJV reads ~0.6, docs/probes.md) and z = 3.0 (full). Tests may build others:
//   SantaFeOptions options;
//   options.zipf_exponent = 2.5;
//   SantaFeTarget target(options);
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "datasets/generators/santa_fe.h"
#include "datasets/probes/frequency_probe.h"
#include "datasets/probes/word_statistics.h"
#include "harness/targets/target.h"

namespace scalebench {

struct SantaFeOptions {
  double zipf_exponent = 2.0;               // z > 1: P(K = k) ~ k^-z
  std::int64_t support = 1000000000000000;  // K = 1e15
  double base_exponent = 2.0;               // the learner's prior of a new index, w_k ~ k^-s
  // Data sizes n and seeds; every seed reads one stream of max n words and the curve is read off
  // its prefixes (one run per seed).
  SizeGrid data_sizes = SizeGrid::Log(1e3, 1e6, 10);
  int seeds = 8;
  std::uint64_t seed_base = 20111215;
  // The profile: the word-statistics and frequency probes on this many probe words.
  int probe_samples = 1000000;
  WordStatisticsOptions words;
  FrequencyProbeOptions frequency;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Both("zipf_exponent", zipf_exponent).Above(1.0).AtMost(20.0);
    f.Both("support", support).AtLeast(2);
    f.Curve("base_exponent", base_exponent).Above(1.0).AtMost(20.0);
    f.Design("data_sizes", data_sizes);
    f.Design("seeds", seeds).AtLeast(1);
    f.Both("seed_base", seed_base);
    f.Profile("probe_samples", probe_samples).AtLeast(10000);
    f.Profile("words", words);
    f.Profile("frequency", frequency);
  }
};

class SantaFeTarget final : public TargetWith<SantaFeOptions> {
 public:
  // Precondition: options valid (the registry checks).
  explicit SantaFeTarget(const SantaFeOptions& options);

  TargetInfo Describe() const override;
  std::vector<AxisDesign> Designs() const override;
  ProfileResult MeasureProfile(const RunContext& context) const override;
  // One seed's stream of max n words; the exact excess cross-entropy at every n of the grid.
  RunResult Run(const AxisDesign& design,
                const RunPoint& point,
                const DesignData* data,
                const RunContext& context) const override;
  // h = 1/z and z, exactly.
  std::optional<Profile> OracleProfile() const override;

  const SantaFeProcess& process() const { return process_; }

 private:
  SantaFeProcess process_;
};

}  // namespace scalebench
