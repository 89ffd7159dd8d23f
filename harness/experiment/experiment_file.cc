#include "harness/experiment/experiment_file.h"

#include <fmt/core.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "harness/io/curve_csv.h"
#include "harness/io/profile_json.h"
#include "harness/io/text_input.h"
#include "harness/learning_curve.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;
using Status = ExperimentFileStatus;

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string TypeName(const toml::node& node) {
  std::ostringstream text;
  text << node.type();
  return text.str();
}

// The parse state: the file, its folder (relative paths), and the first error.
class Reader {
 public:
  Reader(std::string path, std::string* error)
      : path_(std::move(path)), folder_(fs::path(path_).parent_path()), error_(error) {}

  // "<file>:<line>:<column>: <field>: <message>"; returns false.
  bool Fail(const toml::source_region& where,
            const std::string& field,
            const std::string& message,
            Status status = Status::kInvalid) {
    *error_ = fmt::format("{}:{}:{}: {}{}",
                          path_,
                          where.begin.line,
                          where.begin.column,
                          field.empty() ? "" : field + ": ",
                          message);
    status_ = status;
    return false;
  }
  // A file error (the curve or data file itself names its line).
  bool FailFile(const std::string& message) {
    *error_ = message;
    status_ = Status::kUnreadable;
    return false;
  }
  Status status() const { return status_; }
  const std::string& path() const { return path_; }

  bool Keys(const toml::table& table,
            const std::string& where,
            const std::vector<std::string>& valid) {
    for (auto&& [key, node] : table) {
      if (std::find(valid.begin(), valid.end(), key.str()) == valid.end()) {
        return Fail(key.source(),
                    where + std::string(key.str()),
                    "unknown key; valid keys: " + Join(valid));
      }
    }
    return true;
  }

  bool String(const toml::table& table,
              const std::string& key,
              const std::string& field,
              std::string* out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return true;
    if (!node->is_string())
      return Fail(node->source(), field, "expected a string, found " + TypeName(*node));
    *out = node->value<std::string>().value();
    return true;
  }

  bool Number(const toml::table& table,
              const std::string& key,
              const std::string& field,
              double* out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return true;
    if (!node->is_number() || !std::isfinite(node->value<double>().value()))
      return Fail(node->source(), field, "expected a finite number, found " + TypeName(*node));
    *out = node->value<double>().value();
    return true;
  }

  // A path relative to the experiment file's folder.
  std::string Resolve(const std::string& file) const {
    const fs::path p(file);
    return p.is_absolute() || folder_.empty() ? file : (folder_ / p).lexically_normal().string();
  }

 private:
  std::string path_;
  fs::path folder_;
  std::string* error_;
  Status status_ = Status::kOk;
};

// A TOML value as JSON, for the checks of profile_json.h (LearnerSpecFromJson); inf -> "inf".
nlohmann::json ToJson(const toml::node& node) {
  if (node.is_boolean()) return node.value<bool>().value();
  if (node.is_integer()) return node.value<std::int64_t>().value();
  if (node.is_floating_point()) {
    const double x = node.value<double>().value();
    if (std::isinf(x) && x > 0) return "inf";
    return x;
  }
  if (node.is_string()) return node.value<std::string>().value();
  nlohmann::json j = node.is_table() ? nlohmann::json::object() : nlohmann::json::array();
  if (const toml::table* t = node.as_table()) {
    for (auto&& [key, value] : *t) j[std::string(key.str())] = ToJson(value);
  } else if (const toml::array* a = node.as_array()) {
    for (const toml::node& value : *a) j.push_back(ToJson(value));
  }
  return j;
}

// The keys of `table` applied over *spec, each checked on its own so that an error has its line.
bool ParseLearner(Reader& r,
                  const toml::table& table,
                  const std::string& where,
                  LearnerSpec* spec) {
  if (!r.Keys(table, where, LearnerSpecKeys())) return false;
  nlohmann::json merged = LearnerSpecToJson(*spec);
  for (auto&& [key, node] : table) {
    const nlohmann::json one = {{std::string(key.str()), ToJson(node)}};
    LearnerSpec probe;
    std::string message;
    if (!LearnerSpecFromJson(one, "", &probe, &message)) {
      // LearnerSpecFromJson says ": <key>: <what>"; keep the what.
      const std::string prefix = ": " + std::string(key.str()) + ": ";
      if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
      return r.Fail(node.source(), where + std::string(key.str()), message);
    }
    merged[std::string(key.str())] = one.begin().value();
  }
  std::string message;
  if (!LearnerSpecFromJson(merged, where, spec, &message))
    return r.Fail(table.source(), "", message);
  const auto& losses = KnownLosses();
  if (std::find(losses.begin(), losses.end(), spec->loss) == losses.end()) {
    const toml::node* node = table.get("loss");
    return r.Fail(node != nullptr ? node->source() : table.source(),
                  where + "loss",
                  "'" + spec->loss + "' is not a loss unit; valid: " + Join(losses));
  }
  if (spec->kind.empty())
    return r.Fail(table.source(), where + "kind", "missing; e.g. \"kernel_ridge\"");
  return true;
}

bool NumberArray(Reader& r,
                 const toml::table& table,
                 const std::string& key,
                 const std::string& field,
                 std::vector<double>* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return true;
  const toml::array* array = node->as_array();
  if (array == nullptr) return r.Fail(node->source(), field, "expected an array of numbers");
  for (const toml::node& item : *array) {
    if (!item.is_number() || !std::isfinite(item.value<double>().value()))
      return r.Fail(item.source(), field, "expected a finite number, found " + TypeName(item));
    out->push_back(item.value<double>().value());
  }
  return true;
}

// sizes = [...], losses = [...], seeds = [...] (optional): one row per entry.
bool InlineCurve(Reader& r,
                 const toml::table& table,
                 const std::string& where,
                 LearningCurve* curve) {
  std::vector<double> sizes, losses, seeds;
  if (!NumberArray(r, table, "sizes", where + "sizes", &sizes) ||
      !NumberArray(r, table, "losses", where + "losses", &losses) ||
      !NumberArray(r, table, "seeds", where + "seeds", &seeds)) {
    return false;
  }
  if (sizes.size() != losses.size() || (table.contains("seeds") && seeds.size() != sizes.size())) {
    return r.Fail(
        table.source(),
        where + "losses",
        fmt::format("{} sizes, {} losses{}: expected one loss (and seed) per size",
                    sizes.size(),
                    losses.size(),
                    table.contains("seeds") ? fmt::format(", {} seeds", seeds.size()) : ""));
  }
  std::string csv = seeds.empty() ? "size,loss\n" : "size,loss,seed\n";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    csv += fmt::format("{},{}", sizes[i], losses[i]) +
           (seeds.empty() ? "\n" : fmt::format(",{}\n", seeds[i]));
  }
  // The CSV reader's checks (positive sizes and losses, duplicates, >= 3 sizes), line = index.
  std::istringstream in(csv);
  CurveCsv parsed;
  std::string message;
  if (!ParseCurveCsv(in, "row", &parsed, &message)) {
    return r.Fail(table.source(), where + "sizes/losses", message);
  }
  *curve = std::move(parsed.curve);
  return true;
}

bool ParseCurve(Reader& r,
                const toml::table& table,
                int index,
                const LearnerSpec& learner,
                ExperimentCurve* out) {
  const std::string where = fmt::format("curve[{}].", index + 1);
  if (!r.Keys(table, where, {"axis", "file", "sizes", "losses", "seeds", "form", "learner"}))
    return false;
  std::string axis = "data", file, form = "offset_power_law", valid;
  if (!r.String(table, "axis", where + "axis", &axis) ||
      !r.String(table, "file", where + "file", &file) ||
      !r.String(table, "form", where + "form", &form)) {
    return false;
  }
  const toml::node* at = table.get("axis") ? table.get("axis") : &table;
  if (!FromString(axis, &out->axis, &valid))
    return r.Fail(at->source(), where + "axis", "'" + axis + "' is not an axis; valid: " + valid);
  if (form != "offset_power_law" && form != "power_law") {
    return r.Fail(table.get("form")->source(),
                  where + "form",
                  "'" + form + "' is not a form; valid: offset_power_law, power_law");
  }
  out->zero_offset = form == "power_law";
  out->learner = learner;
  if (const toml::node* node = table.get("learner")) {
    if (!node->is_table()) return r.Fail(node->source(), where + "learner", "expected a table");
    if (!ParseLearner(r, *node->as_table(), where + "learner.", &out->learner)) return false;
  }
  const bool inline_curve = table.contains("sizes") || table.contains("losses");
  if (file.empty() == !inline_curve) {
    return r.Fail(table.source(),
                  where + "file",
                  "give either file = \"curve.csv\" (size,loss[,seed]) or sizes = [...] and "
                  "losses = [...]");
  }
  if (inline_curve) {
    out->source = fmt::format("{}:{} (inline)", r.path(), table.source().begin.line);
    if (!InlineCurve(r, table, where, &out->curve)) return false;
  } else {
    out->source = r.Resolve(file);
    CurveCsv csv;
    std::string message;
    if (!ReadCurveCsv(out->source, &csv, &message)) return r.FailFile(where + "file: " + message);
    if (csv.joint) {
      return r.FailFile(where + "file: " + out->source +
                        ": an N,D,loss curve; an experiment curve has one axis (size,loss[,seed])");
    }
    out->curve = std::move(csv.curve);
  }
  out->curve.axis = out->axis;
  out->curve.loss = out->learner.loss;
  return true;
}

bool ParseData(Reader& r, const toml::table& table, DataSpec* data) {
  const std::string where = "data.";
  if (!r.Keys(table,
              where,
              {"kind",
               "file",
               "labels",
               "kernel",
               "kernel_width",
               "max_samples",
               "label_noise_variance",
               "spectrum_complete"})) {
    return false;
  }
  std::string kind = "features", message;
  double max_samples = data->max_samples, noise = 0;
  if (!r.String(table, "kind", where + "kind", &kind) ||
      !r.String(table, "file", where + "file", &data->file) ||
      !r.String(table, "labels", where + "labels", &data->labels) ||
      !r.String(table, "kernel", where + "kernel", &data->kernel) ||
      !r.Number(table, "kernel_width", where + "kernel_width", &data->kernel_width) ||
      !r.Number(table, "max_samples", where + "max_samples", &max_samples) ||
      !r.Number(table, "label_noise_variance", where + "label_noise_variance", &noise)) {
    return false;
  }
  if (!ParseDataKind(kind, &data->kind, &message))
    return r.Fail(table.get("kind")->source(), where + "kind", message);
  if (table.contains("label_noise_variance")) {
    if (noise < 0)
      return r.Fail(table.get("label_noise_variance")->source(),
                    where + "label_noise_variance",
                    "must be >= 0");
    data->stated[Property::kLabelNoiseVariance] = noise;
  }
  if (const toml::node* node = table.get("spectrum_complete")) {
    if (!node->is_boolean())
      return r.Fail(node->source(), where + "spectrum_complete", "expected true or false");
    data->stated[Property::kSpectrumComplete] = node->value<bool>().value() ? 1.0 : 0.0;
  }
  if (max_samples != std::floor(max_samples) || max_samples > 1e6) {
    return r.Fail(table.get("max_samples")->source(),
                  where + "max_samples",
                  "expected an integer <= 1000000");
  }
  data->max_samples = static_cast<int>(max_samples);
  if (!data->IsValid(&message)) {
    const std::string key = message.substr(0, message.find(':'));
    const toml::node* node = table.get(key);
    return r.Fail(node != nullptr ? node->source() : table.source(),
                  where + key,
                  message.substr(std::min(message.size(), key.size() + 2)));
  }
  data->file = r.Resolve(data->file);
  if (!data->labels.empty()) data->labels = r.Resolve(data->labels);
  return true;
}

bool ParseExperiment(Reader& r, const toml::table& root, ExperimentFile* out) {
  if (!r.Keys(root, "", {"name", "description", "learner", "curve", "data"})) return false;
  out->name = fs::path(r.path()).stem().string();
  if (!r.String(root, "name", "name", &out->name) ||
      !r.String(root, "description", "description", &out->description)) {
    return false;
  }
  if (!root.contains("name")) {  // the file stem, made lower_snake_case
    for (char& c : out->name) {
      c = std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '_';
    }
  }
  if (out->name.empty() ||
      out->name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    const toml::node* node = root.get("name");
    return r.Fail(node != nullptr ? node->source() : root.source(),
                  "name",
                  "'" + out->name + "' must be lower_snake_case (a-z, 0-9, _)");
  }
  for (const char* required : {"learner", "curve", "data"}) {
    if (!root.contains(required)) {
      return r.Fail(root.source(),
                    required,
                    std::string("missing; an experiment needs [learner], [[curve]] and [data] "
                                "(docs/experiments.md)"));
    }
  }
  const toml::table* learner = root.get("learner")->as_table();
  if (learner == nullptr)
    return r.Fail(root.get("learner")->source(), "learner", "expected a table");
  LearnerSpec spec;
  spec.loss.clear();  // required: the units of the user's losses are not guessed
  if (!ParseLearner(r, *learner, "learner.", &spec)) return false;
  const toml::array* curves = root.get("curve")->as_array();
  if (curves == nullptr || curves->empty())
    return r.Fail(root.get("curve")->source(), "curve", "expected one or more [[curve]] tables");
  std::set<Axis> axes;
  for (std::size_t i = 0; i < curves->size(); ++i) {
    const toml::table* table = (*curves)[i].as_table();
    if (table == nullptr) return r.Fail((*curves)[i].source(), "curve", "expected a table");
    ExperimentCurve curve;
    if (!ParseCurve(r, *table, int(i), spec, &curve)) return false;
    if (!axes.insert(curve.axis).second) {
      return r.Fail(
          table->source(),
          fmt::format("curve[{}].axis", i + 1),
          std::string("a second curve on axis ") + ToString(curve.axis) + "; one curve per axis");
    }
    out->curves.push_back(std::move(curve));
  }
  const toml::table* data = root.get("data")->as_table();
  if (data == nullptr) return r.Fail(root.get("data")->source(), "data", "expected a table");
  return ParseData(r, *data, &out->data);
}

}  // namespace

ExperimentFileStatus ReadExperimentFile(const std::string& path,
                                        ExperimentFile* out,
                                        std::string* error) {
  std::string text;
  if (!ReadTextFile(path, &text, error) || !CheckText(path, &text, error))
    return Status::kUnreadable;
  Reader reader(path, error);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    reader.Fail(e.source(), "", std::string("TOML syntax: ") + std::string(e.description()));
    return Status::kInvalid;
  }
  ExperimentFile file;
  file.path = path;
  if (!ParseExperiment(reader, root, &file)) return reader.status();
  *out = std::move(file);
  return Status::kOk;
}

}  // namespace scalebench
