#!/usr/bin/env bash
# Compares the reports of two runeguard binaries byte for byte (JSON, SARIF, human) over the
# fixtures and the shared corpus: the check that a refactoring changed no behaviour.
#   scripts/compare-reports.sh OLD_BIN NEW_BIN [PATH...]   (default paths: fixtures/ and
#   every folder of ../shared/corpus)
# Prints one line per path and format; exits 1 when any report differs.
set -uo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2; shift 2
paths=("$@")
if [ ${#paths[@]} -eq 0 ]; then
  paths=(fixtures)
  for d in ../shared/corpus/*/; do paths+=("${d%/}"); done
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rc=0
for p in "${paths[@]}"; do
  name=$(echo "$p" | tr '/.' '__')
  for bin in old new; do
    b=${!bin}
    RUNEGUARD_CACHE_DIR= NO_COLOR=1 "$b" check --quiet --format json="$out/$name.$bin.json" \
      --format sarif="$out/$name.$bin.sarif" --format human="$out/$name.$bin.txt" "$p" >/dev/null 2>&1
    echo $? > "$out/$name.$bin.rc"
  done
  for ext in rc json sarif txt; do
    if cmp -s "$out/$name.old.$ext" "$out/$name.new.$ext"; then
      echo "same      $p ($ext)"
    else
      echo "DIFFERENT $p ($ext)"; rc=1
      diff <(head -c 200000 "$out/$name.old.$ext") <(head -c 200000 "$out/$name.new.$ext") | head -10
    fi
  done
done
exit $rc
