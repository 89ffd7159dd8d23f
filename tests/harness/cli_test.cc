// End to end: runs the real scalebench binary on the fixtures under tests/harness/data and checks
// exit codes (0 ok, 1 run-time failure, 2 usage error) and the messages users see.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "datasets/probes/probe_info.h"
#include "harness/score/score.h"
#include "harness/store/history_store.h"
#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using testing::DataPath;
using testing::RunScalebench;

// The JSON object printed by `fit --json` (stdout only: stderr is empty on success).
nlohmann::json FitJson(const std::string& arguments) {
  const auto result = RunScalebench(arguments + " --json");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.output);
}

TEST_CASE("CLI: help and usage errors") {
  auto help = RunScalebench("--help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.output, Contains("run") && Contains("predict") && Contains("history"));
  for (const char* sub : {"run", "list", "fit", "predict", "history", "show"}) {
    CAPTURE(sub);
    auto result = RunScalebench(std::string(sub) + " --help");
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.output, Contains("Usage:"));
  }
  auto unknown = RunScalebench("frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.output,
             Contains("unknown subcommand 'frobnicate'") && Contains("run list fit"));
  auto none = RunScalebench("");
  CHECK(none.exit_code == 2);
  auto option = RunScalebench("list --bogus");
  CHECK(option.exit_code == 2);
  CHECK_THAT(option.output, Contains("--bogus"));
  auto number = RunScalebench("run --seeds abc");
  CHECK(number.exit_code == 2);
  CHECK_THAT(number.output, Contains("--seeds"));
  auto suite = RunScalebench("run --suite huge");
  CHECK(suite.exit_code == 2);
  CHECK_THAT(suite.output, Contains("--suite") && Contains("huge"));
  auto list = RunScalebench("list planets");
  CHECK(list.exit_code == 2);
  CHECK_THAT(list.output, Contains("planets"));
}

TEST_CASE("CLI: run rejects unknown names and invalid values before any work") {
  testing::ScratchDir dir;
  const std::string where = " --quiet --results-dir " + (dir / "results") + " --db " +
                            (dir / "h.sqlite") + " --cache-dir " + (dir / "cache");
  auto theory = RunScalebench("run --theory nope/nothing" + where);
  CHECK(theory.exit_code == 2);
  CHECK_THAT(theory.output,
             Contains("Unknown theory 'nope/nothing'") && Contains("kernel/spigler_geiger_wyart"));
  auto target = RunScalebench("run --target nope" + where);
  CHECK(target.exit_code == 2);
  CHECK_THAT(target.output, Contains("Unknown target 'nope'") && Contains("Registered targets"));
  auto seeds = RunScalebench("run --seeds -1" + where);
  CHECK(seeds.exit_code == 2);
  CHECK_THAT(seeds.output, Contains("seeds"));
}

TEST_CASE("CLI: list") {
  auto theories = RunScalebench("list theories");
  CHECK(theories.exit_code == 0);
  CHECK_THAT(theories.output,
             Contains("kernel/spigler_geiger_wyart") && Contains("task_power_decay") &&
                 Contains("arXiv:1905.10843"));
  auto properties = RunScalebench("list properties");
  CHECK(properties.exit_code == 0);
  CHECK_THAT(properties.output, Contains("spectrum_decay") && Contains("eigenvalues"));
  // Every probe of the declared table (datasets/probes/probe_info.h), with where it lives.
  auto probes = RunScalebench("list probes");
  CHECK(probes.exit_code == 0);
  const std::vector<ProbeInfo> all = AllProbes();
  CHECK_THAT(probes.output, Contains("Probes (" + std::to_string(all.size()) + ")"));
  for (const ProbeInfo& probe : all) {
    CHECK_THAT(probes.output, Contains(probe.name) && Contains(probe.header));
  }
  auto targets = RunScalebench("list targets");
  CHECK(targets.exit_code == 0);
  CHECK_THAT(targets.output, Contains("Targets ("));
}

TEST_CASE("CLI: fit a single-axis curve") {
  const std::string file = DataPath("good_curve.csv");
  auto text = RunScalebench("fit " + file + " --bootstrap 50");
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.output, Contains("6 sizes x 3 seeds") && Contains("exponent:"));

  // The fixture is 2.0 + 5 x^-0.5 with 0.5% noise; with E fixed at its true value the exponent
  // is pinned down.
  const auto fixed = FitJson("fit " + file + " --fixed-offset 2.0 --bootstrap 50");
  CHECK(fixed["kind"] == "single_axis");
  CHECK(fixed["fit"]["status"] == "converged");
  CHECK(fixed["fit"]["offset_fixed"] == true);
  CHECK(fixed["fit"]["exponent"].get<double>() == Approx(0.5).margin(0.1));
  CHECK(fixed["fit"]["num_sizes"] == 6);
  CHECK(fixed["fit"]["num_seeds"] == 3);

  const auto range = FitJson("fit " + file + " --min-size 200 --bootstrap 0");
  CHECK(range["fit"]["num_sizes"] == 5);
  CHECK(range["fit"]["fit_min_size"] == 200);
}

TEST_CASE("CLI: fit a joint (N, D) curve") {
  const auto j = FitJson("fit " + DataPath("joint_curve.csv") + " --bootstrap 20");
  CHECK(j["kind"] == "joint");
  CHECK(j["fit"]["num_points"] == 25);
  CHECK(j["fit"].contains("params_exponent"));
  auto wrong = RunScalebench("fit " + DataPath("joint_curve.csv") + " --form power_law");
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.output, Contains("single-axis curves only"));
}

TEST_CASE("CLI: fit reports bad files (exit 1) and bad options (exit 2)") {
  auto text = RunScalebench("fit " + DataPath("bad_text_number.csv"));
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.output, Contains("bad_text_number.csv:5: field 'loss': 'abc' is not a number"));
  auto column = RunScalebench("fit " + DataPath("bad_missing_column.csv"));
  CHECK(column.exit_code == 1);
  CHECK_THAT(column.output, Contains("missing column 'loss'") && Contains("found 'size,seed,los'"));
  auto empty = RunScalebench("fit " + DataPath("empty.csv"));
  CHECK(empty.exit_code == 1);
  CHECK_THAT(empty.output, Contains("empty.csv: empty file"));
  auto missing = RunScalebench("fit " + DataPath("no_such_file.csv"));
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("no_such_file.csv: cannot open"));
  auto form = RunScalebench("fit " + DataPath("good_curve.csv") + " --form cubic");
  CHECK(form.exit_code == 2);
  CHECK_THAT(form.output, Contains("--form") && Contains("cubic"));
  auto bootstrap = RunScalebench("fit " + DataPath("good_curve.csv") + " --bootstrap -3");
  CHECK(bootstrap.exit_code == 2);
  CHECK_THAT(bootstrap.output, Contains("bootstrap"));
  auto no_file = RunScalebench("fit");
  CHECK(no_file.exit_code == 2);
  CHECK_THAT(no_file.output, Contains("file"));
}

TEST_CASE("CLI: predict on a profile file") {
  const std::string profile = DataPath("good_profile.json");
  auto all = RunScalebench("predict --profile " + profile);
  INFO(all.output);
  CHECK(all.exit_code == 0);
  // a = 2 with std error 0.05: a - 1 = 1 with a 95% interval of +-0.098.
  CHECK_THAT(all.output,
             Contains("kernel/spigler_geiger_wyart") && Contains("1.000 [0.902, 1.098]"));
  CHECK_THAT(
      all.output,
      Contains("random_features/random_projection") && Contains("does not predict the data axis"));

  auto curve = RunScalebench("predict --profile " + profile +
                             " --theory kernel/self_consistent_curve --sizes 2,4,8");
  INFO(curve.output);
  CHECK(curve.exit_code == 0);
  CHECK_THAT(curve.output,
             Contains("Predicted loss") && Contains("size  kernel/self_consistent_curve"));

  auto unknown = RunScalebench("predict --profile " + profile + " --theory nope/x");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.output,
             Contains("Unknown theory 'nope/x'. Registered theories:") &&
                 Contains("baseline/constant_exponent"));
  auto axis = RunScalebench("predict --profile " + profile + " --axis tokens");
  CHECK(axis.exit_code == 2);
  CHECK_THAT(axis.output, Contains("unknown --axis 'tokens'") && Contains("params"));
  auto sizes = RunScalebench("predict --profile " + profile + " --sizes 100,abc");
  CHECK(sizes.exit_code == 2);
  CHECK_THAT(sizes.output, Contains("--sizes"));
  auto negative = RunScalebench("predict --profile " + profile + " --sizes 100,-5");
  CHECK(negative.exit_code == 2);

  auto bad = RunScalebench("predict --profile " + DataPath("bad_profile_unknown_property.json"));
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.output,
             Contains("properties.spectrum_dekay: unknown property; valid properties:"));
  auto malformed = RunScalebench("predict --profile " + DataPath("bad_profile_malformed.json"));
  CHECK(malformed.exit_code == 1);
  CHECK_THAT(malformed.output, Contains("malformed JSON") && Contains("line 4"));
}

TEST_CASE("CLI: history and show read the run database") {
  testing::ScratchDir dir;
  const std::string db = dir / "history.sqlite";
  {
    std::string error;
    auto store = HistoryStore::Open(db, HistoryStore::Mode::kReadWrite, &error);
    REQUIRE(store != nullptr);
    for (double predicted : {1.3, 1.1}) {
      RunRecord run;
      run.info.started_at = "2024-05-01T12:00:00Z";
      run.info.git_commit = "deadbeefcafe0000";
      run.info.suite = "default";
      run.info.command = "scalebench run";
      run.info.seconds = 3;
      run.info.baseline_theory = "baseline/constant_exponent";
      Cell cell;
      cell.theory = "kernel/spigler_geiger_wyart";
      cell.family = "kernel";
      cell.target = "gaussian_spectrum/a2.0_b1.5";
      cell.status = PredictionStatus::kPredicted;
      cell.predicted.value = predicted;
      cell.fit_status = FitStatus::kConverged;
      cell.measured = 1.0;
      cell.measured_ci = {0.9, 1.2};
      ScoreCell({}, &cell);
      run.cells.push_back(cell);
      run.runtimes.push_back({"run", "gaussian_spectrum/a2.0_b1.5 [data] seed 1", 2.5});
      run.runtimes.push_back({"run", "gaussian_spectrum/a2.0_b1.5 [data] seed 2", 1.5});
      run.runtimes.push_back({"run_cpu", "gaussian_spectrum/a2.0_b1.5 [data] seed 1", 2.25});
      REQUIRE(store->AddRun(&run, &error));
    }
  }
  auto history = RunScalebench("history --db " + db);
  INFO(history.output);
  CHECK(history.exit_code == 0);
  CHECK_THAT(history.output,
             Contains("deadbeefcafe") && Contains("kernel/spigler_geiger_wyart (0.100)"));
  CHECK_THAT(history.output, Contains("0.300") && Contains("-0.200"));  // trend: 0.3 -> 0.1
  // The training runs' wall seconds summed (2.5 + 1.5) and their CPU seconds, per run.
  CHECK_THAT(history.output,
             Contains("run s") && Contains("run_cpu s") && Contains("4.00") && Contains("2.25"));

  auto one = RunScalebench("history --db " + db + " --theory kernel/spigler_geiger_wyart");
  CHECK(one.exit_code == 0);
  auto other = RunScalebench("history --db " + db + " --theory kernel/none");
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.output, Contains("Recorded theories: kernel/spigler_geiger_wyart"));

  auto show = RunScalebench("show 2 --db " + db);
  INFO(show.output);
  CHECK(show.exit_code == 0);
  CHECK_THAT(show.output,
             Contains("n/c   kernel/spigler_geiger_wyart") && Contains("1.100") &&
                 Contains("Runtime per stage") && Contains("run_cpu"));
  auto absent = RunScalebench("show 9 --db " + db);
  CHECK(absent.exit_code == 1);
  CHECK_THAT(absent.output, Contains("no run 9"));
  auto id = RunScalebench("show two --db " + db);
  CHECK(id.exit_code == 2);

  auto missing = RunScalebench("history --db " + (dir / "none.sqlite"));
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains(dir / "none.sqlite"));
  testing::WriteFile(dir / "corrupt.sqlite", std::string(2048, 'z'));
  auto corrupt = RunScalebench("show 1 --db " + (dir / "corrupt.sqlite"));
  CHECK(corrupt.exit_code == 1);
  CHECK_THAT(corrupt.output, Contains(dir / "corrupt.sqlite") && Contains("not a database"));
}

// ---- reliability defects of issue 13 (each was measured; the comment says what it did before)
// ----

const char kCurve[] = "size,seed,loss\n100,1,0.5\n200,1,0.4\n400,1,0.3\n800,1,0.25\n";
// Two seeds: the bootstrap (and its threads) runs.
const char kTwoSeedCurve[] =
    "size,seed,loss\n100,1,0.5\n200,1,0.4\n400,1,0.3\n800,1,0.25\n"
    "100,2,0.52\n200,2,0.41\n400,2,0.32\n800,2,0.26\n";

TEST_CASE("CLI: fit on losses near 1e-320 fails in one line, without Ceres's log",
          "[unit][harness]") {
  // Before: 992 lines of glog WARNING/ERROR output from Ceres on stderr.
  testing::ScratchDir dir;
  testing::WriteFile(dir / "tiny.csv",
                     "size,seed,loss\n100,1,1e-320\n200,1,5e-321\n400,1,2e-321\n800,1,1e-321\n"
                     "100,2,1.1e-320\n200,2,5e-321\n400,2,2.2e-321\n800,2,1e-321\n");
  const auto result = RunScalebench("fit " + (dir / "tiny.csv"));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("tiny.csv: fit failed"));
  CHECK_THAT(
      result.output,
      !Contains("residual_block") && !Contains("trust_region") && !Contains("InitGoogleLogging"));
  CHECK(std::count(result.output.begin(), result.output.end(), '\n') < 25);  // the report, 15
}

TEST_CASE("CLI: fit and predict both accept a UTF-8 byte-order mark", "[unit][harness]") {
  // Before: fit rejected it ("missing column 'size'"), predict accepted it.
  testing::ScratchDir dir;
  testing::WriteFile(dir / "bom.csv", std::string("\xEF\xBB\xBF") + kCurve);
  testing::WriteFile(dir / "bom.json",
                     "\xEF\xBB\xBF{\"properties\": {\"task_power_decay\": {\"value\": 2.0}}}");
  const auto fit = RunScalebench("fit " + (dir / "bom.csv"));
  INFO(fit.output);
  CHECK(fit.exit_code == 0);
  CHECK_THAT(fit.output, Contains("4 sizes x 1 seeds"));
  const auto predict =
      RunScalebench("predict --theory kernel/spigler_geiger_wyart --profile " + (dir / "bom.json"));
  INFO(predict.output);
  CHECK(predict.exit_code == 0);
  CHECK_THAT(predict.output, Contains("1.000"));
}

TEST_CASE("CLI: a NUL byte in a file is an error naming the line and column", "[unit][harness]") {
  // Before: "0.6\0 55" was read as 0.6 by fit, and predict ignored everything after a NUL.
  using namespace std::string_literals;
  testing::ScratchDir dir;
  testing::WriteFile(dir / "nul.csv", "size,seed,loss\n100,1,0.6\0 55\n200,1,0.4\n400,1,0.3\n"s);
  testing::WriteFile(dir / "nul.json", "{\"properties\": {}}\0 trailing garbage"s);
  const auto fit = RunScalebench("fit " + (dir / "nul.csv"));
  CHECK(fit.exit_code == 1);
  CHECK_THAT(fit.output, Contains("nul.csv:2:10: NUL byte"));
  const auto predict = RunScalebench("predict --profile " + (dir / "nul.json"));
  CHECK(predict.exit_code == 1);
  CHECK_THAT(predict.output, Contains("nul.json:1:19: NUL byte"));
}

TEST_CASE("CLI: a directory given as a file is said to be a directory", "[unit][harness]") {
  // Before: "empty file" (fit) and "malformed JSON" (predict).
  testing::ScratchDir dir;
  const auto fit = RunScalebench("fit " + dir.path().string());
  CHECK(fit.exit_code == 1);
  CHECK_THAT(fit.output, Contains(dir.path().string() + ": is a directory, not a file"));
  const auto predict = RunScalebench("predict --profile " + dir.path().string());
  CHECK(predict.exit_code == 1);
  CHECK_THAT(predict.output, Contains(dir.path().string() + ": is a directory, not a file"));
}

TEST_CASE("CLI: a malformed or out-of-range number is a usage error naming the flag and value",
          "[unit][harness]") {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "c.csv", kCurve);
  const std::string curve = dir / "c.csv", profile = DataPath("good_profile.json");
  struct Case {
    std::string arguments, expected;
  };
  const Case cases[] = {
      // Before: exit 1, "no run 9223372036854775807" (CLI11 saturated the number).
      {"show 99999999999999999999 --db " + (dir / "none.sqlite"),
       "run_id: expected an integer from 1 to 9223372036854775807, found '99999999999999999999'"},
      {"show 0", "run_id: expected an integer from 1"},
      // Before: exit 0, the seed read as 2^64 - 1.
      {"fit " + curve + " --seed -1",
       "--seed: expected an integer from 0 to 18446744073709551615, found '-1'"},
      // Before: exit 0, the empty element dropped.
      {"predict --profile " + profile + " --sizes 100,,200", "--sizes: empty value in '100,,200'"},
      {"predict --profile " + profile + " --sizes 100,nan",
       "--sizes: 'nan' is not a finite number"},
      {"fit " + curve + " --min-size inf", "--min-size: expected a finite number, found 'inf'"},
      {"fit " + curve + " --threads 1.5", "--threads: expected an integer"},
      {"run --seeds 3000000000", "--seeds: expected an integer from -2147483648 to 2147483647"},
  };
  for (const Case& c : cases) {
    const auto result = RunScalebench(c.arguments);
    INFO(c.arguments << "\n" << result.output);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.output, Contains(c.expected));
  }
}

TEST_CASE("CLI: an unknown option before the subcommand is named", "[unit][harness]") {
  // Before: "A subcommand is required".
  const auto result = RunScalebench("--frob");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.output, Contains("unknown option '--frob'") && Contains("run list fit"));
}

TEST_CASE("CLI: invalid option values are reported with the flag, not the options struct",
          "[unit][harness]") {
  // Before: "RunOptions.threads = 0 must be >= 1", "FitOptions.bootstrap_resamples = 1 ...".
  testing::ScratchDir dir;
  testing::WriteFile(dir / "c.csv", kCurve);
  const std::string where = " --results-dir " + (dir / "r") + " --db " + (dir / "h.sqlite") +
                            " --cache-dir " + (dir / "c");
  struct Case {
    std::string arguments, expected;
  };
  const Case cases[] = {
      {"run --threads 0" + where, "scalebench run: --threads = 0 must be >= 1"},
      {"run --bootstrap -1" + where, "scalebench run: --bootstrap = -1 must be >= 0"},
      {"fit " + (dir / "c.csv") + " --bootstrap 1", "scalebench fit: --bootstrap = 1 must be"},
      {"fit " + (dir / "c.csv") + " --min-size 500 --max-size 100",
       "--max-size = 100 must be > --min-size = 500"},
      {"fit " + DataPath("joint_curve.csv") + " --threads 0", "scalebench fit: --threads = 0"},
  };
  for (const Case& c : cases) {
    const auto result = RunScalebench(c.arguments);
    INFO(c.arguments << "\n" << result.output);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.output, Contains(c.expected) && !Contains("Options."));
  }
}

// ---- found by fuzzing the file inputs and options -----------------------------------------------

TEST_CASE("CLI: fit with more threads than the system starts finishes on fewer",
          "[unit][harness]") {
  // Before: std::system_error from std::thread, abort (exit 134). With 4 GB of address space a
  // few hundred 8 MB thread stacks fit, not 2000.
  testing::ScratchDir dir;
  testing::WriteFile(dir / "c.csv", kTwoSeedCurve);
  const auto result = testing::RunCommand(
      "ulimit -v 4000000; " + std::string(SCALEBENCH_BINARY_DIR) + "/harness/scalebench fit " +
      (dir / "c.csv") + " --threads 2000 --bootstrap 2000 --json");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("\"exponent\""));
}

TEST_CASE("CLI: running out of memory is a run-time failure with its reason", "[unit][harness]") {
  // Before: std::bad_alloc, abort (exit 134). 2^31 - 1 resamples need ~50 GB; 4 GB are allowed.
  testing::ScratchDir dir;
  testing::WriteFile(dir / "c.csv", kTwoSeedCurve);
  const auto result =
      testing::RunCommand("ulimit -v 4000000; " + std::string(SCALEBENCH_BINARY_DIR) +
                          "/harness/scalebench fit " + (dir / "c.csv") + " --bootstrap 2147483647");
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Contains("scalebench: out of memory"));
}

TEST_CASE("CLI: an endless device given as a file fails at once", "[unit][harness]") {
  const auto fit = RunScalebench("fit /dev/zero");
  CHECK(fit.exit_code == 1);
  CHECK_THAT(fit.output, Contains("/dev/zero:1:1: NUL byte"));
  const auto predict = RunScalebench("predict --profile /dev/zero");
  CHECK(predict.exit_code == 1);
  CHECK_THAT(predict.output, Contains("/dev/zero:1:1: NUL byte"));
}

}  // namespace
}  // namespace scalebench
