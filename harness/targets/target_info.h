// The vocabulary of targets that other rooms read without needing the Target class: what a
// target is (TargetInfo, Realism) and the designs it sweeps (AxisDesign).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/size_grid.h"
#include "theories/learner_spec.h"

namespace scalebench {

// What one training run of a design yields. kSeed: one run per seed gives the loss at every size
// (nested training prefixes, checkpoints of one run); kSizeAndSeed: every (size, seed) is trained
// on its own (a width, a training-set size with its own early stopping).
enum class RunUnit { kSeed, kSizeAndSeed };
const char* ToString(RunUnit unit);

// One swept axis of a target: the learner's declared spec, the size grid, the seed count and
// how the grid is trained. Seeds are numbered 1..seeds; a run's random streams must depend only
// on the target's options, the design and the run's own seed (and size), never on the other runs,
// so that any subset of runs can be computed anywhere, in any order.
struct AxisDesign {
  Axis axis = Axis::kData;
  LearnerSpec learner;
  SizeGrid sizes;
  int seeds = 5;
  RunUnit unit = RunUnit::kSeed;
  // True when a run must use one thread (its numbers depend on the thread count, or it does not
  // parallelise): the harness then runs up to jobs x threads of them side by side, each with one
  // OpenMP thread. False: a run gets --threads threads.
  bool single_threaded = false;
  // Fit form for the measured curve: true for noiseless exact targets whose loss tends to 0
  // (pure power law), false to fit E + A x^-alpha with E >= 0.
  bool zero_offset = false;
  // Compute grid: true for a kSteps design that is one model size of the target's compute grid
  // (RunUnit::kSeed, so one run per seed gives the loss at every checkpoint; learner.parameters,
  // learner.flops_per_step and learner.batch_size declared). From all such designs of a target,
  // at least 3 model sizes with the same loss, learner kind and seeds, the harness derives the
  // target's kCompute cell: the lower envelope of the loss over the models at C = flops_per_step x
  // steps, with the compute-optimal N*(C) and D*(C) = steps x batch_size (Hoffmann et al. 2022,
  // Approaches 1 and 2; harness/fit/compute_frontier.h). No retraining: the grid is the steps
  // runs themselves. ComputeGridProblem checks the declaration.
  bool compute_grid = false;
  // Fit form for the compute frontier L*(C) of a grid member: true when the frontier tends to 0
  // although each model's curve has a floor (an excess loss whose floor, the model's limit level,
  // vanishes as N grows: power-law random features). The compute cell fits a pure power law when
  // every member is zero_offset or says this, E + A C^-e otherwise.
  bool frontier_zero_offset = false;
  // False for a design that only feeds the compute grid: a target has one cell per axis, so of
  // the grid's kSteps designs one (or none) is the steps cell and the others are grid-only.
  bool own_cell = true;
  // Joint (N, D) grid of a kParams design: the curve diagnostics that hold each run's loss after
  // D training samples, by name, with their D. The harness fits them, N being the run's size, by
  // L(N, D) = E + A N^-a + B D^-b (Hoffmann et al. 2022, Approach 3; harness/runner/joint_cell.h)
  // and reports a, b and the compute-optimal allocation exponents beside the target's cells.
  std::map<std::string, double> joint_data;
};

// What is wrong with the compute grid that `designs` declare (AxisDesign::compute_grid), or ""
// when it is well formed or absent: a grid-only design outside the grid, a member that is not a
// kSteps design of one run per seed, an undeclared N, FLOPs or batch, fewer than 3 distinct model
// sizes, members that differ in loss, learner kind or seeds, or a design on the derived kCompute
// axis.
std::string ComputeGridProblem(const std::vector<AxisDesign>& designs);

// How close a target is to the settings the theories are meant for. The ranking weighs and
// groups cells by it; see harness/score/score.h.
enum class Realism {
  kExact,           // a solvable model whose exponent is known analytically
  kToy,             // a paper's synthetic toy, trained for real
  kRealData,        // real data (Fashion-MNIST, the King James Bible)
  kUserExperiment,  // a user's own data or curves (--corpus, experiment files)
};
const char* ToString(Realism realism);

// What a target is. A target fills everything in Describe() but `name` and `suites`, which the
// registry stamps from the registration (SCALEBENCH_REGISTER_TARGET).
struct TargetInfo {
  std::string name;                 // "<family>/<variant>", stamped by the registry
  std::string summary;              // one line
  std::vector<std::string> suites;  // e.g. {"default", "full"}, stamped by the registry
  Realism realism = Realism::kToy;
  // The data-generating family the target belongs to ("gaussian_spectrum", "kjv", ...): variants
  // of one family share it, and the ranking weighs families, not cells, equally.
  std::string dataset_family;
  // Theories for which this target is the model they were derived on (their "home"): cells of
  // these theories here are an implementation check, shown in the validation table and never
  // ranked.
  std::vector<std::string> home_theories;
  // Exponents known analytically (exact targets only); used by tests and shown in reports.
  std::map<Axis, double> exact_exponents;
  // The finite-size allowance the target states for an exponent on its axes (from a finite grid,
  // finite d or n, a finite training budget), with the reason in `allowance_reason`: a home
  // theory's prediction passes validation when it is inside the measured CI or within this
  // distance of the measured exponent. Absent: the CI alone.
  std::map<Axis, double> exponent_allowance;
  std::string allowance_reason;
  // Bump when the code that produces the runs or the profile changes: part of every cache key.
  int version = 1;
};

}  // namespace scalebench
