// `scalebench run --experiment FILE.toml` (harness/experiment/): the example experiment end to
// end (every applicable theory scored, the user_experiment track in leaderboard.json and
// report.html, the run recorded), the cache keyed on the curve's contents, the committed example
// reproduced by its generator, the target kit's conformance, and every bad experiment file
// refused with its file, line and key named, before anything is cached or recorded.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "harness/experiment/user_experiment.h"
#include "harness/io/matrix_file.h"
#include "harness/targets/testing/target_conformance.h"
#include "tests/harness/test_util.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using testing::ReadFile;
using testing::RunCommand;
using testing::RunScalebench;
using testing::ScratchDir;
using testing::WriteFile;

const std::string kExamples = std::string(SCALEBENCH_SOURCE_DIR) + "/datasets/examples/";

std::string Outputs(const ScratchDir& dir) {
  return " --results-dir " + dir / "out" + " --db " + dir / "out/history.sqlite" + " --cache-dir " +
         dir / "out/cache --committed-cache ''";
}

// A copy of the example experiment in `dir` (data, curve and file), to be changed by a test.
void CopyExample(const ScratchDir& dir) {
  for (const char* name : {"kernel_experiment.toml",
                           "kernel_experiment_curve.csv",
                           "kernel_experiment_features.npy",
                           "kernel_experiment_labels.npy"}) {
    fs::copy_file(kExamples + name, dir / name);
  }
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The scored cells of the run in `dir`, by theory.
std::map<std::string, nlohmann::json> Cells(const ScratchDir& dir) {
  const auto board = nlohmann::json::parse(ReadFile(dir / "out/leaderboard.json"));
  std::map<std::string, nlohmann::json> cells;
  for (const auto& cell : board.at("cells")) cells[cell.at("theory").get<std::string>()] = cell;
  return cells;
}

TEST_CASE("run --experiment scores every applicable theory on the example and reports its track",
          "[experiment]") {
  ScratchDir dir;
  const auto result =
      RunScalebench("run --experiment " + kExamples + "kernel_experiment.toml" + Outputs(dir));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto board = nlohmann::json::parse(ReadFile(dir / "out/leaderboard.json"));
  std::set<std::string> tracks;
  for (const auto& track : board.at("tracks")) tracks.insert(track.at("track").get<std::string>());
  CHECK(tracks.count("user_experiment") == 1);
  // The probes give b, a, the series and d: every theory of the data axis that reads them
  // predicts and is scored against the fitted exponent (one run per size: the fit may carry no
  // interval, so only the point estimate is required).
  const auto cells = Cells(dir);
  for (const char* theory : {"baseline/constant_exponent",
                             "kernel/spigler_geiger_wyart",
                             "kernel/cui_rates",
                             "kernel/self_consistent_curve",
                             "random_features/maloney_roberts_sully",
                             "data_manifold/sharma_kaplan"}) {
    INFO(theory);
    REQUIRE(cells.count(theory) == 1);
    const auto& cell = cells.at(theory);
    CHECK(cell.at("target") == "experiment/kernel_example");
    CHECK(cell.at("track") == "user_experiment");
    CHECK(cell.at("status") == "predicted");
    CHECK(cell.at("abs_error").is_number());
  }
  // The rest are not applicable (missing inputs, other axes), never failed.
  for (const auto& [theory, cell] : cells) {
    INFO(theory);
    CHECK((cell.at("status") == "predicted" || cell.at("status") == "not_applicable"));
  }
  // The measured exponent of the committed curve (0.49; the teacher-student prediction 1/d = 0.5).
  CHECK(std::abs(cells.at("baseline/constant_exponent").at("measured").get<double>() - 0.49) <
        0.02);
  const std::string report = ReadFile(dir / "out/report.html");
  CHECK_THAT(report,
             Contains("id=\"your-experiment\"") && Contains("href=\"#your-experiment\"") &&
                 Contains("experiment/kernel_example"));
  CHECK_THAT(ReadFile(dir / "out/LEADERBOARD.md"), Contains("Track: user_experiment"));
  CHECK_THAT(result.output, Contains("recorded as run 1 (ok)"));
}

TEST_CASE("an edited curve file is read again, never taken from the cache as the old curve",
          "[experiment]") {
  ScratchDir dir;
  CopyExample(dir);
  auto result = RunScalebench("run --experiment " + dir / "kernel_experiment.toml" + Outputs(dir));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const double before = Cells(dir).at("baseline/constant_exponent").at("measured").get<double>();
  result = RunScalebench("run --experiment " + dir / "kernel_experiment.toml" + Outputs(dir));
  CHECK_THAT(result.output, Contains("6 reused from the cache, 0 computed"));
  // Halve the loss at the largest size: a steeper curve, six new runs (the keys hold the losses).
  const std::string csv = ReadFile(dir / "kernel_experiment_curve.csv");
  WriteFile(dir / "kernel_experiment_curve.csv", Replace(csv, "800,0.0668", "800,0.0334"));
  result = RunScalebench("run --experiment " + dir / "kernel_experiment.toml" + Outputs(dir));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("0 reused from the cache, 6 computed"));
  CHECK_THAT(result.output, Contains("profile: cached"));  // the data did not change
  CHECK(Cells(dir).at("baseline/constant_exponent").at("measured").get<double>() > before + 0.02);
}

TEST_CASE("the committed example is what its generator and the project's kernel ridge give",
          "[experiment]") {
  ScratchDir dir;
  const auto result = RunCommand(std::string(SCALEBENCH_BINARY_DIR) +
                                 "/tests/make_kernel_experiment " + dir.path().string());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  for (const char* name : {"kernel_experiment_features.npy", "kernel_experiment_labels.npy"}) {
    MatrixFile made, committed;
    std::string error;
    REQUIRE(ReadMatrixFile(dir / name, &made, &error));
    REQUIRE(ReadMatrixFile(kExamples + name, &committed, &error));
    CHECK((made.values - committed.values).cwiseAbs().maxCoeff() <=
          1e-9 * committed.values.cwiseAbs().maxCoeff());
  }
  MatrixFile made, committed;
  std::string error;
  REQUIRE(ReadMatrixFile(dir / "kernel_experiment_curve.csv", &made, &error));
  REQUIRE(ReadMatrixFile(kExamples + "kernel_experiment_curve.csv", &committed, &error));
  REQUIRE(made.values.rows() == 6);
  CHECK(((made.values - committed.values).array() / committed.values.array()).abs().maxCoeff() <
        1e-6);
}

TEST_CASE("the registered experiment target keeps the target kit's contract",
          "[experiment][conformance]") {
  std::string name, error;
  REQUIRE(RegisterUserExperiment(kExamples + "kernel_experiment.toml", &name, &error) ==
          ExperimentFileStatus::kOk);
  for (const std::string& problem : testing::CheckTarget(name)) {
    if (problem == name + ": in no suite") continue;  // user targets join no suite
    FAIL_CHECK(problem);
  }
  // A second registration of the same name is refused.
  CHECK(RegisterUserExperiment(kExamples + "kernel_experiment.toml", &name, &error) ==
        ExperimentFileStatus::kInvalid);
  CHECK_THAT(error, Contains("already registered"));
}

TEST_CASE("a curve without some (size, seed) rows skips those runs", "[experiment][unit]") {
  ScratchDir dir;
  CopyExample(dir);
  WriteFile(dir / "ragged.csv",
            "size,seed,loss\n10,1,0.5\n20,1,0.4\n40,1,0.3\n10,2,0.55\n40,2,0.31\n");
  const std::string toml = ReadFile(dir / "kernel_experiment.toml");
  WriteFile(dir / "ragged.toml",
            Replace(Replace(toml, "kernel_experiment_curve.csv", "ragged.csv"),
                    "name = \"kernel_example\"",
                    "name = \"ragged\""));
  std::string name, error;
  REQUIRE(RegisterUserExperiment(dir / "ragged.toml", &name, &error) == ExperimentFileStatus::kOk);
  auto target = TargetRegistry::Global().Create(name, &error);
  REQUIRE(target != nullptr);
  const AxisDesign design = target->Designs().at(0);
  CHECK(design.seeds == 2);
  CHECK(design.sizes.values() == std::vector<std::int64_t>{10, 20, 40});
  const auto run = [&](std::size_t size, std::uint64_t seed) {
    return target->Run(
        design, {seed, size, size + 1, design.sizes.Slice(size, size + 1)}, nullptr, RunContext());
  };
  CHECK(run(2, 2).losses() == std::vector<double>{0.31});
  CHECK(run(1, 2).status() == RunStatus::kSkipped);
  CHECK_THAT(run(1, 2).reason(), Contains("ragged.csv has no row for size 20, seed 2"));
  // run --seeds 3 asks for a third seed the curve does not have: skipped, not failed.
  CHECK(run(0, 3).status() == RunStatus::kSkipped);
}

TEST_CASE("curves on two axes, each with its own learner, become two designs",
          "[experiment][unit]") {
  ScratchDir dir;
  CopyExample(dir);
  const std::string toml = ReadFile(dir / "kernel_experiment.toml");
  const std::string params =
      "[[curve]]\naxis = \"params\"\nsizes = [10, 20, 40, 80]\nlosses = [0.4, 0.3, 0.2, 0.15]\n"
      "form = \"power_law\"\nlearner = { features = \"inf\", train_size = 500 }\n\n[data]";
  WriteFile(
      dir / "two.toml",
      Replace(Replace(toml, "[data]", params), "name = \"kernel_example\"", "name = \"two_axes\""));
  std::string name, error;
  REQUIRE(RegisterUserExperiment(dir / "two.toml", &name, &error) == ExperimentFileStatus::kOk);
  const auto target = TargetRegistry::Global().Create(name, &error);
  REQUIRE(target != nullptr);
  const std::vector<AxisDesign> designs = target->Designs();
  REQUIRE(designs.size() == 2);
  CHECK(designs[0].axis == Axis::kData);
  CHECK(designs[0].learner.train_size == kInfinite);
  CHECK_FALSE(designs[0].zero_offset);
  CHECK(designs[1].axis == Axis::kParams);
  CHECK(designs[1].learner.train_size == 500);
  CHECK(designs[1].learner.ridge == 1e-6);  // the rest from [learner]
  CHECK(designs[1].zero_offset);
  CHECK(designs[1].seeds == 1);
  CHECK(target->Info().realism == Realism::kUserExperiment);
}

TEST_CASE("a learner declares its size and compute (parameters, flops_per_step, width, ...)",
          "[experiment][unit]") {
  ScratchDir dir;
  CopyExample(dir);
  const std::string toml = ReadFile(dir / "kernel_experiment.toml");
  const std::string curve =
      "[[curve]]\naxis = \"params\"\nsizes = [10, 20, 40, 80]\nlosses = [0.4, 0.3, 0.2, 0.15]\n"
      "learner = { parameters = 1.5e6, flops_per_step = 9e9, context = 64, width = 128, depth = 2, "
      "heads = 8, learning_rate_base_width = 64 }\n\n[data]";
  WriteFile(
      dir / "sized.toml",
      Replace(Replace(toml, "[data]", curve), "name = \"kernel_example\"", "name = \"sized\""));
  std::string name, error;
  REQUIRE(RegisterUserExperiment(dir / "sized.toml", &name, &error) == ExperimentFileStatus::kOk);
  const auto target = TargetRegistry::Global().Create(name, &error);
  REQUIRE(target != nullptr);
  const std::vector<AxisDesign> designs = target->Designs();
  REQUIRE(designs.size() == 2);
  const LearnerSpec& spec = designs[1].learner;
  CHECK(spec.parameters == 1.5e6);
  CHECK(spec.flops_per_step == 9e9);
  CHECK(spec.context == 64);
  CHECK(spec.width == 128);
  CHECK(spec.depth == 2);
  CHECK(spec.heads == 8);
  CHECK(spec.learning_rate_base_width == 64);
}

TEST_CASE("an experiment on a text corpus is probed by the run --corpus route", "[experiment]") {
  ScratchDir dir;
  // 60,000 characters of Zipf-distributed words from a fixed stream.
  std::string text;
  std::uint64_t state = 12345;
  for (int i = 0; text.size() < 60000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = double(state >> 11) / double(1ULL << 53);
    const int rank = int(std::pow(2000.0, u));  // roughly p(rank) ~ 1/rank
    text += 'w';
    text += std::to_string(rank);
    text += i % 12 == 11 ? ".\n" : " ";
  }
  WriteFile(dir / "words.txt", text);
  WriteFile(dir / "corpus.toml",
            "name = \"words\"\n[learner]\nkind = \"my_lm\"\nloss = \"cross_entropy_nats\"\n"
            "[[curve]]\nsizes = [1000, 2000, 4000, 8000]\nlosses = [3.1, 2.9, 2.75, 2.66]\n"
            "[data]\nkind = \"corpus\"\nfile = \"words.txt\"\n");
  const auto result = RunScalebench("run --experiment " + dir / "corpus.toml" + Outputs(dir));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  // Debowski's 1 - h reads the Heaps exponent, which only the corpus probes give.
  CHECK(Cells(dir).at("corpus/debowski_hilberg").at("status") == "predicted");
}

// One bad experiment file: the exit code, the words its message must hold, and nothing cached or
// recorded.
struct BadCase {
  std::string what;
  int exit_code;
  std::vector<std::string> message;
};

void CheckRefused(const ScratchDir& dir, const std::string& file, const BadCase& c) {
  INFO(c.what);
  const auto result = RunScalebench("run --experiment " + dir / file + Outputs(dir));
  INFO(result.output);
  CHECK(result.exit_code == c.exit_code);
  for (const std::string& words : c.message) CHECK_THAT(result.output, Contains(words));
  CHECK_FALSE(fs::exists(dir / "out/history.sqlite"));
  CHECK_FALSE(fs::exists(dir / "out/cache"));
  CHECK_FALSE(fs::exists(dir / "out/leaderboard.json"));
}

TEST_CASE("every bad experiment file is refused naming its file, line and key, and nothing is kept",
          "[experiment][unit]") {
  ScratchDir dir;
  CopyExample(dir);
  const std::string good = ReadFile(dir / "kernel_experiment.toml");
  struct Edit {
    std::string from, to;
    BadCase expect;
  };
  const std::vector<Edit> edits = {
      {"kernel_experiment_curve.csv",
       "no_such_curve.csv",
       {"missing curve file", 1, {"curve[1].file", "no_such_curve.csv: cannot open"}}},
      {"file = \"kernel_experiment_curve.csv\"",
       "sizes = [10, 20, 40]\nlosses = [0.5, 0.4]",
       {"mismatched lengths", 2, {"bad.toml:14:1: curve[1].losses", "3 sizes, 2 losses"}}},
      {"ridge = 1e-6",
       "ridge = 1e-6\nridgee = 2",
       {"unknown key",
        2,
        {"bad.toml:13:1: learner.ridgee", "unknown key; valid keys: kind, loss, ridge, features"}}},
      {"[data]",
       "[data]\ncolour = \"red\"",
       {"unknown key in [data]", 2, {"bad.toml:", "data.colour", "valid keys: kind, file"}}},
      {"loss = \"mse\"",
       "loss = \"bits\"",
       {"wrong loss units",
        2,
        {"bad.toml:11:8: learner.loss",
         "'bits' is not a loss unit",
         "excess_mse, mse, error_rate"}}},
      {"axis = \"data\"",
       "axis = \"tokens\"",
       {"unknown axis", 2, {"curve[1].axis", "'tokens' is not an axis; valid: data, params"}}},
      {"[learner]", "[learner\n", {"TOML syntax", 2, {"bad.toml:9:", "TOML syntax"}}},
      {"kernel_width = 2.0",
       "kernel_width = -2.0",
       {"negative kernel width", 2, {"data.kernel_width", "must be > 0"}}},
  };
  for (const Edit& edit : edits) {
    WriteFile(dir / "bad.toml", Replace(good, edit.from, edit.to));
    CheckRefused(dir, "bad.toml", edit.expect);
  }
  // Data files: NaN in the features, labels of another length, non-numeric .npy files.
  Eigen::MatrixXd x = Eigen::MatrixXd::Ones(50, 3);
  x(7, 2) = NAN;
  std::string error;
  REQUIRE(WriteNpy(dir / "nan.npy", x, &error));
  WriteFile(dir / "bad.toml", Replace(good, "\"kernel_experiment_features.npy\"", "\"nan.npy\""));
  CheckRefused(dir, "bad.toml", {"NaN in the features", 1, {"nan.npy: row 8, column 3: nan"}});
  REQUIRE(WriteNpy(dir / "short_labels.npy", Eigen::MatrixXd::Ones(1199, 1), &error, true));
  WriteFile(dir / "bad.toml",
            Replace(good, "\"kernel_experiment_labels.npy\"", "\"short_labels.npy\""));
  CheckRefused(dir,
               "bad.toml",
               {"labels of another length", 1, {"short_labels.npy has 1199 rows", "has 1200"}});
  WriteFile(dir / "text.npy", "1,2,3\n");
  WriteFile(dir / "bad.toml", Replace(good, "\"kernel_experiment_features.npy\"", "\"text.npy\""));
  CheckRefused(dir, "bad.toml", {"a text file named .npy", 1, {"text.npy: not a NumPy .npy file"}});
  std::string object = "\x93NUMPY";
  object += std::string("\x01\x00", 2);
  const std::string header = "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }";
  object += static_cast<char>(header.size() + 1);
  object += '\0';
  object += header + "\n" + "\x80\x04pickled";
  WriteFile(dir / "object.npy", object);
  WriteFile(dir / "bad.toml",
            Replace(good, "\"kernel_experiment_features.npy\"", "\"object.npy\""));
  CheckRefused(
      dir, "bad.toml", {"dtype object", 1, {"object.npy: not a numeric .npy array", "'|O'"}});
  CheckRefused(dir, "missing.toml", {"missing experiment file", 1, {"missing.toml: cannot open"}});
  // The control: the unchanged copy runs.
  const auto result =
      RunScalebench("run --experiment " + dir / "kernel_experiment.toml" + Outputs(dir));
  CHECK(result.exit_code == 0);
}

}  // namespace
}  // namespace scalebench
