// Implementation of datasets/probes/gram_spectrum.h.
#include "datasets/probes/gram_spectrum.h"

#include <vector>

namespace scalebench {

void GramSpectrum::FillProfile(Profile* profile) const {
  profile->Set(Property::kSpectrumDecay, spectrum_decay);
  profile->Set(Property::kTaskPowerDecay, task_power_decay);
  profile->Set(Property::kTotalTargetPower, total_target_power);
  profile->Set(Property::kSpectrumTrace, spectrum_trace);
  profile->Set(Series::kEigenvalues,
               std::vector<double>(eigenvalues.data(), eigenvalues.data() + eigenvalues.size()));
  profile->Set(Series::kTargetPower,
               std::vector<double>(target_power.data(), target_power.data() + target_power.size()));
}

}  // namespace scalebench
