# METADATA
# title: Audit and event times must be stored with a time zone
# description: >-
#   Flags each `timestamp` (without time zone) column of an audit, log or event table, and each
#   such column named for when something was created, updated, deleted, occurred or logged
#   (data.settings.postgres.time_column_words) in any table.
# custom:
#   id: SQL-015
#   name: timestamp-without-time-zone
#   severity: low
#   input: postgres
#   controls:
#     nist-800-53: [AU-8]
#     nist-csf-2.0: [PR.PS-04]
#     soc2: [CC7.2]
#   rationale: >-
#     AU-8 asks for time stamps that map to UTC. A `timestamp` without time zone records the
#     wall-clock time of whatever session wrote it: servers or clients in different zones, or a
#     daylight-saving change, make events impossible to order or correlate.
#   remediation: >-
#     Use `timestamptz` (`timestamp with time zone`), which stores an absolute instant:
#     `ALTER TABLE t ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC';`
#   related:
#     - https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29
package runeguard.postgres.timestamp_without_time_zone

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some c in sql.columns
	c.value.base == "timestamp"
	relevant(c)
	finding := {
		"msg": sprintf("column %q of table %s is a timestamp without time zone", [c.value.name, c.table.name]),
		"path": c.path,
	}
}

relevant(c) if sql.is_audit_name(c.table.table)

relevant(c) if sql.is_event_name(c.table.table)

relevant(c) if {
	some w in sql.words(c.value.name)
	w in {x | some x in sql.settings.time_column_words}
}
