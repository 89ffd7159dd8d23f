#!/usr/bin/env python3
# Why the transformer targets' params axis is not identifiable, and what would make it so: a
# study outside scalebench on a GPU (issue 14). The params axis trains widths 32..192 (depth 2) for
# one epoch over a D = 1M-token window at a constant rate 5e-3 (harness/targets/transformer_lm.cc);
# after 1000 steps no width has converged, so L(N) at fixed D is flat within the seed noise. This
# script trains the same model (bench/transformer_torch.py, the C++ learner op for op: init,
# BOS-shifted input, pre-LN blocks, tied output, AdamW betas 0.9/0.95, decay 0.1 on the matrices,
# clipping at 1, float32) on the same window of the same tokens (seed s: the window at
# floor(room (s - 1) / 3), as harness/targets/text_source.cc), for several epochs, and scores
# the mean held-out loss after each epoch on the validation and the test split (windows of T
# tokens, stride T, as TransformerLm::MeanLoss). Schedules: "constant" (the targets': linear warm-up
# over 30 steps, then the peak) and "wsd" (the same, then a linear decay to 0.1 x peak over the
# last 20% of all the steps).
#
# Usage (tokens from `scalebench export-tokens --target transformer/NAME --out DIR/NAME`):
#   transformer_params_study.py --tokens DIR --corpora kjv_char,kjv_bpe1024 --widths 16,32,64
#       [--seeds 1,2] [--epochs 8] [--schedules constant,wsd] [--lr 5e-3] [--lr-base-width 64|0]
#       [--tokens-per-run 1048576] [--workers 12] [--out results.jsonl]
# --lr is the peak rate; with --lr-base-width B a width w > B trains at lr x B / w (the targets'
# param_lr_base_width, LearnerSpec::learning_rate_base_width).
# One JSON line per run (corpus, width, N, seed, schedule, epochs, val/test loss after each epoch,
# seconds) is appended to --out as each run ends; runs already there are skipped (resumable).
#   transformer_params_study.py --out results.jsonl --compare results/cache/transformer
#       [--lr 5e-3] [--lr-base-width 64]
# compares the epoch-1 losses with the C++ learner's committed params-axis runs (the agreement
# check: same model, data and rate, within the seed noise); the rate options name the C++ runs'
# rule, and only Python runs at that rule's rate of their width are compared.
#   transformer_params_study.py --curve-csv results/cache/transformer/kjv_bpe1024
# prints that variant's C++ params-axis curve as size,loss,seed (for `scalebench fit`).
import argparse
import json
import math
import multiprocessing as mp
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from transformer_torch import Model  # noqa: E402

DEPTH, HEAD_WIDTH, CONTEXT, BATCH, WARMUP = 2, 16, 64, 16, 30


def non_embedding_params(width, depth=DEPTH):
    """Kaplan's N as TransformerNonEmbeddingParams: 12 d^2 + 13 d per layer, plus 2 d."""
    return depth * (12 * width * width + 13 * width) + 2 * width


def window_start(train_size, size, seed):
    k, numerator, denominator = seed - 1, 0, 1
    while k > 0:
        numerator, denominator, k = 3 * numerator + k % 3, denominator * 3, k // 3
    return int((train_size - size) * numerator / denominator)


def rate(step, total, peak, schedule):
    if step <= WARMUP:
        return peak * step / WARMUP
    if schedule == "wsd":
        decay = max(1, int(0.2 * total))
        if step > total - decay:
            return peak * (1.0 - 0.9 * (step - (total - decay)) / decay)
    return peak


def width_rate(lr, base_width, width):
    """The peak rate of `width` under the 1/width rule (LearningRateAtWidth in C++)."""
    return lr if base_width <= 0 or width <= base_width else lr * base_width / width


def mean_loss(model, ids):
    """Mean next-token loss over windows of CONTEXT tokens, stride CONTEXT."""
    windows = ids[: (len(ids) // CONTEXT) * CONTEXT].view(-1, CONTEXT)
    total, count = 0.0, 0
    with torch.no_grad():
        for first in range(0, len(windows), 256):
            chunk = windows[first:first + 256]
            logits = model.forward(chunk)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, model.v), chunk.reshape(-1), reduction="sum")
            total += loss.item()
            count += chunk.numel()
    return total / count


def train_one(job):
    corpus, width, seed, schedule, epochs, lr, tokens, directory = job
    torch.backends.cuda.matmul.allow_tf32 = False  # float32 throughout, as the C++ learner
    torch.set_num_threads(1)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    def load(split):  # split.i32 as exported, or split.u16 (half the bytes, to carry)
        path = os.path.join(directory, corpus, split)
        ids = (np.fromfile(path + ".u16", dtype=np.uint16) if os.path.exists(path + ".u16")
               else np.fromfile(path + ".i32", dtype=np.int32))
        return torch.from_numpy(ids.astype(np.int64)).to(device)

    train, validation, test = load("train"), load("validation"), load("test")
    vocab = int(open(os.path.join(directory, corpus, "tokens.txt")).read()
                .split("vocab_size ")[1].split()[0])
    start = window_start(len(train), tokens, seed)
    window = train[start:start + tokens]
    windows = window[: (tokens // CONTEXT) * CONTEXT].view(-1, CONTEXT)
    model = Model(width, DEPTH, max(1, width // HEAD_WIDTH), CONTEXT, vocab,
                  seed=seed, device=device, lr=lr)
    steps_per_epoch = len(windows) // BATCH
    total = steps_per_epoch * epochs
    order_rng = torch.Generator(device="cpu").manual_seed(1000 + seed)
    began = time.perf_counter()
    record = dict(corpus=corpus, width=width, params=non_embedding_params(width), seed=seed,
                  schedule=schedule, lr=lr, tokens=tokens, epochs=[], validation=[], test=[],
                  train_last=[])
    step = 0
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(windows), generator=order_rng).to(device)
        last = None
        for b in range(steps_per_epoch):
            step += 1
            batch = windows[order[b * BATCH:(b + 1) * BATCH]]
            last = model.step(batch, rate(step, total, lr, schedule),
                              value=(b == steps_per_epoch - 1))
        record["epochs"].append(epoch)
        record["validation"].append(mean_loss(model, validation))
        record["test"].append(mean_loss(model, test))
        record["train_last"].append(last)
    record["seconds"] = time.perf_counter() - began
    record["device"] = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    return record


def cpp_runs(cache, corpus):
    """The C++ learner's params-axis runs in the cache: {N: {seed: test loss at the end}}."""
    import glob
    runs = {}
    for path in glob.glob(os.path.join(cache, corpus, "params", "*.json")):
        entry = json.load(open(path))
        if entry.get("status") == "ok":
            runs.setdefault(entry["sizes"][0], {})[entry["seed"]] = entry["losses"][0]
    return runs


def compare(out, cache, lr, base_width):
    """The C++ learner's committed params-axis runs (one epoch at the constant rate: the runs'
    test loss at D = tokens) against this script's loss after epoch 1 of the same width and
    seed (before the WSD decay, which starts in the last 20% of all epochs: the same process),
    per (corpus, width); then the mean difference and the seed-to-seed spread."""
    rows = [json.loads(line) for line in open(out) if line.strip()]
    diffs, spreads = [], []
    print("corpus            width  N        C++ (seeds)            Python epoch 1 (seeds)")
    for corpus in sorted({r["corpus"] for r in rows}):
        cpp = cpp_runs(cache, corpus)
        for width in sorted({r["width"] for r in rows if r["corpus"] == corpus}):
            n = non_embedding_params(width)
            if n not in cpp:
                continue
            # The seeds both ran: a seed picks the training window, so a third one would compare
            # another part of the text.
            py = {r["seed"]: r["test"][0] for r in rows
                  if r["corpus"] == corpus and r["width"] == width and r["tokens"] == 1 << 20
                  and r["seed"] in cpp[n]
                  and math.isclose(r["lr"], width_rate(lr, base_width, width), rel_tol=1e-9)}
            if not py:
                continue
            a, b = [cpp[n][k] for k in sorted(py)], [py[k] for k in sorted(py)]
            print(f"{corpus:17} {width:5}  {n:<8} {' '.join(f'{v:.3f}' for v in a):22} "
                  f"{' '.join(f'{v:.3f}' for v in b)}")
            diffs.append(np.mean(b) - np.mean(a))
            for group in (a, b):
                if len(group) > 1:
                    spreads.append(np.std(group, ddof=1))
    diffs = np.array(diffs)
    se = diffs.std(ddof=1) / math.sqrt(len(diffs))
    print(f"{len(diffs)} (corpus, width) pairs: mean difference Python - C++ = "
          f"{diffs.mean():+.4f} nats (standard error {se:.4f}), |difference| mean "
          f"{np.abs(diffs).mean():.4f}; seed-to-seed standard deviation (median over groups) "
          f"{np.median(spreads):.4f}")


def key(r):
    return (r["corpus"], r["width"], r["seed"], r["schedule"], r["lr"], r["tokens"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens")
    parser.add_argument("--corpora")
    parser.add_argument("--widths")
    parser.add_argument("--seeds", default="1,2")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--schedules", default="constant,wsd")
    parser.add_argument("--lr", type=float, default=5e-3)
    # The defaults are the targets' (harness/targets/transformer_lm.cc); 0: one rate for all widths.
    parser.add_argument("--lr-base-width", type=int, default=64)
    parser.add_argument("--tokens-per-run", type=int, default=1 << 20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", default="params_study.jsonl")
    parser.add_argument("--compare", metavar="CACHE",
                        help="compare --out with the C++ runs in CACHE (results/cache/transformer)")
    parser.add_argument("--curve-csv", metavar="CACHE_DIR",
                        help="print the C++ params-axis runs in CACHE_DIR as size,loss,seed")
    a = parser.parse_args()
    if a.curve_csv:
        print("size,loss,seed")
        for n, seeds in sorted(cpp_runs(os.path.dirname(a.curve_csv.rstrip("/")),
                                        os.path.basename(a.curve_csv.rstrip("/"))).items()):
            for seed, loss in sorted(seeds.items()):
                print(f"{n},{loss!r},{seed}")
        return
    if a.compare:
        compare(a.out, a.compare, a.lr, a.lr_base_width)
        return
    done = set()
    if os.path.exists(a.out):
        done = {key(json.loads(line)) for line in open(a.out) if line.strip()}
    # In the order given: every width and corpus of the first schedule and seed before the next
    # seed, and every seed before the next schedule (a run cut short keeps whole sweeps), widest
    # first within each (the longest runs start early).
    jobs = [(c, w, s, sch, a.epochs, width_rate(a.lr, a.lr_base_width, w), a.tokens_per_run,
             a.tokens)
            for sch in a.schedules.split(",") for s in (int(v) for v in a.seeds.split(","))
            for w in sorted((int(v) for v in a.widths.split(",")), reverse=True)
            for c in a.corpora.split(",")]
    jobs = [j for j in jobs if (j[0], j[1], j[2], j[3], j[5], j[6]) not in done]
    print(f"{len(jobs)} runs to train ({len(done)} done before), {a.workers} workers", flush=True)
    torch.set_num_threads(1)
    context = mp.get_context("spawn")
    with context.Pool(a.workers) as pool, open(a.out, "a") as out:
        for record in pool.imap_unordered(train_one, jobs):
            out.write(json.dumps(record) + "\n")
            out.flush()
            best = min(range(len(record["validation"])), key=lambda k: record["validation"][k])
            print(f"{record['corpus']} w={record['width']} seed={record['seed']} "
                  f"{record['schedule']}: test {' '.join(f'{v:.3f}' for v in record['test'])} "
                  f"(best val at epoch {best + 1}) {record['seconds']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
