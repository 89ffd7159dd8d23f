// `scalebench run --corpus PATH` end to end: the real binary on a small generated text (a
// sticky random walk over a Zipf-like word list, ~80,000 characters) runs probes, trains the
// Kneser-Ney curve, fits and scores; a missing, invalid or too small corpus fails with a message
// naming the path; a corpus that disappears after registration fails the profile and every run
// naming the path, caches nothing, and runs again once it is back (in-process, through the
// runner). Needs the scalebench binary built in the same build tree.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>

#include "../harness/test_util.h"
#include "datasets/generators/random.h"
#include "harness/runner/runner.h"
#include "harness/targets/language.h"

namespace scalebench {
namespace {

using Catch::Matchers::Contains;
using testing::RunScalebench;

std::string GeneratedText(std::size_t characters) {
  std::vector<std::string> words;
  Xoshiro256pp rng(17);
  for (int i = 0; i < 400; ++i) {
    std::string word;
    const int length = 2 + int(rng() % 7);
    for (int j = 0; j < length; ++j) word += char('a' + rng() % 26);
    words.push_back(word);
  }
  std::string text;
  std::size_t previous = 0;
  while (text.size() < characters) {
    // Zipf-like: index ~ 400^u - 1, and half the time a word close to the previous one.
    std::size_t index = std::size_t(std::pow(400.0, rng.UniformOpen())) - 1;
    if (rng() % 2 == 0) index = (previous + rng() % 3) % words.size();
    text += words[index];
    text += (rng() % 12 == 0) ? ".\n" : " ";
    previous = index;
  }
  return text;
}

bool BinaryExists() {
  return std::filesystem::exists(std::string(SCALEBENCH_BINARY_DIR) + "/harness/scalebench");
}

TEST_CASE("CLI: run --corpus runs the language pipeline on a user's text", "[language]") {
  INFO("needs " << SCALEBENCH_BINARY_DIR << "/harness/scalebench (ninja scalebench)");
  REQUIRE(BinaryExists());
  testing::ScratchDir dir;
  testing::WriteFile(dir / "my text.txt", GeneratedText(80000));
  const std::string where = " --results-dir " + (dir / "results") + " --db " + (dir / "h.sqlite") +
                            " --cache-dir " + (dir / "cache") + " --bootstrap 50 --threads 1";
  const auto result = RunScalebench("run --corpus '" + (dir / "my text.txt") + "'" + where);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("language/user_my_text_txt"));
  const std::string board = testing::ReadFile(dir / "results/LEADERBOARD.md");
  CHECK_THAT(board, Contains("language/user_my_text_txt"));
  CHECK_THAT(board, Contains("corpus/cagnetta_correlations"));
  // The profile was measured (beta, gamma, Heaps, Zipf) and the curve fitted.
  const std::string json = testing::ReadFile(dir / "results/leaderboard.json");
  CHECK_THAT(json, Contains("language/user_my_text_txt"));
  CHECK_THAT(result.output, Contains("data fit: converged"));
  CHECK_THAT(
      result.output,
      !Contains("probe failed") && !Contains("statistics failed") && !Contains("seed 1 failed"));
}

TEST_CASE("CLI: run --corpus names the path of a missing, invalid or small corpus", "[language]") {
  REQUIRE(BinaryExists());
  testing::ScratchDir dir;
  const std::string where = " --quiet --results-dir " + (dir / "results") + " --db " +
                            (dir / "h.sqlite") + " --cache-dir " + (dir / "cache");
  const auto missing = RunScalebench("run --corpus " + (dir / "nope.txt") + where);
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("nope.txt"));
  testing::WriteFile(dir / "bad.txt", std::string("ok\n\xff\xfe bad\n"));
  const auto bad = RunScalebench("run --corpus " + (dir / "bad.txt") + where);
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.output, Contains("bad.txt") && Contains("UTF-8"));
  testing::WriteFile(dir / "small.txt", "In the beginning.\n");
  const auto small = RunScalebench("run --corpus " + (dir / "small.txt") + where);
  CHECK(small.exit_code == 1);
  CHECK_THAT(small.output, Contains("at least 20000"));
}

// Regular files under `dir` (none when it does not exist).
int CountFiles(const std::string& dir) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    count += entry.is_regular_file() ? 1 : 0;
  }
  return count;
}

TEST_CASE(
    "A --corpus folder that disappears fails profile and runs naming it, caches nothing, "
    "and runs again once back",
    "[language]") {
  testing::ScratchDir dir;
  std::filesystem::create_directories(dir / "Corpus Folder");
  testing::WriteFile(dir / "Corpus Folder/a.txt", GeneratedText(25000));
  testing::WriteFile(dir / "Corpus Folder/b.txt", GeneratedText(25000));
  std::string name, error;
  REQUIRE(RegisterUserCorpusTarget(dir / "Corpus Folder", &name, &error));
  CHECK(name == "language/user_corpus_folder");
  // The same name again is refused, not registered twice.
  CHECK_FALSE(RegisterUserCorpusTarget(dir / "Corpus Folder", &name, &error));
  CHECK_THAT(error, Contains("already registered"));

  RunOptions options;
  options.targets = {"language/user_corpus_folder"};
  options.theories = {"corpus/cagnetta_correlations"};
  options.bootstrap_resamples = 50;
  options.threads = 1;
  options.quiet = true;
  options.results_dir = dir / "results";
  options.cache_dir = dir / "cache";
  options.committed_cache_dir = "";
  options.db_path = dir / "h.sqlite";
  std::filesystem::rename(dir / "Corpus Folder", dir / "moved");
  std::ostringstream out;
  error.clear();
  CHECK(RunSuite(options, out, &error) == 1);
  INFO(error);
  const std::string missing = dir / "Corpus Folder";
  CHECK_THAT(error, Contains("profile: cannot load the corpus: " + missing));
  for (int seed = 1; seed <= 3; ++seed) {
    CHECK_THAT(error, Contains("seed " + std::to_string(seed) + ": " + missing));
  }
  CHECK(CountFiles(dir / "cache") == 0);

  std::filesystem::rename(dir / "moved", dir / "Corpus Folder");
  error.clear();
  CHECK(RunSuite(options, out, &error) == 0);
  CHECK(error.empty());
  // The profile and 12 sizes x 16 seeds (the skipped ones are cached with their reason).
  CHECK(CountFiles(dir / "cache") == 1 + 12 * 16);
}

TEST_CASE("CLI: export-tokens writes a corpus target's token streams, refuses other targets",
          "[language]") {
  REQUIRE(BinaryExists());
  testing::ScratchDir dir;
  const auto ok =
      RunScalebench("export-tokens --target language/rhm_L4_s2_v16_m4 --out " + (dir / "rhm"));
  INFO(ok.output);
  REQUIRE(ok.exit_code == 0);
  CHECK(std::filesystem::file_size(dir / "rhm/train.i32") == 4 * 1000000u);
  CHECK(std::filesystem::file_size(dir / "rhm/validation.i32") == 4 * 100000u);
  CHECK(std::filesystem::file_size(dir / "rhm/test.i32") == 4 * 100000u);
  const std::string train = testing::ReadFile(dir / "rhm/train.i32");
  bool in_range = true;
  for (std::size_t i = 0; i + 4 <= train.size(); i += 4) {
    std::int32_t id;
    std::memcpy(&id, train.data() + i, 4);
    in_range = in_range && id >= 0 && id < 16;
  }
  CHECK(in_range);
  CHECK_THAT(testing::ReadFile(dir / "rhm/tokens.txt"), Contains("vocab_size 16"));
  const auto wrong = RunScalebench("export-tokens --target gaussian/nope --out " + (dir / "x"));
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.output,
             Contains("not a language or transformer target") && Contains("language/kjv_char") &&
                 Contains("transformer/kjv_bpe1024"));
}

}  // namespace
}  // namespace scalebench
