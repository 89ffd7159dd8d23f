// theories/corpus/debowski_hilberg: the data exponent of a language model from the vocabulary
// growth of its corpus, through Hilberg's hypothesis.
//
// Chain (Debowski 2025, "From Zipf's law to neural scaling through Heaps' law and Hilberg's
// hypothesis", arXiv:2512.13491): Zipf's law => Heaps' law => Hilberg's hypothesis => neural
// scaling law. What was read: the abstract and introduction (the search tool only returns a
// page's opening; the theorems in the body could not be opened). What is implemented is the
// textbook form of each link, which the abstract names but whose exact statement (constants,
// conditions, and whether the paper's exponent map has extra factors) could not be checked:
//   - Heaps: the number of distinct words in n tokens grows as V(n) ~ n^h, 0 < h < 1;
//   - Hilberg (Debowski's earlier "facts and words" argument, recalled from his 2011 IEEE
//     Trans. Inf. Theory paper, not re-read: the distinct words of a text bound the information
//     it shares with its continuation): the block entropy is sub-extensive,
//     H(X_1^n) ~ h_rate n + A n^beta_H with beta_H = h;
//   - neural scaling: a learner whose cumulative code length on D tokens follows the block
//     entropy has per-token excess loss d/dD (A D^beta_H) ~ D^(beta_H - 1), so
//       L(D) - h_rate ~ D^-(1 - h),   alpha_D = 1 - h.
// The same chain in Cagnetta et al.'s terms is gamma = 1 - beta_H (lit-language.md 3.3, 5).
// Zipf's law p_r ~ r^-z gives h = 1/z for z > 1 (Heaps from Zipf); that link is only used in
// the note as a consistency figure, since the measured h is the direct input.
//
// Input: heaps_exponent h with its standard error (datasets/probes/token_statistics.h: word
// types vs word tokens). Interval: 95% from se_h (the map is linear: se = se_h).
// Optional input: frequency_decay z, reported in the note as 1 - 1/z.
// Predicts the data axis only; no curve (the entropy rate and A are not predicted).
//
// Assumptions, with their NotApplicable reasons:
//   - sub-linear vocabulary growth, 0 < h < 1 ("heaps_exponent h ... must be in (0, 1)");
//   - a stationary source and a learner that attains the block-entropy code length (a universal
//     learner with enough capacity): not checkable from a profile, stated in the note;
//   - words counted in the corpus measure the facts the learner must acquire, whatever its
//     tokenizer (the exponent does not depend on the tokenizer, unlike Cagnetta et al.'s).
#include <cmath>
#include <string>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {

class DebowskiHilberg final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "corpus/debowski_hilberg";
    info.summary = "data exponent 1 - h from the Heaps exponent h via Hilberg's hypothesis";
    info.citation = "Debowski 2025, arXiv:2512.13491";
    info.inputs = {Property::kHeapsExponent};
    info.optional_inputs = {Property::kFrequencyDecay};
    info.axes = {Axis::kData};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& heaps = request.profile().Get(Property::kHeapsExponent);
    const double h = heaps.value;
    if (!std::isfinite(h) || !(h > 0.0) || !(h < 1.0)) {
      return Prediction::NotApplicable("heaps_exponent h = " + internal::Format(h) +
                                       " must be in (0, 1) (sub-linear vocabulary growth)");
    }
    const double se = heaps.std_error > 0 ? heaps.std_error : 0.0;
    std::string note =
        "1 - h (Hilberg exponent beta_H = h); assumes a stationary source and a "
        "learner attaining the block-entropy code length";
    if (request.profile().Has(Property::kFrequencyDecay)) {
      const double z = request.profile().Get(Property::kFrequencyDecay).value;
      if (z > 1.0)
        note += "; from Zipf z = " + internal::Format(z) +
                ": 1 - 1/z = " + internal::Format(1.0 - 1.0 / z);
    }
    return Prediction::Predicted(internal::WithInterval(1.0 - h, se), {}, note);
  }
};

SCALEBENCH_REGISTER_THEORY(DebowskiHilberg);

}  // namespace scalebench
