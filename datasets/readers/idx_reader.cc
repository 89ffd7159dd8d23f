// Implementation of the IDX reader (see idx_reader.h for the format and the error contract).
#include "datasets/readers/idx_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>

#include "common/status.h"

namespace scalebench {
namespace {

using internal::Fail;

constexpr int kUnsignedByte = 0x08;
// Larger than any real IDX file's item shape; guards the size arithmetic against a corrupt header.
constexpr long kMaxElements = 1L << 40;

std::string Hex(unsigned value, int digits) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "0x%0*X", digits, value);
  return buffer;
}

// The IDX type names, for a clearer "unsupported type" message.
const char* TypeName(int type) {
  switch (type) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "short";
    case 0x0C:
      return "int";
    case 0x0D:
      return "float";
    case 0x0E:
      return "double";
    default:
      return nullptr;
  }
}

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// A missing Fashion-MNIST file means the Debian package is not installed: say so.
std::string MissingFileMessage(const std::string& path) {
  std::string message = "cannot open IDX file '" + path + "': no such file";
  if (path.rfind(kFashionMnistDir, 0) == 0) {
    message +=
        " (install the Debian package dataset-fashion-mnist: "
        "apt-get install dataset-fashion-mnist, or run scripts/install-deps.sh)";
  }
  return message;
}

bool Open(const std::string& path, GzFile* file, std::string* error) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Fail(error, MissingFileMessage(path));
  file->reset(gzopen(path.c_str(), "rb"));
  if (!*file) return Fail(error, "cannot open IDX file '" + path + "'");
  return true;
}

// Reads up to `size` bytes; returns the count read, or -1 with a message on a zlib error
// (a corrupt gzip stream).
long ReadBytes(
    gzFile_s* file, const std::string& path, void* buffer, long size, std::string* error) {
  long total = 0;
  auto* out = static_cast<unsigned char*>(buffer);
  while (total < size) {
    const unsigned chunk = static_cast<unsigned>(std::min<long>(size - total, 1L << 24));
    const int got = gzread(file, out + total, chunk);
    if (got < 0) {
      int code = 0;
      Fail(error, "read error in IDX file '" + path + "': " + gzerror(file, &code));
      return -1;
    }
    if (got == 0) break;
    total += got;
  }
  return total;
}

long BigEndian32(const unsigned char* bytes) {
  return (long(bytes[0]) << 24) | (long(bytes[1]) << 16) | (long(bytes[2]) << 8) | long(bytes[3]);
}

bool ParseMagic(const std::string& path,
                const unsigned char* magic,
                IdxHeader* header,
                std::string* error) {
  const unsigned value = static_cast<unsigned>(BigEndian32(magic));
  const int type = magic[2];
  const int ndims = magic[3];
  if (magic[0] != 0 || magic[1] != 0 || TypeName(type) == nullptr || ndims == 0) {
    return Fail(error,
                "bad magic number " + Hex(value, 8) + " in IDX file '" + path +
                    "': expected 0x000008NN (two zero bytes, type 0x08 = unsigned byte, then "
                    "the number of dimensions NN >= 1; e.g. 0x00000803 for images, 0x00000801 "
                    "for labels)");
  }
  if (type != kUnsignedByte) {
    return Fail(error,
                "unsupported IDX data type " + Hex(type, 2) + " (" + TypeName(type) + ") in '" +
                    path + "': only 0x08 (unsigned byte) is supported");
  }
  header->type = type;
  header->dims.assign(ndims, 0);
  return true;
}

bool ReadHeader(gzFile_s* file, const std::string& path, IdxHeader* header, std::string* error) {
  unsigned char magic[4];
  const long got = ReadBytes(file, path, magic, 4, error);
  if (got < 0) return false;
  if (got < 4) {
    return Fail(error,
                "truncated header in IDX file '" + path +
                    "': expected at least 4 bytes (magic), "
                    "found " +
                    std::to_string(got));
  }
  if (!ParseMagic(path, magic, header, error)) return false;
  const long ndims = static_cast<long>(header->dims.size());
  std::vector<unsigned char> sizes(4 * ndims);
  const long got_sizes = ReadBytes(file, path, sizes.data(), 4 * ndims, error);
  if (got_sizes < 0) return false;
  if (got_sizes < 4 * ndims) {
    return Fail(error,
                "truncated header in IDX file '" + path + "': expected " +
                    std::to_string(4 + 4 * ndims) + " bytes (magic and " + std::to_string(ndims) +
                    " dimension sizes), found " + std::to_string(4 + got_sizes));
  }
  for (long i = 0; i < ndims; ++i) header->dims[i] = BigEndian32(&sizes[4 * i]);
  if (header->ItemSize() > kMaxElements) {
    return Fail(error,
                "implausible dimension sizes in IDX file '" + path +
                    "' (more than 2^40 "
                    "elements per item)");
  }
  return true;
}

std::string DimsText(const std::vector<long>& dims) {
  std::string text;
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? " x " : "") + std::to_string(dims[i]);
  return text;
}

}  // namespace

bool IdxReadOptions::IsValid(std::string* error) const {
  if (max_items < 0) {
    return Fail(error,
                "IdxReadOptions.max_items = " + std::to_string(max_items) +
                    ": must be >= 0 (0 reads all items)");
  }
  return true;
}

bool ImageLoadOptions::IsValid(std::string* error) const {
  if (max_items < 0) {
    return Fail(error,
                "ImageLoadOptions.max_items = " + std::to_string(max_items) +
                    ": must be >= 0 (0 reads all items)");
  }
  return true;
}

long IdxHeader::ItemSize() const {
  long size = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) {
    if (dims[i] != 0 && size > kMaxElements / dims[i]) return kMaxElements + 1;
    size *= dims[i];
  }
  return size;
}

bool ReadIdxHeader(const std::string& path, IdxHeader* header, std::string* error) {
  GzFile file;
  return Open(path, &file, error) && ReadHeader(file.get(), path, header, error);
}

bool ReadIdxFile(const std::string& path,
                 const IdxReadOptions& options,
                 IdxArray* out,
                 std::string* error) {
  if (!options.IsValid(error)) return false;
  GzFile file;
  IdxHeader header;
  if (!Open(path, &file, error) || !ReadHeader(file.get(), path, &header, error)) return false;
  long items = header.ItemCount();
  if (options.max_items > 0) items = std::min(items, options.max_items);
  const long item_size = header.ItemSize();
  if (item_size > 0 && items > kMaxElements / item_size) {
    return Fail(error,
                "implausible dimension sizes in IDX file '" + path + "': " + DimsText(header.dims));
  }
  const long expected = items * item_size;
  // Grown as bytes arrive, so a corrupt header cannot make us allocate what the file lacks.
  std::vector<std::uint8_t> data;
  constexpr long kChunk = 1L << 22;
  long found = 0;
  while (found < expected) {
    const long want = std::min(kChunk, expected - found);
    data.resize(found + want);
    const long got = ReadBytes(file.get(), path, data.data() + found, want, error);
    if (got < 0) return false;
    found += got;
    if (got < want) break;
  }
  if (found < expected) {
    return Fail(error,
                "truncated data in IDX file '" + path + "': expected " + std::to_string(expected) +
                    " bytes of data (" + std::to_string(items) + " items of " +
                    std::to_string(item_size) + " bytes, header " + DimsText(header.dims) +
                    "), found " + std::to_string(found));
  }
  data.resize(expected);
  out->dims = header.dims;
  out->dims[0] = items;
  out->header = std::move(header);
  out->data = std::move(data);
  return true;
}

namespace {

bool CheckRank(const std::string& path,
               const IdxArray& array,
               std::size_t rank,
               const char* what,
               std::string* error) {
  if (array.dims.size() == rank) return true;
  return Fail(error,
              "IDX file '" + path + "' has " + std::to_string(array.dims.size()) + " dimensions (" +
                  DimsText(array.header.dims) + "), expected " + std::to_string(rank) + " for " +
                  what);
}

}  // namespace

bool LoadIdxImagesAndLabels(const std::string& images_path,
                            const std::string& labels_path,
                            const ImageLoadOptions& options,
                            LabeledImages* out,
                            std::string* error) {
  if (!options.IsValid(error)) return false;
  IdxHeader image_header, label_header;
  // Compare the counts in the headers first: a mismatch is reported before any data is read.
  if (!ReadIdxHeader(images_path, &image_header, error) ||
      !ReadIdxHeader(labels_path, &label_header, error)) {
    return false;
  }
  if (image_header.ItemCount() != label_header.ItemCount()) {
    return Fail(error,
                "item count mismatch: images file '" + images_path + "' holds " +
                    std::to_string(image_header.ItemCount()) + " items, labels file '" +
                    labels_path + "' holds " + std::to_string(label_header.ItemCount()));
  }
  IdxReadOptions read;
  read.max_items = options.max_items;
  IdxArray images, labels;
  if (!ReadIdxFile(images_path, read, &images, error) ||
      !CheckRank(images_path, images, 3, "images (n, rows, cols)", error) ||
      !ReadIdxFile(labels_path, read, &labels, error) ||
      !CheckRank(labels_path, labels, 1, "labels (n)", error)) {
    return false;
  }
  const long n = images.dims[0];
  const long pixels = images.dims[1] * images.dims[2];
  // Divided (not multiplied by 1/255) so that each pixel is the correctly rounded p / 255.
  const double divisor = options.scale_to_unit ? 255.0 : 1.0;
  // The bytes are row-major (item by item); the Eigen matrix is column-major, hence the map.
  using RowMajorBytes =
      Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajorBytes> bytes(images.data.data(), n, pixels);
  out->images = bytes.cast<double>() / divisor;
  out->labels.assign(labels.data.begin(), labels.data.end());
  out->rows = images.dims[1];
  out->cols = images.dims[2];
  return true;
}

bool LoadFashionMnist(const std::string& split,
                      const ImageLoadOptions& options,
                      LabeledImages* out,
                      std::string* error) {
  return LoadFashionMnist(kFashionMnistDir, split, options, out, error);
}

bool LoadFashionMnist(const std::string& dir,
                      const std::string& split,
                      const ImageLoadOptions& options,
                      LabeledImages* out,
                      std::string* error) {
  std::string prefix;
  if (split == "train") {
    prefix = "train";
  } else if (split == "test") {
    prefix = "t10k";
  } else {
    return Fail(error, "unknown Fashion-MNIST split '" + split + "': valid splits are train, test");
  }
  const std::string stem = dir + "/" + prefix;
  return LoadIdxImagesAndLabels(
      stem + "-images-idx3-ubyte.gz", stem + "-labels-idx1-ubyte.gz", options, out, error);
}

}  // namespace scalebench
