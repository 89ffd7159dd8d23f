#!/usr/bin/python3
"""The MLP of harness/learners/mlp.h in PyTorch on CPU: Linear(inputs, width) -> ReLU ->
Linear(width, 2), softmax cross-entropy, torch.optim.Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8),
float32, one fixed random batch, the same step as bench/mlp_benchmark.cc's BM_MlpStep.

Usage: msp_torch.py INPUTS WIDTH BATCH THREADS [--seconds S]
Prints one line: "torch inputs=.. width=.. batch=.. threads=.. steps_per_s=X".
"""
import argparse
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", type=int)
    parser.add_argument("width", type=int)
    parser.add_argument("batch", type=int)
    parser.add_argument("threads", type=int)
    parser.add_argument("--seconds", type=float, default=2.0)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(a.inputs, a.width), torch.nn.ReLU(),
                                torch.nn.Linear(a.width, 2))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(a.batch, a.inputs)
    y = torch.randint(0, 2, (a.batch,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    steps, start = 0, time.perf_counter()
    while True:
        for _ in range(10):
            step()
        steps += 10
        elapsed = time.perf_counter() - start
        if elapsed >= a.seconds:
            break
    print(f"torch inputs={a.inputs} width={a.width} batch={a.batch} threads={a.threads} "
          f"steps_per_s={steps / elapsed:.1f}")


if __name__ == "__main__":
    main()
