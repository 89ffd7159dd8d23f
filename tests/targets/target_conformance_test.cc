// The target conformance kit over every registered target, and against deliberately broken
// targets (the kit must be able to fail); and the golden file of every target's cache keys, so
// that a refactor shows whether the committed cache stays valid.
#include "harness/targets/testing/target_conformance.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness/store/run_cache.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("every registered target conforms to the target kit", "[conformance][targets]") {
  const auto& registry = TargetRegistry::Global();
  CHECK(registry.StartupErrors().empty());
  for (const std::string& error : registry.StartupErrors()) FAIL_CHECK(error);
  REQUIRE(registry.Names().size() >= 8);
  for (const std::string& name : registry.Names()) {
    CAPTURE(name);
    for (const std::string& problem : testing::CheckTarget(name)) FAIL_CHECK(problem);
  }
  for (const std::string& problem : testing::CheckTargetKeysDistinct()) FAIL_CHECK(problem);
}

// --- golden keys -------------------------------------------------------------------------------

// One line per registered target of the default and full suites: name, profile key and a digest
// of its run keys. Regenerate with SCALEBENCH_UPDATE_GOLDEN=1 when a change is meant to
// invalidate cached runs (and regenerate those runs in the same commit).
std::string KeyListing() {
  std::ostringstream out;
  for (const std::string& name : TargetRegistry::Global().Names()) {
    const TargetEntry* entry = TargetRegistry::Global().Find(name);
    const auto& suites = entry->suites;
    if (std::find(suites.begin(), suites.end(), "default") == suites.end() &&
        std::find(suites.begin(), suites.end(), "full") == suites.end()) {
      continue;
    }
    std::unique_ptr<Target> target = TargetRegistry::Global().Create(name, nullptr);
    std::string runs;
    for (const std::string& key : testing::AllRunKeys(*target)) runs += key;
    out << name << " profile=" << ProfileKey(target->Info(), target->ProfileKeyText())
        << " runs=" << testing::AllRunKeys(*target).size() << ":" << Fnv1aHex(runs) << "\n";
  }
  return out.str();
}

TEST_CASE("the cache keys of every suite target equal the golden file", "[conformance][targets]") {
  const std::string path = std::string(SCALEBENCH_SOURCE_DIR) + "/tests/targets/golden_keys.txt";
  const std::string now = KeyListing();
  if (std::getenv("SCALEBENCH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << now;
    WARN("wrote " << path);
  }
  std::ifstream in(path);
  std::stringstream golden;
  golden << in.rdbuf();
  INFO(
      "a target's cache keys changed: the committed cache entries of that target no longer "
      "match. If that is intended, regenerate them and run with SCALEBENCH_UPDATE_GOLDEN=1");
  CHECK(golden.str() == now);
}

}  // namespace
}  // namespace scalebench
