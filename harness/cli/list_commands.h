// `scalebench list` and `scalebench export-tokens`: what the registries hold (theories, targets,
// probes, properties) and a language target's token streams. See commands.h for the conventions.
#pragma once

#include <ostream>
#include <string>

namespace scalebench {

// `list [theories|targets|probes|properties]`; an empty `what` lists everything.
int ListCommand(const std::string& what, std::ostream& out, std::ostream& err);

// `export-tokens --target NAME --out DIR`: a language target's training and validation token
// streams as raw little-endian int32 files DIR/train.i32 and DIR/validation.i32, plus
// DIR/tokens.txt (target, vocabulary size, counts, corpus description), for cross-checks with
// outside tools (scripts/xcheck/). Unknown or non-language target: a usage error naming the
// language targets.
int ExportTokensCommand(const std::string& target,
                        const std::string& directory,
                        std::ostream& out,
                        std::ostream& err);

}  // namespace scalebench
