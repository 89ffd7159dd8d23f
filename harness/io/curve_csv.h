// Reads a user's learning curve from a CSV file, for `scalebench fit`.
//
// Two layouts, told apart by the header (required; columns in any order, names case-sensitive,
// other columns ignored, blank lines and lines starting with '#' skipped):
//   size,loss[,seed]    a single-axis curve -> LearningCurve (sizes sorted, one column per seed,
//                       NaN where a seed lacks a size; without a seed column, one run per size:
//                       seed 0)
//   N,D,loss[,seed]     points of the joint form L(N, D) -> std::vector<JointPoint>
// Every error names the file, the line and the field, and what was expected, e.g.
//   "curve.csv:7: field 'loss': 'abc' is not a number".
// A UTF-8 byte-order mark is skipped; a NUL byte, a directory or an unreadable file is an error
// (harness/io/text_input.h).
// Nothing is returned on error (the output is only written on success).
//
// Usage:
//   CurveCsv csv;
//   std::string error;
//   if (!ReadCurveCsv("curve.csv", &csv, &error)) { std::cerr << error; return 1; }
//   if (csv.joint) FitJoint(options, csv.points, &summary); else FitCurve(options, csv.curve, &s);
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "harness/fit/joint_fit.h"
#include "harness/learning_curve.h"

namespace scalebench {

struct CurveCsv {
  bool joint = false;              // true: `points` is filled; false: `curve` is
  LearningCurve curve;             // axis kData, loss "unknown" (a CSV does not say)
  std::vector<JointPoint> points;  // in file order
};

// Reads the file at `path`. Returns false and fills *error if it cannot be read or is invalid.
bool ReadCurveCsv(const std::string& path, CurveCsv* out, std::string* error);
// Same, from a stream; `name` is used in messages in place of the path.
bool ParseCurveCsv(std::istream& in, const std::string& name, CurveCsv* out, std::string* error);

}  // namespace scalebench
