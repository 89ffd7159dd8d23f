#include "harness/report/publish.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>

#include "harness/io/atomic_file.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}

// Renders one output file's text; false with *error when its reporter cannot be made or fails.
bool Render(const std::string& format,
            const ReportContext& context,
            const Leaderboard& board,
            const HtmlReporter* html,
            std::string* text,
            std::string* error) {
  std::unique_ptr<LeaderboardReporter> created;
  const LeaderboardReporter* reporter = html;
  if (format != "html") {
    created = CreateReporter(format, error);
    reporter = created.get();
  }
  if (reporter == nullptr) return false;
  std::ostringstream out;
  if (!reporter->Report(context, board, out)) {
    *error = "the " + format + " reporter failed";
    return false;
  }
  *text = out.str();
  return true;
}

// The staged files kept when the run could not be recorded; returns the folder, or "" if even
// that failed (then the staging folder itself is named).
std::string KeepUnrecorded(const fs::path& staging, const fs::path& results) {
  std::error_code ec;
  const fs::path kept = results / "unrecorded";
  fs::remove_all(kept, ec);
  fs::rename(staging, kept, ec);
  return ec ? staging.string() : kept.string();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& RunOutputFiles() {
  static const std::vector<std::pair<std::string, std::string>> files = {
      {"markdown", "LEADERBOARD.md"},
      {"json", "leaderboard.json"},
      {"csv", "cells.csv"},
      {"html", "report.html"},
  };
  return files;
}

bool PublishRun(const PublishOptions& options,
                const ReportContext& context,
                const Leaderboard& board,
                std::vector<ReportCurve> curves,
                RunRecord* record,
                PublishResult* result) {
  // Timed from here: the "report" stage of the run's runtimes (history read, files staged).
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string>& failures = result->failures;
  std::string error;
  auto store = HistoryStore::Open(options.db_path, HistoryStore::Mode::kReadWrite, &error);
  const std::string store_error = error;

  // The history charts: earlier runs of the suite, then this one.
  std::vector<TrendPoint> history;
  if (store != nullptr) {
    TrendFilter filter;
    filter.suite = record->info.suite;
    filter.last_runs = options.history_runs;
    if (!store->ErrorTrend(filter, &history, &error)) failures.push_back(error);
  }
  RunInfo now = record->info;
  now.id = 0;
  for (TrendPoint& point : TrendOfRun(now, record->cells)) history.push_back(point);

  // 1. Stage every file.
  const fs::path results(options.results_dir);
  const fs::path staging = results / (".staging-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(staging, ec);
  bool staged = false;
  if (fs::create_directories(staging, ec); ec) {
    failures.push_back("cannot create " + staging.string() + ": " + ec.message());
  } else {
    staged = true;
    auto html = HtmlReporter::Create(options.html, &error);
    if (html == nullptr) {
      failures.push_back((results / "report.html").string() + ": " + error);
      staged = false;
    } else {
      html->set_curves(std::move(curves));
      html->set_history(std::move(history));
    }
    for (const auto& [format, file] : RunOutputFiles()) {
      if (format == "html" && html == nullptr) continue;
      std::string text;
      const fs::path path = staging / file;
      if (!Render(format, context, board, html.get(), &text, &error) ||
          !WriteFileAtomically(path.string(), text, &error)) {
        failures.push_back((results / file).string() + ": " + error);
        staged = false;
      }
    }
  }

  record->runtimes.push_back(
      {"report",
       "report files",
       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});

  // 2. Record.
  if (!failures.empty()) {
    record->info.status = "failed";
    record->info.error += (record->info.error.empty() ? "" : "\n") + Join(failures);
  }
  const bool recorded = store != nullptr && store->AddRun(record, &error);
  if (!recorded) {
    std::string failure = store == nullptr ? store_error : error;
    failure += "; the run was not recorded, so " + results.string() + " was left as it was";
    if (staged) failure += " (this run's files are in " + KeepUnrecorded(staging, results) + ")";
    failures.push_back(failure);
    if (!staged) fs::remove_all(staging, ec);
    return false;
  }
  if (!staged) {
    fs::remove_all(staging, ec);
    return false;
  }

  // 3. Publish.
  std::vector<std::string> unpublished;
  for (const auto& [format, file] : RunOutputFiles()) {
    fs::rename(staging / file, results / file, ec);
    if (ec) {
      unpublished.push_back("cannot publish " + (results / file).string() + ": " + ec.message());
    } else {
      result->published.push_back((results / file).string());
    }
  }
  fs::remove_all(staging, ec);
  if (unpublished.empty()) return record->info.status == "ok";
  for (const auto& line : unpublished) failures.push_back(line);
  if (!store->MarkRunFailed(record->info.id, Join(unpublished), &error)) failures.push_back(error);
  record->info.status = "failed";
  return false;
}

}  // namespace scalebench
