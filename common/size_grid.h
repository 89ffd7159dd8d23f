// SizeGrid: the sizes a design sweeps (samples, widths, steps, ...): strictly increasing positive
// integers, validated in one place for every target.
//
// Usage:
//   SizeGrid sizes = SizeGrid::Log(16, 512, 8);   // 16, 26, 43, ..., 512 (rounded, distinct)
//   SizeGrid fixed({250, 500, 1000});
//   std::string error;
//   if (!fixed.IsValid(&error)) ...              // "500 after 1000: sizes must be strictly
//   increasing" for (std::int64_t n : sizes) ... curve.sizes = sizes.AsDoubles();
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace scalebench {

class SizeGrid {
 public:
  // Sizes above this are rejected: every learner here indexes samples and widths with int64 and
  // most with int; 4e9 covers the largest token counts of the language targets.
  static constexpr std::int64_t kMaxSize = 4'000'000'000;

  SizeGrid() = default;
  SizeGrid(std::initializer_list<std::int64_t> sizes) : sizes_(sizes) {}
  explicit SizeGrid(std::vector<std::int64_t> sizes) : sizes_(std::move(sizes)) {}

  // `count` sizes log-spaced from `first` to `last` (both included), rounded to the nearest
  // integer, duplicates after rounding dropped. Precondition: 1 <= first < last, count >= 2.
  static SizeGrid Log(double first, double last, int count);
  // From doubles that must be integers (within 1e-9); false with *error naming the bad value.
  static bool FromDoubles(const std::vector<double>& values, SizeGrid* grid, std::string* error);

  // Non-empty, every size in [1, kMaxSize], strictly increasing. *error says what is wrong
  // ("500 after 1000: sizes must be strictly increasing").
  bool IsValid(std::string* error) const;
  // The check of a learner handed plain sizes: a valid grid whose largest size is at most `max`
  // (the rows drawn, the pool); *error names the first bad size.
  static bool CheckWithin(const std::vector<int>& sizes, std::int64_t max, std::string* error) {
    return CheckWithin(std::vector<std::int64_t>(sizes.begin(), sizes.end()), max, error);
  }
  static bool CheckWithin(const std::vector<std::int64_t>& sizes,
                          std::int64_t max,
                          std::string* error);

  const std::vector<std::int64_t>& values() const { return sizes_; }
  std::vector<double> AsDoubles() const;
  // Sizes as int, for learners that index with int. Precondition: every size fits in an int.
  std::vector<int> AsInts() const;
  std::size_t size() const { return sizes_.size(); }
  bool empty() const { return sizes_.empty(); }
  std::int64_t operator[](std::size_t i) const { return sizes_[i]; }
  std::int64_t front() const { return sizes_.front(); }
  std::int64_t back() const { return sizes_.back(); }
  std::vector<std::int64_t>::const_iterator begin() const { return sizes_.begin(); }
  std::vector<std::int64_t>::const_iterator end() const { return sizes_.end(); }
  // The sizes [first, last) as a grid of their own.
  SizeGrid Slice(std::size_t first, std::size_t last) const;
  // "16,26,43" (the canonical text used in cache keys and listings).
  std::string ToString() const;

  bool operator==(const SizeGrid& other) const = default;

 private:
  std::vector<std::int64_t> sizes_;
};

}  // namespace scalebench
