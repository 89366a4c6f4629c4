#!/usr/bin/env bash
# floatlab's test command (README, .ci/run): installs what is missing, builds and runs the
# CI tier of the suite, then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (at reduced sizes), the compile-contract checks and the CMake package test.
#   bash tests/run.sh            everything above
#   FLOATLAB_SKIP_SANITIZERS=1   skip the sanitizer pass
#   bash tests/run.sh full       the hand-run exhaustive tier (9- to 12-bit formats; hours)
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DFLOATLAB_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build -j"$jobs"

if [ "${1:-}" = "full" ]; then
  cmake -S . -B build -DFLOATLAB_FULL_TESTS=ON >/dev/null
  cmake --build build -j"$jobs"
  ctest --test-dir build -L full --output-on-failure -j"$jobs"
  exit 0
fi

ctest --test-dir build -L ci --output-on-failure -j"$jobs"

if [ -z "${FLOATLAB_SKIP_SANITIZERS:-}" ]; then
  cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1" -DFLOATLAB_SANITIZE=ON -DFLOATLAB_CUDA_TESTS=OFF \
    -DFLOATLAB_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build build-sanitize -j"$jobs"
  FLOATLAB_TEST_SCALE=0.05 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-sanitize -L ci --output-on-failure -j"$jobs"
fi
