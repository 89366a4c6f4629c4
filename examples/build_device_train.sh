#!/usr/bin/env bash
# Prebuilt train-only floatlab-accuracy binaries for examples/run_full_device.sh, made on the
# project machine so that the 16-core machine spends no command minutes compiling:
#   .dev/bin/floatlab-accuracy-train-v4   (-march=x86-64-v4: AVX-512)
#   .dev/bin/floatlab-accuracy-train-v3   (-march=x86-64-v3: AVX2)
#   .dev/bin/floatlab-accuracy-train-cuda (-march=x86-64-v3 + the CUDA back end: nvcc for
#                                          sm_90 SASS and compute_80 PTX, cudart static)
# libstdc++ linked statically, no MPFR, no zlib (the device script decompresses the data); the
# cuda one needs only the NVIDIA driver (libcuda.so) where it runs. The device script takes
# the cuda one for BACKEND=cuda / auto, else v4 where the CPU has AVX-512, else v3, else
# builds with g++ there. About 3.5 CPU-minutes each (formats.cpp) + ~20 s of nvcc;
# BUILD_JOBS=1 for the shared machine. VARIANTS picks some, e.g. VARIANTS=cuda.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$src/.dev/bin"
for v in ${VARIANTS:-v4 v3 cuda}; do
  arch="x86-64-$v"; cuda=0
  [ "$v" = cuda ] && arch=x86-64-v3 && cuda=1
  t=$(ARCH="$arch" CUDA=$cuda STATIC=1 BUILD="$src/build-device-$v" BUILD_JOBS="${BUILD_JOBS:-1}" \
      bash "$src/examples/run_full_device.sh" build | tail -1)
  cp "$t" "$src/.dev/bin/floatlab-accuracy-train-$v"
  echo "$src/.dev/bin/floatlab-accuracy-train-$v"
done
