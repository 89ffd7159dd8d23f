// The transformer targets (harness/targets/transformer_lm.h): their designs declare the model,
// the online curve falls, the params axis records the joint grid, the profile reads gamma from
// the transformer or says why not, and bad options are refused with the field named.
#include <catch2/catch.hpp>

#include "harness/runner/joint_cell.h"
#include "harness/targets/testing/train.h"
#include "harness/targets/transformer_lm.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

// KJV characters with a model small enough for a test (~0.2M training tokens in all).
TransformerTargetOptions Tiny() {
  TransformerTargetOptions o = TransformerTargetOptions::KjvSmall();
  o.model.width = 32;
  o.model.heads = 2;
  o.model.tokens = 65536;
  o.data_sizes = {4096, 16384, 65536};
  o.seeds = 1;
  o.params_axis = true;
  o.param_widths = {16, 32};
  o.param_tokens = 16384;
  o.param_lr_base_width = 16;
  o.joint_tokens = {4096, 16384};
  o.entropy_tokens = 32768;
  o.entropy.max_context = 8;
  o.entropy.min_fit_points = 3;
  o.max_eval_tokens = 8192;
  return o;
}

}  // namespace

TEST_CASE(
    "Transformer target: designs declare N and the context, the online curve falls, the "
    "params axis records the (N, D) grid",
    "[realdata][transformer]") {
  const TransformerTargetOptions o = Tiny();
  std::string error;
  REQUIRE(ValidateFields(o, &error));
  TransformerTarget target(o);
  const std::vector<AxisDesign> designs = target.Designs();
  REQUIRE(designs.size() == 2);
  const AxisDesign& data = designs[0];
  const AxisDesign& params = designs[1];
  CHECK(data.axis == Axis::kData);
  CHECK(data.unit == RunUnit::kSeed);
  CHECK(data.learner.kind == "transformer_lm");
  CHECK(data.learner.parameters == double(TransformerNonEmbeddingParams(o.model)));
  // Kaplan's 6 N per token, batch x context tokens per step.
  CHECK(data.learner.flops_per_step == 6.0 * data.learner.parameters * o.model.batch * 64);
  CHECK(data.learner.context == 64);
  CHECK(params.axis == Axis::kParams);
  CHECK(params.sizes == SizeGrid({TransformerNonEmbeddingParams(ParamsAxisModel(o, 16)),
                                  TransformerNonEmbeddingParams(ParamsAxisModel(o, 32))}));
  CHECK(params.learner.train_size == 16384.0);
  CHECK(params.learner.parameters == 0.0);  // swept: not declared
  // The 1/width peak rate: declared in the spec, applied by the model of each width.
  CHECK(params.learner.learning_rate == o.model.learning_rate);
  CHECK(params.learner.learning_rate_base_width == 16);
  CHECK(ParamsAxisModel(o, 16).learning_rate == o.model.learning_rate);
  CHECK(ParamsAxisModel(o, 32).learning_rate == o.model.learning_rate / 2);
  CHECK(data.learner.learning_rate_base_width == 0);

  const LearningCurve curve = testing::TrainCurve(target, data);
  REQUIRE(curve.num_sizes() == 3);
  CHECK(curve.values[2][0] < curve.values[0][0] - 0.3);

  const LearningCurve grid = testing::TrainCurve(target, params);
  REQUIRE(grid.num_sizes() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const CurveDiagnostic* at_end = nullptr;
    for (const CurveDiagnostic& d : grid.diagnostics) {
      if (d.name == "test_loss_d_16384") at_end = &d;
    }
    REQUIRE(at_end != nullptr);
    // The last joint checkpoint is the run's end: the same loss as the curve's.
    CHECK(at_end->values[i][0] == grid.values[i][0]);
  }
  // The design declares that grid, so the suite fits it: every (N, D) of the runs is a point.
  CHECK(params.joint_data == std::map<std::string, double>{{"test_loss_d_4096", 4096.0},
                                                           {"test_loss_d_16384", 16384.0}});
  CHECK(JointPoints(params, grid).size() == 2 * 2);
}

TEST_CASE(
    "Transformer target: the profile reads gamma from the transformer with the half-data "
    "check, or says why not",
    "[realdata][transformer]") {
  TransformerTarget target(Tiny());
  const ProfileResult result = target.MeasureProfile(RunContext());
  REQUIRE(result.ok());
  const Profile& profile = result.profile();
  CHECK(profile.Has(Property::kCorrelationDecay));
  CHECK_THAT(profile.source, Contains("gamma from the transformer"));
  if (profile.Has(Property::kConditionalEntropyDecay)) {
    CHECK_THAT(profile.Get(Property::kConditionalEntropyDecay).method, Contains("half data"));
  } else {
    CHECK_THAT(profile.source, Contains("conditional_entropy_decay left out"));
  }
}

TEST_CASE("Transformer target options name the field and what was expected",
          "[unit][transformer]") {
  TransformerTargetOptions o = Tiny();
  std::string error;
  o.param_widths = {16, 40};
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("param_widths = 16,40 must be widths that are multiples of"));
  o = Tiny();
  o.data_sizes = {512, 4096};
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("data_sizes = 512,4096 must be at least model.batch x model.context"));
  o = TransformerTargetOptions::KjvSmall();
  o.param_seeds = 3;
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("param_seeds = 3 must be 1 while params_axis is false"));
  o = Tiny();
  o.source = TokenSourceKind::kRandomHierarchy;
  CHECK_FALSE(ValidateFields(o, &error));
  CHECK_THAT(error, Contains("must be kjv or text_path"));
}

}  // namespace scalebench
