// harness/io/matrix_file.h: .npy (xtensor's reader) and CSV matrices, the dtypes and layouts a
// user's numpy.save writes, and every refusal naming the file and where.
#include "harness/io/matrix_file.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "tests/harness/test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using testing::ScratchDir;
using testing::WriteFile;

// A .npy file as numpy writes it: magic, version 1.0, header length, the header dict padded with
// spaces and ended by '\n', then the raw data.
std::string RawNpy(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

template <typename T>
std::string Bytes(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

bool Read(const std::string& path, MatrixFile* m, std::string* error) {
  return ReadMatrixFile(path, m, error);
}

TEST_CASE("WriteNpy and ReadMatrixFile round-trip a matrix and a vector", "[experiment][unit]") {
  ScratchDir dir;
  Eigen::MatrixXd x(3, 2);
  x << 1, 2, 3, 4, 5, 6.5;
  std::string error;
  REQUIRE(WriteNpy(dir / "x.npy", x, &error));
  REQUIRE(WriteNpy(dir / "v.npy", x.col(1), &error, /*as_vector=*/true));
  MatrixFile m, v;
  REQUIRE(Read(dir / "x.npy", &m, &error));
  CHECK(m.values == x);
  CHECK(m.dtype == "<f8");
  REQUIRE(Read(dir / "v.npy", &v, &error));
  CHECK(v.values == x.col(1));
  // The hash follows the content.
  x(0, 0) = 1.5;
  REQUIRE(WriteNpy(dir / "x.npy", x, &error));
  MatrixFile changed;
  REQUIRE(Read(dir / "x.npy", &changed, &error));
  CHECK(changed.content_hash != m.content_hash);
}

TEST_CASE("npy files of float32, integers, bool and Fortran order read as numpy stores them",
          "[experiment][unit]") {
  ScratchDir dir;
  std::string error;
  MatrixFile m;
  WriteFile(dir / "f4.npy",
            RawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
                   Bytes<float>({1.5f, 2, 3, 4})));
  REQUIRE(Read(dir / "f4.npy", &m, &error));
  CHECK(m.values(0, 0) == 1.5);
  CHECK(m.values(1, 0) == 3);
  WriteFile(dir / "i8.npy",
            RawNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                   Bytes<std::int64_t>({7, -2, 9})));
  REQUIRE(Read(dir / "i8.npy", &m, &error));
  CHECK(m.values.rows() == 3);
  CHECK(m.values(1, 0) == -2);
  WriteFile(dir / "u1.npy",
            RawNpy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
                   Bytes<std::uint8_t>({200, 3})));
  REQUIRE(Read(dir / "u1.npy", &m, &error));
  CHECK(m.values(0, 0) == 200);
  // Column-major: the data run down the columns.
  WriteFile(dir / "fortran.npy",
            RawNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                   Bytes<double>({1, 2, 3, 4, 5, 6})));
  REQUIRE(Read(dir / "fortran.npy", &m, &error));
  CHECK(m.values(0, 1) == 3);
  CHECK(m.values(1, 2) == 6);
}

TEST_CASE("a non-numeric, truncated or non-finite npy file is refused with the file named",
          "[experiment][unit]") {
  ScratchDir dir;
  std::string error;
  MatrixFile m;
  // numpy.save of an object array (pickled data follows the header).
  WriteFile(dir / "object.npy",
            RawNpy("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", "\x80\x04pickle"));
  CHECK_FALSE(Read(dir / "object.npy", &m, &error));
  CHECK_THAT(error, Contains("object.npy: not a numeric .npy array") && Contains("|O"));
  WriteFile(
      dir / "strings.npy",
      RawNpy("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }", std::string(40, 'a')));
  CHECK_FALSE(Read(dir / "strings.npy", &m, &error));
  CHECK_THAT(error, Contains("strings.npy") && Contains("<U5"));
  WriteFile(dir / "text.npy", "1,2,3\n4,5,6\n");
  CHECK_FALSE(Read(dir / "text.npy", &m, &error));
  CHECK_THAT(error, Contains("text.npy: not a NumPy .npy file"));
  WriteFile(
      dir / "big_endian.npy",
      RawNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", Bytes<double>({1})));
  CHECK_FALSE(Read(dir / "big_endian.npy", &m, &error));
  CHECK_THAT(error, Contains("dtype '>f8' is not supported"));
  WriteFile(dir / "short.npy",
            RawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 1000), }",
                   Bytes<double>({1, 2})));
  CHECK_FALSE(Read(dir / "short.npy", &m, &error));
  CHECK_THAT(error, Contains("short.npy") && Contains("truncated"));
  WriteFile(dir / "nan.npy",
            RawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                   Bytes<double>({1, 2, NAN, 4})));
  CHECK_FALSE(Read(dir / "nan.npy", &m, &error));
  CHECK_THAT(error, Contains("nan.npy: row 2, column 1: nan"));
}

TEST_CASE("CSV matrices: an optional header, and errors with the line", "[experiment][unit]") {
  ScratchDir dir;
  std::string error;
  MatrixFile m;
  WriteFile(dir / "x.csv", "# features\na,b\n1,2\n3,4.5\n");
  REQUIRE(Read(dir / "x.csv", &m, &error));
  CHECK(m.values.rows() == 2);
  CHECK(m.values(1, 1) == 4.5);
  CHECK(m.columns == std::vector<std::string>{"a", "b"});
  WriteFile(dir / "bad.csv", "a,b\n1,2\n3,x\n");
  CHECK_FALSE(Read(dir / "bad.csv", &m, &error));
  CHECK_THAT(error, Contains("bad.csv:3: column 2: 'x' is not a number"));
  WriteFile(dir / "ragged.csv", "1,2\n3\n");
  CHECK_FALSE(Read(dir / "ragged.csv", &m, &error));
  CHECK_THAT(error, Contains("ragged.csv:2: 1 fields; expected 2"));
  WriteFile(dir / "nan.csv", "1,2\n3,nan\n");
  CHECK_FALSE(Read(dir / "nan.csv", &m, &error));
  CHECK_THAT(error, Contains("nan.csv:2: row 2, column 2"));
}

}  // namespace
}  // namespace scalebench
