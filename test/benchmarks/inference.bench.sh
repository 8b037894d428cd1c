#!/usr/bin/env bash
# Real-time factor of the paper-size model on 10 s of espeak-ng speech (1000 fbank frames), one thread, eval /
# inference mode: KaldiFbank (WeNet setting) + efficient-v1 encoder (12 blocks, D=256) + EmotionHead (MMF over the
# last six blocks + CMA + classifier). Goal: RTF <= 0.03. For reference, the same encoder (same weights, same
# features) in the plain-PyTorch re-implementation test/reference/bench_encoder_torch.py (Debian python3-torch +
# OpenBLAS) and torchaudio's Kaldi fbank, also on one thread.
# Env (from test/benchmarks/run.sh): BENCH = command running Qieemo.Benchmarks, PY = python with torch.
set -euo pipefail
BENCH=${BENCH:?BENCH must name the Qieemo.Benchmarks command}
PY=${PY:-/usr/bin/python3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REF="$ROOT/test/reference/bench_encoder_torch.py"
export OMP_WAIT_POLICY=PASSIVE
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 10.015 s = 160240 samples = exactly 1000 frames of 25 ms / 10 ms: espeak-ng speech, repeated and trimmed.
text="The north wind and the sun were disputing which was the stronger, when a traveler came along wrapped in a warm cloak. \
They agreed that the one who first succeeded in making the traveler take his cloak off should be considered stronger than the other."
espeak-ng -v en-us -s 150 -w "$tmp/speech.wav" "$text"
sox -D -R "$tmp/speech.wav" -r 16000 -c 1 -b 16 -e signed-integer "$tmp/one.wav"
sox "$tmp/one.wav" "$tmp/one.wav" "$tmp/two.wav"
sox "$tmp/two.wav" -t raw -e floating-point -b 32 -L "$tmp/speech.f32" trim 0 160240s

$BENCH inference --input "$tmp/speech.f32" --frames 1000 --runs 7 --warmup 2 --threads 1 --out "$tmp/model" > "$tmp/ours.txt"

# The PyTorch reference needs OpenBLAS (Debian's default libblas.so.3 is the slow reference BLAS); skip it without.
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -e "$OPENBLAS_DIR/libblas.so.3" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing libopenblas0-pthread with apt-get..."
  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread \
    || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread)) >/dev/null || true
fi
if [ -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=1 \
    "$PY" "$REF" infer "$tmp/model" --threads 1 --runs 7 --wave "$tmp/speech.f32" > "$tmp/ref.txt"
  cat "$tmp/ref.txt"
else
  echo "(PyTorch reference skipped: install OpenBLAS, e.g. apt-get install libopenblas0-pthread)"
fi
cat "$tmp/ours.txt"
if [ -s "$tmp/ref.txt" ]; then
  o=$(grep '^ours_encoder_seconds_median:' "$tmp/ours.txt" | awk '{print $2}')
  r=$(grep '^pytorch_encoder_seconds_median:' "$tmp/ref.txt" | awk '{print $2}')
  awk -v o="$o" -v r="$r" 'BEGIN { printf "inference_encoder_ratio_ours_over_pytorch: %.2f (%.4f s / %.4f s)\n", o / r, o, r }'
fi
