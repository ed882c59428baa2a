#!/usr/bin/env bash
# Speed of runeguard's in-process Kustomize build against `kubectl kustomize`, one process per
# overlay as a user runs them: the mean wall time of N runs of each, per overlay and in total.
#
#   bench/render-speed-kustomize.sh [RUNS] [CORPUS_DIR]    (default 10, ../shared/corpus/kustomize)
#
# Uses the release build of examples/kustomize_build (build + print the stream, no rules).
set -u
runs=${1:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${2:-$here/../shared/corpus/kustomize}
export PATH="${RUNEGUARD_PEERS:-$HOME/.cache/runeguard-peers/bin}:$PATH"
command -v kubectl >/dev/null || { echo "kubectl not found: run ../shared/tools/install-peers kubectl" >&2; exit 2; }
cargo build --quiet --release --example kustomize_build --manifest-path "$here/Cargo.toml" || exit 2
bin="$here/target/release/examples/kustomize_build"
list=$(grep -o '^| kustomize/[^ |]*' "$corpus/../HELM_KUSTOMIZE.md" | sed 's#^| kustomize/##')
ms() { echo $(( $(date +%s%N) / 1000000 )); }
tot_r=0 tot_k=0
printf '%-80s %10s %10s %7s\n' overlay runeguard kubectl ratio
for rel in $list; do
  dir="$corpus/$rel"
  grep -q '^helmCharts:' "$dir/kustomization.yaml" 2>/dev/null && continue
  "$bin" "$dir" >/dev/null 2>&1; kubectl kustomize "$dir" >/dev/null 2>&1   # warm the page cache
  t=$(ms); for _ in $(seq "$runs"); do "$bin" "$dir" >/dev/null 2>&1; done; r=$(( ($(ms) - t) ))
  t=$(ms); for _ in $(seq "$runs"); do kubectl kustomize "$dir" >/dev/null 2>&1; done; k=$(( ($(ms) - t) ))
  tot_r=$((tot_r + r)); tot_k=$((tot_k + k))
  printf '%-80s %8.1fms %8.1fms %6.1fx\n' "$rel" "$(echo "$r/$runs" | bc -l)" "$(echo "$k/$runs" | bc -l)" "$(echo "$k/$r" | bc -l)"
done
printf '%-80s %8.1fms %8.1fms %6.1fx\n' "TOTAL (mean per run of all overlays)" "$(echo "$tot_r/$runs" | bc -l)" "$(echo "$tot_k/$runs" | bc -l)" "$(echo "$tot_k/$tot_r" | bc -l)"
