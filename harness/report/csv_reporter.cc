// results/cells.csv: one tidy row per theory x target x axis with every number of the verdict,
// for pandas.read_csv and spreadsheets. RFC 4180 quoting; numbers in their shortest exact form;
// an empty field is "no value" (NaN in pandas); booleans are true/false.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/report/reporters_internal.h"

namespace scalebench {
namespace {

std::string Quote(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Shortest exact form, always with a '.' or an exponent, so that pandas reads a float column
// even when every value is whole.
std::string Num(double x) {
  if (!std::isfinite(x)) return "";
  std::string text = fmt::format("{}", x);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}
std::string Num(std::optional<double> x) {
  return x ? Num(*x) : "";
}
std::string Bool(bool b) {
  return b ? "true" : "false";
}
// A boolean that only means something when `defined`.
std::string Bool(bool defined, bool b) {
  return defined ? Bool(b) : "";
}

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> columns = {"theory",
                                                   "theory_family",
                                                   "is_null",
                                                   "target",
                                                   "axis",
                                                   "track",
                                                   "dataset_family",
                                                   "home",
                                                   "status",
                                                   "reason",
                                                   "note",
                                                   "scored",
                                                   "predicted",
                                                   "predicted_lower",
                                                   "predicted_upper",
                                                   "se_predicted",
                                                   "fit_status",
                                                   "measured",
                                                   "measured_lower",
                                                   "measured_upper",
                                                   "se_measured",
                                                   "exact",
                                                   "abs_error",
                                                   "z",
                                                   "consistent",
                                                   "inside_ci",
                                                   "interval_score",
                                                   "validated",
                                                   "allowance",
                                                   "allowance_reason",
                                                   "oracle_status",
                                                   "oracle_reason",
                                                   "oracle_predicted",
                                                   "oracle_lower",
                                                   "oracle_upper",
                                                   "theory_error",
                                                   "estimation_error",
                                                   "curve_error",
                                                   "predict_seconds",
                                                   "interval_method",
                                                   "fit_diagnosis"};
  return columns;
}

class CsvReporter final : public LeaderboardReporter {
 public:
  bool Report(const ReportContext&, const Leaderboard& board, std::ostream& out) const override {
    const std::set<std::string> nulls(board.null_theories.begin(), board.null_theories.end());
    WriteRow(Columns(), out);
    for (const Cell& c : board.cells) {
      const bool predicted = c.status == PredictionStatus::kPredicted;
      const bool oracle = c.has_oracle && c.oracle_status == PredictionStatus::kPredicted;
      WriteRow({c.theory,
                c.family,
                Bool(nulls.count(c.theory) > 0),
                c.target,
                ToString(c.axis),
                ToString(c.realism),
                DatasetFamilyOf(c),
                Bool(c.home),
                ToString(c.status),
                predicted ? "" : c.message,
                predicted ? c.message : "",
                Bool(c.scored()),
                predicted ? Num(c.predicted.value) : "",
                predicted ? Num(c.predicted.lower) : "",
                predicted ? Num(c.predicted.upper) : "",
                Num(c.se_predicted),
                ToString(c.fit_status),
                Num(c.measured),
                Num(c.measured_ci.lower),
                Num(c.measured_ci.upper),
                Num(c.scored() ? c.se_measured : c.measured_se),
                Num(c.exact),
                Num(c.abs_error),
                Num(c.z),
                Bool(!std::isnan(c.z), c.consistent),
                Bool(c.scored(), c.inside_ci),
                Num(c.interval_score),
                Bool(c.home && c.scored(), c.validated),
                Num(c.allowance),
                c.allowance ? c.allowance_reason : "",
                c.has_oracle ? ToString(c.oracle_status) : "",
                c.has_oracle && !oracle ? c.oracle_message : "",
                oracle ? Num(c.oracle_predicted.value) : "",
                oracle ? Num(c.oracle_predicted.lower) : "",
                oracle ? Num(c.oracle_predicted.upper) : "",
                Num(c.theory_error),
                Num(c.estimation_error),
                Num(c.curve_error),
                Num(c.predict_seconds),
                ToString(c.interval_method),
                c.fit_diagnosis},
               out);
    }
    return static_cast<bool>(out);
  }

 private:
  static void WriteRow(const std::vector<std::string>& fields, std::ostream& out) {
    for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << Quote(fields[i]);
    out << "\n";
  }
};

}  // namespace

std::unique_ptr<LeaderboardReporter> internal::MakeCsvReporter() {
  return std::make_unique<CsvReporter>();
}

}  // namespace scalebench
