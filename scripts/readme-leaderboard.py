#!/usr/bin/env python3
"""Generates the README's verdict blocks from the committed leaderboards, never by hand.

Every block of README.md between
    <!-- KIND:begin results/leaderboard.json -->
    <!-- KIND:end -->
is replaced by what KIND renders from the JSON file the begin marker names (relative to the
repository root). The kinds:

    leaderboard   the ranking table with its tie groups
    verdict       the summary: how many theories are ranked and preliminary, the top tie group,
                  the validation pass count per theory on its home targets, the oracle split
    oracle-split  per theory with oracle cells: theory error vs estimation error, and whose
                  misses they are
    cells         one row per cell whose theory and target match the marker's filters, e.g.
                  <!-- cells:begin results/full/leaderboard.json theory=optimizer/* target=power_law_random_features/* axis=compute -->
                  (shell patterns, alternatives separated by commas; each filter optional):
                  predicted, measured, consistent or
                  the reason the theory does not apply
    joint         the joint (N, D) fits: a, b, E and the compute-optimal allocation exponents
                  with their intervals (json_schema_version 3)

Run it after regenerating results/ (the lead does):

    scripts/readme-leaderboard.py          # rewrite README.md in place
    scripts/readme-leaderboard.py --check  # exit 1 and name every stale block (CTest runs this)

Standard library only. Files of json_schema_version 1 (before the verdict) carry only the MAE
columns, which the leaderboard kind renders and the other kinds say they lack; version 2
carries the ranking with its tie groups, the validation and the oracle split; version 3 the
joint (N, D) fits.
"""
import argparse
import difflib
import fnmatch
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"<!-- (?P<kind>[a-z-]+):begin (?P<path>\S+)(?P<args>(?: [a-z]+=\S+)*) -->")
BLOCK = re.compile(
    r"(<!-- (?P<kind>[a-z-]+):begin (?P<path>\S+)(?P<args>(?: [a-z]+=\S+)*) -->\n)"
    r"(?P<body>.*?)(<!-- (?P=kind):end -->)",
    re.DOTALL)
CELL_FILTERS = ("theory", "target", "axis")

# The oracle-split verdict: an error is "small" when it is within the measured noise (the mean
# half-width of the measured exponents' 95% intervals on the same cells); otherwise one side
# "dominates" when its mean is at least this many times the other's.
DOMINANCE = 2.0


class BlockError(Exception):
    """A block that cannot be rendered: the message names the file and what was expected."""


def number(x, digits=3):
    return "-" if x is None else f"{x:.{digits}f}"


def share(x):
    return "-" if x is None else f"{100.0 * x:.0f}%"


def fraction(a, b):
    return f"{a}/{b}"


def names(items):
    return ", ".join(f"`{t}`" for t in items) if items else "none"


def table(header, rows):
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
    return "\n".join([line(header), "|" + " --- |" * len(header)] + [line(r) for r in rows])


def rank_text(row):
    return {"ranked": str(row.get("rank")), "preliminary": "prelim",
            "not_comparable": "n/c"}.get(row.get("standing"), "-")


def schema(board):
    return board["context"].get("json_schema_version", 1)


def board_rank(board, theory):
    for e in board["ranking"]["entries"]:
        if e["theory"] == theory:
            return e["rank"]
    return "?"


# ------------------------------------------------------------------------------ leaderboard


def leaderboard_v1(board):
    rows = [[r["rank"] if r["rank"] is not None else "-", r["theory"], r["family"],
             number(r["mean_abs_error"]), fraction(r["cells_applicable"], r["cells_total"]),
             share(r["inside_ci_share"]), number(r["skill"], 2), number(r["mean_curve_error"]),
             r["cells_failed"]] for r in board["leaderboard"]]
    return table(["rank", "theory", "family", "MAE", "coverage", "inside CI", "skill",
                  "curve err", "failed"], rows)


def leaderboard_v2(board):
    rows = []
    for r in board["leaderboard"]:
        compared = r["standing"] != "unscored"
        nulls = "-"
        if r["is_null"]:
            nulls = "(null)"
        elif r["nulls_compared"] > 0:
            nulls = "yes" if not r["nulls_not_beaten"] else "no: " + ", ".join(
                r["nulls_not_beaten"])
        home = "-" if r["home_scored"] == 0 else fraction(r["home_validated"], r["home_scored"])
        rows.append([
            rank_text(r), r["theory"] + (" (null)" if r["is_null"] else ""),
            f'{r["compared_cells"]} ({r["compared_families"]})' if compared else "-",
            r["opponents"] if compared else "-", r["beaten_by"] if compared else "-",
            share(r["consistent_share"]), number(r["weighted_abs_error"]), nulls,
            fraction(r["cells_applicable"], r["cells_total"]), home])
    text = table(["rank", "theory", "cells (fam)", "vs", "beaten by", "consistent", "|err|",
                  "beats nulls", "coverage", "home pass"], rows)
    ranking = board["ranking"]
    groups = "; ".join(f'{board_rank(board, g[0])}: {", ".join(g)}'
                       for g in ranking["tie_groups"]) or "none ranked"
    options = ranking["options"]
    notes = [f"Tie groups: {groups}."]
    preliminary = [e["theory"] for e in ranking["entries"] if e["standing"] == "preliminary"]
    if preliminary:
        notes.append(f'Preliminary (fewer than {options["min_cells"]} compared cells or '
                     f'{options["min_families"]} dataset families): {", ".join(preliminary)}.')
    disagreements = ranking["bradley_terry_disagreements"]
    notes.append("Bradley-Terry check: " + ("agrees with the ranks." if not disagreements else
                                            "disagrees: " + "; ".join(disagreements) + "."))
    return text + "\n\n" + " ".join(notes)


def render_leaderboard(board):
    return leaderboard_v1(board) if schema(board) < 2 else leaderboard_v2(board)


# ----------------------------------------------------------------------------- oracle split


def oracle_cells(board):
    """The cells of the oracle split, grouped by theory.

    A theory's oracle cells are those where it predicted from both the measured and the oracle
    profile and the measured exponent converged (harness/score/score.cc, AggregateTheory): there
    theory error = |pred(oracle) - measured| and estimation error = |pred(measured) -
    pred(oracle)|, home and away cells alike.
    """
    by_theory = {}
    for c in board["cells"]:
        oracle = c.get("oracle")
        if not oracle or oracle["theory_error"] is None or oracle["estimation_error"] is None:
            continue
        by_theory.setdefault(c["theory"], []).append(c)
    return by_theory


def mean(values):
    return sum(values) / len(values) if values else None


def noise_of(cells):
    """The measured noise: mean half-width of the measured exponents' 95% intervals."""
    return mean([(c["measured_ci"]["upper"] - c["measured_ci"]["lower"]) / 2 for c in cells
                 if None not in (c["measured_ci"]["lower"], c["measured_ci"]["upper"])])


def oracle_verdict(theory, estimation, noise):
    if noise is not None and theory <= noise and estimation <= noise:
        return "both small"
    if theory >= DOMINANCE * estimation:
        return "mostly the theory's"
    if estimation >= DOMINANCE * theory:
        return "mostly the probes'"
    return "both"


def oracle_rows(board):
    """Per theory with oracle cells, in leaderboard order: (row, cells, noise, verdict). The
    means are the leaderboard row's; the cells give the measured noise."""
    by_theory = oracle_cells(board)
    out = []
    for r in board["leaderboard"]:
        if r["oracle_cells"] == 0:
            continue
        cells = by_theory.get(r["theory"], [])
        if len(cells) != r["oracle_cells"]:
            raise BlockError(f'{r["theory"]}: the leaderboard row counts {r["oracle_cells"]} '
                             f"oracle cells, the cells list has {len(cells)}")
        noise = noise_of(cells)
        out.append((r, cells, noise, oracle_verdict(r["mean_theory_error"],
                                                    r["mean_estimation_error"], noise)))
    return out


def family_of(target):
    return target.split("/")[0]


def oracle_family_rows(board):
    """Per target family that has an oracle, over the non-null theories' oracle cells: the same
    split; and the families without one, and the target counts."""
    nulls = set(board.get("null_theories", []))
    targets, with_oracle = {}, {}
    for c in board["cells"]:
        family = family_of(c["target"])
        targets.setdefault(family, set()).add(c["target"])
        if "oracle" in c:
            with_oracle.setdefault(family, set()).add(c["target"])
    cells = {}
    for theory, theory_cells in oracle_cells(board).items():
        if theory in nulls:
            continue
        for c in theory_cells:
            cells.setdefault(family_of(c["target"]), []).append(c)
    rows = []
    for family in sorted(with_oracle):
        fc = cells.get(family, [])
        theory = mean([c["oracle"]["theory_error"] for c in fc])
        estimation = mean([c["oracle"]["estimation_error"] for c in fc])
        noise = noise_of(fc)
        rows.append([f"`{family}`", fraction(len(with_oracle[family]), len(targets[family])),
                     len(fc), number(theory), number(estimation), number(noise),
                     oracle_verdict(theory, estimation, noise) if fc else "-"])
    without = sorted(f for f in targets if f not in with_oracle)
    return (rows, without, sum(len(t) for t in with_oracle.values()),
            sum(len(t) for t in targets.values()))


def render_oracle_split(board):
    if schema(board) < 2:
        return ("This file is json_schema_version 1, written before the oracle split; "
                "`scripts/update-results.sh` regenerates it.")
    families, without, n_oracle, n_targets = oracle_family_rows(board)
    head = f"Oracle profiles: {n_oracle} of {n_targets} targets"
    head += f"; none in {names(without)}." if without else "."
    rows = oracle_rows(board)
    if not rows:
        return head + " No theory predicted from both profiles on a converged curve."
    nulls = set(board.get("null_theories", []))
    return "\n\n".join([
        head,
        table(["target family", "targets with oracle", "cells", "theory error",
               "estimation error", "measured noise", "misses are"], families),
        table(["theory", "oracle cells (home)", "theory error", "estimation error",
               "measured noise", "misses are"],
              [[f'`{r["theory"]}`' + (" (null)" if r["theory"] in nulls else ""),
                f'{len(cells)} ({sum(1 for c in cells if c["home"])})',
                number(r["mean_theory_error"]), number(r["mean_estimation_error"]),
                number(noise), verdict] for r, cells, noise, verdict in rows]),
        "Theory error = mean `|pred(oracle) - measured|`, the theory's own miss given the exact "
        "inputs; estimation error = mean `|pred(measured profile) - pred(oracle)|`, what the "
        "probes cost; both over the cells where the theory predicted from both profiles and the "
        "curve's fit converged, home cells included (the family table leaves the null "
        "references out). Measured noise = mean half-width of the measured exponents' 95% "
        "intervals on the same cells. *Both small*: both errors within the noise; else *mostly "
        f"the theory's* (or *the probes'*) when its error is at least {DOMINANCE:g}x the "
        "other's; else *both*."])


# ---------------------------------------------------------------------------------- verdict


def render_verdict(board):
    if schema(board) < 2:
        return ("This file is json_schema_version 1, written before the verdict: it has no "
                "ranking, no validation and no oracle split (the table below is the old MAE "
                "ordering); `scripts/update-results.sh` regenerates it.")
    rows = board["leaderboard"]
    ranking = board["ranking"]
    options = ranking["options"]

    def standing(s):
        return [r["theory"] for r in rows if r["standing"] == s]

    ranked, preliminary = standing("ranked"), standing("preliminary")
    nulls = board.get("null_theories", [])
    lines = [
        f"- **{len(ranked)} of {len(rows)} theories ranked** on away cells ({len(rows)} counting "
        f"the null references {names(nulls)}); **{len(preliminary)} preliminary**, compared on "
        f'fewer than {options["min_cells"]} cells or {options["min_families"]} dataset families '
        "(`prelim` in the table)."]
    text = {"not_comparable": "**Not comparable** (no cell shared with the others)",
            "unscored": "**No away cell scored** (validated on home targets only)"}
    for s in ("not_comparable", "unscored"):
        if standing(s):
            lines.append(f"- {text[s]}: {names(standing(s))}.")
    groups = ranking["tie_groups"]
    if groups:
        top = groups[0]
        error = {r["theory"]: r["weighted_abs_error"] for r in rows}
        lines.append(
            f"- **Top tie group (rank {board_rank(board, top[0])}):** "
            + ", ".join(f"`{t}` (|err| {number(error.get(t))})" for t in top)
            + ": no ranked theory is significantly better than these."
            + "".join(f" The group includes the null reference `{t}`: no ranked theory does "
                      "significantly better than it." for t in top if t in nulls))
    else:
        lines.append("- **No theory is ranked** yet.")
    home = [r for r in rows if r["home_scored"] > 0]
    homeless = [r["theory"] for r in rows if r["home_cells"] == 0 and not r["is_null"]]
    unscored_home = [r["theory"] for r in rows if r["home_cells"] > 0 and r["home_scored"] == 0]
    passed = sum(r["home_validated"] for r in home)
    scored = sum(r["home_scored"] for r in home)
    unscored_cells = sum(r["home_cells"] - r["home_scored"] for r in rows)
    text = (f"- **Validation on home targets:** {passed} of {scored} scored home cells pass "
            f"({unscored_cells} more not scored; pass = inside the measured CI or the target's "
            "stated allowance): "
            + ", ".join(f'`{r["theory"]}` {fraction(r["home_validated"], r["home_scored"])}'
                        for r in home) + ".")
    if unscored_home:
        text += f" Home cells but none scored: {names(unscored_home)}."
    if homeless:
        text += f" No home target: {names(homeless)}."
    lines.append(text)
    split = [(r, verdict) for r, cells, noise, verdict in oracle_rows(board)
             if r["theory"] not in nulls]
    if split:
        verdicts = {}
        for r, verdict in split:
            verdicts.setdefault(verdict, []).append(r["theory"])
        order = ["mostly the theory's", "mostly the probes'", "both", "both small"]
        lines.append(
            f"- **Oracle split** ({len(split)} theories predicted on targets that know their "
            "generating parameters; the full suite's table is under \"Known limitations\"): "
            "misses are "
            + "; ".join(f"*{v}* for {names(verdicts[v])}" for v in order if v in verdicts)
            + ".")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------ driver

def render_joint(board):
    """The joint (N, D) fits (schema 3): measured, not scored."""
    rows = []
    for note in board.get("joint_fits", []):
        f = note["fit"]

        def ci(name):
            interval = f.get(name + "_ci") or {}
            return interval_text(f.get(name), interval.get("lower"), interval.get("upper"))
        status = f["status"] if f["status"] == "converged" else f"{f['status']}: {f['message']}"
        rows.append([note["target"], str(f["num_points"]), ci("params_exponent"),
                     ci("data_exponent"), ci("offset"), ci("params_allocation"),
                     ci("data_allocation"), status])
    if not rows:
        raise BlockError("no joint (N, D) fit in this file (json_schema_version >= 3 records them)")
    return table(["target", "points", "a (N)", "b (D)", "E", "N* ~ C^", "D* ~ C^", "fit"], rows)


RENDERERS = {"leaderboard": render_leaderboard, "verdict": render_verdict,
             "oracle-split": render_oracle_split, "joint": render_joint}


def interval_text(value, lower, upper):
    if value is None:
        return "-"
    if lower is None or upper is None:
        return number(value)
    return f"{number(value)} [{number(lower)}, {number(upper)}]"


def render_cells(board, filters):
    rows = []
    for c in board["cells"]:
        if not all(any(fnmatch.fnmatchcase(c[key], p) for p in patterns.split(","))
                   for key, patterns in filters.items()):
            continue
        measured = c.get("measured")
        ci = c.get("measured_ci") or {}
        measured_text = (interval_text(measured, ci.get("lower"), ci.get("upper"))
                         if c.get("fit_status") == "converged" else
                         f"({c.get('fit_status', '-')})")
        if c["status"] == "predicted":
            p = c["predicted"]
            predicted = interval_text(p["value"], p.get("lower"), p.get("upper"))
            verdict = "consistent" if c.get("consistent") else (
                f"off by {number(c['abs_error'])}" if c.get("abs_error") is not None
                else "not scored")
        else:
            predicted = c["status"].replace("_", " ")
            verdict = (c.get("not_applicable_reason") or c.get("error") or
                       c["status"]).split(";")[0]
        rows.append((c["target"], c["axis"], c["theory"], predicted, measured_text, verdict))
    if not rows:
        raise BlockError(f"no cell matches {' '.join(f'{k}={v}' for k, v in filters.items())}")
    rows.sort()
    return table(["target", "axis", "theory", "predicted", "measured [95% CI]", "verdict"],
                 [list(r) for r in rows])


def parse_filters(args):
    filters = {}
    for item in args.split():
        key, _, pattern = item.partition("=")
        if key not in CELL_FILTERS:
            raise BlockError(f"unknown filter '{key}' (valid: {', '.join(CELL_FILTERS)})")
        filters[key] = pattern
    return filters


def render(kind, path, args=""):
    if args.strip() and kind != "cells":
        raise BlockError(f"the {kind} block takes no filters ('{args.strip()}')")
    if kind not in RENDERERS and kind != "cells":
        raise BlockError(f"unknown block kind '{kind}' (valid: {', '.join([*RENDERERS, 'cells'])})")
    file = ROOT / path
    try:
        board = json.loads(file.read_text())
    except OSError as e:
        raise BlockError(f"cannot read {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise BlockError(f"{path}:{e.lineno}: not JSON ({e.msg})")
    try:
        context = board["context"]
        body = (render_cells(board, parse_filters(args)) if kind == "cells" else
                RENDERERS[kind](board))
    except KeyError as e:
        raise BlockError(f"{path}: missing field {e} (json_schema_version "
                         f"{board.get('context', {}).get('json_schema_version', '?')})")
    source = (f"<!-- generated by scripts/readme-leaderboard.py from {path} "
              f"(suite {context['suite']}, commit {context['git_commit'][:12]}); "
              "do not edit by hand -->")
    return source + "\n\n" + body + "\n\n"


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a block differs from what its JSON gives")
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    args = parser.parse_args()
    readme = pathlib.Path(args.readme)
    try:
        text = readme.read_text()
    except OSError as e:
        print(f"{readme}: cannot read: {e.strerror}", file=sys.stderr)
        return 1
    blocks = list(BLOCK.finditer(text))
    if not blocks:
        print(f"{readme}: no '<!-- KIND:begin PATH -->' block", file=sys.stderr)
        return 1
    starts = {m.start() for m in blocks}
    for m in BEGIN.finditer(text):
        if m.start() not in starts:
            print(f"{readme}:{line_of(text, m.start())}: '{m.group(0)}' has no "
                  f"'<!-- {m.group('kind')}:end -->' after it", file=sys.stderr)
            return 1
    stale, errors = [], []

    def replace(match):
        kind, path = match.group("kind"), match.group("path")
        try:
            fresh = render(kind, path, match.group("args"))
        except BlockError as e:
            errors.append(f"{readme}:{line_of(text, match.start())}: {kind} block: {e}")
            return match.group(0)
        if fresh != match.group("body"):
            stale.append((kind, path, match.group("body"), fresh))
        return match.group(1) + fresh + match.group(6)

    updated = BLOCK.sub(replace, text)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    if args.check:
        for kind, path, old, new in stale:
            print(f"{readme}: the {kind} block generated from {path} is stale; run "
                  "scripts/readme-leaderboard.py", file=sys.stderr)
            sys.stderr.writelines(difflib.unified_diff(
                old.splitlines(True), new.splitlines(True), "README.md", path, n=0))
        return 1 if stale else 0
    if updated != text:
        readme.write_text(updated)
    print(f"{readme}: {len(blocks)} block(s), {len(stale)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
