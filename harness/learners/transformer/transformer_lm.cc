// The plain half of the transformer learner: options, counts, schedule, the training loop, and
// the loader of the torch module (internal_torch_model.h).
#include "harness/learners/transformer/transformer_lm.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#include <stdexcept>

#include "datasets/generators/random.h"
#include "harness/learners/transformer/internal_torch_model.h"

namespace scalebench {
namespace {

// The module's factory, loaded once (RTLD_LOCAL | RTLD_DEEPBIND: see internal_torch_model.h).
transformer_internal::CreateTorchModelFn LoadTorchModule() {
  static std::once_flag once;
  static transformer_internal::CreateTorchModelFn create = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    void* module = dlopen(SCALEBENCH_TRANSFORMER_MODULE, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (module == nullptr) {
      failure = fmt::format(
          "cannot load the torch module {} ({}); build the CMake target "
          "scalebench_transformer_torch (needs Debian libtorch-dev)",
          SCALEBENCH_TRANSFORMER_MODULE,
          dlerror());
      return;
    }
    create = reinterpret_cast<transformer_internal::CreateTorchModelFn>(
        dlsym(module, transformer_internal::kCreateTorchModelSymbol));
    if (create == nullptr)
      failure = fmt::format("{}: {}", SCALEBENCH_TRANSFORMER_MODULE, dlerror());
  });
  if (create == nullptr) throw std::runtime_error(failure);
  return create;
}

}  // namespace

const char* ToString(LrSchedule schedule) {
  switch (schedule) {
    case LrSchedule::kCosine:
      return "cosine";
    case LrSchedule::kWsd:
      return "wsd";
  }
  return "unknown";
}

bool TransformerLmOptions::IsValid(std::string* error) const {
  if (!ValidateFields(*this, error)) return false;
  if (vocab_size >= 2) return true;
  if (error != nullptr) *error = "vocab_size = 0 must be >= 2 (set it from the data)";
  return false;
}

long TransformerNonEmbeddingParams(const TransformerLmOptions& o) {
  const long d = o.width;
  return long(o.depth) * (12 * d * d + 13 * d) + 2 * d;
}

long TransformerParams(const TransformerLmOptions& o) {
  return TransformerNonEmbeddingParams(o) + long(o.vocab_size + 1) * o.width +
         long(o.context) * o.width;
}

double TransformerTrainingFlopsPerToken(const TransformerLmOptions& o) {
  const double d = o.width;
  return 6.0 * (double(TransformerNonEmbeddingParams(o)) + double(o.vocab_size) * d) +
         12.0 * o.depth * double(o.context) * d;
}

double LearningRateAt(const TransformerLmOptions& o, long step) {
  const long total = std::max(1L, o.Steps());
  const double peak = o.learning_rate, floor = o.final_lr_fraction * peak;
  if (step <= o.warmup_steps) return peak * double(step) / double(std::max(1L, o.warmup_steps));
  if (o.schedule == LrSchedule::kCosine) {
    const long span = std::max(1L, total - o.warmup_steps);
    const double progress = std::min(1.0, double(step - o.warmup_steps) / double(span));
    return floor + 0.5 * (peak - floor) * (1.0 + std::cos(std::numbers::pi * progress));
  }
  const long decay_steps = long(std::ceil(o.decay_fraction * double(total)));
  const long decay_start = std::max(o.warmup_steps, total - decay_steps);
  if (decay_steps == 0 || step <= decay_start) return peak;
  const double progress =
      std::min(1.0, double(step - decay_start) / double(std::max(1L, total - decay_start)));
  return peak + (floor - peak) * progress;
}

TransformerLm::TransformerLm(const TransformerLmOptions& options, int threads) : options_(options) {
  std::string error;
  impl_.reset(LoadTorchModule()(options, threads, &error));
  if (impl_ == nullptr) throw std::runtime_error("transformer_lm: " + error);
}

TransformerLm::~TransformerLm() = default;

double TransformerLm::Step(std::span<const int> windows, double learning_rate) {
  return impl_->Step(windows, learning_rate);
}

std::size_t TransformerLm::AddLossByPosition(std::span<const int> tokens,
                                             std::vector<double>* sums) const {
  return impl_->AddLossByPosition(tokens, sums);
}

long TransformerLm::ParameterCount() const {
  return impl_->ParameterCount();
}

double TransformerLm::MeanLoss(std::span<const int> tokens) const {
  std::vector<double> sums;
  const std::size_t windows = AddLossByPosition(tokens, &sums);
  if (windows == 0) return std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;
  for (double s : sums) total += s;
  return total / double(windows * sums.size());
}

bool TrainTransformerOnline(std::span<const int> train,
                            const TransformerLmOptions& options,
                            int threads,
                            const std::vector<long>& checkpoints,
                            const TransformerCheckpointFn& on_checkpoint,
                            std::string* error) {
  if (!options.IsValid(error)) return false;
  const long T = options.context, B = options.batch, step_tokens = B * T;
  if (long(train.size()) < options.tokens) {
    *error = fmt::format("the training stream has {} tokens; tokens = {} needs that many",
                         train.size(),
                         options.tokens);
    return false;
  }
  for (std::size_t k = 0; k < checkpoints.size(); ++k) {
    if (checkpoints[k] < step_tokens || checkpoints[k] > options.tokens ||
        (k > 0 && checkpoints[k] <= checkpoints[k - 1])) {
      *error = fmt::format(
          "checkpoint {} = {} tokens: checkpoints must increase strictly within [batch x context "
          "= {}, tokens = {}]",
          k,
          checkpoints[k],
          step_tokens,
          options.tokens);
      return false;
    }
  }
  for (std::size_t i = 0; i < std::size_t(options.tokens); ++i) {
    if (train[i] < 0 || train[i] >= options.vocab_size) {
      *error = fmt::format("training token {} = {} is outside [0, vocab_size = {})",
                           i,
                           train[i],
                           options.vocab_size);
      return false;
    }
  }
  // The windows in a seeded order (Fisher-Yates).
  const long windows = options.tokens / T;
  std::vector<long> order(std::size_t(windows), 0);
  for (long w = 0; w < windows; ++w) order[std::size_t(w)] = w;
  Xoshiro256pp rng(MixSeed(options.seed, 1));
  for (long i = windows - 1; i > 0; --i) {
    const long j = long(rng() % std::uint64_t(i + 1));
    std::swap(order[std::size_t(i)], order[std::size_t(j)]);
  }
  TransformerLm model(options, threads);
  std::vector<int> batch(static_cast<std::size_t>(step_tokens));
  std::size_t next = 0;
  const long steps = options.Steps();
  for (long step = 1; step <= steps && next < checkpoints.size(); ++step) {
    for (long b = 0; b < B; ++b) {
      const long w = order[std::size_t((step - 1) * B + b)];
      std::copy_n(train.begin() + w * T, T, batch.begin() + b * T);
    }
    model.Step(batch, LearningRateAt(options, step));
    while (next < checkpoints.size() && step * step_tokens >= checkpoints[next]) {
      on_checkpoint(model, step * step_tokens);
      ++next;
    }
  }
  // A checkpoint above the last whole step (tokens not a multiple of batch x context) is the
  // end of the epoch.
  for (; next < checkpoints.size(); ++next) on_checkpoint(model, steps * step_tokens);
  return true;
}

}  // namespace scalebench
