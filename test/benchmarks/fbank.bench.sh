#!/usr/bin/env bash
# KaldiFbank vs torchaudio.compliance.kaldi.fbank, single thread, WeNet setting, on 60 s of espeak-ng speech.
# Env (from test/benchmarks/run.sh): BENCH = command running Qieemo.Benchmarks, PY = python with torchaudio.
set -euo pipefail
BENCH=${BENCH:?BENCH must name the Qieemo.Benchmarks command}
PY=${PY:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ~60 s of real speech at 16 kHz: a paragraph read by espeak-ng, repeated three times and trimmed to exactly 60 s.
text="The north wind and the sun were disputing which was the stronger, when a traveler came along wrapped in a warm cloak. \
They agreed that the one who first succeeded in making the traveler take his cloak off should be considered stronger than the other. \
Then the north wind blew as hard as he could, but the more he blew the more closely did the traveler fold his cloak around him; \
and at last the north wind gave up the attempt. Then the sun shined out warmly, and immediately the traveler took off his cloak. \
And so the north wind was obliged to confess that the sun was the stronger of the two."
espeak-ng -v en-us -s 150 -w "$tmp/speech.wav" "$text"
sox -D -R "$tmp/speech.wav" -r 16000 -c 1 -b 16 -e signed-integer "$tmp/one.wav"
sox "$tmp/one.wav" "$tmp/one.wav" "$tmp/one.wav" "$tmp/long.wav"
sox "$tmp/long.wav" -t raw -e floating-point -b 32 -L "$tmp/speech.f32" trim 0 60

"$PY" - "$tmp/speech.f32" > "$tmp/ref.txt" <<'PYEOF'
import statistics, sys, time
import numpy as np
import torch
import torchaudio.compliance.kaldi as kaldi
torch.set_num_threads(1)
w = torch.from_numpy(np.fromfile(sys.argv[1], dtype="<f4").copy())[None]
secs = w.shape[1] / 16000
def run():
    return kaldi.fbank(w * 32768, num_mel_bins=80, frame_length=25, frame_shift=10, dither=0.0,
                       energy_floor=0.0, sample_frequency=16000)
for _ in range(2):
    run()
times = []
for _ in range(7):
    t = time.perf_counter(); f = run(); times.append(time.perf_counter() - t)
med = statistics.median(times)
print(f"torchaudio_frames: {f.shape[0]}")
print(f"torchaudio_median_seconds: {med:.5f}")
print(f"torchaudio_x_realtime: {secs / med:.1f}")
PYEOF
$BENCH fbank --input "$tmp/speech.f32" --rate 16000 --runs 7 > "$tmp/ours.txt"
cat "$tmp/ref.txt" "$tmp/ours.txt"
ref=$(grep '^torchaudio_x_realtime:' "$tmp/ref.txt" | awk '{print $2}')
ours=$(grep '^ours_x_realtime:' "$tmp/ours.txt" | awk '{print $2}')
awk -v o="$ours" -v r="$ref" 'BEGIN { printf "fbank_ratio_ours_over_torchaudio: %.2f (goal >= 2)\n", o / r }'
