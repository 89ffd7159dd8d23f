#!/usr/bin/env bash
# The CTest test of report.html in a real browser: re-scores the default suite from the committed
# cache into a temporary folder, checks its report.html in headless Chromium
# (check-report.mjs), then checks that the same check FAILS on four broken copies: a figure spec
# with an error, a console error, a request for a remote file, and a page whose figures never
# render. Run from the repository root: scripts/report/test-check-report.sh BUILD_DIR
set -euo pipefail
build="${1:?usage: test-check-report.sh BUILD_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/scalebench-report-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$build/harness/scalebench" run --quiet --results-dir "$work/out" --db "$work/history.sqlite" \
  >"$work/run.log" || { cat "$work/run.log"; echo "FAIL: scalebench run"; exit 1; }
report="$work/out/report.html"
node "$here/check-report.mjs" "$report"

# expect_failure NAME EXPECTED_TEXT FILE [check-report options]: the check must fail, saying why.
expect_failure() {
  local name="$1" expected="$2" file="$3"
  shift 3
  if node "$here/check-report.mjs" "$file" "$@" >"$work/$name.log" 2>&1; then
    cat "$work/$name.log"
    echo "FAIL: the check passed a report with $name"
    exit 1
  fi
  if ! grep -q -- "$expected" "$work/$name.log"; then
    cat "$work/$name.log"
    echo "FAIL: the check failed a report with $name without saying '$expected'"
    exit 1
  fi
  echo "ok: a report with $name fails the check ($(grep -c FAIL: "$work/$name.log") problem(s))"
}

# One figure's filter expression cut short: Vega cannot parse it.
sed "0,/datum.kind === 'band'/s//datum.kind ===/" "$report" >"$work/bad-spec.html"
cmp -s "$report" "$work/bad-spec.html" && { echo "FAIL: no spec to break"; exit 1; }
expect_failure "a broken figure spec" "did not render" "$work/bad-spec.html"

sed 's|^</body>$|<script>console.error("injected error")</script></body>|' "$report" \
  >"$work/console.html"
expect_failure "a console error" "console error: injected error" "$work/console.html"

sed 's|^</body>$|<img src="http://127.0.0.1:9/remote.png"></body>|' "$report" >"$work/remote.html"
expect_failure "a remote request" "network request" "$work/remote.html"

# Without the script that renders the figures, none renders.
sed 's|<script>$|<script type="text/plain">|' "$report" >"$work/unrendered.html"
cmp -s "$report" "$work/unrendered.html" && { echo "FAIL: no render script to remove"; exit 1; }
expect_failure "figures that never render" "not finished" "$work/unrendered.html" \
  --timeout-ms 3000
echo "test-check-report: all checks passed"
