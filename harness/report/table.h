// Plain-text and Markdown tables, and the number formats shared by every human-readable report
// and CLI listing (so that "no value" looks the same everywhere).
//
// Usage:
//   Table table({"rank", "theory", "MAE"});
//   table.AddRow({"1", "kernel/x", FormatNumber(0.0123)});
//   table.Print(std::cout);          // aligned columns
//   table.PrintMarkdown(std::cout);  // | rank | theory | MAE |
//   table.PrintHtml(std::cout);      // <table> for report.html
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/fit/power_law_fit.h"
#include "theories/theory.h"

namespace scalebench {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Columns padded to their widest cell, separated by two spaces; a dashed rule under the header.
  void Print(std::ostream& out) const;
  // GitHub-flavoured Markdown; '|' inside cells is escaped.
  void PrintMarkdown(std::ostream& out) const;
  // An HTML <table> with the given class attribute; cells are HTML-escaped.
  void PrintHtml(std::ostream& out, const std::string& css_class = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// `digits` decimals; "-" for NaN.
std::string FormatNumber(double x, int digits = 3);
std::string FormatNumber(std::optional<double> x, int digits = 3);
// "0.512 [0.49, 0.53]", or "0.512" without bounds.
std::string FormatEstimate(const Estimate& e, int digits = 3);
std::string FormatWithInterval(double value, const Interval& interval, int digits = 3);
// Text with &, <, >, " and ' replaced by their HTML entities.
std::string EscapeHtml(const std::string& text);
// "3/8".
std::string FormatFraction(int numerator, int denominator);
// A percentage with no decimals, "-" for NaN: "67%".
std::string FormatShare(double share);

}  // namespace scalebench
