// The checks every reader of a user's text file shares (harness/io/curve_csv.h for `fit`,
// harness/io/profile_json.h for `predict`), so that both accept and reject the same things:
//   - a path that is a directory is said to be one (it read as an empty file before), and a file
//     that cannot be opened or read gives the system's reason;
//   - a UTF-8 byte-order mark at the start is skipped (editors on Windows write one; `fit` saw
//     "\xEF\xBB\xBFsize" as an unknown column while `predict` skipped it);
//   - a NUL byte is an error naming its line and column: C-string parsing stops at one, so
//     "0.6\0 55" was read as 0.6, and the JSON parser took one for the end of its input and
//     ignored what followed;
//   - a file larger than kMaxTextFileBytes is refused instead of read into memory (a device such
//     as /dev/zero never ends).
//
// Usage:
//   std::string text, error;
//   if (!ReadTextFile(path, &text, &error)) ...;   // "<path>: is a directory, not a file", ...
//   if (!CheckText(path, &text, &error)) ...;      // BOM dropped; "<path>:3:9: NUL byte ..."
#pragma once

#include <cstddef>
#include <string>

namespace scalebench {

// The largest user file read: far above any learning curve or profile (a 10^5-mode profile is a
// few MB).
inline constexpr std::size_t kMaxTextFileBytes = std::size_t(256) << 20;

// Reads the whole file at `path` into *text (pipes such as <(command) work). False with a message
// naming `path` if it is a directory, cannot be opened, fails to read or is too large.
bool ReadTextFile(const std::string& path, std::string* text, std::string* error);

// Removes a leading UTF-8 byte-order mark from *text. False with "<name>:<line>:<column>: NUL byte
// ..." (1-based, in bytes) at the first NUL byte.
bool CheckText(const std::string& name, std::string* text, std::string* error);

}  // namespace scalebench
