#!/usr/bin/env bash
# Runs the service-configuration rules (CFG-*) over the config corpus (Envoy, OpenTelemetry,
# Prometheus and Alertmanager, Helm values, Strimzi, Compose files, cert-manager) and reports:
#   1. how the corpus is classified: documents per type (Kubernetes, config standard / compose
#      / generic), from `runeguard inspect`;
#   2. the whole corpus as one scan: time, findings per rule, and every problem (parse failure,
#      rule error) with its location;
#   3. every CFG-013/016/017 hit (the rules that must not fire on placeholders) with its key
#      path, for review. Values are never printed, only their shape;
#   4. with PER_FILE=1, every file on its own: exit codes (a panic would be exit 101).
#
# Opt-in: the project's tests never read ../shared. Needs python3 (standard library only).
#
#   scripts/corpus-config.sh                    # corpus at ../shared/corpus/config
#   CORPUS=/path/to/config RUNEGUARD=target/release/runeguard PER_FILE=1 scripts/corpus-config.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus/config}
bin=${RUNEGUARD:-$root/target/debug/runeguard}

if [ ! -d "$corpus" ]; then
	echo "corpus-config: no corpus at $corpus (set CORPUS)" >&2
	exit 2
fi
if [ ! -x "$bin" ]; then
	(cd "$root" && cargo build -q)
fi

exec python3 - "$bin" "$corpus" "${PER_FILE:-0}" <<'PY'
import collections, json, os, re, subprocess, sys, tempfile, time

bin_, corpus, per_file = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3] == "1"
tmp = tempfile.mkdtemp(prefix="corpus-config-")
rel = lambda p: os.path.relpath(p, corpus) if p.startswith(corpus) else p
files = sorted(
    os.path.join(d, f)
    for d, _, fs in os.walk(corpus)
    for f in fs
    if f.rsplit(".", 1)[-1].lower() in ("yaml", "yml", "json", "toml")
)


def check(paths, out):
    """Runs `runeguard check --select CFG` and returns (exit code, seconds, stderr, report)."""
    cmd = [bin_, "check", "--select", "CFG", "--quiet", "--color", "never", "--format", f"json={out}", *paths]
    t = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.monotonic() - t
    report = None
    if os.path.exists(out):
        with open(out) as f:
            report = json.load(f)
        os.remove(out)
    return p.returncode, secs, p.stderr, report


print(f"# Config corpus: {corpus}\n")

# 1. Classification.
kinds = collections.Counter()
for i in range(0, len(files), 200):
    p = subprocess.run([bin_, "inspect", *files[i : i + 200]], capture_output=True, text=True)
    for m in re.finditer(r"^# .* document \d+: (\w+)(?: \(([^)]*)\))?", p.stdout, re.M):
        kinds[m.group(1) if m.group(1) != "config" else f"config/{m.group(2)}"] += 1
print(f"{len(files)} files; documents by type:")
for k, n in sorted(kinds.items()):
    print(f"  {k}: {n}")

# 2. The whole corpus as one scan.
code, secs, err, report = check([corpus], os.path.join(tmp, "all.json"))
print(f"\nwhole corpus, one scan: exit {code}, {secs:.1f} s")
if code not in (0, 1, 2) or report is None:
    print(f"  CRASH: {err.strip()[:2000]}")
    sys.exit(1)
s = report["summary"]
print(f"  {s['files']} files, {s['documents']} documents, {s['rules']} rules, {s['findings']} findings {s['by_severity']}")
print("\nproblems (each with its location):")
for p in report["problems"]:
    print(f"  {p['level']}: {rel(p['file'])}:{p.get('line') or '-'}:{p.get('column') or '-'}: {p['message'].splitlines()[0]}")
if not report["problems"]:
    print("  none")

findings = report["findings"]
print("\nfindings per rule:")
for rule, n in sorted(collections.Counter(f["rule_id"] for f in findings).items()):
    print(f"  {rule}: {n}")


# 3. Secret and TLS hits, for review: key path and the value's shape, never the value.
def shape(f):
    path = f["path"]
    try:
        with open(f["file"]) as fh:
            line = fh.read().split("\n")[f["start_line"] - 1]
    except OSError:
        return "?"
    value = re.split(r"[:=]", line, maxsplit=1)[-1].strip().strip("'\",")
    if not value:
        return "block"
    kind = "digits" if value.isdigit() else "word" if value.isalpha() else "mixed"
    return f"{kind}, {len(value)} chars"


for rule in ("CFG-013", "CFG-016", "CFG-017"):
    hits = [f for f in findings if f["rule_id"] == rule]
    print(f"\n{rule}: {len(hits)} hits")
    for f in sorted(hits, key=lambda f: (f["file"], f["start_line"])):
        extra = f" [{shape(f)}]" if rule != "CFG-017" else ""
        print(f"  {rel(f['file'])}:{f['start_line']}: {f['message']}{extra}")

# 4. Every file on its own.
if per_file:
    codes = collections.Counter()
    crashes = []
    t = time.monotonic()
    for path in files:
        code, _, err, _ = check([path], os.path.join(tmp, "one.json"))
        codes[code] += 1
        if code not in (0, 1, 2):
            crashes.append((rel(path), code, err.strip().splitlines()[:3]))
    print(f"\nevery file on its own ({time.monotonic() - t:.0f} s): exit codes {dict(sorted(codes.items()))}")
    for c in crashes:
        print(f"  CRASH {c}")
    if crashes:
        sys.exit(1)
PY
