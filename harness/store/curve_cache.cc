#include "harness/store/curve_cache.h"

#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/io/atomic_file.h"
#include "harness/io/profile_json.h"

namespace scalebench {
namespace {

using nlohmann::json;

// Bumped when the layout of an entry changes, so old entries become misses.
constexpr int kCacheFormat = 1;

std::string Canonical(double x) {
  return fmt::format("{:.17g}", x);
}

json NumberOrNull(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}

json MatrixToJson(const std::vector<std::vector<double>>& matrix) {
  json rows = json::array();
  for (const auto& row : matrix) {
    json r = json::array();
    for (double v : row) r.push_back(NumberOrNull(v));  // NaN (missing run) -> null
    rows.push_back(r);
  }
  return rows;
}

std::vector<std::vector<double>> MatrixFromJson(const json& rows) {
  std::vector<std::vector<double>> matrix;
  for (const json& row : rows) {
    std::vector<double> r;
    for (const json& v : row) r.push_back(v.is_null() ? std::nan("") : v.get<double>());
    matrix.push_back(std::move(r));
  }
  return matrix;
}

json CurveToJson(const LearningCurve& curve) {
  json out = {{"axis", ToString(curve.axis)},
              {"loss", curve.loss},
              {"sizes", curve.sizes},
              {"seeds", curve.seeds},
              {"values", MatrixToJson(curve.values)}};
  if (!curve.diagnostics.empty()) {
    json diagnostics = json::array();
    for (const CurveDiagnostic& d : curve.diagnostics) {
      diagnostics.push_back({{"name", d.name},
                             {"description", d.description},
                             {"in_report", d.in_report},
                             {"values", MatrixToJson(d.values)}});
    }
    out["diagnostics"] = std::move(diagnostics);
  }
  return out;
}

// Throws nlohmann exceptions on a wrong shape; the caller turns them into a miss.
LearningCurve CurveFromJson(const json& j) {
  LearningCurve curve;
  const std::string axis = j.at("axis").get<std::string>();
  if (!FromString(axis, &curve.axis)) throw std::runtime_error("unknown axis '" + axis + "'");
  curve.loss = j.at("loss").get<std::string>();
  curve.sizes = j.at("sizes").get<std::vector<double>>();
  curve.seeds = j.at("seeds").get<std::vector<std::uint64_t>>();
  curve.values = MatrixFromJson(j.at("values"));
  if (j.contains("diagnostics")) {  // optional: absent when a target records none
    for (const json& d : j.at("diagnostics")) {
      CurveDiagnostic diagnostic;
      diagnostic.name = d.at("name").get<std::string>();
      diagnostic.description = d.at("description").get<std::string>();
      diagnostic.in_report = d.at("in_report").get<bool>();
      diagnostic.values = MatrixFromJson(d.at("values"));
      curve.diagnostics.push_back(std::move(diagnostic));
    }
  }
  return curve;
}

// Reads and parses `path`; false with an empty *warning when the file does not exist.
bool ReadEntry(const std::string& path, const std::string& key, json* out, std::string* warning) {
  warning->clear();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return false;
  std::ifstream in(path);
  if (!in) {
    *warning = "cache entry " + path + " is unreadable (" + std::strerror(errno) + "); recomputing";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    *out = json::parse(text.str());
    if (out->at("format").get<int>() != kCacheFormat || out->at("key").get<std::string>() != key) {
      *warning = "cache entry " + path + " has another format or key; recomputing";
      return false;
    }
  } catch (const std::exception& e) {
    *warning = "cache entry " + path + " is corrupt (" + e.what() + "); recomputing";
    return false;
  }
  return true;
}

}  // namespace

std::string Fnv1aHex(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
  }
  return fmt::format("{:016x}", hash);
}

std::string CanonicalDesign(const AxisDesign& design) {
  std::string sizes;
  for (double s : design.sizes) sizes += Canonical(s) + ",";
  return fmt::format("axis={};learner={};sizes={};seeds={};zero_offset={}",
                     ToString(design.axis),
                     LearnerSpecToJson(design.learner).dump(),
                     sizes,
                     design.seeds,
                     design.zero_offset ? 1 : 0);
}

std::string CurveCacheKey(const TargetInfo& info,
                          const std::string& material,
                          const AxisDesign& design) {
  return Fnv1aHex(fmt::format("curve;target={};version={};material={};{}",
                              info.name,
                              info.version,
                              material,
                              CanonicalDesign(design)));
}

std::string ProfileCacheKey(const TargetInfo& info, const std::string& material) {
  return Fnv1aHex(
      fmt::format("profile;target={};version={};material={}", info.name, info.version, material));
}

std::string CurveCache::CurvePath(const std::string& key) const {
  return (std::filesystem::path(directory_) / ("curve-" + key + ".json")).string();
}

std::string CurveCache::ProfilePath(const std::string& key) const {
  return (std::filesystem::path(directory_) / ("profile-" + key + ".json")).string();
}

bool CurveCache::LoadCurve(const std::string& key,
                           LearningCurve* curve,
                           std::string* warning) const {
  const std::string path = CurvePath(key);
  json j;
  if (!ReadEntry(path, key, &j, warning)) return false;
  LearningCurve loaded;
  std::string invalid;
  try {
    loaded = CurveFromJson(j.at("curve"));
  } catch (const std::exception& e) {
    *warning = "cache entry " + path + " is corrupt (" + e.what() + "); recomputing";
    return false;
  }
  if (!loaded.IsValid(&invalid)) {
    *warning = "cache entry " + path + " holds an invalid curve (" + invalid + "); recomputing";
    return false;
  }
  *curve = std::move(loaded);
  return true;
}

bool CurveCache::LoadProfile(const std::string& key, Profile* profile, std::string* warning) const {
  const std::string path = ProfilePath(key);
  json j;
  if (!ReadEntry(path, key, &j, warning)) return false;
  ProfileFile file;
  std::string invalid;
  if (!j.contains("profile") || !ProfileFromJson(j["profile"], path, &file, &invalid)) {
    *warning = "cache entry " + path + " is corrupt (" +
               (invalid.empty() ? std::string("no profile") : invalid) + "); recomputing";
    return false;
  }
  *profile = std::move(file.profile);
  return true;
}

bool CurveCache::StoreCurve(const std::string& key,
                            const LearningCurve& curve,
                            std::string* error) const {
  const json j = {{"format", kCacheFormat}, {"key", key}, {"curve", CurveToJson(curve)}};
  return WriteFileAtomically(CurvePath(key), j.dump(1) + "\n", error);
}

bool CurveCache::StoreProfile(const std::string& key,
                              const Profile& profile,
                              std::string* error) const {
  ProfileFile file;
  file.profile = profile;
  const json j = {{"format", kCacheFormat}, {"key", key}, {"profile", ProfileToJson(file)}};
  return WriteFileAtomically(ProfilePath(key), j.dump(1) + "\n", error);
}

}  // namespace scalebench
