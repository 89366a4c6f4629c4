#!/usr/bin/env bash
# Installs the Debian packages floatlab's tests, benchmarks and demo need (only those missing).
# clang, clang-format, clang-tidy: the header contract under clang++ and the format/tidy checks.
set -euo pipefail
packages=(cmake g++ make catch2 libmpfr-dev libgmp-dev libboost-dev libqd-dev libbenchmark-dev clang clang-format clang-tidy libfmt-dev
          zlib1g-dev gnuplot-nox dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
