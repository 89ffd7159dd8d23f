"""One-pass SGD on power-law random features in numpy, for scripts/bench-plrf-numpy.sh.

The same model and loops as harness/learners/plrf_sgd.h (alpha = 0.7, beta = 0.6, v = 4d,
W ~ N(0, 1/d), gamma = 0.5 / tr D, batch 1), written the plain numpy way:
  eigenbasis        per step: d + 1 normals, z = sqrt(mu) g, residual z . u - sigma g_d, u -= gamma r z
  eigenbasis_chunk  the same, the normals of 1000 steps drawn in one call (numpy's fast path)
  raw_data          per step: x = D^1/2 g in R^v, z = W^T x, theta -= gamma (z . theta - x . b) z
Prints one line per (loop, d): "numpy <loop> <d> <samples_per_s>".

Usage: python3 bench/plrf_sgd_numpy.py --loops eigenbasis raw_data --widths 100 400 1600
"""
import argparse
import time

import numpy as np


def build(d, alpha=0.7, beta=0.6, seed=1):
    v = 4 * d
    rng = np.random.default_rng(seed)
    j = np.arange(1, v + 1, dtype=np.float64)
    lam = j ** (-2 * alpha)
    a = np.sqrt(lam)[:, None] * rng.standard_normal((v, d)) / np.sqrt(d)  # D^1/2 W
    s = np.sqrt(lam) * j ** (-beta)  # D^1/2 b
    mu, u = np.linalg.eigh(a.T @ a)
    phi = (u.T @ (a.T @ s)) / mu
    sigma2 = float(np.sum((a @ (u @ phi) - s) ** 2))
    return dict(a=a, s=s, mu=mu, phi=phi, sigma=np.sqrt(sigma2), gamma=0.5 / lam.sum())


def eigenbasis(m, steps, rng):
    root_mu, sigma, gamma = np.sqrt(m["mu"]), m["sigma"], m["gamma"]
    d = root_mu.size
    u = -np.abs(m["phi"])
    for _ in range(steps):
        g = rng.standard_normal(d + 1)
        z = root_mu * g[:d]
        u -= gamma * (z @ u - sigma * g[d]) * z
    return float(m["mu"] @ u**2 + sigma**2)


def eigenbasis_chunk(m, steps, rng, chunk=1000):
    root_mu, sigma, gamma = np.sqrt(m["mu"]), m["sigma"], m["gamma"]
    d = root_mu.size
    u = -np.abs(m["phi"])
    for start in range(0, steps, chunk):
        g = rng.standard_normal((min(chunk, steps - start), d + 1))
        zs = g[:, :d] * root_mu
        for z, noise in zip(zs, g[:, d]):
            u -= gamma * (z @ u - sigma * noise) * z
    return float(m["mu"] @ u**2 + sigma**2)


def raw_data(m, steps, rng):
    a, s, gamma = m["a"], m["s"], m["gamma"]
    v, d = a.shape
    theta = np.zeros(d)
    for _ in range(steps):
        g = rng.standard_normal(v)  # x = D^1/2 g: z = A^T g, y = s . g
        z = a.T @ g
        theta -= gamma * (z @ theta - s @ g) * z
    return float(np.sum((a @ theta - s) ** 2))


LOOPS = {"eigenbasis": eigenbasis, "eigenbasis_chunk": eigenbasis_chunk, "raw_data": raw_data}
STEPS = {  # about a second a measurement on the development VM, like the C++ benchmark
    "eigenbasis": {100: 200000, 400: 50000, 1600: 20000},
    "eigenbasis_chunk": {100: 200000, 400: 50000, 1600: 20000},
    "raw_data": {100: 20000, 400: 2000},
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--loops", nargs="+", default=list(LOOPS))
    parser.add_argument("--widths", nargs="+", type=int, default=[100, 400, 1600])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for loop in args.loops:
        for d in args.widths:
            steps = STEPS[loop].get(d)
            if steps is None:
                continue
            m = build(d)
            best = float("inf")
            for repeat in range(args.repeats):  # the fastest of a few, as a benchmark would report
                rng = np.random.default_rng(100 + repeat)
                start = time.perf_counter()
                risk = LOOPS[loop](m, steps, rng)
                best = min(best, time.perf_counter() - start)
                assert np.isfinite(risk)
            print(f"numpy {loop} {d} {steps / best:.1f}")


if __name__ == "__main__":
    main()
