// The targets "random_feature_model/alpha<alpha>": Maloney, Roberts & Sully's (2022, "A Solvable
// Model of Neural Scaling Laws", arXiv:2210.16859) generative data model, the home of their theory
// (theories/random_features/maloney_roberts_sully.cc). Gaussian latent data with spectrum
// lambda_I = I^-(1 + alpha) over M modes, a linear teacher whose power in every mode is
// proportional to lambda_I (their isotropic teacher, at its mean power |w_I| = 1: the data are
// symmetric under sign flips of each mode, so the signs of a random draw do not matter), and N
// linear random features:
//   data axis:   ridgeless least squares on N = 2048 random features, T = 16..256 samples (the
//                under-parameterised side, T < N, where L ~ T^-alpha as N/T grows);
//   params axis: N = 16..512 random features at infinite data (T -> infinity, solved exactly),
//                L ~ N^-alpha.
// It is the Gaussian-spectrum target with task power decay a = b = 1 + alpha and random features
// on the data axis (GaussianSpectrumOptions::data_features), so it shares that target's probe,
// oracle and learners.
#include "harness/targets/gaussian_spectrum.h"

namespace scalebench {
namespace {

GaussianSpectrumOptions Model(double alpha) {
  GaussianSpectrumOptions o;
  o.spectrum_decay = 1.0 + alpha;
  o.task_power_decay = 1.0 + alpha;  // isotropic teacher: p_I proportional to lambda_I
  o.data_features = 2048;
  o.data_sizes = SizeGrid::Log(16, 256, 7);
  o.param_sizes = SizeGrid::Log(16, 512, 8);
  o.seed_base = 20221031;
  return o;
}

}  // namespace

SCALEBENCH_REGISTER_TARGET(GaussianSpectrumTarget, "random_feature_model")
    ->Variant("alpha1.0", {"default", "full"}, [](GaussianSpectrumOptions& o) { o = Model(1.0); })
    ->Variant("alpha0.5", {"full"}, [](GaussianSpectrumOptions& o) { o = Model(0.5); });

}  // namespace scalebench
