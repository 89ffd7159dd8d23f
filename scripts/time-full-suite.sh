#!/usr/bin/env bash
# Times every training run of a suite (default: full) cold, one target at a time, for the MPI
# sweep simulation (scripts/simulate-sweep.py, docs/cluster.md): each target is a
# `scalebench run --target T --threads 1 --jobs 1` with its own scratch cache and no committed
# cache, so every run and profile is computed, on one thread (each run's CPU seconds are then
# recorded, history stage run_cpu). Resumable: kill it at any moment and start it again.
#   - A target whose piece was recorded in the database with status ok is skipped.
#   - A killed piece keeps its finished runs and profiles in the scratch cache (the next attempt
#     reuses them) and their times in the times log (--times-log), which the database gets only
#     when a piece ends; the simulation reads both.
#   - A failed piece (a failed run) is tried again on the next start; the script goes on with the
#     other targets and exits 1 naming it.
#   - Several copies may share one database (each with its own --dir), e.g. one per core with
#     the target list in opposite orders: a target another copy is timing now is passed over
#     (a lock file next to the database, released when that copy ends, however it ends).
#
#   scripts/time-full-suite.sh                          # out/timing/history.sqlite, out/timing/
#   scripts/time-full-suite.sh --db /data/timing.sqlite --dir /data/timing
#   scripts/time-full-suite.sh --target hutter_memorization/alpha0.5 --target ...   # a subset
#
# Options: --db DB (default out/timing/history.sqlite), --dir DIR (scratch cache, times log,
# logs, results; default out/timing), --suite NAME (default full), --target NAME (repeatable:
# only these), --bootstrap N (passed on). The binary: $SCALEBENCH, default
# build/release/harness/scalebench (build it first: cmake --build --preset release).
# Prints at the end the simulate-sweep command for what was recorded.
set -euo pipefail
cd "$(dirname "$0")/.."

db=out/timing/history.sqlite
dir=out/timing
suite=full
targets=()
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) db="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --suite) suite="$2"; shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    --bootstrap) extra+=(--bootstrap "$2"); shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "time-full-suite: unknown argument '$1' (valid: --db, --dir, --suite, --target," \
            "--bootstrap, --help)" >&2; exit 2 ;;
  esac
done
bin="${SCALEBENCH:-build/release/harness/scalebench}"
if [[ ! -x "$bin" ]]; then
  echo "time-full-suite: no scalebench binary at $bin (cmake --preset release &&" \
       "cmake --build --preset release, or set SCALEBENCH)" >&2
  exit 2
fi

# The suite's targets: the names whose "suites" column of `scalebench list targets` holds it.
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <("$bin" list targets | awk -v suite="$suite" '
    /^target +suites +/ { from = index($0, "suites"); to = index($0, "realism"); next }
    from > 0 && $1 !~ /^-+$/ && NF > 0 {
      n = split(substr($0, from, to - from), names, /[ ,]+/)
      for (i = 1; i <= n; ++i) if (names[i] == suite) { print $1; break }
    }')
  if [[ ${#targets[@]} -eq 0 ]]; then
    echo "time-full-suite: suite '$suite' has no targets (see scalebench list targets)" >&2
    exit 2
  fi
fi

mkdir -p "$dir/logs" "$(dirname "$db")"
times_log="$dir/times.tsv"

# Whether the database holds a piece of target $1 that ended with status ok.
recorded() {
  [[ -f "$db" ]] || return 1
  python3 - "$db" "$1" <<'PY'
import sqlite3, sys
db, target = sys.argv[1], sys.argv[2]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
commands = [c for (c,) in con.execute("SELECT command FROM runs WHERE status = 'ok'")]
sys.exit(0 if any((c + " ").find(f" --target {target} ") >= 0 for c in commands) else 1)
PY
}

failed=()
busy=()
done_before=0
echo "time-full-suite: ${#targets[@]} targets of suite '$suite'; database $db, scratch $dir"
for i in "${!targets[@]}"; do
  target="${targets[$i]}"
  position="[$((i + 1))/${#targets[@]}] $target"
  # Held while this piece runs (and by its scalebench, should this script die first): another
  # copy of the script on the same database passes the target over.
  lock="$(dirname "$db")/locks/${target//\//__}.lock"
  mkdir -p "$(dirname "$lock")"
  exec {lock_fd}>"$lock"
  if ! flock -n "$lock_fd"; then
    echo "$position: being timed by another copy of this script, passed over"
    exec {lock_fd}>&-
    busy+=("$target")
    continue
  fi
  if recorded "$target"; then
    echo "$position: recorded before, skipped"
    exec {lock_fd}>&-
    done_before=$((done_before + 1))
    continue
  fi
  log="$dir/logs/${target//\//__}.log"
  echo "$position: running (progress in $log)"
  start=$SECONDS
  status=0
  "$bin" run --target "$target" --threads 1 --jobs 1 "${extra[@]}" \
    --cache-dir "$dir/cache" --committed-cache '' --db "$db" --times-log "$times_log" \
    --results-dir "$dir/results/${target//\//__}" >>"$log" 2>&1 || status=$?
  exec {lock_fd}>&-
  summary=$(grep -E '^runs: ' "$log" | tail -1 || true)
  if [[ $status -eq 0 ]]; then
    echo "$position: done in $((SECONDS - start)) s (${summary:-no runs line})"
  elif [[ $status -eq 1 ]]; then
    echo "$position: FAILED after $((SECONDS - start)) s (see $log); tried again next time"
    failed+=("$target")
  else
    # 2: a usage error; above 128: killed by a signal (Ctrl-C stops the whole script).
    echo "$position: scalebench exited $status (see $log); stopping" >&2
    exit "$status"
  fi
done

echo
echo "time-full-suite: $(( ${#targets[@]} - ${#failed[@]} - ${#busy[@]} )) of ${#targets[@]}" \
     "targets recorded ($done_before before this start)"
if [[ ${#busy[@]} -gt 0 ]]; then
  echo "time-full-suite: passed over, being timed by another copy: ${busy[*]}"
fi
echo "Simulate the MPI sweep from the runs' CPU seconds (--stage run for their wall seconds):"
echo "  scripts/simulate-sweep.py --db $db --all-runs --times-log $times_log --stage run_cpu"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "time-full-suite: failed (start the script again to retry): ${failed[*]}" >&2
  exit 1
fi
