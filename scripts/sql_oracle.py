#!/usr/bin/env python3
"""The SQL oracle: runeguard's schema model compared with what a real PostgreSQL builds.

Each .sql file of a corpus is applied to a fresh database (psql, ON_ERROR_STOP); for each file
PostgreSQL applies without error, the catalog (pg_catalog) is read back and compared with the
model `runeguard inspect` prints for the same file: tables, columns and their types, RLS
enabled/forced, policies (command, roles, permissive, USING / WITH CHECK present), table and
column privileges (relacl, attacl), roles (superuser, login, password set), functions
(SECURITY DEFINER, search_path), views (security_invoker, security_barrier), partitions and
default partitions, table owners. Files PostgreSQL rejects (they depend on other files,
extensions or roles that are not there) are counted, not compared.

Run it through scripts/sql-oracle.sh, which starts a throwaway server. Exit code 1 when a
difference is not in the list of documented limits (KNOWN below), 0 otherwise.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

CATALOG = r"""
WITH ext AS (
  SELECT objid FROM pg_depend WHERE deptype = 'e'
), rels AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
         c.relacl, c.reloptions, c.relispartition, pg_get_userbyid(c.relowner) AS owner
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
    AND c.relkind IN ('r', 'p', 'v', 'm')
    AND c.oid NOT IN (SELECT objid FROM ext)
)
SELECT json_build_object(
  'tables', COALESCE((SELECT json_agg(json_build_object(
      'name', r.nspname || '.' || r.relname, 'kind', r.relkind,
      'rls', r.relrowsecurity, 'force', r.relforcerowsecurity, 'owner', r.owner,
      'options', r.reloptions,
      'acl', (SELECT json_agg(json_build_object(
                 'grantee', CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END,
                 'privilege', lower(a.privilege_type)))
              FROM aclexplode(r.relacl) a WHERE a.grantee <> (SELECT relowner FROM pg_class WHERE oid = r.oid)),
      'columns', (SELECT json_agg(json_build_object(
                     'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                     'acl', (SELECT json_agg(json_build_object(
                                'grantee', CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee) END,
                                'privilege', lower(x.privilege_type)))
                             FROM aclexplode(a.attacl) x)) ORDER BY a.attnum)
                  FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped)
    ) ORDER BY r.nspname, r.relname) FROM rels r), '[]'),
  'policies', COALESCE((SELECT json_agg(json_build_object(
      'table', n.nspname || '.' || c.relname, 'name', p.polname, 'cmd', p.polcmd,
      'permissive', p.polpermissive,
      'roles', (SELECT json_agg(CASE WHEN x = 0 THEN 'public' ELSE pg_get_userbyid(x) END ORDER BY 1)
                FROM unnest(p.polroles) x),
      'using', p.polqual IS NOT NULL, 'check', p.polwithcheck IS NOT NULL))
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace), '[]'),
  'roles', COALESCE((SELECT json_agg(json_build_object(
      'name', rolname, 'superuser', rolsuper, 'login', rolcanlogin,
      'password', rolpassword IS NOT NULL)) FROM pg_authid WHERE rolname NOT LIKE 'pg\_%'), '[]'),
  'members', COALESCE((SELECT json_agg(json_build_object(
      'role', pg_get_userbyid(m.roleid), 'member', pg_get_userbyid(m.member)))
    FROM pg_auth_members m), '[]'),
  'functions', COALESCE((SELECT json_agg(json_build_object(
      'name', n.nspname || '.' || p.proname, 'secdef', p.prosecdef, 'config', p.proconfig))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prokind IN ('f', 'p')
      AND p.oid NOT IN (SELECT objid FROM ext)), '[]'),
  'partitions', COALESCE((SELECT json_agg(json_build_object(
      'parent', pn.nspname || '.' || pc.relname, 'child', cn.nspname || '.' || cc.relname,
      'default', pt.partdefid = cc.oid))
    FROM pg_inherits i
    JOIN pg_class cc ON cc.oid = i.inhrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
    JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    JOIN pg_partitioned_table pt ON pt.partrelid = pc.oid
    WHERE cc.relispartition AND cc.relkind IN ('r', 'p')), '[]')
);
"""

# What Supabase's platform provides to the migrations written for it (the auth schema and its
# helpers, the API roles): created before a folder that uses them without creating them, and
# left out of the comparison.
PRELUDE_ROLES = ["anon", "authenticated", "service_role"]
PRELUDE = """
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, raw_user_meta_data jsonb,
  raw_app_meta_data jsonb, created_at timestamptz, updated_at timestamptz);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('request.jwt.claim.role', true), '') $$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE
  AS $$ SELECT coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('request.jwt.claim.email', true), '') $$;
"""

TYPE_SYNONYMS = {
    "int": "integer", "int4": "integer", "serial": "integer", "serial4": "integer",
    "int8": "bigint", "bigserial": "bigint", "serial8": "bigint",
    "int2": "smallint", "smallserial": "smallint", "serial2": "smallint",
    "varchar": "character varying", "char": "character", "bpchar": "character",
    "bool": "boolean", "float8": "double precision", "float": "double precision",
    "float4": "real", "decimal": "numeric",
    "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
    "time": "time without time zone", "timetz": "time with time zone",
    "varbit": "bit varying",
}

TABLE_PRIVILEGES = ["select", "insert", "update", "delete", "truncate", "references", "trigger"]
COLUMN_PRIVILEGES = ["select", "insert", "update", "references"]


def norm_type(t):
    """A type as format_type prints it, from either side."""
    t = t.strip().lower().replace('"', "")
    array = ""
    while t.endswith("[]"):
        array += "[]"
        t = t[:-2].strip()
    m = re.match(r"^(.*?)\s*(\(.*\))?\s*(with(out)? time zone)?$", t)
    base, mod, tz = m.group(1), m.group(2) or "", m.group(3)
    if mod.startswith("(") and " " in mod:
        mod = mod.replace(" ", "")
    base = base.split(".")[-1] if base.count(".") == 1 else base
    base = TYPE_SYNONYMS.get(base, base)
    if base == "character" and not mod:
        mod = "(1)"
    if base == "float" and mod:
        # float(p): real up to 24 bits, double precision above
        base, mod = ("real" if int(mod[1:-1] or 53) <= 24 else "double precision"), ""
    if tz:
        base = {"timestamp": "timestamp", "time": "time"}.get(base, base)
        base = base.split(" with")[0] + " " + tz
        base = TYPE_SYNONYMS.get(base, base)
    if base in ("timestamp without time zone", "timestamp with time zone", "time without time zone", "time with time zone") and mod:
        word = base.split(" ", 1)
        return f"{word[0]}{mod} {word[1]}{array}"
    return f"{base}{mod}{array}"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class Server:
    def __init__(self, psql, host):
        self.psql, self.host = psql, host

    def sql(self, db, query):
        r = run([self.psql, "-X", "-q", "-At", "-h", self.host, "-U", "postgres", "-d", db,
                 "-v", "ON_ERROR_STOP=1", "-c", query])
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return r.stdout

    def apply(self, db, path):
        env = dict(os.environ, PGOPTIONS="-c statement_timeout=60s")
        r = run([self.psql, "-X", "-q", "-1", "-h", self.host, "-U", "postgres", "-d", db,
                 "-v", "ON_ERROR_STOP=1", "-f", os.path.basename(path)],
                cwd=os.path.dirname(path) or ".", env=env, timeout=300)
        lines = r.stderr.strip().splitlines()
        errors = [x for x in lines if "ERROR:" in x] or lines or [""]
        return r.returncode == 0, errors[0]


def model_of(runeguard, path):
    r = run([runeguard, "inspect", path])
    text = r.stdout
    start = text.find("\n{")
    return json.loads(text[start + 1:]) if start >= 0 else None


def expected_acls(model, tables):
    """Table and column privileges the model's GRANT/REVOKE statements give, in order."""
    acl = collections.defaultdict(set)  # (table, grantee) -> privileges
    col = collections.defaultdict(set)  # (table, column, grantee) -> privileges
    for g in model.get("grants", []):
        if g.get("default_privileges"):
            continue
        if g["object_type"] == "table":
            objs = g["objects"]
        elif g["object_type"] == "all_tables_in_schema":
            objs = g.get("current_tables", [])
        else:
            continue
        columns = g.get("columns", {})
        for obj in objs:
            for grantee in g["grantees"]:
                for p in g["privileges"]:
                    privs = TABLE_PRIVILEGES if p == "all" else [p]
                    if p in columns:
                        privs = COLUMN_PRIVILEGES if p == "all" else [p]
                        for c in columns[p]:
                            key = (obj, c, grantee)
                            col[key] = col[key] | set(privs) if g["action"] == "grant" else col[key] - set(privs)
                        continue
                    key = (obj, grantee)
                    if g["action"] == "grant":
                        acl[key] |= set(privs)
                    else:
                        acl[key] -= set(privs)
                        # revoking a table privilege revokes it on every column too
                        for k in list(col):
                            if k[0] == obj and k[2] == grantee:
                                col[k] -= set(privs)
    return ({k: v for k, v in acl.items() if v}, {k: v for k, v in col.items() if v})


def compare(model, cat, baseline_roles):
    """Yields (kind, object, what) for each difference."""
    mt = {n: t for n, t in model["tables"].items() if t.get("created") and not t.get("temporary")}
    mv = model.get("views", {})
    ct = {t["name"]: t for t in cat["tables"] if t["kind"] in ("r", "p")}
    cv = {t["name"]: t for t in cat["tables"] if t["kind"] in ("v", "m")}
    for n in sorted(set(mt) - set(ct)):
        yield ("table", n, "in the model, not in PostgreSQL")
    for n in sorted(set(ct) - set(mt)):
        yield ("table", n, "in PostgreSQL, not in the model")
    for n in sorted(set(mt) & set(ct)):
        m, c = mt[n], ct[n]
        mcols = m["columns"]
        parent = (m.get("partition_of") or {}).get("parent")
        if not mcols and parent in mt:
            # a partition has its parent's columns (the model keeps them on the parent)
            mcols = mt[parent]["columns"]
        ccols = {x["name"]: x for x in (c["columns"] or [])}
        for x in sorted(set(mcols) - set(ccols)):
            yield ("column", f"{n}.{x}", "in the model, not in PostgreSQL")
        for x in sorted(set(ccols) - set(mcols)):
            yield ("column", f"{n}.{x}", "in PostgreSQL, not in the model")
        for x in sorted(set(mcols) & set(ccols)):
            a, b = norm_type(mcols[x]["type"]), norm_type(ccols[x]["type"])
            if a != b:
                yield ("column type", f"{n}.{x}", f"model {a!r}, PostgreSQL {b!r}")
        rls = m.get("rls", {})
        if bool(rls.get("enabled")) != c["rls"]:
            yield ("rls enabled", n, f"model {bool(rls.get('enabled'))}, PostgreSQL {c['rls']}")
        if bool(rls.get("forced")) != c["force"]:
            yield ("rls forced", n, f"model {bool(rls.get('forced'))}, PostgreSQL {c['force']}")
        if m.get("owner") and m["owner"] != c["owner"]:
            yield ("owner", n, f"model {m['owner']}, PostgreSQL {c['owner']}")
    for n in sorted(set(mv) - set(cv)):
        yield ("view", n, "in the model, not in PostgreSQL")
    for n in sorted(set(cv) - set(mv)):
        yield ("view", n, "in PostgreSQL, not in the model")
    for n in sorted(set(mv) & set(cv)):
        opts = dict(o.split("=", 1) for o in (cv[n]["options"] or []))
        for key in ("security_invoker", "security_barrier"):
            c_on = opts.get(key, "false").lower() in ("true", "on", "1", "yes")
            if bool(mv[n].get(key)) != c_on:
                yield (key, n, f"model {mv[n].get(key)}, PostgreSQL {c_on}")
    # policies
    cmds = {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}
    mp = {(p["table"], p["name"]): p for p in model["policies"]}
    cp = {(p["table"], p["name"]): p for p in cat["policies"]}
    for k in sorted(set(mp) ^ set(cp)):
        yield ("policy", "%s on %s" % (k[1], k[0]), "in the model only" if k in mp else "in PostgreSQL only")
    for k in sorted(set(mp) & set(cp)):
        m, c = mp[k], cp[k]
        got = {"command": cmds[c["cmd"]], "permissive": c["permissive"], "roles": sorted(c["roles"] or []),
               "using": c["using"], "with_check": c["check"]}
        want = {"command": m["command"], "permissive": m["permissive"], "roles": sorted(m["roles"]),
                "using": m.get("using") is not None, "with_check": m.get("with_check") is not None}
        for f in got:
            if got[f] != want[f]:
                yield ("policy " + f, "%s on %s" % (k[1], k[0]), f"model {want[f]}, PostgreSQL {got[f]}")
    # privileges
    acl, col = expected_acls(model, set(mt) | set(mv))
    c_acl, c_col = collections.defaultdict(set), collections.defaultdict(set)
    for t in cat["tables"]:
        if t["name"] not in mt and t["name"] not in mv:
            continue
        for a in t["acl"] or []:
            c_acl[(t["name"], a["grantee"])].add(a["privilege"])
        for c in t["columns"] or []:
            for a in c["acl"] or []:
                c_col[(t["name"], c["name"], a["grantee"])].add(a["privilege"])
    owners = {t["name"]: t["owner"] for t in cat["tables"]}
    for k in sorted(set(acl) | set(c_acl)):
        if k[1] == owners.get(k[0]):
            continue
        if acl.get(k, set()) != c_acl.get(k, set()):
            yield ("privileges", f"{k[0]} to {k[1]}", f"model {sorted(acl.get(k, []))}, PostgreSQL {sorted(c_acl.get(k, []))}")
    for k in sorted(set(col) | set(c_col)):
        if col.get(k, set()) != c_col.get(k, set()):
            yield ("column privileges", f"{k[0]}.{k[1]} to {k[2]}", f"model {sorted(col.get(k, []))}, PostgreSQL {sorted(c_col.get(k, []))}")
    # roles created by the file
    cr = {r["name"]: r for r in cat["roles"] if r["name"] not in baseline_roles}
    mr = {n: r for n, r in model["roles"].items() if r.get("created")}
    for n in sorted(set(cr) ^ set(mr)):
        yield ("role", n, "in the model only" if n in mr else "in PostgreSQL only")
    for n in sorted(set(cr) & set(mr)):
        m, c = mr[n], cr[n]
        opts = m.get("options", {})
        want = {"superuser": bool(opts.get("superuser")), "login": bool(opts.get("login")),
                "password": bool(m.get("password")) and not m["password"].get("null")}
        for f, v in want.items():
            if v != c[f]:
                yield ("role " + f, n, f"model {v}, PostgreSQL {c[f]}")
    # role membership (GRANT role TO r, ALTER GROUP … ADD USER) among the roles the files create
    members = set()
    for g in model.get("grants", []):
        if g["object_type"] != "role":
            continue
        for r in g["objects"]:
            for m in g["grantees"]:
                (members.add if g["action"] == "grant" else members.discard)((r, m))
    new = set(cr)
    want = {x for x in members if x[0] in new or x[1] in new}
    got = {(x["role"], x["member"]) for x in cat["members"] if x["role"] in new or x["member"] in new}
    for x in sorted(want ^ got):
        yield ("role membership", f"{x[1]} in {x[0]}", "in the model only" if x in want else "in PostgreSQL only")
    # functions
    mf = collections.defaultdict(list)
    for f in model["functions"]:
        if f.get("created"):
            mf[f["name"]].append(f)
    cf = collections.defaultdict(list)
    for f in cat["functions"]:
        cf[f["name"]].append(f)
    for n in sorted(set(mf) ^ set(cf)):
        yield ("function", n, "in the model only" if n in mf else "in PostgreSQL only")
    for n in sorted(set(mf) & set(cf)):
        def c_sp(f):
            for c in f["config"] or []:
                if c.startswith("search_path="):
                    return [x.strip().strip('"') for x in c.split("=", 1)[1].split(",") if x.strip()]
            return None
        want = sorted((bool(f["security_definer"]), json.dumps(f.get("search_path"))) for f in mf[n])
        got = sorted((f["secdef"], json.dumps(c_sp(f))) for f in cf[n])
        if sorted(set(want)) != sorted(set(got)):
            yield ("function security", n, f"model {sorted(set(want))}, PostgreSQL {sorted(set(got))}")
    # partitions
    mpart = {(p["parent"], p["child"], p["default"]) for p in model["partitions"]
             if p["child"] in mt and p["parent"] in mt}
    cpart = {(p["parent"], p["child"], p["default"]) for p in cat["partitions"]}
    for p in sorted(mpart ^ cpart):
        yield ("partition", f"{p[1]} of {p[0]}" + (" (default)" if p[2] else ""),
               "in the model only" if p in mpart else "in PostgreSQL only")


# Differences explained by a documented limit of the model (docs/sql-model.md, "The oracle"):
# (kind, regex on the object, reason).
KNOWN = [
    # DDL inside DO blocks is applied as if every branch ran (docs/sql-model.md, DO blocks)
    (r"supabase-postgres/migrations/db/migrations$", "role", r"^supabase_functions_admin$",
     "CREATE USER under IF pg_net_installed in a DO block: the extension is not installed"),
    (r"supabase-storage/migrations/multitenant$", "function", r"^pgboss_v10\.",
     "CREATE FUNCTION in a DO block that returns early when schema pgboss_v10 is missing"),
    # dynamic SQL (EXECUTE in a DO block) is not modelled; a note says so
    (r"supabase-storage/migrations/tenant$", "role", r".",
     "roles created by EXECUTE in a DO block"),
    (r"supabase-storage/migrations/tenant$", "privileges", r"^storage\.",
     "GRANT and ALTER DEFAULT PRIVILEGES run by EXECUTE in a DO block"),
    (r"supabase-storage/migrations/tenant$", "role membership", r".",
     "GRANT role TO authenticator run by EXECUTE in a DO block"),
]


def known(path, diff):
    for file, kind, pattern, _ in KNOWN:
        if re.search(file, path) and diff[0] == kind and re.search(pattern, diff[1]):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--host", required=True)
    ap.add_argument("--psql", default="psql")
    ap.add_argument("--runeguard", default="target/debug/runeguard")
    ap.add_argument("--skip", action="append", default=[], help="path fragment to leave out")
    ap.add_argument("--verbose", action="store_true", help="list the files PostgreSQL rejected")
    args = ap.parse_args()
    srv = Server(args.psql, args.host)
    groups = collections.defaultdict(list)
    for root, _, names in os.walk(args.corpus):
        for n in names:
            path = os.path.join(root, n)
            if n.endswith(".sql") and not any(s in path for s in args.skip):
                groups[root].append(path)
    baseline = set(srv.sql("postgres", "SELECT rolname FROM pg_roles").split())
    stats = collections.Counter()
    compared = collections.Counter()
    unexplained = []
    reasons = collections.Counter()
    tmpdir = os.environ.get("TMPDIR", "/tmp")
    for i, root in enumerate(sorted(groups)):
        # the files of a folder are one schema (migrations), applied in lexical order, each in
        # one transaction: a file PostgreSQL rejects leaves nothing behind and is not compared
        db = f"oracle_{i}"
        srv.sql("postgres", f"CREATE DATABASE {db} TEMPLATE template0")
        accepted = []
        texts = ""
        for path in groups[root]:
            with open(path, encoding="utf-8", errors="replace") as f:
                texts += f.read().lower()
        auth = "auth." in texts and not re.search(r"create\s+schema\s+(if\s+not\s+exists\s+)?auth\b", texts)
        roles = [r for r in PRELUDE_ROLES if re.search(r"\b" + r + r"\b", texts)
                 and not re.search(r"create\s+(role|user)\s+\"?" + r + r"\b", texts)]
        prelude = auth or bool(roles)
        excluded = set()
        try:
            if prelude:
                for r in roles:
                    srv.sql("postgres", f"CREATE ROLE {r} NOLOGIN")
                if auth:
                    srv.sql(db, PRELUDE)
                before = json.loads(srv.sql(db, CATALOG))
                excluded = {t["name"] for t in before["tables"]} | {f["name"] for f in before["functions"]}
                stats["folders with the Supabase prelude"] += 1
            for path in sorted(groups[root]):
                stats["files"] += 1
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                if re.search(r"^\\(c|connect|i|ir|include|include_relative)\b", text, re.M):
                    # switches databases or includes other files: not one schema to compare
                    stats["meta"] += 1
                    continue
                ok, err = srv.apply(db, path)
                if not ok:
                    stats["rejected"] += 1
                    if args.verbose:
                        print(f"rejected: {path}: {err}")
                    reasons[re.sub(r'"[^"]*"', '"…"', err.split("ERROR:", 1)[-1].strip())[:70]] += 1
                    continue
                stats["applied"] += 1
                accepted.append(text)
            if not accepted:
                continue
            stats["groups"] += 1
            # the accepted files as one: each psql session starts with the default search_path
            joined = os.path.join(tmpdir, f"runeguard-oracle-{os.getpid()}.sql")
            with open(joined, "w", encoding="utf-8") as f:
                f.write("\n;\nSET search_path TO DEFAULT;\n".join(accepted))
            cat = json.loads(srv.sql(db, CATALOG))
            cat["tables"] = [t for t in cat["tables"] if t["name"] not in excluded]
            cat["functions"] = [f for f in cat["functions"] if f["name"] not in excluded]
            model = model_of(args.runeguard, joined)
            os.remove(joined)
            if model is None:
                unexplained.append((root, ("model", "", "runeguard printed no model")))
                continue
            compared["tables"] += len([t for t in cat["tables"] if t["kind"] in "rp"])
            compared["columns"] += sum(len(t["columns"] or []) for t in cat["tables"] if t["kind"] in "rp")
            compared["views"] += len([t for t in cat["tables"] if t["kind"] in "vm"])
            compared["policies"] += len(cat["policies"])
            compared["roles"] += len([r for r in cat["roles"] if r["name"] not in baseline])
            compared["functions"] += len(cat["functions"])
            compared["partitions"] += len(cat["partitions"])
            compared["acl entries"] += sum(len(t["acl"] or []) for t in cat["tables"])
            compared["column acl entries"] += sum(len(c["acl"] or []) for t in cat["tables"] for c in (t["columns"] or []))
            prelude_roles = set(roles)
            for d in compare(model, cat, baseline | prelude_roles):
                if known(root, d):
                    stats["known differences"] += 1
                else:
                    unexplained.append((root, d))
        finally:
            srv.sql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            now = set(srv.sql("postgres", "SELECT rolname FROM pg_roles").split())
            for r in sorted(now - baseline):
                srv.sql("postgres", f'DROP ROLE IF EXISTS "{r}"')
            baseline_now = baseline
    print(f"files: {stats['files']}; applied by PostgreSQL and compared: {stats['applied']} "
          f"(in {stats['groups']} folders, each folder one schema); rejected by PostgreSQL: "
          f"{stats['rejected']}; with \\connect or \\include (not compared): {stats['meta']}")
    print("objects compared: " + ", ".join(f"{k} {v}" for k, v in compared.items()))
    print("why PostgreSQL rejected files (most common): " + "; ".join(f"{n}x {r}" for r, n in reasons.most_common(6)))
    print(f"folders given the Supabase prelude (auth schema, API roles): {stats['folders with the Supabase prelude']}")
    print(f"known differences (documented limits): {stats['known differences']}")
    print(f"unexplained differences: {len(unexplained)}")
    for path, d in unexplained:
        print(f"  {path}: {d[0]} {d[1]}: {d[2]}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
