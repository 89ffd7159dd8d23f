#!/usr/bin/env bash
# The superposition toy's training speed in scalebench (bench/superposition_toy_benchmark.cc)
# and in PyTorch on CPU (bench/superposition_torch.py), same shapes, optimizer and float32, side
# by side: prints steps/s of each and the ratio scalebench / torch.
# Usage: scripts/bench-superposition-torch.sh [build-dir] [threads]   (defaults: build, 2)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
threads="${2:-2}"
shapes=(256x32x256 512x8x512 512x64x512 1000x100x2048)
# Debian's python3-torch lives in the system Python; PYTHON overrides (e.g. another torch install).
python="${PYTHON:-/usr/bin/python3}"
"$python" -c "import torch" 2>/dev/null || "$root/scripts/install-deps.sh" python3-torch >/dev/null
bench="$build/bench/superposition_toy_benchmark"
if [ ! -x "$bench" ]; then
  echo "missing $bench: build it with ninja -C $build superposition_toy_benchmark" >&2
  exit 1
fi

echo "threads: $threads (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, torch.set_num_threads)"
printf '%-16s %16s %16s %8s\n' "n x m x batch" "scalebench st/s" "torch st/s" "ratio"
for shape in "${shapes[@]}"; do
  IFS=x read -r n m batch <<< "$shape"
  ours=$(OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" "$bench" --benchmark_min_time=2 \
           --benchmark_filter="BM_SuperpositionToyStep/$n/$m/$batch/" --benchmark_format=json |
         "$python" -c 'import json,sys; print(json.load(sys.stdin)["benchmarks"][0]["steps_per_s"])')
  # OpenBLAS (torch's BLAS on Debian) keeps its own thread pool: pin it to the same count.
  theirs=$(OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
           "$python" "$root/bench/superposition_torch.py" --threads "$threads" --shapes "$shape" |
           awk '{print $5}')
  "$python" -c "print(f'{\"$shape\":<16} {$ours:16.1f} {$theirs:16.1f} {$ours / $theirs:8.2f}')"
done
