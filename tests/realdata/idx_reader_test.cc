// Tests of the IDX reader (datasets/readers/idx_reader.h): small files written here, plain and
// gzip, read back exactly; each corrupt case gives its own message naming the file; and the real
// Fashion-MNIST files of Debian's dataset-fashion-mnist (installed by scripts/install-deps.sh).
#include "datasets/readers/idx_reader.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace scalebench {
namespace {

using Bytes = std::vector<std::uint8_t>;

// REQUIRE(call), showing `error` (set by the call) when it fails.
#define REQUIRE_OK(call)     \
  do {                       \
    const bool ok_ = (call); \
    INFO(error);             \
    REQUIRE(ok_);            \
  } while (false)

// A fresh folder per test case (ctest runs cases in parallel processes).
std::filesystem::path TempDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("scalebench_idx_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void WritePlain(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void WriteGzip(const std::filesystem::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) == int(bytes.size()));
  gzclose(file);
}

void PutBigEndian(Bytes* bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes->push_back(std::uint8_t(value >> shift));
}

// Magic 0x000008NN, the sizes, then `data`.
Bytes Idx(const std::vector<std::uint32_t>& dims, const Bytes& data, std::uint8_t type = 0x08) {
  Bytes bytes = {0, 0, type, std::uint8_t(dims.size())};
  for (std::uint32_t d : dims) PutBigEndian(&bytes, d);
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

// 3 images of 2 x 4 with pixels 0, 11, 22, ... and labels 7, 0, 9.
Bytes ImagePixels() {
  Bytes pixels;
  for (int i = 0; i < 24; ++i) pixels.push_back(std::uint8_t((i * 11) % 256));
  return pixels;
}
const Bytes kLabels = {7, 0, 9};

std::string ReadError(const std::filesystem::path& path, IdxReadOptions options = {}) {
  IdxArray array;
  std::string error;
  CHECK_FALSE(ReadIdxFile(path.string(), options, &array, &error));
  CHECK_THAT(error, Catch::Contains(path.string()));  // every message names the file
  return error;
}

TEST_CASE("idx: plain and gzip files read back exactly", "[idx]") {
  const auto dir = TempDir("roundtrip");
  const Bytes images = Idx({3, 2, 4}, ImagePixels());
  WritePlain(dir / "images.idx", images);
  WriteGzip(dir / "images.idx.gz", images);
  for (const char* name : {"images.idx", "images.idx.gz"}) {
    DYNAMIC_SECTION(name) {
      IdxArray array;
      std::string error;
      REQUIRE(ReadIdxFile((dir / name).string(), {}, &array, &error));
      CHECK(array.dims == std::vector<long>{3, 2, 4});
      CHECK(array.header.type == 0x08);
      CHECK(array.data == ImagePixels());
      IdxReadOptions first_two;
      first_two.max_items = 2;
      REQUIRE(ReadIdxFile((dir / name).string(), first_two, &array, &error));
      CHECK(array.dims == std::vector<long>{2, 2, 4});
      CHECK(array.header.dims == std::vector<long>{3, 2, 4});
      const Bytes pixels = ImagePixels();
      CHECK(array.data == Bytes(pixels.begin(), pixels.begin() + 16));
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("idx: images and labels load as a scaled matrix and ints", "[idx]") {
  const auto dir = TempDir("pair");
  WriteGzip(dir / "images.gz", Idx({3, 2, 4}, ImagePixels()));
  WritePlain(dir / "labels", Idx({3}, kLabels));
  LabeledImages data;
  ImageLoadOptions options;
  std::string error;
  REQUIRE(LoadIdxImagesAndLabels(
      (dir / "images.gz").string(), (dir / "labels").string(), options, &data, &error));
  REQUIRE(data.images.rows() == 3);
  REQUIRE(data.images.cols() == 8);
  CHECK(data.rows == 2);
  CHECK(data.cols == 4);
  CHECK(data.labels == std::vector<int>{7, 0, 9});
  for (int i = 0; i < 3; ++i) {
    for (int p = 0; p < 8; ++p) CHECK(data.images(i, p) == ((8 * i + p) * 11 % 256) / 255.0);
  }
  options.scale_to_unit = false;
  options.max_items = 1;
  REQUIRE(LoadIdxImagesAndLabels(
      (dir / "images.gz").string(), (dir / "labels").string(), options, &data, &error));
  CHECK(data.images.rows() == 1);
  CHECK(data.images(0, 7) == 77.0);
  CHECK(data.labels == std::vector<int>{7});
  std::filesystem::remove_all(dir);
}

TEST_CASE("idx: corrupt files give specific messages", "[idx]") {
  const auto dir = TempDir("corrupt");
  SECTION("bad magic shows the value found and the one expected") {
    Bytes bytes = Idx({3, 2, 4}, ImagePixels());
    bytes[0] = 0x12, bytes[1] = 0x34;
    WriteGzip(dir / "bad_magic.gz", bytes);
    const std::string error = ReadError(dir / "bad_magic.gz");
    CHECK_THAT(error, Catch::Contains("bad magic number 0x12340803"));
    CHECK_THAT(error, Catch::Contains("expected 0x000008NN"));
  }
  SECTION("an unknown type byte or zero dimensions is a bad magic") {
    WritePlain(dir / "type.idx", Idx({3}, kLabels, 0x42));
    CHECK_THAT(ReadError(dir / "type.idx"), Catch::Contains("bad magic number 0x00004201"));
    WritePlain(dir / "zero.idx", Bytes{0, 0, 8, 0});
    CHECK_THAT(ReadError(dir / "zero.idx"), Catch::Contains("bad magic number 0x00000800"));
  }
  SECTION("unsupported data type") {
    WritePlain(dir / "float.idx", Idx({1}, Bytes{0, 0, 0, 0}, 0x0D));
    CHECK_THAT(ReadError(dir / "float.idx"),
               Catch::Contains("unsupported IDX data type 0x0D (float)") &&
                   Catch::Contains("only 0x08 (unsigned byte)"));
  }
  SECTION("truncated header") {
    WritePlain(dir / "short_magic.idx", Bytes{0, 0});
    CHECK_THAT(ReadError(dir / "short_magic.idx"),
               Catch::Contains("truncated header") && Catch::Contains("found 2"));
    Bytes bytes = Idx({3, 2, 4}, {});
    bytes.resize(12);  // magic + two of the three sizes
    WriteGzip(dir / "short_dims.gz", bytes);
    CHECK_THAT(ReadError(dir / "short_dims.gz"),
               Catch::Contains("truncated header") && Catch::Contains("expected 16 bytes") &&
                   Catch::Contains("found 12"));
  }
  SECTION("truncated data: bytes expected vs found, unless max_items stops before the end") {
    const Bytes pixels = ImagePixels();
    WriteGzip(dir / "short_data.gz", Idx({3, 2, 4}, Bytes(pixels.begin(), pixels.begin() + 10)));
    CHECK_THAT(ReadError(dir / "short_data.gz"),
               Catch::Contains("truncated data") && Catch::Contains("expected 24 bytes") &&
                   Catch::Contains("found 10"));
    IdxArray array;
    std::string error;
    IdxReadOptions one;
    one.max_items = 1;
    CHECK(ReadIdxFile((dir / "short_data.gz").string(), one, &array, &error));
    CHECK(array.data.size() == 8);
  }
  SECTION("a gzip stream cut short is a truncation too") {
    WriteGzip(dir / "full.gz", Idx({3, 2, 4}, ImagePixels()));
    const auto size = std::filesystem::file_size(dir / "full.gz");
    std::filesystem::resize_file(dir / "full.gz", size - 12);  // drop the gzip trailer and more
    IdxArray array;
    std::string error;
    CHECK_FALSE(ReadIdxFile((dir / "full.gz").string(), {}, &array, &error));
    CHECK_THAT(error, Catch::Contains((dir / "full.gz").string()));
  }
  SECTION("missing file; the Fashion-MNIST folder names the Debian package") {
    CHECK_THAT(ReadError(dir / "nope.gz"), Catch::Contains("no such file"));
    IdxArray array;
    std::string error;
    const std::string missing = std::string(kFashionMnistDir) + "/no-such-file.gz";
    CHECK_FALSE(ReadIdxFile(missing, {}, &array, &error));
    CHECK_THAT(error, Catch::Contains("install the Debian package dataset-fashion-mnist"));
  }
  SECTION("images and labels with different counts") {
    WriteGzip(dir / "images.gz", Idx({3, 2, 4}, ImagePixels()));
    WriteGzip(dir / "labels.gz", Idx({2}, Bytes{1, 2}));
    LabeledImages data;
    std::string error;
    CHECK_FALSE(LoadIdxImagesAndLabels(
        (dir / "images.gz").string(), (dir / "labels.gz").string(), {}, &data, &error));
    CHECK_THAT(error,
               Catch::Contains("item count mismatch") && Catch::Contains("holds 3 items") &&
                   Catch::Contains("holds 2") && Catch::Contains("labels.gz"));
  }
  SECTION("an images file must have 3 dimensions") {
    WriteGzip(dir / "flat.gz", Idx({3}, kLabels));
    LabeledImages data;
    std::string error;
    CHECK_FALSE(LoadIdxImagesAndLabels(
        (dir / "flat.gz").string(), (dir / "flat.gz").string(), {}, &data, &error));
    CHECK_THAT(error, Catch::Contains("has 1 dimensions") && Catch::Contains("expected 3"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("idx: bad options and split names are rejected", "[idx]") {
  std::string error;
  IdxReadOptions read;
  read.max_items = -1;
  CHECK_FALSE(read.IsValid(&error));
  CHECK_THAT(error, Catch::Contains("max_items = -1") && Catch::Contains(">= 0"));
  ImageLoadOptions load;
  load.max_items = -5;
  LabeledImages data;
  CHECK_FALSE(LoadFashionMnist("train", load, &data, &error));
  CHECK_THAT(error, Catch::Contains("ImageLoadOptions.max_items = -5"));
  CHECK_FALSE(LoadFashionMnist("validation", {}, &data, &error));
  CHECK_THAT(error,
             Catch::Contains("unknown Fashion-MNIST split 'validation'") &&
                 Catch::Contains("train, test"));
}

// The real files (scripts/install-deps.sh installs dataset-fashion-mnist, so this runs in CI).
TEST_CASE("idx: Fashion-MNIST train is 60000 x 28 x 28 with 6000 labels per class",
          "[idx][fashion]") {
  const std::string dir = kFashionMnistDir;
  IdxHeader header;
  std::string error;
  REQUIRE_OK(ReadIdxHeader(dir + "/train-images-idx3-ubyte.gz", &header, &error));
  CHECK(header.dims == std::vector<long>{60000, 28, 28});
  IdxArray labels;
  REQUIRE_OK(ReadIdxFile(dir + "/train-labels-idx1-ubyte.gz", {}, &labels, &error));
  REQUIRE(labels.dims == std::vector<long>{60000});
  std::array<int, 11> counts{};  // counts[10]: labels outside 0..9
  for (std::uint8_t label : labels.data) ++counts[std::min<int>(label, 10)];
  for (int c = 0; c < 10; ++c) CHECK(counts[c] == 6000);
  CHECK(counts[10] == 0);
  // The whole images file decompresses to exactly its header's size.
  IdxArray images;
  REQUIRE_OK(ReadIdxFile(dir + "/train-images-idx3-ubyte.gz", {}, &images, &error));
  CHECK(images.data.size() == 60000u * 28u * 28u);
}

TEST_CASE("idx: LoadFashionMnist test split, first 100 images within 0..1", "[idx][fashion]") {
  LabeledImages test;
  ImageLoadOptions options;
  options.max_items = 100;
  std::string error;
  REQUIRE_OK(LoadFashionMnist("test", options, &test, &error));
  CHECK(test.images.rows() == 100);
  CHECK(test.images.cols() == 784);
  CHECK(test.labels.size() == 100);
  CHECK(test.images.minCoeff() >= 0.0);
  CHECK(test.images.maxCoeff() <= 1.0);
  CHECK(test.images.maxCoeff() > 0.5);  // not all black: the pixels were read
}

}  // namespace
}  // namespace scalebench
