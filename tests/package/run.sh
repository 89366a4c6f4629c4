#!/usr/bin/env bash
# Installs floatlab to a scratch prefix and builds a consumer with find_package, then the
# same consumer with add_subdirectory. Args: <floatlab source dir> <scratch dir>.
set -euo pipefail
src=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DFLOATLAB_BUILD_TESTS=OFF -DFLOATLAB_BUILD_EXAMPLES=OFF -DFLOATLAB_BUILD_TOOLS=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --install "$work/build" >/dev/null
cmake -S "$src/tests/package/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer"
cmake -S "$src/tests/package/consumer" -B "$work/consumer-subdir" -DFLOATLAB_SOURCE_DIR="$src" >/dev/null
cmake --build "$work/consumer-subdir" >/dev/null
"$work/consumer-subdir/consumer"
echo "package consumer: find_package and add_subdirectory both work"
