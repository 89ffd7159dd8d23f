#!/usr/bin/python3
"""scikit-learn / numpy side of scripts/bench-kernel-sklearn.sh.

Times (1) scikit-learn's KernelRidge(kernel="rbf", gamma=0.02, alpha=1e-2) fitted and evaluated
at each size of the learning curve that bench/kernel_benchmark.cc's BM_RbfCurve generates
(P = 125 .. P_max, 8 sizes, 1000 test images of t10k, one-hot targets) - the same kernel
exp(-||x - x'||^2 / (2 * 5^2)) and the same ridge on K + alpha I as scalebench - and (2)
numpy.linalg.eigh of the 8000 x 8000 RBF Gram / n. Each curve runs `repeats` times (third
argument, default 5) and reports the median time, as the scalebench side reports the median of
as many repetitions: a run that gets memory the host has reclaimed pays ~1 ms per MB to fault it
back in on this project's virtual machines, even in huge pages. Prints one JSON object on stdout
(the MSE at full precision). Reads the Debian dataset-fashion-mnist files directly.
"""
import gzip
import json
import statistics
import sys
import time

import numpy as np
from sklearn.kernel_ridge import KernelRidge
from sklearn.metrics.pairwise import rbf_kernel

DIR = "/usr/share/datasets/fashion-mnist"


def load(split, n):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(f"{DIR}/{prefix}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n] / 255.0
    with gzip.open(f"{DIR}/{prefix}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    return x, np.eye(10)[labels]


def curve_sizes(p_max):
    return [int(round(125 * (p_max / 125.0) ** (i / 7.0))) for i in range(8)]


def sklearn_curve(p_max, x, y, xt, yt):
    start = time.perf_counter()
    losses = []
    for p in curve_sizes(p_max):
        model = KernelRidge(kernel="rbf", gamma=0.02, alpha=1e-2).fit(x[:p], y[:p])
        losses.append(float(((model.predict(xt) - yt) ** 2).sum(axis=1).mean()))
    return time.perf_counter() - start, losses


def main():
    sizes = [int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else [2000, 4000, 8000]
    eig_n = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    x, y = load("train", max(max(sizes), eig_n))
    xt, yt = load("test", 1000)
    out = {"curve": {}, "eigh": {}}
    for p_max in sizes:
        runs = [sklearn_curve(p_max, x, y, xt, yt) for _ in range(repeats)]
        out["curve"][p_max] = {"seconds": statistics.median(r[0] for r in runs),
                               "all_seconds": [r[0] for r in runs],
                               "mse_at_max": runs[-1][1][-1]}
    if eig_n > 0:
        g = rbf_kernel(x[:eig_n], gamma=0.02) / eig_n
        start = time.perf_counter()
        np.linalg.eigh(g)
        out["eigh"][eig_n] = {"seconds": time.perf_counter() - start}
    try:
        from threadpoolctl import threadpool_info
        out["blas"] = [(i.get("internal_api"), i.get("filepath"), i.get("num_threads"))
                       for i in threadpool_info()]
    except ImportError:
        out["blas"] = "threadpoolctl not installed"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
