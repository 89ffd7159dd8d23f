// The multitask sparse parity generator (datasets/generators/sparse_parity.h): labels are the
// parities of distinct subsets, sets are nested, subtask frequencies follow the Zipf law, and
// option errors name the field.
#include "datasets/generators/sparse_parity.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace scalebench {
namespace {

TEST_CASE("msp data: one-hot control bits, binary task bits, label = parity over the subset",
          "[msp][unit]") {
  SparseParityTaskOptions o;
  o.num_subtasks = 20;
  o.num_bits = 9;
  o.parity_bits = 3;
  SparseParityTask task(o);
  REQUIRE(task.inputs() == 29);
  std::set<std::uint64_t> masks;
  for (int k = 0; k < 20; ++k) {
    CHECK(std::popcount(task.subset_mask(k)) == 3);
    CHECK(task.subset_mask(k) < (std::uint64_t(1) << 9));
    masks.insert(task.subset_mask(k));
  }
  CHECK(masks.size() == 20);  // distinct subsets
  Xoshiro256pp rng(5);
  Eigen::MatrixXf x;
  std::vector<int> labels, subtasks;
  task.Sample(rng, 2000, &x, &labels, &subtasks);
  int ones = 0;
  for (int j = 0; j < 2000; ++j) {
    const auto column = x.col(j);
    REQUIRE(column.head(20).sum() == 1.0f);
    REQUIRE(column(subtasks[j]) == 1.0f);
    int parity = 0;
    for (int i = 0; i < 9; ++i) {
      const float b = column(20 + i);
      REQUIRE((b == 0.0f || b == 1.0f));
      if ((task.subset_mask(subtasks[j]) >> i) & 1) parity ^= int(b);
    }
    REQUIRE(labels[j] == parity);
    ones += labels[j];
  }
  CHECK(ones > 900);  // balanced labels
  CHECK(ones < 1100);
  // Nested sets: the first 500 samples of a stream do not depend on how many are drawn.
  Xoshiro256pp again(5);
  Eigen::MatrixXf x500;
  std::vector<int> labels500, subtasks500;
  task.Sample(again, 500, &x500, &labels500, &subtasks500);
  CHECK(x500 == x.leftCols(500));
}

TEST_CASE("msp data: subtask frequencies follow p_k = k^-(alpha+1) / H_T(alpha+1)", "[msp][unit]") {
  SparseParityTaskOptions o;
  o.num_subtasks = 50;
  o.num_bits = 12;
  o.parity_bits = 2;
  o.alpha = 0.4;
  SparseParityTask task(o);
  double norm = 0;
  for (int k = 1; k <= 50; ++k) norm += std::pow(k, -1.4);
  for (int k : {1, 2, 10, 50})
    CHECK(task.probabilities()[k - 1] == Approx(std::pow(k, -1.4) / norm));
  const int n = 200000;
  std::vector<int> counts(50, 0);
  Xoshiro256pp rng(17);
  for (int i = 0; i < n; ++i) ++counts[task.DrawSubtask(rng)];
  for (int k = 0; k < 50; ++k) {
    const double p = task.probabilities()[k];
    const double se = std::sqrt(n * p * (1 - p));
    INFO("subtask " << k + 1 << ": count " << counts[k] << ", expected " << n * p);
    CHECK(std::abs(counts[k] - n * p) < 5 * se);
  }
}

TEST_CASE("msp data: option errors name the field and what was expected", "[msp][unit]") {
  SparseParityTaskOptions o;
  std::string error;
  CHECK(o.IsValid(&error));
  o.num_bits = 12;
  o.parity_bits = 2;
  o.num_subtasks = 100;  // C(12, 2) = 66 distinct pairs
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error ==
        "num_subtasks = 100 must be <= C(num_bits, parity_bits) = 66 (the subsets are "
        "distinct)");
  o.num_subtasks = 66;
  CHECK(o.IsValid(&error));
  o.parity_bits = 13;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error == "parity_bits = 13 must be <= num_bits = 12");
  o.parity_bits = 2;
  o.num_bits = 65;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error == "num_bits = 65 must be <= 64");
  o.num_bits = 12;
  o.alpha = 0.0;
  CHECK_FALSE(o.IsValid(&error));
  CHECK(error == "alpha = 0 must be > 0");
}

}  // namespace
}  // namespace scalebench
