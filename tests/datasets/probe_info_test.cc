// The ProbeInfo table (datasets/probes/probe_info.h): every probe is listed with a header that
// exists, every property has a probe (or is stated by the targets), and each probe declares
// exactly what its result's FillProfile sets.
#include "datasets/probes/probe_info.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "datasets/probes/conditional_entropy.h"
#include "datasets/probes/frequency_probe.h"
#include "datasets/probes/intrinsic_dimension.h"
#include "datasets/probes/kernel_pca.h"
#include "datasets/probes/rhm_entropy.h"
#include "datasets/probes/spectrum_probe.h"
#include "datasets/probes/token_statistics.h"

namespace scalebench {
namespace {

TEST_CASE("every probe is listed once, by a snake_case name, with a header that exists",
          "[unit][datasets]") {
  const std::vector<ProbeInfo> probes = AllProbes();
  CHECK(probes.size() == 8);
  std::set<std::string> names;
  static const std::regex kName("[a-z0-9_]+");
  for (const ProbeInfo& probe : probes) {
    INFO(probe.name);
    CHECK(std::regex_match(probe.name, kName));
    CHECK(names.insert(probe.name).second);
    CHECK(std::filesystem::exists(std::filesystem::path(SCALEBENCH_SOURCE_DIR) / probe.header));
    CHECK_FALSE(probe.reads.empty());
    CHECK_FALSE(probe.method.empty());
    CHECK_FALSE(probe.properties.empty());
  }
}

TEST_CASE("every property is measured by a probe or stated by the targets, not both",
          "[unit][datasets]") {
  std::set<Property> measured;
  for (const ProbeInfo& probe : AllProbes())
    measured.insert(probe.properties.begin(), probe.properties.end());
  const std::vector<Property> stated = TargetStatedProperties();
  for (Property p : AllProperties()) {
    INFO(ToString(p));
    const bool is_stated = std::find(stated.begin(), stated.end(), p) != stated.end();
    CHECK(measured.count(p) + (is_stated ? 1 : 0) == 1);
  }
}

// The properties and series a default result's FillProfile sets.
std::pair<std::set<Property>, std::set<Series>> Filled(const std::function<void(Profile*)>& fill) {
  Profile profile;
  fill(&profile);
  std::set<Property> properties;
  std::set<Series> series;
  for (Property p : AllProperties())
    if (profile.Has(p)) properties.insert(p);
  for (Series s : AllSeries())
    if (profile.Has(s)) series.insert(s);
  return {properties, series};
}

TEST_CASE("each probe declares exactly what its result's FillProfile sets", "[unit][datasets]") {
  // The correlation probe's value is filled by the token-statistics wrapper, together with the
  // word statistics: that result is checked against the union of the two declarations.
  const std::map<std::string, std::function<void(Profile*)>> fill = {
      {"spectrum", [](Profile* p) { SpectrumProbeResult().FillProfile(p); }},
      {"kernel_pca", [](Profile* p) { KernelPcaResult().FillProfile(p); }},
      {"intrinsic_dimension", [](Profile* p) { IntrinsicDimensionResult().FillProfile(p); }},
      {"frequency", [](Profile* p) { FrequencyProbeResult().FillProfile(p); }},
      {"word_statistics", [](Profile* p) { WordStatisticsResult().FillProfile(p); }},
      {"conditional_entropy", [](Profile* p) { ConditionalEntropyResult().FillProfile(p); }},
      {"rhm_entropy", [](Profile* p) { RhmEntropyResult().FillProfile(p); }},
  };
  std::map<std::string, ProbeInfo> by_name;
  for (const ProbeInfo& probe : AllProbes()) by_name[probe.name] = probe;
  for (const auto& [name, fill_profile] : fill) {
    INFO(name);
    REQUIRE(by_name.count(name) == 1);
    const auto [properties, series] = Filled(fill_profile);
    const ProbeInfo& info = by_name[name];
    CHECK(properties == std::set<Property>(info.properties.begin(), info.properties.end()));
    CHECK(series == std::set<Series>(info.series.begin(), info.series.end()));
  }
  const auto [properties, series] =
      Filled([](Profile* p) { TokenStatisticsResult().FillProfile(p); });
  std::set<Property> declared;
  for (const char* name : {"correlation_decay", "word_statistics"}) {
    declared.insert(by_name[name].properties.begin(), by_name[name].properties.end());
  }
  CHECK(properties == declared);
  CHECK(series.empty());
}

}  // namespace
}  // namespace scalebench
