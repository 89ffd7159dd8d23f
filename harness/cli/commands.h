// The `scalebench` subcommands other than `run` (which is RunSuite), one function each, kept
// apart from main.cc so that CLI11 (slow to compile) stays in one translation unit. Each takes
// its parsed options, writes results to `out` and problems to `err`, and returns the exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
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

// `list [theories|targets|probes|properties]`; an empty `what` lists everything.
int ListCommand(const std::string& what, std::ostream& out, std::ostream& err);

struct FitCommandOptions {
  std::string file;
  std::optional<std::string> form;  // single-axis only
  std::optional<double> fixed_offset;
  std::optional<double> min_size;
  std::optional<double> max_size;
  int bootstrap = 1000;
  std::uint64_t seed = 1;
  std::optional<double> huber_delta;  // unset: the form's default (FitOptions / JointFitOptions)
  int threads = 1;
  bool json = false;
};
int FitCommand(const FitCommandOptions& options, std::ostream& out, std::ostream& err);

struct PredictCommandOptions {
  std::string profile;
  std::vector<std::string> theories;  // empty: all
  std::optional<std::string> axis;    // unset: the file's "axis", else data
  std::vector<double> sizes;          // empty: the file's "sizes"
  bool json = false;                  // print the predictions as JSON (like fit --json)
};
int PredictCommand(const PredictCommandOptions& options, std::ostream& out, std::ostream& err);

// `export-tokens --target NAME --out DIR`: a language target's training and validation token
// streams as raw little-endian int32 files DIR/train.i32 and DIR/validation.i32, plus
// DIR/tokens.txt (target, vocabulary size, counts, corpus description), for cross-checks with
// outside tools (scripts/xcheck/). Unknown or non-language target: a usage error naming the
// language targets.
int ExportTokensCommand(const std::string& target,
                        const std::string& directory,
                        std::ostream& out,
                        std::ostream& err);

// `history [--theory NAME] [--suite NAME]`: the runs (each with its seconds per stage: probe,
// train, fit, predict, report) and each theory's error trend; `suite` non-empty: only that
// suite's runs.
int HistoryCommand(const std::string& db,
                   const std::string& theory,
                   const std::string& suite,
                   std::ostream& out,
                   std::ostream& err);
// `compare RUN_A RUN_B`: each a run id in `db` or a results folder (harness/report/compare.h).
int CompareCommand(const std::string& db,
                   const std::string& run_a,
                   const std::string& run_b,
                   std::ostream& out,
                   std::ostream& err);
// `--version`: the version and the git commit the binary was built from.
std::string VersionText();
int ShowCommand(const std::string& db, std::int64_t run_id, std::ostream& out, std::ostream& err);

}  // namespace scalebench
