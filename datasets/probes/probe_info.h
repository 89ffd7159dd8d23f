// What each probe is, declared: its name, where it lives, what it reads, how it measures, and
// which properties and series its result's FillProfile sets. One function per probe, defined
// next to the probe (in its .cc); AllProbes() lists them, so that `scalebench list probes` can
// print them and a test can check that every property has a probe.
//
// Usage:
//   for (const ProbeInfo& probe : AllProbes()) std::cout << probe.name << ": " << probe.method;
//
// WARNING: not a registry. Probes need target-specific data, so targets call them directly; this
// table only describes them.
#pragma once

#include <string>
#include <vector>

#include "datasets/profile.h"

namespace scalebench {

struct ProbeInfo {
  std::string name;                  // snake_case, unique
  std::string header;                // the probe's header, from the repository root
  std::string reads;                 // its input, in a few words
  std::string method;                // how it measures, one line
  std::vector<Property> properties;  // what FillProfile sets (when measurable)
  std::vector<Series> series;
};

// One per probe, each defined in the probe's .cc.
ProbeInfo SpectrumProbeInfo();            // spectrum_probe.cc
ProbeInfo KernelPcaProbeInfo();           // kernel_pca.cc
ProbeInfo IntrinsicDimensionProbeInfo();  // intrinsic_dimension.cc
ProbeInfo FrequencyProbeInfo();           // frequency_probe.cc
ProbeInfo CorrelationProbeInfo();         // correlation_probe.cc
ProbeInfo WordStatisticsProbeInfo();      // word_statistics.cc
ProbeInfo ConditionalEntropyProbeInfo();  // conditional_entropy.cc
ProbeInfo RhmEntropyProbeInfo();          // rhm_entropy.cc

// Every probe, in name order.
std::vector<ProbeInfo> AllProbes();

// The properties no probe fills, because the target states them from its design (the probe
// sample being the whole population; the label noise it adds).
std::vector<Property> TargetStatedProperties();

}  // namespace scalebench
