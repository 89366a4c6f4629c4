#!/bin/bash
# check_block.sh CXX INCLUDE_DIR: compiles block_quantize.cpp at -O3 -march=x86-64-v3 and
# requires GCC's -fopt-info-vec report to show each loop of detail::quantize_run (the lines of
# floatlab/block.hpp that read "for (std::size_t i = 0; i < len; ++i)": nearest-even and
# stochastic) vectorized in both float instantiations that block_quantize<int8_t> inlines (one
# scale per run, one scale per element), i.e. at least two "loop vectorized using 32 byte
# vectors" per line. The double instantiations do not vectorize without AVX-512 (no double ->
# int64 conversion), so they are not counted.
set -u
cxx=$1; inc=$2; here=$(dirname "$0")
header=$inc/floatlab/block.hpp
report=$("$cxx" -std=c++17 -O3 -march=x86-64-v3 -fopt-info-vec-optimized -I"$inc" -c "$here/block_quantize.cpp" -o /dev/null 2>&1) || { echo "$report"; exit 1; }
mapfile -t lines < <(grep -n 'for (std::size_t i = 0; i < len; ++i)' "$header" | cut -d: -f1)
fail=0
for line in "${lines[@]}"; do
  n=$(grep -c "block.hpp:$line:[0-9]*: optimized: loop vectorized using 32 byte vectors" <<<"$report")
  echo "block.hpp:$line vectorized in $n of 2 float instantiations: $(sed -n "${line}p" "$header" | sed 's/^ *//')"
  [ "$n" -ge 2 ] || fail=1
done
[ "${#lines[@]}" -eq 2 ] || { echo "expected the 2 loops of quantize_run in $header, found ${#lines[@]}"; fail=1; }
exit $fail
