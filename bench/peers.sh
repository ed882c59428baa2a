#!/usr/bin/env bash
# Times runeguard against its peers, in one run, alternating the tools round by round, median
# of N rounds (default 5), with each tool's peak RSS (GNU time -v):
#   Checkov (--framework kubernetes), Trivy (config) and runeguard (all built-in rules) on
#   CORPUS/k8s; runeguard on the whole CORPUS; runeguard --no-builtin on CORPUS/k8s (the
#   parse floor); runeguard on one manifest (pre-commit); the runeguard rows again without the
#   compiled-program cache (RUNEGUARD_CACHE_DIR=, a first run).
#   bench/peers.sh [N]     (needs ../shared/corpus and ../shared/tools/install-peers)
# Prints a table of medians and ratios; RESULTS=FILE also writes the raw times as TSV.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}
CORPUS=$(realpath "${CORPUS:-../shared/corpus}")
[ -d "$CORPUS/k8s" ] || { echo "peers: $CORPUS/k8s not found" >&2; exit 2; }
PEERS=${RUNEGUARD_PEERS:-$HOME/.cache/runeguard-peers}
"${INSTALL_PEERS:-../shared/tools/install-peers}" checkov trivy >&2
export PATH="$PEERS/bin:$PATH"
cargo build --release --quiet
# A copy, so that a rebuild during the benchmark does not change the binary under test.
BIN=$(mktemp -d)/runeguard
cp ./target/release/runeguard "$BIN"
K8S=$CORPUS/k8s
ONE=$(find "$K8S" -name '*.yaml' | sort | head -1)
RAW=${RESULTS:-$(mktemp)}
: >"$RAW"
# Trivy keeps a cache; give it a private one so that runs are comparable (and offline).
TRIVY_CACHE=$(mktemp -d)
trap 'rm -rf "$TRIVY_CACHE" "$(dirname "$BIN")"' EXIT

names=(checkov trivy runeguard runeguard-corpus runeguard-floor runeguard-one runeguard-nocache runeguard-one-nocache)
cmd() {
  case $1 in
    checkov) echo checkov --quiet --compact --skip-download --framework kubernetes -d "$K8S" -o json ;;
    trivy) echo trivy config --cache-dir "$TRIVY_CACHE" --skip-check-update --quiet -f json "$K8S" ;;
    runeguard) echo "$BIN" check --quiet "$K8S" ;;
    runeguard-corpus) echo "$BIN" check --quiet "$CORPUS" ;;
    runeguard-floor) echo "$BIN" check --quiet --no-builtin "$K8S" ;;
    runeguard-one) echo "$BIN" check --quiet "$ONE" ;;
    runeguard-nocache) echo env RUNEGUARD_CACHE_DIR= "$BIN" check --quiet "$K8S" ;;
    runeguard-one-nocache) echo env RUNEGUARD_CACHE_DIR= "$BIN" check --quiet "$ONE" ;;
  esac
}

# run NAME: one timed run; appends "NAME wall_ms peak_kb" to RAW (wall time from the clock in
# nanoseconds: GNU time's %e has 10 ms steps; peak RSS from GNU time).
run() {
  local t s e
  t=$(mktemp)
  s=$(date +%s%N)
  # (the tools exit non-zero when they find something: not an error here)
  # shellcheck disable=SC2046
  /usr/bin/time -o "$t" -f '%M' $(cmd "$1") >/dev/null 2>&1 || true
  e=$(date +%s%N)
  tail -1 "$t" | awk -v n="$1" -v ms=$(( (e - s) / 1000000 )) '{printf "%s\t%d\t%d\n", n, ms, $1}' >>"$RAW"
  rm -f "$t"
}

echo "checkov $(checkov --version 2>/dev/null), $(trivy --version 2>/dev/null | head -1), runeguard $($BIN --version | cut -d' ' -f2); $(nproc) cores; median of $N alternating rounds" >&2
# One untimed run fills runeguard's program cache for this copy of the binary (a user's first
# run; the -nocache rows show what it costs).
"$BIN" check --quiet "$CORPUS" >/dev/null 2>&1 || true
for r in $(seq "$N"); do
  for n in "${names[@]}"; do
    run "$n"
  done
  echo "round $r done" >&2
done

median() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n {print $c}' "$RAW" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-18s %10s %10s %12s\n' tool "wall ms" "peak MB" "vs runeguard"
rg=$(median runeguard 2)
for n in "${names[@]}"; do
  w=$(median "$n" 2); m=$(median "$n" 3)
  printf '%-18s %10d %10.1f %11.1fx\n' "$n" "$w" "$(echo "$m / 1024" | bc -l)" "$(echo "$w / $rg" | bc -l)"
done
echo
echo "commands:"
for n in "${names[@]}"; do printf '  %-18s %s\n' "$n" "$(cmd "$n")"; done
