// The scalebench command line: parses arguments with CLI11 (only here) and dispatches to
// RunSuite (run) or the subcommands of harness/cli/ (commands.h lists them). Exit codes: 0 success,
// 1 run-time failure, 2 usage error (bad option, unknown name, bad number).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/cli/fit_commands.h"
#include "harness/cli/history_commands.h"
#include "harness/cli/list_commands.h"
#include "harness/cli/probe_commands.h"
#include "harness/runner/runner.h"
#include "harness/targets/language.h"

namespace scalebench {
namespace {

std::string JoinArguments(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    // Quote what a shell would split, so the recorded command reproduces the run.
    if (arg.find_first_of(" \t\"'$") != std::string::npos) arg = "'" + arg + "'";
    line += (i == 0 ? "" : " ") + arg;
  }
  return line;
}

// CLI11 2.1 converts integers with strtoll/strtoull in base 0 and checks neither sign nor range:
// "-1" becomes 2^64 - 1 for an unsigned option, "010" is octal 8, and "99999999999999999999"
// saturates to INT64_MAX. Every numeric option goes through one of these transformers instead:
// decimal text that fits the type (and [min, max]) or a finite decimal number, else a usage error
// naming the option and the text; CLI11 then converts the canonical text.
template <typename T>
CLI::Validator Integer(T min = std::numeric_limits<T>::min(),
                       T max = std::numeric_limits<T>::max()) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        T value{};
        const char* end = text.data() + text.size();
        const auto [stop, status] = std::from_chars(text.data(), end, value);
        if (text.empty() || status != std::errc() || stop != end || value < min || value > max) {
          return fmt::format("expected an integer from {} to {}, found '{}'", min, max, text);
        }
        text = std::to_string(value);
        return "";
      },
      "");
}

bool ParseFinite(const std::string& text, double* value) {
  const char* end = text.data() + text.size();
  const auto [stop, status] = std::from_chars(text.data(), end, *value);
  return !text.empty() && status == std::errc() && stop == end && std::isfinite(*value);
}

CLI::Validator FiniteNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0.0;
        if (!ParseFinite(text, &value)) return "expected a finite number, found '" + text + "'";
        text = fmt::format("{}", value);  // shortest text that reads back as the same double
        return "";
      },
      "");
}

// "100,200,400" (the option may be repeated) -> numbers. CLI11's own delimiter drops empty
// elements ("100,,200" read as 100,200), so the list is split here.
void ParseSizes(const std::vector<std::string>& values, std::vector<double>* sizes) {
  for (const std::string& value : values) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = value.find(',', start);
      const std::string item = value.substr(start, comma - start);
      double size = 0.0;
      if (!ParseFinite(item, &size)) {
        throw CLI::ValidationError(
            "--sizes",
            (item.empty() ? std::string("empty value") : "'" + item + "' is not a finite number") +
                " in '" + value + "'; expected sizes separated by commas, e.g. 100,200,400");
      }
      sizes->push_back(size);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
}

struct Parsed {
  RunOptions run;
  std::string list_what;
  FitCommandOptions fit;
  PredictCommandOptions predict;
  std::string db = RunOptions().db_path;
  std::string history_theory;
  std::string history_suite;
  std::string compare_a, compare_b;
  std::int64_t show_id = 0;
  std::string corpus;      // run --corpus PATH
  std::string experiment;  // run --experiment FILE.toml
  ProbeCommandOptions probe;
  std::string export_target, export_directory;
};

void AddRun(CLI::App& app, Parsed& p) {
  CLI::App* run =
      app.add_subcommand("run", "Run the suite: measure, train, fit, predict, score, record");
  RunOptions& o = p.run;
  run->add_option("--suite", o.suite, "Targets to run when no --target is given")
      ->check(CLI::IsMember({"default", "full"}))
      ->capture_default_str();
  run->add_option("--theory", o.theories, "Theory to score (repeatable; default: all)");
  run->add_option("--target", o.targets, "Target to run (repeatable; default: the suite's)");
  run->add_option("--seeds", o.seeds, "Seeds per size (0: each design's own)")
      ->transform(Integer<int>())
      ->capture_default_str();
  run->add_option("--threads", o.threads, "Threads each training run may use")
      ->transform(Integer<int>())
      ->capture_default_str();
  run->add_option("--jobs", o.jobs, "Training runs executed at once (per rank under MPI)")
      ->transform(Integer<int>())
      ->capture_default_str();
  run->add_option("--rank-timeout",
                  o.rank_timeout_s,
                  "Under MPI: seconds of silence after which a rank is presumed dead and its "
                  "runs are handed out again")
      ->capture_default_str();
  // Ranges are checked by RunOptions::IsValid, the one place that knows them.
  run->add_option("--bootstrap", o.bootstrap_resamples, "Bootstrap resamples per fit")
      ->transform(Integer<int>())
      ->capture_default_str();
  run->add_flag(
      "--no-cache",
      [&o](std::int64_t) { o.use_cache = false; },
      "Retrain instead of reusing cached runs and profiles");
  run->add_flag("--quiet", o.quiet, "No progress lines");
  run->add_flag("--cells", o.print_cells, "Also print one line per cell (theory x target x axis)");
  run->add_option(
         "--results-dir", o.results_dir, "Where LEADERBOARD.md, leaderboard.json, cells.csv go")
      ->capture_default_str();
  run->add_option("--cache-dir",
                  o.cache_dir,
                  "Where finished runs and profiles are cached (results/cache regenerates the "
                  "committed cache)")
      ->capture_default_str();
  run->add_option(
         "--committed-cache", o.committed_cache_dir, "Cache read after --cache-dir (\"\": none)")
      ->capture_default_str();
  run->add_option("--db", o.db_path, "History database")->capture_default_str();
  run->add_option("--times-log",
                  o.times_log,
                  "Append each run's and profile's seconds to this file as they finish (TSV: "
                  "stage, name, seconds), so a killed run keeps them");
  run->add_option("--corpus",
                  p.corpus,
                  "A UTF-8 text file or folder: run the language pipeline on it (a target "
                  "language/user_<name>, added to any --target)");
  run->add_option("--experiment",
                  p.experiment,
                  "An experiment file (TOML, docs/experiments.md): score every theory against "
                  "your own curves and data (a target experiment/<name>, added to any --target)");
}

void AddProbe(CLI::App& app, Parsed& p) {
  CLI::App* probe = app.add_subcommand(
      "probe", "Run the probes on a data file and write the profile JSON that predict reads");
  ProbeCommandOptions& o = p.probe;
  probe->add_option("--data", o.data, "Feature matrix (.npy, CSV), text corpus, counts or spectrum")
      ->required();
  probe->add_option("--labels", o.labels, "Labels of the feature matrix (.npy, CSV; n x C)");
  probe->add_option("--kind",
                    o.kind,
                    "features | corpus | counts | spectrum (default: corpus for a folder or .txt, "
                    "else features)");
  probe->add_option("--kernel", o.kernel, "Features: linear | rbf | laplace")
      ->capture_default_str();
  probe->add_option("--kernel-width", o.kernel_width, "Width of the rbf or laplace kernel")
      ->transform(FiniteNumber());
  probe->add_option("--max-samples", o.max_samples, "Features: probe the first N rows")
      ->transform(Integer<int>())
      ->capture_default_str();
  probe->add_option("--out", o.out, "Write the profile JSON here");
  probe->add_option("--threads", o.threads, "Threads for the probes")
      ->transform(Integer<int>())
      ->capture_default_str();
}

void AddList(CLI::App& app, Parsed& p) {
  CLI::App* list = app.add_subcommand("list", "List theories, targets, probes or properties");
  list->add_option("what", p.list_what, "theories | targets | probes | properties (default: all)")
      ->check(CLI::IsMember({"theories", "targets", "probes", "properties"}));
}

void AddFit(CLI::App& app, Parsed& p) {
  CLI::App* fit =
      app.add_subcommand("fit", "Fit a learning curve CSV (size,loss[,seed] or N,D,loss[,seed])");
  FitCommandOptions& o = p.fit;
  fit->add_option("file", o.file, "The CSV file")->required();
  fit->add_option("--form", o.form, "offset_power_law (E + A x^-alpha) or power_law (A x^-alpha)")
      ->check(CLI::IsMember({"offset_power_law", "power_law"}));
  fit->add_option("--fixed-offset", o.fixed_offset, "Fix E to this value")
      ->transform(FiniteNumber());
  fit->add_option("--min-size", o.min_size, "Fit only sizes >= this")->transform(FiniteNumber());
  fit->add_option("--max-size", o.max_size, "Fit only sizes <= this")->transform(FiniteNumber());
  fit->add_option("--bootstrap", o.bootstrap, "Bootstrap resamples (0: no interval)")
      ->transform(Integer<int>())
      ->capture_default_str();
  fit->add_option("--seed", o.seed, "Seed of the bootstrap")
      ->transform(Integer<std::uint64_t>())
      ->capture_default_str();
  fit->add_option("--huber-delta", o.huber_delta, "Huber threshold on log-loss residuals")
      ->transform(FiniteNumber());
  fit->add_option("--threads", o.threads, "Threads for the bootstrap")
      ->transform(Integer<int>())
      ->capture_default_str();
  fit->add_option("--compute",
                  o.compute,
                  "N,D curves: training FLOPs C (= 6 N D) at which to print the compute-optimal "
                  "N*, D* and tokens per parameter D*/N*")
      ->transform(FiniteNumber());
  fit->add_flag("--json", o.json, "Print the fit as JSON");
}

void AddPredict(CLI::App& app, Parsed& p) {
  CLI::App* predict = app.add_subcommand("predict", "Run theories on a profile JSON file");
  PredictCommandOptions& o = p.predict;
  predict->add_option("--profile", o.profile, "Profile JSON file")->required();
  predict->add_option("--theory", o.theories, "Theory to run (repeatable; default: all)");
  predict->add_option(
      "--axis", o.axis, "data | params | width | steps | compute (default: the file's, else data)");
  predict
      ->add_option_function<std::vector<std::string>>(
          "--sizes",
          [&o](const std::vector<std::string>& values) { ParseSizes(values, &o.sizes); },
          "Sizes for predicted curves, e.g. 100,200,400")
      ->type_name("SIZES");
  predict->add_flag("--json", o.json, "Print the predictions as JSON");
}

void AddHistory(CLI::App& app, Parsed& p) {
  CLI::App* history = app.add_subcommand("history", "Runs over time and each theory's error trend");
  history->add_option("--db", p.db, "History database")->capture_default_str();
  history->add_option("--theory", p.history_theory, "Only this theory's trend");
  history->add_option("--suite", p.history_suite, "Only the runs of this suite");
}

void AddCompare(CLI::App& app, Parsed& p) {
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare two runs: rank, error and runtime changes, and whether beyond noise");
  compare->add_option("run_a", p.compare_a, "Run id (see `scalebench history`) or results folder")
      ->required();
  compare->add_option("run_b", p.compare_b, "Run id or results folder")->required();
  compare->add_option("--db", p.db, "History database (for run ids)")->capture_default_str();
}

void AddExportTokens(CLI::App& app, Parsed& p) {
  CLI::App* export_tokens = app.add_subcommand(
      "export-tokens",
      "Write a language or transformer target's train/validation/test tokens as int32 files");
  export_tokens->add_option("--target", p.export_target, "Language or transformer target name")
      ->required();
  export_tokens->add_option("--out", p.export_directory, "Folder to write into")->required();
}

void AddShow(CLI::App& app, Parsed& p) {
  CLI::App* show = app.add_subcommand("show", "The stored leaderboard of one run");
  show->add_option("run_id", p.show_id, "Run id (see `scalebench history`)")
      ->transform(Integer<std::int64_t>(1))
      ->required();
  show->add_option("--db", p.db, "History database")->capture_default_str();
}

int Dispatch(const CLI::App& app, Parsed& p, const std::string& command_line) {
  const std::string name = app.get_subcommands().front()->get_name();
  if (name == "run") {
    p.run.command_line = command_line;
    std::string error;
    if (!p.experiment.empty()) {
      std::string target;
      if (const int code = RegisterExperiment(p.experiment, &target, std::cerr); code != 0)
        return code;  // nothing cached or recorded: the run has not started
      p.run.targets.push_back(target);
    }
    if (!p.corpus.empty()) {
      std::string target;
      if (!RegisterUserCorpusTarget(p.corpus, &target, &error)) {
        std::cerr << "scalebench run: " << error << "\n";
        return kExitFailure;  // unreadable or unusable corpus: a run-time failure
      }
      p.run.targets.push_back(target);
    }
    const int code = RunSuite(p.run, std::cout, std::cerr, &error);
    if (code != 0) {
      error = WithFlagNames(error,
                            {{"RunOptions.suite", "--suite"},
                             {"RunOptions.seeds", "--seeds"},
                             {"RunOptions.threads", "--threads"},
                             {"RunOptions.jobs", "--jobs"},
                             {"RunOptions.rank_timeout_s", "--rank-timeout"},
                             {"RunOptions.bootstrap_resamples", "--bootstrap"},
                             {"RunOptions.results_dir", "--results-dir"},
                             {"RunOptions.cache_dir", "--cache-dir"},
                             {"RunOptions.committed_cache_dir", "--committed-cache"},
                             {"RunOptions.db_path", "--db"}});
      std::cerr << "scalebench run: " << (error.empty() ? "failed" : error) << "\n";
    }
    return code;
  }
  if (name == "list") return ListCommand(p.list_what, std::cout, std::cerr);
  if (name == "fit") return FitCommand(p.fit, std::cout, std::cerr);
  if (name == "predict") return PredictCommand(p.predict, std::cout, std::cerr);
  if (name == "probe") return ProbeCommand(p.probe, std::cout, std::cerr);
  if (name == "history")
    return HistoryCommand(p.db, p.history_theory, p.history_suite, std::cout, std::cerr);
  if (name == "compare")
    return CompareCommand(p.db, p.compare_a, p.compare_b, std::cout, std::cerr);
  if (name == "export-tokens")
    return ExportTokensCommand(p.export_target, p.export_directory, std::cout, std::cerr);
  return ShowCommand(p.db, p.show_id, std::cout, std::cerr);
}

const char* const kSubcommands[] = {
    "run", "list", "fit", "predict", "probe", "history", "show", "compare", "export-tokens"};

// CLI11 reports a mistyped subcommand as "A subcommand is required"; name it instead.
bool CheckSubcommand(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return true;
  for (const char* name : kSubcommands) {
    if (std::string(argv[1]) == name) return true;
  }
  std::cerr << "scalebench: unknown subcommand '" << argv[1] << "'. Valid subcommands:";
  for (const char* name : kSubcommands) std::cerr << " " << name;
  std::cerr << "\n";
  return false;
}

int Main(int argc, char** argv) {
  if (!CheckSubcommand(argc, argv)) return kExitUsage;
  CLI::App app{
      "scalebench: scores theories of neural scaling laws against measured learning curves"};
  app.name("scalebench");
  app.require_subcommand(1, 1);
  Parsed parsed;
  AddRun(app, parsed);
  AddList(app, parsed);
  AddFit(app, parsed);
  AddPredict(app, parsed);
  AddProbe(app, parsed);
  AddHistory(app, parsed);
  AddShow(app, parsed);
  AddCompare(app, parsed);
  app.set_version_flag("--version", VersionText());
  AddExportTokens(app, parsed);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // An unknown option before the subcommand makes CLI11 say only "A subcommand is required".
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !app.remaining().empty()) {
      std::cerr << "scalebench: unknown option '" << app.remaining().front()
                << "'; options go after a subcommand. Valid subcommands:";
      for (const char* name : kSubcommands) std::cerr << " " << name;
      std::cerr << "\n";
      return kExitUsage;
    }
    // --help is a ParseError with exit code 0; every other one is a usage error.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  const std::vector<std::string> startup = StartupErrors();
  if (!startup.empty()) {
    std::cerr << "scalebench: plug-in registration failed:\n";
    for (const auto& line : startup) std::cerr << "  " << line << "\n";
    return kExitFailure;
  }
  return Dispatch(app, parsed, JoinArguments(argc, argv));
}

}  // namespace
}  // namespace scalebench

int main(int argc, char** argv) {
  // A failure no command anticipated (memory exhausted by `fit --bootstrap 2147483647`, say) is
  // a run-time failure with its reason, not an abort.
  try {
    return scalebench::Main(argc, argv);
  } catch (const std::bad_alloc& e) {
    std::cerr << "scalebench: out of memory (" << e.what() << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "scalebench: unexpected error: " << e.what() << "\n";
  }
  return scalebench::kExitFailure;
}
