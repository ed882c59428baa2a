#!/usr/bin/env python3
"""Chooses the SQL front end by measurement (docs/sql-model.md, "Choosing the parser").

    pip install pglast            # PostgreSQL's own parser (the judge)
    python3 scripts/sql-frontends.py [CORPUS_DIR]

Splits every statement of the corpus the way runeguard does and parses it with sqlparser 0.64
and squawk 2.68 (examples/sql_frontends.rs, release build, which also prints MB/s), labels each
statement with pglast (PostgreSQL's parser: accepts or rejects), and prints the table: how many
statements PostgreSQL accepts that each parser rejects, and the reverse. Then runs runeguard
itself on the corpus and counts the statements PostgreSQL accepts that it neither models nor
skips with a note ("cannot model" errors).
"""
import collections
import json
import os
import subprocess
import sys

try:
    import pglast
except ImportError:
    sys.exit("needs pglast (pip install pglast)")

corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/sql"
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
out = os.path.join(os.environ.get("TMPDIR", "/tmp"), "runeguard-sql-frontends.jsonl")
# SQL_FRONTENDS_BIN / RUNEGUARD_BIN: prebuilt release binaries (else built here)
example = os.environ.get("SQL_FRONTENDS_BIN")
cmd = [example] if example else ["cargo", "run", "-q", "--release", "--example", "sql_frontends", "--"]
speed = subprocess.run(cmd + [corpus, out], check=True, capture_output=True, text=True).stdout
print(speed)


def pg_accepts(text):
    try:
        pglast.parser.parse_sql(text)
        return True
    except pglast.parser.ParseError:
        return False


rows = collections.defaultdict(collections.Counter)
for line in open(out):
    s = json.loads(line)
    part = "regression suite" if "postgres-regression-ddl" in s["file"] else "real-world"
    pg = pg_accepts(s["text"])
    r = rows[part]
    r["statements"] += 1
    r["PostgreSQL accepts"] += pg
    r["sqlparser rejects, PostgreSQL accepts"] += pg and not s["sqlparser"]
    r["squawk rejects, PostgreSQL accepts"] += pg and not s["squawk"]
    r["squawk accepts, PostgreSQL rejects"] += (not pg) and s["squawk"]

bin_ = os.environ.get("RUNEGUARD_BIN", "target/release/runeguard")
check = subprocess.run([bin_, "check", "--no-builtin", "--format", "json", "--quiet", corpus],
                       capture_output=True, text=True)
problems = json.loads(check.stdout)["problems"]
for p in problems:
    part = "regression suite" if "postgres-regression-ddl" in p["file"] else "real-world"
    if p["level"] == "error":
        kind = "runeguard: cannot model (PostgreSQL accepts)" if p["message"].startswith("cannot model") \
            else "runeguard: syntax error reported"
        rows[part][kind] += 1

keys = ["statements", "PostgreSQL accepts", "sqlparser rejects, PostgreSQL accepts",
        "squawk rejects, PostgreSQL accepts", "squawk accepts, PostgreSQL rejects",
        "runeguard: syntax error reported", "runeguard: cannot model (PostgreSQL accepts)"]
parts = ["real-world", "regression suite"]
print("| | " + " | ".join(parts) + " |")
print("|---|" + "---|" * len(parts))
for k in keys:
    print(f"| {k} | " + " | ".join(str(rows[p][k]) for p in parts) + " |")
accepted = sum(rows[p]["PostgreSQL accepts"] for p in parts)
unmodelled = sum(rows[p]["runeguard: cannot model (PostgreSQL accepts)"] for p in parts)
print(f"\nstatements PostgreSQL accepts that runeguard models or skips with a note: "
      f"{accepted - unmodelled} of {accepted} ({100 * (accepted - unmodelled) / accepted:.2f} %)")
