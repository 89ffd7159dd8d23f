// Reads a user's numeric matrix (a feature matrix, labels, counts, a spectrum) from a NumPy .npy
// file or a CSV file, for `scalebench probe` and experiment files (harness/experiment/).
//
// Formats, told apart by the file name (".npy": NumPy; anything else: CSV):
//   .npy  NumPy format 1.0 or 2.0 (numpy.save), read with xtensor's npy reader (libxtensor-dev):
//         1-D (n) or 2-D (n x d) arrays, C or Fortran order, little-endian float64, float32,
//         int64, int32, int16, int8, uint8..uint64 or bool. dtype object, strings, complex and
//         big-endian data are refused with the dtype named; a file shorter than its header says is
//         refused (xtensor would read past its end).
//   CSV   one row per line, comma-separated numbers, the same count on every line; a first line
//         that is not all numbers is a header (kept in `columns`); blank lines and lines starting
//         with '#' are skipped.
// Every value must be finite: NaN or inf is an error naming the file, row and column (1-based,
// rows of the data, not lines; CSV errors also give the line).
// The file's bytes are hashed (FNV-1a, harness/store/run_cache.h) so that a cache key can follow
// the content rather than the name.
//
// Usage:
//   MatrixFile features;
//   std::string error;
//   if (!ReadMatrixFile("features.npy", &features, &error)) { std::cerr << error; return 1; }
//   Eigen::MatrixXd x = std::move(features.values);        // n x d (a 1-D array: n x 1)
//   WriteNpy("out.npy", x, &error);                        // float64, C order
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

namespace scalebench {

struct MatrixFile {
  Eigen::MatrixXd values;            // rows x columns (a 1-D .npy array or one CSV column: n x 1)
  std::string dtype;                 // .npy: the dtype text, e.g. "<f8"; CSV: "csv"
  std::vector<std::string> columns;  // CSV header names, when the file has a header
  std::string content_hash;          // FNV-1a of the file's bytes, 16 hex digits
};

// False with a message naming `path` (and the row and column of a bad value) when the file cannot
// be read, is not a numeric 1-D or 2-D array, or holds a non-finite value.
bool ReadMatrixFile(const std::string& path, MatrixFile* out, std::string* error);

// Writes `values` as a 2-D float64 .npy array in C order (numpy.load reads it). A matrix with one
// column is written as a 1-D array when `as_vector`. False with the reason on a write error.
bool WriteNpy(const std::string& path,
              const Eigen::MatrixXd& values,
              std::string* error,
              bool as_vector = false);

// Reads the whole file at `path` as bytes (any content, up to kMaxTextFileBytes); false with a
// message naming the path otherwise.
bool ReadBinaryFile(const std::string& path, std::string* bytes, std::string* error);

}  // namespace scalebench
