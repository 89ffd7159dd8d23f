#include "harness/cli/fit_commands.h"

#include <fmt/core.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/fit/joint_fit.h"
#include "harness/fit/power_law_fit.h"
#include "harness/io/curve_csv.h"
#include "harness/io/profile_json.h"
#include "harness/report/json_convert.h"
#include "harness/report/table.h"
#include "theories/theory.h"

namespace scalebench {
namespace {

// Losses span decades: significant digits, not decimals.
std::string FormatLoss(double x) {
  return fmt::format("{:.4g}", x);
}

// ---- fit -------------------------------------------------------------------------------------

// --bootstrap, --seed and --threads, shared by the single-axis and the joint fit.
BootstrapOptions BootstrapOf(const FitCommandOptions& o) {
  BootstrapOptions bootstrap;
  bootstrap.resamples = o.bootstrap;
  bootstrap.seed = o.seed;
  bootstrap.threads = o.threads;
  return bootstrap;
}

// The flags of `fit` for the fields of FitOptions and JointFitOptions.
std::string WithFitFlagNames(const std::string& message) {
  std::vector<std::pair<std::string, std::string>> flags;
  for (const char* options : {"FitOptions.", "JointFitOptions."}) {
    for (const auto& [field, flag] : {std::pair{"form", "--form"},
                                      {"fixed_offset", "--fixed-offset"},
                                      {"huber_delta", "--huber-delta"},
                                      {"bootstrap.resamples", "--bootstrap"},
                                      {"bootstrap.seed", "--seed"},
                                      {"bootstrap.threads", "--threads"},
                                      {"min_size", "--min-size"},
                                      {"max_size", "--max-size"},
                                      {"compute", "--compute"}}) {
      flags.emplace_back(std::string(options) + field, flag);
    }
  }
  return WithFlagNames(message, flags);
}

// Prints a fitted summary (JSON or the full report after `header`) and turns its status into the
// exit code; shared by the single-axis and the joint fit.
template <typename Summary>
int PrintFit(const FitCommandOptions& o,
             const char* kind,
             const std::string& header,
             const Summary& summary,
             std::ostream& out,
             std::ostream& err) {
  if (o.json) {
    nlohmann::ordered_json j;
    j["file"] = o.file;
    j["kind"] = kind;
    j["fit"] = ToJson(summary);
    out << j.dump(2) << "\n";
  } else {
    out << o.file << ": " << header << "\n" << summary.FullReport() << "\n";
  }
  if (summary.status == FitStatus::kFailed) {
    err << "scalebench fit: " << o.file << ": fit failed: " << summary.message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int FitSingleAxis(const FitCommandOptions& o,
                  const LearningCurve& curve,
                  std::ostream& out,
                  std::ostream& err) {
  if (o.compute) {
    err << "scalebench fit: --compute applies to N,D curves (the joint form) only; " << o.file
        << " holds a single-axis curve\n";
    return kExitUsage;
  }
  FitOptions options;
  if (o.form && !FromString(*o.form, &options.form)) {
    err << "scalebench fit: unknown --form '" << *o.form
        << "'; valid forms: offset_power_law, power_law\n";
    return kExitUsage;
  }
  options.fixed_offset = o.fixed_offset;
  if (o.min_size) options.min_size = *o.min_size;
  if (o.max_size) options.max_size = *o.max_size;
  if (o.huber_delta) options.huber_delta = *o.huber_delta;
  options.bootstrap = BootstrapOf(o);
  std::string error;
  if (!options.IsValid(&error)) {
    err << "scalebench fit: " << WithFitFlagNames(error) << "\n";
    return kExitUsage;
  }
  FitSummary summary;
  FitCurve(options, curve, &summary);
  return PrintFit(o,
                  "single_axis",
                  fmt::format("{} sizes x {} seeds", curve.num_sizes(), curve.num_seeds()),
                  summary,
                  out,
                  err);
}

int FitJointPoints(const FitCommandOptions& o,
                   const std::vector<JointPoint>& points,
                   std::ostream& out,
                   std::ostream& err) {
  if (o.form || o.fixed_offset || o.min_size || o.max_size) {
    err << "scalebench fit: " << o.file
        << " holds N,D columns (the joint form E + A N^-a + B D^-b); "
        << "--form, --fixed-offset, --min-size and --max-size apply to single-axis curves only\n";
    return kExitUsage;
  }
  JointFitOptions options;
  if (o.huber_delta) options.huber_delta = *o.huber_delta;
  if (o.compute) options.compute = *o.compute;
  options.bootstrap = BootstrapOf(o);
  std::string error;
  if (!options.IsValid(&error)) {
    err << "scalebench fit: " << WithFitFlagNames(error) << "\n";
    return kExitUsage;
  }
  JointFitSummary summary;
  FitJoint(options, points, &summary);
  return PrintFit(o, "joint", fmt::format("{} (N, D) points", points.size()), summary, out, err);
}

// ---- predict ---------------------------------------------------------------------------------

struct PredictedRow {
  std::string theory;
  Prediction prediction;
};

int PrintPredictions(const std::vector<PredictedRow>& rows,
                     const std::vector<double>& sizes,
                     std::ostream& out) {
  Table table({"theory", "status", "exponent [interval]", "note / reason"});
  for (const auto& row : rows) {
    const Prediction& p = row.prediction;
    table.AddRow({row.theory,
                  ToString(p.status()),
                  p.predicted() ? FormatEstimate(p.exponent()) : "-",
                  p.message()});
  }
  table.Print(out);
  if (sizes.empty()) return kExitOk;
  std::vector<std::string> header = {"size"};
  std::vector<const PredictedRow*> with_curve;
  for (const auto& row : rows) {
    if (row.prediction.has_curve()) {
      header.push_back(row.theory);
      with_curve.push_back(&row);
    }
  }
  if (with_curve.empty()) {
    out << "\nNo theory predicted a loss curve at the requested sizes.\n";
    return kExitOk;
  }
  Table curves(header);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::vector<std::string> line = {FormatNumber(sizes[i], 0)};
    for (const auto* row : with_curve) line.push_back(FormatLoss(row->prediction.curve()[i]));
    curves.AddRow(line);
  }
  out << "\nPredicted loss\n";
  curves.Print(out);
  return kExitOk;
}

// `predict --json`: the same content as the tables, keyed like a leaderboard.json cell (a reason
// sits under the key of its kind; only predicted theories carry numbers).
int PrintPredictionsJson(const std::string& path,
                         const ProfileFile& file,
                         Axis axis,
                         const std::vector<double>& sizes,
                         const std::vector<PredictedRow>& rows,
                         std::ostream& out) {
  auto number = [](std::optional<double> x) {
    return x && std::isfinite(*x) ? nlohmann::json(*x) : nlohmann::json(nullptr);
  };
  nlohmann::ordered_json j;
  j["profile"] = path;
  j["source"] = file.profile.source;
  j["axis"] = ToString(axis);
  j["learner"] = file.learner ? file.learner->kind : "";
  j["sizes"] = sizes;
  nlohmann::ordered_json predictions = nlohmann::ordered_json::array();
  for (const auto& row : rows) {
    const Prediction& p = row.prediction;
    nlohmann::ordered_json entry;
    entry["theory"] = row.theory;
    entry["status"] = ToString(p.status());
    switch (p.status()) {
      case PredictionStatus::kPredicted:
        entry["exponent"] = {{"value", number(p.exponent().value)},
                             {"lower", number(p.exponent().lower)},
                             {"upper", number(p.exponent().upper)}};
        entry["note"] = p.message();
        entry["curve"] = p.has_curve() ? nlohmann::json(p.curve()) : nlohmann::json(nullptr);
        break;
      case PredictionStatus::kNotApplicable:
        entry["not_applicable_reason"] = p.message();
        break;
      case PredictionStatus::kFailed:
        entry["error"] = p.message();
        break;
    }
    predictions.push_back(entry);
  }
  j["predictions"] = predictions;
  out << j.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

int FitCommand(const FitCommandOptions& options, std::ostream& out, std::ostream& err) {
  CurveCsv csv;
  std::string error;
  if (!ReadCurveCsv(options.file, &csv, &error)) {
    err << "scalebench fit: " << error << "\n";
    return kExitFailure;
  }
  return csv.joint ? FitJointPoints(options, csv.points, out, err)
                   : FitSingleAxis(options, csv.curve, out, err);
}

int PredictCommand(const PredictCommandOptions& options, std::ostream& out, std::ostream& err) {
  const TheoryRegistry& registry = TheoryRegistry::Global();
  std::string error;
  const std::vector<std::string> names =
      options.theories.empty() ? registry.Names() : options.theories;
  std::vector<std::pair<std::string, std::unique_ptr<Theory>>> theories;
  for (const std::string& name : names) {
    auto theory = registry.Create(name, &error);
    if (!theory) {
      err << "scalebench predict: " << error << "\n";
      return kExitUsage;
    }
    theories.emplace_back(name, std::move(theory));
  }
  Axis axis = Axis::kData;
  if (options.axis && !FromString(*options.axis, &axis, &error)) {
    err << "scalebench predict: unknown --axis '" << *options.axis << "'; valid axes: " << error
        << "\n";
    return kExitUsage;
  }
  for (double size : options.sizes) {
    if (!(size > 0) || !std::isfinite(size)) {
      err << "scalebench predict: --sizes: " << size << " is not a positive size\n";
      return kExitUsage;
    }
  }
  ProfileFile file;
  if (!ReadProfileJson(options.profile, &file, &error)) {
    err << "scalebench predict: " << error << "\n";
    return kExitFailure;
  }
  if (!options.axis && file.axis) axis = *file.axis;
  const std::vector<double> sizes = options.sizes.empty() ? file.sizes : options.sizes;
  const LearnerSpec learner = file.learner.value_or(LearnerSpec{});
  std::vector<PredictedRow> rows;
  for (const auto& [name, theory] : theories) {
    const PredictionRequest request(file.profile, learner, axis, sizes);
    rows.push_back({name, RunTheory(*theory, *registry.Find(name), request)});
  }
  if (options.json) return PrintPredictionsJson(options.profile, file, axis, sizes, rows, out);
  out << "profile: " << options.profile
      << (file.profile.source.empty() ? "" : " (" + file.profile.source + ")")
      << "; axis: " << ToString(axis)
      << "; learner: " << (learner.kind.empty() ? "(unspecified)" : learner.kind) << "\n\n";
  return PrintPredictions(rows, sizes, out);
}

}  // namespace scalebench
