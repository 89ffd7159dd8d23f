#include "harness/io/profile_json.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/io/text_input.h"

namespace scalebench {
namespace {

using nlohmann::json;

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<std::string> PropertyNames() {
  std::vector<std::string> names;
  for (Property p : AllProperties()) names.push_back(ToString(p));
  return names;
}

std::vector<std::string> SeriesNames() {
  std::vector<std::string> names;
  for (Series s : AllSeries()) names.push_back(ToString(s));
  return names;
}

// Checks JSON values at a path and reports "<where>.<path>: <problem>".
class Checker {
 public:
  Checker(std::string where, std::string* error) : where_(std::move(where)), error_(error) {}

  bool Fail(const std::string& path, const std::string& problem) const {
    *error_ = where_ + (path.empty() ? "" : ": " + path) + ": " + problem;
    return false;
  }

  bool Object(const json& j, const std::string& path, const std::vector<std::string>& keys) const {
    if (!j.is_object())
      return Fail(path, "expected an object, found " + std::string(j.type_name()));
    for (const auto& [key, value] : j.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        return Fail(Child(path, key), "unknown key; valid keys: " + Join(keys));
      }
    }
    return true;
  }

  bool Number(const json& j, const std::string& path, double* out) const {
    if (!j.is_number()) return Fail(path, "expected a number, found " + std::string(j.type_name()));
    *out = j.get<double>();
    if (!std::isfinite(*out)) return Fail(path, "expected a finite number");
    return true;
  }

  // A positive number, or "inf" for an unbounded knob.
  bool PositiveOrInf(const json& j, const std::string& path, double* out) const {
    if (j.is_string() && (j == "inf" || j == "infinity")) {
      *out = kInfinite;
      return true;
    }
    if (!j.is_number())
      return Fail(path, "expected a number or \"inf\", found " + std::string(j.type_name()));
    return NonNegative(j, path, /*positive=*/true, out);
  }

  bool String(const json& j, const std::string& path, std::string* out) const {
    if (!j.is_string()) return Fail(path, "expected a string, found " + std::string(j.type_name()));
    *out = j.get<std::string>();
    return true;
  }

  // An integer in [min, max].
  bool Integer(const json& j, const std::string& path, long min, long max, long* out) const {
    if (!j.is_number_integer())
      return Fail(path, "expected an integer, found " + std::string(j.type_name()));
    const bool too_large =
        j.is_number_unsigned() ? j.get<std::uint64_t>() > std::uint64_t(max) : j.get<long>() > max;
    if (too_large || j.get<long>() < min) {
      return Fail(path,
                  "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                      ", found " + j.dump());
    }
    *out = j.get<long>();
    return true;
  }

  // A number >= 0 (positive: > 0).
  bool NonNegative(const json& j, const std::string& path, bool positive, double* out) const {
    if (!Number(j, path, out)) return false;
    if (positive ? !(*out > 0) : !(*out >= 0)) {
      return Fail(path,
                  std::string("must be ") + (positive ? "> 0" : ">= 0") + ", found " + j.dump());
    }
    return true;
  }

  bool Array(const json& j, const std::string& path, std::vector<double>* out) const {
    if (!j.is_array())
      return Fail(path, "expected an array of numbers, found " + std::string(j.type_name()));
    out->clear();
    for (std::size_t i = 0; i < j.size(); ++i) {
      double v = 0.0;
      if (!Number(j[i], path + "[" + std::to_string(i) + "]", &v)) return false;
      out->push_back(v);
    }
    return true;
  }

  static std::string Child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string where_;
  std::string* error_;
};

json NumberOrNull(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}
json NumberOrInf(double x) {
  return std::isinf(x) && x > 0 ? json("inf") : NumberOrNull(x);
}

bool ParseMeasurement(const Checker& check,
                      const json& j,
                      const std::string& path,
                      Measurement* out) {
  if (!check.Object(j, path, {"value", "std_error", "method"})) return false;
  if (!j.contains("value")) return check.Fail(path, "missing \"value\"");
  if (!check.Number(j["value"], path + ".value", &out->value)) return false;
  if (j.contains("std_error") && !j["std_error"].is_null()) {
    if (!check.Number(j["std_error"], path + ".std_error", &out->std_error)) return false;
    if (out->std_error < 0) return check.Fail(path + ".std_error", "must be >= 0");
  }
  if (j.contains("method") && !check.String(j["method"], path + ".method", &out->method))
    return false;
  return true;
}

bool ParseProperties(const Checker& check, const json& j, Profile* profile) {
  if (!j.is_object())
    return check.Fail("properties", "expected an object, found " + std::string(j.type_name()));
  for (const auto& [name, value] : j.items()) {
    Property property;
    if (!FromString(name, &property)) {
      return check.Fail("properties." + name,
                        "unknown property; valid properties: " + Join(PropertyNames()));
    }
    Measurement m;
    if (!ParseMeasurement(check, value, "properties." + name, &m)) return false;
    profile->Set(property, std::move(m));
  }
  return true;
}

bool ParseSeries(const Checker& check, const json& j, Profile* profile) {
  if (!j.is_object())
    return check.Fail("series", "expected an object, found " + std::string(j.type_name()));
  for (const auto& [name, value] : j.items()) {
    Series series;
    if (!FromString(name, &series)) {
      return check.Fail("series." + name, "unknown series; valid series: " + Join(SeriesNames()));
    }
    std::vector<double> values;
    if (!check.Array(value, "series." + name, &values)) return false;
    profile->Set(series, std::move(values));
  }
  // Target power is per eigenmode: the two arrays must line up.
  if (profile->Has(Series::kEigenvalues) && profile->Has(Series::kTargetPower) &&
      profile->Get(Series::kEigenvalues).size() != profile->Get(Series::kTargetPower).size()) {
    return check.Fail("series",
                      "eigenvalues has " +
                          std::to_string(profile->Get(Series::kEigenvalues).size()) +
                          " entries but target_power has " +
                          std::to_string(profile->Get(Series::kTargetPower).size()) +
                          "; they must have the same length");
  }
  return true;
}

bool ParseAxis(const Checker& check, const json& j, Axis* axis) {
  std::string name, valid;
  if (!check.String(j, "axis", &name)) return false;
  if (!FromString(name, axis, &valid))
    return check.Fail("axis", "unknown axis '" + name + "'; valid axes: " + valid);
  return true;
}

bool ParseSizes(const Checker& check, const json& j, std::vector<double>* sizes) {
  if (!check.Array(j, "sizes", sizes)) return false;
  for (std::size_t i = 0; i < sizes->size(); ++i) {
    if (!((*sizes)[i] > 0))
      return check.Fail("sizes[" + std::to_string(i) + "]", "must be positive");
  }
  return true;
}

bool ParseLearner(const Checker& check, const json& j, const std::string& path, LearnerSpec* out) {
  if (!check.Object(j, path, LearnerSpecKeys())) {
    return false;
  }
  auto at = [&path](const char* key) { return Checker::Child(path, key); };
  LearnerSpec spec;
  long integer = 0;
  if (j.contains("kind") && !check.String(j["kind"], at("kind"), &spec.kind)) return false;
  if (j.contains("loss") && !check.String(j["loss"], at("loss"), &spec.loss)) return false;
  if (j.contains("ridge") && !check.NonNegative(j["ridge"], at("ridge"), false, &spec.ridge))
    return false;
  if (j.contains("features") && !check.PositiveOrInf(j["features"], at("features"), &spec.features))
    return false;
  if (j.contains("train_size") &&
      !check.PositiveOrInf(j["train_size"], at("train_size"), &spec.train_size))
    return false;
  if (j.contains("optimizer") && !check.String(j["optimizer"], at("optimizer"), &spec.optimizer))
    return false;
  if (j.contains("learning_rate") &&
      !check.NonNegative(j["learning_rate"], at("learning_rate"), false, &spec.learning_rate))
    return false;
  if (j.contains("weight_decay") &&
      !check.Number(j["weight_decay"], at("weight_decay"), &spec.weight_decay))
    return false;
  // 0: not given (closed-form learners).
  if (j.contains("batch_size")) {
    if (!check.Integer(
            j["batch_size"], at("batch_size"), 0, std::numeric_limits<int>::max(), &integer)) {
      return false;
    }
    spec.batch_size = static_cast<int>(integer);
  }
  if (j.contains("steps")) {
    if (!check.Integer(j["steps"], at("steps"), 0, std::numeric_limits<long>::max(), &integer))
      return false;
    spec.steps = integer;
  }
  // 0: not declared.
  if (j.contains("parameters") &&
      !check.NonNegative(j["parameters"], at("parameters"), false, &spec.parameters))
    return false;
  if (j.contains("flops_per_step") &&
      !check.NonNegative(j["flops_per_step"], at("flops_per_step"), false, &spec.flops_per_step))
    return false;
  for (auto [key, field] :
       {std::pair{"context", &spec.context},
        std::pair{"width", &spec.width},
        std::pair{"depth", &spec.depth},
        std::pair{"heads", &spec.heads},
        std::pair{"learning_rate_base_width", &spec.learning_rate_base_width}}) {
    if (!j.contains(key)) continue;
    if (!check.Integer(j[key], at(key), 0, std::numeric_limits<int>::max(), &integer)) return false;
    *field = static_cast<int>(integer);
  }
  *out = std::move(spec);
  return true;
}

}  // namespace

bool LearnerSpecFromJson(const json& j,
                         const std::string& where,
                         LearnerSpec* out,
                         std::string* error) {
  return ParseLearner(Checker(where, error), j, "", out);
}

const std::vector<std::string>& LearnerSpecKeys() {
  static const std::vector<std::string> keys = {"kind",
                                                "loss",
                                                "ridge",
                                                "features",
                                                "train_size",
                                                "optimizer",
                                                "learning_rate",
                                                "weight_decay",
                                                "batch_size",
                                                "steps",
                                                "parameters",
                                                "flops_per_step",
                                                "context",
                                                "width",
                                                "depth",
                                                "heads",
                                                "learning_rate_base_width"};
  return keys;
}

json LearnerSpecToJson(const LearnerSpec& spec) {
  json j = json::object();
  j["kind"] = spec.kind;
  j["loss"] = spec.loss;
  j["ridge"] = NumberOrInf(spec.ridge);
  j["features"] = NumberOrInf(spec.features);
  j["train_size"] = NumberOrInf(spec.train_size);
  j["optimizer"] = spec.optimizer;
  j["learning_rate"] = NumberOrInf(spec.learning_rate);
  j["weight_decay"] = NumberOrInf(spec.weight_decay);
  j["batch_size"] = spec.batch_size;
  j["steps"] = spec.steps;
  // Only when declared: the JSON of a spec without them, and so every run key (RunKey), is what it
  // was before the fields existed.
  if (spec.parameters != 0.0) j["parameters"] = NumberOrInf(spec.parameters);
  if (spec.flops_per_step != 0.0) j["flops_per_step"] = NumberOrInf(spec.flops_per_step);
  if (spec.context > 0) j["context"] = spec.context;
  if (spec.width > 0) j["width"] = spec.width;
  if (spec.depth > 0) j["depth"] = spec.depth;
  if (spec.heads > 0) j["heads"] = spec.heads;
  if (spec.learning_rate_base_width > 0)
    j["learning_rate_base_width"] = spec.learning_rate_base_width;
  return j;
}

bool ProfileFromJson(const json& j, const std::string& name, ProfileFile* out, std::string* error) {
  const Checker check(name, error);
  if (!check.Object(j, "", {"source", "properties", "series", "learner", "axis", "sizes"}))
    return false;
  ProfileFile file;
  if (j.contains("source") && !check.String(j["source"], "source", &file.profile.source))
    return false;
  if (j.contains("properties") && !ParseProperties(check, j["properties"], &file.profile))
    return false;
  if (j.contains("series") && !ParseSeries(check, j["series"], &file.profile)) return false;
  if (j.contains("learner")) {
    LearnerSpec spec;
    if (!ParseLearner(check, j["learner"], "learner", &spec)) return false;
    file.learner = std::move(spec);
  }
  if (j.contains("axis")) {
    Axis axis;
    if (!ParseAxis(check, j["axis"], &axis)) return false;
    file.axis = axis;
  }
  if (j.contains("sizes") && !ParseSizes(check, j["sizes"], &file.sizes)) return false;
  *out = std::move(file);
  return true;
}

namespace {

// Finds the first key that appears twice in one object (the parser would keep the last value and
// drop the first without a word), as a JSON path such as "properties.spectrum_decay".
class DuplicateKeyFinder {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        open_.push_back({PathOfNext(), event == json::parse_event_t::object_start, {}});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        open_.pop_back();
        break;
      case json::parse_event_t::key:
        last_key_ = parsed.get<std::string>();
        if (!open_.back().keys.insert(last_key_).second && duplicate_.empty()) {
          duplicate_ = Checker::Child(open_.back().path, last_key_);
        }
        break;
      case json::parse_event_t::value:
        break;
    }
    return true;
  }
  const std::string& duplicate() const { return duplicate_; }

 private:
  struct Container {
    std::string path;
    bool object;
    std::set<std::string> keys;
  };
  std::string PathOfNext() const {
    if (open_.empty()) return "";
    return open_.back().object ? Checker::Child(open_.back().path, last_key_)
                               : open_.back().path + "[]";
  }

  std::vector<Container> open_;
  std::string last_key_, duplicate_;
};

}  // namespace

bool ParseProfileJson(const std::string& input,
                      const std::string& name,
                      ProfileFile* out,
                      std::string* error) {
  std::string text = input;
  if (!CheckText(name, &text, error)) return false;
  json j;
  DuplicateKeyFinder duplicates;
  try {
    j = json::parse(text, std::ref(duplicates));
  } catch (const json::exception& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ..." (or
    // out_of_range.406 for a number like 1e999); the bracketed id means nothing to a user.
    std::string what = e.what();
    const auto bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    *error = name + ": malformed JSON: " + what;
    return false;
  }
  if (!duplicates.duplicate().empty()) {
    return Checker(name, error).Fail(duplicates.duplicate(), "appears twice; give each key once");
  }
  return ProfileFromJson(j, name, out, error);
}

bool ReadProfileJson(const std::string& path, ProfileFile* out, std::string* error) {
  std::string text;
  if (!ReadTextFile(path, &text, error)) return false;
  return ParseProfileJson(text, path, out, error);
}

json ProfileToJson(const ProfileFile& file) {
  json j = json::object();
  j["source"] = file.profile.source;
  json properties = json::object();
  for (const auto& [property, m] : file.profile.scalars()) {
    properties[ToString(property)] = {{"value", NumberOrNull(m.value)},
                                      {"std_error", NumberOrNull(m.std_error)},
                                      {"method", m.method}};
  }
  j["properties"] = properties;
  json series = json::object();
  for (const auto& [s, values] : file.profile.series()) {
    json array = json::array();
    for (double v : values) array.push_back(NumberOrNull(v));
    series[ToString(s)] = array;
  }
  j["series"] = series;
  if (file.learner) j["learner"] = LearnerSpecToJson(*file.learner);
  if (file.axis) j["axis"] = ToString(*file.axis);
  if (!file.sizes.empty()) j["sizes"] = file.sizes;
  return j;
}

std::string WriteProfileJson(const ProfileFile& file) {
  return ProfileToJson(file).dump(2) + "\n";
}

}  // namespace scalebench
