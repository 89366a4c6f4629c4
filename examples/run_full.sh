#!/usr/bin/env bash
# The full training run of docs/accuracy.md, as one command: the CNN and the MLP on the whole
# Fashion-MNIST set, every scheme, 3 seeds, enough epochs for MuPPET to reach FP32 (a level
# lasts at least 7 epochs with the paper's r = 3 and gamma = 2, so FP32 comes after epoch 28 at
# the earliest; on the full set the MLP reached bfp16 after epoch 33, FP32 after 41+). Writes
#   OUT/cnn/ and OUT/mlp/   each floatlab-accuracy train's folder (CSV, plots, summary.md)
#   OUT/summary.md          both final tables (mean and min..max over seeds, difference from
#                           FP32 per seed) and the MuPPET switch epochs
#
#   bash examples/run_full.sh [OUT] [THREADS]
#   environment: EPOCHS (default 45), SEEDS (1,2,3), SCHEMES (all), MODELS (cnn mlp),
#                TRAIN_SUBSET / TEST_SUBSET (0 = all), CHANNELS (the CNN's, default 8,16),
#                FLOATLAB_DEMO_BUILD (build folder to reuse; REBUILD=1 rebuilds it)
#
# Cost (measured on this project's 2-core machine, docs/accuracy.md "Training cost per scheme"):
# about 66 CPU-seconds per epoch and scheme for the CNN (channels 8,16) and 12 for the MLP, so
# 12 schemes x 3 seeds x 45 epochs take about 30 CPU-hours for the CNN and 5 for the MLP: about
# 2.2 hours on 16 cores (EPOCHS=30: 1.5). Runs (scheme x seed) spread over the threads; the
# results do not depend on THREADS. Not for the shared 2-core machine.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-${HOME:-/tmp}/floatlab-accuracy-out/full-$(date -u +%Y%m%d-%H%M%S)}"
threads="${2:-$(nproc)}"
epochs="${EPOCHS:-45}"
seeds="${SEEDS:-1,2,3}"
schemes="${SCHEMES:-fp32,bf16,fp16,fp8,bfp8,bfp12,bfp14,bfp16,muppet,schedule,mxfp4,nvfp4}"
models="${MODELS:-cnn mlp}"
build="${FLOATLAB_DEMO_BUILD:-$src/build-demo}"
tool="$build/tools/accuracy/floatlab-accuracy"
if [ ! -x "$tool" ] || [ -n "${REBUILD:-}" ]; then
  bash "$src/.ci/install-deps.sh"
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLOATLAB_BUILD_TESTS=OFF -DFLOATLAB_BUILD_EXAMPLES=OFF \
    -DFLOATLAB_BUILD_TOOLS=ON >/dev/null
  cmake --build "$build" --target floatlab-accuracy -j"$threads" >/dev/null
fi
mkdir -p "$out"
for model in $models; do
  extra=()
  [ "$model" = cnn ] && extra=(--channels "${CHANNELS:-8,16}")
  "$tool" train --model "$model" --schemes "$schemes" --epochs "$epochs" --seeds "$seeds" --threads "$threads" \
    --train-subset "${TRAIN_SUBSET:-0}" --test-subset "${TEST_SUBSET:-0}" "${extra[@]}" --out "$out/$model"
done

# One summary of both models: each run's final table and MuPPET section.
{
  echo "# floatlab-accuracy: full training run"
  echo
  echo "\`bash examples/run_full.sh $out $threads\` with EPOCHS=$epochs SEEDS=$seeds, schemes $schemes."
  echo "Each model's folder holds its CSV files, plots and summary.md (how to read them: docs/accuracy.md)."
  for model in $models; do
    echo
    echo "## $model"
    echo
    # The final table and the MuPPET section of the model's summary.md.
    sed -n '/^## Final accuracy/,/^## Schemes/p' "$out/$model/summary.md" | sed '1d;$d'
    echo "Plots: [$model/train_accuracy.png]($model/train_accuracy.png), [$model/train_loss.png]($model/train_loss.png)"
    for p in "$out/$model"/muppet_seed*.png; do
      [ -e "$p" ] && echo "  [$model/$(basename "$p")]($model/$(basename "$p"))"
    done
  done
} > "$out/summary.md"
echo
echo "full run outputs: $out/summary.md (and $out/{$(echo "$models" | tr ' ' ',')}/)"
