// A directory of cached learning curves and target profiles, so that re-scoring after a theory
// change costs seconds instead of retraining.
//
// Entries are JSON files named "<kind>-<key>.json", the key being a hash of everything that
// determines the entry (CurveCacheKey / ProfileCacheKey). Writes go to a temporary file that is
// then renamed over the entry, so an interrupted run never leaves a half-written entry. A file
// that cannot be read or parsed, or whose stored key differs, is a miss with a warning: the
// caller recomputes and overwrites it. Nothing here throws or aborts on bad files.
//
// Usage:
//   CurveCache cache("results/cache");
//   const std::string key = CurveCacheKey(info, target.CacheKeyMaterial(), design);
//   LearningCurve curve;
//   std::string warning;
//   if (!cache.LoadCurve(key, &curve, &warning)) {
//     if (!warning.empty()) progress(warning);
//     curve = target.Train(design, progress);
//     if (!cache.StoreCurve(key, curve, &error)) progress(error);  // a cache is optional
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "datasets/profile.h"
#include "harness/learning_curve.h"
#include "harness/targets/target.h"

namespace scalebench {

// 64-bit FNV-1a of `text`, as 16 lower-case hex digits. Stable across platforms and runs.
std::string Fnv1aHex(std::string_view text);

// Canonical strings (every field, fixed order, doubles with 17 significant digits) hashed into
// the keys. The target's name and version are part of both.
std::string CanonicalDesign(const AxisDesign& design);
std::string CurveCacheKey(const TargetInfo& info,
                          const std::string& material,
                          const AxisDesign& design);
std::string ProfileCacheKey(const TargetInfo& info, const std::string& material);

class CurveCache {
 public:
  // The directory is created on the first store.
  explicit CurveCache(std::string directory) : directory_(std::move(directory)) {}

  // Returns true on a hit. On a miss returns false; *warning is empty for a plain miss (no file)
  // and says what was wrong with the file otherwise.
  bool LoadCurve(const std::string& key, LearningCurve* curve, std::string* warning) const;
  bool LoadProfile(const std::string& key, Profile* profile, std::string* warning) const;
  // Returns false with *error naming the path when the entry cannot be written.
  bool StoreCurve(const std::string& key, const LearningCurve& curve, std::string* error) const;
  bool StoreProfile(const std::string& key, const Profile& profile, std::string* error) const;

  std::string CurvePath(const std::string& key) const;
  std::string ProfilePath(const std::string& key) const;
  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;
};

}  // namespace scalebench
