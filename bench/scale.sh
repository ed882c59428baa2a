#!/usr/bin/env bash
# Scale run: runeguard (release) over synthetic repositories of growing size.
#
#   bench/scale.sh [SIZES...]        default: 1000 10000 100000
#   RUNEGUARD_BIN=/path/to/runeguard bench/scale.sh 10000   (another build, e.g. a base to compare)
#
# Generates each repository once under bench/out/scale/N (bench/gen/gen.py), runs
# `runeguard check` over it under /usr/bin/time -v, and prints wall time, peak RSS, time per
# file and the growth factors against the previous size: linear growth shows as a time ratio
# close to the size ratio, flat memory as an RSS ratio close to 1.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
bin=${RUNEGUARD_BIN:-}
if [ -z "$bin" ]; then
    cargo build --release --quiet
    bin=target/release/runeguard
fi
out=bench/out/scale
mkdir -p "$out"
# cpu_s (user + system) is the figure to compare when other work shares the machine.
printf '%8s %8s %8s %12s %10s %12s %10s\n' files wall_s cpu_s peak_rss_MB us/file time_ratio rss_ratio
prev_n="" prev_t="" prev_m=""
for n in "${sizes[@]}"; do
    repo="$out/$n"
    if [ ! -f "$repo/.done" ]; then
        rm -rf "$repo"
        python3 bench/gen/gen.py "$repo" "$n" > /dev/null
        touch "$repo/.done"
    fi
    # Exit 1 (findings) is expected; anything else is a failure of the run.
    set +e
    /usr/bin/time -v "$bin" check --format json --output "$out/$n.json" "$repo" 2> "$out/$n.time" > /dev/null
    rc=$?
    set -e
    if [ "$rc" -gt 1 ]; then
        echo "runeguard exited $rc on $n files; see $out/$n.time" >&2
        grep -m3 -i 'panick' "$out/$n.time" >&2 || true
    fi
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$out/$n.time")
    cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$out/$n.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$out/$n.time")
    per=$(awk -v w="$wall" -v n="$n" 'BEGIN {printf "%.1f", w*1e6/n}')
    tr="-" mr="-"
    if [ -n "$prev_n" ]; then
        tr=$(awk -v a="$wall" -v b="$prev_t" -v x="$n" -v y="$prev_n" 'BEGIN {printf "%.1fx/%.0fx", a/b, x/y}')
        mr=$(awk -v a="$rss" -v b="$prev_m" 'BEGIN {printf "%.2fx", a/b}')
    fi
    printf '%8s %8s %8s %12s %10s %12s %10s\n' "$n" "$wall" "$cpu" "$rss" "$per" "$tr" "$mr"
    prev_n=$n prev_t=$wall prev_m=$rss
done
