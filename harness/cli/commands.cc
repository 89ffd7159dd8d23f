#include "harness/cli/commands.h"

#include <cctype>

#include "harness/targets/target.h"
#include "theories/theory.h"

namespace scalebench {

std::string WithFlagNames(std::string message,
                          const std::vector<std::pair<std::string, std::string>>& flags) {
  const auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  for (const auto& [name, flag] : flags) {
    for (std::size_t at = message.find(name); at != std::string::npos;
         at = message.find(name, at + 1)) {
      const std::size_t end = at + name.size();
      if ((at > 0 && (is_name_char(message[at - 1]) || message[at - 1] == '.')) ||
          (end < message.size() && is_name_char(message[end]))) {
        continue;  // part of a longer name
      }
      message.replace(at, name.size(), flag);
    }
  }
  return message;
}

std::vector<std::string> StartupErrors() {
  std::vector<std::string> errors = TheoryRegistry::Global().StartupErrors();
  for (const auto& e : TargetRegistry::Global().StartupErrors()) errors.push_back(e);
  return errors;
}

extern const char kBuildVersion[];
extern const char kBuildCommit[];
extern const bool kBuildDirty;

std::string VersionText() {
  return std::string("scalebench ") + kBuildVersion + " (git " + kBuildCommit +
         (kBuildDirty ? ", built from a modified tree" : "") + ")";
}

}  // namespace scalebench
