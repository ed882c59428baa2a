# METADATA
# title: Audit tables must be append-only
# description: >-
#   Flags each GRANT of UPDATE, DELETE, TRUNCATE or ALL on an audit or log table (named like
#   one: data.settings.postgres.audit_table_words, log_table_words, audit_tables), named or
#   reached through ON ALL TABLES IN SCHEMA (the tables existing at that point, created earlier in
#   the file or by an earlier migration of the folder), to a role other than an administrative
#   one, unless a later REVOKE (in the file or a later migration of the folder) takes it back,
#   and each permissive policy that lets rows of such a table be updated or
#   deleted (FOR UPDATE, FOR DELETE, FOR ALL).
# custom:
#   id: SQL-012
#   name: audit-table-mutable
#   severity: high
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AU-9]
#     nist-csf-2.0: [PR.PS-04]
#     soc2: [CC7.2]
#     zero-trust: [ZT-7]
#   rationale: >-
#     AU-9 requires audit information to be protected from unauthorised modification and
#     deletion. A role that can update or delete audit rows can erase the trace of what it did.
#   remediation: >-
#     Grant only INSERT (and SELECT to auditors) on audit tables; revoke UPDATE, DELETE and
#     TRUNCATE; give policies on them `FOR INSERT` / `FOR SELECT` only.
#   related:
#     - https://www.postgresql.org/docs/current/sql-grant.html
package runeguard.postgres.audit_table_mutable

import data.runeguard.lib.sql
import rego.v1

mutating := {"update", "delete", "truncate", "all"}

deny contains finding if {
	some d, doc in input.documents
	some i, g in doc.grants
	g.action == "grant"
	some obj in reached(d, g)
	sql.is_audit_name(split(obj, ".")[count(split(obj, ".")) - 1])
	grantees := [r | some r in g.grantees; not sql.is_admin_role(r); count(held(d, i, g, obj, r)) > 0]
	count(grantees) > 0
	privs := [upper(p) | some p in g.privileges; p in mutating; held_by_any(d, i, g, obj, grantees, p)]
	count(privs) > 0
	finding := {
		"msg": sprintf("%s on audit table %s granted to %s: audit records can be altered or erased", [concat(", ", privs), obj, concat(", ", grantees)]),
		"path": ["documents", d, "grants", i],
	}
}

# The tables grant `g` of document `d` reaches: those it names, or for ON ALL TABLES IN SCHEMA
# those of the schema that exist when it runs: created before it in its file (the loader lists
# them) or by an earlier migration of its folder and not dropped since (wild45: `GRANT UPDATE
# ON ALL TABLES IN SCHEMA app` in V3 reaches the audit table V1 created).
reached(d, g) := {x | some x in sql.granted_tables(g)} | earlier_tables(d, g)

earlier_tables(d, g) := {name |
	g.object_type == "all_tables_in_schema"
	g.default_privileges != true
	some e in sql.group_docs[sql.doc_group[d]]
	e < d
	some name, t in input.documents[e].tables
	t.created == true
	some s in g.objects
	startswith(name, concat("", [s, "."]))
	not dropped_between(d, e, name)
}

dropped_between(d, e, name) if {
	some k in sql.group_docs[sql.doc_group[d]]
	k > e
	k < d
	some x in input.documents[k].drops
	x.statement == "drop"
	x.table == name
}

# The mutating privileges grant `i` of document `d` gives role `r` on table `obj` that no later
# `REVOKE` takes back, later in the file (`GRANT … ON ALL TABLES IN SCHEMA app TO app_rw; REVOKE
# UPDATE, DELETE ON app.audit_events FROM app_rw;` leaves the audit table append-only for
# app_rw: wild37) or in a later migration of the same folder (wild45).
held(d, i, g, obj, r) := {p |
	some p in g.privileges
	p in mutating
	not revoked_later(d, i, obj, r, p)
}

held_by_any(d, i, g, obj, roles, p) if {
	some r in roles
	p in held(d, i, g, obj, r)
}

revoked_later(d, i, obj, r, p) if {
	some j, v in input.documents[d].grants
	j > i
	revoke_of(v, obj, r, p)
}

revoked_later(d, _, obj, r, p) if {
	some e in sql.group_docs[sql.doc_group[d]]
	e > d
	some v in input.documents[e].grants
	revoke_of(v, obj, r, p)
}

revoke_of(v, obj, r, p) if {
	v.action == "revoke"
	v.default_privileges == false
	obj in sql.granted_tables(v)
	r in v.grantees
	revokes(v, p)
}

revokes(v, p) if p in v.privileges

revokes(v, _) if "all" in v.privileges

deny contains finding if {
	some d, doc in input.documents
	some i, p in doc.policies
	p.permissive == true
	p.command in {"update", "delete", "all"}
	not changes_nothing(p)
	sql.is_audit_name(split(p.table, ".")[count(split(p.table, ".")) - 1])
	finding := {
		"msg": sprintf("policy %q lets rows of audit table %s be changed (FOR %s)", [p.name, p.table, upper(p.command)]),
		"path": ["documents", d, "policies", i],
	}
}

# A policy that denies: `USING (false)` lets no existing row be chosen for UPDATE or DELETE (nor
# FOR ALL), and an UPDATE's new rows must also pass `WITH CHECK`, so `WITH CHECK (false)` stops
# every UPDATE. Supabase schemas write such policies to keep anon's audit rows append-only
# (wild26). WITH CHECK alone does not stop DELETE, which only reads USING.
changes_nothing(p) if always_false(p.using)

changes_nothing(p) if {
	p.command == "update"
	always_false(p.with_check)
}

always_false(expr) if {
	is_string(expr)
	trim(lower(trim_space(expr)), "()") == "false"
}
