#!/usr/bin/env bash
# The full training run of docs/accuracy.md, cut into shards for a many-core machine that has
# g++ (or a prebuilt binary) but no packages and no network (the 16-core machine of the
# project). One process per (net, scheme, seed) run, one thread each, all cores busy; every
# run writes its per-epoch CSV as it goes (train_epochs.partial.csv, renamed
# train_epochs.csv when the run ends), so a run stopped by the time limit leaves its complete
# epochs. Shards are independent commands; together they hold every run.
#
#   OUT=/some/dir bash examples/run_full_device.sh SHARD      # SHARD: 1 .. SHARDS, or "all"
#   bash examples/run_full_device.sh plan                     # print the plan (no build, no run)
#
# Environment (defaults in brackets):
#   OUT           where everything goes (required for a shard): OUT/shard<S>/...
#   DATA          Fashion-MNIST folder, .gz or plain IDX files [.dev/fashion-mnist]
#   SHARDS        number of shards [2]        PLAN_CORES  cores the plan packs for [16]
#   TIME_LIMIT    seconds from the script's start after which runs are stopped [500]
#   EPOCHS_MLP [20], EPOCHS_MLP_LONG [45] (fp32 and muppet: MuPPET's later switches),
#   NETS [mlp cnn], CNN_SCHEMES [SCHEMES],
#   EPOCHS_CNN [6] (SHARDS=3: 10), SEEDS ["1 2 3"], SCHEMES [the 12], TRAIN_SUBSET / TEST_SUBSET [0 = all]
#   PREBUILT      folder with floatlab-accuracy-train-v4 / -v3 (x86-64-v4 / -v3 builds made by
#                 examples/build_device_train.sh) [.dev/bin]; used when it runs here, else
#   BUILD         build folder for g++ [build-device] (kept: a warm machine reuses it)
#   ARCH          g++ -march= of the build [native] (same results on every target:
#                 docs/accuracy.md); STATIC=1 links libstdc++ statically; BUILD_JOBS [nproc]
#   bash examples/run_full_device.sh build    # only the build (examples/build_device_train.sh)
#   CUDA=1        build the CUDA back end too (nvcc; cudart static): the -cuda prebuilt binary
#   BACKEND       the tool's --backend for every run [fast]: cuda / auto run the FP32-recipe
#                 GEMMs and convolutions on the GPU (same bits: docs/accuracy.md, "GPU back end")
#   CNN_CHANNELS [8,16], CNN_FC [0]: the CNN's --channels / --fc
#   LR_SCHEDULE   the tool's --lr-schedule for every run [constant] (cosine: converges in fewer epochs)
#   MPS=1         start the CUDA Multi-Process Service first, so that the runs' kernels share
#                 the GPU concurrently instead of time-slicing it (stopped at the end)
#   COST_CNN / COST_MLP  seconds per full epoch of one run, for the plan (default: the table below)
#   OUT=... bash examples/run_full_device.sh selftest-gpu   # fast vs cuda digests on a subset
#                 (GPU_TEST_TRAIN [1024] images, 2 epochs) and both back ends' seconds per epoch
#
# Writes OUT/shard<S>/: machine.txt, build.log, plan.txt, selftest.csv (digests of a tiny
# fixed run, to compare with the expected ones below), runs.txt (each run: status, seconds),
# <net>/<scheme>-s<seed>/ (the tool's folder) and logs/. Then, on the project machine:
#   python3 tools/accuracy/full_report.py OUT1 OUT2 ... --out DIR   (docs/accuracy.md)
set -uo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
cd "$src"
shard="${1:-}"
shards="${SHARDS:-2}"
plan_cores="${PLAN_CORES:-16}"
time_limit="${TIME_LIMIT:-500}"
e_mlp="${EPOCHS_MLP:-20}"
e_mlp_long="${EPOCHS_MLP_LONG:-45}"
e_cnn="${EPOCHS_CNN:-6}"
seeds="${SEEDS:-1 2 3}"
schemes="${SCHEMES:-fp32 bf16 fp16 fp8 bfp8 bfp12 bfp14 bfp16 muppet schedule mxfp4 nvfp4}"
data="${DATA:-$src/.dev/fashion-mnist}"
nets="${NETS:-mlp cnn}"               # which nets the plan holds
backend="${BACKEND:-fast}"             # the tool's --backend (auto, fast, tensor, cuda)
cnn_channels="${CNN_CHANNELS:-8,16}"   # the CNN's --channels
cnn_fc="${CNN_FC:-0}"                  # the CNN's --fc (hidden linear width, 0: none)
cnn_schemes="${CNN_SCHEMES:-$schemes}"  # the CNN's schemes (default: the same as the MLP's)
start=$(date +%s)

# ---- the plan: every run with its cost estimate (CPU-seconds per full epoch, one thread,
# measured on the project's 2-core machine under load, -march=native build; docs/accuracy.md)
cost_of() {  # net scheme -> seconds per epoch
  if [ "$1" = cnn ] && [ -n "${COST_CNN:-}" ]; then echo "$COST_CNN"; return; fi  # measured (selftest-gpu)
  if [ "$1" = cnn ] && [ "$cnn_channels,$cnn_fc" != "8,16,0" ]; then
    # another width: the 8,16 cost x CNN_COST_SCALE (32,64: 12, the CPU's measured same-run
    # ratio, docs/accuracy.md "Converged CNN"); better: COST_CNN from selftest-gpu
    local sc="${CNN_COST_SCALE:-}"; [ -z "$sc" ] && { [ "$cnn_channels" = 32,64 ] && sc=12 || sc=1; }
    awk -v c="$(CNN_CHANNELS=8,16 CNN_FC=0 cnn_channels=8,16 cnn_fc=0 cost_of "$1" "$2")" -v s="$sc" 'BEGIN { print c * s }'
    return
  fi
  if [ "$1" = mlp ] && [ -n "${COST_MLP:-}" ]; then echo "$COST_MLP"; return; fi
  case "$1:$2" in
    mlp:fp32) echo 2.3 ;; mlp:bf16) echo 3.2 ;; mlp:fp16) echo 3.5 ;; mlp:fp8) echo 3.7 ;;
    mlp:bfp8) echo 6.8 ;; mlp:bfp12|mlp:bfp14|mlp:bfp16|mlp:schedule|mlp:muppet) echo 7.9 ;;
    mlp:mxfp4) echo 6.3 ;; mlp:nvfp4) echo 14.2 ;;
    cnn:fp32) echo 27 ;; cnn:bf16) echo 29.3 ;; cnn:fp16) echo 28.3 ;; cnn:fp8) echo 29.6 ;;
    cnn:bfp8) echo 40.7 ;; cnn:bfp12) echo 45 ;; cnn:bfp14|cnn:bfp16|cnn:schedule) echo 46 ;;
    cnn:muppet) echo 41.4 ;; cnn:mxfp4) echo 32.3 ;; cnn:nvfp4) echo 41.4 ;;
    mlp:*) echo 8 ;; *) echo 46 ;;
  esac
}
runs_list() {  # net scheme seed epochs cost
  for net in $nets; do
    local list=$schemes
    [ "$net" = cnn ] && list=$cnn_schemes
    for sc in $list; do
      for sd in $seeds; do
        if [ "$net" = mlp ]; then
          ep=$e_mlp
          { [ "$sc" = fp32 ] || [ "$sc" = muppet ]; } && ep=$e_mlp_long
        else
          ep=$e_cnn
        fi
        c=$(cost_of "$net" "$sc")
        echo "$net $sc $sd $ep $(awk -v c="$c" -v e="$ep" 'BEGIN { printf "%.0f", c * e }')"
      done
    done
  done
}
# Longest run first onto the least loaded of SHARDS x PLAN_CORES workers (LPT); each worker
# runs its runs one after the other. Output: shard worker net scheme seed epochs cost.
make_plan() {
  runs_list | sort -k5,5nr -k1,1 -k2,2 -k3,3n | awk -v S="$shards" -v C="$plan_cores" '
    { best = 0; for (b = 1; b < S * C; ++b) if (load[b] < load[best]) best = b
      load[best] += $5; print int(best / C) + 1, best % C, $0 }
    END { for (s = 0; s < S; ++s) { m = 0; t = 0
            for (b = s * C; b < (s + 1) * C; ++b) { t += load[b]; if (load[b] > m) m = load[b] }
            printf "# shard %d: %d CPU-s, longest worker %d s (estimates)\n", s + 1, t, m > "/dev/stderr" } }'
}

if [ "$shard" = build ]; then
  :
elif [ "$shard" = plan ]; then
  make_plan | sort -k1,1n -k2,2n
  exit 0
fi
if [ -z "$shard" ] || { [ "$shard" != all ] && [ "$shard" != build ] && [ "$shard" != selftest-gpu ] && ! [ "$shard" -ge 1 ] 2>/dev/null; }; then
  sed -n '2,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
  exit 2
fi
[ "$shard" = build ] && OUT="${OUT:-${BUILD:-$src/build-device}}"
: "${OUT:?OUT must name the output folder}"
tag="shard$shard"
res="$OUT/$tag"
mkdir -p "$res/logs"
{
  echo "date: $(date -u)"; echo "host cores: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo || true
  g++ --version 2>/dev/null | head -1 || true
  echo "shard $shard of $shards; epochs mlp $e_mlp (long $e_mlp_long) cnn $e_cnn; seeds $seeds; time limit $time_limit s"
} > "$res/machine.txt"

# ---- the tool: a prebuilt binary that runs here, else g++ (train only: no MPFR)
tool=""
prebuilt="${PREBUILT:-$src/.dev/bin}"
[ "$shard" = build ] && prebuilt=/nonexistent
have_v4() { grep -q avx512bw /proc/cpuinfo && grep -q avx512vl /proc/cpuinfo && grep -q avx512dq /proc/cpuinfo; }
variants="v4 v3"
{ [ "$backend" = cuda ] || [ "$backend" = auto ] || [ "${CUDA:-0}" = 1 ]; } && variants="cuda $variants"
for v in $variants; do
  b="$prebuilt/floatlab-accuracy-train-$v"
  [ "$v" = cuda ] && ! grep -q avx2 /proc/cpuinfo && continue  # built for x86-64-v3
  [ "$v" = v4 ] && ! have_v4 && continue
  [ "$v" = v3 ] && ! grep -q avx2 /proc/cpuinfo && continue
  if [ -x "$b" ] && "$b" --help > /dev/null 2>&1; then tool="$b"; break; fi
done
if [ -z "$tool" ]; then
  build="${BUILD:-$src/build-device}"
  mkdir -p "$build"
  zdef="-DFLACC_NO_ZLIB"; zlib=""
  if printf '#include <zlib.h>\nint main(){return zlibVersion()[0]==0;}\n' | g++ -x c++ - -o "$build/ztest" -lz 2>/dev/null; then
    zdef=""; zlib="-lz"
  fi
  flags="-O3 -DNDEBUG -ffp-contract=off -std=gnu++20 -march=${ARCH:-native} -DFLACC_NO_SWEEP $zdef -I$src/include -I$src/tools/accuracy"
  if [ "${STATIC:-0}" = 1 ]; then  # self-contained: zlib too where its static library is here
    za=$(g++ -print-file-name=libz.a)
    [ -n "$zlib" ] && [ -f "$za" ] && [ "$za" != libz.a ] && zlib="$za"
    zlib="$zlib -static-libstdc++ -static-libgcc"
  fi
  gpu_src=gpu_stub; cudalib=""; nvcc=""
  if [ "${CUDA:-0}" = 1 ]; then  # the CUDA back end, cudart linked statically (needs only the driver)
    nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
    [ -x "$nvcc" ] || { echo "CUDA=1 but no nvcc (NVCC=...)"; exit 1; }
    cuda_root="$(cd "$(dirname "$nvcc")/.." && pwd)"
    gpu_src=gpu_ops; cudalib="-L$cuda_root/lib64 -L$cuda_root/targets/x86_64-linux/lib -lcudart_static -ldl -lrt"
  fi
  stamp=$(cat tools/accuracy/*.cpp tools/accuracy/*.hpp tools/accuracy/*.cu $(find include -name '*.hpp' -o -name '*.cuh' | sort) | cksum | cut -d' ' -f1)
  stamp="$stamp $flags $zlib $cudalib"
  if [ ! -x "$build/floatlab-accuracy-train" ] || [ "$(cat "$build/stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "building floatlab-accuracy (train only) with g++ $flags $zlib" | tee "$res/build.log"
    t0=$(date +%s); pids=(); ok=1
    objs=()
    for f in formats common data train tensor_ops main $gpu_src; do  # formats.cpp is the long one
      if [ "$f" = gpu_ops ]; then  # CUDA=1: the CUDA back end (nvcc, sm_90 SASS + compute_80 PTX)
        $nvcc -std=c++17 -O3 -DNDEBUG -gencode arch=compute_90,code=sm_90 -gencode arch=compute_80,code=compute_80 \
          -Xcompiler -ffp-contract=off -I"$src/include" -I"$src/tools/accuracy" -c tools/accuracy/gpu_ops.cu \
          -o "$build/$f.o" >> "$res/build.log" 2>&1 & pids+=($!)
      else
        g++ $flags -c "tools/accuracy/$f.cpp" -o "$build/$f.o" >> "$res/build.log" 2>&1 & pids+=($!)
      fi
      objs+=("$build/$f.o")
      if [ ${#pids[@]} -ge "${BUILD_JOBS:-$(nproc)}" ]; then wait "${pids[0]}" || ok=0; pids=("${pids[@]:1}"); fi
    done
    for p in "${pids[@]}"; do wait "$p" || ok=0; done
    [ $ok = 1 ] && g++ -o "$build/floatlab-accuracy-train" "${objs[@]}" $zlib $cudalib -pthread >> "$res/build.log" 2>&1 || ok=0
    if [ $ok != 1 ]; then echo "build failed: $res/build.log"; tail -30 "$res/build.log"; exit 1; fi
    echo "$stamp" > "$build/stamp"
    echo "built in $(( $(date +%s) - t0 )) s" | tee -a "$res/build.log"
  fi
  tool="$build/floatlab-accuracy-train"
  [ -n "$zdef" ] && echo "no zlib here: the data set is decompressed first" >> "$res/build.log"
fi
echo "tool: $tool" >> "$res/machine.txt"
[ "$shard" = build ] && { echo "$tool"; exit 0; }

# ---- the data (decompressed when the tool has no zlib)
if [ ! -d "$data" ]; then echo "no data folder $data (DATA=...)"; exit 1; fi
if "$tool" train --model mlp --schemes fp32 --epochs 1 --train-subset 64 --test-subset 64 --threads 1 --no-plots \
     --data "$data" --out "$res/probe" 2>&1 | grep -q 'gzip-compressed'; then
  plain="${BUILD:-$src/build-device}/fashion-mnist"
  mkdir -p "$plain"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s "$plain/$f" ] && continue
    if [ -f "$data/$f.gz" ]; then
      gzip -dc "$data/$f.gz" > "$plain/$f" 2>/dev/null || python3 -c "import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())" "$data/$f.gz" > "$plain/$f"
    else
      cp "$data/$f" "$plain/$f"
    fi
  done
  data="$plain"
fi
rm -rf "$res/probe"

# ---- selftest-gpu: the CPU (fast) and CUDA back ends on the same small runs; the weight
# digests after each epoch must be equal (same bits), and the seconds per epoch of each
# back end on the subset give the full run's cost (x 60000 / GPU_TEST_TRAIN for the training part).
if [ "$shard" = selftest-gpu ]; then
  n="${GPU_TEST_TRAIN:-1024}"; nt="${GPU_TEST_TEST:-512}"
  vs="${GPU_TEST_VS:-cuda}"  # the back end compared with fast (tensor: a check of this script without a GPU)
  for be in fast $vs; do
    "$tool" train --model mlp --schemes fp32,bf16,bfp8 --epochs 2 --train-subset "$n" --test-subset "$nt" --threads 1 \
      --backend $be --no-plots --data "$data" --out "$res/gt-mlp-$be" > "$res/logs/gt-mlp-$be.log" 2>&1 \
      || { echo "selftest-gpu: mlp --backend $be failed:"; tail -5 "$res/logs/gt-mlp-$be.log"; }
    "$tool" train --model cnn --channels "$cnn_channels" --fc "$cnn_fc" --schemes "${GPU_TEST_SCHEMES:-fp32,fp8,bfp8,nvfp4}" \
      --epochs 2 --train-subset "$n" --test-subset "$nt" --threads "${GPU_TEST_THREADS:-4}" --backend $be --no-plots \
      --data "$data" --out "$res/gt-cnn-$be" > "$res/logs/gt-cnn-$be.log" 2>&1 \
      || { echo "selftest-gpu: cnn --backend $be failed:"; tail -5 "$res/logs/gt-cnn-$be.log"; }
  done
  bad=0
  for net in mlp cnn; do
    f="$res/gt-$net-fast/train_epochs.csv"; g="$res/gt-$net-$vs/train_epochs.csv"
    if [ ! -s "$f" ] || [ ! -s "$g" ]; then echo "selftest-gpu $net: no CSV"; bad=1; continue; fi
    echo "selftest-gpu $net (channels $cnn_channels, fc $cnn_fc for the cnn), $n images: scheme epoch | fast digest s/epoch | $vs digest s/epoch"
    paste -d, <(cut -d, -f2,4,19,10 "$f") <(cut -d, -f19,10 "$g") | tail -n +2 | \
      awk -F, '{ m = ($4 == $6) ? "same" : "DIFFERENT"; if (m != "same") bad = 1
                 printf "  %-8s %s | %s %8.3f | %s %8.3f  %s\n", $1, $2, $4, $3, $6, $5, m } END { exit bad }' || bad=1
  done
  [ $bad = 0 ] && echo "selftest-gpu: fast and $vs back ends gave the same weight bits in every run and epoch" \
    || echo "selftest-gpu: MISMATCH or failure (logs in $res/logs)"
  exit $bad
fi

# ---- self-test: a tiny fixed run whose weight digests the project machine computed
# (docs/accuracy.md, "Full run on the 16-core machine"): equal digests = the same arithmetic.
"$tool" train --model mlp --schemes fp32,bfp8,fp8 --epochs 1 --train-subset 512 --test-subset 256 --threads 1 \
  --no-plots --data "$data" --out "$res/selftest" > /dev/null 2>&1
cut -d, -f2,4,19 "$res/selftest/train_epochs.csv" > "$res/selftest.csv" 2>/dev/null || echo "self-test failed" > "$res/selftest.csv"
rm -rf "$res/selftest"
# The project machine's digests of this run (plain x86-64, -march=native and the v3/v4 builds
# alike); a difference means other arithmetic somewhere (e.g. the libm of exp/log), not
# necessarily a fault, and then this machine's runs are their own reference.
expected="scheme,epoch,weights_fnv1a
fp32,1,1af6ee2a58fdc716
bfp8,1,bde757704aea8402
fp8,1,d79e91e04bf0981b"
if [ "$(cat "$res/selftest.csv")" = "$expected" ]; then st="same weights bit for bit as on the project machine"
else st="DIFFERENT from the project machine (see selftest.csv)"; fi
echo "self-test: $st" | tee -a "$res/machine.txt"

# ---- the shard's runs: one worker per planned core, each its runs in order, all stopped at
# the deadline (start + TIME_LIMIT)
make_plan 2> "$res/plan_estimate.txt" | sort -k1,1n -k2,2n > "$res/plan_all.txt"
if [ "$shard" = all ]; then cp "$res/plan_all.txt" "$res/plan.txt"; else awk -v s="$shard" '$1 == s' "$res/plan_all.txt" > "$res/plan.txt"; fi
deadline=$((start + time_limit))
: > "$res/runs.txt"
run_one() {  # net scheme seed epochs
  local net=$1 sc=$2 sd=$3 ep=$4 dir="$res/$1/$2-s$3" now left t0 rc status
  now=$(date +%s); left=$((deadline - now))
  if [ $left -le 5 ]; then echo "$net $sc $sd $ep not-started 0" >> "$res/runs.txt"; return; fi
  local extra=()
  [ "$net" = cnn ] && extra=(--channels "$cnn_channels" --fc "$cnn_fc")
  t0=$(date +%s)
  timeout --signal=TERM --kill-after=5 "$left" "$tool" train --model "$net" --schemes "$sc" --seeds "$sd" --epochs "$ep" \
    --threads 1 --backend "$backend" --lr-schedule "${LR_SCHEDULE:-constant}" --train-subset "${TRAIN_SUBSET:-0}" --test-subset "${TEST_SUBSET:-0}" --no-plots --data "$data" \
    "${extra[@]}" --out "$dir" > "$res/logs/$net-$sc-s$sd.log" 2>&1
  rc=$?
  status=done; [ $rc = 124 ] || [ $rc = 137 ] && status=timeout; [ $rc != 0 ] && [ $status = done ] && status="failed($rc)"
  echo "$net $sc $sd $ep $status $(( $(date +%s) - t0 ))" >> "$res/runs.txt"
}
if [ "${MPS:-0}" = 1 ]; then
  export CUDA_MPS_PIPE_DIRECTORY="$res/mps-pipe" CUDA_MPS_LOG_DIRECTORY="$res/mps-log"
  mkdir -p "$CUDA_MPS_PIPE_DIRECTORY" "$CUDA_MPS_LOG_DIRECTORY"
  nvidia-cuda-mps-control -d && echo "MPS: started" >> "$res/machine.txt" || echo "MPS: could not start" >> "$res/machine.txt"
fi
workers=$(cut -d' ' -f2 "$res/plan.txt" | sort -un)
for w in $workers; do
  (
    awk -v w="$w" '$2 == w { print $3, $4, $5, $6 }' "$res/plan.txt" | while read -r net sc sd ep; do run_one "$net" "$sc" "$sd" "$ep"; done
  ) &
done
wait
[ "${MPS:-0}" = 1 ] && { echo quit | nvidia-cuda-mps-control 2>/dev/null || true; }
echo "shard $shard: $(grep -c ' done ' "$res/runs.txt") runs done, $(grep -vc ' done ' "$res/runs.txt") stopped or not started;" \
  "$(( $(date +%s) - start )) s in all" | tee -a "$res/machine.txt"
cat "$res/runs.txt" | sort
