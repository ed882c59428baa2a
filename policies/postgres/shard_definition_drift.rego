# METADATA
# title: Shards of a table must have the same definition
# description: >-
#   Groups the tables named `<base>_shard_<n>` of a schema (the file, or the folder of
#   migrations) and flags each shard whose columns (name, type, NOT NULL), constraints (kind and
#   columns) or row-level security (enabled, forced) differ from the lowest-numbered shard.
# custom:
#   id: SQL-018
#   name: shard-definition-drift
#   severity: medium
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [CM-2, CM-6]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC8.1]
#   rationale: >-
#     Shards are one logical table: a shard that misses a constraint accepts rows the others
#     reject, and a shard without row-level security exposes its share of the users. A baseline
#     configuration (CM-2) applied to some shards only is no baseline.
#   remediation: >-
#     Generate every shard from one definition (a template or a loop in the migration) and apply
#     each later ALTER to all shards.
#   related:
#     - https://www.postgresql.org/docs/current/ddl-partitioning.html
package runeguard.postgres.shard_definition_drift

import data.runeguard.lib.sql
import rego.v1

shards contains {"lt": lt, "key": [lt.group, lt.value.schema, parts[1]], "n": to_number(parts[2])} if {
	some lt in sql.live_tables
	parts := regex.find_all_string_submatch_n(`^(.+)_shard_([0-9]+)$`, lt.value.table, 1)[0]
}

reference(key) := s if {
	same := [x | some x in shards; x.key == key]
	count(same) > 1
	lowest := min([x.n | some x in same])
	some s in same
	s.n == lowest
}

columns(lt) := {sprintf("%s %s%s", [n, c.value.type, null_text(c.value)]) |
	some n in sql.column_names(lt)
	c := sql.column(lt, n)
}

null_text(c) := " not null" if c.not_null == true

null_text(c) := "" if c.not_null != true

constraints(lt) := {sprintf("%s (%s)", [k.type, concat(", ", k.columns)]) | some k in lt.value.constraints}

enabled(lt) := true if sql.rls_enabled(lt)

enabled(lt) := false if not sql.rls_enabled(lt)

forced(lt) := true if sql.rls_forced(lt)

forced(lt) := false if not sql.rls_forced(lt)

diffs(a, b) := array.concat(
	array.concat(
		[sprintf("lacks column %s", [x]) | some x in columns(a) - columns(b)],
		[sprintf("has extra column %s", [x]) | some x in columns(b) - columns(a)],
	),
	array.concat(
		array.concat(
			[sprintf("lacks constraint %s", [x]) | some x in constraints(a) - constraints(b)],
			[sprintf("has extra constraint %s", [x]) | some x in constraints(b) - constraints(a)],
		),
		array.concat(
			[sprintf("row-level security enabled is %v, not %v", [enabled(b), enabled(a)]) | enabled(a) != enabled(b)],
			[sprintf("row-level security forced is %v, not %v", [forced(b), forced(a)]) | forced(a) != forced(b)],
		),
	),
)

deny contains finding if {
	some s in shards
	ref := reference(s.key)
	s.n != ref.n
	d := diffs(ref.lt, s.lt)
	count(d) > 0
	finding := {
		"msg": sprintf("shard %s differs from %s: %s", [s.lt.name, ref.lt.name, concat("; ", d)]),
		"path": s.lt.path,
	}
}
