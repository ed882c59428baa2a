#!/usr/bin/env bash
# Speed of checking a Helm chart against rendering it with the real Helm: for each chart of
# ../shared/corpus/helm (default values), one process per chart as a user runs it:
#   helm template CHART                    (the real Helm v4 SDK: rendering only)
#   runeguard check --quiet CHART          (render + every built-in rule + the human report)
#   runeguard render CHART                 (rendering only)
# Median wall time of N runs (default 5), from bash's clock. Builds the release binary.
#   bench/render-speed.sh [N]
#   BIN=path/to/runeguard bench/render-speed.sh [N]   (times that binary, e.g. a former build)
set -uo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}
CORPUS=${CORPUS:-../shared/corpus/helm}
PEERS=${RUNEGUARD_PEERS:-$HOME/.cache/runeguard-peers}
[ -d "$CORPUS" ] || { echo "render-speed: no corpus at $CORPUS" >&2; exit 2; }
[ -x "$PEERS/bin/helm" ] || ../shared/tools/install-peers helm >/dev/null 2>&1
HELM=$PEERS/bin/helm
SOURCE=${BIN:-}
if [ -z "$SOURCE" ]; then cargo build --release --quiet; SOURCE=target/release/runeguard; fi
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
BIN=$WORK/runeguard; cp "$SOURCE" "$BIN"
export RUNEGUARD_CACHE_DIR=${RUNEGUARD_CACHE_DIR:-$WORK/cache}

# The clock is bash's own ($EPOCHREALTIME, microseconds): reading it with `$(date +%s%N)`
# started two processes around each run, ≈ 1 ms of fork and exec counted as the command's.
median_ms() {
  local times=() s e
  for _ in $(seq "$N"); do
    s=${EPOCHREALTIME//[.,]/}; "$@" >/dev/null 2>&1; e=${EPOCHREALTIME//[.,]/}
    times+=($(( 10#$e - 10#$s )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f\n", a[int((NR+1)/2)] / 1000}'
}

printf '%-62s %9s %9s %9s %7s\n' chart "helm ms" "check ms" "render ms" "ratio"
th=0; tc=0; tr=0
for chart in $(find "$CORPUS" -name Chart.yaml | sed 's|/Chart.yaml$||' | sort); do
  parent=$(dirname "$chart")
  if [ "$(basename "$parent")" = charts ] && [ -f "$(dirname "$parent")/Chart.yaml" ]; then continue; fi
  "$BIN" check --quiet "$chart" >/dev/null 2>&1   # warm the program cache (a user's 2nd run)
  h=$(median_ms "$HELM" template "$chart")
  c=$(median_ms "$BIN" check --quiet "$chart")
  r=$(median_ms "$BIN" render "$chart")
  th=$(awk -v a="$th" -v b="$h" 'BEGIN{print a+b}'); tc=$(awk -v a="$tc" -v b="$c" 'BEGIN{print a+b}'); tr=$(awk -v a="$tr" -v b="$r" 'BEGIN{print a+b}')
  printf '%-62s %9s %9s %9s %7s\n' "${chart#"$CORPUS"/}" "$h" "$c" "$r" "$(awk -v h="$h" -v c="$c" 'BEGIN{printf "%.1fx", h/(c>0?c:1)}')"
done
printf '%-62s %9.0f %9.0f %9.0f %7s\n' TOTAL "$th" "$tc" "$tr" "$(awk -v h="$th" -v c="$tc" 'BEGIN{printf "%.1fx", h/(c>0?c:1)}')"
