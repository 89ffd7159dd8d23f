#!/usr/bin/env bash
# One-pass SGD on power-law random features in scalebench (bench/plrf_sgd_benchmark.cc) and in
# numpy (bench/plrf_sgd_numpy.py), the same model and loops, one thread each, side by side: prints
# the samples/s of each (the fastest of 3) and the ratio scalebench / numpy. The eigenbasis row
# compares against the faster of numpy's two eigenbasis loops (per-step or chunked normals).
# Usage: scripts/bench-plrf-numpy.sh [build-dir]   (default: build/release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
python="${PYTHON:-/usr/bin/python3}"
"$python" -c "import numpy" 2>/dev/null || "$root/scripts/install-deps.sh" python3-numpy >/dev/null
bench="$build/bench/plrf_sgd_benchmark"
if [ ! -x "$bench" ]; then
  echo "missing $bench: build it with cmake --build --preset release --target plrf_sgd_benchmark" >&2
  exit 1
fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

ours=$("$bench" --benchmark_filter='BM_PlrfSgd' --benchmark_repetitions=3 --benchmark_format=json)
theirs=$("$python" "$root/bench/plrf_sgd_numpy.py")
"$python" - "$ours" "$theirs" <<'EOF'
import json, sys
ours, theirs = {}, {}
for b in json.loads(sys.argv[1])["benchmarks"]:
    if b.get("run_type") != "iteration":
        continue
    loop = "eigenbasis" if "Eigenbasis" in b["name"] else "raw_data"
    d = int(b["name"].split("/")[1])
    ours[(loop, d)] = max(ours.get((loop, d), 0.0), b["samples_per_s"])
for line in sys.argv[2].splitlines():
    _, loop, d, rate = line.split()
    loop = "eigenbasis" if loop.startswith("eigenbasis") else loop
    theirs[(loop, int(d))] = max(theirs.get((loop, int(d)), 0.0), float(rate))
print("one thread each; samples/s, the fastest of 3")
print(f"{'loop':<12} {'d':>6} {'scalebench':>14} {'numpy':>14} {'ratio':>7}")
for key in sorted(ours):
    if key in theirs:
        print(f"{key[0]:<12} {key[1]:>6} {ours[key]:>14.0f} {theirs[key]:>14.0f} "
              f"{ours[key] / theirs[key]:>7.2f}")
EOF
