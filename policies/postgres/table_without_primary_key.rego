# METADATA
# title: Tables must have a primary key
# description: >-
#   Flags each table created without a primary key, when no `ALTER TABLE ... ADD PRIMARY KEY`
#   of the schema (the file, or the folder of migrations) adds one. Partitions (which inherit
#   their parent's key) and temporary tables are not flagged.
# custom:
#   id: SQL-017
#   name: table-without-primary-key
#   severity: low
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [SI-7]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [PI1.2]
#   rationale: >-
#     Without a primary key, duplicate rows go unnoticed, rows cannot be addressed reliably for
#     corrections, and logical replication cannot replicate UPDATE and DELETE: integrity of the
#     data (SI-7, PI1.2) is left to chance.
#   remediation: >-
#     Add a primary key (`id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`, or `PRIMARY KEY`
#     over the natural key).
#   related:
#     - https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS
package runeguard.postgres.table_without_primary_key

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some lt in sql.live_tables
	not sql.has_primary_key(lt)
	finding := {
		"msg": sprintf("table %s has no primary key", [lt.name]),
		"path": lt.path,
	}
}
