#!/usr/bin/env bash
# Resampling to 16 kHz: our polyphase resampler (Qieemo.Benchmarks resample) against sox's
# very-high-quality resampler (sox rate -v 16000) on the same 60 s of espeak-ng speech, made into
# 8000, 22050, 44100 and 48000 Hz versions by sox rate -v.
# Ours: median wall time of Resampler.Process over 7 runs, in-process, one thread.
# sox:  median wall time of 5 whole `sox -D in.wav -e floating-point -b 32 out.wav rate -v 16000`
#       runs (includes process start and reading/writing ~10 MB of WAV, a few ms).
# Prints ours_rtf_x_R, sox_rtf_x_R (times faster than real time) and ratio_R = ours / sox.
# Env: BENCH (command that runs Qieemo.Benchmarks; set by ./build.sh bench), RUNS (sox runs, default 5).
set -euo pipefail
: "${BENCH:?set BENCH to the command that runs Qieemo.Benchmarks (./build.sh bench does)}"
RUNS=${RUNS:-5}
SECONDS_LONG=60
RATES=(8000 22050 44100 48000)
for t in espeak-ng sox soxi; do
  command -v "$t" >/dev/null || { echo "resample.bench.sh needs $t" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

espeak-ng -w "$tmp/espeak.wav" "Speech emotion recognition listens to how things are said, not only \
to what is said. The quick brown fox jumps over the lazy dog, while six thick thistle sticks fizz \
and hiss in the frosty breeze. She sells sea shells by the sea shore on a sunny Saturday morning."
dur=$(soxi -D "$tmp/espeak.wav")
reps=$(awk -v d="$dur" -v s="$SECONDS_LONG" 'BEGIN { r = int(s / d); print (r * d >= s) ? r - 1 : r }')
sox "$tmp/espeak.wav" "$tmp/speech.wav" repeat "$reps" trim 0 "$SECONDS_LONG"
echo "# input: $(soxi -D "$tmp/speech.wav") s of espeak-ng speech at $(soxi -r "$tmp/speech.wav") Hz"

# Ours (the benchmark makes each rate from speech.wav with the same sox rate -v command as below).
ours=$($BENCH resample --input "$tmp/speech.wav" --runs 7 --rates "$(IFS=,; echo "${RATES[*]}")")
echo "$ours"

now() { date +%s.%N; }
for r in "${RATES[@]}"; do
  sox -D "$tmp/speech.wav" -e floating-point -b 32 "$tmp/in_$r.wav" rate -v "$r"
  len=$(soxi -D "$tmp/in_$r.wav")
  times=()
  for ((i = 0; i < RUNS; i++)); do
    t0=$(now)
    sox -D "$tmp/in_$r.wav" -e floating-point -b 32 "$tmp/out_$r.wav" rate -v 16000
    t1=$(now)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')")
  done
  med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  sox_x=$(awk -v l="$len" -v m="$med" 'BEGIN { printf "%.1f", l / m }')
  ours_x=$(echo "$ours" | awk -F': ' -v k="ours_rtf_x_$r" '$1 == k { print $2 }')
  echo "# $r -> 16000: sox median ${med} s over $RUNS runs for ${len} s"
  echo "sox_rtf_x_$r: $sox_x"
  echo "ours_rtf_x_$r: $ours_x"
  echo "ratio_$r: $(awk -v o="$ours_x" -v s="$sox_x" 'BEGIN { printf "%.2f", o / s }')"
done
