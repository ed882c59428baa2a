#!/usr/bin/env python3
"""Per-shape precision and recall of runeguard (rules, masking, detector) and of detect-secrets
on the labelled credential set. Reads DIR/verdicts.tsv and the generated files that
`tests/secrets_bench.rs` writes to DIR (RUNEGUARD_BENCH_OUT), scans the same files with
detect-secrets (offline, default plugins), and prints one table. Run through bench/secrets.sh.
"""
import json
import subprocess
import sys
from collections import defaultdict

out_dir, detect_secrets = sys.argv[1], sys.argv[2]
rows = []
with open(f"{out_dir}/verdicts.tsv") as f:
    for line in f:
        if line.startswith("#"):
            continue
        i, label, shape, context, file, line_no, rules, masking, detector = line.rstrip("\n").split("\t")
        rows.append(dict(label=label, shape=shape, context=context, file=file, line=int(line_no),
                         rules=rules == "1", masking=masking == "1", detector=detector == "1"))
files = sorted({r["file"] for r in rows})
scan = subprocess.run([detect_secrets, "scan", "--all-files", *files], cwd=out_dir,
                      capture_output=True, text=True, check=True)
found = {(name, hit["line_number"]) for name, hits in json.loads(scan.stdout)["results"].items() for hit in hits}
for r in rows:
    r["detect-secrets"] = (r["file"], r["line"]) in found

TOOLS = ["rules", "masking", "detector", "detect-secrets"]

def figures(subset, tool):
    tp = sum(1 for r in subset if r["label"] == "secret" and r[tool])
    fp = sum(1 for r in subset if r["label"] == "clean" and r[tool])
    fn = sum(1 for r in subset if r["label"] == "secret" and not r[tool])
    recall = tp / (tp + fn) if tp + fn else None
    precision = tp / (tp + fp) if tp + fp else None
    return tp, fp, fn, recall, precision

def pct(x):
    return "   -  " if x is None else f"{100 * x:5.1f}%"

by_shape = defaultdict(list)
for r in rows:
    by_shape[(r["label"], r["shape"])].append(r)
print(f"{len(rows)} labelled values: {sum(r['label'] == 'secret' for r in rows)} credentials, "
      f"{sum(r['label'] == 'clean' for r in rows)} look-alikes\n")
print("Share of values reported (credentials: recall; look-alikes: false-positive rate)\n")
print(f"| {'shape':<18} | {'label':<6} | {'n':>3} | " + " | ".join(f"{t:>14}" for t in TOOLS) + " |")
print(f"|{'-' * 20}|{'-' * 8}|{'-' * 5}|" + "|".join("-" * 16 for _ in TOOLS) + "|")
for (label, shape), subset in sorted(by_shape.items(), key=lambda kv: (kv[0][0] != "secret", kv[0][1])):
    cells = [pct(sum(r[t] for r in subset) / len(subset)) for t in TOOLS]
    print(f"| {shape:<18} | {label:<6} | {len(subset):>3} | " + " | ".join(f"{c:>14}" for c in cells) + " |")
print()
print(f"| {'':<18} | {'tp':>4} | {'fp':>4} | {'fn':>4} | {'recall':>7} | {'precision':>9} |")
print(f"|{'-' * 20}|{'-' * 6}|{'-' * 6}|{'-' * 6}|{'-' * 9}|{'-' * 11}|")
for t in TOOLS:
    tp, fp, fn, recall, precision = figures(rows, t)
    print(f"| {t:<18} | {tp:>4} | {fp:>4} | {fn:>4} | {pct(recall):>7} | {pct(precision):>9} |")
