// The seam between the transformer learner (transformer_lm.h, plain C++) and its torch half
// (torch_model.cc), which is built as a module of its own and loaded with dlopen on first use.
// Why a module: Debian's libsentencepiece (the BPE tokenizer) exports the protobuf 3.14 it
// embeds, and torch needs libprotobuf 3.21; linked into one executable, whichever comes first in
// the symbol search order takes over the other's calls (a crash at start-up, or a version check
// failing in SentencePiece). Loaded with RTLD_LOCAL | RTLD_DEEPBIND, torch and its libprotobuf
// bind to each other and stay out of the executable's global scope. Only transformer_lm.cc uses
// this header.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "harness/learners/transformer/transformer_lm.h"

namespace scalebench::transformer_internal {

// One model (see transformer_lm.h for what each call does).
class TorchModel {
 public:
  virtual ~TorchModel() = default;
  virtual double Step(std::span<const int> windows, double learning_rate) = 0;
  virtual std::size_t AddLossByPosition(std::span<const int> tokens,
                                        std::vector<double>* sums) const = 0;
  virtual long ParameterCount() const = 0;
};

// The module's one exported symbol: a new model, or nullptr with *error (torch threw).
using CreateTorchModelFn = TorchModel* (*)(const TransformerLmOptions& options,
                                           int threads,
                                           std::string* error);
inline constexpr char kCreateTorchModelSymbol[] = "scalebench_create_torch_model";

}  // namespace scalebench::transformer_internal
