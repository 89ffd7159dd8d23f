#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format (the repository's .clang-format)
# makes of it; prints the offending files. Run by CTest ("format") and usable by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cc' '*.h')
if clang-format --dry-run -Werror $files 2>/tmp/scalebench-format.$$; then
  rm -f /tmp/scalebench-format.$$
  echo "check-format: $(echo "$files" | wc -l) files formatted"
  exit 0
fi
grep -o '^[^:]*\.\(cc\|h\):' /tmp/scalebench-format.$$ | sort -u | sed 's/:$//; s/^/needs clang-format: /'
rm -f /tmp/scalebench-format.$$
exit 1
