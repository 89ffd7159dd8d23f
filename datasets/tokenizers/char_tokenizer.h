// The character tokenizer: one token per Unicode code point, with a dense vocabulary.
//
// The vocabulary is built from the training split only (so that validation and test text is
// tokenised as a model trained on the training split would see it): its distinct code points,
// sorted by code point, get the ids 1..V-1; id 0 (kUnknownId) is reserved for any code point
// that the training split does not contain. vocab_size() counts the reserved id.
//
// Also here: DecodeUtf8, the code points of a text (the input must be valid UTF-8, e.g. checked
// by ValidateUtf8 of datasets/readers/text_corpus.h; an invalid byte decodes as U+FFFD).
//
// Usage:
//   CharTokenizer tokenizer = CharTokenizer::Build(splits.train);
//   std::vector<int> ids = tokenizer.Encode(splits.validation);   // ids in [0, vocab_size())
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace scalebench {

std::u32string DecodeUtf8(std::string_view text);
std::string EncodeUtf8(std::u32string_view code_points);

class CharTokenizer {
 public:
  static constexpr int kUnknownId = 0;

  // Vocabulary from the distinct code points of `training_text`.
  static CharTokenizer Build(std::string_view training_text);

  std::vector<int> Encode(std::string_view text) const;
  // Unknown ids decode as U+FFFD.
  std::string Decode(const std::vector<int>& ids) const;
  int vocab_size() const { return static_cast<int>(code_points_.size()) + 1; }
  // The code point of id (1..vocab_size()-1), U+FFFD for kUnknownId or an out-of-range id.
  char32_t CodePoint(int id) const;

 private:
  std::u32string code_points_;  // id - 1 -> code point, sorted
  std::unordered_map<char32_t, int> ids_;
};

}  // namespace scalebench
