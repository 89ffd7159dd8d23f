#include "datasets/profile.h"

#include <cstdio>
#include <cstdlib>

namespace scalebench {
namespace {

struct PropertyRow {
  Property id;
  const char* name;
  const char* unit;
  const char* description;
};
constexpr PropertyRow kPropertyRows[] = {
#define SCALEBENCH_PROPERTY(id, name, unit, description) {Property::id, name, unit, description},
#include "datasets/properties.def"
};

struct SeriesRow {
  Series id;
  const char* name;
  const char* description;
};
constexpr SeriesRow kSeriesRows[] = {
#define SCALEBENCH_SERIES(id, name, description) {Series::id, name, description},
#include "datasets/properties.def"
};

const PropertyRow& Row(Property p) {
  return kPropertyRows[static_cast<int>(p)];
}
const SeriesRow& Row(Series s) {
  return kSeriesRows[static_cast<int>(s)];
}

}  // namespace

const char* ToString(Property p) {
  return Row(p).name;
}
const char* ToString(Series s) {
  return Row(s).name;
}
const char* Describe(Property p) {
  return Row(p).description;
}
const char* Describe(Series s) {
  return Row(s).description;
}
const char* Unit(Property p) {
  return Row(p).unit;
}

bool FromString(const std::string& name, Property* out) {
  for (const auto& row : kPropertyRows) {
    if (name == row.name) {
      *out = row.id;
      return true;
    }
  }
  return false;
}

bool FromString(const std::string& name, Series* out) {
  for (const auto& row : kSeriesRows) {
    if (name == row.name) {
      *out = row.id;
      return true;
    }
  }
  return false;
}

std::vector<Property> AllProperties() {
  std::vector<Property> all;
  for (const auto& row : kPropertyRows) all.push_back(row.id);
  return all;
}

std::vector<Series> AllSeries() {
  std::vector<Series> all;
  for (const auto& row : kSeriesRows) all.push_back(row.id);
  return all;
}

const Measurement& Profile::Get(Property property) const {
  auto it = scalars_.find(property);
  if (it == scalars_.end()) {
    std::fprintf(
        stderr, "scalebench: Profile::Get(%s) on a profile without it\n", ToString(property));
    std::abort();
  }
  return it->second;
}

const std::vector<double>& Profile::Get(Series series) const {
  auto it = series_.find(series);
  if (it == series_.end()) {
    std::fprintf(
        stderr, "scalebench: Profile::Get(%s) on a profile without it\n", ToString(series));
    std::abort();
  }
  return it->second;
}

}  // namespace scalebench
