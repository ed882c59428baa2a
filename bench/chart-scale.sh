#!/usr/bin/env bash
# Growth of a chart's check with the size of one template: a generated chart whose single
# template writes N Deployments (each with a values switch over `hostNetwork: true` and a
# privileged container: ~14 findings an object on template text), checked for each N.
# Linear work shows as a cpu ratio close to the size ratio (2.0 per doubling); a cost per
# finding that reads the whole template shows as ~4.0.
#
#   bench/chart-scale.sh [SIZES...]               default: 100 200 400 800
#   RUNEGUARD_BIN=path bench/chart-scale.sh       another build (default: target/release)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 200 400 800)
bin=${RUNEGUARD_BIN:-}
if [ -z "$bin" ]; then
    cargo build --release --quiet
    bin=target/release/runeguard
fi
out=bench/out/chart-scale
mkdir -p "$out"
printf '%8s %8s %10s %10s\n' objects cpu_s findings cpu_ratio
prev=""
for n in "${sizes[@]}"; do
    chart="$out/$n"
    if [ ! -f "$chart/.done" ]; then
        rm -rf "$chart"
        mkdir -p "$chart/templates"
        printf 'apiVersion: v2\nname: scale\nversion: 0.1.0\n' > "$chart/Chart.yaml"
        printf 'hostNet: true\nimage: nginx\n' > "$chart/values.yaml"
        python3 - "$n" "$chart/templates/all.yaml" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        f.write(f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{i}
spec:
  selector:
    matchLabels: {{app: app{i}}}
  template:
    metadata:
      labels: {{app: app{i}}}
    spec:
      {{{{- if .Values.hostNet }}}}
      hostNetwork: true
      {{{{- end }}}}
      containers:
        - name: c
          image: {{{{ .Values.image }}}}
          securityContext:
            privileged: true
""")
PY
        touch "$chart/.done"
    fi
    set +e
    /usr/bin/time -f '%U %S' -o "$out/$n.time" "$bin" check --quiet --format json --output "$out/$n.json" "$chart" > /dev/null
    rc=$?
    set -e
    [ "$rc" -le 1 ] || { echo "runeguard exited $rc on $n objects" >&2; exit 2; }
    cpu=$(tail -n 1 "$out/$n.time" | awk '{printf "%.2f", $1 + $2}')
    found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$out/$n.json")
    ratio="-"
    [ -n "$prev" ] && ratio=$(awk -v a="$cpu" -v b="$prev" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    printf '%8s %8s %10s %10s\n' "$n" "$cpu" "$found" "$ratio"
    prev=$cpu
done
