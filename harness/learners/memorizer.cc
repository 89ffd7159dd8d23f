// The memorizer learner (see memorizer.h).
#include "harness/learners/memorizer.h"

#include <unordered_set>

#include "common/size_grid.h"
#include "common/status.h"

namespace scalebench {

using internal::Fail;

namespace {

// Features below this are tracked in a bitmap (the frequent ones, hit on almost every sample);
// the rare rest in a hash set.
constexpr std::int64_t kDenseFeatures = std::int64_t(1) << 22;

}  // namespace

bool MemorizerErrorCurve(const std::vector<std::int64_t>& stream,
                         const std::function<double(std::int64_t)>& probability,
                         const std::vector<std::int64_t>& sizes,
                         std::vector<double>* errors,
                         std::string* error) {
  std::string problem;
  if (!SizeGrid::CheckWithin(sizes, std::int64_t(stream.size()), &problem)) {
    return Fail(error, "memorizer: " + problem);
  }
  std::vector<bool> dense(kDenseFeatures, false);
  std::unordered_set<std::int64_t> sparse;
  // The seen mass is a sum of up to D terms that approaches 1; long double keeps 1 - mass
  // accurate to ~1e-15 even when the error is 1e-4.
  long double seen_mass = 0.0L;
  errors->clear();
  std::size_t next = 0;
  for (std::size_t j = 0; j < sizes.size(); ++j) {
    for (; next < std::size_t(sizes[j]); ++next) {
      const std::int64_t feature = stream[next];
      if (feature < 1) return Fail(error, "memorizer: feature " + std::to_string(feature) + " < 1");
      const bool is_new =
          feature < kDenseFeatures ? !dense[feature] : sparse.insert(feature).second;
      if (!is_new) continue;
      if (feature < kDenseFeatures) dense[feature] = true;
      seen_mass += probability(feature);
    }
    errors->push_back(double(1.0L - seen_mass));
  }
  return true;
}

}  // namespace scalebench
