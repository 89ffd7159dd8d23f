#include "harness/experiment/user_experiment.h"

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "harness/io/profile_json.h"

namespace scalebench {

using nlohmann::json;

struct UserExperimentTarget::Parsed {
  std::string file, description;
  std::vector<ExperimentCurve> curves;
  DataSpec data;
  std::string content_hash, corpus_target, data_description;
};

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

json CurvesJson(const ExperimentFile& experiment) {
  json curves = json::array();
  for (const ExperimentCurve& c : experiment.curves) {
    json losses = json::array();
    for (const auto& row : c.curve.values) {
      json values = json::array();
      for (double v : row) values.push_back(std::isnan(v) ? json(nullptr) : json(v));
      losses.push_back(values);
    }
    curves.push_back({{"axis", ToString(c.axis)},
                      {"learner", LearnerSpecToJson(c.learner)},
                      {"zero_offset", c.zero_offset},
                      {"source", c.source},
                      {"sizes", c.curve.sizes},
                      {"seeds", c.curve.seeds},
                      {"losses", losses}});
  }
  return {{"file", experiment.path}, {"description", experiment.description}, {"curves", curves}};
}

json DataJson(const DataSpec& spec, const LoadedData& loaded) {
  json stated = json::object();
  for (const auto& [property, value] : spec.stated) stated[ToString(property)] = value;
  return {{"kind", ToString(spec.kind)},
          {"file", spec.file},
          {"labels", spec.labels},
          {"kernel", spec.kernel},
          {"kernel_width", spec.kernel_width},
          {"max_samples", spec.max_samples},
          {"stated", stated},
          {"content_hash", loaded.content_hash},
          {"corpus_target", loaded.corpus_target},
          {"description", loaded.description}};
}

// The inverse of CurvesJson; false on anything it would not have written.
bool ParseCurves(const std::string& text, UserExperimentTarget::Parsed* out) try {
  const json j = json::parse(text);
  out->file = j.at("file").get<std::string>();
  out->description = j.at("description").get<std::string>();
  for (const json& c : j.at("curves")) {
    ExperimentCurve curve;
    std::string error;
    if (!FromString(c.at("axis").get<std::string>(), &curve.axis) ||
        !LearnerSpecFromJson(c.at("learner"), "learner", &curve.learner, &error)) {
      return false;
    }
    curve.zero_offset = c.at("zero_offset").get<bool>();
    curve.source = c.at("source").get<std::string>();
    curve.curve.axis = curve.axis;
    curve.curve.loss = curve.learner.loss;
    curve.curve.sizes = c.at("sizes").get<std::vector<double>>();
    curve.curve.seeds = c.at("seeds").get<std::vector<std::uint64_t>>();
    for (const json& row : c.at("losses")) {
      std::vector<double> values;
      for (const json& v : row) values.push_back(v.is_null() ? kNaN : v.get<double>());
      if (values.size() != curve.curve.seeds.size()) return false;
      curve.curve.values.push_back(std::move(values));
    }
    SizeGrid grid;
    if (curve.curve.values.size() != curve.curve.sizes.size() || curve.curve.seeds.empty() ||
        !SizeGrid::FromDoubles(curve.curve.sizes, &grid, &error) || !grid.IsValid(&error)) {
      return false;
    }
    out->curves.push_back(std::move(curve));
  }
  return !out->curves.empty();
} catch (const json::exception&) {
  return false;
}

bool ParseData(const std::string& text, UserExperimentTarget::Parsed* out) try {
  const json j = json::parse(text);
  DataSpec& spec = out->data;
  std::string error;
  if (!ParseDataKind(j.at("kind").get<std::string>(), &spec.kind, &error)) return false;
  spec.file = j.at("file").get<std::string>();
  spec.labels = j.at("labels").get<std::string>();
  spec.kernel = j.at("kernel").get<std::string>();
  spec.kernel_width = j.at("kernel_width").get<double>();
  spec.max_samples = j.at("max_samples").get<int>();
  for (const auto& [name, value] : j.at("stated").items()) {
    Property property;
    if (!FromString(name, &property)) return false;
    spec.stated[property] = value.get<double>();
  }
  out->content_hash = j.at("content_hash").get<std::string>();
  out->corpus_target = j.at("corpus_target").get<std::string>();
  out->data_description = j.at("description").get<std::string>();
  return spec.IsValid(&error);
} catch (const json::exception&) {
  return false;
}

}  // namespace

bool UserExperimentOptions::CurvesValid(const std::string& text) {
  UserExperimentTarget::Parsed parsed;
  return ParseCurves(text, &parsed);
}

bool UserExperimentOptions::DataValid(const std::string& text) {
  UserExperimentTarget::Parsed parsed;
  return ParseData(text, &parsed);
}

UserExperimentTarget::UserExperimentTarget(const UserExperimentOptions& options)
    : TargetWith(options) {
  auto parsed = std::make_unique<Parsed>();
  ParseCurves(options.curves, parsed.get());
  ParseData(options.data, parsed.get());
  parsed_ = std::move(parsed);
}

UserExperimentTarget::~UserExperimentTarget() = default;

TargetInfo UserExperimentTarget::Describe() const {
  TargetInfo info;
  info.summary = "your experiment " + parsed_->file +
                 (parsed_->description.empty() ? "" : ": " + parsed_->description);
  info.realism = Realism::kUserExperiment;
  info.dataset_family = "user_" + std::filesystem::path(parsed_->file).stem().string();
  return info;
}

std::vector<AxisDesign> UserExperimentTarget::Designs() const {
  std::vector<AxisDesign> designs;
  for (const ExperimentCurve& c : parsed_->curves) {
    AxisDesign design;
    design.axis = c.axis;
    design.learner = c.learner;
    std::string error;
    SizeGrid::FromDoubles(c.curve.sizes, &design.sizes, &error);
    design.seeds = static_cast<int>(c.curve.seeds.size());
    design.unit = RunUnit::kSizeAndSeed;  // a user's curve may lack some (size, seed) rows
    design.single_threaded = true;        // a run reads one number
    design.zero_offset = c.zero_offset;
    designs.push_back(std::move(design));
  }
  return designs;
}

ProfileResult UserExperimentTarget::MeasureProfile(const RunContext& context) const {
  const DataSpec& spec = parsed_->data;
  LoadedData data;
  std::string error;
  if (spec.kind == DataKind::kCorpus) {
    // Registered with the experiment (the language route of `run --corpus`).
    data.corpus_target = parsed_->corpus_target;
    data.description = parsed_->data_description;
  } else {
    if (!LoadData(spec, &data, &error)) return ProfileResult::Failed(error);
    if (data.content_hash != parsed_->content_hash) {
      return ProfileResult::Failed(spec.file + " changed since the experiment was read; run again");
    }
  }
  Profile profile;
  if (!MeasureDataProfile(spec, data, context, &profile, &error))
    return ProfileResult::Failed(error);
  profile.source = name() + ": " + profile.source;
  return ProfileResult::Ok(std::move(profile));
}

RunResult UserExperimentTarget::Run(const AxisDesign& design,
                                    const RunPoint& point,
                                    const DesignData*,
                                    const RunContext&) const {
  for (const ExperimentCurve& c : parsed_->curves) {
    if (c.axis != design.axis) continue;
    const std::size_t seed = point.seed - 1;
    if (point.first >= c.curve.sizes.size()) {
      return RunResult::Failed(fmt::format("{}: no size #{}", c.source, point.first + 1));
    }
    if (seed >= c.curve.seeds.size()) {  // run --seeds asked for more than the curve has
      return RunResult::Skipped(
          fmt::format("{} has {} seed(s), not {}", c.source, c.curve.seeds.size(), point.seed));
    }
    const double loss = c.curve.values[point.first][seed];
    if (std::isnan(loss)) {
      return RunResult::Skipped(fmt::format("{} has no row for size {}, seed {}",
                                            c.source,
                                            c.curve.sizes[point.first],
                                            c.curve.seeds[seed]));
    }
    return RunResult::Ok({loss});
  }
  return RunResult::Failed(std::string("no curve on axis ") + ToString(design.axis));
}

ExperimentFileStatus RegisterUserExperiment(const std::string& path,
                                            std::string* name,
                                            std::string* error) {
  ExperimentFile experiment;
  const ExperimentFileStatus status = ReadExperimentFile(path, &experiment, error);
  if (status != ExperimentFileStatus::kOk) return status;
  for (const ExperimentCurve& c : experiment.curves) {
    SizeGrid grid;
    if (!SizeGrid::FromDoubles(c.curve.sizes, &grid, error) || !grid.IsValid(error)) {
      *error = path + ": curve on axis " + ToString(c.axis) + " (" + c.source +
               "): sizes: " + *error + "; sizes must be integers from 1 to " +
               std::to_string(SizeGrid::kMaxSize);
      return ExperimentFileStatus::kInvalid;
    }
  }
  LoadedData data;
  if (!LoadData(experiment.data, &data, error)) {
    *error = path + ": data: " + *error;
    return ExperimentFileStatus::kUnreadable;
  }
  UserExperimentOptions options;
  options.curves = CurvesJson(experiment).dump();
  options.data = DataJson(experiment.data, data).dump();
  *name = "experiment/" + experiment.name;
  if (TargetRegistry::Global().Find(*name) != nullptr) {
    *error = path + ": a target named " + *name + " is already registered";
    return ExperimentFileStatus::kInvalid;
  }
  TargetFamily<UserExperimentTarget>::Create("experiment")
      ->Variant(experiment.name, {}, [options](UserExperimentOptions& o) { o = options; });
  const TargetEntry* entry = TargetRegistry::Global().Find(*name);
  if (entry == nullptr || !entry->invalid.empty()) {
    *error = path + ": " + (entry == nullptr ? "registration failed" : entry->invalid);
    return ExperimentFileStatus::kInvalid;
  }
  return ExperimentFileStatus::kOk;
}

}  // namespace scalebench
