#!/usr/bin/env bash
# Instructions (callgrind, all threads) of `runeguard check --quiet CHART` for each chart of
# bench/render-speed.sh, one run after a warming run (warm program cache). Independent of the
# machine's load, unlike the clock: the figures of docs/performance.md, sessions 9-11.
#   bench/instructions.sh BIN [CORPUS]      (CORPUS defaults to ../shared/corpus/helm)
set -uo pipefail
B=${1:?usage: bench/instructions.sh BIN [CORPUS]}
CORPUS=${2:-$(dirname "$0")/../../shared/corpus/helm}
command -v valgrind >/dev/null || { echo "instructions: valgrind is needed" >&2; exit 2; }
[ -d "$CORPUS" ] || { echo "instructions: no corpus at $CORPUS" >&2; exit 2; }
RUNEGUARD_CACHE_DIR=$(mktemp -d)
export RUNEGUARD_CACHE_DIR
trap 'rm -rf "$RUNEGUARD_CACHE_DIR"' EXIT
tot=0
for chart in $(find "$CORPUS" -name Chart.yaml | sed 's|/Chart.yaml$||' | sort); do
  parent=$(dirname "$chart")
  if [ "$(basename "$parent")" = charts ] && [ -f "$(dirname "$parent")/Chart.yaml" ]; then continue; fi
  "$B" check --quiet "$chart" >/dev/null 2>&1
  n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$B" check --quiet "$chart" 2>&1 >/dev/null |
    awk '/Collected/ {gsub(",", "", $4); print $4}')
  tot=$((tot + n))
  awk -v c="${chart#"$CORPUS"/}" -v n="$n" 'BEGIN {printf "%-70s %8.1f M\n", c, n / 1e6}'
done
awk -v n="$tot" 'BEGIN {printf "%-70s %8.1f M\n", "TOTAL", n / 1e6}'
