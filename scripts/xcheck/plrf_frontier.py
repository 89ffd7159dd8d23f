#!/usr/bin/python3
"""Compute-optimal frontier of a power_law_random_features variant from its cached steps runs,
outside the harness (a cross-check until the compute axis of issue 15 scores it in the suite).

For each width d the seed-mean loss curve P_d(r) (r = steps, batch 1, so compute f = d r up to a
constant); the lower envelope P*(f) = min_d P_d(f / d) on 80 log-spaced f, interpolated log-log
between checkpoints; the compute-optimal width d*(f) from a parabola in log d through the best
width and its two neighbours (Chinchilla's iso-FLOP approach 2). eta and xi are least-squares
slopes of log P* and log d* on log f over the f where the best width is an interior one (the
width grid resolves the frontier there). Intervals: 2.5 and 97.5 percentiles over 400 bootstrap
resamples of whole seeds (each seed's runs of every width together).

Run files are grouped by width through their cache keys: a design's keys differ between seeds
only in their low bits (FNV-1a of texts that differ in the final seed digits), so the first four
hex digits name the design; the widths are then ordered by their limit levels (a wider model has
a lower one). Both steps are checked (every design has every seed; two measures of the late loss
give the same order), and any inconsistency is an error.

Usage: scripts/xcheck/plrf_frontier.py results/cache alpha0.7_beta0.6 100,160,250,400,640,1000,1600
"""
import collections
import glob
import json
import os
import sys

import numpy as np


def load(cache, variant, widths):
    folder = os.path.join(cache, "power_law_random_features", variant, "steps")
    groups = collections.defaultdict(dict)
    for path in glob.glob(os.path.join(folder, "*.json")):
        entry = json.load(open(path))
        groups[entry["key"][:4]][entry["seed"]] = (entry["sizes"], entry["losses"])
    if len(groups) != len(widths):
        sys.exit(f"{folder}: {len(groups)} designs among the run files, expected {len(widths)}")
    seeds = sorted(next(iter(groups.values())))
    if any(sorted(g) != seeds for g in groups.values()):
        sys.exit(f"{folder}: the designs do not all have seeds {seeds}")
    order = sorted(groups, key=lambda k: -np.mean([groups[k][s][1][-1] for s in seeds]))
    losses = np.array([[groups[k][s][1] for s in seeds] for k in order])  # width x seed x step
    # Ordered by the seed-mean final loss; the geometric mean of the last five checkpoints over
    # all seeds must give the same order (single runs fluctuate too much to be checked alone).
    if np.any(np.diff(np.log(losses[:, :, -5:]).mean(axis=(1, 2))) >= 0):
        sys.exit(f"{folder}: the designs' late losses do not order them as widths")
    steps = np.array(groups[order[0]][seeds[0]][0], float)
    return steps, losses


def exponents(steps, widths, curves):
    fs = np.logspace(np.log10(widths[0] * steps[0] * 10), np.log10(widths[-1] * steps[-1] * 0.999), 80)
    envelope, best_width = [], []
    for f in fs:
        values = np.full(len(widths), np.nan)
        for i, d in enumerate(widths):
            if steps[0] <= f / d <= steps[-1]:
                values[i] = np.exp(np.interp(np.log(f / d), np.log(steps), np.log(curves[i])))
        i = int(np.nanargmin(values))
        envelope.append(values[i])
        if 0 < i < len(widths) - 1 and np.all(np.isfinite(values[i - 1:i + 2])):
            c = np.polyfit(np.log(widths[i - 1:i + 2]), np.log(values[i - 1:i + 2]), 2)
            best_width.append(np.exp(-c[1] / (2 * c[0])) if c[0] > 0 else np.nan)
        else:
            best_width.append(np.nan)
    envelope, best_width = np.array(envelope), np.array(best_width)
    inside = np.isfinite(best_width)
    if inside.sum() < 4:
        return np.nan, np.nan, (np.nan, np.nan)
    eta = -np.polyfit(np.log(fs[inside]), np.log(envelope[inside]), 1)[0]
    xi = np.polyfit(np.log(fs[inside]), np.log(best_width[inside]), 1)[0]
    return eta, xi, (fs[inside][0], fs[inside][-1])


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    cache, variant = sys.argv[1], sys.argv[2]
    widths = np.array([float(w) for w in sys.argv[3].split(",")])
    steps, losses = load(cache, variant, widths)
    eta, xi, (f_lo, f_hi) = exponents(steps, widths, losses.mean(axis=1))
    rng = np.random.default_rng(0)
    boot = []
    for _ in range(400):
        pick = rng.integers(0, losses.shape[1], losses.shape[1])
        boot.append(exponents(steps, widths, losses[:, pick, :].mean(axis=1))[:2])
    lo, hi = np.nanpercentile(boot, 2.5, axis=0), np.nanpercentile(boot, 97.5, axis=0)
    print(f"{variant}: eta {eta:.3f} [{lo[0]:.3f}, {hi[0]:.3f}]  xi {xi:.3f} [{lo[1]:.3f}, "
          f"{hi[1]:.3f}]  f in [{f_lo:.3g}, {f_hi:.3g}], {losses.shape[1]} seeds")


if __name__ == "__main__":
    main()
