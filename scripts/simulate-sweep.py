#!/usr/bin/env python3
"""Simulates an MPI sweep's dynamic schedule from the per-run times in a history database.

`mpirun -n P scalebench run` hands the runs out one at a time to whichever rank is free (rank 0
included), the longest first when the history has their times (harness/distributed/). This
script replays that schedule on P ranks with the recorded seconds of every run (the history's
`runtimes` rows of stage "run", wall seconds, or with --stage run_cpu the runs' CPU seconds,
which other work on the machine does not inflate) and prints, per P, the makespan of the runs,
the efficiency (run seconds / (P x makespan)), the lower bound max(total / P, longest run), the
same schedule with the runs in the order they were recorded (no time estimates), and the
end-to-end time with the stages rank 0 does alone (probe, fit, predict, score: the serial part).

    scripts/simulate-sweep.py --db out/history.sqlite                 # the newest run with runs
    scripts/simulate-sweep.py --db out/history.sqlite --run 12 --ranks 2,16,64,256
    scripts/simulate-sweep.py --db out/history.sqlite --suite full --all-runs
    scripts/simulate-sweep.py --db out/timing/history.sqlite --all-runs --stage run_cpu \
        --times-log out/timing/times.tsv     # what scripts/time-full-suite.sh recorded
    scripts/simulate-sweep.py --self-test    # the schedule on hand-computed cases (CTest)

--all-runs takes the newest time of each run label over every run of the suite (a sweep computed
in pieces, each piece recorded by its own run, e.g. one target at a time by
scripts/time-full-suite.sh), and the serial part likewise: the newest time of each (stage, name),
so that each target's probe, fits and predictions count once. The CPU seconds (run_cpu) are
recorded for the runs that executed on one thread or held every thread slot
(harness/runner/run_loop.h); a run without them is left out of the simulation, and the count is
printed.

--times-log FILE adds the rows of `scalebench run --times-log FILE` (each run's and profile's
seconds, appended as they finish): a run killed before it was recorded in the database leaves its
finished runs in the cache and their times only there. Its rows count as the newest.

Not modelled: each rank builds a design's shared data (Target::Prepare) once for itself, while
the recorded time includes it only for the first run of a design; messages take microseconds.
Python 3 standard library only (sqlite3).
"""
import argparse
import heapq
import sqlite3
import sys

SERIAL_STAGES = ("probe", "fit", "predict", "score", "report")


def makespan(times, ranks):
    """List scheduling: each run, in the given order, goes to the rank that is free first."""
    free = [0.0] * ranks
    heapq.heapify(free)
    end = 0.0
    for t in times:
        start = heapq.heappop(free)
        heapq.heappush(free, start + t)
        end = max(end, start + t)
    return end


def self_test():
    """The list schedule against hand-computed makespans, and load() on a scratch database."""
    import os
    import tempfile
    checks = [
        (makespan([3, 3, 2, 2, 2], 2), 7.0),   # 3|3, 2 -> 5|3, 2 -> 5|5, 2 -> 7
        (makespan(sorted([3, 3, 2, 2, 2], reverse=True), 2), 7.0),
        (makespan([2, 2, 2, 3, 3], 2), 7.0),   # 2|2, 4|2, 4|5 ... -> 7
        (makespan([1, 1, 1, 1, 8], 2), 10.0),  # the long run last: 2 + 8
        (makespan(sorted([1, 1, 1, 1, 8], reverse=True), 2), 8.0),
        (makespan([5], 64), 5.0),
    ]
    failed = [(got, want) for got, want in checks if abs(got - want) > 1e-12]
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "h.sqlite")
        con = sqlite3.connect(db)
        # Run 1 (older) computed x and y and probed y; run 2 recomputed x and probed x only;
        # run 3 reused every run and fitted y.
        con.executescript(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT, suite TEXT, command TEXT);"
            "CREATE TABLE runtimes (run_id INTEGER, stage TEXT, name TEXT, seconds REAL);"
            "INSERT INTO runs VALUES (1, 'then', 'default', 'a'), (2, 'now', 'default', 'b'),"
            " (3, 'later', 'default', 'c');"
            "INSERT INTO runtimes VALUES (1, 'run', 'x seed 1', 9), (1, 'run', 'y seed 1', 4),"
            " (1, 'run_cpu', 'x seed 1', 8), (1, 'run_cpu', 'y seed 1', 3.5), (1, 'probe', 'y', 7),"
            " (1, 'fit', 'x [data]', 3), (2, 'run', 'x seed 1', 2), (2, 'run_cpu', 'x seed 1', 1.5),"
            " (2, 'probe', 'x', 5), (2, 'fit', 'x [data]', 1), (3, 'fit', 'y [data]', 2);")
        con.commit()
        con.close()
        cases = [
            # (run, suite, all runs, stage) -> (sorted times, serial, first run, runs used)
            ((None, None, False, "run"), ([2.0], 6.0, 2, 1)),
            ((None, "default", True, "run"), ([2.0, 4.0], 15.0, 3, 3)),  # fit x: newest only
            ((None, None, False, "run_cpu"), ([1.5], 6.0, 2, 1)),
            ((None, None, True, "run_cpu"), ([1.5, 3.5], 15.0, 3, 3)),
            ((1, None, False, "run_cpu"), ([3.5, 8.0], 10.0, 1, 1)),
        ]
        log = os.path.join(tmp, "times.tsv")
        with open(log, "w") as f:  # w only in the log; x measured again, the last line wins
            f.write("run\tx seed 1\t2.5\nrun_cpu\tx seed 1\t2\nrun\tw seed 1\t3\n"
                    "probe\tw\t4\nrun\tx seed 1\t2.75\n")
        cases.append(((None, None, True, "run", log), ([2.75, 3.0, 4.0], 19.0, 3, 3)))
        cases.append(((None, None, True, "run_cpu", log), ([2.0, 3.5], 19.0, 3, 3)))
        for args, want in cases:
            times, labels, serial, info, used, missing = load(db, *args)
            got = (sorted(times), serial, info[0], used)
            if got != want:
                failed.append((f"load{args}: {got}", want))
        # A run recorded without CPU seconds is left out of run_cpu, and counted.
        con = sqlite3.connect(db)
        con.execute("INSERT INTO runtimes VALUES (2, 'run', 'z seed 1', 6)")
        con.commit()
        con.close()
        times, labels, serial, info, used, missing = load(db, None, None, False, "run_cpu")
        if (times, missing) != ([1.5], 1):
            failed.append(("a run without CPU seconds", (times, missing)))
    for got, want in failed:
        print(f"simulate-sweep self-test: got {got}, expected {want}")
    print("simulate-sweep self-test:",
          "FAILED" if failed else f"{len(checks) + len(cases) + 1} checks pass")
    return 1 if failed else 0


def read_times_log(path):
    """The rows of a times log (`scalebench run --times-log`): (stage, name, seconds), in the
    order they were measured."""
    rows = []
    with open(path, encoding="utf-8") as log:
        for number, line in enumerate(log, 1):
            fields = line.rstrip("\n").split("\t")
            try:
                if len(fields) != 3:
                    raise ValueError(f"{len(fields)} tab-separated fields")
                seconds = float(fields[2])
            except ValueError as e:
                sys.exit(f"simulate-sweep: {path}:{number}: expected 'stage<TAB>name<TAB>"
                         f"seconds': {e}")
            rows.append((fields[0], fields[1], seconds))
    return rows


def load(db, run_id, suite, all_runs, stage="run", times_log=None):
    """The per-run seconds of `stage` (newest per label), their labels, the serial stages' sum,
    the newest chosen run's (id, suite, started_at, command), how many runs were used, and how
    many run labels have wall seconds but no time of `stage`. A times log's rows are newer than
    the database's (the last line of a (stage, name) wins)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    where, params = ("WHERE suite = ?", (suite,)) if suite else ("", ())
    runs = [r[0] for r in con.execute(
        f"SELECT id FROM runs {where} ORDER BY id DESC", params)]
    with_runs = {r[0] for r in con.execute(
        "SELECT DISTINCT run_id FROM runtimes WHERE stage = ?", (stage,))}
    if run_id is not None:
        if run_id not in runs or run_id not in with_runs:
            sys.exit(f"simulate-sweep: {db} has no run {run_id} with per-run times of stage "
                     f"'{stage}'" + (f" in suite '{suite}'" if suite else ""))
        chosen = [run_id]
    elif all_runs:
        # Every run: one that reused all its runs still has its fits and predictions.
        chosen = runs
    else:
        chosen = [r for r in runs if r in with_runs][:1]
    times = {}  # label -> seconds, newest run first
    order = []
    serial = {}  # (stage, name) -> (run, seconds), newest run first
    walled = set()  # labels with a "run" row
    for r in chosen:
        for row_stage, name, seconds in con.execute(
                "SELECT stage, name, seconds FROM runtimes WHERE run_id = ? ORDER BY rowid", (r,)):
            if row_stage == "run":
                walled.add(name)
            if row_stage == stage:
                if name not in times:
                    times[name] = seconds
                    order.append(name)
            elif row_stage in SERIAL_STAGES:
                # Within one run a (stage, name) may repeat (two fits of one axis): they add up.
                if (row_stage, name) not in serial or serial[(row_stage, name)][0] == r:
                    before = serial.get((row_stage, name), (r, 0.0))[1]
                    serial[(row_stage, name)] = (r, before + seconds)
    for row_stage, name, seconds in read_times_log(times_log) if times_log else []:
        if row_stage == "run":
            walled.add(name)
        if row_stage == stage:
            if name not in times:
                order.append(name)
            times[name] = seconds
        elif row_stage in SERIAL_STAGES:
            serial[(row_stage, name)] = ("log", seconds)
    if not times:
        sys.exit(f"simulate-sweep: {db}" + (f" and {times_log}" if times_log else "")
                 + f" hold no per-run times (stage '{stage}')"
                 + (f" of suite '{suite}'" if suite else ""))
    info = con.execute("SELECT id, suite, started_at, command FROM runs WHERE id = ?",
                       (chosen[0],)).fetchone() if chosen else (None, suite, "-", "-")
    return ([times[n] for n in order], order, sum(s for _, s in serial.values()), info,
            len(chosen), len(walled - set(times)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="out/history.sqlite", help="history database")
    parser.add_argument("--run", type=int, help="run id (default: the newest with per-run times)")
    parser.add_argument("--suite", help="only runs of this suite (default, full, custom)")
    parser.add_argument("--all-runs", action="store_true",
                        help="newest time of each run over every run (of --suite)")
    parser.add_argument("--stage", default="run", choices=("run", "run_cpu"),
                        help="per-run times: wall seconds (run) or CPU seconds (run_cpu)")
    parser.add_argument("--times-log",
                        help="also the times of `scalebench run --times-log` (newer than the "
                             "database's; a killed run's finished runs are only there)")
    parser.add_argument("--ranks", default="16,64,256", help="comma-separated rank counts")
    parser.add_argument("--self-test", action="store_true", help="check the simulation and exit")
    args = parser.parse_args()
    if args.self_test:
        sys.exit(self_test())
    ranks = [int(p) for p in args.ranks.split(",")]
    recorded, labels, serial, info, used, missing = load(
        args.db, args.run, args.suite, args.all_runs, args.stage, args.times_log)
    total = sum(recorded)
    longest = max(recorded)
    print(f"history: {args.db}, run {info[0]} (suite {info[1]}, {info[2]})"
          + (f" and {used - 1} older runs" if used > 1 else "")
          + (f"; times log {args.times_log}" if args.times_log else ""))
    unit = "CPU seconds (run_cpu)" if args.stage == "run_cpu" else "wall seconds (run)"
    print(f"per-run times: {unit}" + (
        f"; {missing} runs recorded without them are left out" if missing else ""))
    print(f"runs: {len(recorded)}, {total:.1f} s in all; longest {longest:.1f} s "
          f"({labels[recorded.index(longest)]}); rank 0's serial stages "
          f"({', '.join(SERIAL_STAGES)}): {serial:.1f} s")
    print()
    print("| ranks | makespan, longest first | efficiency | makespan, recorded order | "
          "efficiency | lower bound | end to end with the serial stages | speed-up |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    lpt = sorted(recorded, reverse=True)
    for p in ranks:
        best = makespan(lpt, p)
        plain = makespan(recorded, p)
        bound = max(total / p, longest)
        end_to_end = best + serial
        print(f"| {p} | {best:.1f} s | {total / (p * best):.0%} | {plain:.1f} s | "
              f"{total / (p * plain):.0%} | {bound:.1f} s | {end_to_end:.1f} s | "
              f"{(total + serial) / end_to_end:.1f}x |")


if __name__ == "__main__":
    main()
