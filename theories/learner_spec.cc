#include "theories/learner_spec.h"

namespace scalebench {
namespace {
struct AxisRow {
  Axis axis;
  const char* name;
};
constexpr AxisRow kAxisRows[] = {{Axis::kData, "data"},
                                 {Axis::kParams, "params"},
                                 {Axis::kWidth, "width"},
                                 {Axis::kSteps, "steps"},
                                 {Axis::kCompute, "compute"}};
}  // namespace

const char* ToString(Axis axis) {
  for (const auto& row : kAxisRows) {
    if (row.axis == axis) return row.name;
  }
  return "unknown";
}

bool FromString(const std::string& name, Axis* out, std::string* valid) {
  for (const auto& row : kAxisRows) {
    if (name == row.name) {
      *out = row.axis;
      return true;
    }
  }
  if (valid != nullptr) {
    valid->clear();
    for (const auto& row : kAxisRows)
      *valid += (valid->empty() ? "" : ", ") + std::string(row.name);
  }
  return false;
}

std::vector<Axis> AllAxes() {
  std::vector<Axis> all;
  for (const auto& row : kAxisRows) all.push_back(row.axis);
  return all;
}

double LearningRateAtWidth(double learning_rate, int base_width, int width) {
  if (base_width <= 0 || width <= base_width) return learning_rate;
  return learning_rate * double(base_width) / double(width);
}

}  // namespace scalebench
