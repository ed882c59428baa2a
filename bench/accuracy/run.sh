#!/bin/sh
# Agreement of runeguard's Kubernetes rules with the labelled fixtures of Checkov, kube-linter
# and Polaris (../shared/corpus). Writes docs/accuracy.md and prints the overall figure.
#
#   bench/accuracy/run.sh [CORPUS_DIR]       (default: ../shared/corpus beside the repository)
#
# Opt-in: the project's own tests never need the corpus. Set RUNEGUARD to use another binary.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
corpus=${1:-$repo/../shared/corpus}
if [ ! -d "$corpus/k8s-checkov-fixtures" ]; then
    echo "run.sh: no peer fixtures under $corpus" >&2
    exit 2
fi
if [ -z "${RUNEGUARD:-}" ]; then
    (cd "$repo" && cargo build --release -q)
    RUNEGUARD=$repo/target/release/runeguard
fi
cache=${TMPDIR:-/tmp}/runeguard-accuracy-$$.json
trap 'rm -f "$cache"' EXIT
python3 "$here/collect.py" "$RUNEGUARD" "$corpus" "$cache"
python3 "$here/crosswalk.py" "$cache" "$corpus" "$repo/docs/accuracy.md"
