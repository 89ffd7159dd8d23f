// theories/corpus/cagnetta_correlations: the data exponent of autoregressive language models
// from two corpus statistics, the decay of token-token correlations with distance and the decay
// of the conditional entropy with context length.
//
// Mechanism (lit-language.md 3.1): a model trained on P tokens can only use the context tokens
// whose correlation with the next token stands out of the sampling noise. With
// ||C(n)||_op ~ n^-beta and noise ~ P^-1/2, lag n becomes usable at P*_n ~ n^(2 beta), so the
// prediction horizon is
//   n*(P) ~ P^(1 / (2 beta)),
// and the loss is the conditional entropy at that horizon, H_{n*(P)} - H_inf ~ n*(P)^-gamma:
//   L(P) - H_inf ~ P^(-gamma / (2 beta)),   alpha_D = gamma / (2 beta)
// (the excess loss within the horizon is negligible when learning within it is fast,
// delta > gamma / (2 beta)).
//   Cagnetta, Raventos, Ganguli & Wyart 2026, "Deriving neural scaling laws from the statistics
//   of natural language", ICML 2026 (PMLR 306), arXiv:2602.07488, Eqs. 28-30 and 39-43.
// Published check (App. C.3): TinyStories beta = 0.88, gamma = 0.325 -> 0.185; WikiText-103
// beta = 0.94, gamma = 0.265 -> 0.141.
//
// Inputs: correlation_decay beta (||C(n)||_op ~ n^-beta, datasets/probes/token_statistics.h),
// conditional_entropy_decay gamma (H_n - H_inf ~ n^-gamma). Interval: 95%, from the inputs'
// standard errors by the delta method,
//   se^2 = (se_gamma / (2 beta))^2 + (gamma se_beta / (2 beta^2))^2,
// treating the two estimates as independent.
// Predicts the data axis only; no curve (the offset P_0 of n*(P) = (P / P_0)^(1/(2 beta)) and
// H_inf are not predicted).
//
// Assumptions, each with its NotApplicable reason:
//   - correlations decay as a power law, beta > 0 ("correlation_decay beta ... must be > 0");
//   - the conditional entropy decreases towards its limit, gamma > 0 ("conditional_entropy_decay
//     gamma ... must be > 0");
//   - data-limited, capacity-sufficient models with context T >> n*(P), fast learning within the
//     horizon, a stationary corpus, and beta and gamma measured with the learner's own tokenizer
//     (both are tokenizer-dependent): not checkable from a profile, stated in the note and here.
#include <cmath>
#include <string>

#include "theories/internal/spectral.h"
#include "theories/theory.h"

namespace scalebench {

class CagnettaCorrelations final : public Theory {
 public:
  static TheoryInfo Describe() {
    TheoryInfo info;
    info.name = "corpus/cagnetta_correlations";
    info.summary =
        "data exponent gamma / (2 beta) from correlation decay and conditional-entropy decay";
    info.citation = "Cagnetta, Raventos, Ganguli & Wyart 2026, ICML (PMLR 306), arXiv:2602.07488";
    info.inputs = {Property::kCorrelationDecay, Property::kConditionalEntropyDecay};
    info.axes = {Axis::kData};
    return info;
  }

  Prediction Predict(const PredictionRequest& request) const override {
    const Measurement& beta = request.profile().Get(Property::kCorrelationDecay);
    const Measurement& gamma = request.profile().Get(Property::kConditionalEntropyDecay);
    if (!(beta.value > 0) || !std::isfinite(beta.value)) {
      return Prediction::NotApplicable("correlation_decay beta = " + internal::Format(beta.value) +
                                       " must be > 0 (correlations must decay with distance)");
    }
    if (!(gamma.value > 0) || !std::isfinite(gamma.value)) {
      return Prediction::NotApplicable(
          "conditional_entropy_decay gamma = " + internal::Format(gamma.value) +
          " must be > 0 (more context must lower the entropy)");
    }
    const double exponent = gamma.value / (2.0 * beta.value);
    // Delta method; a NaN or missing standard error counts as zero (no interval if both are).
    const double se_beta = beta.std_error > 0 ? beta.std_error : 0.0;
    const double se_gamma = gamma.std_error > 0 ? gamma.std_error : 0.0;
    const double se = std::hypot(se_gamma / (2.0 * beta.value),
                                 gamma.value * se_beta / (2.0 * beta.value * beta.value));
    return Prediction::Predicted(internal::WithInterval(exponent, se), {}, Note(beta.value));
  }

 private:
  static std::string Note(double beta) {
    return "gamma / (2 beta); horizon n*(P) ~ P^(1/(2 beta)) = P^" +
           internal::Format(1.0 / (2.0 * beta)) +
           " (offset not predicted); assumes data-limited, capacity-sufficient models with context "
           ">> n*(P) and fast learning within the horizon";
  }
};

SCALEBENCH_REGISTER_THEORY(CagnettaCorrelations);

}  // namespace scalebench
