// Implementation of datasets/readers/text_corpus.h: UTF-8 validation, file/folder reading, the
// KJV dump through `bible`, and the chunked splits.
#include "datasets/readers/text_corpus.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/status.h"

namespace scalebench {
namespace {

using internal::Fail;

// Length of the UTF-8 sequence starting at text[i] and a reason when it is invalid.
// Returns 0 with *what set for an invalid or truncated sequence.
std::size_t SequenceLength(std::string_view text, std::size_t i, const char** what) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    *what = "invalid lead byte";
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k >= text.size()) {
      *what = "truncated sequence at end of file";
      return 0;
    }
    const unsigned char b = byte(i + k);
    const unsigned char lo = k == 1 ? low : 0x80, hi = k == 1 ? high : 0xBF;
    if (b < lo || b > hi) {
      *what = (b < 0x80 || b > 0xBF) ? "truncated sequence (missing continuation byte)"
                                     : "overlong form, surrogate or code point above U+10FFFF";
      return 0;
    }
  }
  return length;
}

bool ReadFile(const std::filesystem::path& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(error, path.string() + ": cannot open for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Fail(error, path.string() + ": read error");
  *out = buffer.str();
  return ValidateUtf8(*out, path.string(), error);
}

// Removes the leading verse number of a line "  12 text" -> "text"; false for other lines.
bool StripVerseNumber(std::string_view line, std::string_view* verse) {
  std::size_t i = line.find_first_not_of(' ');
  if (i == std::string_view::npos || i == 0 || !std::isdigit(static_cast<unsigned char>(line[i]))) {
    return false;  // a heading ("Genesis 1") starts in column 0; blank lines have no text
  }
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  if (i >= line.size() || line[i] != ' ') return false;
  *verse = line.substr(i + 1);
  return true;
}

// The split (0 train, 1 validation, 2 test) whose share of the bytes dealt so far is furthest
// below its target, ties to the lower index.
int NeediestSplit(const std::array<double, 3>& target,
                  const std::array<std::size_t, 3>& dealt,
                  std::size_t next_bytes) {
  double total = static_cast<double>(dealt[0] + dealt[1] + dealt[2] + next_bytes);
  int best = 0;
  double best_deficit = -1e300;
  for (int s = 0; s < 3; ++s) {
    if (target[s] <= 0) continue;
    const double deficit = target[s] * total - static_cast<double>(dealt[s]);
    if (deficit > best_deficit) best = s, best_deficit = deficit;
  }
  return best;
}

}  // namespace

bool ValidateUtf8(std::string_view text, const std::string& name, std::string* error) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const char* what = "";
    const std::size_t length = SequenceLength(text, i, &what);
    if (length == 0) {
      return Fail(error,
                  name + ": invalid UTF-8 at line " + std::to_string(line) + ", byte offset " +
                      std::to_string(i) + ": " + what);
    }
    if (text[i] == '\n') ++line;
    i += length;
  }
  return true;
}

bool ReadTextCorpus(const std::string& path, TextCorpus* corpus, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code code;
  const fs::file_status status = fs::status(path, code);
  if (code || !fs::exists(status)) return Fail(error, path + ": no such file or folder");
  std::vector<fs::path> files;
  if (fs::is_directory(status)) {
    for (const auto& entry : fs::directory_iterator(path, code)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    if (code) return Fail(error, path + ": cannot list the folder: " + code.message());
    std::sort(files.begin(), files.end());
    if (files.empty()) return Fail(error, path + ": the folder holds no regular file");
  } else if (fs::is_regular_file(status)) {
    files.push_back(path);
  } else {
    return Fail(error, path + ": neither a regular file nor a folder");
  }
  std::string text;
  for (const fs::path& file : files) {
    std::string content;
    if (!ReadFile(file, &content, error)) return false;
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += content;
  }
  corpus->text = std::move(text);
  corpus->source = path;
  corpus->num_files = static_cast<int>(files.size());
  return true;
}

std::size_t CleanBibleOutput(std::string_view raw, std::string* text) {
  text->clear();
  text->reserve(raw.size());
  std::size_t verses = 0;
  while (!raw.empty()) {
    const std::size_t end = raw.find('\n');
    std::string_view line = raw.substr(0, end);
    raw = end == std::string_view::npos ? std::string_view() : raw.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view verse;
    if (!StripVerseNumber(line, &verse)) continue;
    text->append(verse);
    text->push_back('\n');
    ++verses;
  }
  return verses;
}

bool LoadKingJamesBible(TextCorpus* corpus, std::string* error, const std::string& program) {
  const std::string kHint =
      " (install the Debian packages bible-kjv and bible-kjv-text: apt-get install bible-kjv "
      "bible-kjv-text)";
  const std::string command = program + " -l100000 gen1:1-rev22:21 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return Fail(error, "cannot run `" + program + "`" + kHint);
  std::string raw;
  std::array<char, 1 << 16> buffer;
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    raw.append(buffer.data(), got);
  const int status = pclose(pipe);
  if (status != 0 || raw.empty()) {
    return Fail(error,
                "`" + command + "` failed (exit status " + std::to_string(status) + ", " +
                    std::to_string(raw.size()) + " bytes of output)" + kHint);
  }
  std::string text;
  const std::size_t verses = CleanBibleOutput(raw, &text);
  if (verses == 0) return Fail(error, "`" + program + "` printed no verse" + kHint);
  if (!ValidateUtf8(text, "output of `" + program + "`", error)) return false;
  corpus->text = std::move(text);
  corpus->source = "King James Bible (" + program + " -l100000 gen1:1-rev22:21), " +
                   std::to_string(verses) + " verses";
  corpus->num_files = 1;
  return true;
}

bool SplitCorpus(std::string_view text,
                 const CorpusSplitOptions& options,
                 CorpusSplits* splits,
                 std::string* error) {
  if (!options.IsValid(error)) return false;
  const double test = std::max(0.0, 1.0 - options.train_fraction - options.validation_fraction);
  const std::array<double, 3> target = {options.train_fraction, options.validation_fraction, test};
  std::array<std::string*, 3> out = {&splits->train, &splits->validation, &splits->test};
  for (std::string* s : out) s->clear();
  std::array<std::size_t, 3> dealt = {0, 0, 0};
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = std::min(text.size(), begin + options.chunk_bytes);
    // Extend to the end of the line: never split a line (nor, hence, a UTF-8 sequence).
    const std::size_t newline = text.find('\n', end == 0 ? 0 : end - 1);
    end = newline == std::string_view::npos ? text.size() : newline + 1;
    const int split = NeediestSplit(target, dealt, end - begin);
    out[split]->append(text.substr(begin, end - begin));
    dealt[split] += end - begin;
    begin = end;
  }
  return true;
}

}  // namespace scalebench
