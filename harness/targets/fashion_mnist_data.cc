#include "harness/targets/fashion_mnist_data.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "datasets/generators/random.h"
#include "datasets/internal/status.h"
#include "datasets/probes/intrinsic_dimension.h"
#include "datasets/probes/kernel_pca.h"

namespace scalebench {

using internal::Fail;

bool FashionMnistRange::Overlaps(const FashionMnistRange& other) const {
  return split == other.split && size() > 0 && other.size() > 0 && begin < other.end &&
         other.begin < end;
}

std::string FashionMnistRange::ToString() const {
  return split + "[" + std::to_string(begin) + "," + std::to_string(end) + ")";
}

std::string WidthText(double width) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", width);
  return buffer;
}

bool LoadFashionMnistRange(const std::string& data_dir,
                           const FashionMnistRange& range,
                           Eigen::MatrixXd* images,
                           Eigen::MatrixXd* one_hot,
                           std::vector<int>* labels,
                           std::string* error) {
  LabeledImages data;
  ImageLoadOptions load;
  load.max_items = range.end;
  if (!LoadFashionMnist(data_dir, range.split, load, &data, error)) return false;
  if (data.images.rows() < range.end) {
    return Fail("the Fashion-MNIST " + range.split + " file in " + data_dir + " holds " +
                    std::to_string(data.images.rows()) + " images, fewer than the " +
                    std::to_string(range.end) + " this target reads",
                error);
  }
  if (range.begin == 0 && range.end == data.images.rows()) {
    *images = std::move(data.images);  // the whole file read: no copy
  } else {
    *images = data.images.middleRows(range.begin, range.size());
  }
  one_hot->setZero(range.size(), kFashionMnistClasses);
  for (int i = 0; i < range.size(); ++i) (*one_hot)(i, data.labels[range.begin + i]) = 1.0;
  if (labels != nullptr) {
    labels->assign(data.labels.begin() + range.begin, data.labels.begin() + range.end);
  }
  return true;
}

std::vector<int> DrawPoolIndices(std::uint64_t stream, int count, int n, bool with_replacement) {
  Xoshiro256pp rng(stream);
  auto below = [&](int m) { return std::min(m - 1, static_cast<int>(rng.UniformOpen() * m)); };
  std::vector<int> draws(count);
  if (with_replacement) {
    for (int& d : draws) d = below(n);
    return draws;
  }
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = 0; i < count; ++i) {
    std::swap(order[i], order[i + below(n - i)]);
    draws[i] = order[i];
  }
  return draws;
}

bool MeasureSampleProfile(Eigen::MatrixXd gram,
                          const Eigen::MatrixXd& images,
                          const Eigen::MatrixXd& one_hot,
                          int id_points,
                          const std::string& sample,
                          const RunContext& context,
                          Profile* profile,
                          std::string* error) {
  KernelPcaResult pca;
  std::string probe_error;
  const bool pca_ok = MeasureKernelPca(gram, one_hot, KernelPcaOptions{}, &pca, &probe_error);
  gram.resize(0, 0);
  if (!pca_ok) return Fail("kernel PCA of " + sample + ": " + probe_error, error);
  context.Progress("kernel PCA of " + sample + ": " + std::to_string(pca.eigen_seconds) +
                   " s; b = " + std::to_string(pca.spectrum_decay.value) +
                   " (n/2: " + std::to_string(pca.half_spectrum_decay) +
                   "), a = " + std::to_string(pca.task_power_decay.value) +
                   " (n/2: " + std::to_string(pca.half_task_power_decay) + ")");
  pca.FillProfile(profile);
  IntrinsicDimensionResult id;
  if (!MeasureIntrinsicDimension(
          images.topRows(id_points), IntrinsicDimensionOptions{}, &id, &probe_error)) {
    return Fail("intrinsic dimension of " + sample + ": " + probe_error, error);
  }
  id.FillProfile(profile);
  return true;
}

ProfileResult ReferenceProfile(const std::string& name,
                               const std::string& data_dir,
                               const FashionMnistRange& reference,
                               const KernelOptions& kernel,
                               int id_points,
                               const RunContext& context) {
  Profile profile;
  profile.source = name + ": reference sample " + reference.ToString() + " (the last " +
                   std::to_string(reference.size()) +
                   " Fashion-MNIST training images, disjoint "
                   "from every training set and from the t10k test set), " +
                   ToString(kernel.kind) + " kernel of width " + WidthText(kernel.width);
  Eigen::MatrixXd images, one_hot, gram;
  std::string error;
  if (!LoadFashionMnistRange(data_dir, reference, &images, &one_hot, nullptr, &error)) {
    return ProfileResult::Failed(error);
  }
  KernelMatrix(images, images, kernel, &gram);
  if (!MeasureSampleProfile(std::move(gram),
                            images,
                            one_hot,
                            id_points,
                            "the reference sample",
                            context,
                            &profile,
                            &error)) {
    return ProfileResult::Failed(error);
  }
  // 0: the reference is a sample of the image distribution, not the population itself, so the
  // theories are to treat its modes beyond ~n/10 as unmeasured.
  profile.Set(Property::kSpectrumComplete,
              {0.0,
               0.0,
               "the kernel PCA sample (" + std::to_string(reference.size()) +
                   " reference images) is a sample of the distribution, not the "
                   "population"});
  profile.Set(Property::kLabelNoiseVariance,
              {0.0,
               0.0,
               "0, stated: every Fashion-MNIST image carries exactly one label, so the label is a "
               "function of the image (not measured)"});
  return ProfileResult::Ok(std::move(profile));
}

}  // namespace scalebench
