#!/usr/bin/env python3
"""Agreement of runeguard's Kubernetes rules with the labels of three peers' fixture sets.

Input: the findings cache written by collect.py, the corpus (for the labels and the objects),
and crosswalk_labels.py (the mapping of peer checks to our rules, and the explanation of every
known disagreement). Output: a markdown report (docs/accuracy.md) and a one-line summary.

Units of comparison, per peer:
- Checkov: one fixture file (its -PASSED / -FAILED name is upstream's label; a name with counts
  such as `1FAILED1PASSED` labels that many objects or containers, compared by count).
  UNKNOWN files are not labelled and are skipped.
- kube-linter: the (kind, container) keys of the messages its bats test expects, against the
  same keys of our findings, over every object of the fixture file (objects named by kind and
  container, as kube-linter's messages name them).
- Polaris: one fixture file (success* must not fire, failure* must).
"""
import json
import os
import re
import sys
from collections import Counter

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crosswalk_labels import CHECKOV, KUBELINTER, POLARIS, EXPLAINED, OUT_OF_SCOPE_KINDS, STANDARD_KINDS  # noqa: E402

CONTAINER_RE = re.compile(r'(?:init |ephemeral )?container "?([^",\s]+)"?')


class Loader(yaml.SafeLoader):
    pass


def objects_of(path):
    """The Kubernetes objects of a file (kind: List flattened); unparseable files give []."""
    try:
        with open(path) as f:
            text = f.read()
        docs = list(yaml.load_all(text, Loader=Loader))
    except Exception:
        return []
    out = []
    for d in docs:
        if not isinstance(d, dict):
            continue
        if d.get("kind") == "List" and isinstance(d.get("items"), list):
            out.extend(i for i in d["items"] if isinstance(i, dict))
        else:
            out.append(d)
    return out


def pod_spec(obj):
    kind = obj.get("kind")
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
    tmpl = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    s = tmpl.get("spec")
    return s if isinstance(s, dict) else {}


def containers(obj):
    spec = pod_spec(obj)
    out = []
    for field in ("containers", "initContainers", "ephemeralContainers"):
        for c in spec.get(field) or []:
            if isinstance(c, dict):
                out.append(str(c.get("name")))
    return out


def selected(findings, rules, pattern):
    rx = re.compile(pattern) if pattern else None
    return [f for f in findings if f["rule_id"] in rules and (rx is None or rx.search(f["message"]))]


def finding_kind(f):
    return (f.get("resource") or "").split(" ")[0]


def finding_container(f):
    # Our messages read `Kind ns/name, container "x" ...`: the container follows the first comma.
    head = f["message"].split(", ", 1)
    if len(head) == 2:
        m = re.match(r'(?:init |ephemeral )?container "([^"]*)"', head[1])
        if m:
            return m.group(1)
    return None


def label_from_name(name):
    """Checkov's file-name labels: ('fail'|'pass'|None, counts or None)."""
    base = os.path.splitext(name)[0]
    counts = re.findall(r"(\d+)(PASSED|FAILED)", base, re.I)
    if counts:
        c = Counter()
        for n, what in counts:
            c[what.upper()] += int(n)
        return "counts", (c["FAILED"], c["PASSED"])
    upper = base.upper()
    if "UNKNOWN" in upper or "UNKOWN" in upper:
        return None, None
    if "FAIL" in upper:
        return "fail", None
    if "PASS" in upper:
        return "pass", None
    return None, None


class Tally:
    def __init__(self):
        self.rows = []  # (peer, check, rules, units, agree, disagreements)
        self.disagreements = []  # (peer, check, rules, unit, peer_label, ours, reason_kind, reason)
        self.out_of_scope = []  # (peer, check, unit, why)

    def add(self, peer, check, rules, units, agree, dis):
        self.rows.append((peer, check, rules, units, agree))
        for unit, peer_label, ours in dis:
            kind, why = EXPLAINED.get((peer, check, unit), ("UNEXPLAINED", "no explanation recorded"))
            self.disagreements.append((peer, check, rules, unit, peer_label, ours, kind, why))


def in_scope(objs, kinds):
    return [o for o in objs if o.get("kind") in kinds and not str(o.get("apiVersion", "")).startswith(OUT_OF_SCOPE_KINDS)]


def per_file(tally, peer, check, rules, pattern, kinds, labelled, results, corpus, per_container):
    units = agree = 0
    dis = []
    for rel, (label, counts) in labelled:
        res = results.get(rel)
        if res is None:
            continue
        objs = objects_of(os.path.join(corpus, rel))
        scoped = in_scope(objs, kinds)
        if not scoped:
            tally.out_of_scope.append((peer, check, rel, ", ".join(sorted({str(o.get("apiVersion")) + " " + str(o.get("kind")) for o in objs})) or "no object"))
            continue
        found = selected(res["findings"], rules, pattern)
        if label == "counts":
            failed, passed = counts
            if per_container:
                ours = len({(f.get("resource"), finding_container(f)) for f in found})
            else:
                ours = len({f.get("resource") for f in found})
            n = failed + passed
            diff = min(abs(ours - failed), n)
            units += n
            agree += n - diff
            if diff:
                dis.append((rel, f"{failed} of {n} fail", f"{ours} of {n} fire"))
            continue
        units += 1
        ours = "fail" if found else "pass"
        if ours == label:
            agree += 1
        else:
            dis.append((rel, label, ours))
    tally.add(peer, check, "/".join(rules), units, agree, dis)


def run_checkov(tally, results, corpus):
    root = "k8s-checkov-fixtures"
    for m in CHECKOV:
        labelled = []
        for d in m["dirs"]:
            for name in sorted(os.listdir(os.path.join(corpus, root, d))):
                rel = f"{root}/{d}/{name}"
                label, counts = m.get("labels", {}).get(name, label_from_name(name))
                if label is None:
                    continue
                labelled.append((rel, (label, counts)))
        per_file(tally, "checkov", m["check"], m["rules"], m.get("match"), m["kinds"], labelled, results, corpus, m.get("per_container", True))


def run_polaris(tally, results, corpus):
    gt = json.load(open(os.path.join(corpus, "k8s-polaris-fixtures", "GROUND_TRUTH.json")))
    for m in POLARIS:
        labelled = [(f"k8s-polaris-fixtures/{c['file']}", (c["expected"], None)) for c in gt["checks"][m["check"]]]
        per_file(tally, "polaris", m["check"], m["rules"], m.get("match"), m["kinds"], labelled, results, corpus, True)


def run_kubelinter(tally, results, corpus):
    gt = json.load(open(os.path.join(corpus, "k8s-kubelinter-fixtures", "GROUND_TRUTH.json")))
    cases = {c["test"]: c for c in gt["cases"]}
    for m in KUBELINTER:
        case = cases[m["check"]]
        rel = f"k8s-kubelinter-fixtures/{case['fixture']}"
        objs = objects_of(os.path.join(corpus, rel))
        scoped = in_scope(objs, m["kinds"])
        skipped = [o for o in objs if o not in scoped and o.get("kind") not in STANDARD_KINDS]
        for o in skipped:
            tally.out_of_scope.append(("kube-linter", m["check"], f"{rel} {o.get('kind')} {(o.get('metadata') or {}).get('name')}", str(o.get("apiVersion"))))
        level = m.get("level", "container")
        if level == "file":
            # Checks that report a different object than ours for the same grant (kube-linter
            # reports the RoleBinding, we report the Role): the fixture file is the unit.
            found = selected(results.get(rel, {"findings": []})["findings"], m["rules"], m.get("match"))
            peer_label = "fail" if (case["expected_report_count"] or 0) > 0 else "pass"
            ours_label = "fail" if found else "pass"
            tally.add("kube-linter", m["check"], "/".join(m["rules"]), 1, int(peer_label == ours_label),
                      [] if peer_label == ours_label else [(rel, peer_label, ours_label)])
            continue
        # Units: every (kind, container) of the in-scope objects, or every object for pod-level checks.
        unit_keys = Counter()
        for o in scoped:
            if level == "container":
                for c in containers(o):
                    unit_keys[(o.get("kind"), c)] += 1
            else:
                unit_keys[(o.get("kind"), None)] += 1
        peer = Counter()
        for msg in case["expected_messages"]:
            kind, _, text = msg["text"].partition(": ")
            c = CONTAINER_RE.search(text)
            key = (kind, c.group(1) if (c and level == "container") else None)
            if kind in {o.get("kind") for o in scoped}:
                peer[key] += 1
        found = selected(results.get(rel, {"findings": []})["findings"], m["rules"], m.get("match"))
        ours = Counter()
        for key in {(f.get("resource"), finding_kind(f), finding_container(f) if level == "container" else None) for f in found}:
            ours[(key[1], key[2])] += 1
        units = agree = 0
        dis = []
        for key in set(unit_keys) | set(peer) | set(ours):
            n = max(unit_keys[key], peer[key], ours[key])
            diff = abs(peer[key] - ours[key])
            units += n
            agree += n - diff
            if diff:
                dis.append((f"{rel} {key[0]}" + (f' container "{key[1]}"' if key[1] else ""), f"{peer[key]} of {n} fail", f"{ours[key]} of {n} fire"))
        tally.add("kube-linter", m["check"], "/".join(m["rules"]), units, agree, dis)


def markdown(tally):
    lines = []
    total_units = sum(r[3] for r in tally.rows)
    total_agree = sum(r[4] for r in tally.rows)
    by_kind = Counter(d[6] for d in tally.disagreements)
    definitional = sum(1 for d in tally.disagreements if d[6] == "definition differs")
    same = total_units - definitional
    lines.append(f"Overall: **{total_agree} / {total_units} units agree ({100.0 * total_agree / max(total_units, 1):.1f}%)**; "
                 f"where both tools check the same thing ({definitional} units of differing definition set aside): "
                 f"**{total_agree} / {same} ({100.0 * total_agree / max(same, 1):.1f}%)**.")
    lines.append("")
    lines.append("| peer | peer check | our rule | units | agree | agreement |")
    lines.append("|---|---|---|---:|---:|---:|")
    for peer, check, rules, units, agree in tally.rows:
        pct = f"{100.0 * agree / units:.0f}%" if units else "n/a"
        lines.append(f"| {peer} | `{check}` | {rules} | {units} | {agree} | {pct} |")
    lines.append("")
    lines.append(f"Disagreements: {len(tally.disagreements)} ("
                 + ", ".join(f"{k}: {v}" for k, v in sorted(by_kind.items())) + ").")
    lines.append("")
    lines.append("| peer | check | rule | unit | peer says | we say | verdict | reason |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for peer, check, rules, unit, peer_label, ours, kind, why in tally.disagreements:
        lines.append(f"| {peer} | `{check}` | {rules} | `{unit}` | {peer_label} | {ours} | {kind} | {why} |")
    lines.append("")
    lines.append(f"Not compared ({len(tally.out_of_scope)}: objects of kinds our rules do not judge):")
    lines.append("")
    for peer, check, unit, why in tally.out_of_scope:
        lines.append(f"- {peer} `{check}`: `{unit}` ({why})")
    return "\n".join(lines), total_units, total_agree, definitional


def main():
    cache, corpus, out = sys.argv[1], sys.argv[2], sys.argv[3]
    results = json.load(open(cache))
    tally = Tally()
    run_checkov(tally, results, corpus)
    run_kubelinter(tally, results, corpus)
    run_polaris(tally, results, corpus)
    text, units, agree, definitional = markdown(tally)
    # The generated part goes between the markers of the hand-written page.
    begin, end = "<!-- crosswalk:begin (generated by bench/accuracy/run.sh) -->", "<!-- crosswalk:end -->"
    page = open(out).read() if os.path.exists(out) else f"# Accuracy\n\n{begin}\n{end}\n"
    if begin in page and end in page:
        page = page[: page.index(begin) + len(begin)] + "\n" + text + "\n" + page[page.index(end):]
    else:
        page = page.rstrip("\n") + f"\n\n{begin}\n{text}\n{end}\n"
    with open(out, "w") as f:
        f.write(page)
    unexplained = sum(1 for d in tally.disagreements if d[6] == "UNEXPLAINED")
    print(f"agreement: {agree}/{units} ({100.0 * agree / max(units, 1):.1f}%); same definition: {agree}/{units - definitional} "
          f"({100.0 * agree / max(units - definitional, 1):.1f}%); {len(tally.disagreements)} disagreements "
          f"({definitional} definition differs, {unexplained} unexplained)")


if __name__ == "__main__":
    main()
