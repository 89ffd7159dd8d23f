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
# Each measurement (C++ step, Python step, both GEMMs) runs 3 times, interleaved, and the medians
# are compared, so that a change in the machine's load hits both sides alike.
"$py" - "$build/bench/transformer_benchmark" "$root/bench/transformer_torch.py" <<'PY'
import json, os, re, statistics, subprocess, sys, tempfile
bench, torch_script = sys.argv[1], sys.argv[2]
def cpp(filter_):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([bench, f"--benchmark_filter={filter_}", f"--benchmark_out={f.name}",
                        "--benchmark_out_format=json"], check=True, capture_output=True)
        return json.load(open(f.name))["benchmarks"][0]
def torch(*args):
    # The same thread count for every pool of the Python side: torch's OpenMP and Debian's
    # pthreads OpenBLAS, which torch.set_num_threads does not bound.
    threads = str(args[2] if args[0] == "--peak" else args[6])
    env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads)
    out = subprocess.run([sys.executable, torch_script, *map(str, args)], check=True,
                         capture_output=True, text=True, env=env).stdout
    return float(re.search(r"(?:tokens_per_s|gflops)=([0-9.]+)", out).group(1))
shapes = [(64, 2, 4, 64, 16, 1024, 1), (256, 4, 4, 128, 16, 1024, 1), (256, 4, 4, 128, 16, 1024, 2)]
peak = {}
for threads in (1, 2):
    ours, theirs = [], []
    for _ in range(3):
        ours.append(cpp(f"SgemmPeak/size:1024/threads:{threads}/")["gflops"])
        theirs.append(torch("--peak", 1024, threads, "--seconds", 2))
    peak[threads] = max(statistics.median(ours), statistics.median(theirs))
    print(f"GEMM peak, {threads} thread(s), float32 1024^3 (median of 3): OpenBLAS sgemm "
          f"{statistics.median(ours):.1f} GFLOP/s, torch.mm {statistics.median(theirs):.1f} GFLOP/s")
print(f"{'width depth heads context batch vocab threads':<48} {'C++ tok/s':>10} {'torch tok/s':>11} "
      f"{'ratio':>6} {'C++ GFLOP/s':>11} {'of peak':>8}")
for shape in shapes:
    names = ("width", "depth", "heads", "context", "batch", "vocab", "threads")
    filter_ = "TransformerStep/" + "/".join(f"{n}:{v}" for n, v in zip(names, shape)) + "/"
    ours, gflops, theirs = [], [], []
    for _ in range(3):
        run = cpp(filter_)
        ours.append(run["tokens_per_s"])
        gflops.append(run["gflops"])
        theirs.append(torch(*shape, "--seconds", 2))
    o, g, t = statistics.median(ours), statistics.median(gflops), statistics.median(theirs)
    print(f"{' '.join(map(str, shape)):<48} {o:10.0f} {t:11.0f} {o / t:6.2f} {g:11.1f} "
          f"{g / peak[shape[6]]:8.0%}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
