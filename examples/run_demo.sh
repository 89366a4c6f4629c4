#!/usr/bin/env bash
# floatlab's demo command (README): installs what is missing, builds the accuracy benchmark
# tool floatlab-accuracy, and runs
#   1. a format sweep: sums, dot products, GEMM and convolution in binary16, bfloat16, tf32,
#      e5m2, e4m3, cfloat<6,9>, block fixed point and MXFP8, nearest vs stochastic rounding,
#      against MPFR, on data in the formats' range and on data that reaches their overflow;
#   2. a short training run on a Fashion-MNIST subset: an MLP in FP32, bfloat16, binary16 with
#      loss scaling, FP8, 8-bit block fixed point, MXFP4 and MuPPET switching;
#   3. the same schemes on the small CNN (conv, ReLU, pooling), 2 epochs;
#   4. MuPPET long enough to switch: the MLP for 30 epochs on 3000 images, beside FP32 and the
#      fixed schedule (the paper's thresholds need 7+ epochs per level).
# The runs take about 4 CPU-minutes, the build about 2.5; under 10 minutes on 2 cores with the
# package installation. Outputs (CSV, PNG plots, summary.md) go to
#   $HOME/floatlab-accuracy-out/demo-<UTC time>/{sweep,train,train_cnn,muppet}
# or to the folder given as the first argument. The full options: floatlab-accuracy <command> --help.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
bash "$src/.ci/install-deps.sh"
out="${1:-${HOME:-/tmp}/floatlab-accuracy-out/demo-$(date -u +%Y%m%d-%H%M%S)}"
build="${FLOATLAB_DEMO_BUILD:-$src/build-demo}"  # an existing build folder may be reused
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLOATLAB_BUILD_TESTS=OFF -DFLOATLAB_BUILD_EXAMPLES=OFF \
  -DFLOATLAB_BUILD_TOOLS=ON >/dev/null
echo "building floatlab-accuracy (about 2 minutes on 2 cores)"
cmake --build "$build" --target floatlab-accuracy -j"$(nproc)" >/dev/null
tool="$build/tools/accuracy/floatlab-accuracy"

"$tool" sweep --formats 'binary16,bfloat16,tf32,e5m2,e4m3,cfloat<6,9>,bfp8/32,mxfp8_e4m3' \
  --modes 'nearest,stochastic<16>' --tasks sum,dot,gemm,conv --dist uniform,wide,overflow \
  --n 1e1,1e2,1e3,1e4,1e5,1e6 --gemm-k 16,64,256,1024 --conv-c 1,4,16,32 --reps 5 --out "$out/sweep"

"$tool" train --model mlp --schemes fp32,bf16,fp16,fp8,bfp8,mxfp4,muppet --epochs 6 \
  --train-subset 4000 --test-subset 2000 --out "$out/train"

"$tool" train --model cnn --schemes fp32,bf16,fp16,fp8,bfp8,mxfp4 --epochs 2 \
  --train-subset 3000 --test-subset 1000 --out "$out/train_cnn"

"$tool" train --model mlp --schemes fp32,muppet,schedule --epochs 30 \
  --train-subset 3000 --test-subset 1000 --out "$out/muppet"

echo
echo "demo outputs: $out"
echo "  $out/sweep/summary.md   how to read the sweep plots (sweep_sum_uniform.png: nearest rounding stagnates)"
echo "  $out/train/summary.md   final accuracy table and training curves (train_accuracy.png)"
echo "  $out/train_cnn/summary.md   the same for the CNN"
echo "  $out/muppet/summary.md  MuPPET's switch epochs; muppet_seed1.png: ratio p against the threshold"
