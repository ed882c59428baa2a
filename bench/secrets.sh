#!/bin/sh
# The labelled credential benchmark: runeguard's secret rules, its masking and its detector,
# against detect-secrets, on bench/secrets/labelled.tsv. Needs detect-secrets (PyPI), offline:
#   python3 -m venv /tmp/ds && /tmp/ds/bin/pip install detect-secrets
#   DETECT_SECRETS=/tmp/ds/bin/detect-secrets bench/secrets.sh
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
RUNEGUARD_BENCH_OUT="$out" cargo test -q --test secrets_bench -- --nocapture >"$out/test.log" 2>&1 || {
    cat "$out/test.log"
    exit 1
}
python3 bench/secrets/compare.py "$out" "${DETECT_SECRETS:-detect-secrets}"
