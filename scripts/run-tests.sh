#!/usr/bin/env bash
# Builds scalebench with its tests and benchmarks (installing missing Debian packages first) and
# runs the whole Catch2 suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release
