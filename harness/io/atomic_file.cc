#include "harness/io/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace scalebench {

bool WriteFileAtomically(const std::string& path, const std::string& text, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) {
    *error = "cannot write " + path + ": cannot create directory " + parent.string() + ": " +
             ec.message();
    return false;
  }
  // Unique per process and call, so concurrent writers never share a temporary file.
  static std::atomic<int> counter{0};
  const std::string temp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) {
      *error = "cannot write " + path + ": " + std::strerror(errno);
      return false;
    }
    out << text;
    if (!out.flush()) {
      *error = "cannot write " + path + ": write failed";
      std::remove(temp.c_str());
      return false;
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    *error = "cannot write " + path + ": " + ec.message();
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

}  // namespace scalebench
