// Implementation of datasets/probes/probe_info.h (each probe's entry is in the probe's .cc).
#include "datasets/probes/probe_info.h"

#include <algorithm>

namespace scalebench {

std::vector<ProbeInfo> AllProbes() {
  std::vector<ProbeInfo> probes = {SpectrumProbeInfo(),
                                   KernelPcaProbeInfo(),
                                   IntrinsicDimensionProbeInfo(),
                                   FrequencyProbeInfo(),
                                   CorrelationProbeInfo(),
                                   WordStatisticsProbeInfo(),
                                   ConditionalEntropyProbeInfo(),
                                   RhmEntropyProbeInfo()};
  std::sort(probes.begin(), probes.end(), [](const ProbeInfo& a, const ProbeInfo& b) {
    return a.name < b.name;
  });
  return probes;
}

std::vector<Property> TargetStatedProperties() {
  return {Property::kSpectrumComplete, Property::kLabelNoiseVariance};
}

}  // namespace scalebench
