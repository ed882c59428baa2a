# METADATA
# title: Privileges must not be granted to PUBLIC
# description: >-
#   Flags each `GRANT ... TO PUBLIC` on tables, views, sequences, schemas, functions, procedures,
#   types, domains, large objects, foreign servers or every object of a schema, column
#   privileges included (`GRANT SELECT (col)`), and `ALTER DEFAULT PRIVILEGES ... GRANT ... TO
#   PUBLIC`.
# custom:
#   id: SQL-007
#   name: grant-to-public
#   severity: high
#   input: postgres
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     zero-trust: [ZT-6]
#   rationale: >-
#     PUBLIC is every role of the cluster, present and future, including roles created for other
#     applications and for monitoring. A grant to PUBLIC cannot be scoped, reviewed or revoked
#     per consumer, which defeats least privilege.
#   remediation: >-
#     Grant to a named group role that holds exactly the consumers that need access
#     (`GRANT SELECT ON t TO app_readers`), and `REVOKE ... FROM PUBLIC` where PostgreSQL grants
#     to PUBLIC by default (EXECUTE on functions, USAGE and CREATE on schema public before 15).
#   related:
#     - https://www.postgresql.org/docs/current/ddl-priv.html
package runeguard.postgres.grant_to_public

import rego.v1

object_types := {
	"table", "sequence", "schema", "function", "procedure", "routine", "type",
	"all_tables_in_schema", "all_sequences_in_schema", "all_functions_in_schema",
	"all_procedures_in_schema", "all_routines_in_schema",
	"large_object", "domain", "foreign_server",
}

deny contains finding if {
	some i, g in input.grants
	g.action == "grant"
	"public" in g.grantees
	g.object_type in object_types
	finding := {
		"msg": sprintf("%s%s on %s granted to PUBLIC", [default_prefix(g), concat(", ", [priv_text(g, p) | some p in g.privileges]), target(g)]),
		"path": ["grants", i],
	}
}

# column privileges (GRANT SELECT (a, b) ON t) name their columns
priv_text(g, p) := sprintf("%s (%s)", [upper(p), concat(", ", g.columns[p])]) if g.columns[p]

priv_text(g, p) := upper(p) if not g.columns[p]

default_prefix(g) := "default privileges: " if g.default_privileges == true

default_prefix(g) := "" if g.default_privileges != true

target(g) := sprintf("%s %s", [replace(g.object_type, "_", " "), concat(", ", g.objects)]) if {
	g.default_privileges != true
	count(g.objects) > 0
}

target(g) := sprintf("every %s", [g.object_type]) if {
	g.default_privileges != true
	count(g.objects) == 0
}

target(g) := sprintf("future %ss in schema %s", [g.object_type, concat(", ", g.objects)]) if {
	g.default_privileges == true
	count(g.objects) > 0
}

target(g) := sprintf("future %ss", [g.object_type]) if {
	g.default_privileges == true
	count(g.objects) == 0
}
