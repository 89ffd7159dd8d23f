// The SentencePiece BPE tokenizer (datasets/tokenizers/bpe_tokenizer.h): training in memory on a
// small text, vocabulary size as asked, lossless round trip (newlines, blank lines, leading and
// repeated spaces), unknown characters, and SentencePiece's errors passed on.
#include "datasets/tokenizers/bpe_tokenizer.h"

#include <catch2/catch.hpp>
#include <string>

namespace scalebench {
namespace {

std::string SmallText() {
  std::string text;
  const char* lines[] = {
      "In the beginning God created the heaven and the earth.",
      "And the earth was without form, and void; and darkness was upon the face of the deep.",
      "  And the Spirit of God moved upon the face of the waters.",
      "",
      "And God said, Let there be light: and there was light.",
      "And God saw the light, that it was good:  and God divided the light from the darkness.",
  };
  for (int r = 0; r < 20; ++r) {
    for (const char* line : lines) text += std::string(line) + "\n";
  }
  return text;
}

TEST_CASE("BPE tokenizer: round trip, vocabulary size and unknown characters", "[language]") {
  const std::string text = SmallText();
  BpeTokenizerOptions options;
  options.vocab_size = 120;
  BpeTokenizer tokenizer;
  std::string error;
  REQUIRE(BpeTokenizer::Train(text, options, &tokenizer, &error));
  CHECK(tokenizer.vocab_size() == 120);
  const std::vector<int> ids = tokenizer.Encode(text);
  CHECK(ids.size() < text.size() / 2);  // merges happened
  for (int id : ids) REQUIRE((id >= 0 && id < 120));
  CHECK(tokenizer.Decode(ids) == text);
  const std::string other = "And God said,  Let\n\nthere be light";  // no final newline
  CHECK(tokenizer.Decode(tokenizer.Encode(other)) == other);
  // 'Z' and 'q' never occur in the training text: <unk>.
  const std::vector<int> unknown = tokenizer.Encode("Zq");
  CHECK(std::count(unknown.begin(), unknown.end(), BpeTokenizer::kUnknownId) >= 1);
  // Deterministic training.
  BpeTokenizer again;
  REQUIRE(BpeTokenizer::Train(text, options, &again, &error));
  CHECK(again.Encode(text) == ids);
}

TEST_CASE("BPE tokenizer: clear errors", "[language]") {
  BpeTokenizer tokenizer;
  std::string error;
  BpeTokenizerOptions options;
  options.vocab_size = 4;
  CHECK_FALSE(BpeTokenizer::Train(SmallText(), options, &tokenizer, &error));
  CHECK_THAT(error, Catch::Contains("vocab_size = 4"));
  options.vocab_size = 50000;  // far more pieces than the text allows
  CHECK_FALSE(BpeTokenizer::Train(SmallText(), options, &tokenizer, &error));
  CHECK_THAT(error, Catch::Contains("BpeTokenizer::Train"));
  options.vocab_size = 100;
  CHECK_FALSE(BpeTokenizer::Train("\n\n", options, &tokenizer, &error));
  CHECK_THAT(error, Catch::Contains("empty"));
}

}  // namespace
}  // namespace scalebench
