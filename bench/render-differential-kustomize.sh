#!/usr/bin/env bash
# Differential testing of runeguard's in-process Kustomize build against real Kustomize
# (`kubectl kustomize`, Kustomize v5.8 from ../shared/tools/install-peers kubectl): random
# overlays from a seed (bench/gen/kustomize_diff.py) are built by both; each must give the
# same documents in the same order, or an error from both (runeguard's is a located problem,
# exit 2). A mismatch is printed with its reduced overlay; exits 1 when any case differs.
#
#   bench/render-differential-kustomize.sh [SEED] [COUNT] [KEEP_DIR]   (default 1 200)
#   TEXT=1 also compares the printed stream as text (less runeguard's `# Source:` lines).
#
# The same seed writes the same overlays. With KEEP_DIR, each reduced mismatch is written to
# KEEP_DIR/case-SEED-K (to become a test under tests/data/kustomize/ once fixed).
set -u
seed=${1:-1}
count=${2:-200}
keep=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
peers=${RUNEGUARD_PEERS:-$HOME/.cache/runeguard-peers/bin}
export PATH="$peers:$PATH"
command -v kubectl >/dev/null || { echo "kubectl not found: run ../shared/tools/install-peers kubectl" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 2; }
cargo build --quiet --example kustomize_build --manifest-path "$here/Cargo.toml" || exit 2
args=(--seed "$seed" --count "$count" --bin "${CARGO_TARGET_DIR:-$here/target}/debug/examples/kustomize_build" --kubectl "$(command -v kubectl)")
[ -n "$keep" ] && args+=(--keep "$keep")
[ -n "${TEXT:-}" ] && args+=(--text)
exec python3 "$here/bench/gen/kustomize_diff.py" "${args[@]}"
