// results/cells.csv: written by the run beside the leaderboards, one row per cell, and loaded by
// Python's csv module and, when it is installed, by pandas.read_csv (the issue's acceptance).
// Also: `scalebench run` keeps progress on stderr and the verdict on stdout.
#include <fmt/core.h>
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "harness/report/reporter.h"
#include "test_util.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

testing::CommandResult Shell(const std::string& command) {
  testing::CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Debian's python3 (where python3-pandas installs), else whatever python3 is on the PATH.
std::string Python() {
  return std::ifstream("/usr/bin/python3").good() ? "/usr/bin/python3" : "python3";
}

// Loads `csv` with the csv module and with pandas (if importable) and prints what it found:
// "csv rows=N columns=C", "pandas rows=N measured=float64" or "pandas: not installed", and the
// fields the test asks for by (theory, column).
std::string LoadWithPython(const testing::ScratchDir& dir, const std::string& csv) {
  const std::string script = dir / "load.py";
  testing::WriteFile(script, R"py(
import csv, sys
path = sys.argv[1]
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
widths = {len(r) for r in rows}
print(f"csv rows={len(rows)} columns={widths.pop() if len(widths) == 1 else 'ragged'}")
for r in rows:
    if r["theory"] == "rf/broken":
        print("reason=" + repr(r["reason"]))
    if r["theory"] == "kernel/sgw":
        print(f"z={float(r['z']):.6f} consistent={r['consistent']} oracle={r['oracle_predicted']}")
try:
    import pandas
except ImportError:
    print("pandas: not installed")
    sys.exit(0)
frame = pandas.read_csv(path)
print(f"pandas rows={len(frame)} measured={frame['measured'].dtype} home={frame['home'].dtype}")
)py");
  const auto result = Shell(Python() + " " + script + " " + csv + " 2>&1");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return result.output;
}

Cell SmallCell(const std::string& theory, PredictionStatus status, const std::string& message) {
  Cell c;
  c.theory = theory;
  c.family = theory.substr(0, theory.find('/'));
  c.target = "gaussian/a2_b1.5";
  c.dataset_family = "gaussian";
  c.realism = Realism::kExact;
  c.status = status;
  c.message = message;
  c.predicted = {1.02, 0.97, 1.07};
  c.fit_status = FitStatus::kConverged;
  c.measured = 1.0;
  c.measured_ci = {0.96, 1.04};
  c.measured_se = 0.0144;
  c.has_oracle = true;
  c.oracle_status = PredictionStatus::kPredicted;
  c.oracle_predicted.value = 1.01;
  ScoreCell({}, &c);
  return c;
}

TEST_CASE("cells.csv: quoting survives commas, quotes and newlines, pandas loads it",
          "[unit][report]") {
  const std::string nasty = "diverged, then \"NaN\"\nat size 512";
  const Leaderboard board =
      BuildLeaderboard({SmallCell("kernel/sgw", PredictionStatus::kPredicted, "a - 1, tail"),
                        SmallCell("rf/broken", PredictionStatus::kFailed, nasty),
                        SmallCell("rf/mrs", PredictionStatus::kNotApplicable, "needs b > 1")},
                       LeaderboardOptions());
  testing::ScratchDir dir;
  std::string error;
  REQUIRE(WriteReportFile("csv", dir / "cells.csv", CurrentReportContext(), board, &error));
  const std::string out = LoadWithPython(dir, dir / "cells.csv");
  CHECK_THAT(out, Contains("csv rows=3 columns=41"));
  CHECK_THAT(out, Contains("reason='diverged, then \"NaN\"\\nat size 512'"));
  const double z = 0.02 / std::hypot(0.0144, 0.1 / (2 * 1.959963984540054));
  CHECK_THAT(out, Contains(fmt::format("z={:.6f} consistent=true oracle=1.01", z)));
  if (out.find("pandas: not installed") == std::string::npos) {
    CHECK_THAT(out, Contains("pandas rows=3 measured=float64 home=bool"));
  }
}

TEST_CASE(
    "scalebench run: cells.csv beside the leaderboards, one row per cell, progress on "
    "stderr, the verdict on stdout",
    "[unit][report]") {
  testing::ScratchDir dir;
  const std::string command = std::string(SCALEBENCH_BINARY_DIR) +
                              "/harness/scalebench run --target hutter_memorization/alpha1.0 "
                              "--seeds 2 --bootstrap 20 --cache-dir " +
                              (dir / "cache") + " --results-dir " + (dir / "results") + " --db " +
                              (dir / "h.sqlite");
  const auto run = Shell(command + " 2>" + (dir / "stderr.txt"));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const std::string progress = testing::ReadFile(dir / "stderr.txt");
  CHECK_THAT(progress, Contains("[1/1] hutter_memorization/alpha1.0"));
  CHECK_THAT(run.output, Contains("tie groups:") && Contains("validation on home targets"));
  CHECK_THAT(run.output, Contains("wrote " + (dir / "results/LEADERBOARD.md")));
  CHECK_THAT(run.output, Contains(dir / "results/cells.csv"));
  CHECK(run.output.find("[1/1]") == std::string::npos);
  CHECK(run.output.find("curve: trained") == std::string::npos);
  CHECK(run.output.find("measured [CI]") == std::string::npos);  // the cell table needs --cells

  std::ifstream json_file(dir / "results/leaderboard.json");
  const auto j = nlohmann::json::parse(json_file);
  const std::size_t cells = j.at("cells").size();
  REQUIRE(cells > 0);
  const std::string out = LoadWithPython(dir, dir / "results/cells.csv");
  CHECK_THAT(out, Contains("csv rows=" + std::to_string(cells) + " columns=41"));
  if (out.find("pandas: not installed") == std::string::npos) {
    CHECK_THAT(out, Contains("pandas rows=" + std::to_string(cells)));
  }

  const auto with_cells = Shell(command + " --cells 2>/dev/null");
  REQUIRE(with_cells.exit_code == 0);
  CHECK_THAT(with_cells.output, Contains("measured [CI]") && Contains("hutter_memorization"));
}

}  // namespace
}  // namespace scalebench
