#include "common/size_grid.h"

#include <fmt/format.h>

#include <cmath>

namespace scalebench {

SizeGrid SizeGrid::Log(double first, double last, int count) {
  std::vector<std::int64_t> sizes;
  for (int i = 0; i < count; ++i) {
    const double x = std::round(first * std::pow(last / first, i / double(count - 1)));
    const auto n = static_cast<std::int64_t>(x);
    if (sizes.empty() || n > sizes.back()) sizes.push_back(n);
  }
  return SizeGrid(std::move(sizes));
}

bool SizeGrid::FromDoubles(const std::vector<double>& values, SizeGrid* grid, std::string* error) {
  std::vector<std::int64_t> sizes;
  for (double x : values) {
    const double rounded = std::round(x);
    if (!std::isfinite(x) || std::abs(x - rounded) > 1e-9 || rounded < 1.0 ||
        rounded > double(kMaxSize)) {
      if (error != nullptr) {
        *error = fmt::format("size {} is not an integer in [1, {}]", x, kMaxSize);
      }
      return false;
    }
    sizes.push_back(static_cast<std::int64_t>(rounded));
  }
  SizeGrid result(std::move(sizes));
  if (!result.IsValid(error)) return false;
  *grid = std::move(result);
  return true;
}

bool SizeGrid::IsValid(std::string* error) const {
  auto fail = [&](std::string message) {
    if (error != nullptr) *error = std::move(message);
    return false;
  };
  if (sizes_.empty()) return fail("no sizes");
  for (std::size_t i = 0; i < sizes_.size(); ++i) {
    if (sizes_[i] < 1 || sizes_[i] > kMaxSize) {
      return fail(fmt::format("size {} is outside [1, {}]", sizes_[i], kMaxSize));
    }
    if (i > 0 && sizes_[i] <= sizes_[i - 1]) {
      return fail(
          fmt::format("{} after {}: sizes must be strictly increasing", sizes_[i], sizes_[i - 1]));
    }
  }
  return true;
}

bool SizeGrid::CheckWithin(const std::vector<std::int64_t>& sizes,
                           std::int64_t max,
                           std::string* error) {
  const SizeGrid grid(sizes);
  if (!grid.IsValid(error)) {
    if (error != nullptr) *error = "sizes: " + *error;
    return false;
  }
  for (std::size_t i = 0; i < grid.size(); ++i) {
    if (grid[i] > max) {
      if (error != nullptr)
        *error = fmt::format("sizes[{}] = {} is above the {} available", i, grid[i], max);
      return false;
    }
  }
  return true;
}

std::vector<double> SizeGrid::AsDoubles() const {
  return std::vector<double>(sizes_.begin(), sizes_.end());
}

std::vector<int> SizeGrid::AsInts() const {
  return std::vector<int>(sizes_.begin(), sizes_.end());
}

SizeGrid SizeGrid::Slice(std::size_t first, std::size_t last) const {
  return SizeGrid(std::vector<std::int64_t>(sizes_.begin() + first, sizes_.begin() + last));
}

std::string SizeGrid::ToString() const {
  return fmt::format("{}", fmt::join(sizes_, ","));
}

}  // namespace scalebench
