#!/usr/bin/env bash
# Times runeguard on the shared corpus: the parse floor (--no-builtin), all built-in rules, a
# one-file run (pre-commit), with 1 and all cores, and peak RSS. Median of N runs.
#   bench/run.sh [N]            (needs ../shared/corpus; builds the release binary)
#   BIN=path/to/runeguard bench/run.sh [N]   (times that binary instead, e.g. a former build;
#                                            RUNEGUARD_BIN= works too)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-7}
CORPUS=${CORPUS:-../shared/corpus}
[ -d "$CORPUS/k8s" ] || { echo "bench: $CORPUS/k8s not found" >&2; exit 2; }
BIN=${BIN:-${RUNEGUARD_BIN:-}}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=./target/release/runeguard
fi

# The clock is bash's own ($EPOCHREALTIME, microseconds): `$(date +%s%N)` started two
# processes around each run, ≈ 1 ms of fork and exec counted as the command's.
median_ms() { # median_ms CMD... : runs N times, prints the median wall time in ms
  local times=() s e
  for _ in $(seq "$N"); do
    s=${EPOCHREALTIME//[.,]/}; "$@" >/dev/null 2>&1 || true; e=${EPOCHREALTIME//[.,]/}
    times+=($(( 10#$e - 10#$s )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f\n", a[int((NR+1)/2)] / 1000}'
}

peak_rss_mb() { # peak_rss_mb CMD...
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {printf "%.1f", $2/1024}'
}

one_file=$(ls "$CORPUS"/k8s/microservices-demo/*.yaml 2>/dev/null | head -1 || true)
[ -n "$one_file" ] || one_file=$(find "$CORPUS/k8s" -name '*.yaml' | sort | head -1 || true)
k8s_files=$(find "$CORPUS/k8s" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | wc -l)
k8s_bytes=$(find "$CORPUS/k8s" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | du -cb --files0-from=- | tail -1 | cut -f1)

echo "runeguard $($BIN --version | cut -d' ' -f2), $(nproc) cores, median of $N runs"
echo "corpus k8s: $k8s_files files, $((k8s_bytes / 1024)) KiB; rules: $($BIN rules --format json | grep -c '"id"')"
echo
printf '%-46s %10s %10s\n' "run" "wall ms" "peak MB"
row() { local name=$1; shift; printf '%-46s %10s %10s\n' "$name" "$(median_ms "$@")" "$(peak_rss_mb "$@")"; }
row "one file, all rules (pre-commit)"            $BIN check --quiet "$one_file"
row "one file, --no-builtin (start-up floor)"     $BIN check --quiet --no-builtin "$one_file"
row "k8s corpus, --no-builtin (parse floor)"      $BIN check --quiet --no-builtin "$CORPUS/k8s"
row "k8s corpus, all rules"                       $BIN check --quiet "$CORPUS/k8s"
row "k8s corpus, all rules, --jobs 1"             $BIN check --quiet --jobs 1 "$CORPUS/k8s"
row "k8s corpus, all rules, interpreter only"     env RUNEGUARD_ENGINE=interpreter $BIN check --quiet "$CORPUS/k8s"
row "whole corpus, --no-builtin"                  $BIN check --quiet --no-builtin "$CORPUS"
row "whole corpus, all rules"                     $BIN check --quiet "$CORPUS"
row "whole corpus, all rules, sarif+json"         $BIN check --quiet --format sarif=/tmp/rg.sarif --format json=/tmp/rg.json "$CORPUS"
