#!/usr/bin/env bash
# Rendering fidelity: runeguard's in-process Helm renderer against the real Helm (v4 SDK, from
# ../shared/tools/install-peers helm) on every chart of ../shared/corpus/helm, with the chart's
# default values and with each of its ci/*.yaml. Documents are compared after parsing (same
# objects in the same order; empty documents dropped), as `helm template` and `runeguard
# render` print them. Mismatches are listed with the first differing document.
# Random by design: Helm is run twice per case; a leaf value that differs between the two
# Helm runs (randAlphaNum passwords, random test Pod names, genCA keys and certificates,
# htpasswd salts) is nondeterministic, and runeguard's value there is compared by shape only
# (present, of the same type). Every other value must be equal.
#   bench/render-fidelity.sh [CORPUS_DIR]      (exit 0; prints a summary table)
#   FIDELITY_STRICT=1 bench/render-fidelity.sh (exit 1 when a case that Helm renders differs)
#   FIDELITY_MIN=N bench/render-fidelity.sh     (exit 1 when fewer than N cases are the same)
set -uo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/corpus/helm}
PEERS=${RUNEGUARD_PEERS:-$HOME/.cache/runeguard-peers}
if [ ! -d "$CORPUS" ]; then echo "render-fidelity: no corpus at $CORPUS; skipped"; exit 0; fi
if [ ! -x "$PEERS/bin/helm" ]; then ../shared/tools/install-peers helm >/dev/null 2>&1 || true; fi
HELM=$PEERS/bin/helm
if [ ! -x "$HELM" ]; then echo "render-fidelity: helm peer not installed; skipped"; exit 0; fi
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "render-fidelity: python3 has no yaml module (apt-get install python3-yaml); skipped"; exit 0
fi
#   FIDELITY_BIN=path bench/render-fidelity.sh  (compare that binary; default: a fresh debug build)
if [ -z "${FIDELITY_BIN:-}" ]; then cargo build -q 2>/dev/null || cargo build; fi
RG=${FIDELITY_BIN:-$PWD/target/debug/runeguard}
OUT=${FIDELITY_OUT:-target/render-fidelity}
rm -rf "$OUT"; mkdir -p "$OUT"

charts=$(find "$CORPUS" -name Chart.yaml | sed 's|/Chart.yaml$||' | sort)
total=0; same=0; ref_failed=0; ours_failed=0; differ=0
printf '%-70s %-40s %s\n' "chart" "values" "result" > "$OUT/summary.txt"
for chart in $charts; do
  # Subcharts vendored under another chart's charts/ render with their parent.
  parent=$(dirname "$chart")
  if [ "$(basename "$parent")" = charts ] && [ -f "$(dirname "$parent")/Chart.yaml" ]; then continue; fi
  cases=("")
  if [ -d "$chart/ci" ]; then
    for v in "$chart"/ci/*.yaml "$chart"/ci/*.yml; do [ -f "$v" ] && cases+=("$v"); done
  fi
  for v in "${cases[@]}"; do
    total=$((total+1))
    id=$(echo "${chart#"$CORPUS"/}${v:+-$(basename "$v")}" | tr '/' '_')
    args=(); [ -n "$v" ] && args=(--values "$v")
    hargs=(); [ -n "$v" ] && hargs=(-f "$v")
    "$HELM" template "$chart" "${hargs[@]}" > "$OUT/$id.helm.yaml" 2> "$OUT/$id.helm.err"; hrc=$?
    "$HELM" template "$chart" "${hargs[@]}" > "$OUT/$id.helm2.yaml" 2> /dev/null
    "$RG" render "$chart" "${args[@]}" > "$OUT/$id.rg.yaml" 2> "$OUT/$id.rg.err"; rrc=$?
    shown="${v:+$(basename "$v")}"; shown=${shown:-default}
    if [ $hrc != 0 ]; then
      ref_failed=$((ref_failed+1)); res="helm fails: $(head -c 150 "$OUT/$id.helm.err" | tr '\n' ' ')"
    elif python3 - "$OUT/$id.helm.yaml" "$OUT/$id.rg.yaml" "$OUT/$id.helm2.yaml" > "$OUT/$id.diff" 2>&1 <<'PY'
import sys, yaml
def docs(p):
    class L(yaml.SafeLoader): pass
    # Timestamps and YAML 1.1 oddities compared as strings on both sides.
    L.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:timestamp'] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    with open(p) as f:
        return [d for d in yaml.load_all(f, Loader=L) if d is not None]
try:
    a = docs(sys.argv[1])
except Exception as e:
    # A chart that prints text YAML cannot read (Helm prints it all the same): the same
    # text is the same output.
    if open(sys.argv[1]).read() == open(sys.argv[2]).read():
        sys.exit(0)
    print("helm output unparseable:", e); sys.exit(1)
try:
    b = docs(sys.argv[2])
except Exception as e:
    print("runeguard output unparseable:", e); sys.exit(1)
try:
    a2 = docs(sys.argv[3])
except Exception:
    a2 = a
def name(d):
    return f"{d.get('kind')} {d.get('metadata', {}).get('name')}" if isinstance(d, dict) else str(type(d))
import re
MASK = "********"
RANDOM = object()
def random_marks(x, x2):
    """The reference with each leaf that differs between two Helm runs replaced by RANDOM
    (keeping the reference's value beside it, for the shape)."""
    if isinstance(x, dict) and isinstance(x2, dict) and x.keys() == x2.keys():
        return {k: random_marks(x[k], x2[k]) for k in x}
    if isinstance(x, list) and isinstance(x2, list) and len(x) == len(x2):
        return [random_marks(u, w) for u, w in zip(x, x2)]
    return x if x == x2 else (RANDOM, x)
def masked_match(parts, text):
    """Whether `text` is `parts` joined by any texts: each part found after the one before it,
    the first leftmost (greedy leftmost is exact for patterns whose only wildcard matches any
    text), in linear time where a regular expression of many `.*` backtracks exponentially
    (a Secret's block value masked line by line)."""
    if not text.startswith(parts[0]) or not text.endswith(parts[-1]):
        return False
    pos, end = len(parts[0]), len(text) - len(parts[-1])
    if end < pos:
        return False
    for p in parts[1:-1]:
        i = text.find(p, pos, end)
        if i < 0:
            return False
        pos = i + len(p)
    return True
def eq(x, y):
    """Equal, where runeguard masked a credential (render never prints one): a masked string
    matches the reference's value with any text in place of each mask; a value random by
    design (RANDOM) matches any value of the same type."""
    if isinstance(x, tuple) and len(x) == 2 and x[0] is RANDOM:
        return y is not None and type(x[1]) == type(y)
    if isinstance(y, str) and MASK in y and not isinstance(x, (dict, list)):
        return masked_match(y.split(MASK), str(x))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(eq(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(eq(u, w) for u, w in zip(x, y))
    return x == y
if len(a) == len(a2):
    a = [random_marks(x, x2) for x, x2 in zip(a, a2)]
if eq(a, b):
    sys.exit(0)
print(f"documents: helm {len(a)}, runeguard {len(b)}")
for i in range(max(len(a), len(b))):
    x = a[i] if i < len(a) else None
    y = b[i] if i < len(b) else None
    if not eq(x, y):
        print(f"first difference at document {i + 1}: helm {name(x) if x else '-'} / runeguard {name(y) if y else '-'}")
        def walk(p, x, y):
            if type(x) != type(y) or not isinstance(x, (dict, list)):
                if not eq(x, y):
                    print(f"  at {p}: helm {str(x)[:120]!r} / runeguard {str(y)[:120]!r}")
                    return True
                return False
            if isinstance(x, dict):
                for k in sorted(set(x) | set(y), key=str):
                    if walk(f"{p}.{k}", x.get(k), y.get(k)):
                        return True
            else:
                if len(x) != len(y):
                    print(f"  at {p}: helm {len(x)} items / runeguard {len(y)} items")
                    return True
                for j, (u, w) in enumerate(zip(x, y)):
                    if walk(f"{p}[{j}]", u, w):
                        return True
            return False
        if x is not None and y is not None:
            walk("", x, y)
        break
sys.exit(1)
PY
    then
      same=$((same+1)); res="same"
    else
      if [ $rrc != 0 ]; then ours_failed=$((ours_failed+1)); res="runeguard problem: $(grep -m1 error "$OUT/$id.rg.err" | head -c 200)"; else differ=$((differ+1)); res="differs: $(head -3 "$OUT/$id.diff" | tr '\n' ' ' | head -c 300)"; fi
    fi
    printf '%-70s %-40s %s\n' "${chart#"$CORPUS"/}" "$shown" "$res" >> "$OUT/summary.txt"
  done
done
cat "$OUT/summary.txt"
rendered=$((total-ref_failed))
echo
echo "render-fidelity: $total cases; Helm renders $rendered; runeguard same as Helm: $same/$rendered; runeguard reported a problem: $ours_failed; differ: $differ"
if [ "${FIDELITY_STRICT:-0}" = 1 ] && [ "$same" != "$rendered" ]; then exit 1; fi
if [ -n "${FIDELITY_MIN:-}" ] && [ "$same" -lt "$FIDELITY_MIN" ]; then
  echo "render-fidelity: $same cases the same as Helm, fewer than FIDELITY_MIN=$FIDELITY_MIN"; exit 1
fi
exit 0
