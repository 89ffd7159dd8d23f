#!/usr/bin/env bash
# The transformer learner side by side (issue 14 point 5): scalebench's C++ learner
# (bench/transformer_benchmark.cc, libtorch through the learner's torch module) and the same model
# in Python PyTorch (bench/transformer_torch.py: the same config, threads, batch, AdamW, float32).
# Prints tokens/s of each and the ratio C++ / Python (goal >= 1.0), and the C++ step's training
# GFLOP/s (TransformerTrainingFlopsPerToken) against the machine's float32 GEMM peak measured here
# with the same thread count (the best of OpenBLAS sgemm from C++ and torch.mm from Python;
# goal >= 40%). The load average before and after is printed: on a shared machine, run it when
# it is quiet.
# Usage: scripts/bench-transformer.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
# Debian's python3-torch lives in the system Python (/usr/bin/python3), not in a pyenv one; it is
# only needed here, never by the build.
py="${PYTHON:-/usr/bin/python3}"  # PYTHON overrides (e.g. another torch install)
if ! "$py" -c "import torch" 2>/dev/null; then
  "$root/scripts/install-deps.sh" python3-torch || true
  if ! "$py" -c "import torch" 2>/dev/null; then
    echo "bench-transformer: skipped: no Python PyTorch for $py (Debian: apt-get install python3-torch)"
    exit 0
  fi
fi
if [ -f "$build/build.ninja" ]; then
  ninja -C "$build" transformer_benchmark
elif [ ! -x "$build/bench/transformer_benchmark" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
  ninja -C "$build" transformer_benchmark
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$build/bench/transformer_benchmark" --benchmark_format=json --benchmark_out="$json" \
  --benchmark_out_format=json > /dev/null
"$py" - "$json" "$root/bench/transformer_torch.py" <<'PY'
import json, re, subprocess, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
def torch_run(*args):
    return subprocess.run([sys.executable, sys.argv[2], *map(str, args)], check=True,
                          capture_output=True, text=True).stdout
peak = {}
for run in runs:
    m = re.search(r"SgemmPeak/size:(\d+)/threads:(\d+)", run["name"])
    if m:
        size, threads = m.groups()
        out = torch_run("--peak", size, threads)
        torch_peak = float(re.search(r"gflops=([0-9.]+)", out).group(1))
        peak[threads] = max(run["gflops"], torch_peak)
        print(f"GEMM peak, {threads} thread(s), float32 {size}^3: OpenBLAS sgemm "
              f"{run['gflops']:.1f} GFLOP/s, torch.mm {torch_peak:.1f} GFLOP/s")
print(f"{'width depth heads context batch vocab threads':<48} {'C++ tok/s':>10} {'torch tok/s':>11} "
      f"{'ratio':>6} {'C++ GFLOP/s':>11} {'of peak':>8}")
for run in runs:
    m = re.search(r"TransformerStep/width:(\d+)/depth:(\d+)/heads:(\d+)/context:(\d+)/"
                  r"batch:(\d+)/vocab:(\d+)/threads:(\d+)", run["name"])
    if not m:
        continue
    shape = m.groups()
    ours = run["tokens_per_s"]
    gflops = run["gflops"]
    torch = float(re.search(r"tokens_per_s=([0-9.]+)", torch_run(*shape)).group(1))
    print(f"{' '.join(shape):<48} {ours:10.0f} {torch:11.0f} {ours / torch:6.2f} {gflops:11.1f} "
          f"{gflops / peak[shape[6]]:8.0%}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
