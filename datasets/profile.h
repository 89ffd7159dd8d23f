// The measured profile of a dataset: what probes read off the data, and the only thing besides
// the learner's declared spec that a theory is allowed to see.
//
// A Profile maps closed vocabularies (datasets/properties.def) to measurements:
//   - Property: a scalar with its standard error and the method that measured it;
//   - Series:   a raw array (eigenvalues, per-mode target power) for full-curve theories.
// The keys are enums generated from properties.def, so a typo is a compile error and there is no
// free-form slot in which a learning curve could travel to a theory.
//
// Usage:
//   Profile profile;
//   profile.Set(Property::kSpectrumDecay, {1.52, 0.01, "gram eigenvalues, k in [10, 150]"});
//   if (profile.Has(Property::kSpectrumDecay)) double b =
//   profile.Get(Property::kSpectrumDecay).value;
#pragma once

#include <array>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scalebench {

enum class Property {
#define SCALEBENCH_PROPERTY(id, name, unit, description) id,
#include "datasets/properties.def"
};

enum class Series {
#define SCALEBENCH_SERIES(id, name, description) id,
#include "datasets/properties.def"
};

// Name/description tables generated from properties.def; ToString/FromString never drift apart.
const char* ToString(Property property);
const char* ToString(Series series);
const char* Describe(Property property);
const char* Describe(Series series);
const char* Unit(Property property);
// Returns false and leaves *out alone for an unknown name.
bool FromString(const std::string& name, Property* out);
bool FromString(const std::string& name, Series* out);
std::vector<Property> AllProperties();
std::vector<Series> AllSeries();

// One measured scalar. std_error is NaN when the probe could not estimate it.
struct Measurement {
  double value = std::numeric_limits<double>::quiet_NaN();
  double std_error = std::numeric_limits<double>::quiet_NaN();
  std::string method;  // how it was measured (estimator, fit window, sample size)
};

class Profile {
 public:
  bool Has(Property property) const { return scalars_.count(property) > 0; }
  bool Has(Series series) const { return series_.count(series) > 0; }
  // Precondition: Has(property). Aborts with a message otherwise (programmer error).
  const Measurement& Get(Property property) const;
  const std::vector<double>& Get(Series series) const;
  void Set(Property property, Measurement measurement) {
    scalars_[property] = std::move(measurement);
  }
  void Set(Series series, std::vector<double> values) { series_[series] = std::move(values); }

  const std::map<Property, Measurement>& scalars() const { return scalars_; }
  const std::map<Series, std::vector<double>>& series() const { return series_; }

  // Free text: what data the profile was measured on (target name, sample size, seed).
  std::string source;

 private:
  std::map<Property, Measurement> scalars_;
  std::map<Series, std::vector<double>> series_;
};

}  // namespace scalebench
