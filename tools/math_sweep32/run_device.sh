#!/usr/bin/env bash
# Every binary32 input of floatlab's exp, log, tanh, logistic (nearest-even; --modes all: the
# six deterministic modes) against the glibc + MPFR oracle, on all cores. Needs only g++ and an unpacked MPFR/GMP:
#
#   MPFR_PREFIX=/path/to/unpacked bash tools/math_sweep32/run_device.sh [math_sweep32 options]
#
# MPFR_PREFIX holds usr/include (mpfr.h; gmp.h there or in usr/include/x86_64-linux-gnu, as
# Debian's libgmp-dev puts it) and usr/lib/x86_64-linux-gnu (libmpfr.so*, libgmp.so*), e.g.
# `dpkg-deb -x` of libmpfr-dev, libmpfr6, libgmp-dev, libgmp10. Options pass through
# (--functions, --modes, --first/--count/--stride to shard, --threads; default: every core, all
# 2^32 patterns, the four functions). The log goes to $OUT/math_sweep32.txt when OUT is set,
# else to build-sweep/. Exit status 1 on any mismatch.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
prefix=${MPFR_PREFIX:?set MPFR_PREFIX to the directory holding usr/include and usr/lib/x86_64-linux-gnu}
lib=$prefix/usr/lib/x86_64-linux-gnu
pick() {  # the unversioned .so if present, else the highest versioned one
  local f
  for f in "$lib/$1.so" $(ls -1 "$lib/$1".so.* 2>/dev/null | sort -V -r); do
    [ -e "$f" ] && { echo "$f"; return; }
  done
  echo "run_device.sh: no $1.so* in $lib" >&2
  exit 2
}
mpfr_so=$(pick libmpfr)
gmp_so=$(pick libgmp)
build=$root/build-sweep
mkdir -p "$build"
log=${OUT:+$OUT/math_sweep32.txt}
log=${log:-$build/math_sweep32.txt}
{
  echo "host: $(uname -srm), $(nproc) cores; $(g++ --version | head -1)"
  echo "mpfr: $mpfr_so, gmp: $gmp_so"
} | tee "$log"
g++ -std=c++17 -O2 -pthread -Wall -Wextra -I"$root/include" -I"$prefix/usr/include" \
  -I"$prefix/usr/include/x86_64-linux-gnu" "$here/math_sweep32.cpp" -o "$build/math_sweep32" \
  "$mpfr_so" "$gmp_so" -Wl,-rpath,"$lib"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
start=$(date +%s)
status=0
"$build/math_sweep32" --threads "$(nproc)" "$@" | tee -a "$log" || status=$?
echo "wall: $(( $(date +%s) - start )) s, exit status $status" | tee -a "$log"
exit "$status"
