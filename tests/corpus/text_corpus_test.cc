// Tests of the corpus reader (datasets/readers/text_corpus.h) and the character tokenizer
// (datasets/tokenizers/char_tokenizer.h): UTF-8 errors name the file, line and byte offset; a
// folder is read in name order; the `bible` output is cleaned to one verse per line; the splits
// partition the text; unknown characters map to the reserved id.
#include "datasets/readers/text_corpus.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "datasets/tokenizers/char_tokenizer.h"

namespace scalebench {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(SCALEBENCH_SOURCE_DIR) + "/tests/corpus/data/" + name;
}

// Writes `content` to a fresh file in the temp folder and returns its path.
std::string TempFile(const std::string& name, const std::string& content) {
  // The process id keeps concurrent runs from other build folders apart.
  const auto path = std::filesystem::temp_directory_path() /
                    ("scalebench_corpus_" + std::to_string(getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST_CASE("ReadTextCorpus names the file, line and byte offset of invalid UTF-8", "[corpus]") {
  struct Case {
    const char* name;
    std::string content;
    const char* where;
    const char* what;
  };
  const Case cases[] = {
      {"invalid_byte.txt",
       "ok line\nbad \xFF here\n",
       "line 2, byte offset 12",
       "invalid lead byte"},
      {"truncated_end.txt", "euro \xE2\x82", "line 1, byte offset 5", "truncated sequence at end"},
      {"missing_continuation.txt",
       "a\nb\n\xC3"
       "A\n",
       "line 3, byte offset 4",
       "missing continuation"},
      {"overlong.txt", "\xC0\xAF", "line 1, byte offset 0", "invalid lead byte"},
      {"surrogate.txt", "x\xED\xA0\x80", "line 1, byte offset 1", "surrogate"},
  };
  for (const Case& c : cases) {
    const std::string path = TempFile(c.name, c.content);
    TextCorpus corpus;
    std::string error;
    CHECK_FALSE(ReadTextCorpus(path, &corpus, &error));
    INFO(error);
    CHECK(error.find(path) != std::string::npos);
    CHECK(error.find(c.where) != std::string::npos);
    CHECK(error.find(c.what) != std::string::npos);
    std::filesystem::remove(path);
  }
}

TEST_CASE("ReadTextCorpus reads a folder in name order and a missing path fails", "[corpus]") {
  TextCorpus corpus;
  std::string error;
  REQUIRE(ReadTextCorpus(Fixture("folder"), &corpus, &error));
  CHECK(corpus.num_files == 2);
  CHECK(corpus.text == "first file \xC3\xA9t\xC3\xA9\nsecond file, read last\n");
  CHECK_FALSE(ReadTextCorpus(Fixture("no_such_file.txt"), &corpus, &error));
  CHECK(error.find("no_such_file.txt: no such file") != std::string::npos);
}

TEST_CASE("CleanBibleOutput keeps verse text and drops headings and numbers", "[corpus]") {
  TextCorpus raw;
  std::string error;
  REQUIRE(ReadTextCorpus(Fixture("bible_sample.txt"), &raw, &error));
  std::string text;
  CHECK(CleanBibleOutput(raw.text, &text) == 3);
  CHECK(text ==
        "In the beginning God created the heaven and the earth.\n"
        "And the earth was without form, and void.\n"
        "Come on, let us deal wisely with them.\n");
}

TEST_CASE("LoadKingJamesBible says which packages to install when the program is missing",
          "[corpus]") {
  TextCorpus corpus;
  std::string error;
  CHECK_FALSE(LoadKingJamesBible(&corpus, &error, "/nonexistent/bible"));
  CHECK(error.find("bible-kjv and bible-kjv-text") != std::string::npos);
}

TEST_CASE("SplitCorpus partitions the text into interleaved line-aligned chunks", "[corpus]") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line " + std::to_string(i) + " of the corpus\n";
  CorpusSplitOptions options;
  options.chunk_bytes = 1000;
  CorpusSplits splits;
  std::string error;
  REQUIRE(SplitCorpus(text, options, &splits, &error));
  const double total = static_cast<double>(text.size());
  CHECK(splits.train.size() + splits.validation.size() + splits.test.size() == text.size());
  CHECK(splits.train.size() / total == Approx(0.9).margin(0.01));
  CHECK(splits.validation.size() / total == Approx(0.05).margin(0.01));
  CHECK(splits.test.back() == '\n');
  // Interleaved: the validation split does not come from one end of the text only.
  const std::string first_validation_line =
      splits.validation.substr(0, splits.validation.find('\n') + 1);
  CHECK(text.find(first_validation_line) < text.size() / 4);
  options.train_fraction = 0.97;
  CHECK_FALSE(SplitCorpus(text, options, &splits, &error));
  CHECK(error.find("train_fraction + validation_fraction") != std::string::npos);
}

TEST_CASE("CharTokenizer maps code points to dense ids with a reserved unknown id", "[corpus]") {
  const CharTokenizer tokenizer = CharTokenizer::Build(
      "ba\xC3\xA9"
      "a");  // b, a, e-acute
  CHECK(tokenizer.vocab_size() == 4);
  const std::vector<int> ids = tokenizer.Encode("ab\xC3\xA9z");
  CHECK(ids == std::vector<int>{1, 2, 3, CharTokenizer::kUnknownId});
  CHECK(tokenizer.Decode({1, 2, 3}) == "ab\xC3\xA9");
  CHECK(tokenizer.Decode({0}) == "\xEF\xBF\xBD");
  CHECK(DecodeUtf8("\xF0\x9F\x98\x80") == std::u32string{U'\U0001F600'});
}

}  // namespace
}  // namespace scalebench
