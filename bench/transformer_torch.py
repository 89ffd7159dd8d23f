#!/usr/bin/python3
"""The transformer of harness/learners/transformer/ in Python PyTorch on CPU, op for op: BOS-shifted
input, token + learned position embeddings, pre-LayerNorm blocks (causal softmax attention, GELU
MLP of 4 d, biases everywhere), final LayerNorm, output tied to the token embedding; AdamW
(betas 0.9/0.95, eps 1e-8, decay 0.1 on the weight matrices only), global-norm clipping at 1,
float32, random token windows. The same step as bench/transformer_benchmark.cc's
BM_TransformerStep.

Usage:
  transformer_torch.py WIDTH DEPTH HEADS CONTEXT BATCH VOCAB THREADS [--seconds S]
      prints "torch ... tokens_per_s=X"
  transformer_torch.py --peak SIZE THREADS [--seconds S]
      prints "torch_mm size=.. threads=.. gflops=X" (float32 SIZE x SIZE matrix products)
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F


def gemm_peak(size, seconds):
    a, b = torch.randn(size, size), torch.randn(size, size)
    c = torch.mm(a, b)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.mm(a, b, out=c)
        count += 1
    return 2.0 * size ** 3 * count / (time.perf_counter() - start) / 1e9


class Model:
    """`seed` seeds the initial weights (drawn on the CPU, then moved to `device`); the script
    scripts/xcheck/transformer_params_study.py trains it on a GPU."""

    def __init__(self, width, depth, heads, context, vocab, seed=1, device="cpu", lr=1e-3):
        g = torch.Generator().manual_seed(seed)
        d, std, rstd = width, 0.02, 0.02 / math.sqrt(2 * depth)

        def normal(*shape, s=std):
            return torch.empty(*shape).normal_(0, s, generator=g).to(device).requires_grad_()

        def zeros(n):
            return torch.zeros(n, device=device, requires_grad=True)

        def ones(n):
            return torch.ones(n, device=device, requires_grad=True)

        self.d, self.h, self.v = d, heads, vocab
        self.tok, self.pos = normal(vocab + 1, d), normal(context, d)
        self.blocks = [dict(ln1_w=ones(d), ln1_b=zeros(d), qkv_w=normal(3 * d, d),
                            qkv_b=zeros(3 * d), out_w=normal(d, d, s=rstd), out_b=zeros(d),
                            ln2_w=ones(d), ln2_b=zeros(d), fc1_w=normal(4 * d, d),
                            fc1_b=zeros(4 * d), fc2_w=normal(d, 4 * d, s=rstd), fc2_b=zeros(d))
                       for _ in range(depth)]
        self.lnf_w, self.lnf_b = ones(d), zeros(d)
        self.mask = torch.ones(context, context, dtype=torch.bool, device=device).triu(1)
        decayed = [b[k] for b in self.blocks for k in ("qkv_w", "out_w", "fc1_w", "fc2_w")]
        undecayed = [self.tok, self.pos] + [
            b[k] for b in self.blocks
            for k in ("ln1_w", "ln1_b", "qkv_b", "out_b", "ln2_w", "ln2_b", "fc1_b", "fc2_b")
        ] + [self.lnf_w, self.lnf_b]
        self.params = decayed + undecayed
        self.opt = torch.optim.AdamW([dict(params=decayed, weight_decay=0.1),
                                      dict(params=undecayed, weight_decay=0.0)],
                                     lr=lr, betas=(0.9, 0.95), eps=1e-8)

    def forward(self, windows):
        B, T = windows.shape
        d, H = self.d, self.h
        bos = torch.full((B, 1), self.v, dtype=torch.long, device=windows.device)
        x_in = torch.cat([bos, windows[:, :T - 1]], 1)
        h = F.embedding(x_in, self.tok) + self.pos[:T]
        mask = self.mask[:T, :T]
        scale = 1.0 / math.sqrt(d // H)
        for b in self.blocks:
            x = F.layer_norm(h, (d,), b["ln1_w"], b["ln1_b"])
            qkv = F.linear(x, b["qkv_w"], b["qkv_b"]).view(B, T, 3, H, d // H)
            qkv = qkv.permute(2, 0, 3, 1, 4)
            scores = torch.matmul(qkv[0], qkv[1].transpose(-2, -1)) * scale
            scores = scores.masked_fill(mask, float("-inf"))
            y = torch.matmul(torch.softmax(scores, -1), qkv[2])
            y = y.transpose(1, 2).reshape(B, T, d)
            h = h + F.linear(y, b["out_w"], b["out_b"])
            x = F.layer_norm(h, (d,), b["ln2_w"], b["ln2_b"])
            h = h + F.linear(F.gelu(F.linear(x, b["fc1_w"], b["fc1_b"])), b["fc2_w"], b["fc2_b"])
        h = F.layer_norm(h, (d,), self.lnf_w, self.lnf_b)
        return F.linear(h, self.tok[:self.v])

    def step(self, windows, lr, value=True):
        """One AdamW step; the training loss (value=False: None, sparing a device sync)."""
        self.opt.zero_grad()
        B, T = windows.shape
        loss = F.cross_entropy(self.forward(windows).view(B * T, self.v), windows.view(B * T))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        for group in self.opt.param_groups:
            group["lr"] = lr
        self.opt.step()
        return loss.item() if value else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("shape", type=int, nargs="*")
    parser.add_argument("--peak", type=int, nargs=2, metavar=("SIZE", "THREADS"))
    parser.add_argument("--seconds", type=float, default=3.0)
    a = parser.parse_args()
    if a.peak:
        size, threads = a.peak
        torch.set_num_threads(threads)
        print(f"torch_mm size={size} threads={threads} gflops={gemm_peak(size, a.seconds):.1f}")
        return
    width, depth, heads, context, batch, vocab, threads = a.shape
    torch.set_num_threads(threads)
    model = Model(width, depth, heads, context, vocab)
    g = torch.Generator().manual_seed(2)
    windows = torch.randint(0, vocab, (batch, context), generator=g)
    for _ in range(3):
        model.step(windows, 1e-3)
    steps, start = 0, time.perf_counter()
    while True:
        model.step(windows, 1e-3)
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= a.seconds and steps >= 3:
            break
    print(f"torch width={width} depth={depth} heads={heads} context={context} batch={batch} "
          f"vocab={vocab} threads={threads} tokens_per_s={steps * batch * context / elapsed:.1f}")


if __name__ == "__main__":
    main()
