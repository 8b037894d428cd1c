#!/usr/bin/env bash
# FLAC decode speed of Qieemo's FlacDecoder beside the reference decoder (flac -d), same file, same machine.
# Input: 60 s of espeak-ng speech, stereo 44.1 kHz 16-bit (second channel mixed with noise), flac -5.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -w "$tmp/s.wav" "Speech emotion recognition needs a fast and exact audio decoder. This sentence is repeated to make a longer file."
sox -R -n -r 22050 -c 1 "$tmp/n.wav" synth 60 pinknoise vol 0.05
sox -R "$tmp/s.wav" "$tmp/s60.wav" repeat 20 trim 0 60
sox -R -M "$tmp/s60.wav" "$tmp/n.wav" -r 44100 -b 16 "$tmp/st.wav" remix 1 1v0.6,2 norm -1
flac -s -f -5 -o "$tmp/a.flac" "$tmp/st.wav"
$BENCH flac --input "$tmp/a.flac" --repeat 5 | tee "$tmp/ours.txt"
best=999
for i in 1 2 3 4 5; do
  s=$(date +%s.%N); flac -s -d -c -f "$tmp/a.flac" > /dev/null; e=$(date +%s.%N)
  best=$(echo "$best $s $e" | awk '{d=$3-$2; print (d<$1)?d:$1}')
done
audio=$(awk '/audio_seconds/{print $2}' "$tmp/ours.txt")
ours=$(awk '/decode_seconds/{print $2}' "$tmp/ours.txt")
echo "flac_tool_decode_seconds: $best"
echo "flac_tool_realtime_factor: $(awk -v a="$audio" -v t="$best" 'BEGIN{printf "%.1f", a/t}')"
echo "ratio_ours_over_flac_tool_time: $(awk -v o="$ours" -v t="$best" 'BEGIN{printf "%.2f", o/t}')"
