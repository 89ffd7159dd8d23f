#!/usr/bin/env bash
# Installs the Debian packages scalebench builds with, only those that are missing, then the
# pinned npm packages of the HTML report (scripts/report/package-lock.json: Vega, Vega-Lite and
# vega-embed, inlined into report.html; playwright-core, which drives Debian's chromium in the
# report's browser check) into scripts/report/node_modules (ignored by git).
# Safe to run repeatedly; prints what it installs. Needs root (or sudo) when something is missing.
# Extra package names given as arguments are installed too (the bench scripts use this for their
# comparison tools, e.g. `scripts/install-deps.sh python3-torch`).
set -euo pipefail
# perl-doc: the English text of the `run --corpus` test (tests/language/corpus_identifiable_test.cc).
packages=(cmake ninja-build g++ libeigen3-dev libceres-dev libboost-math-dev catch2
          clang-format libbenchmark-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev libfmt-dev
          libopenblas0-openmp zlib1g-dev libsentencepiece-dev libopenmpi-dev openmpi-bin
          libtomlplusplus-dev libxtensor-dev
          dataset-fashion-mnist bible-kjv bible-kjv-text perl-doc python3 python3-pandas chromium "$@")
# Node.js and npm for the report tools, unless a Node.js with npm is installed already (e.g.
# NodeSource's nodejs package, which bundles npm and conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages already installed"
else
  echo "install-deps: installing missing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when the installed packages are not those of the lock file (a copy of the lock
# file marks a finished install).
report_tools="$(cd "$(dirname "$0")" && pwd)/report"
stamp="$report_tools/node_modules/.scalebench-package-lock.json"
if cmp -s "$report_tools/package-lock.json" "$stamp"; then
  echo "install-deps: report npm packages already installed (scripts/report/node_modules)"
else
  echo "install-deps: installing the pinned report npm packages into scripts/report/node_modules"
  (cd "$report_tools" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$report_tools/package-lock.json" "$stamp"
fi
echo "install-deps: done"
