// The torch half of the transformer learner: the model of transformer_lm.h on libtorch's C++
// frontend, built as the module scalebench_transformer_torch (internal_torch_model.h says why)
// and the only file of the project that includes torch.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/types.h>
// (clip_grad.h needs torch/types.h before it.)
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "harness/learners/transformer/internal_torch_model.h"

namespace scalebench::transformer_internal {
namespace {

using torch::Tensor;

// The parameters of one pre-LayerNorm block.
struct Block {
  Tensor ln1_w, ln1_b, qkv_w, qkv_b, out_w, out_b, ln2_w, ln2_b, fc1_w, fc1_b, fc2_w, fc2_b;
};

Tensor Ids(std::span<const int> ids, long rows, long cols) {
  // from_blob does not copy; to(kLong) does, so the span need not outlive the call.
  return torch::from_blob(const_cast<int*>(ids.data()), {rows, cols}, torch::kInt32)
      .to(torch::kLong);
}

class Model final : public TorchModel {
 public:
  Model(const TransformerLmOptions& options, int threads)
      : o_(options), threads_(std::max(1, threads)) {
    SetThreads();
    const long d = o_.width, V = o_.vocab_size, T = o_.context;
    at::Generator gen = at::detail::createCPUGenerator(o_.seed);
    auto normal = [&](std::vector<long> shape, double std) {
      return torch::empty(shape, torch::kFloat32).normal_(0.0, std, gen).requires_grad_(true);
    };
    auto zeros = [](long n) { return torch::zeros({n}, torch::kFloat32).requires_grad_(true); };
    auto ones = [](long n) { return torch::ones({n}, torch::kFloat32).requires_grad_(true); };
    const double std = 0.02, residual_std = 0.02 / std::sqrt(2.0 * o_.depth);
    token_embedding_ = normal({V + 1, d}, std);
    position_embedding_ = normal({T, d}, std);
    std::vector<Tensor> decayed, undecayed = {token_embedding_, position_embedding_};
    for (int l = 0; l < o_.depth; ++l) {
      Block b{ones(d),
              zeros(d),
              normal({3 * d, d}, std),
              zeros(3 * d),
              normal({d, d}, residual_std),
              zeros(d),
              ones(d),
              zeros(d),
              normal({4 * d, d}, std),
              zeros(4 * d),
              normal({d, 4 * d}, residual_std),
              zeros(d)};
      decayed.insert(decayed.end(), {b.qkv_w, b.out_w, b.fc1_w, b.fc2_w});
      undecayed.insert(undecayed.end(),
                       {b.ln1_w, b.ln1_b, b.qkv_b, b.out_b, b.ln2_w, b.ln2_b, b.fc1_b, b.fc2_b});
      blocks_.push_back(std::move(b));
    }
    lnf_w_ = ones(d);
    lnf_b_ = zeros(d);
    undecayed.insert(undecayed.end(), {lnf_w_, lnf_b_});
    causal_mask_ = torch::ones({T, T}, torch::kBool).triu(1);
    auto group_options = [&](double decay) {
      return std::make_unique<torch::optim::AdamWOptions>(
          torch::optim::AdamWOptions(o_.learning_rate)
              .betas({o_.beta1, o_.beta2})
              .eps(o_.epsilon)
              .weight_decay(decay));
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decayed, group_options(o_.weight_decay));
    groups.emplace_back(undecayed, group_options(0.0));
    for (const auto& group : groups) {
      params_.insert(params_.end(), group.params().begin(), group.params().end());
    }
    optimizer_ =
        std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(o_.learning_rate));
  }

  double Step(std::span<const int> windows, double learning_rate) override {
    SetThreads();
    const long T = o_.context, B = long(windows.size()) / T;
    const Tensor ids = Ids(windows.first(std::size_t(B * T)), B, T);
    optimizer_->zero_grad();
    Tensor loss =
        torch::cross_entropy_loss(Forward(ids).view({B * T, o_.vocab_size}), ids.view({B * T}));
    loss.backward();
    if (o_.grad_clip > 0.0) torch::nn::utils::clip_grad_norm_(params_, o_.grad_clip);
    for (auto& group : optimizer_->param_groups()) {
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate);
    }
    optimizer_->step();
    return loss.item<double>();
  }

  std::size_t AddLossByPosition(std::span<const int> tokens,
                                std::vector<double>* sums) const override {
    SetThreads();
    const std::size_t T = std::size_t(o_.context);
    const std::size_t windows = tokens.size() / T;
    sums->resize(T, 0.0);
    torch::NoGradGuard no_grad;
    // Chunks of at most 64 windows bound the logits' memory.
    constexpr std::size_t kChunk = 64;
    for (std::size_t first = 0; first < windows; first += kChunk) {
      const std::size_t count = std::min(kChunk, windows - first);
      const Tensor ids = Ids(tokens.subspan(first * T, count * T), long(count), long(T));
      const Tensor logp = torch::log_softmax(Forward(ids), -1);
      const Tensor by_position =
          (-logp.gather(-1, ids.unsqueeze(-1)).squeeze(-1)).to(torch::kDouble).sum(0).contiguous();
      const double* p = by_position.data_ptr<double>();
      for (std::size_t n = 0; n < T; ++n) (*sums)[n] += p[n];
    }
    return windows;
  }

  long ParameterCount() const override {
    long count = 0;
    for (const Tensor& p : params_) count += p.numel();
    return count;
  }

 private:
  void SetThreads() const {
    at::set_num_threads(threads_);
    at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/false);
  }

  // Logits (B, T, V) of windows (B, T).
  Tensor Forward(const Tensor& windows) const {
    const long B = windows.size(0), T = windows.size(1), d = o_.width, H = o_.heads;
    const long V = o_.vocab_size;
    // Input: BOS then the window without its last token.
    const Tensor bos = torch::full({B, 1}, V, torch::kLong);
    const Tensor input = torch::cat({bos, windows.narrow(1, 0, T - 1)}, 1);
    Tensor h = torch::embedding(token_embedding_, input) + position_embedding_.narrow(0, 0, T);
    const Tensor mask = causal_mask_.narrow(0, 0, T).narrow(1, 0, T);
    const double scale = 1.0 / std::sqrt(double(d / H));
    for (const Block& b : blocks_) {
      Tensor x = torch::layer_norm(h, {d}, b.ln1_w, b.ln1_b);
      Tensor qkv = torch::linear(x, b.qkv_w, b.qkv_b).view({B, T, 3, H, d / H});
      qkv = qkv.permute({2, 0, 3, 1, 4});  // (3, B, H, T, d/H)
      Tensor scores = torch::matmul(qkv[0], qkv[1].transpose(-2, -1)) * scale;
      scores = scores.masked_fill(mask, -std::numeric_limits<float>::infinity());
      Tensor y = torch::matmul(torch::softmax(scores, -1), qkv[2]);
      y = y.transpose(1, 2).reshape({B, T, d});
      h = h + torch::linear(y, b.out_w, b.out_b);
      x = torch::layer_norm(h, {d}, b.ln2_w, b.ln2_b);
      h = h + torch::linear(torch::gelu(torch::linear(x, b.fc1_w, b.fc1_b)), b.fc2_w, b.fc2_b);
    }
    h = torch::layer_norm(h, {d}, lnf_w_, lnf_b_);
    return torch::linear(h, token_embedding_.narrow(0, 0, V));
  }

  TransformerLmOptions o_;
  int threads_ = 1;
  Tensor token_embedding_, position_embedding_, lnf_w_, lnf_b_, causal_mask_;
  std::vector<Block> blocks_;
  std::vector<Tensor> params_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
};

}  // namespace
}  // namespace scalebench::transformer_internal

extern "C" __attribute__((visibility("default"))) scalebench::transformer_internal::TorchModel*
scalebench_create_torch_model(const scalebench::TransformerLmOptions& options,
                              int threads,
                              std::string* error) {
  try {
    return new scalebench::transformer_internal::Model(options, threads);
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
}
