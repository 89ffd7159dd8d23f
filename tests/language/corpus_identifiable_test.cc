// `scalebench run --corpus` on a ~4 MB English text that no target uses gives an identifiable
// n-gram data exponent (issue 16). The text: the first 4,000,000 bytes of Perl's manual pages in
// POD (Debian package perl-doc, GPL-1+ or Artistic; scripts/install-deps.sh installs it), the
// files of /usr/share/perl/<version>/pod/ sorted by name, without the release notes (perl*delta),
// the generated references (perlapi, perlintern, perltoc, perluniprops, perlmodlib) and the
// message list (perldiag), cut at a line end. The test builds the file, runs the real binary on
// it as a user would, and reads the cell back from leaderboard.json: converged, a seed-bootstrap
// interval narrower than the exponent, the 16 seeds (disjoint windows) present at the smallest size
// and only the first 3 at the largest. Needs the scalebench binary of the same build tree.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "../harness/test_util.h"
#include "harness/targets/text_source.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;

// The corpus described above; empty when perl-doc is not installed.
std::string PerlPodCorpus(std::size_t bytes) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& version : fs::directory_iterator("/usr/share/perl", ec)) {
    if (fs::is_symlink(version.path()) || !fs::is_directory(version.path() / "pod")) continue;
    for (const auto& entry : fs::directory_iterator(version.path() / "pod", ec)) {
      const std::string name = entry.path().filename().string();
      static const std::regex left_out(
          "delta|perlapi|perlintern|perltoc|perluniprops|perldiag|perlmodlib");
      if (entry.path().extension() == ".pod" && !std::regex_search(name, left_out)) {
        files.push_back(entry.path());
      }
    }
    break;  // one Perl version
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename() < b.filename();
  });
  std::string text;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      if (text.size() + line.size() + 1 > bytes) return text;
      text += line + "\n";
    }
  }
  return text;
}

TEST_CASE("a user corpus's extra seeds train only on windows disjoint from the lower seeds'",
          "[unit][language]") {
  // 9000 training tokens: seeds 1..4 start at 0, 1/3, 2/3 and 1/9 of the room (N - P).
  CHECK(WindowStart(9000, 1000, 4) == 888);
  CHECK(WindowOverlapsLowerSeed(9000, 1000, 4));  // 888 - 0 < 1000
  CHECK_FALSE(WindowOverlapsLowerSeed(9000, 100, 4));
  CHECK_FALSE(WindowOverlapsLowerSeed(9000, 1000, 1));  // no lower seed
  CHECK(WindowOverlapsLowerSeed(9000, 3000, 3));  // seeds 1-3 overlap at P > N/3 (and still run)
  // The 16 seeds of RegisterUserCorpusTarget on a 4 MB text's 3.6M training characters: all
  // disjoint up to ~1/30 of the split, none of the extra ones at half of it.
  int disjoint_small = 0, disjoint_half = 0;
  for (std::uint64_t seed = 4; seed <= 16; ++seed) {
    disjoint_small += WindowOverlapsLowerSeed(3600000, 100000, seed) ? 0 : 1;
    disjoint_half += WindowOverlapsLowerSeed(3600000, 1800000, seed) ? 0 : 1;
  }
  CHECK(disjoint_small == 13);
  CHECK(disjoint_half == 0);
}

TEST_CASE("run --corpus on a 4 MB English text gives an identifiable n-gram data exponent",
          "[language][slow][realdata]") {
  const std::string text = PerlPodCorpus(4000000);
  INFO("needs Debian's perl-doc (scripts/install-deps.sh installs it)");
  REQUIRE(text.size() > 3900000);
  testing::ScratchDir dir;
  testing::WriteFile(dir / "perl_pod.txt", text);
  const auto run = testing::RunScalebench(
      "run --quiet --corpus " + (dir / "perl_pod.txt") + " --threads 2 --results-dir " +
      (dir / "results") + " --db " + (dir / "h.sqlite") + " --cache-dir " + (dir / "cache"));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  std::ifstream file(dir / "results/leaderboard.json");
  const auto board = nlohmann::json::parse(file);
  const nlohmann::json* cell = nullptr;
  for (const auto& c : board.at("cells")) {
    if (c["target"] == "language/user_perl_pod_txt" && c["axis"] == "data") cell = &c;
  }
  REQUIRE(cell != nullptr);
  INFO((*cell).dump());
  const double measured = (*cell)["measured"].get<double>();
  const double lower = (*cell)["measured_ci"]["lower"].get<double>();
  const double upper = (*cell)["measured_ci"]["upper"].get<double>();
  std::printf("run --corpus on %zu bytes of perl-doc: alpha = %.4f [%.4f, %.4f] (%s)\n",
              text.size(),
              measured,
              lower,
              upper,
              (*cell)["fit_status"].get<std::string>().c_str());
  CHECK((*cell)["fit_status"] == "converged");
  CHECK((*cell)["interval_method"] == "seed_bootstrap");
  CHECK(measured > 0.0);
  CHECK(upper - lower < measured);  // the identifiability rule, restated
  CHECK(lower > 0.0);
  // The design, from the cached runs: 16 seeds on disjoint windows at the smallest size, the
  // first 3 only at the largest, the others skipped there with the reason.
  std::map<std::string, std::pair<int, int>> ok_and_skipped;  // by size
  for (const auto& entry :
       std::filesystem::directory_iterator(dir / "cache/language/user_perl_pod_txt/data")) {
    std::ifstream in(entry.path());
    const auto run = nlohmann::json::parse(in);
    auto& [ok, skipped] = ok_and_skipped[entry.path().filename().string().substr(
        0, entry.path().filename().string().find('-'))];
    if (run["status"] == "skipped") {
      ++skipped;
      CHECK_THAT(run["reason"].get<std::string>(), Contains("train only on disjoint windows"));
    } else {
      ++ok;
    }
  }
  REQUIRE(ok_and_skipped.size() == 12);
  CHECK(ok_and_skipped["n1000"] == std::pair(16, 0));
  const auto largest = std::max_element(
      ok_and_skipped.begin(), ok_and_skipped.end(), [](const auto& a, const auto& b) {
        return std::stod(a.first.substr(1)) < std::stod(b.first.substr(1));
      });
  CHECK(largest->second == std::pair(3, 13));
}

}  // namespace
}  // namespace scalebench
