// What every `scalebench` subcommand shares: the exit codes, the flag names that replace an
// options struct's field names in its errors, the start-up check of the registries, the version
// line and a list formatter. The subcommands themselves (one room per group, each function taking
// its parsed options, writing results to `out` and problems to `err`, returning the exit code):
//   list_commands.h     `list`, `export-tokens`            (the registries: what exists)
//   fit_commands.h      `fit`, `predict`                   (a user's curve or profile file)
//   history_commands.h  `history`, `show`, `compare`       (the run database and result folders)
//   probe_commands.h    `probe`, `run --experiment`        (a user's data and experiment files)
// `run` is RunSuite (harness/runner/runner.h). They are kept apart from main.cc so that CLI11
// (slow to compile) stays in one translation unit.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace scalebench {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // run-time failure: unreadable file, failed fit, ...
inline constexpr int kExitUsage = 2;    // bad command line: unknown names, invalid values

// `message` (from an options struct's IsValid) with each "<Struct>.<field>" of `flags` replaced
// by its command-line flag, for a command-line user: "RunOptions.threads = 0 must be >= 1" ->
// "--threads = 0 must be >= 1".
std::string WithFlagNames(std::string message,
                          const std::vector<std::pair<std::string, std::string>>& flags);

// Registration problems of theories and targets, one per line; empty when all is well.
std::vector<std::string> StartupErrors();

// `--version`: the version and the git commit the binary was built from.
std::string VersionText();

// "a, b, c": to_text(item) for each item, comma-separated.
template <typename T, typename ToText>
std::string JoinList(const std::vector<T>& items, ToText to_text) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(to_text(item));
  return out;
}

}  // namespace scalebench
