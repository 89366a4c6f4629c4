#!/usr/bin/env bash
# The converged CNN table of docs/accuracy.md on one GPU machine: every scheme x seed of the
# 32/64-channel CNN in ONE floatlab-accuracy process (--threads = runs: each run a host
# thread with its own CUDA stream, so the runs' kernels share the GPU concurrently; separate
# processes time-slice it: 2.3x slower measured on the H200), started in the background so
# that it outlives the device call, with the epochs chosen from a calibration run to fit a
# time budget.
#   OUT=/dir bash examples/run_cnn_gpu.sh start   # calibrate, start in the background, return
#   OUT=/dir bash examples/run_cnn_gpu.sh wait S  # wait up to S s; pack CSVs + checkpoints into OUT
# Every run checkpoints after each epoch (train --checkpoint) and begins no epoch after
# BUDGET s (--time-limit), so a run the lease cuts short goes on in a later lease or session:
#   RESUME=path/to/cnn-run.tgz (a packed run, carried) + the same SEEDS / EPOCHS: --resume.
# Environment: BUDGET (seconds the run may take [1150]), EPOCHS (fixed epoch count instead of
# the calibrated one), MAX_EPOCHS [10], SCHEMES, SEEDS [1,2,3], TOOL (a floatlab-accuracy with
# the CUDA back end [.dev/bin/floatlab-accuracy-train-cuda]), DATA [.dev/fashion-mnist],
# WORK (where the run lives on the machine [/tmp/flacc-cnn]), BACKEND [cuda], EXTRA (more
# options of the tool, e.g. "--train-subset 512 --test-subset 128" for a check of this script).
set -uo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
tool="${TOOL:-$src/.dev/bin/floatlab-accuracy-train-cuda}"
work="${WORK:-/tmp/flacc-cnn}"
schemes="${SCHEMES:-fp32,bf16,fp16,fp8,bfp8,bfp12,bfp14,bfp16,muppet,schedule,mxfp4,nvfp4}"
seeds="${SEEDS:-1,2,3}"
: "${OUT:?OUT must name the output folder}"
mkdir -p "$OUT" "$work"
runs=$(( $(echo "$schemes" | tr ',' '\n' | wc -l) * $(echo "$seeds" | tr ',' '\n' | wc -l) ))
common=(train --model cnn --channels 32,64 --schemes "$schemes" --seeds "$seeds" --threads "$runs" --backend "${BACKEND:-cuda}"
        --lr-schedule cosine --no-plots ${EXTRA:-})
case "${1:-}" in
start)
  data="$work/data"; mkdir -p "$data"  # plain IDX (a build without zlib reads those too)
  for f in "${DATA:-$src/.dev/fashion-mnist}"/*; do
    b=$(basename "$f" .gz); [ -s "$data/$b" ] && continue
    case "$f" in *.gz) gzip -dc "$f" > "$data/$b" ;; *) cp "$f" "$data/$b" ;; esac
  done
  # Calibration: every run, 1 epoch of 1024 training and 171 test images (the full epoch's
  # 6:1 ratio), so the full epoch costs about 58.6 times its wall time.
  # A fixed EPOCHS skips it (device seconds are scarce).
  if [ -n "${EPOCHS:-}" ]; then
    epochs="$EPOCHS"; : > "$work/calib.log"
    echo "EPOCHS=$epochs given: no calibration" | tee "$OUT/start.txt"
  else
    t0=$(date +%s.%N)
    "$tool" "${common[@]}" --epochs 1 --train-subset 1024 --test-subset 171 --data "$data" --out "$work/calib" \
      > "$work/calib.log" 2>&1 || { echo "calibration failed:"; tail -5 "$work/calib.log"; exit 1; }
    t1=$(date +%s.%N)
    epochs=$(awk -v a="$t0" -v b="$t1" -v B="${BUDGET:-1150}" -v M="${MAX_EPOCHS:-10}" \
             'BEGIN { e = int(B / (58.6 * (b - a))); if (e > M) e = M; if (e < 1) e = 1; print e }')
    echo "calibration: $runs runs x (1024 + 171 images) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s;" \
         "budget ${BUDGET:-1150} s -> $epochs epochs" | tee "$OUT/start.txt"
  fi
  echo "$epochs" > "$work/epochs"
  date +%s > "$work/started"
  resume=()
  if [ -n "${RESUME:-}" ]; then  # the checkpoints of a packed run (its ckpt/ folder)
    tar xzf "$RESUME" -C "$work" ckpt && resume=(--resume) || { echo "RESUME=$RESUME: no ckpt/ in it"; exit 1; }
  fi
  setsid nohup "$tool" "${common[@]}" --epochs "$epochs" --checkpoint "$work/ckpt" "${resume[@]}" \
    --time-limit "${BUDGET:-1150}" --data "$data" --out "$work/run" > "$work/run.log" 2>&1 < /dev/null &
  echo "started: pid $!, $(nproc) cores, $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null)" | tee -a "$OUT/start.txt"
  ;;
wait)
  limit="${2:-540}"; t0=$(date +%s)
  pack() {
    tar czf "$OUT/cnn-run.tgz" -C "$work" run ckpt calib.log run.log epochs started 2>/dev/null
    { echo "at $(( $(date +%s) - $(cat "$work/started") )) s of the run:"
      wc -l "$work"/run/train_epochs*.csv 2>/dev/null; tail -c 400 "$work/run.log" | tr '\r' '\n' | tail -3; } > "$OUT/progress.txt"
  }
  while [ $(( $(date +%s) - t0 )) -lt "$limit" ]; do
    pgrep -f "$work/run" > /dev/null || break
    sleep 30; pack
  done
  pack; cat "$OUT/progress.txt"
  pgrep -f "$work/run" > /dev/null && echo "still running" || echo "finished"
  ;;
*) sed -n '2,16p' "$0"; exit 2 ;;
esac
