#!/usr/bin/env bash
# floatlab's demo command (README): installs what is missing, builds the examples and runs
# the accuracy benchmark demo (sums and dot products in many formats and modes vs MPFR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake -S . -B build-examples -DCMAKE_BUILD_TYPE=Release -DFLOATLAB_BUILD_TESTS=OFF -DFLOATLAB_BUILD_EXAMPLES=ON >/dev/null
cmake --build build-examples -j"$(nproc)" --target accuracy_demo
./build-examples/examples/accuracy_demo "${1:-100000}" "${2:-accuracy_demo.csv}"
