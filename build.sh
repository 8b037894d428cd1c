#!/usr/bin/env bash
# Qieemo.ML build entry point.  Usage: ./build.sh [build|test|demo|bench|notebooks|clean] [args...]
#   build      restore and build everything (Release)
#   test       build, then run every test and the notebooks; prints "N passed, N failed"
#   demo       run the main job (`qieemo demo`) on the built-in synthetic corpus
#   bench      run the benchmarks against their reference implementations
#   notebooks  run the notebooks under notebooks/ headlessly (dotnet-repl); executed copies in artifacts/notebooks/
#   qieemo     run the CLI with the remaining arguments
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIG=${CONFIGURATION:-Release}
# libgomp spins waiting threads by default; on a busy 2-core machine that slows training 5-10x.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need_tools() {
  # espeak-ng, sox and flac make the synthetic corpora and the audio reference files.
  local missing=()
  for t in espeak-ng sox flac chromium; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]} with apt-get..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null \
      || { echo "apt-get could not install ${missing[*]}" >&2; return 1; }
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "Missing tools: ${missing[*]}. Install them (Debian/Ubuntu: apt-get install ${missing[*]};" \
         "macOS: brew install ${missing[*]}; Windows: see README.md) and rerun." >&2
    return 1
  fi
}

build() { dotnet build Qieemo.ML.sln -c "$CONFIG" -nologo -v minimal "$@"; }

cli() { dotnet "$ROOT/src/Qieemo.Cli/bin/$CONFIG/net10.0/qieemo.dll" "$@"; }

cmd=${1:-build}; shift || true
case "$cmd" in
  build) build "$@" ;;
  test)
    need_tools
    build
    rm -rf artifacts/test-results
    set +e
    dotnet test Qieemo.ML.sln -c "$CONFIG" --no-build -nologo \
      --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" \
      --results-directory artifacts/test-results "$@"
    rc=$?
    set -e
    trx=$(ls artifacts/test-results/*.trx 2>/dev/null | head -n1 || true)
    passed=0 failed=0
    if [ -n "$trx" ]; then
      passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -n1 | tr -dc 0-9)
      failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -n1 | tr -dc 0-9)
    fi
    # Each notebook counts as one test (test/notebooks/run.sh prints "notebooks: N passed, N failed").
    set +e
    bash test/notebooks/run.sh | tee artifacts/notebooks.log
    nrc=${PIPESTATUS[0]}
    set -e
    nline=$(grep -o 'notebooks: [0-9]* passed, [0-9]* failed' artifacts/notebooks.log | tail -n1 || true)
    npassed=$(echo "$nline" | sed -n 's/notebooks: \([0-9]*\) passed.*/\1/p')
    nfailed=$(echo "$nline" | sed -n 's/.* \([0-9]*\) failed/\1/p')
    # A run that died before its summary line counts as one failure.
    [ -z "$nline" ] && [ "$nrc" -ne 0 ] && nfailed=1
    echo "$(( ${passed:-0} + ${npassed:-0} )) passed, $(( ${failed:-0} + ${nfailed:-0} )) failed"
    [ "$rc" -eq 0 ] && rc=$nrc
    exit $rc ;;
  notebooks) need_tools; build; bash test/notebooks/run.sh "$@" ;;
  demo) need_tools; build; cli demo "$@" ;;
  bench) need_tools; build; bash test/benchmarks/run.sh "$@" ;;
  qieemo) cli "$@" ;;
  clean) rm -rf artifacts; find src test -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + ;;
  *) echo "unknown command '$cmd' (build|test|demo|bench|notebooks|qieemo|clean)" >&2; exit 2 ;;
esac
