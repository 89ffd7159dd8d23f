#include "harness/store/run_cache.h"

#include <fmt/core.h>
#include <signal.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/io/atomic_file.h"
#include "harness/io/profile_json.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Bumped when the layout of an entry changes, so old entries become misses.
constexpr int kCacheFormat = 2;

json NumberOrNull(double x) {
  return std::isfinite(x) ? json(x) : json(nullptr);
}

std::vector<double> NumbersFromJson(const json& values) {
  std::vector<double> out;
  for (const json& v : values) out.push_back(v.is_null() ? std::nan("") : v.get<double>());
  return out;
}

// The checksum covers the whole entry but the checksum itself, in nlohmann's canonical dump
// (sorted keys), so any edit of a value or a key shows.
std::string Checksum(json entry) {
  entry.erase("checksum");
  return Fnv1aHex(entry.dump());
}

std::string TargetDirectory(const std::string& directory, const std::string& target) {
  return (fs::path(directory) / target).string();  // "family/variant" becomes two levels
}

std::string RunFileName(const std::string& key, const AxisDesign& design, const RunPoint& point) {
  const std::string stem = design.unit == RunUnit::kSizeAndSeed
                               ? fmt::format("n{}-seed{}", point.sizes[0], point.seed)
                               : fmt::format("seed{}", point.seed);
  return (fs::path(ToString(design.axis)) / (stem + "-" + key + ".json")).string();
}

// Parses an entry and checks its format, key and checksum; false with *problem.
bool ParseEntry(const std::string& text, const std::string& key, json* out, std::string* problem) {
  try {
    *out = json::parse(text);
    if (out->at("format").get<int>() != kCacheFormat || out->at("key").get<std::string>() != key) {
      *problem = "has another format or key";
      return false;
    }
    if (out->at("checksum").get<std::string>() != Checksum(*out)) {
      *problem = "fails its checksum (edited or corrupt)";
      return false;
    }
  } catch (const std::exception& e) {
    *problem = std::string("is corrupt (") + e.what() + ")";
    return false;
  }
  return true;
}

// Reads and parses `path` and checks format, key and checksum; false with an empty *warning
// when the file does not exist.
bool ReadEntry(const std::string& path, const std::string& key, json* out, std::string* warning) {
  warning->clear();
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  std::ifstream in(path);
  if (!in) {
    *warning = "cache entry " + path + " is unreadable (" + std::strerror(errno) + "); recomputing";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string problem;
  if (!ParseEntry(text.str(), key, out, &problem)) {
    *warning = "cache entry " + path + " " + problem + "; recomputing";
    return false;
  }
  return true;
}

json Sealed(json entry) {
  entry["format"] = kCacheFormat;
  entry["checksum"] = Checksum(entry);
  return entry;
}

bool WriteEntry(const std::string& path, json entry, std::string* error) {
  return WriteFileAtomically(path, Sealed(std::move(entry)).dump(1) + "\n", error);
}

json RunToJson(const std::string& key,
               const std::string& target,
               const AxisDesign& design,
               const RunPoint& point,
               const RunResult& result) {
  json entry = {{"kind", "run"},
                {"key", key},
                {"target", target},
                {"axis", ToString(design.axis)},
                {"seed", point.seed},
                {"sizes", point.sizes.values()},
                {"status", ToString(result.status())}};
  if (result.status() == RunStatus::kSkipped) {
    entry["reason"] = result.reason();
    return entry;
  }
  json losses = json::array();
  for (double v : result.losses()) losses.push_back(NumberOrNull(v));
  entry["losses"] = std::move(losses);
  json diagnostics = json::array();
  for (const RunDiagnostic& d : result.diagnostics()) {
    json values = json::array();
    for (double v : d.values) values.push_back(NumberOrNull(v));
    diagnostics.push_back({{"name", d.name},
                           {"description", d.description},
                           {"in_report", d.in_report},
                           {"values", std::move(values)}});
  }
  entry["diagnostics"] = std::move(diagnostics);
  return entry;
}

// Throws nlohmann exceptions on a wrong shape; the caller turns them into a miss.
RunResult RunFromJson(const json& entry) {
  const std::string status = entry.at("status").get<std::string>();
  if (status == "skipped") return RunResult::Skipped(entry.at("reason").get<std::string>());
  if (status != "ok") throw std::runtime_error("status '" + status + "' is not ok or skipped");
  std::vector<RunDiagnostic> diagnostics;
  for (const json& d : entry.at("diagnostics")) {
    diagnostics.push_back({d.at("name").get<std::string>(),
                           d.at("description").get<std::string>(),
                           NumbersFromJson(d.at("values")),
                           d.at("in_report").get<bool>()});
  }
  return RunResult::Ok(NumbersFromJson(entry.at("losses")), std::move(diagnostics));
}

// The run an entry holds, checked against `point` (seed, sizes, CheckRun); false with *problem.
bool EntryRun(const json& entry, const RunPoint& point, RunResult* result, std::string* problem) {
  try {
    if (entry.at("seed").get<std::uint64_t>() != point.seed ||
        entry.at("sizes").get<std::vector<std::int64_t>>() != point.sizes.values()) {
      throw std::runtime_error("its seed or sizes differ from the run's");
    }
    *result = RunFromJson(entry);
  } catch (const std::exception& e) {
    *problem = std::string("is corrupt (") + e.what() + ")";
    return false;
  }
  if (!CheckRun(*result, point, problem)) {
    *problem = "holds an invalid run: " + *problem;
    return false;
  }
  return true;
}

bool ProcessAlive(long pid) {
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
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

bool CheckRun(const RunResult& result, const RunPoint& point, std::string* problem) {
  if (result.status() == RunStatus::kFailed) {
    *problem = "a failed run is never cached";
    return false;
  }
  if (result.status() == RunStatus::kSkipped) return true;
  const std::size_t n = point.sizes.size();
  if (result.losses().size() != n) {
    *problem = fmt::format("{} losses for {} sizes", result.losses().size(), n);
    return false;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double loss = result.losses()[i];
    if (!std::isfinite(loss) || loss < 0.0) {
      *problem = fmt::format(
          "loss {} at size {} is not a finite non-negative number", loss, point.sizes[i]);
      return false;
    }
  }
  for (const RunDiagnostic& d : result.diagnostics()) {
    if (d.name.empty() || d.values.size() != n) {
      *problem = "diagnostic '" + d.name + "' is unnamed or has the wrong length";
      return false;
    }
  }
  return true;
}

std::string RunEntryText(const std::string& key,
                         const std::string& target,
                         const AxisDesign& design,
                         const RunPoint& point,
                         const RunResult& result) {
  return Sealed(RunToJson(key, target, design, point, result)).dump();
}

bool ParseRunEntry(const std::string& text,
                   const std::string& key,
                   const RunPoint& point,
                   RunResult* result,
                   std::string* error) {
  json entry;
  std::string problem;
  if (!ParseEntry(text, key, &entry, &problem)) {
    *error = "run entry " + problem;
    return false;
  }
  RunResult parsed = RunResult::Failed("");
  if (!EntryRun(entry, point, &parsed, &problem)) {
    *error = "run entry " + problem;
    return false;
  }
  *result = std::move(parsed);
  return true;
}

std::string CanonicalLearner(const AxisDesign& design) {
  return fmt::format(
      "axis={};learner={}", ToString(design.axis), LearnerSpecToJson(design.learner).dump());
}

std::string RunKey(const TargetInfo& info,
                   const std::string& run_key_text,
                   const AxisDesign& design,
                   const RunPoint& point) {
  return Fnv1aHex(fmt::format("run;target={};version={};options={};{};sizes={};seed={}",
                              info.name,
                              info.version,
                              run_key_text,
                              CanonicalLearner(design),
                              point.sizes.ToString(),
                              point.seed));
}

std::string ProfileKey(const TargetInfo& info, const std::string& profile_key_text) {
  return Fnv1aHex(fmt::format(
      "profile;target={};version={};options={}", info.name, info.version, profile_key_text));
}

RunCache::RunCache(std::vector<std::string> directories) : directories_(std::move(directories)) {}

std::string RunCache::RunPath(const std::string& key,
                              const std::string& target,
                              const AxisDesign& design,
                              const RunPoint& point) const {
  return (fs::path(TargetDirectory(directories_.front(), target)) / RunFileName(key, design, point))
      .string();
}

std::string RunCache::ProfilePath(const std::string& key, const std::string& target) const {
  return (fs::path(TargetDirectory(directories_.front(), target)) / ("profile-" + key + ".json"))
      .string();
}

bool RunCache::LoadRun(const std::string& key,
                       const std::string& target,
                       const AxisDesign& design,
                       const RunPoint& point,
                       RunResult* result,
                       std::string* warning) const {
  warning->clear();
  const std::string relative = RunFileName(key, design, point);
  for (const std::string& directory : directories_) {
    const std::string path = (fs::path(TargetDirectory(directory, target)) / relative).string();
    json entry;
    std::string problem;
    if (!ReadEntry(path, key, &entry, &problem)) {
      if (!problem.empty() && warning->empty()) *warning = problem;
      continue;
    }
    RunResult loaded = RunResult::Failed("");
    if (!EntryRun(entry, point, &loaded, &problem)) {
      if (warning->empty()) *warning = "cache entry " + path + " " + problem;
      continue;
    }
    *result = std::move(loaded);
    return true;
  }
  if (!warning->empty()) *warning += "; recomputing";
  return false;
}

bool RunCache::StoreRun(const std::string& key,
                        const std::string& target,
                        const AxisDesign& design,
                        const RunPoint& point,
                        const RunResult& result,
                        std::string* error) const {
  std::string problem;
  if (!CheckRun(result, point, &problem)) {
    *error = "not cached: " + problem;
    return false;
  }
  return WriteEntry(
      RunPath(key, target, design, point), RunToJson(key, target, design, point, result), error);
}

bool RunCache::LoadProfile(const std::string& key,
                           const std::string& target,
                           Profile* profile,
                           std::string* warning) const {
  warning->clear();
  for (const std::string& directory : directories_) {
    const std::string path =
        (fs::path(TargetDirectory(directory, target)) / ("profile-" + key + ".json")).string();
    json entry;
    std::string problem;
    if (!ReadEntry(path, key, &entry, &problem)) {
      if (!problem.empty() && warning->empty()) *warning = problem;
      continue;
    }
    ProfileFile file;
    if (!entry.contains("profile") || !ProfileFromJson(entry["profile"], path, &file, &problem)) {
      if (warning->empty()) *warning = "cache entry " + path + " is corrupt (" + problem + ")";
      continue;
    }
    if (file.profile.scalars().empty() && file.profile.series().empty()) {
      if (warning->empty()) *warning = "cache entry " + path + " holds an empty profile";
      continue;
    }
    *profile = std::move(file.profile);
    return true;
  }
  if (!warning->empty()) *warning += "; recomputing";
  return false;
}

bool RunCache::StoreProfile(const std::string& key,
                            const std::string& target,
                            const Profile& profile,
                            std::string* error) const {
  if (profile.scalars().empty() && profile.series().empty()) {
    *error = "not cached: the profile of " + target + " is empty";
    return false;
  }
  ProfileFile file;
  file.profile = profile;
  json entry = {
      {"kind", "profile"}, {"key", key}, {"target", target}, {"profile", ProfileToJson(file)}};
  return WriteEntry(ProfilePath(key, target), std::move(entry), error);
}

int RunCache::RemoveStaleTemporaries() const {
  std::error_code ec;
  const fs::path root = directories_.front();
  if (!fs::is_directory(root, ec)) return 0;
  int removed = 0;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string name = it->path().filename().string();
    const auto tmp = name.rfind(".tmp.");
    if (tmp == std::string::npos) continue;
    // "<entry>.tmp.<pid>.<n>" (WriteFileAtomically): remove when that process is gone.
    const std::string rest = name.substr(tmp + 5);
    const long pid = std::strtol(rest.c_str(), nullptr, 10);
    if (ProcessAlive(pid)) continue;
    std::error_code remove_error;
    if (fs::remove(it->path(), remove_error)) ++removed;
  }
  return removed;
}

}  // namespace scalebench
