#!/usr/bin/env bash
# CTest check of scripts/time-full-suite.sh on two small targets (a few seconds): the first start
# records each target as its own piece, with a run and a run_cpu row in the times log for every run
# the database recorded; a start while another copy holds a target's lock passes it over; a second
# start skips both; the simulate-sweep command it prints works;
# a bad argument is a usage error. Usage: scripts/test-time-full-suite.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
export SCALEBENCH="$1/harness/scalebench"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "test-time-full-suite: $*" >&2; exit 1; }
args=(--dir "$scratch/t" --db "$scratch/t/h.sqlite" --bootstrap 50
      --target hutter_memorization/alpha0.5 --target hutter_memorization/alpha1.0)

first=$(scripts/time-full-suite.sh "${args[@]}") || fail "first start failed: $first"
echo "$first"
grep -q '2 of 2 targets recorded (0 before' <<<"$first" || fail "first start recorded not both"
python3 - "$scratch/t/h.sqlite" "$scratch/t/times.tsv" <<'PY' || fail "times log and database disagree"
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
pieces = con.execute("SELECT COUNT(*) FROM runs WHERE status = 'ok'").fetchone()[0]
recorded = set(con.execute(
    "SELECT stage, name FROM runtimes WHERE stage IN ('run', 'run_cpu')").fetchall())
logged = {tuple(line.split("\t")[:2]) for line in open(sys.argv[2])}
runs = {name for stage, name in recorded if stage == "run"}
print(f"{pieces} pieces, {len(runs)} runs recorded, {len(logged)} rows logged")
assert pieces == 2, pieces
assert len(runs) >= 8, runs
assert all(("run_cpu", name) in recorded for name in runs), "a run without CPU seconds"
assert recorded <= logged, sorted(recorded - logged)
PY

# A target whose lock another copy holds is passed over (this shell holds it here).
exec {held}>"$scratch/t/locks/hutter_memorization__alpha0.5.lock"
flock -n "$held" || fail "cannot take the lock"
busy=$(scripts/time-full-suite.sh "${args[@]}") || fail "start beside a held lock failed: $busy"
grep -q 'alpha0.5: being timed by another copy of this script, passed over' <<<"$busy" ||
  fail "a locked target was not passed over: $busy"
exec {held}>&-

second=$(scripts/time-full-suite.sh "${args[@]}") || fail "second start failed: $second"
[[ $(grep -c 'recorded before, skipped' <<<"$second") -eq 2 ]] || fail "second start reran: $second"
command=$(grep 'scripts/simulate-sweep.py' <<<"$second" | sed 's/^ *//')
simulation=$(eval "$command --ranks 1,2") || fail "$command failed: $simulation"
grep -q '^| 2 |' <<<"$simulation" || fail "no 2-rank row in: $simulation"

status=0
scripts/time-full-suite.sh --no-such-flag >/dev/null 2>&1 || status=$?
[[ $status -eq 2 ]] || fail "an unknown argument exited $status, expected 2"
echo "test-time-full-suite: ok"
