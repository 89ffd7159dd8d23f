// The data side of the Fashion-MNIST targets (fashion_mnist.h, fashion_mnist_mlp.h): which items
// of Debian's two files a target reads (FashionMnistRange, FashionMnistLayout), their loader, the
// draws of training sets from a pool, and the kernel-PCA profile of a sample.
//
// Usage:
//   FashionMnistRange pool{"train", 0, 2000};
//   Eigen::MatrixXd images, one_hot;   // 2000 x 784 in [0, 1]; 2000 x 10
//   std::string error;
//   if (!LoadFashionMnistRange(kFashionMnistDir, pool, &images, &one_hot, nullptr, &error)) ...
//   std::vector<int> draws = DrawPoolIndices(stream, 1000, pool.size(), false);  // a permutation
//   ProfileResult profile = ReferenceProfile(name, dir, reference, kernel, 2000, context);
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/readers/idx_reader.h"
#include "harness/learners/kernel_ridge.h"
#include "harness/targets/target.h"

namespace scalebench {

// Debian's training file holds 60000 images, the t10k file 10000, of 10 classes.
inline constexpr int kFashionMnistTrainImages = 60000;
inline constexpr int kFashionMnistTestImages = 10000;
inline constexpr int kFashionMnistClasses = 10;

// A half-open range [begin, end) of items of one of the two files.
struct FashionMnistRange {
  std::string split = "train";  // "train" or "test" (t10k), as LoadFashionMnist names them
  int begin = 0;
  int end = 0;

  int size() const { return end - begin; }
  // True when both ranges hold an item in common (same file, intersecting ranges).
  bool Overlaps(const FashionMnistRange& other) const;
  // "train[0,2000)", for profile sources and messages.
  std::string ToString() const;
};

// Where a target's images come from. The loaders read exactly these ranges, so checking them
// disjoint checks the data the target uses. Unused parts are empty ranges.
struct FashionMnistLayout {
  FashionMnistRange training;    // the pool from which the training sets are drawn
  FashionMnistRange validation;  // early stopping (the MLP only)
  FashionMnistRange tests;       // the test set (the pool design: the pool itself)
  FashionMnistRange reference;   // the profile's sample (the pool design: the pool itself)
};

// The images of `range` from the files in `data_dir` (one per row, pixels in [0, 1]), their
// one-hot targets (10 columns) and, if asked, their labels. Reads the first range.end items of
// the file. False with the message of the IDX reader, which names the missing or bad file.
bool LoadFashionMnistRange(const std::string& data_dir,
                           const FashionMnistRange& range,
                           Eigen::MatrixXd* images,
                           Eigen::MatrixXd* one_hot,
                           std::vector<int>* labels,
                           std::string* error);

// `count` uniform draws from {0..n-1} from the random stream `stream`: i.i.d. (with replacement),
// or the first `count` entries of a uniform random permutation (without; count <= n), by a
// partial Fisher-Yates shuffle. Either way the first k draws do not depend on `count`, so the
// training sets of one stream are nested prefixes whatever the largest size.
std::vector<int> DrawPoolIndices(std::uint64_t stream, int count, int n, bool with_replacement);

// Kernel PCA of `gram` (the kernel matrix of `images`, released once measured) with the targets
// `one_hot`, and the intrinsic dimension (TwoNN) of the first `id_points` images, into *profile;
// progress names the `sample`. False with the probe's error.
bool MeasureSampleProfile(Eigen::MatrixXd gram,
                          const Eigen::MatrixXd& images,
                          const Eigen::MatrixXd& one_hot,
                          int id_points,
                          const std::string& sample,
                          const RunContext& context,
                          Profile* profile,
                          std::string* error);

// The profile of the held-out design (the kernel targets' and the MLP's): kernel PCA of the
// reference sample with `kernel`, the intrinsic dimension of its first `id_points` images,
// spectrum_complete = 0 (a sample of the distribution, not the population) and label noise 0
// (stated: every image carries one label). Failed, naming the file, when the data cannot be read.
ProfileResult ReferenceProfile(const std::string& name,
                               const std::string& data_dir,
                               const FashionMnistRange& reference,
                               const KernelOptions& kernel,
                               int id_points,
                               const RunContext& context);

// "5" or "11.5": a kernel width as learner kinds and summaries print it.
std::string WidthText(double width);

}  // namespace scalebench
