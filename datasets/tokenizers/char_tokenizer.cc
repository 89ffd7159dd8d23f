// Implementation of datasets/tokenizers/char_tokenizer.h.
#include "datasets/tokenizers/char_tokenizer.h"

#include <algorithm>

namespace scalebench {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes the sequence at text[*i] and advances *i. Assumes validated input; a stray byte
// decodes as U+FFFD (one byte consumed) rather than reading past the end.
char32_t NextCodePoint(std::string_view text, std::size_t* i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(*i);
  int length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || *i + length > text.size()) {
    ++*i;
    return kReplacement;
  }
  char32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) code = (code << 6) | (byte(*i + k) & 0x3F);
  *i += length;
  return code;
}

}  // namespace

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) out.push_back(NextCodePoint(text, &i));
  return out;
}

std::string EncodeUtf8(std::u32string_view code_points) {
  std::string out;
  for (char32_t c : code_points) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

CharTokenizer CharTokenizer::Build(std::string_view training_text) {
  CharTokenizer tokenizer;
  std::u32string code_points = DecodeUtf8(training_text);
  std::sort(code_points.begin(), code_points.end());
  code_points.erase(std::unique(code_points.begin(), code_points.end()), code_points.end());
  tokenizer.code_points_ = code_points;
  for (std::size_t k = 0; k < code_points.size(); ++k) {
    tokenizer.ids_[code_points[k]] = static_cast<int>(k) + 1;
  }
  return tokenizer;
}

std::vector<int> CharTokenizer::Encode(std::string_view text) const {
  std::vector<int> ids;
  ids.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto found = ids_.find(NextCodePoint(text, &i));
    ids.push_back(found == ids_.end() ? kUnknownId : found->second);
  }
  return ids;
}

std::string CharTokenizer::Decode(const std::vector<int>& ids) const {
  std::u32string code_points;
  for (int id : ids) code_points.push_back(CodePoint(id));
  return EncodeUtf8(code_points);
}

char32_t CharTokenizer::CodePoint(int id) const {
  if (id < 1 || id > static_cast<int>(code_points_.size())) return kReplacement;
  return code_points_[id - 1];
}

}  // namespace scalebench
