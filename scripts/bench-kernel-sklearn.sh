#!/usr/bin/env bash
# scalebench's kernel learning curves and kernel-PCA eigendecomposition against scikit-learn's
# KernelRidge and numpy.linalg.eigh on the same data, sizes, kernel and ridge, in one run.
#
#   scripts/bench-kernel-sklearn.sh [BUILD_DIR] [CURVE_SIZES] [EIG_N]
#   scripts/bench-kernel-sklearn.sh build/realdata 2000,4000,8000 8000
#
# Both sides use 2 threads: OPENBLAS_NUM_THREADS=2 for numpy/scikit-learn (OpenBLAS must be the
# system BLAS: libopenblas0-pthread; the script prints what threadpoolctl sees) and
# OMP_NUM_THREADS=2 for scalebench (Eigen's OpenMP GEMM; its LAPACK is the same OpenBLAS).
# Goals (issue 3): curve generation >= 2x faster than scikit-learn; eigendecomposition within
# 1.5x of numpy's time. Installs python3-sklearn if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
sizes=${2:-2000,4000,8000}
eig_n=${3:-8000}
scripts/install-deps.sh python3-sklearn python3-threadpoolctl >/dev/null
cmake --build "$build" --target kernel_benchmark >/dev/null
export OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
filter="BM_RbfCurve/(${sizes//,/|})/"
if [ "$eig_n" -gt 0 ]; then filter="$filter|BM_Eigen/${eig_n}/"; fi
ours=$("$build/bench/kernel_benchmark" --benchmark_filter="$filter" --benchmark_format=json 2>/dev/null)
if [ -z "$ours" ]; then echo "kernel_benchmark printed nothing for filter '$filter'" >&2; exit 1; fi
theirs=$(/usr/bin/python3 bench/kernel_sklearn.py "$sizes" "$eig_n")
/usr/bin/python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print("BLAS seen by numpy:", theirs["blas"])
ms = {b["name"]: b["real_time"] / 1e3 for b in ours["benchmarks"]}  # ms -> s
mse = {b["name"]: b.get("mse_at_max") for b in ours["benchmarks"]}
print(f"{'task':<28}{'scalebench s':>14}{'sklearn/numpy s':>17}{'ratio':>8}  goal")
for n, r in theirs["curve"].items():
    key = f"BM_RbfCurve/{n}/real_time"
    if key in ms:
        print(f"{'curve P<=' + n + ' (8 sizes)':<28}{ms[key]:>14.2f}{r['seconds']:>17.2f}"
              f"{r['seconds'] / ms[key]:>7.2f}x  >= 2x faster   (MSE at P_max: ours "
              f"{mse[key]:.4f}, sklearn {r['mse_at_max']:.4f})")
for n, r in theirs["eigh"].items():
    key = f"BM_Eigen/{n}/iterations:1/real_time"
    if key in ms:
        print(f"{'eigh ' + n + ' (vectors)':<28}{ms[key]:>14.2f}{r['seconds']:>17.2f}"
              f"{r['seconds'] / ms[key]:>7.2f}x  ours <= 1.5x numpy's time")
PY
