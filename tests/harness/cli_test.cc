// End to end: runs the real scalebench binary on the fixtures under tests/harness/data and checks
// exit codes (0 ok, 1 run-time failure, 2 usage error) and the messages users see.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

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
  auto probes = RunScalebench("list probes");
  CHECK_THAT(probes.output, Contains("spectrum") && Contains("linear-kernel PCA"));
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
      run.runtimes.push_back({"train", "gaussian_spectrum/a2.0_b1.5", 2.5});
      REQUIRE(store->AddRun(&run, &error));
    }
  }
  auto history = RunScalebench("history --db " + db);
  INFO(history.output);
  CHECK(history.exit_code == 0);
  CHECK_THAT(history.output,
             Contains("deadbeefcafe") && Contains("kernel/spigler_geiger_wyart (0.100)"));
  CHECK_THAT(history.output, Contains("0.300") && Contains("-0.200"));  // trend: 0.3 -> 0.1

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
                 Contains("Runtime per stage") && Contains("train"));
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

}  // namespace
}  // namespace scalebench
