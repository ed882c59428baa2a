#!/usr/bin/env bash
# Runs the built-in rules over a tree in regorus' VM (the default) and in its interpreter
# (RUNEGUARD_ENGINE=interpreter), and checks that the two JSON reports are byte-identical.
# tests/engines.rs does the same on the fixtures; this is for the shared corpus.
#   bench/engines.sh [PATH...]        (default: ../shared/corpus and fixtures)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- ../shared/corpus fixtures
cargo build --release --quiet
BIN=./target/release/runeguard
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for path in "$@"; do
  s=$(date +%s%N)
  "$BIN" check --quiet --format json "$path" >"$tmp/vm.json" 2>/dev/null || true
  m=$(date +%s%N)
  RUNEGUARD_ENGINE=interpreter "$BIN" check --quiet --format json "$path" >"$tmp/interp.json" 2>/dev/null || true
  e=$(date +%s%N)
  findings=$(grep -c '"rule_id"' "$tmp/vm.json" || true)
  if cmp -s "$tmp/vm.json" "$tmp/interp.json"; then verdict=identical; else verdict=DIFFERENT; status=1; fi
  printf '%-24s %6s findings  vm %6d ms  interpreter %6d ms  %s\n' "$path" "$findings" \
    $(( (m - s) / 1000000 )) $(( (e - m) / 1000000 )) "$verdict"
  [ "$verdict" = identical ] || diff <(grep -E '"(rule_id|file|start_line|message)"' "$tmp/interp.json") \
    <(grep -E '"(rule_id|file|start_line|message)"' "$tmp/vm.json") | head -20
done
exit $status
