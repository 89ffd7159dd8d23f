// Reads and writes a dataset Profile (and the learner's declared LearnerSpec) as JSON, for
// `scalebench predict --profile FILE.json` and for the profile cache.
//
// The format (every key but "properties" optional; unknown keys are errors):
//   {
//     "source": "what data the profile was measured on",
//     "properties": {"spectrum_decay": {"value": 1.5, "std_error": 0.02, "method": "..."}, ...},
//     "series": {"eigenvalues": [...], "target_power": [...]},
//     "learner": {"kind": "linear_ridge", "loss": "excess_mse", "ridge": 0, "features": "inf",
//     ...}, "axis": "data", "sizes": [100, 200, 400]
//   }
// Property and series names come from datasets/properties.def. std_error may be null or absent
// (unknown). Infinite learner knobs (features, train_size) are written as the string "inf".
// Errors name the file and the JSON path, e.g.
//   "profile.json: properties.spectrum_decay.value: expected a number".
// A key given twice in one object is an error (JSON parsers keep the last silently); learner knobs
// must be in range (ridge, learning_rate >= 0; features, train_size > 0 or "inf"; batch_size,
// steps non-negative integers). A UTF-8 byte-order mark is skipped; a NUL byte, a directory or an
// unreadable file is an error (harness/io/text_input.h).
//
// Usage:
//   ProfileFile file;
//   if (!ReadProfileJson("profile.json", &file, &error)) ...;
//   std::string text = WriteProfileJson(file);
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "datasets/profile.h"
#include "theories/learner_spec.h"

namespace scalebench {

struct ProfileFile {
  Profile profile;
  std::optional<LearnerSpec> learner;  // the "learner" block, when present
  std::optional<Axis> axis;            // the "axis" key, when present
  std::vector<double> sizes;           // the design grid for predicted curves; may be empty
};

bool ReadProfileJson(const std::string& path, ProfileFile* out, std::string* error);
// `name` stands for the file in messages.
bool ParseProfileJson(const std::string& text,
                      const std::string& name,
                      ProfileFile* out,
                      std::string* error);
bool ProfileFromJson(const nlohmann::json& json,
                     const std::string& name,
                     ProfileFile* out,
                     std::string* error);
nlohmann::json ProfileToJson(const ProfileFile& file);
std::string WriteProfileJson(const ProfileFile& file);  // indented, ends with a newline

// `where` prefixes messages, e.g. "profile.json: learner".
bool LearnerSpecFromJson(const nlohmann::json& json,
                         const std::string& where,
                         LearnerSpec* out,
                         std::string* error);
// Every field, in a fixed order: also the canonical form hashed into cache keys. Fields that are
// optional (parameters, flops_per_step, context, width, depth, heads) appear only when declared.
nlohmann::json LearnerSpecToJson(const LearnerSpec& spec);
// Every key a learner block may carry (LearnerSpecFromJson accepts exactly these).
const std::vector<std::string>& LearnerSpecKeys();

}  // namespace scalebench
