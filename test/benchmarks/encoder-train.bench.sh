#!/usr/bin/env bash
# Training-step time of the conformer encoder + CTC head: TorchSharp (Qieemo.Benchmarks encoder-train) vs a
# plain-PyTorch re-implementation (test/reference/bench_encoder_torch.py, Debian python3-torch + OpenBLAS) that
# loads the same weights and batch. Same loss (CTC, sum / B), Adam lr 1e-3, 3 warm-up + 10 timed steps, same
# thread count (1, then 2). Goal: median step time ours / PyTorch <= 0.6.
# Besides wall time, both sides print the median step CPU time (steadier on a loaded machine), the phase split
# (forward + loss / backward / Adam), minor page faults per step, matmul GFLOP/s and the cost of one tiny op: the
# profile lines for finding where one side loses. It also prints the step's matmul/convolution GFLOP and the rate the goal needs.
# Env (from test/benchmarks/run.sh): BENCH = command running Qieemo.Benchmarks, PY = python with torch.
# Optional: ENCODER_BENCH_PRESET (small), ENCODER_BENCH_THREADS ("1 2"), ENCODER_BENCH_ARGS (extra encoder-train args,
# e.g. "--batch 8 --frames 800").
set -euo pipefail
BENCH=${BENCH:?BENCH must name the Qieemo.Benchmarks command}
PY=${PY:-/usr/bin/python3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REF="$ROOT/test/reference/bench_encoder_torch.py"
PRESET=${ENCODER_BENCH_PRESET:-small}
THREADS=${ENCODER_BENCH_THREADS:-"1 2"}
EXTRA=${ENCODER_BENCH_ARGS:-}
export OMP_WAIT_POLICY=PASSIVE

# Debian's python3-torch calls libblas.so.3, by default the (very slow) reference BLAS: use OpenBLAS instead.
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing libopenblas0-pthread with apt-get..."
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread \
      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread)) >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread
  fi
fi
if [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  echo "encoder-train: OpenBLAS not found in $OPENBLAS_DIR; install it (Debian/Ubuntu: apt-get install libopenblas0-pthread)" \
       "so that the PyTorch reference does not run on the reference BLAS, and rerun." >&2
  exit 1
fi
py() { LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$PY" "$REF" "$@"; }
val() { grep "^$1:" "$2" | awk '{print $2}'; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Same network, same training: without dropout both sides must give the same losses step by step
#    (the PyTorch script fails otherwise; it also fails if the eval-mode forward differs by > 1e-3).
echo "--- equivalence check ($PRESET, no dropout, 4 steps, 1 thread)"
$BENCH encoder-train --out "$tmp/check" --preset "$PRESET" --threads 1 --batch 2 --frames 300 --warmup 0 --steps 4 --no-dropout > "$tmp/check_ours.txt"
py train "$tmp/check" --threads 1 > "$tmp/check_ref.txt"
grep -E '^ours_losses:' "$tmp/check_ours.txt"
grep -E '^pytorch_(blas|matmul512_gflops|forward_max_abs_diff|eval_loss|losses|vs_ours_loss_max_rel_diff):' "$tmp/check_ref.txt"

# 2. Timing: the preset's dropout rates, default batch 4 x 600 frames x 80.
for n in $THREADS; do
  echo "--- $PRESET, $n thread(s)"
  # shellcheck disable=SC2086
  $BENCH encoder-train --out "$tmp/t$n" --preset "$PRESET" --threads "$n" $EXTRA > "$tmp/ours$n.txt"
  py train "$tmp/t$n" --threads "$n" > "$tmp/ref$n.txt"
  cat "$tmp/ref$n.txt" "$tmp/ours$n.txt"
  ours=$(val ours_step_seconds_median "$tmp/ours$n.txt"); ref=$(val pytorch_step_seconds_median "$tmp/ref$n.txt")
  oc=$(val ours_step_cpu_seconds_median "$tmp/ours$n.txt"); rc=$(val pytorch_step_cpu_seconds_median "$tmp/ref$n.txt")
  awk -v o="$ours" -v r="$ref" -v n="$n" 'BEGIN { printf "encoder_train_ratio_ours_over_pytorch_threads%s: %.2f (median step %.4f s / %.4f s; goal <= 0.6)\n", n, o / r, o, r }'
  awk -v o="$oc" -v r="$rc" -v n="$n" 'BEGIN { printf "encoder_train_cpu_ratio_ours_over_pytorch_threads%s: %.2f (median step CPU time %.4f s / %.4f s)\n", n, o / r, o, r }'
  # What the goal asks in arithmetic terms: the step's matmul/convolution work over 0.6 x PyTorch's step time,
  # beside the matmul rate of this libtorch (512 x 512, same threads).
  g=$(val step_gflop "$tmp/ours$n.txt"); mm=$(val ours_matmul512_gflops "$tmp/ours$n.txt")
  awk -v g="$g" -v r="$ref" -v mm="$mm" -v o="$ours" -v n="$n" 'BEGIN { printf "encoder_train_goal_needs_threads%s: %.0f GFLOP/s over the whole step (%.1f GFLOP in %.4f s); ours %.0f, PyTorch %.0f; libtorch matmul 512x512: %.0f GFLOP/s\n", n, g / (0.6 * r), g, 0.6 * r, g / o, g / r, mm }'
done
