// The theory conformance kit: checks that a theory plug-in keeps the contract of
// theories/theory.h, whatever its physics. Header-only and framework-free, so that an
// out-of-tree theory can run it from any test framework:
//
//   #include "theories/testing/theory_conformance.h"
//   const TheoryInfo& info = *TheoryRegistry::Global().Find("family/variant");
//   auto theory = TheoryRegistry::Global().Create("family/variant", nullptr);
//   for (const std::string& problem : scalebench::testing::CheckTheory(info, *theory)) {
//     ADD_FAILURE() << problem;  // or FAIL_CHECK(problem) in Catch2
//   }
//
// What it checks (tests/conformance runs it over every registered theory):
//   - CheckInfo: the TheoryInfo is complete (name "<family>/<variant>", summary, citation, axes)
//     and free of duplicates;
//   - CheckTheory: on synthetic reference profiles (a complete power-law profile with series, the
//     same without series, an empty profile, the complete profile missing each declared input in
//     turn, and odd size grids), for every axis and a few learners, through RunTheory:
//       * undeclared axes are NotApplicable, a missing required input gives NotApplicable naming
//       it;
//       * nothing throws, every NotApplicable / Failed has a reason;
//       * no Failed where all inputs are present, or where only optional inputs are missing;
//       * exponents and intervals are finite, a curve has one finite value per size (>= 0 for
//         MSE losses), and only a theory declaring predicts_curve returns one (and it does,
//         somewhere);
//       * a second call gives the identical answer (determinism);
//   - ForbiddenIncludes: a theory's source includes no harness/, Ceres or dataset-reader header.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "theories/theory.h"

namespace scalebench::testing {

// The reference power law: lambda_k = k^-b and p_k = k^-a on a probe of `modes` points.
inline constexpr double kReferenceSpectrumDecay = 1.5;
inline constexpr double kReferenceTaskDecay = 2.0;
inline constexpr int kReferenceModes = 2000;

// A complete profile: every Property and Series of the vocabulary is set. Known properties get
// values consistent with the power law; any other property gets 1.0 (SE 0.05) and any other
// series a copy of the eigenvalues, so that the kit keeps working when the vocabulary grows.
inline Profile ReferenceProfile(double b = kReferenceSpectrumDecay,
                                double a = kReferenceTaskDecay,
                                int modes = kReferenceModes) {
  std::vector<double> lambda, power;
  double trace = 0, total = 0;
  for (int k = 1; k <= modes; ++k) {
    lambda.push_back(std::pow(k, -b));
    power.push_back(std::pow(k, -a));
    trace += lambda.back();
    total += power.back();
  }
  Profile profile;
  profile.source = "conformance reference power law";
  for (Property p : AllProperties()) profile.Set(p, {1.0, 0.05, "conformance fallback"});
  profile.Set(Property::kSpectrumDecay, {b, 0.02, "exact"});
  profile.Set(Property::kTaskPowerDecay, {a, 0.03, "exact"});
  profile.Set(Property::kTotalTargetPower, {total, 0.0, "exact"});
  profile.Set(Property::kSpectrumTrace, {trace, 0.0, "exact"});
  profile.Set(Property::kLabelNoiseVariance, {0.0, 0.0, "noiseless"});
  for (Series s : AllSeries()) profile.Set(s, lambda);
  profile.Set(Series::kEigenvalues, lambda);
  profile.Set(Series::kTargetPower, power);
  return profile;
}

// Learners: raw-input ridgeless regression; random features with finite N and T; an SGD net.
inline std::vector<LearnerSpec> ReferenceLearners() {
  LearnerSpec raw;
  raw.kind = "linear_ridge";
  LearnerSpec projected;
  projected.kind = "projected_linear_ridge";
  projected.ridge = 1e-3;
  projected.features = 4000;
  projected.train_size = 4000;
  LearnerSpec net;
  net.kind = "mlp";
  net.loss = "mse";
  net.features = 512;
  net.train_size = 10000;
  net.optimizer = "sgd";
  net.learning_rate = 0.05;
  net.batch_size = 32;
  net.steps = 10000;
  return {raw, projected, net};
}

// 12 sizes, log-spaced from 10 to 1000 (up to half the reference probe's modes).
inline std::vector<double> ReferenceSizes() {
  std::vector<double> sizes;
  for (int i = 0; i < 12; ++i) sizes.push_back(std::round(10.0 * std::pow(100.0, i / 11.0)));
  return sizes;
}

struct ConformanceCase {
  std::string label;
  Profile profile;
  LearnerSpec learner;
  std::vector<double> sizes;
  bool inputs_complete = false;  // all required inputs present: Failed is a violation
  std::string missing_input;     // non-empty: NotApplicable naming this input is expected
};

namespace internal {

inline ConformanceCase MakeCase(std::string label,
                                Profile profile,
                                LearnerSpec learner,
                                std::vector<double> sizes,
                                bool complete,
                                std::string missing = "") {
  return {std::move(label),
          std::move(profile),
          std::move(learner),
          std::move(sizes),
          complete,
          std::move(missing)};
}

inline Profile Without(Profile profile, Property p) {
  Profile out;
  out.source = profile.source;
  for (const auto& [key, m] : profile.scalars())
    if (key != p) out.Set(key, m);
  for (const auto& [key, v] : profile.series()) out.Set(key, v);
  return out;
}

inline Profile Without(Profile profile, Series s) {
  Profile out;
  out.source = profile.source;
  for (const auto& [key, m] : profile.scalars()) out.Set(key, m);
  for (const auto& [key, v] : profile.series())
    if (key != s) out.Set(key, v);
  return out;
}

inline Profile WithoutSeries(const Profile& profile) {
  Profile out = profile;
  for (Series s : AllSeries()) out = Without(out, s);
  return out;
}

inline bool HasAllInputs(const TheoryInfo& info, const Profile& profile) {
  for (Property p : info.inputs)
    if (!profile.Has(p)) return false;
  for (Series s : info.series_inputs)
    if (!profile.Has(s)) return false;
  return true;
}

inline bool SameEstimate(const Estimate& x, const Estimate& y) {
  return x.value == y.value && x.lower == y.lower && x.upper == y.upper;
}

inline bool SamePrediction(const Prediction& x, const Prediction& y) {
  return x.status() == y.status() && x.message() == y.message() &&
         SameEstimate(x.exponent(), y.exponent()) && x.curve() == y.curve();
}

inline bool Finite(const std::optional<double>& v) {
  return !v || std::isfinite(*v);
}

// Problems with one result; `where` prefixes each.
inline std::vector<std::string> CheckResult(const TheoryInfo& info,
                                            const ConformanceCase& c,
                                            Axis axis,
                                            const Prediction& r) {
  std::vector<std::string> problems;
  auto problem = [&](const std::string& what) { problems.push_back(what); };
  const bool declared = std::find(info.axes.begin(), info.axes.end(), axis) != info.axes.end();
  if (!r.predicted() &&
      (r.message().empty() || r.message().rfind("(theory gave no reason", 0) == 0)) {
    problem("a NotApplicable/Failed result without a reason");
  }
  if (r.message().rfind("theory threw", 0) == 0) problem("Predict threw: " + r.message());
  if (!declared && r.status() != PredictionStatus::kNotApplicable)
    problem("an undeclared axis was not NotApplicable");
  if (declared && !c.missing_input.empty() &&
      (r.status() != PredictionStatus::kNotApplicable ||
       r.message().find(c.missing_input) == std::string::npos)) {
    problem("missing input '" + c.missing_input +
            "' did not give NotApplicable naming it: " + r.message());
  }
  if (declared && c.inputs_complete && r.status() == PredictionStatus::kFailed) {
    problem("Failed although all required inputs are present: " + r.message());
  }
  if (!r.predicted()) return problems;
  const Estimate& e = r.exponent();
  if (!std::isfinite(e.value) || !Finite(e.lower) || !Finite(e.upper))
    problem("a non-finite exponent or interval");
  if ((e.lower && *e.lower > e.value) || (e.upper && *e.upper < e.value))
    problem("an interval not containing the exponent");
  if (r.has_curve()) {
    if (!info.predicts_curve) problem("a curve from a theory that does not declare predicts_curve");
    if (r.curve().size() != c.sizes.size()) problem("a curve whose length differs from the sizes");
    const bool mse = c.learner.loss == "excess_mse" || c.learner.loss == "mse";
    for (double v : r.curve()) {
      if (!std::isfinite(v) || (mse && v < 0)) {
        problem("a non-finite or negative curve value");
        break;
      }
    }
  }
  return problems;
}

}  // namespace internal

// The reference cases for one theory (see the file comment).
inline std::vector<ConformanceCase> ConformanceCases(const TheoryInfo& info) {
  using internal::MakeCase;
  const Profile complete = ReferenceProfile();
  const std::vector<double> sizes = ReferenceSizes();
  const LearnerSpec raw = ReferenceLearners().front();
  std::vector<ConformanceCase> cases;
  for (const LearnerSpec& learner : ReferenceLearners()) {
    cases.push_back(
        MakeCase("complete profile, learner " + learner.kind, complete, learner, sizes, true));
    const Profile bare = internal::WithoutSeries(complete);
    cases.push_back(MakeCase("profile without series, learner " + learner.kind,
                             bare,
                             learner,
                             sizes,
                             internal::HasAllInputs(info, bare)));
  }
  cases.push_back(
      MakeCase("empty profile", Profile{}, raw, sizes, internal::HasAllInputs(info, Profile{})));
  for (Property p : info.inputs) {
    cases.push_back(MakeCase(std::string("missing ") + ToString(p),
                             internal::Without(complete, p),
                             raw,
                             sizes,
                             false,
                             ToString(p)));
  }
  for (Series s : info.series_inputs) {
    cases.push_back(MakeCase(std::string("missing ") + ToString(s),
                             internal::Without(complete, s),
                             raw,
                             sizes,
                             false,
                             ToString(s)));
  }
  for (Property p : info.optional_inputs) {
    cases.push_back(MakeCase(std::string("missing optional ") + ToString(p),
                             internal::Without(complete, p),
                             raw,
                             sizes,
                             true));
  }
  cases.push_back(MakeCase("single size", complete, raw, {100.0}, true));
  cases.push_back(MakeCase("empty size grid", complete, raw, {}, true));
  cases.push_back(MakeCase("unsorted sizes", complete, raw, {300.0, 30.0, 100.0, 10.0}, true));
  return cases;
}

// Problems with a theory's static description; empty when it is complete.
inline std::vector<std::string> CheckInfo(const TheoryInfo& info) {
  std::vector<std::string> problems;
  static const std::regex kName("[a-z0-9_]+/[a-z0-9_]+");
  if (!std::regex_match(info.name, kName))
    problems.push_back("name '" + info.name + "' is not <family>/<variant> in snake_case");
  if (info.summary.empty()) problems.push_back("empty summary");
  if (info.citation.empty()) problems.push_back("empty citation");
  if (info.axes.empty()) problems.push_back("no axis");
  if (std::set<Axis>(info.axes.begin(), info.axes.end()).size() != info.axes.size())
    problems.push_back("duplicate axis");
  std::set<Property> scalars(info.inputs.begin(), info.inputs.end());
  if (scalars.size() != info.inputs.size()) problems.push_back("duplicate input");
  for (Property p : info.optional_inputs) {
    if (!scalars.insert(p).second)
      problems.push_back(std::string("input '") + ToString(p) +
                         "' listed twice or both required and optional");
  }
  if (std::set<Series>(info.series_inputs.begin(), info.series_inputs.end()).size() !=
      info.series_inputs.size()) {
    problems.push_back("duplicate series input");
  }
  return problems;
}

// Runs every reference case on every axis (twice, for determinism) through RunTheory and
// returns the problems, each prefixed with the case and axis; empty when the theory conforms.
inline std::vector<std::string> CheckTheory(const TheoryInfo& info, const Theory& theory) {
  std::vector<std::string> problems;
  bool any_curve = false;
  for (const ConformanceCase& c : ConformanceCases(info)) {
    for (Axis axis : AllAxes()) {
      const PredictionRequest request(c.profile, c.learner, axis, c.sizes);
      const Prediction first = RunTheory(theory, info, request);
      const Prediction second = RunTheory(theory, info, request);
      const std::string where = info.name + " [" + c.label + ", axis " + ToString(axis) + "]: ";
      for (const std::string& p : internal::CheckResult(info, c, axis, first))
        problems.push_back(where + p);
      if (!internal::SamePrediction(first, second))
        problems.push_back(where + "a second call gave a different answer");
      any_curve = any_curve || first.has_curve();
    }
  }
  if (info.predicts_curve && !any_curve) {
    problems.push_back(info.name +
                       ": declares predicts_curve but gave no curve on any reference case");
  }
  return problems;
}

// The #include lines of a theory source that reach outside what a theory may see: anything
// under harness/ (learning curves), Ceres, or a dataset header other than the profile vocabulary.
// common/ (Fail, number formatting, line fits, jackknife) is allowed: it is neutral, below every
// tree, and includes nothing of the project (the leakage-guard test checks that too).
inline std::vector<std::string> ForbiddenIncludes(const std::string& source_text) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  std::vector<std::string> found;
  std::istringstream lines(source_text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, kInclude)) continue;
    const std::string path = m[1];
    const bool harness = path.find("harness/") != std::string::npos;
    const bool ceres = path.rfind("ceres/", 0) == 0;
    const bool dataset = path.rfind("datasets/", 0) == 0 && path != "datasets/profile.h" &&
                         path != "datasets/properties.def";
    if (harness || ceres || dataset) found.push_back(line);
  }
  return found;
}

}  // namespace scalebench::testing
