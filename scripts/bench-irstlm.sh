#!/usr/bin/env bash
# The Kneser-Ney learner side by side with IRSTLM (Debian `irstlm`, installed if missing): the
# same King James Bible text, written by bench/kn_irstlm_benchmark.cc one verse per line, is
# modelled by scalebench's modified Kneser-Ney (harness/learners/kneser_ney.h) and by IRSTLM's
# `tlm`, each trained on the train split and scored on the test split in one process. Prints
# both wall and CPU times, the ratio IRSTLM / scalebench (> 1: scalebench faster) and both test
# perplexities (per token, every character or word and every end of verse counted).
#   character level: IRSTLM -lm=sb (shift-beta; its improved Kneser-Ney refuses 64 characters:
#                    no unigram continuation count is 1 or 2);
#   word level:      IRSTLM -lm=ikn (improved Kneser-Ney, Chen & Goodman's three discounts).
# At word level the perplexities differ in how unseen test words are scored (IRSTLM: <unk> with
# its OOV penalty; scalebench: the interpolated uniform floor), so compare them loosely.
# Usage: scripts/bench-irstlm.sh [BUILD_DIR] [ORDER]   (default build/release, 5)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
order="${2:-5}"
tlm=/usr/lib/irstlm/bin/tlm
[ -x "$tlm" ] || "$root/scripts/install-deps.sh" irstlm
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$build" kn_irstlm_benchmark > /dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# key=value lines of the helper -> value of one key.
value() { sed -n "s/^$1=//p" "$2"; }

# bench LEVEL_FLAG IRSTLM_MODEL: one side-by-side row.
bench() {
  local flag="$1" model="$2" ours="$work/ours.txt" theirs="$work/tlm.txt" times="$work/time.txt"
  "$build/bench/kn_irstlm_benchmark" --dir="$work" --order="$order" $flag > "$ours"
  # bash's `time`: real, user and sys seconds of tlm (training and test in one run).
  { TIMEFORMAT='%R %U %S'; time "$tlm" -tr="$work/train.txt" -n="$order" -lm="$model" \
      -te="$work/test.txt" > "$theirs" 2>&1; } 2> "$times"
  local pp wall cpu
  pp="$(sed -n 's/.*PP=\([0-9.]*\).*/\1/p' "$theirs" | tail -1)"
  if [ -z "$pp" ]; then
    echo "bench-irstlm: tlm -lm=$model failed:" >&2
    tail -3 "$theirs" >&2
    return 1
  fi
  read -r wall user sys < "$times"
  cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')"
  awk -v level="$(value level "$ours")" -v order="$order" -v model="$model" \
      -v tokens="$(value train_tokens "$ours")" \
      -v kw="$(value kn_total_s "$ours")" -v kc="$(value kn_cpu_s "$ours")" \
      -v kp="$(value kn_test_ppl "$ours")" -v iw="$wall" -v ic="$cpu" -v ip="$pp" 'BEGIN {
    printf "%-5s %5d %-4s %9d %9.2f %9.2f %9.2f %9.2f %6.2f %6.2f %9.3f %9.3f\n",
           level, order, model, tokens, kw, kc, iw, ic, iw / kw, ic / kc, kp, ip }'
}

printf '%-5s %5s %-4s %9s %9s %9s %9s %9s %6s %6s %9s %9s\n' level order tlm tokens \
  sb_wall_s sb_cpu_s tlm_wall_s tlm_cpu_s wall_x cpu_x sb_ppl tlm_ppl
bench "" sb
bench --words ikn
