#!/usr/bin/env bash
# Checks that the commands shown in README.md and docs/*.md work as written:
#  - every `./build.sh qieemo VERB ... --option ...` line names a real verb, and every option it uses
#    appears in that verb's --help (commands on real corpora cannot run here, so they are checked this way);
#  - the short self-contained ones run for real on a small synthetic corpus (corpus synth/scan, baseline, audio info, features).
# Prints one line per check and "docs: N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
CONFIG=${CONFIGURATION:-Release}
Q="dotnet src/Qieemo.Cli/bin/$CONFIG/net10.0/qieemo.dll"
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

# Lines inside ```sh blocks, with backslash continuations joined.
commands=$(for f in README.md docs/*.md; do
  awk -v file="$f" '/^```sh/{inside=1; next} /^```/{inside=0} inside{ line=line $0; if (sub(/\\$/, "", line)) next; print file "\t" line; line="" }' "$f"
done)

while IFS=$'\t' read -r file line; do
  [ -z "$line" ] && continue
  case "$line" in
    *"./build.sh qieemo "*)
      args=${line#*./build.sh qieemo }
      verb=() opts=()
      for word in $args; do
        if [[ "$word" == --* ]]; then opts+=("${word%%=*}");
        elif [ ${#opts[@]} -eq 0 ] && [[ "$word" != *[/:.]* ]]; then verb+=("$word"); fi
      done
      help=$($Q "${verb[@]}" --help 2>&1)
      if [ $? -ne 0 ]; then bad "$file: '${verb[*]}' is not a verb"; continue; fi
      missing=()
      for o in "${opts[@]}"; do grep -q -- "$o" <<<"$help" || missing+=("$o"); done
      if [ ${#missing[@]} -eq 0 ]; then ok "$file: qieemo ${verb[*]} (${#opts[@]} options)"; else bad "$file: qieemo ${verb[*]}: unknown ${missing[*]}"; fi ;;
  esac
done <<<"$commands"

# The short ones, for real.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if $Q corpus synth --layout iemocap --out "$work/iemocap" --utterances 120 --seed 1 >/dev/null 2>&1; then ok "corpus synth"; else bad "corpus synth"; fi
if $Q corpus scan --layout iemocap --root "$work/iemocap" --json | grep -q '"utterances"'; then ok "corpus scan --json"; else bad "corpus scan --json"; fi
if $Q baseline --corpus "iemocap:$work/iemocap" --json 2>/dev/null | grep -q '"folds"'; then ok "baseline --json"; else bad "baseline --json"; fi
wav=$(find "$work/iemocap" -name '*.wav' | sort | head -n1)
if $Q audio info "$wav" >/dev/null; then ok "audio info"; else bad "audio info"; fi
if $Q features --input "$wav" --output "$work/f.npy" >/dev/null && [ -s "$work/f.npy" ]; then ok "features"; else bad "features"; fi

echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
