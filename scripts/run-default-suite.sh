#!/usr/bin/env bash
# Builds scalebench (installing missing Debian packages first) and runs the default suite:
# prints the leaderboard, writes results/LEADERBOARD.md, results/leaderboard.json and a record of
# the run in results/history.sqlite. Extra arguments go to `scalebench run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target scalebench
exec build/release/harness/scalebench run "$@"
