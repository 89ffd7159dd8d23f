// Adam (Kingma & Ba 2015) for the gradient-trained learners, and the learning-rate schedule they
// share (linear warm-up, then cosine decay to a floor). Weight decay is not applied here: the
// trainers that use it apply it decoupled (AdamW, Loshchilov & Hutter 2019) to the blocks and in
// the form their recipe states, e.g. the superposition toy's signed row-norm decay.
//
// Usage (one AdamState per parameter block, same shape as the block):
//   AdamOptions adam;                       // beta1 0.9, beta2 0.999, eps 1e-8
//   AdamState<Eigen::MatrixXf> w_state(w);  // zero moments shaped like w
//   for (long t = 1; t <= steps; ++t) {
//     const float lr = float(ScheduledLearningRate(schedule, t));
//     ... compute grad_w ...
//     w_state.Step(adam, lr, grad_w, &w);
//   }
#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "common/fields.h"

namespace scalebench {

struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("beta1", beta1).AtLeast(0.0).Below(1.0);
    f.Field("beta2", beta2).AtLeast(0.0).Below(1.0);
    f.Field("epsilon", epsilon).Above(0.0);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

// First and second moments of one parameter block (an Eigen dense matrix or vector type).
template <typename Block>
class AdamState {
 public:
  explicit AdamState(const Block& like)
      : m_(Block::Zero(like.rows(), like.cols())), v_(Block::Zero(like.rows(), like.cols())) {}

  // One bias-corrected Adam step: *param -= lr * m_hat / (sqrt(v_hat) + eps). Steps are counted
  // here (the t of the bias correction), so call it exactly once per optimizer step.
  template <typename Gradient>
  void Step(const AdamOptions& options,
            double learning_rate,
            const Gradient& gradient,
            Block* param) {
    using Scalar = typename Block::Scalar;
    ++t_;
    const Scalar b1 = Scalar(options.beta1), b2 = Scalar(options.beta2);
    m_ = b1 * m_ + (Scalar(1) - b1) * gradient;
    v_ = b2 * v_ + (Scalar(1) - b2) * gradient.cwiseProduct(gradient);
    const Scalar c1 = Scalar(1.0 - std::pow(options.beta1, double(t_)));
    const Scalar c2 = Scalar(1.0 - std::pow(options.beta2, double(t_)));
    // lr m/c1 / (sqrt(v/c2) + eps), with the corrections folded into scalars.
    const Scalar step = Scalar(learning_rate) / c1;
    const Scalar eps = Scalar(options.epsilon);
    const Scalar inv_sqrt_c2 = Scalar(1) / std::sqrt(c2);
    param->array() -= step * m_.array() / (v_.array().sqrt() * inv_sqrt_c2 + eps);
  }

  long steps() const { return t_; }

 private:
  Block m_, v_;
  long t_ = 0;
};

// Peak rate, linear warm-up over `warmup_steps`, then cosine decay from the peak to
// `final_fraction` x peak at `total_steps`. warmup_steps = 0 and final_fraction = 1: constant.
struct LearningRateSchedule {
  double peak = 1e-3;
  long warmup_steps = 0;
  long total_steps = 1;
  double final_fraction = 1.0;

  bool IsValid(std::string* error) const {
    if (peak > 0.0 && warmup_steps >= 0 && total_steps >= 1 && warmup_steps <= total_steps &&
        final_fraction >= 0.0 && final_fraction <= 1.0) {
      return true;
    }
    if (error != nullptr) {
      *error =
          "schedule: need peak > 0, 0 <= warmup_steps <= total_steps, total_steps >= 1, "
          "final_fraction in [0, 1]";
    }
    return false;
  }
};

// The rate at step t = 1, 2, ..., total_steps (steps past the end keep the final rate).
inline double ScheduledLearningRate(const LearningRateSchedule& s, long t) {
  if (t <= s.warmup_steps) return s.peak * double(t) / double(s.warmup_steps);
  const long decay_steps = s.total_steps - s.warmup_steps;
  if (decay_steps <= 0) return s.peak;
  const double progress = std::min(1.0, double(t - s.warmup_steps) / double(decay_steps));
  const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  return s.peak * (s.final_fraction + (1.0 - s.final_fraction) * cosine);
}

}  // namespace scalebench
