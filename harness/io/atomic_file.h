// Writing a file so that readers never see half of it: the text goes to a temporary file in the
// same directory, which is then renamed over the target (atomic on POSIX). Used for every file
// scalebench writes that someone else may read: reports, cache entries.
//
// Usage:
//   std::string error;
//   if (!WriteFileAtomically("results/leaderboard.json", text, &error)) Fail(error);
#pragma once

#include <string>

namespace scalebench {

// Creates the parent directory if needed. Returns false with *error naming `path` and the
// system's reason when the directory, the temporary file or the rename fails; the temporary
// file is removed then, and an existing `path` is left untouched.
bool WriteFileAtomically(const std::string& path, const std::string& text, std::string* error);

}  // namespace scalebench
