#!/usr/bin/env bash
# tests/cuda/run_all.sh: build and run every CUDA test, compute-sanitizer and the GPU benchmark in
# one go on a GPU machine (nvcc only: no CMake, MPFR or Catch2 needed). Logs go to $OUT (or ./gpu-out).
# Usage: bash tests/cuda/run_all.sh [steps...]   steps: build test sanitize bench probe sass (default: all)
#        SKIP_MATH=1: without tests/cuda/math_kernel (minutes of compile)
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"; B=${B:-/tmp/floatlab-cuda}; mkdir -p "$B"
ARCH=${ARCH:-sm_90}
steps=${*:-build test sanitize bench probe}
has() { [[ " $steps " == *" $1 "* ]]; }
NVCC="nvcc -std=c++17 -O3 -arch=$ARCH -Iinclude -Itests -lineinfo"
log() { echo "== $* ($(date +%T))"; }
if has build; then
  log build
  # math_kernel takes minutes to compile (math.hpp's every function per instantiation): it
  # builds in the background, in parallel parts (tests/cuda/run_math.sh build), and its test
  # runs last.
  if [ -z "${SKIP_MATH:-}" ]; then
    B="$B" ARCH="$ARCH" OUT="$OUT" JOBS=8 bash tests/cuda/run_math.sh build > "$B/math_kernel.build.log" 2>&1 &
    MATH_PID=$!
  fi
  pids=()
  for t in tests/cuda/cfloat_kernel tests/cuda/expansion_kernel tests/cuda/tensor_kernels tests/cuda/block_kernels tests/cuda/mma_kernels bench/gpu/bench_tensor_kernels; do
    $NVCC "$t.cu" -o "$B/$(basename "$t")" > "$B/$(basename "$t").build.log" 2>&1 &
    pids+=($!)
  done
  for p in .dev/*.cu; do [ -f "$p" ] && { $NVCC "$p" -o "$B/$(basename "$p" .cu)" > "$B/$(basename "$p" .cu).build.log" 2>&1 & pids+=($!); }; done
  wait "${pids[@]}"
  for f in "$B"/*.build.log; do [ -s "$f" ] && { echo "-- $f"; tail -20 "$f"; }; done
  ls -la "$B"
fi
if has test; then
  for t in cfloat_kernel expansion_kernel tensor_kernels block_kernels mma_kernels; do
    log "test $t"; timeout 300 "$B/$t"; echo "rc=$?"
  done 2>&1 | tee "$OUT/tests.log"
fi
if has sanitize; then
  for tool in memcheck racecheck; do
    log "compute-sanitizer $tool"; timeout 240 compute-sanitizer --tool $tool "$B/tensor_kernels" --quick 2>&1 | tail -15; echo "rc=$?"
    log "compute-sanitizer $tool block_kernels"; timeout 240 compute-sanitizer --tool $tool "$B/block_kernels" 2>&1 | tail -8; echo "rc=$?"
    log "compute-sanitizer $tool mma_kernels"; timeout 240 compute-sanitizer --tool $tool "$B/mma_kernels" --quick 2>&1 | tail -4; echo "rc=$?"
  done 2>&1 | tee "$OUT/sanitize.log"
fi
if has bench; then
  log bench; timeout 300 "$B/bench_tensor_kernels" ${BENCH_ARGS:-4096 8192} 2>&1 | tee "$OUT/bench.log"
fi
if has probe; then
  for p in "$B"/floatlab_device_ops "$B"/emu_ceiling; do [ -x "$p" ] && { log "probe $p"; timeout 120 "$p"; }; done 2>&1 | tee "$OUT/probe.log"
fi
if has sass; then
  log sass; cuobjdump --dump-sass "$B/bench_tensor_kernels" > "$OUT/bench.sass" 2>&1; wc -l "$OUT/bench.sass"
fi
if { has test || has math; } && [ -z "${SKIP_MATH:-}" ]; then
  [ -n "${MATH_PID:-}" ] && wait "$MATH_PID"
  cat "$B/math_kernel.build.log" 2>/dev/null | tail -20
  log "test math_kernel"; timeout 200 "$B/math_kernel" 2>&1 | tee "$OUT/math.log"; echo "rc=$?"
fi
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem --format=csv
