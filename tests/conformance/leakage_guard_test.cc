// Leakage guard: theories must never see learning curves. No file under theories/ (nor the
// README example theory) may include a harness/ header, Ceres, or a dataset reader; only the
// profile vocabulary (datasets/profile.h via theories/theory.h) is allowed.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "theories/testing/theory_conformance.h"

namespace scalebench {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> TheorySources() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(SCALEBENCH_SOURCE_DIR) / "theories")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  const fs::path readme_theory =
      fs::path(SCALEBENCH_BINARY_DIR) / "generated" / "readme_example_theory.cc";
  if (fs::exists(readme_theory)) files.push_back(readme_theory);
  return files;
}

TEST_CASE("no theory source includes harness/, Ceres or a dataset reader",
          "[conformance][leakage]") {
  const std::vector<fs::path> files = TheorySources();
  CHECK(files.size() >= 8);  // the guard looks at the real tree
  for (const fs::path& file : files) {
    for (const std::string& line : testing::ForbiddenIncludes(ReadFile(file))) {
      FAIL_CHECK(file.string() + ": " + line);
    }
  }
}

TEST_CASE("common/ includes nothing of the project, so every tree may use it",
          "[conformance][leakage]") {
  int files = 0;
  static const std::regex kProjectInclude(
      R"re(^\s*#\s*include\s*"((harness|datasets|theories|tests|bench)/[^"]+)")re");
  for (const auto& entry : fs::directory_iterator(fs::path(SCALEBENCH_SOURCE_DIR) / "common")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::istringstream lines(ReadFile(entry.path()));
    for (std::string line; std::getline(lines, line);) {
      if (std::regex_search(line, kProjectInclude)) FAIL_CHECK(entry.path().string() + ": " + line);
    }
  }
  CHECK(files >= 6);  // the guard looks at the real folder
  CHECK(testing::ForbiddenIncludes("#include \"common/format.h\"\n#include \"common/status.h\"\n")
            .empty());
}

TEST_CASE("the include scanner catches what it must", "[conformance][leakage]") {
  CHECK(testing::ForbiddenIncludes("#include \"harness/learning_curve.h\"\n").size() == 1);
  CHECK(
      testing::ForbiddenIncludes("  #  include <scalebench/harness/fit/power_law_fit.h>").size() ==
      1);
  CHECK(testing::ForbiddenIncludes("#include <ceres/ceres.h>").size() == 1);
  CHECK(testing::ForbiddenIncludes("#include \"datasets/probes/gram.h\"").size() == 1);
  CHECK(
      testing::ForbiddenIncludes("#include \"datasets/profile.h\"\n#include \"theories/theory.h\"\n"
                                 "#include <Eigen/Dense>\n// see harness/ for the curves\n")
          .empty());
}

}  // namespace
}  // namespace scalebench
