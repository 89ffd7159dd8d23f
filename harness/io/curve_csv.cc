#include "harness/io/curve_csv.h"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "harness/io/text_input.h"

namespace scalebench {
namespace {

// Fewer distinct sizes cannot pin down both an amplitude and an exponent (let alone an offset).
constexpr int kMinDistinctSizes = 3;

std::string FormatNumber(double x) {
  return fmt::format("{}", x);
}

std::string Trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(Trim(line.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

// The parse state shared by the helpers below: where we are, for error messages.
struct Reader {
  std::string name;
  int line = 0;
  std::string* error;

  bool Fail(const std::string& message) const {
    *error = name + ":" + std::to_string(line) + ": " + message;
    return false;
  }

  bool ParseNumber(const std::string& field, const std::string& text, double* out) const {
    if (text.empty()) return Fail("field '" + field + "': empty, expected a number");
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) {
      return Fail("field '" + field + "': '" + text + "' is not a number");
    }
    if (!std::isfinite(value)) {  // strtod accepts 'nan', 'inf' and overflows to inf
      return Fail("field '" + field + "': '" + text + "' is not a finite number");
    }
    *out = value;
    return true;
  }

  bool ParsePositive(const std::string& field, const std::string& text, double* out) const {
    if (!ParseNumber(field, text, out)) return false;
    if (!(*out > 0.0)) return Fail("field '" + field + "': " + text + " must be positive");
    return true;
  }

  bool ParseSeed(const std::string& text, std::uint64_t* out) const {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
      return Fail("field 'seed': '" + text + "' is not a non-negative integer");
    }
    errno = 0;
    *out = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE) return Fail("field 'seed': '" + text + "' is too large");
    return true;
  }
};

// Column positions found in the header.
struct Columns {
  std::map<std::string, int> index;
  std::optional<int> Find(const std::string& name) const {
    auto it = index.find(name);
    if (it == index.end()) return std::nullopt;
    return it->second;
  }
};

bool ParseHeader(const Reader& reader, const std::string& line, Columns* columns, bool* joint) {
  const std::vector<std::string> names = SplitFields(line);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!columns->index.emplace(names[i], static_cast<int>(i)).second) {
      return reader.Fail("header: column '" + names[i] + "' appears twice");
    }
  }
  *joint = columns->Find("N") && columns->Find("D");
  // Without a seed column every row is one run (seed 0): most users' curves have one run per size.
  const std::vector<std::string> required = *joint ? std::vector<std::string>{"N", "D", "loss"}
                                                   : std::vector<std::string>{"size", "loss"};
  for (const std::string& name : required) {
    if (!columns->Find(name)) {
      return reader.Fail("header: missing column '" + name +
                         "'; expected 'size,loss[,seed]' (one axis) or 'N,D,loss[,seed]' (joint), "
                         "found '" +
                         Trim(line) + "'");
    }
  }
  return true;
}

struct Row {
  double size = 0.0;    // single axis
  double params = 0.0;  // joint
  double data = 0.0;    // joint
  std::uint64_t seed = 0;
  double loss = 0.0;
  int line = 0;
};

bool ParseRow(
    const Reader& reader, const std::string& line, const Columns& columns, bool joint, Row* row) {
  const std::vector<std::string> fields = SplitFields(line);
  if (fields.size() != columns.index.size()) {
    return reader.Fail("expected " + std::to_string(columns.index.size()) + " fields, found " +
                       std::to_string(fields.size()));
  }
  row->line = reader.line;
  if (joint) {
    if (!reader.ParsePositive("N", fields[*columns.Find("N")], &row->params)) return false;
    if (!reader.ParsePositive("D", fields[*columns.Find("D")], &row->data)) return false;
  } else if (!reader.ParsePositive("size", fields[*columns.Find("size")], &row->size)) {
    return false;
  }
  if (auto seed = columns.Find("seed")) {
    if (!reader.ParseSeed(fields[*seed], &row->seed)) return false;
  }
  return reader.ParsePositive("loss", fields[*columns.Find("loss")], &row->loss);
}

bool CheckDistinct(const std::string& name,
                   const std::string& what,
                   std::set<double> values,
                   std::string* error) {
  if (static_cast<int>(values.size()) >= kMinDistinctSizes) return true;
  *error = name + ": only " + std::to_string(values.size()) + " distinct " + what +
           " value(s); a fit needs at least " + std::to_string(kMinDistinctSizes);
  return false;
}

bool BuildCurve(const std::string& name,
                const std::vector<Row>& rows,
                LearningCurve* curve,
                std::string* error) {
  std::set<double> sizes;
  std::set<std::uint64_t> seeds;
  std::map<std::pair<double, std::uint64_t>, int> seen;
  for (const Row& row : rows) {
    auto [it, inserted] = seen.emplace(std::make_pair(row.size, row.seed), row.line);
    if (!inserted) {
      *error = name + ":" + std::to_string(row.line) + ": duplicate row for size " +
               FormatNumber(row.size) + ", seed " + std::to_string(row.seed) + " (first on line " +
               std::to_string(it->second) + ")";
      return false;
    }
    sizes.insert(row.size);
    seeds.insert(row.seed);
  }
  if (!CheckDistinct(name, "size", sizes, error)) return false;
  curve->axis = Axis::kData;
  curve->loss = "unknown";
  curve->sizes.assign(sizes.begin(), sizes.end());
  curve->seeds.assign(seeds.begin(), seeds.end());
  curve->values.assign(
      curve->sizes.size(),
      std::vector<double>(curve->seeds.size(), std::numeric_limits<double>::quiet_NaN()));
  for (const Row& row : rows) {
    const auto i =
        std::lower_bound(curve->sizes.begin(), curve->sizes.end(), row.size) - curve->sizes.begin();
    const auto j =
        std::lower_bound(curve->seeds.begin(), curve->seeds.end(), row.seed) - curve->seeds.begin();
    curve->values[i][j] = row.loss;
  }
  for (std::size_t i = 0; i < curve->sizes.size(); ++i) {
    for (std::size_t j = 0; j < curve->seeds.size(); ++j) {
      if (std::isnan(curve->values[i][j])) {
        curve->missing.push_back({i, j, "no row for this size and seed in " + name});
      }
    }
  }
  return true;
}

bool BuildJoint(const std::string& name,
                const std::vector<Row>& rows,
                std::vector<JointPoint>* points,
                std::string* error) {
  std::set<double> params, data;
  std::map<std::tuple<double, double, std::uint64_t>, int> seen;
  for (const Row& row : rows) {
    auto [it, inserted] = seen.emplace(std::make_tuple(row.params, row.data, row.seed), row.line);
    if (!inserted) {
      *error = name + ":" + std::to_string(row.line) + ": duplicate row for N " +
               FormatNumber(row.params) + ", D " + FormatNumber(row.data) + ", seed " +
               std::to_string(row.seed) + " (first on line " + std::to_string(it->second) + ")";
      return false;
    }
    params.insert(row.params);
    data.insert(row.data);
    points->push_back({row.params, row.data, row.loss});
  }
  return CheckDistinct(name, "N", params, error) && CheckDistinct(name, "D", data, error);
}

}  // namespace

bool ParseCurveCsv(std::istream& stream,
                   const std::string& name,
                   CurveCsv* out,
                   std::string* error) {
  std::string text(std::istreambuf_iterator<char>(stream), {});
  if (!CheckText(name, &text, error)) return false;
  std::istringstream in(text);
  Reader reader{name, 0, error};
  Columns columns;
  bool joint = false;
  bool have_header = false;
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    ++reader.line;
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (!have_header) {
      if (!ParseHeader(reader, trimmed, &columns, &joint)) return false;
      have_header = true;
      continue;
    }
    Row row;
    if (!ParseRow(reader, trimmed, columns, joint, &row)) return false;
    rows.push_back(row);
  }
  if (!have_header) {
    *error =
        name + ": empty file; expected a header 'size,loss[,seed]' or 'N,D,loss[,seed]' and rows";
    return false;
  }
  if (rows.empty()) {
    *error = name + ": no data rows after the header";
    return false;
  }
  CurveCsv result;
  result.joint = joint;
  const bool ok = joint ? BuildJoint(name, rows, &result.points, error)
                        : BuildCurve(name, rows, &result.curve, error);
  if (!ok) return false;
  *out = std::move(result);
  return true;
}

bool ReadCurveCsv(const std::string& path, CurveCsv* out, std::string* error) {
  std::string text;
  if (!ReadTextFile(path, &text, error)) return false;
  std::istringstream in(std::move(text));
  return ParseCurveCsv(in, path, out, error);
}

}  // namespace scalebench
