#include "harness/io/matrix_file.h"

#include <fmt/core.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xnpy.hpp>

#include "common/status.h"
#include "harness/io/text_input.h"
#include "harness/store/run_cache.h"

namespace scalebench {
namespace {

using internal::Fail;

// The first non-finite value, as "<path>: row R, column C: nan" (1-based).
bool CheckFinite(const std::string& path, const Eigen::MatrixXd& m, std::string* error) {
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (!std::isfinite(m(i, j))) {
        return Fail(error,
                    fmt::format("{}: row {}, column {}: {}; every value must be a finite number",
                                path,
                                i + 1,
                                j + 1,
                                m(i, j)));
      }
    }
  }
  return true;
}

template <typename T>
Eigen::MatrixXd LoadAs(std::istream& in, Eigen::Index rows, Eigen::Index cols) {
  const xt::xarray<T> array = xt::load_npy<T>(in);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < cols; ++j) {
      m(i, j) = static_cast<double>(array.dimension() == 1 ? array(i) : array(i, j));
    }
  }
  return m;
}

// Parses the header with xtensor's own parser (which refuses dtype object, strings and the
// like), checks that the data are all there, then loads them with xt::load_npy.
bool ReadNpy(const std::string& path, const std::string& bytes, MatrixFile* out, std::string* e) {
  if (bytes.compare(0, 6, "\x93NUMPY") != 0) {
    return Fail(e,
                path +
                    ": not a NumPy .npy file (it does not start with \\x93NUMPY; save arrays "
                    "with numpy.save, or give a .csv file)");
  }
  std::istringstream in(bytes);
  std::string header, dtype;
  std::vector<std::size_t> shape;
  bool fortran = false;
  try {
    unsigned char major = 0, minor = 0;
    xt::detail::read_magic(in, &major, &minor);
    if (major == 1 && minor == 0) {
      header = xt::detail::read_header_1_0(in);
    } else if (major == 2 && minor == 0) {
      header = xt::detail::read_header_2_0(in);
    } else {
      return Fail(
          e, fmt::format("{}: .npy format version {}.{}; expected 1.0 or 2.0", path, major, minor));
    }
    xt::detail::parse_header(header, dtype, &fortran, shape);
  } catch (const std::exception& x) {
    while (!header.empty() && (header.back() == '\n' || header.back() == ' ')) header.pop_back();
    return Fail(e,
                fmt::format("{}: not a numeric .npy array ({}; header {}); expected a 1-D or 2-D "
                            "array of numbers (e.g. float64), not dtype object or strings",
                            path,
                            x.what(),
                            header));
  }
  static const std::vector<std::string> kTypes = {
      "<f8", "<f4", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"};
  if (std::find(kTypes.begin(), kTypes.end(), dtype) == kTypes.end()) {
    return Fail(e,
                fmt::format("{}: dtype '{}' is not supported; expected little-endian float64, "
                            "float32, integers or bool (numpy: array.astype('<f8'))",
                            path,
                            dtype));
  }
  if (shape.empty() || shape.size() > 2) {
    return Fail(
        e, fmt::format("{}: a {}-D array; expected 1-D (n) or 2-D (n x d)", path, shape.size()));
  }
  const std::size_t rows = shape[0], cols = shape.size() == 2 ? shape[1] : 1;
  if (rows == 0 || cols == 0) return Fail(e, path + ": the array is empty");
  const std::size_t word = std::strtoul(dtype.c_str() + 2, nullptr, 10);
  const std::size_t available = bytes.size() - static_cast<std::size_t>(in.tellg());
  if (rows > available / cols / word) {
    return Fail(e,
                fmt::format("{}: the header says {} x {} values of {} bytes but the file holds "
                            "{} bytes of data (truncated?)",
                            path,
                            rows,
                            cols,
                            word,
                            available));
  }
  in.seekg(0);
  const auto r = static_cast<Eigen::Index>(rows), c = static_cast<Eigen::Index>(cols);
  Eigen::MatrixXd m;
  try {
    if (dtype == "<f8") m = LoadAs<double>(in, r, c);
    if (dtype == "<f4") m = LoadAs<float>(in, r, c);
    if (dtype == "<i8") m = LoadAs<std::int64_t>(in, r, c);
    if (dtype == "<i4") m = LoadAs<std::int32_t>(in, r, c);
    if (dtype == "<i2") m = LoadAs<std::int16_t>(in, r, c);
    if (dtype == "|i1") m = LoadAs<std::int8_t>(in, r, c);
    if (dtype == "<u8") m = LoadAs<std::uint64_t>(in, r, c);
    if (dtype == "<u4") m = LoadAs<std::uint32_t>(in, r, c);
    if (dtype == "<u2") m = LoadAs<std::uint16_t>(in, r, c);
    if (dtype == "|u1") m = LoadAs<std::uint8_t>(in, r, c);
    if (dtype == "|b1") m = LoadAs<bool>(in, r, c);
  } catch (const std::exception& x) {
    return Fail(e, path + ": cannot read the .npy data: " + x.what());
  }
  out->values = std::move(m);
  out->dtype = dtype;
  return true;
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) {
    const auto begin = field.find_first_not_of(" \t\r");
    const auto end = field.find_last_not_of(" \t\r");
    fields.push_back(begin == std::string::npos ? "" : field.substr(begin, end - begin + 1));
  }
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

bool ParseCsvNumber(const std::string& text, double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  *value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

bool ReadCsv(const std::string& path, std::string text, MatrixFile* out, std::string* error) {
  if (!CheckText(path, &text, error)) return false;
  std::istringstream in(text);
  std::vector<std::vector<double>> rows;
  std::vector<std::string> columns;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::vector<std::string> fields = SplitCsv(line);
    std::vector<double> row(fields.size());
    std::size_t bad = fields.size();
    for (std::size_t j = 0; j < fields.size() && bad == fields.size(); ++j) {
      if (!ParseCsvNumber(fields[j], &row[j])) bad = j;
    }
    if (bad < fields.size() && rows.empty() && columns.empty()) {
      columns = fields;  // a header
      continue;
    }
    const std::size_t width =
        columns.empty() ? (rows.empty() ? fields.size() : rows[0].size()) : columns.size();
    if (fields.size() != width) {
      return Fail(error,
                  fmt::format("{}:{}: {} fields; expected {} as on the first row",
                              path,
                              number,
                              fields.size(),
                              width));
    }
    if (bad < fields.size()) {
      return Fail(
          error,
          fmt::format(
              "{}:{}: column {}: '{}' is not a number", path, number, bad + 1, fields[bad]));
    }
    for (std::size_t j = 0; j < row.size(); ++j) {
      if (!std::isfinite(row[j])) {
        return Fail(error,
                    fmt::format("{}:{}: row {}, column {}: '{}'; every value must be a finite "
                                "number",
                                path,
                                number,
                                rows.size() + 1,
                                j + 1,
                                fields[j]));
      }
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Fail(error, path + ": no rows of numbers");
  Eigen::MatrixXd m(Eigen::Index(rows.size()), Eigen::Index(rows[0].size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      m(Eigen::Index(i), Eigen::Index(j)) = rows[i][j];
  }
  out->values = std::move(m);
  out->dtype = "csv";
  out->columns = std::move(columns);
  return true;
}

}  // namespace

bool ReadBinaryFile(const std::string& path, std::string* bytes, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Fail(error, path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(error, path + ": cannot open: " + std::strerror(errno));
  std::string result;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    result.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (result.size() > kMaxTextFileBytes) {
      return Fail(error, fmt::format("{}: larger than {} MB", path, kMaxTextFileBytes >> 20));
    }
  }
  if (in.bad()) return Fail(error, path + ": read error: " + std::strerror(errno));
  *bytes = std::move(result);
  return true;
}

bool ReadMatrixFile(const std::string& path, MatrixFile* out, std::string* error) {
  std::string bytes;
  if (!ReadBinaryFile(path, &bytes, error)) return false;
  MatrixFile file;
  file.content_hash = Fnv1aHex(bytes);
  const bool npy = std::filesystem::path(path).extension() == ".npy";
  const bool ok = npy ? ReadNpy(path, bytes, &file, error) : ReadCsv(path, bytes, &file, error);
  if (!ok || !CheckFinite(path, file.values, error)) return false;
  *out = std::move(file);
  return true;
}

bool WriteNpy(const std::string& path,
              const Eigen::MatrixXd& values,
              std::string* error,
              bool as_vector) {
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = values;
  std::vector<std::size_t> shape = {std::size_t(values.rows())};
  if (!(as_vector && values.cols() == 1)) shape.push_back(std::size_t(values.cols()));
  try {
    xt::dump_npy(path, xt::adapt(rows.data(), std::size_t(rows.size()), xt::no_ownership(), shape));
  } catch (const std::exception& x) {
    return Fail(error, path + ": cannot write: " + x.what());
  }
  return true;
}

}  // namespace scalebench
