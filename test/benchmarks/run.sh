#!/usr/bin/env bash
# Runs every benchmark (or the ones named) beside its reference implementation and prints ratios.
# Usage: test/benchmarks/run.sh [name...]     (called by ./build.sh bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
CONFIG=${CONFIGURATION:-Release}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
BENCH="dotnet test/Qieemo.Benchmarks/bin/$CONFIG/net10.0/Qieemo.Benchmarks.dll"
PY=/usr/bin/python3
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(ls test/benchmarks/*.bench.sh | xargs -n1 basename | sed 's/\.bench\.sh$//'))
for n in "${names[@]}"; do
  echo "=== $n"
  BENCH="$BENCH" PY="$PY" bash "test/benchmarks/$n.bench.sh"
done
