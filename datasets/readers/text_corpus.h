// Plain-text corpora for the language targets: read a UTF-8 file or folder, or dump the King
// James Bible from Debian's `bible` program, and cut fixed train/validation/test splits.
//
// Reading: ReadTextCorpus(path) takes one regular file, or every regular file directly inside a
// folder (sorted by name, concatenated with a "\n" between files so that no word spans two
// files). Every file must be valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF); the first invalid or truncated sequence is an error naming the file, the
// 1-based line and the 0-based byte offset in the file.
//
// KJV: LoadKingJamesBible() runs `bible -l100000 gen1:1-rev22:21` (Debian packages bible-kjv and
// bible-kjv-text; ../shared/research/ground.md 2), drops the chapter headings ("Genesis 1") and
// blank lines, strips the verse numbers ("  12 And ..."), and keeps one verse per line:
// 31,102 lines, about 4.1 MB of ASCII.
//
// Splits: SplitCorpus cuts the text into contiguous chunks of about chunk_bytes (each extended
// to the next '\n', so a chunk never splits a line or a UTF-8 sequence) and deals the chunks,
// in order, to the split whose share is furthest below its target fraction. The splits are
// therefore interleaved through the whole text (the test split of the KJV is not just the end
// of Revelation), fixed (no randomness), and each piece of text is in exactly one split.
//
// Usage:
//   TextCorpus corpus;
//   std::string error;
//   if (!LoadKingJamesBible(&corpus, &error)) ...;  // or ReadTextCorpus("dir", &corpus, &error)
//   CorpusSplits splits;
//   if (!SplitCorpus(corpus.text, CorpusSplitOptions{}, &splits, &error)) ...;
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/fields.h"

namespace scalebench {

struct TextCorpus {
  std::string text;    // UTF-8
  std::string source;  // where it came from (path or command), for Profile::source
  int num_files = 0;   // files read (1 for the KJV)
};

// Returns false and sets *error ("<name>: invalid UTF-8 at line L, byte offset B: <what>") at the
// first invalid or truncated sequence of `text`. `name` is the file name used in the message.
bool ValidateUtf8(std::string_view text, const std::string& name, std::string* error);

// One file or every regular file in a folder (see above). Appends nothing on failure.
bool ReadTextCorpus(const std::string& path, TextCorpus* corpus, std::string* error);

// Runs `program` -l100000 gen1:1-rev22:21 (popen) and cleans its output (see above). Fails with
// an install hint when the program is missing or prints nothing. `program` is for tests.
bool LoadKingJamesBible(TextCorpus* corpus,
                        std::string* error,
                        const std::string& program = "bible");

// The cleaning step of LoadKingJamesBible on the raw output of `bible`; exposed for tests.
// Returns the number of verses kept.
std::size_t CleanBibleOutput(std::string_view raw, std::string* text);

struct CorpusSplitOptions {
  double train_fraction = 0.9;
  double validation_fraction = 0.05;  // the test split gets the rest
  std::size_t chunk_bytes = 1 << 16;  // contiguous chunk size before the deal

  template <typename Fields>
  void Visit(Fields& f) {
    f.Field("train_fraction", train_fraction).Above(0.0).AtMost(1.0);
    f.Field("validation_fraction", validation_fraction)
        .AtLeast(0.0)
        .AtMost(1.0)
        .Check(train_fraction + validation_fraction <= 1.0 + 1e-12,
               "such that train_fraction + validation_fraction <= 1");
    f.Field("chunk_bytes", chunk_bytes).AtLeast(1);
  }
  bool IsValid(std::string* error) const { return ValidateFields(*this, error); }
};

struct CorpusSplits {
  std::string train, validation, test;
};

bool SplitCorpus(std::string_view text,
                 const CorpusSplitOptions& options,
                 CorpusSplits* splits,
                 std::string* error);

}  // namespace scalebench
