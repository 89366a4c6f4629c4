#!/usr/bin/env bash
# Prebuilt train-only floatlab-accuracy binaries for examples/run_full_device.sh, made on the
# project machine so that the 16-core machine spends no command minutes compiling:
#   .dev/bin/floatlab-accuracy-train-v4   (-march=x86-64-v4: AVX-512)
#   .dev/bin/floatlab-accuracy-train-v3   (-march=x86-64-v3: AVX2)
# libstdc++ linked statically, no MPFR, no zlib (the device script decompresses the data).
# The device script takes the v4 one where the CPU has AVX-512, else v3, else builds with
# g++ there. About 3.5 CPU-minutes each (formats.cpp); BUILD_JOBS=1 for the shared machine.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$src/.dev/bin"
for v in ${VARIANTS:-v4 v3}; do
  t=$(ARCH="x86-64-$v" STATIC=1 BUILD="$src/build-device-$v" BUILD_JOBS="${BUILD_JOBS:-1}" \
      bash "$src/examples/run_full_device.sh" build | tail -1)
  cp "$t" "$src/.dev/bin/floatlab-accuracy-train-$v"
  echo "$src/.dev/bin/floatlab-accuracy-train-$v"
done
