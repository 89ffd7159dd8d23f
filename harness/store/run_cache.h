// The cache of finished runs and measured profiles, so that re-scoring after a theory change costs
// seconds and a killed sweep resumes where it stopped.
//
// One file per successful (or deliberately skipped) run and one per profile, JSON, laid out for
// people: <dir>/<family>/<variant>/<axis>/seed3-<key>.json, .../<axis>/n512-seed3-<key>.json,
// <dir>/<family>/<variant>/profile-<key>.json. The key hashes everything that determines the entry
// (RunKey, ProfileKey). Every entry carries a checksum of its content; an entry that cannot be
// read, fails its checksum, holds another key or invalid numbers (NaN, negative losses, an empty
// profile) is a miss with a warning, and is recomputed and overwritten. Failures are never
// stored. Writes go through a temporary file renamed over the entry, so a kill leaves either the
// old entry or the new one; temporaries left by killed processes are removed by
// RemoveStaleTemporaries.
//
// Directories: runs read from `directories` in order and write into the first one. The default
// suite writes into an untracked folder and reads the committed results/cache after it; a run
// that regenerates the committed results writes into results/cache.
//
// Usage:
//   RunCache cache({"out/cache", "results/cache"});
//   const std::string key = RunKey(target.Info(), target.RunKeyText(), design, point);
//   RunResult result = RunResult::Failed("");
//   if (!cache.LoadRun(key, info.name, design, point, &result, &warning)) { ...compute... }
//   cache.StoreRun(key, info.name, design, point, result, &error);   // ok or skipped only
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/profile.h"
#include "harness/targets/target.h"

namespace scalebench {

// 64-bit FNV-1a of `text`, as 16 lower-case hex digits. Stable across platforms and runs.
std::string Fnv1aHex(std::string_view text);

// The canonical text of what a design's runs depend on besides the options: axis and learner
// spec (not the grid or the seed count, which the run's own point carries).
std::string CanonicalLearner(const AxisDesign& design);
// Key of one run: target name and version, the options' run-shaping fields, axis, learner, the
// run's sizes and seed.
std::string RunKey(const TargetInfo& info,
                   const std::string& run_key_text,
                   const AxisDesign& design,
                   const RunPoint& point);
// Key of the profile: target name and version and the options' profile-shaping fields.
std::string ProfileKey(const TargetInfo& info, const std::string& profile_key_text);

// Whether `result` is a valid result of `point`: a Skipped run has its reason; an Ok run has one
// finite, non-negative loss per size and diagnostics of the same length. False with *problem.
bool CheckRun(const RunResult& result, const RunPoint& point, std::string* problem);

// The text of a run's cache entry (its JSON with format and checksum, on one line), and its
// parser, which checks what LoadRun checks (format, key, checksum, seed and sizes, CheckRun).
// The MPI ranks send runs in this form (harness/distributed/). Ok and Skipped results only.
std::string RunEntryText(const std::string& key,
                         const std::string& target,
                         const AxisDesign& design,
                         const RunPoint& point,
                         const RunResult& result);
bool ParseRunEntry(const std::string& text,
                   const std::string& key,
                   const RunPoint& point,
                   RunResult* result,
                   std::string* error);

class RunCache {
 public:
  // Reads from `directories` in order, writes into the first. At least one directory.
  explicit RunCache(std::vector<std::string> directories);

  // True on a hit (*result is Ok or Skipped). False on a miss; *warning is empty for a plain miss
  // (no entry) and says what was wrong with an entry otherwise.
  bool LoadRun(const std::string& key,
               const std::string& target,
               const AxisDesign& design,
               const RunPoint& point,
               RunResult* result,
               std::string* warning) const;
  // Stores an Ok or Skipped result (a Failed one is refused with *error). False with *error
  // naming the path when the entry cannot be written.
  bool StoreRun(const std::string& key,
                const std::string& target,
                const AxisDesign& design,
                const RunPoint& point,
                const RunResult& result,
                std::string* error) const;

  bool LoadProfile(const std::string& key,
                   const std::string& target,
                   Profile* profile,
                   std::string* warning) const;
  bool StoreProfile(const std::string& key,
                    const std::string& target,
                    const Profile& profile,
                    std::string* error) const;

  // Paths of the entries in the write directory.
  std::string RunPath(const std::string& key,
                      const std::string& target,
                      const AxisDesign& design,
                      const RunPoint& point) const;
  std::string ProfilePath(const std::string& key, const std::string& target) const;

  // Removes "*.tmp.<pid>.<n>" files under the write directory whose process is gone (a kill
  // between write and rename). Returns how many were removed.
  int RemoveStaleTemporaries() const;

  const std::vector<std::string>& directories() const { return directories_; }

 private:
  std::vector<std::string> directories_;
};

}  // namespace scalebench
