# METADATA
# title: Audit and event tables should be partitioned
# description: >-
#   Flags each audit, log or event table (by name: data.settings.postgres.audit_table_words,
#   log_table_words, event_table_words, audit_tables) created without `PARTITION BY`.
#   Partitions of such a table are not flagged, whether created as one or attached by a later
#   migration of the same folder.
# custom:
#   id: SQL-013
#   name: audit-table-not-partitioned
#   severity: low
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AU-11, AU-4]
#     nist-csf-2.0: [PR.PS-04]
#     soc2: [CC7.2]
#   rationale: >-
#     Audit and event tables only grow. Partitioned by time, old records can be archived or
#     dropped a partition at a time when the retention period (AU-11) ends, and storage capacity
#     (AU-4) can be planned per period; a single table can only be purged by slow, locking,
#     bloating DELETEs.
#   remediation: >-
#     Create the table `PARTITION BY RANGE (<time column>)` with a partition per month (and a
#     DEFAULT partition), e.g. managed by pg_partman.
#   related:
#     - https://www.postgresql.org/docs/current/ddl-partitioning.html
package runeguard.postgres.audit_table_not_partitioned

import data.runeguard.lib.sql
import rego.v1

# Read over the whole folder of migrations: a table that a later migration attaches as a
# partition (the old log moved under the new partitioned one) is no table of its own.
deny contains finding if {
	some lt in sql.live_tables
	named(lt.value.table)
	not lt.value.partition_by
	finding := {
		"msg": sprintf("audit/event table %s is not partitioned", [lt.value.name]),
		"path": lt.path,
	}
}

named(table) if sql.is_audit_name(table)

named(table) if sql.is_event_name(table)
