"""The superposition toy in PyTorch on CPU, for scripts/bench-superposition-torch.sh.

The same model, data and optimizer as harness/learners/superposition_toy.h (the recipe of Liu,
Liu & Gore 2025, exp/exp-10.py): y = ReLU(x W W^T + b), x = Bernoulli(p) * U(0, 2) with
p_i ~ i^-alpha summing to 1, MSE over batch and features, the signed decoupled weight decay on W
applied before an Adam step (beta 0.9/0.999, eps 1e-8), float32. Written the plain PyTorch way
(dense batches, autograd). Prints one line per shape: "torch n m batch steps_per_s".

Usage: python3 bench/superposition_torch.py --threads 2 --shapes 512x64x512 1000x100x2048
"""
import argparse
import time

import torch


def train_steps(n, m, batch, steps, alpha=1.2, lr=1e-2, gamma=-1.0, eps=1e-8):
    torch.manual_seed(0)
    p = torch.arange(1, n + 1, dtype=torch.float32) ** -alpha
    p = p / p.sum()
    w = (torch.randn(n, m) / m ** 0.5).requires_grad_()
    b = torch.randn(n).requires_grad_()
    adam = torch.optim.Adam([w, b], lr=lr, betas=(0.9, 0.999), eps=eps)

    def step():
        x = (torch.rand(batch, n) < p).float() * torch.rand(batch, n) * 2
        y = torch.relu(x @ w @ w.T + b)
        loss = torch.nn.functional.mse_loss(y, x)
        adam.zero_grad()
        loss.backward()
        with torch.no_grad():  # the signed decay on W, before the Adam update
            if gamma >= 0:
                w.mul_(1 - lr * gamma)
            else:
                norms = w.norm(dim=1, keepdim=True) + eps
                w.add_(lr * gamma * w * (1 - 1 / norms))
        adam.step()

    for _ in range(10):  # warm-up
        step()
    start = time.perf_counter()
    done = 0
    while done < steps or time.perf_counter() - start < 2.0:
        step()
        done += 1
    return done / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=50, help="at least this many timed steps")
    parser.add_argument("--shapes", nargs="+", default=["512x64x512", "1000x100x2048"],
                        help="n x m x batch")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for shape in args.shapes:
        n, m, batch = (int(v) for v in shape.split("x"))
        print(f"torch {n} {m} {batch} {train_steps(n, m, batch, args.steps):.2f}", flush=True)


if __name__ == "__main__":
    main()
