#!/usr/bin/env bash
# Regenerates the committed results from the run cache (results/cache, where runs computed here
# are written too), the one command that writes them:
# results/{LEADERBOARD.md,leaderboard.json,report.html} (default suite) and results/full/ (full
# suite), then checks both reports in headless Chromium and saves the screenshots the README
# shows (results/screenshots/). The runs are recorded in out/history.sqlite like any other run,
# so the reports' history charts show this checkout's runs. Extra arguments go to both
# `scalebench run`s (e.g. --no-cache to retrain). Commit the changed files afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target scalebench
scalebench=build/release/harness/scalebench
"$scalebench" run --quiet --results-dir results --cache-dir results/cache "$@"
"$scalebench" run --quiet --suite full --results-dir results/full --cache-dir results/cache "$@"
node scripts/report/check-report.mjs results/report.html --screenshots results/screenshots \
  --figure "fashion_mnist/rbf [data]" --figure "multitask_sparse_parity/alpha0.4 [params]"
node scripts/report/check-report.mjs results/full/report.html
