#!/bin/bash
# check.sh CXX INCLUDE_DIR: every line of loops.cpp marked "// VEC" must be reported vectorized.
set -u
cxx=$1; inc=$2; here=$(dirname "$0")
report=$("$cxx" -std=c++17 -O3 -march=x86-64-v3 -fopt-info-vec-optimized -I"$inc" -c "$here/loops.cpp" -o /dev/null 2>&1) || { echo "$report"; exit 1; }
fail=0; count=0
while IFS=: read -r line _; do
  count=$((count + 1))
  if ! grep -q "loops.cpp:$line:[0-9]*: optimized: loop vectorized" <<<"$report"; then
    echo "NOT VECTORIZED: $(sed -n "${line}p" "$here/loops.cpp")"; fail=1
  fi
done < <(grep -n "// VEC$" "$here/loops.cpp")
echo "$count loops checked"
[ "$count" -gt 0 ] && [ $fail -eq 0 ]
