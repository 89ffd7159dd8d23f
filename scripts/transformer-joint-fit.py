#!/usr/bin/python3
"""The Chinchilla joint fit L(N, D) = E + A N^-a + B D^-b of a transformer target's (N, D) grid.

The params axis of a transformer target (harness/targets/transformer_lm.h) trains one model per
(N, seed) and records its test loss at each D of joint_tokens as the diagnostic test_loss_d_<D>
beside the loss at param_tokens. This script collects those points from the run cache (the
folders are read in order; a run found in an earlier one wins), writes them as an N,D,loss,seed
CSV and hands it to `scalebench fit` (harness/fit/joint_fit.h: Hoffmann et al.'s Approach 3 with
bootstrap intervals and the compute-optimal allocation exponents b/(a+b), a/(a+b)).

Usage:
  scripts/transformer-joint-fit.py transformer/kjv_char [--cache out/cache results/cache]
      [--csv grid.csv] [--binary build/release/harness/scalebench] [-- extra fit options]
"""
import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("target", help="e.g. transformer/kjv_char")
    parser.add_argument("--cache", nargs="+",
                        default=[os.path.join(root, "out/cache"), os.path.join(root, "results/cache")])
    parser.add_argument("--csv", help="keep the grid in this file")
    parser.add_argument("--binary", default=os.path.join(root, "build/release/harness/scalebench"))
    parser.add_argument("fit_args", nargs="*", help="passed to `scalebench fit` (after --)")
    a = parser.parse_args()
    runs = {}
    for folder in a.cache:
        for path in sorted(glob.glob(os.path.join(folder, a.target, "params", "*.json"))):
            entry = json.load(open(path))
            if entry.get("status") != "ok":
                continue
            key = (entry["sizes"][0], entry["seed"])
            runs.setdefault(key, entry)
    rows = []
    for (params, seed), entry in sorted(runs.items()):
        for diagnostic in entry.get("diagnostics", []):
            name = diagnostic["name"]
            if name.startswith("test_loss_d_"):
                rows.append((params, int(name[len("test_loss_d_"):]), diagnostic["values"][0], seed))
    if not rows:
        sys.exit(f"no params-axis runs of {a.target} in {', '.join(a.cache)}")
    sizes = sorted({r[0] for r in rows})
    tokens = sorted({r[1] for r in rows})
    print(f"{a.target}: {len(rows)} points, N in {sizes}, D in {tokens}")
    out = a.csv or tempfile.NamedTemporaryFile(suffix=".csv", delete=False).name
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["N", "D", "loss", "seed"])
        w.writerows(rows)
    try:
        sys.exit(subprocess.run([a.binary, "fit", out, *a.fit_args]).returncode)
    finally:
        if not a.csv:
            os.unlink(out)


if __name__ == "__main__":
    main()
