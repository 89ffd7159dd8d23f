#include "harness/report/reporter.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <utility>

#include "harness/io/atomic_file.h"
#include "harness/report/html_report.h"
#include "harness/report/reporters_internal.h"

namespace scalebench {
namespace {

// A factory fills *error when it cannot make its reporter (the html one needs the Vega files).
using Factory = std::unique_ptr<LeaderboardReporter> (*)(std::string* error);

// The built-ins are listed by hand (Catch2's choice for core reporters).
const std::vector<std::pair<std::string, Factory>>& Reporters() {
  static const std::vector<std::pair<std::string, Factory>> reporters = {
      {"cells", [](std::string*) { return internal::MakeCellsReporter(); }},
      {"console", [](std::string*) { return internal::MakeConsoleReporter(); }},
      {"csv", [](std::string*) { return internal::MakeCsvReporter(); }},
      {"html",
       [](std::string* error) -> std::unique_ptr<LeaderboardReporter> {
         return HtmlReporter::Create(HtmlReportOptions{}, error);
       }},
      {"json", [](std::string*) { return internal::MakeJsonReporter(); }},
      {"markdown", [](std::string*) { return internal::MakeMarkdownReporter(); }},
  };
  return reporters;
}

std::string RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 256> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  if (::pclose(pipe) != 0) return "";
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output;
}

std::string UtcTimestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The source tree's HEAD and whether tracked files differ from it (the results may then differ
// from the commit's). The committed results/ are outputs, not inputs: regenerating the default
// suite's files must not mark the full suite's run, made next, as dirty.
void SourceGitState(std::string* commit, bool* dirty) {
  *commit =
      RunCommand(std::string("git -C '") + SCALEBENCH_SOURCE_DIR + "' rev-parse HEAD 2>/dev/null");
  *dirty = false;
  if (commit->empty()) {
    *commit = "unknown";
    return;
  }
  *dirty =
      !RunCommand(std::string("git -C '") + SCALEBENCH_SOURCE_DIR +
                  "' status --porcelain --untracked-files=no -- . ':(exclude)results' 2>/dev/null")
           .empty();
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

}  // namespace

ReportContext CurrentReportContext() {
  ReportContext context;
  context.date = UtcTimestamp();
  context.host = HostName();
  SourceGitState(&context.git_commit, &context.git_dirty);
#ifdef NDEBUG
  context.build_type = "release";
#else
  context.build_type = "debug";
#endif
  return context;
}

std::vector<std::string> ReporterNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Reporters()) names.push_back(name);
  return names;
}

std::unique_ptr<LeaderboardReporter> CreateReporter(const std::string& name, std::string* error) {
  for (const auto& [known, factory] : Reporters()) {
    if (known == name) return factory(error);
  }
  *error = "Unknown reporter '" + name + "'. Valid reporters:";
  for (const auto& known : ReporterNames()) *error += " " + known;
  return nullptr;
}

bool WriteReport(const std::string& format,
                 const ReportContext& context,
                 const Leaderboard& board,
                 std::ostream& out) {
  std::string error;
  auto reporter = CreateReporter(format, &error);
  return reporter != nullptr && reporter->Report(context, board, out);
}

bool WriteReportFile(const std::string& reporter_name,
                     const std::string& path,
                     const ReportContext& context,
                     const Leaderboard& board,
                     std::string* error) {
  auto reporter = CreateReporter(reporter_name, error);
  if (!reporter) return false;
  std::ostringstream text;
  if (!reporter->Report(context, board, text)) {
    *error = "cannot write " + path + ": the " + reporter_name + " reporter failed";
    return false;
  }
  return WriteFileAtomically(path, text.str(), error);
}

std::string CellStatusText(const Cell& cell) {
  switch (cell.status) {
    case PredictionStatus::kNotApplicable:
      return "n/a: " + cell.message;
    case PredictionStatus::kFailed:
      return "FAILED: " + cell.message;
    case PredictionStatus::kPredicted:
      break;
  }
  if (!cell.scored()) {
    std::string text = std::string("unscored: fit ") + ToString(cell.fit_status);
    if (!cell.fit_diagnosis.empty()) text += " (" + cell.fit_diagnosis + ")";
    return text;
  }
  return "ok";
}

}  // namespace scalebench
