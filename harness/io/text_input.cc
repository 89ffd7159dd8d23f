#include "harness/io/text_input.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace scalebench {

bool ReadTextFile(const std::string& path, std::string* text, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *error = path + ": is a directory, not a file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::string result;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const std::size_t count = static_cast<std::size_t>(in.gcount());
    // A NUL at once is reported by CheckText; stopping here keeps /dev/zero from filling memory.
    if (std::memchr(buffer, '\0', count) != nullptr) {
      result.append(buffer, count);
      break;
    }
    if (result.size() + count > kMaxTextFileBytes) {
      *error = path + ": larger than " + std::to_string(kMaxTextFileBytes >> 20) +
               " MB; not a learning curve or profile";
      return false;
    }
    result.append(buffer, count);
  }
  if (in.bad()) {
    *error = path + ": read error: " + std::strerror(errno);
    return false;
  }
  *text = std::move(result);
  return true;
}

bool CheckText(const std::string& name, std::string* text, std::string* error) {
  const std::size_t nul = text->find('\0');
  if (nul != std::string::npos) {
    const std::size_t newline = nul == 0 ? std::string::npos : text->rfind('\n', nul - 1);
    const std::size_t line_start = newline == std::string::npos ? 0 : newline + 1;
    const long line = 1 + std::count(text->begin(), text->begin() + long(nul), '\n');
    *error = name + ":" + std::to_string(line) + ":" + std::to_string(nul - line_start + 1) +
             ": NUL byte; expected text (is it a binary file?)";
    return false;
  }
  static constexpr char kBom[] = "\xEF\xBB\xBF";
  if (text->compare(0, 3, kBom) == 0) text->erase(0, 3);
  return true;
}

}  // namespace scalebench
