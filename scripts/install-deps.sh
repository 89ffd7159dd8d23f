#!/usr/bin/env bash
# Installs the Debian packages scalebench builds with, only those that are missing.
# Safe to run repeatedly; prints what it installs. Needs root (or sudo) when something is missing.
# Extra package names given as arguments are installed too (the bench scripts use this for their
# comparison tools, e.g. `scripts/install-deps.sh python3-torch`).
set -euo pipefail
packages=(cmake ninja-build g++ libeigen3-dev libceres-dev libboost-math-dev catch2
          clang-format libbenchmark-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev libfmt-dev
          libopenblas0-openmp zlib1g-dev libsentencepiece-dev
          dataset-fashion-mnist bible-kjv bible-kjv-text "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages already installed"
  exit 0
fi
echo "install-deps: installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
