# Helpers shared by the PostgreSQL rules (SQL-*). The model of one file is described in
# docs/sql-model.md. Helpers that yield a node yield {"value": ..., "path": [...]}.
#
# Document-scope rules see one file's model as `input`. Whole-project rules see every schema
# document as `input.documents` (in the order their migration tool runs them) and their paths
# as `input.files`; they read the documents of one group (by default one directory: a folder of
# migrations is one schema; data.settings.postgres.schema_scope = "file" | "directory" | "run").
package runeguard.lib.sql

import rego.v1

settings := data.settings.postgres

# ---------------------------------------------------------------------------------------------
# Names

# A name in lower snake case: a quoted camelCase identifier (Prisma's `"refreshToken"`,
# TypeORM's `"createdAt"`, a model `"AuditLog"`) reads as the words it is made of, as
# `refresh_token`, `created_at`, `audit_log` do. `audit_logs_2025_01` stays as it is.
snake(name) := lower(regex.replace(regex.replace(name, `([A-Z]+)([A-Z][a-z])`, "${1}_${2}"), `([a-z0-9])([A-Z])`, "${1}_${2}"))

# The words of a name: `audit_logs_2025_01` → ["audit", "logs", "2025", "01"], `"AuditLog"`
# → ["audit", "log"].
words(name) := split(snake(name), "_")

# The name and each of its `_`-separated tails: `home_address` → {"home_address", "address"}.
tails(name) := {x | some x in _tails(words(name))}

_tails(w) := [concat("_", array.slice(w, i, count(w))) | some i, _ in w]

# `name` is one of `items` or ends with `_<item>` (case-insensitive).
named_like_any(name, items) if {
	some t in tails(name)
	t in items
}

# Name lists as sets.
personal_names := {x | some x in settings.sensitive_columns} | {x | some x in settings.owner_columns}

# A column holding personal or per-user data: named like a sensitive or owner column, or
# named exactly like one that is too generic to match as a suffix (`address`, not `rpc_address`).
is_personal_column(name) if {
	not is_flag_name(name)
	named_like_any(name, personal_names)
}

is_personal_column(name) if snake(name) in {x | some x in settings.sensitive_exact_columns}

# A column of `table` holding personal or per-user data. The address, telephone number or
# e-mail address of an organisation or a place (a table whose last word is `companies`,
# `warehouses`, `offices`, `suppliers`: data.settings.postgres.organisation_table_words;
# the columns are data.settings.postgres.place_contact_columns) is that organisation's or
# place's, not a person's; an owner column (`user_id`) there still makes its rows per-user.
is_personal_column_of(table, name) if {
	is_personal_column(name)
	not place_contact_column(table, name)
}

place_contact_column(table, name) if {
	is_organisation_table(table)
	named_like_any(name, {x | some x in settings.place_contact_columns})
}

# The last word of the table's name (schema left out) names an organisation or a place.
is_organisation_table(table) if {
	parts := split(table, ".")
	w := words(parts[count(parts) - 1])
	w[count(w) - 1] in {x | some x in settings.organisation_table_words}
}

# A yes/no flag about the data, not the data: `is_secret`, `has_email`, Prisma's `"hasPhone"`.
is_flag_name(name) if regex.match(`^(is|has)_`, snake(name))

secret_names := {x | some x in settings.secret_columns}

unencrypted_names := {x | some x in settings.unencrypted_sensitive_columns}

is_text_type(col) if col.base in {t | some t in settings.text_types}

is_audit_name(table) if table in {n | some n in settings.audit_tables}

# `audit`, `user_audit`, `audit_log_entries`: a table named for the audit trail, unless its last
# word says it holds something about the trail rather than records of it
# (data.settings.postgres.audit_metadata_words: `audit_cold_archive_manifest`,
# `audit_log_settings`, `audit_event_types` are no log).
is_audit_name(table) if {
	some w in words(table)
	w in {x | some x in settings.audit_table_words}
	not last_word(table) in {x | some x in settings.audit_metadata_words}
}

# `access_log`, `job_logs`: the last word names a log (`log_settings` is not one).
is_audit_name(table) if last_word(table) in {x | some x in settings.log_table_words}

# `user_events`, `domain_events` (`event_types` is not an event table).
is_event_name(table) if last_word(table) in {x | some x in settings.event_table_words}

# The last word that says what the table holds: trailing words that only say how it is stored
# or which version it is (`logs_part`, `audit_log_partitioned`, `job_logs_v2`:
# data.settings.postgres.table_name_qualifiers, `v<number>`) are passed over, so `logs_part`
# is a log table as `logs` is; `log_settings_part` is not one. A year or `_old`/`_archive` is
# not passed over: `audit_log_2023`, `audit_log_old` are a hand-made partition or the copy a
# migration drops after moving its rows.
last_word(name) := w[i] if {
	w := words(name)
	i := max([j | some j, x in w; not _qualifier_word(x)])
}

_qualifier_word(x) if x in {q | some q in settings.table_name_qualifiers}

_qualifier_word(x) if regex.match(`^v[0-9]+$`, x)

# An audit table: named like one, not a partition (its parent is the table that counts) nor a
# pg_partman template.
is_audit_table(t) if {
	is_audit_name(t.table)
	not t.partition_of
	not t.template_of
}

is_admin_role(r) if r in {x | some x in settings.admin_roles}

quote_list(items) := concat(", ", [sprintf("%q", [x]) | some x in items])

# ---------------------------------------------------------------------------------------------
# Document scope

# Every table of the file: created in it, or only altered by it (`created` false).
tables contains {"value": t, "path": ["tables", name]} if {
	some name, t in input.tables
}

columns contains {"value": c, "table": t.value, "path": array.concat(t.path, ["columns", name])} if {
	some t in tables
	some name, c in t.value.columns
}

# ---------------------------------------------------------------------------------------------
# Project scope: one schema per group of documents

scope := object.get(settings, "schema_scope", "directory")

dirname(p) := concat("/", array.slice(parts, 0, count(parts) - 1)) if {
	contains(p, "/")
	parts := split(p, "/")
}

dirname(p) := "." if not contains(p, "/")

group_of(_, p) := "" if scope == "run"

group_of(_, p) := p if scope == "file"

# The runner gives each document its schema (`input.schema_groups`): its folder, a Prisma or
# Diesel migration's `<migration>/migration.sql` (`up.sql`) the folder above, a rollback file
# (`*.down.sql`, Flyway's `U2__…`) a schema of its own; the documents come in the order the
# migration tool runs them (Flyway's `V10__` after `V2__`). Without it, the file's folder.
group_of(i, p) := input.schema_groups[i] if {
	not scope in {"run", "file"}
	input.schema_groups[i]
}

group_of(i, p) := dirname(p) if {
	not scope in {"run", "file"}
	not input.schema_groups
}

doc_group := {i: group_of(i, p) | some i, p in input.files}

group_docs := {g: sort([i | some i, x in doc_group; x == g]) | some g in {x | some _, x in doc_group}}

# Tables that exist at the end of their group's schema: created (last) in document `doc` and
# not dropped by a later one, temporary tables aside; partitions and pg_partman templates
# included.
# {"group", "docs" (the group's document indexes, in order), "name", "doc", "value" (the
# creating definition), "path"}
live_relations contains lt if {
	some g, idxs in group_docs
	names := {n | some i in idxs; some n, t in input.documents[i].tables; t.created == true}
	some name in names
	c := max([i | some i in idxs; input.documents[i].tables[name].created == true])
	not dropped_after(idxs, name, c)
	t := input.documents[c].tables[name]
	t.temporary == false
	lt := {"group": g, "docs": idxs, "name": name, "doc": c, "value": t, "path": ["documents", c, "tables", name]}
}

# The live tables that hold rows of their own: partitions aside (the rules read their parent,
# whose definition they share), whether attached where they are created or by a later
# migration, and pg_partman template tables aside (they never hold a row).
live_tables contains lt if {
	some lt in live_relations
	not lt.value.partition_of
	not attached_later(lt)
	not partman_template(lt)
}

attached_later(lt) if {
	some i in lt.docs
	i > lt.doc
	some p in input.documents[i].partitions
	p.child == lt.name
}

partman_template(lt) if {
	some i in lt.docs
	input.documents[i].tables[lt.name].template_of
}

dropped_after(idxs, name, c) if {
	some i in idxs
	i > c
	some d in input.documents[i].drops
	d.statement == "drop"
	d.table == name
}

# Documents, from the creating one on, in which the table appears.
mentions(lt) := [i | some i in lt.docs; i >= lt.doc; input.documents[i].tables[lt.name]]

# The last setting of rls.enabled / rls.forced: {"value", "path"}.
rls_setting(lt, field) := {"value": input.documents[j].tables[lt.name].rls[field], "path": ["documents", j, "tables", lt.name, "rls", field]} if {
	js := [i | some i in mentions(lt); _ = input.documents[i].tables[lt.name].rls[field]]
	count(js) > 0
	j := max(js)
}

rls_enabled(lt) if rls_setting(lt, "enabled").value == true

rls_forced(lt) if rls_setting(lt, "forced").value == true

# Column names of the table, in every document from its creation on.
column_names(lt) := {n | some i in mentions(lt); some n, _ in input.documents[i].tables[lt.name].columns}

# The latest definition of a column: {"value", "path"}.
column(lt, name) := {"value": input.documents[j].tables[lt.name].columns[name], "path": ["documents", j, "tables", lt.name, "columns", name]} if {
	js := [i | some i in mentions(lt); input.documents[i].tables[lt.name].columns[name]]
	count(js) > 0
	j := max(js)
}

has_primary_key(lt) if {
	some i in mentions(lt)
	input.documents[i].tables[lt.name].primary_key
}

# pg_partman gives every partition the primary key of the parent's template table (a parent
# partitioned before PostgreSQL 11 could have none of its own): the rows are keyed.
has_primary_key(lt) if {
	some i in lt.docs
	some name, t in input.documents[i].tables
	t.template_of == lt.name
	some j in lt.docs
	input.documents[j].tables[name].primary_key
}

# A CHECK constraint of the table (column or table level, in any document) that reads the column.
column_checked(lt, name) if {
	some i in mentions(lt)
	count(input.documents[i].tables[lt.name].columns[name].checks) > 0
}

column_checked(lt, name) if {
	some i in mentions(lt)
	some k in input.documents[i].tables[lt.name].constraints
	k.type == "check"
	name in k.columns
}

policies_of(lt) := [p | some i in lt.docs; some p in input.documents[i].policies; p.table == lt.name]

# Partition links of the group whose parent is the table.
partitions_of(lt) := [p | some i in lt.docs; some p in input.documents[i].partitions; p.parent == lt.name]

# pg_partman's `create_parent` calls on the table, in the group.
partman_of(lt) := [p | some i in lt.docs; some p in input.documents[i].partman; p.parent == lt.name]

# The column's type is an enum, or a domain with a CHECK, defined in one of the documents `idxs`.
constrained_type(idxs, base) if {
	some i in idxs
	some name, t in input.documents[i].types
	type_named(name, base)
	t.kind == "enum"
}

constrained_type(idxs, base) if {
	some i in idxs
	some name, t in input.documents[i].types
	type_named(name, base)
	t.kind == "domain"
	count(t.checks) > 0
}

type_named(name, base) if name == base

type_named(name, base) if endswith(name, concat("", [".", base]))

# The tables a grant reaches: those it names, or for ON ALL TABLES IN SCHEMA those that existed
# in the schema when it ran (the loader lists them; later tables are not reached).
granted_tables(g) := g.objects if g.object_type == "table"

granted_tables(g) := object.get(g, "current_tables", []) if g.object_type == "all_tables_in_schema"

# An owner-only table (SQL-003, SQL-002): `REVOKE ALL ON t FROM anon, authenticated` and no GRANT
# on t anywhere in the schema: the table is meant for its owner alone (a server, or a SECURITY
# DEFINER function, that acts as the owner), which is what RLS with no policy enforces. Forcing RLS
# there would lock the owner out too.
owner_only(lt) if {
	some i in lt.docs
	some g in input.documents[i].grants
	g.action == "revoke"
	g.default_privileges == false
	"all" in g.privileges
	lt.name in granted_tables(g)
	not _granted(lt)
}

# A grant back to a role that bypasses row-level security (a superuser, Supabase's
# `service_role`: data.settings.postgres.admin_roles, rls_bypass_roles, or a role the schema
# creates WITH BYPASSRLS or SUPERUSER) keeps the table owner-only as far as RLS goes: that role
# reads past the policies anyway, so the missing policy is still the deliberate deny-all.
_granted(lt) if {
	some i in lt.docs
	some g in input.documents[i].grants
	g.action == "grant"
	lt.name in granted_tables(g)
	some r in g.grantees
	not _bypasses_rls(lt, r)
}

_bypasses_rls(_, role) if is_admin_role(role)

_bypasses_rls(_, role) if role in {x | some x in settings.rls_bypass_roles}

_bypasses_rls(lt, role) if {
	some i in lt.docs
	some opt in ["bypassrls", "superuser"]
	input.documents[i].roles[role].options[opt] == true
}
