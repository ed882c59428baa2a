#!/usr/bin/env python3
"""Helm's value flags' grammar, runeguard against Helm's own parsers, on random arguments.

    <helm peer venv>/bin/python bench/differential/strvals.py --runeguard RG [--seed S] [--n N]

Needs the Python of the Helm SDK peer (`/work/shared/tools/install-peers helm`: its venv's
`helm_python`), whose `parse_set_json`, `parse_set_string`, `parse_set_string_values` and
`parse_set_literal` are Helm v4's strvals. Each random argument (keys, dots, brackets,
escapes, commas, lists, JSON) is parsed by Helm and rendered by `RG render` on a chart that
prints `toJson .Values`; the two must both refuse it or give the same values (numbers
compared as numbers: the peer hands values over through JSON). `--set-file` is left out (it
reads files). Exit 1 when anything differs.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

import helm_python as helm

PARSERS = {
    "--set": helm.parse_set_string,
    "--set-string": helm.parse_set_string_values,
    "--set-json": helm.parse_set_json,
    "--set-literal": helm.parse_set_literal,
}
GRAMMAR = ["a", "b", ".", "=", ",", "[", "]", "0", "1", "{", "}", " ", "\\", "null", "true"]
PIECES = {
    "--set": GRAMMAR,
    "--set-string": GRAMMAR,
    "--set-json": GRAMMAR + ['"', ":", '"x"', "[1,2]", '{"k":1}'],
    "--set-literal": GRAMMAR[:-2],
}
CHART = {
    "Chart.yaml": "apiVersion: v2\nname: strvals\nversion: 0.1.0\n",
    "values.yaml": "{}\n",
    "templates/values.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n"
    "data:\n  v: {{ toJson .Values | quote }}\n",
}


def numbers_as_floats(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):
        return [numbers_as_floats(x) for x in v]
    if isinstance(v, dict):
        return {k: numbers_as_floats(x) for k, x in v.items()}
    return v


def random_argument(rng, flag):
    def value(most):
        return "".join(rng.choice(PIECES[flag]) for _ in range(rng.randint(0, most)))
    arg = rng.choice(["a", "b", "a.b", "l[1]"]) + "=" + value(8)
    if rng.random() < 0.3:
        arg += "," + rng.choice(["b", "c.d"]) + "=" + value(4)
    return arg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runeguard", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    chart = tempfile.mkdtemp(prefix="strvals-")
    for path, text in CHART.items():
        os.makedirs(os.path.dirname(os.path.join(chart, path)), exist_ok=True)
        with open(os.path.join(chart, path), "w") as f:
            f.write(text)
    differ = 0
    for _ in range(args.n):
        flag = rng.choice(list(PARSERS))
        arg = random_argument(rng, flag)
        try:
            helm_says = ("values", numbers_as_floats(PARSERS[flag](arg)))
        except Exception as e:  # the SDK's errors carry strvals' message
            helm_says = ("refused", str(e))
        p = subprocess.run([args.runeguard, "render", chart, flag, arg],
                           capture_output=True, text=True)
        if p.returncode == 0:
            line = next(l for l in p.stdout.splitlines() if l.startswith("  v: "))
            ours = ("values", numbers_as_floats(json.loads(json.loads(line[5:]))))
        else:
            ours = ("refused", p.stderr.strip())
        if helm_says[0] != ours[0] or (ours[0] == "values" and helm_says != ours):
            differ += 1
            print(f"{flag} {arg!r}\n  helm:      {helm_says}\n  runeguard: {ours}")
    print(f"{args.n} arguments, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
