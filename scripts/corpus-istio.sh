#!/usr/bin/env bash
# Runs the Istio rules (IST-*) over the Istio corpus and reports:
#   1. the whole corpus as one scan (whole-project rules see every file): findings per rule,
#      the most frequent findings, and every problem (parse failure, rule error) with its place;
#   2. every file on its own: exit codes (a panic would be exit 101), so nothing hides behind
#      another file;
#   3. agreement with the labels of Istio's own analyzer test cases
#      (istio-analyzer-fixtures/GROUND_TRUTH.json) where one of our rules corresponds.
#
# Opt-in: the project's tests never read ../shared. Needs python3 (standard library only).
#
#   scripts/corpus-istio.sh                     # corpus at ../shared/corpus/istio
#   CORPUS=/path/to/istio RUNEGUARD=target/release/runeguard scripts/corpus-istio.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus/istio}
bin=${RUNEGUARD:-$root/target/debug/runeguard}

if [ ! -d "$corpus" ]; then
	echo "corpus-istio: no corpus at $corpus (set CORPUS)" >&2
	exit 2
fi
if [ ! -x "$bin" ]; then
	(cd "$root" && cargo build -q)
fi

exec python3 - "$bin" "$corpus" <<'PY'
import collections, json, os, subprocess, sys, tempfile

bin_, corpus = sys.argv[1], os.path.abspath(sys.argv[2])
tmp = tempfile.mkdtemp(prefix="corpus-istio-")
rel = lambda p: os.path.relpath(p, corpus)


def check(paths, out):
    """Runs `runeguard check --select IST` and returns (exit code, stderr, report)."""
    cmd = [bin_, "check", "--select", "IST", "--quiet", "--color", "never", "--format", f"json={out}", *paths]
    p = subprocess.run(cmd, capture_output=True, text=True)
    report = None
    if os.path.exists(out):
        with open(out) as f:
            report = json.load(f)
        os.remove(out)
    return p.returncode, p.stderr, report


# 1. The whole corpus as one scan.
code, err, report = check([corpus], os.path.join(tmp, "all.json"))
print(f"# Istio corpus: {corpus}\n")
print(f"whole corpus, one scan: exit {code}")
if code not in (0, 1, 2) or report is None:
    print(f"  CRASH: {err.strip()[:2000]}")
    sys.exit(1)
s = report["summary"]
print(f"  {s['files']} files, {s['documents']} documents, {s['rules']} rules, {s['findings']} findings {s['by_severity']}")
print("\nproblems (each with its location):")
for p in report["problems"]:
    where = rel(p["file"]) if p["file"].startswith(corpus) else p["file"]
    print(f"  {p['level']}: {where}:{p.get('line') or '-'}:{p.get('column') or '-'}: {p['message'].splitlines()[0]}")
if not report["problems"]:
    print("  none")

findings = report["findings"]
print("\nfindings per rule:")
for rule, n in sorted(collections.Counter(f["rule_id"] for f in findings).items()):
    print(f"  {rule}  {n}")

print("\nmost frequent findings (rule, message shape):")
shape = lambda m: " ".join(w if not any(c in w for c in "/\"") else "…" for w in m.split()[:14])
for (rule, msg), n in collections.Counter((f["rule_id"], shape(f["message"])) for f in findings).most_common(20):
    print(f"  {n:4}  {rule}  {msg}")

# 2. Every file on its own: no panic anywhere.
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith((".yaml", ".yml", ".json")) and f != "GROUND_TRUTH.json")
bad = []
for path in files:
    code, err, _ = check([path], os.path.join(tmp, "one.json"))
    if code not in (0, 1, 2) or "panicked" in err:
        bad.append((path, code, err.strip()[:300]))
print(f"\nfile by file: {len(files)} files, {len(bad)} crashes")
for path, code, err in bad:
    print(f"  CRASH exit {code}: {rel(path)}: {err}")


# 3. Agreement with Istio's analyzer labels, per resource of each labelled case.
def resources(paths):
    p = subprocess.run([bin_, "inspect", *paths], capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        if line.startswith("# ") and " — " in line and "kubernetes (" in line:
            out.append(line.rsplit(" — ", 1)[1].strip())
    return out


# Our rule for each Istio analyzer whose verdict means the same thing.
crosswalk = {
    "virtualservice.DestinationRuleAnalyzer": ("IST-013", {"ReferencedResourceNotFound"}),
    "deprecation.FieldAnalyzer": ("IST-006", {"Deprecated"}),
}
gt_path = os.path.join(corpus, "istio-analyzer-fixtures", "GROUND_TRUTH.json")
print("\nagreement with istio-analyzer-fixtures/GROUND_TRUTH.json:")
if not os.path.exists(gt_path):
    print("  no GROUND_TRUTH.json")
    sys.exit(1 if bad else 0)
with open(gt_path) as f:
    gt = json.load(f)
total = agree = 0
for case in gt["cases"]:
    if case["analyzer"] not in crosswalk:
        continue
    rule, messages = crosswalk[case["analyzer"]]
    base = os.path.dirname(gt_path)
    paths = [os.path.join(base, p) for p in case["input_files"]]
    _, _, rep = check(paths, os.path.join(tmp, "case.json"))
    ours = {f["resource"] for f in rep["findings"] if f["rule_id"] == rule}
    theirs = {e["resource"] for e in case["expected"] if e["message"] in messages}
    universe = set(resources(paths)) | ours | theirs
    for r in sorted(universe):
        total += 1
        same = (r in ours) == (r in theirs)
        agree += same
        if not same:
            who = "only runeguard" if r in ours else "only Istio"
            print(f"  disagree  {rule} vs {case['analyzer']} ({case['name']}): {r}: {who}")
    print(f"  case {case['name']!r}: {rule} vs {case['analyzer']}: {len(universe)} resources, Istio flags {len(theirs)}, runeguard flags {len(ours)}")
if total:
    print(f"  overall: {agree}/{total} resources agree ({100.0 * agree / total:.1f}%)")
sys.exit(1 if bad else 0)
PY
