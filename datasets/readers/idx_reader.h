// Reader for IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or plain.
//
// Format (LeCun et al., http://yann.lecun.com/exdb/mnist/): a big-endian header
//   magic  = 0x00 0x00 <type> <ndims>   (type 0x08 = unsigned byte; the only type supported here)
//   ndims x uint32 dimension sizes       (the first one is the number of items)
// followed by the data, row-major, prod(dims) elements. Images are 0x00000803 (n, rows, cols),
// labels 0x00000801 (n). zlib's gzopen/gzread reads both gzip and plain files transparently.
//
// Errors name the file and say what was found against what was expected: missing file (with the
// Debian package to install when the path is the Fashion-MNIST folder), bad magic, unsupported
// data type, truncated header, truncated data (bytes expected vs found), and a count mismatch
// between an images file and its labels file. Bytes after the data are ignored, and with
// `max_items` only the first items are read (so a truncation past them goes unnoticed).
//
// Usage:
//   LabeledImages train;
//   ImageLoadOptions options;
//   options.max_items = 5000;  // first 5000 images, pixels / 255
//   std::string error;
//   if (!LoadFashionMnist("train", options, &train, &error)) ...;  // train.images: 5000 x 784
//
//   IdxArray raw;  // any ubyte IDX file, unconverted
//   if (!ReadIdxFile(path, IdxReadOptions{}, &raw, &error)) ...;
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace scalebench {

// The folder in which Debian's dataset-fashion-mnist installs the four files.
inline constexpr char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

struct IdxReadOptions {
  // Read only the first max_items items (all when 0 or more than the file holds).
  long max_items = 0;

  bool IsValid(std::string* error) const;
};

// An IDX header: the data type byte and the dimension sizes as written in the file.
struct IdxHeader {
  int type = 0;
  std::vector<long> dims;
  long ItemCount() const { return dims.empty() ? 0 : dims[0]; }
  long ItemSize() const;  // elements per item: the product of dims[1..]
};

// The data of one file: `dims` is the header's with dims[0] reduced to the items read.
struct IdxArray {
  IdxHeader header;                // as in the file (header.dims[0] = items in the file)
  std::vector<long> dims;          // as read
  std::vector<std::uint8_t> data;  // row-major, dims[0] * ItemSize() bytes
};

// Reads and checks the header only (cheap: no data is decompressed).
bool ReadIdxHeader(const std::string& path, IdxHeader* header, std::string* error);

// Reads a ubyte IDX file. Returns false with a message naming the file on any error.
bool ReadIdxFile(const std::string& path,
                 const IdxReadOptions& options,
                 IdxArray* out,
                 std::string* error);

struct ImageLoadOptions {
  long max_items = 0;         // as IdxReadOptions::max_items
  bool scale_to_unit = true;  // pixels / 255 in [0, 1]; false: raw 0..255

  bool IsValid(std::string* error) const;
};

struct LabeledImages {
  Eigen::MatrixXd images;   // n x (rows * cols), one image per row, pixels row-major
  std::vector<int> labels;  // n labels
  long rows = 0;
  long cols = 0;
};

// Loads an images file (3 dimensions: n, rows, cols) and its labels file (1 dimension: n),
// checking that both hold the same number of items.
bool LoadIdxImagesAndLabels(const std::string& images_path,
                            const std::string& labels_path,
                            const ImageLoadOptions& options,
                            LabeledImages* out,
                            std::string* error);

// split "train" (60000 images) or "test" (10000) from kFashionMnistDir.
bool LoadFashionMnist(const std::string& split,
                      const ImageLoadOptions& options,
                      LabeledImages* out,
                      std::string* error);
// The same from `dir`, a folder holding the four files under Debian's names
// (train-images-idx3-ubyte.gz, ..., t10k-labels-idx1-ubyte.gz).
bool LoadFashionMnist(const std::string& dir,
                      const std::string& split,
                      const ImageLoadOptions& options,
                      LabeledImages* out,
                      std::string* error);

}  // namespace scalebench
