#!/usr/bin/env bash
# Builds scalebench and runs the `full` suite: every target, heavy sizes included. The curves
# are cached in results/cache (committed), so a fresh clone re-scores it in seconds; with
# --no-cache it retrains everything (see README for the time on 2 cores). Writes
# results/full/LEADERBOARD.md and results/full/leaderboard.json. Extra arguments go to
# `scalebench run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target scalebench
exec build/release/harness/scalebench run --suite full --results-dir results/full "$@"
