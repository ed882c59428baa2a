# METADATA
# title: Schemas and migrations must not drop or truncate audit tables
# description: >-
#   Flags each `DROP TABLE` or `TRUNCATE` of an audit or log table (by name). Partitions (known
#   as such in the file, or named with a date suffix such as `_2024_01`) are not flagged:
#   dropping an expired partition is how retention works.
# custom:
#   id: SQL-020
#   name: drop-audit-data
#   severity: high
#   input: postgres
#   controls:
#     nist-800-53: [AU-9, AU-11]
#     nist-csf-2.0: [PR.PS-04]
#     soc2: [CC7.2]
#   rationale: >-
#     A migration that drops or truncates an audit table destroys the audit trail before its
#     retention period ends (AU-11), through a channel (a deploy) that audit protection (AU-9)
#     rarely watches.
#   remediation: >-
#     Archive audit data (export, then detach and drop expired partitions) through a reviewed
#     retention job instead of a schema change; if the table is really being replaced, copy its
#     rows to the new table in the same migration and suppress with a reason.
#   related:
#     - https://www.postgresql.org/docs/current/sql-droptable.html
package runeguard.postgres.drop_audit_data

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some i, d in input.drops
	table := split(d.table, ".")[count(split(d.table, ".")) - 1]
	sql.is_audit_name(table)
	d.partition != true
	not partition_like(table)
	finding := {
		"msg": sprintf("%s of audit table %s destroys audit records", [upper(verb[d.statement]), d.table]),
		"path": ["drops", i],
	}
}

verb := {"drop": "drop table", "truncate": "truncate"}

partition_like(table) if regex.match(`_(19|20)[0-9]{2}(_?[0-9]{2}){0,2}$`, table)

partition_like(table) if regex.match(`_p[0-9]+$`, table)
