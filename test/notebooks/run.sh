#!/usr/bin/env bash
# Executes the Polyglot notebooks under notebooks/ headlessly with dotnet-repl (the local tool in
# .config/dotnet-tools.json), from the repository root, and writes the executed copies (with their
# outputs: tables, charts) to artifacts/notebooks/. A notebook passes when every cell runs without
# an error (dotnet-repl exits 2 otherwise).
#   Usage: test/notebooks/run.sh [notebook-name-filter]
#   Env:   CONFIGURATION (Release), NOTEBOOK_TIMEOUT seconds per notebook (600), QIEEMO_ENCODER (optional encoder),
#          QIEEMO_NOTEBOOK_CORPUS (corpus folder; default a shared temp folder, generated on first use)
# Prints "notebook <name>: passed|failed (N s)" per notebook and a final "notebooks: N passed, N failed";
# exits non-zero when any notebook fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
CONFIG=${CONFIGURATION:-Release}
export CONFIGURATION=$CONFIG
# libgomp spins waiting threads by default; on a busy machine that slows training 5-10x.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
filter=${1:-}
timeout_s=${NOTEBOOK_TIMEOUT:-600}
out="$ROOT/artifacts/notebooks"

dotnet tool restore >/dev/null || { echo "dotnet tool restore failed (dotnet-repl)" >&2; exit 1; }
bin="$ROOT/src/Qieemo.Cli/bin/$CONFIG/net10.0"
if true; then  # incremental: quick when nothing changed
  echo "Building src/Qieemo.Cli ($CONFIG, incremental) for the notebooks..."
  dotnet build src/Qieemo.Cli -c "$CONFIG" -nologo -v quiet >/dev/null || { echo "build failed" >&2; exit 1; }
fi
mkdir -p "$out"

passed=0 failed=0
for nb in notebooks/*.ipynb; do
  name=$(basename "$nb" .ipynb)
  [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
  start=$(date +%s)
  # dotnet-repl prints nothing; the results are the executed notebook and its TRX (one result per cell).
  timeout "$timeout_s" dotnet repl --run "$nb" --exit-after-run --output-path "$out/$name.ipynb" >"$out/$name.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "notebook $name: passed (${secs} s)"
  else
    failed=$((failed + 1))
    [ $rc -eq 124 ] && why="timed out after ${timeout_s} s" || why="exit code $rc"
    echo "notebook $name: FAILED ($why, ${secs} s); executed copy: $out/$name.ipynb"
    # Show the failing cells' errors from the executed copy.
    [ -f "$out/$name.ipynb" ] && python3 - "$out/$name.ipynb" <<'PY' 2>/dev/null || true
import json, sys
nb = json.load(open(sys.argv[1]))
for i, cell in enumerate(nb.get("cells", [])):
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            print(f"  cell {i}: {o.get('evalue', '')[:2000]}")
PY
  fi
done
echo "notebooks: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $((passed + failed)) -gt 0 ]
