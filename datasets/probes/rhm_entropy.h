// Exact inference on the Random Hierarchy Model (datasets/generators/random_hierarchy.h): the
// conditional law of any leaf given any set of observed leaves, computed from the known grammar
// (RhmPosterior), and from it two probes that need no n-gram smoothing and no pair counting:
//   - MeasureRhmConditionalEntropy: the positional conditional entropy H_t of the last token of a
//     sequence given its t predecessors, and its decay exponent gamma (lit-language.md 3.1,
//     Hypothesis 1: H_t - H_inf ~ t^-gamma);
//   - ExactPositionalCorrelation: the top singular value sigma(t) of the covariance between the
//     last token and the token t before it, the quantity MeasurePositionalCorrelationDecay
//     (correlation_probe.h) estimates from counts, without sampling noise.
// Why exact: the stream Kneser-Ney H_n (conditional_entropy.h) does not converge past n = 2 on
// 1M RHM tokens, and a count-based sigma(t) meets its noise floor at the third tree level for
// m = 8; the grammar is known and unambiguous, so both can be computed instead of estimated.
//
// Usage:
//   RandomHierarchy rhm;
//   RandomHierarchy::Create(RandomHierarchyOptions{}, &rhm, &error);
//   RhmEntropyResult result;
//   if (!MeasureRhmConditionalEntropy(rhm, RhmEntropyOptions{}, &result, &error)) ...;
//   result.FillProfile(&profile);  // conditional_entropy_decay
//   std::vector<double> sigma = ExactPositionalCorrelation(rhm);  // t = 1..T-1
//   double beta = PlateauDecay(sigma, rhm.options().branching);  // the probe's fit, exact input
//
// WARNING: on shallow grammars (L = 3, 4) the fitted H_inf ends at its bound 0 and the choice of
// points moves gamma far more than the sampling does; the standard error includes that range.
// Readings on the target grammars: docs/probes.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/generators/random_hierarchy.h"
#include "datasets/probes/entropy_decay_fit.h"
#include "datasets/profile.h"

namespace scalebench {

// Observed leaves of one sequence and the exact probabilities they imply, by the inside
// algorithm. For every tree node and symbol a,
//   inside(a) = P(the observed leaves in the node's span | the node is a):
// an unobserved leaf gives 1, a leaf observed as x gives [a = x]; an internal node at level l
// gives (1/m) sum over a's m rules of the product of its children's inside values at the rule's
// symbols. P(observations) = (1/v) sum_a inside_root(a). The law of one leaf given the other
// observations is one outside pass down that leaf's path (the root's uniform law times the
// siblings' inside values at each level), normalised; it equals P(obs, x) / P(obs) exactly.
// Inside vectors are rescaled to a maximum of 1 per node with the log scale kept, so long
// sequences do not underflow. Observe and Conditional each touch one root-to-leaf path:
// O(L v m s) operations. Keeps a reference to the grammar, which must outlive it; memory: v
// doubles per tree node.
class RhmPosterior {
 public:
  explicit RhmPosterior(const RandomHierarchy& rhm);

  // Forgets every observation.
  void Clear();
  // Observes `token` in [0, v) at `position` in [0, T), or forgets that leaf with token = -1.
  void Observe(int position, int token);
  // log P(the observed leaves); -infinity when the grammar cannot produce them.
  double LogEvidence() const;
  // law[x] = p(x_position = x | the observed leaves other than `position`), x in [0, v); all
  // zeros when those observations are impossible.
  void Conditional(int position, std::vector<double>* law) const;

 private:
  double* Inside(int level, int index) { return inside_.data() + NodeOffset(level, index); }
  const double* Inside(int level, int index) const {
    return inside_.data() + NodeOffset(level, index);
  }
  std::size_t Node(int level, int index) const { return first_node_[level] + index; }
  std::size_t NodeOffset(int level, int index) const { return Node(level, index) * vocab_; }
  void UpdateNode(int level, int index);

  const RandomHierarchy* rhm_;
  int depth_, branching_, vocab_, rules_;
  std::vector<std::size_t> first_node_;  // per level
  std::vector<double> inside_;           // nodes x v, each rescaled to a maximum of 1
  std::vector<double> log_scale_;        // per node
  std::vector<int> observed_;            // per node: observed leaves in its span
};

// sigma(t) = ||C(t)||_op for t = 1..T-1 (index t - 1), C(t)_ab = P(x_{T-1-t} = a, x_{T-1} = b)
// - P(x_{T-1-t} = a) P(x_{T-1} = b) from the grammar (v conditionals per t), the population
// value of MeasurePositionalCorrelationDecay's statistic.
std::vector<double> ExactPositionalCorrelation(const RandomHierarchy& rhm);

// The positional beta probe's plateau fit applied to sigma(t), t = 1..T-1 (index t - 1): the
// mean over each plateau t in [base^k, base^(k+1) - 1] placed at its first t (into
// *plateau_means when given), and minus the log-log LS slope through those points. NaN with
// fewer than 2 plateaus, a non-positive mean or base < 2.
double PlateauDecay(const std::vector<double>& sigma,
                    int base,
                    std::vector<double>* plateau_means = nullptr);

// The entropy in nats of a law over [0, v) (0 log 0 = 0).
double EntropyNats(const std::vector<double>& law);

struct RhmEntropyOptions {
  std::size_t samples = 100000;  // independent sequences
  int jackknife_blocks = 20;
  std::uint64_t seed = 1;         // the sample stream Xoshiro256pp(seed)
  ConditionalEntropyOptions fit;  // only its gamma grid is used
  bool IsValid(std::string* error) const;
};

struct RhmEntropyResult {
  int sequence_length = 0;
  std::size_t samples = 0;
  std::vector<double> entropy;     // H_t, t = 0..T-1, nats (Monte-Carlo mean of exact entropies)
  std::vector<double> std_error;   // of entropy[t]: sample SD / sqrt(samples)
  std::vector<double> log_loss;    // mean -log p(sampled last token | ctx_t): a check
  double marginal_entropy = 0.0;   // the exact entropy of the last token's marginal (H_0)
  std::vector<int> plateau_start;  // s^k, k = 0..L-1
  std::vector<double> plateau_entropy;  // mean H_t over t in [s^k, s^(k+1) - 1]
  // The free fit over the plateaus.
  double entropy_limit = 0.0, amplitude = 0.0, fit_rms = 0.0;
  bool gamma_at_grid_edge = false;
  Measurement conditional_entropy_decay;  // gamma (the method string carries the H_t table)
  Measurement exact_limit_gamma;          // H_inf fixed at H_{T-1}
  Measurement first_t_gamma;              // plateau points at their first t instead of the mean
  double every_t_gamma = 0.0;             // FitEntropyDecay over t = 1..T-1 (NaN: no fit)
  // "t: H_t +- se" for every t, one line-free string.
  std::string Table() const;
  // Sets kConditionalEntropyDecay; leaves every other entry alone.
  void FillProfile(Profile* profile) const;
};

// Positional conditional entropy. With T = s^L and ctx_t = (x_{T-1-t}, ..., x_{T-2}) (the t
// tokens before the last, within its sequence),
//   H_t = E[ -log p(x_{T-1} | ctx_t) ],  t = 0..T-1,
// H_0 the entropy of the last token's marginal, H_{T-1} the limit within a sequence. Monte Carlo
// over `samples` independent sequences: for each, the exact law p(. | ctx_t) for every t (one
// Observe per t), and its entropy -sum_x p log p. That is E[-log p(x_{T-1} | ctx_t) | ctx_t],
// so it has the same expectation as the log-loss of the sampled last token with less variance
// (the log-loss average is kept in `log_loss` as a check). Standard error per t: sample SD /
// sqrt(samples). The same sequences serve every t, so differences between t are paired.
// gamma, the way the positional beta is fitted: one point per plateau t in [s^k, s^(k+1) - 1],
// k = 0..L-1 (the last token and x_{T-1-t} first meet k + 1 levels up), placed at its first t
// = s^k with the plateau's MEAN H_t as its value; then H = H_inf + A t^-gamma by least squares
// on the grid of `fit` (FitEntropyDecayAt, entropy_decay_fit.h, at t = 1, s, s^2, ...), the best
// grid gamma refined within one step (so that jackknife replicates are not quantised to the
// grid). With L = 3 the three plateaus fix the three parameters when the drops d_k between
// plateaus shrink (gamma = ln(d_0 / d_1) / ln s); when they do not, no free limit fits and H_inf
// ends at its bound 0 (in effect a pure power law A t^-gamma; the method string says so).
// Standard error: a delete-a-block jackknife over `jackknife_blocks` contiguous blocks of the
// samples (Monte-Carlo noise) combined in quadrature with half the range of the three free-limit
// readings (plateau means, plateau starts, every t), because the choice of points moves gamma far
// more than the sampling does. The exact-limit variant is a different model and is not in the
// range. Also given: the exact-limit variant (H_inf fixed at H_{T-1}, gamma = minus the log-log
// LS slope of plateau mean - H_{T-1} on t, the beta probe's fit); the first-t variant (each
// plateau's H at its first t); FitEntropyDecay over every t = 1..T-1 (a staircase: a
// sensitivity, no estimate of the step rate).
// Fails on bad options, a grammar too large for the dense inside vectors (more than 2^24
// node-symbol pairs), a depth below 3 (three plateaus are needed) or a curve with no decaying
// fit.
bool MeasureRhmConditionalEntropy(const RandomHierarchy& rhm,
                                  const RhmEntropyOptions& options,
                                  RhmEntropyResult* result,
                                  std::string* error);

}  // namespace scalebench
