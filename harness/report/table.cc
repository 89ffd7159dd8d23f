#include "harness/report/table.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace scalebench {
namespace {

// Display width of a UTF-8 string (continuation bytes take no column).
std::size_t Width(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

std::string EscapeMarkdown(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace

void Table::Print(std::ostream& out) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], Width(row[i]));
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      line += cell;
      if (i + 1 < widths.size()) line += std::string(widths[i] - Width(cell) + 2, ' ');
    }
    out << line.substr(0, line.find_last_not_of(' ') + 1) << "\n";
  };
  print(header_);
  std::vector<std::string> rule;
  for (std::size_t w : widths) rule.push_back(std::string(w, '-'));
  print(rule);
  for (const auto& row : rows_) print(row);
}

void Table::PrintMarkdown(std::ostream& out) const {
  auto print = [&](const std::vector<std::string>& row) {
    out << "|";
    for (std::size_t i = 0; i < header_.size(); ++i) {
      out << " " << EscapeMarkdown(i < row.size() ? row[i] : "") << " |";
    }
    out << "\n";
  };
  print(header_);
  out << "|";
  for (std::size_t i = 0; i < header_.size(); ++i) out << " --- |";
  out << "\n";
  for (const auto& row : rows_) print(row);
}

void Table::PrintHtml(std::ostream& out, const std::string& css_class) const {
  out << "<table" << (css_class.empty() ? "" : " class=\"" + EscapeHtml(css_class) + "\"")
      << ">\n<thead><tr>";
  for (const auto& cell : header_) out << "<th>" << EscapeHtml(cell) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows_) {
    out << "<tr>";
    for (std::size_t i = 0; i < header_.size(); ++i)
      out << "<td>" << EscapeHtml(i < row.size() ? row[i] : "") << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatNumber(double x, int digits) {
  if (std::isnan(x)) return "-";
  return fmt::format("{:.{}f}", x, digits);
}

std::string FormatNumber(std::optional<double> x, int digits) {
  return x ? FormatNumber(*x, digits) : "-";
}

std::string FormatEstimate(const Estimate& e, int digits) {
  std::string out = FormatNumber(e.value, digits);
  if (e.lower || e.upper) {
    out += " [" + FormatNumber(e.lower, digits) + ", " + FormatNumber(e.upper, digits) + "]";
  }
  return out;
}

std::string FormatWithInterval(double value, const Interval& interval, int digits) {
  std::string out = FormatNumber(value, digits);
  if (!std::isnan(interval.lower) || !std::isnan(interval.upper)) {
    out += " [" + FormatNumber(interval.lower, digits) + ", " +
           FormatNumber(interval.upper, digits) + "]";
  }
  return out;
}

std::string FormatFraction(int numerator, int denominator) {
  return std::to_string(numerator) + "/" + std::to_string(denominator);
}

std::string FormatShare(double share) {
  if (std::isnan(share)) return "-";
  return fmt::format("{:.0f}%", 100.0 * share);
}

}  // namespace scalebench
