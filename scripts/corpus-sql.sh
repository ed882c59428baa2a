#!/usr/bin/env bash
# Runs runeguard over the shared SQL corpus (../shared/corpus/sql by default): checks that
# nothing panics, counts parsed / skipped / unparsed statements, summarises findings per rule,
# and measures throughput against the parse-only floor (`--no-builtin`, no rules).
#
#   scripts/corpus-sql.sh [CORPUS_DIR]
#
# Opt-in (not part of CI): needs the corpus, a release build, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/sql}"
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
out="${TMPDIR:-/tmp}/runeguard-corpus-sql"
mkdir -p "$out"

cargo build --release -q
bin=target/release/runeguard
bytes=$(find "$corpus" -name '*.sql' -type f -print0 | xargs -0 cat | wc -c)
files=$(find "$corpus" -name '*.sql' -type f | wc -l)

# Statement statistics (the loader alone, one thread).
RUNEGUARD_SQL_CORPUS="$corpus" cargo test --release -q --lib sql_corpus_stats -- --ignored --nocapture 2>/dev/null \
    | grep -E '^(files|load)' | tee "$out/stats.txt"
statements=$(sed -n 's/.*statements: \([0-9]*\),.*/\1/p' "$out/stats.txt" | head -1)

run() { # name, args...
    local name=$1; shift
    local best=""
    for _ in 1 2 3; do
        local t0 t1 rc=0
        t0=$(date +%s.%N)
        "$bin" check "$@" --format json --output "$out/$name.json" "$corpus" >/dev/null 2>"$out/$name.stderr" || rc=$?
        t1=$(date +%s.%N)
        if [ "$rc" -gt 2 ] || grep -q panicked "$out/$name.stderr"; then
            echo "PANIC or crash (exit $rc) in run $name:" >&2; cat "$out/$name.stderr" >&2; exit 1
        fi
        local s; s=$(echo "$t1 - $t0" | bc)
        if [ -z "$best" ] || [ "$(echo "$s < $best" | bc)" = 1 ]; then best=$s; fi
    done
    printf '%-10s %6.2fs  %6.2f MB/s  %8.0f statements/s\n' "$name" "$best" \
        "$(echo "$bytes / 1000000 / $best" | bc -l)" "$(echo "${statements:-0} / $best" | bc -l)"
}

echo "corpus: $files files, $bytes bytes, ${statements:-?} statements"
run floor --no-builtin
run rules --select SQL

python3 - "$out/rules.json" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
levels = collections.Counter(p["level"] for p in d["problems"])
print(f"problems: {levels.get('error', 0)} errors (unparsed modelled statements), {levels.get('note', 0)} notes")
for p in d["problems"]:
    if p["level"] == "error" and "postgres-regression-ddl" not in p["file"]:
        print(f"  {p['file']}:{p.get('line')}:{p.get('column')}: {p['message'][:140]}")
rules = collections.Counter(f["rule_id"] for f in d["findings"])
print("findings per rule:", ", ".join(f"{r} {n}" for r, n in sorted(rules.items())))
PY
