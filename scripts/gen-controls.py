#!/usr/bin/env python3
"""Generate runeguard's NIST control tables from NIST's own OSCAL content.

  python3 scripts/gen-controls.py [--standards DIR] [--check]

Reads, from DIR (default: ../shared/standards next to the repository):

  oscal-content/NIST_SP-800-53_rev5_catalog-min.json                the SP 800-53 rev5 catalog
  oscal-content/NIST_SP-800-53_rev5_{LOW,MODERATE,HIGH}-baseline_profile-min.json
  oscal-content/NIST_CSF_v2.0_catalog-min.json                      the CSF 2.0 catalog

and writes the tables the binary embeds:

  policies/frameworks/nist-800-53.tsv   one row per control and enhancement, withdrawn included
  policies/frameworks/nist-csf-2.0.tsv  one row per CSF 2.0 subcategory, withdrawn included

With --check nothing is written: the script exits 1 when a committed table differs from what
it would write (run by `cargo test --test catalog` when the standards are present, and by
.ci/run). Standard library only. The tables are derived from NIST's public-domain content;
the only changes are listed in TITLE_FIXES below and in the header of each table.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_STANDARDS = os.path.join(ROOT, "..", "shared", "standards")
OUT_DIR = os.path.join(ROOT, "policies", "frameworks")

CATALOG_80053 = "oscal-content/NIST_SP-800-53_rev5_catalog-min.json"
PROFILES_80053 = [
    ("L", "oscal-content/NIST_SP-800-53_rev5_LOW-baseline_profile-min.json"),
    ("M", "oscal-content/NIST_SP-800-53_rev5_MODERATE-baseline_profile-min.json"),
    ("H", "oscal-content/NIST_SP-800-53_rev5_HIGH-baseline_profile-min.json"),
]
CATALOG_CSF = "oscal-content/NIST_CSF_v2.0_catalog-min.json"

# Catalog release 5.0.1 carries automatic title-case artefacts that later releases fixed
# (see ../shared/standards/README.md, "Title casing in 5.0.1"). Each fix names the text it
# replaces, so a newer catalog with the right title makes the script fail until the entry is
# removed here.
TITLE_FIXES = {
    "ia-2": ("Identification and Authentication (organizational Users)",
             "Identification and Authentication (Organizational Users)"),
    "ia-8": ("Identification and Authentication (non-organizational Users)",
             "Identification and Authentication (Non-organizational Users)"),
    "pl-4.1": ("Social Media and External Site/application Usage Restrictions",
               "Social Media and External Site/Application Usage Restrictions"),
    "sc-20": ("Secure Name/address Resolution Service (authoritative Source)",
              "Secure Name/Address Resolution Service (Authoritative Source)"),
    "sc-21": ("Secure Name/address Resolution Service (recursive or Caching Resolver)",
              "Secure Name/Address Resolution Service (Recursive or Caching Resolver)"),
    "sc-22": ("Architecture and Provisioning for Name/address Resolution Service",
              "Architecture and Provisioning for Name/Address Resolution Service"),
    "sr-2.1": ("Establish Scrm Team", "Establish SCRM Team"),
    "ac-4.27": ("Redundant/independent Filtering Mechanisms",
                "Redundant/Independent Filtering Mechanisms"),
}


def load(standards, rel):
    path = os.path.join(standards, rel)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as e:
        sys.exit("gen-controls: %s: %s" % (path, e))


def cell(value):
    text = "" if value is None else str(value)
    return " ".join(text.replace("\t", " ").replace("\r", " ").replace("\n", " ").split())


def prop(obj, name):
    for p in obj.get("props", []):
        if p.get("name") == name and not p.get("class"):
            return p.get("value")
    return None


def label_of(ctrl):
    return prop(ctrl, "label") or ctrl["id"].upper()


def statement_prose(ctrl):
    for part in ctrl.get("parts", []):
        if part.get("name") == "statement":
            return part.get("prose", "")
    return ""


def moved(ctrl, labels):
    """Where a withdrawn item went: 'incorporated into AC-2, AU-6' or 'moved to PM-30'."""
    out = []
    for rel in ("incorporated-into", "incorporated_into", "moved-to", "moved_to"):
        targets = [l["href"].lstrip("#") for l in ctrl.get("links", []) if l.get("rel") == rel]
        if targets:
            words = rel.replace("_", " ").replace("-", " ")
            out.append(words + " " + ", ".join(labels.get(t, t) for t in targets))
    return "; ".join(out)


def header(lines, columns):
    return "".join("# " + l + "\n" for l in lines) + "\t".join(columns) + "\n"


def gen_80053(standards):
    doc = load(standards, CATALOG_80053)["catalog"]
    baselines = []
    for letter, rel in PROFILES_80053:
        profile = load(standards, rel)["profile"]
        ids = set()
        for imp in profile.get("imports", []):
            if "include-all" in imp or "exclude-controls" in imp:
                sys.exit("gen-controls: %s: include-all/exclude-controls are not handled" % rel)
            for inc in imp.get("include-controls", []):
                ids.update(inc.get("with-ids", []))
        baselines.append((letter, ids, profile["metadata"].get("version", "")))

    labels = {}
    entries = []  # (ctrl, family title, base title or None)

    def walk(controls, family, base_title):
        for ctrl in controls:
            labels[ctrl["id"]] = label_of(ctrl)
            entries.append((ctrl, family, base_title))
            walk(ctrl.get("controls", []), family, fixed_title(ctrl))

    def fixed_title(ctrl):
        title = cell(ctrl.get("title", ""))
        fix = TITLE_FIXES.get(ctrl["id"])
        if fix:
            if title != fix[0]:
                sys.exit("gen-controls: %s is titled %r, not %r: drop its TITLE_FIXES entry"
                         % (ctrl["id"], title, fix[0]))
            title = fix[1]
        return title

    for group in doc.get("groups", []):
        walk(group.get("controls", []), cell(group.get("title", "")), None)

    seen = {c["id"] for c, _, _ in entries}
    for letter, ids, _ in baselines:
        if ids - seen:
            sys.exit("gen-controls: baseline %s names ids the catalog lacks: %s"
                     % (letter, sorted(ids - seen)))

    rows = []
    for ctrl, family, base_title in entries:
        withdrawn = prop(ctrl, "status") == "withdrawn"
        title = fixed_title(ctrl)
        if base_title is not None:
            # As the publication's control tables print an enhancement: base | enhancement.
            title = base_title + " | " + title
        rows.append([
            labels[ctrl["id"]],
            ctrl["id"],
            title,
            family,
            "".join(letter for letter, ids, _ in baselines if ctrl["id"] in ids),
            "withdrawn: " + moved(ctrl, labels) if withdrawn else "active",
        ])
    meta = doc["metadata"]
    text = header([
        "Generated by scripts/gen-controls.py from NIST's OSCAL content; do not edit.",
        "framework: nist-800-53",
        "title: NIST SP 800-53 Revision 5",
        "source: https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final",
        "catalog: %s, version %s (OSCAL %s, uuid %s)" % (cell(meta.get("title")),
            meta.get("version"), meta.get("oscal-version"), doc.get("uuid")),
        "baselines: " + ", ".join("%s %s (%d ids)" % (n, v, len(ids)) for n, ids, v in
                                   [(l, i, v) for l, i, v in baselines]),
        "Changed from NIST's text: enhancement titles are 'base title | enhancement title';",
        "eight 5.0.1 titles get the capitalisation of later releases (TITLE_FIXES).",
        "Columns: id (label), oscal id, title, family, baselines (L, M, H), status.",
    ], ["id", "oscal_id", "title", "family", "baselines", "status"])
    text += "".join("\t".join(cell(v) for v in row) + "\n" for row in rows)
    return "nist-800-53.tsv", text


def gen_csf(standards):
    doc = load(standards, CATALOG_CSF)["catalog"]
    labels = {}
    rows = []
    for fn in doc.get("groups", []):
        for cat in fn.get("controls", []):
            for sub in cat.get("controls", []):
                labels[sub["id"]] = sub["id"]
    for fn in doc.get("groups", []):
        for cat in fn.get("controls", []):
            for sub in cat.get("controls", []):
                withdrawn = prop(sub, "status") == "withdrawn"
                rows.append([
                    sub["id"],
                    sub["id"],
                    statement_prose(sub) or sub.get("title", ""),
                    cat["id"],
                    cat.get("title", ""),
                    fn["id"],
                    fn.get("title", ""),
                    "withdrawn: " + moved(sub, labels) if withdrawn else "active",
                ])
    meta = doc["metadata"]
    text = header([
        "Generated by scripts/gen-controls.py from NIST's OSCAL content; do not edit.",
        "framework: nist-csf-2.0",
        "title: NIST Cybersecurity Framework 2.0",
        "source: https://doi.org/10.6028/NIST.CSWP.29",
        "catalog: %s, version %s (OSCAL %s, uuid %s)" % (cell(meta.get("title")),
            meta.get("version"), meta.get("oscal-version"), doc.get("uuid")),
        "Subcategories only; the title is the outcome statement.",
        "Columns: id, oscal id, title, category, category title, function, function title, status.",
    ], ["id", "oscal_id", "title", "category", "category_title", "function",
        "function_title", "status"])
    text += "".join("\t".join(cell(v) for v in row) + "\n" for row in rows)
    return "nist-csf-2.0.tsv", text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--standards", default=DEFAULT_STANDARDS,
                    help="the directory of NIST's OSCAL files (default: ../shared/standards)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 when a committed table is stale")
    args = ap.parse_args()
    stale = []
    for name, text in (gen_80053(args.standards), gen_csf(args.standards)):
        path = os.path.join(OUT_DIR, name)
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                current = fh.read()
        except OSError:
            current = None
        if current == text:
            print("gen-controls: %s is up to date (%d rows)" % (name, text.count("\n") - text.count("\n# ") - 2))
            continue
        if args.check:
            stale.append(name)
            continue
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print("gen-controls: wrote policies/frameworks/%s" % name)
    if stale:
        print("gen-controls: stale (run python3 scripts/gen-controls.py): %s"
              % ", ".join("policies/frameworks/" + s for s in stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
