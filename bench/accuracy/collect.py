#!/usr/bin/env python3
"""Runs runeguard (--format json) on every file of the peers' labelled fixture sets, one run per
file (so that whole-project rules see what the peer's check saw: that file), and writes
{file: [finding, ...]} to a cache that crosswalk.py reads."""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

SETS = ["k8s-checkov-fixtures", "k8s-kubelinter-fixtures", "k8s-polaris-fixtures"]


def files_under(root):
    for d, _, names in os.walk(root):
        for n in sorted(names):
            if n.endswith((".yaml", ".yml", ".json")) and n != "GROUND_TRUTH.json":
                yield os.path.join(d, n)


def run_one(binary, corpus, path):
    proc = subprocess.run([binary, "check", "--format", "json", "--quiet", "--fail-on", "critical", path],
                          capture_output=True, text=True, cwd=corpus)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return path, {"error": f"exit {proc.returncode}: {proc.stderr.strip()[:300]}", "findings": []}
    return path, {"findings": report.get("findings", []), "problems": report.get("problems", [])}


def main():
    binary, corpus, out = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    paths = [os.path.relpath(p, corpus) for s in SETS for p in files_under(os.path.join(corpus, s))]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = dict(pool.map(lambda p: run_one(binary, corpus, p), paths))
    with open(out, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    errors = [p for p, r in results.items() if "error" in r]
    print(f"collect: {len(results)} files, {sum(len(r['findings']) for r in results.values())} findings, {len(errors)} runs without a report", file=sys.stderr)


if __name__ == "__main__":
    main()
