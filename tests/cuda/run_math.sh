#!/usr/bin/env bash
# tests/cuda/run_math.sh: build tests/cuda/math_kernel.cu and run it on a GPU machine (nvcc only:
# no CMake, MPFR or Catch2 needed). The build compiles the file as 31 CUDA parts and its CPU
# reference (tests/cuda/math_ref.cpp, g++) as 30 more, in parallel (one TU with every
# instantiation took over 10 minutes of nvcc; see math_kernel.cu); the run about a minute. Prints, and writes to $OUT/math.log (default ./gpu-out):
#   1. the whole math call, GPU vs CPU, on every input of binary16 (nearest even, upward,
#      stochastic<8>), bfloat16 (toward zero, downward), e4m3 (nearest even): mismatches per
#      function (must be 0);
#   2. the GPU float step alone (math.hpp gpu_float_step) on every input of 12 formats of at
#      most 16 bits x the 6 deterministic modes x 10 functions: "fn mismatches/declined%" (the
#      mismatches must be 0; declined inputs take the exact path, checked by 1);
#   4. the GPU double step alone (session 13) on every input of binary32 and tf32 x 6 modes x 10
#      functions against the GPU's exact path, and a 2^20 sample GPU vs CPU (must be 0);
#   3. the throughput table: floatlab binary16 / bfloat16 / binary32 exp, tanh, sin beside CUDA's
#      float functions, ratio = floatlab / CUDA (target >= 0.33), and the float step's decline rate.
# The last line says "math on the GPU equals the CPU bit for bit" or "N CHECKS FAILED"; rc 0 / 1.
# Usage: bash tests/cuda/run_math.sh [build] [run] [--no-bench]   (default: build run)
#        env: ARCH=sm_90 NVCC=nvcc CXX=g++ B=/tmp/floatlab-cuda OUT=gpu-out JOBS=nproc
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"; B=${B:-/tmp/floatlab-cuda}; mkdir -p "$B/math_parts"
ARCH=${ARCH:-sm_90}
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
CXX=${CXX:-g++}
steps=() args=()
for a in "$@"; do case "$a" in build|run) steps+=("$a");; *) args+=("$a");; esac; done
[ ${#steps[@]} -eq 0 ] && steps=(build run)
has() { [[ " ${steps[*]} " == *" $1 "* ]]; }
if has build; then
  echo "== build math_kernel: 31 CUDA parts ($NVCC -arch=$ARCH) + 30 CPU reference parts ($CXX) ($(date +%T))"
  start=$(date +%s)
  P=$B/math_parts; rm -f "$P"/*.o "$P"/*.log
  jobs_max=${JOBS:-$(nproc)}
  pids=()
  spawn() {  # name, command...: at most jobs_max at once
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 1; done
    local name=$1; shift
    "$@" > "$P/$name.log" 2>&1 &
    pids+=($!)
  }
  CU="$NVCC -std=c++17 -O3 -arch=$ARCH -Iinclude -Itests -lineinfo -DFLOATLAB_MATH_SPLIT -c tests/cuda/math_kernel.cu"
  REF="$CXX -std=c++17 -O2 -Iinclude -Itests -c tests/cuda/math_ref.cpp"
  # the heaviest first: the whole-call parts (7 functions of math.hpp for the device each)
  for k in 0 1 2 3 4 5; do spawn "full$k" $CU -DFLOATLAB_MATH_FULL=$k -o "$P/full$k.o"; done
  spawn main $CU -o "$P/main.o"
  for k in 0 1 2 3 4 5; do spawn "ref_full$k" $REF -DFLOATLAB_MATH_FULL=$k -o "$P/ref_full$k.o"; done
  # session 13: the double step's parts (binary32 / tf32 x mode), as heavy as the whole-call ones
  for k in 0 1 2 3 4 5 6 7 8 9 10 11; do
    spawn "dstep$k" $CU -DFLOATLAB_MATH_DSTEP=$k -o "$P/dstep$k.o"
    spawn "ref_dstep$k" $REF -DFLOATLAB_MATH_DSTEP=$k -o "$P/ref_dstep$k.o"
  done
  for k in 0 1 2 3 4 5 6 7 8 9 10 11; do
    spawn "step$k" $CU -DFLOATLAB_MATH_STEP=$k -o "$P/step$k.o"
    spawn "ref_step$k" $REF -DFLOATLAB_MATH_STEP=$k -o "$P/ref_step$k.o"
  done
  fail=0
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
  if [ "$fail" = 1 ] || ! "$NVCC" -arch="$ARCH" "$P"/*.o -o "$B/math_kernel" > "$P/link.log" 2>&1; then
    for f in "$P"/*.log; do grep -qi "error" "$f" && { echo "-- $f"; grep -i -B2 -A6 "error" "$f" | head -40; }; done
    echo "BUILD FAILED"; exit 2
  fi
  echo "== built in $(( $(date +%s) - start )) s ($(date +%T))"
fi
if has run; then
  echo "== run math_kernel ${args[*]:-} ($(date +%T))"
  timeout 300 "$B/math_kernel" "${args[@]}" 2>&1 | tee "$OUT/math.log"
  rc=${PIPESTATUS[0]}
  echo "== math_kernel rc=$rc ($(date +%T))"
  nvidia-smi --query-gpu=name,clocks.sm,clocks.mem --format=csv 2>/dev/null
  exit "$rc"
fi
