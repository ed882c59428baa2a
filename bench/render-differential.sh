#!/usr/bin/env bash
# Differential testing of runeguard's Helm renderer against the real Helm (v4 SDK, from
# ../shared/tools/install-peers helm): random small charts (bench/differential/gen.py: actions,
# Go printing of every value type, Sprig and Helm functions, values files, --set, subcharts
# with globals, .Files), each rendered by `helm template` and `runeguard render` with the same
# flags; output text and error outcome compared (bench/differential/run.py). Each mismatch is
# reduced to its minimal template, printed, and saved under target/render-differential/found.
# The charts of tests/data/helm-diff (cases found before, with Helm's output) are replayed first.
#   SEED=1 N=200 bench/render-differential.sh      (exit 1 on any mismatch)
#   DIFF_BIN=path   compare that binary (default: a fresh debug build)
#   DIFF_NO_REDUCE=1  report mismatches without reducing them (faster)
set -uo pipefail
cd "$(dirname "$0")/.."
PEERS=${RUNEGUARD_PEERS:-$HOME/.cache/runeguard-peers}
if [ ! -x "$PEERS/bin/helm" ] && [ -x ../shared/tools/install-peers ]; then
  ../shared/tools/install-peers helm >/dev/null 2>&1 || true
fi
if [ ! -x "$PEERS/bin/helm" ]; then echo "render-differential: helm peer not installed; skipped"; exit 0; fi
if [ -z "${DIFF_BIN:-}" ]; then cargo build -q 2>/dev/null || cargo build; fi
RG=${DIFF_BIN:-$PWD/target/debug/runeguard}
OUT=${DIFF_OUT:-target/render-differential}
#   DIFF_MAX=K        fail only when more than K generated cases differ (CI's ratchet)
extra=(); [ -n "${DIFF_NO_REDUCE:-}" ] && extra+=(--no-reduce)
[ -n "${DIFF_MAX:-}" ] && extra+=(--max-mismatches "$DIFF_MAX")
#   DIFF_SHOW_KNOWN=1 print the Helm error of each known gap
[ -n "${DIFF_SHOW_KNOWN:-}" ] && extra+=(--show-known)
#   DIFF_CORPUS=dir   the saved cases replayed first (default tests/data/helm-diff; empty: none,
#                     for a second seed of the same run)
corpus=(--corpus "${DIFF_CORPUS-tests/data/helm-diff}"); [ -z "${DIFF_CORPUS-x}" ] && corpus=()
exec python3 bench/differential/run.py --helm "$PEERS/bin/helm" --runeguard "$RG" \
  --out "$OUT/cases" --save "$OUT/found" "${corpus[@]}" \
  --seed "${SEED:-1}" --n "${N:-200}" "${extra[@]}"
