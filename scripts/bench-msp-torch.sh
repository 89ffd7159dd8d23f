#!/usr/bin/env bash
# The MLP trainer side by side: scalebench (bench/mlp_benchmark.cc, Eigen float32, hand-written
# backward, Adam) and PyTorch on CPU (bench/msp_torch.py), the same shapes (inputs, width, batch),
# Adam, float32, a fixed batch, 1 and 2 threads. Prints steps/s of each and the ratio
# scalebench / torch (> 1: scalebench faster).
# Usage: scripts/bench-msp-torch.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
# Debian's python3-torch lives in the system Python (/usr/bin/python3), not in a pyenv one.
py="${PYTHON:-/usr/bin/python3}"  # PYTHON overrides (e.g. another torch install)
"$py" -c "import torch" 2>/dev/null || "$root/scripts/install-deps.sh" python3-torch
if [ -f "$build/build.ninja" ]; then
  ninja -C "$build" mlp_benchmark
elif [ ! -x "$build/bench/mlp_benchmark" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
  ninja -C "$build" mlp_benchmark
fi
json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$build/bench/mlp_benchmark" --benchmark_format=json --benchmark_out="$json" \
  --benchmark_out_format=json > /dev/null
printf '%-8s %-6s %-6s %-8s %14s %14s %8s\n' inputs width batch threads scalebench torch ratio
"$py" - "$json" "$root/bench/msp_torch.py" <<'PY'
import json, re, subprocess, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
for run in runs:
    m = re.search(r"inputs:(\d+)/width:(\d+)/batch:(\d+)/threads:(\d+)", run["name"])
    if not m:
        continue
    inputs, width, batch, threads = m.groups()
    ours = run["steps_per_s"]
    out = subprocess.run([sys.executable, sys.argv[2], inputs, width, batch, threads],
                         check=True, capture_output=True, text=True).stdout
    torch = float(re.search(r"steps_per_s=([0-9.]+)", out).group(1))
    print(f"{inputs:<8} {width:<6} {batch:<6} {threads:<8} {ours:14.1f} {torch:14.1f} {ours / torch:8.2f}")
PY
