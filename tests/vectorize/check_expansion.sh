#!/bin/bash
# check_expansion.sh CXX INCLUDE_DIR: compiles expansion_loops.cpp at -O3 -march=x86-64-v4 and
# requires GCC's -fopt-info-vec report to show every line marked LOOP vectorized. AVX-512
# (x86-64-v4): GCC 12 rewrites the kernels' exact 0/1 products into additions under a
# condition, which it if-converts only with mask registers, so at x86-64-v3 they stay scalar.
set -u
cxx=$1; inc=$2; here=$(dirname "$0")
src=$here/expansion_loops.cpp
report=$("$cxx" -std=c++17 -O3 -march=x86-64-v4 -fopt-info-vec-optimized -I"$inc" -c "$src" -o /dev/null 2>&1) || { echo "$report"; exit 1; }
mapfile -t lines < <(grep -n '// LOOP' "$src" | cut -d: -f1)
fail=0
for line in "${lines[@]}"; do
  if grep -q "expansion_loops.cpp:$line:[0-9]*: optimized: loop vectorized" <<<"$report"; then
    echo "vectorized: $(sed -n "${line}p" "$src" | sed 's/^ *//')"
  else
    echo "NOT vectorized: $(sed -n "${line}p" "$src" | sed 's/^ *//')"
    fail=1
  fi
done
[ "${#lines[@]}" -eq 7 ] || { echo "expected 7 loops in $src, found ${#lines[@]}"; fail=1; }
exit $fail
