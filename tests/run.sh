#!/usr/bin/env bash
# floatlab's test command (README, .ci/run): installs what is missing, checks the format and
# clang-tidy of the headers, builds and runs the CI tier of the suite, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer at reduced sizes. The CI tier includes
# the compile-contract checks (each header alone, expected static_assert messages) and the
# CMake package test. Build settings live in CMakePresets.json (presets ci, sanitize, full).
#   bash tests/run.sh            everything above
#   FLOATLAB_SKIP_SANITIZERS=1   skip the sanitizer pass
#   FLOATLAB_SANITIZE_ALL=1      the sanitizer pass over every test (CI: all but the
#                                exhaustive sweeps listed in tests/CMakeLists.txt)
#   bash tests/run.sh full       the hand-run exhaustive tier (9- to 12-bit formats; hours)
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
jobs=$(nproc)

if [ "${1:-}" = "full" ]; then
  cmake --preset full >/dev/null
  cmake --build --preset full -j"$jobs"
  ctest --preset full -j"$jobs"
  exit 0
fi

bash tools/check_format.sh
bash tools/run_tidy.sh

cmake --preset ci >/dev/null
cmake --build --preset ci -j"$jobs"
ctest --preset ci -j"$jobs"

if [ -z "${FLOATLAB_SKIP_SANITIZERS:-}" ]; then
  # The test preset sets FLOATLAB_TEST_SCALE=0.05 and UBSAN_OPTIONS.
  cmake --preset sanitize -DFLOATLAB_SANITIZE_ALL=$([ -n "${FLOATLAB_SANITIZE_ALL:-}" ] && echo ON || echo OFF) >/dev/null
  cmake --build --preset sanitize -j"$jobs"
  ctest --preset sanitize -j"$jobs"
fi
