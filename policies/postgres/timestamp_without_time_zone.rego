# METADATA
# title: Audit and event times must be stored with a time zone
# description: >-
#   Flags each `timestamp` (without time zone) column of an audit, log or event table, and each
#   such column named for when something was created, updated, deleted, occurred or logged
#   (data.settings.postgres.time_column_words: Ecto's `inserted_at` and Django's `date_added` among
#   them) in any table. A partition's columns, whether created as one or attached by a later
#   migration of the same folder, are its parent's.
# custom:
#   id: SQL-015
#   name: timestamp-without-time-zone
#   severity: low
#   input: postgres
#   scope: project
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

# Each column where it is written (a CREATE TABLE or a later ALTER TABLE … ADD COLUMN), over
# the whole folder of migrations: a table that a later migration attaches as a partition
# shares its parent's columns, which are reported on the parent.
deny contains finding if {
	some i, doc in input.documents
	some key, t in doc.tables
	not partition(i, key, t)
	some name, c in t.columns
	c.base == "timestamp"
	relevant(t, c)
	finding := {
		"msg": sprintf("column %q of table %s is a timestamp without time zone", [c.name, t.name]),
		"path": ["documents", i, "tables", key, "columns", name],
	}
}

partition(_, _, t) if t.partition_of

partition(i, key, _) if {
	some j in sql.group_docs[sql.doc_group[i]]
	some p in input.documents[j].partitions
	p.child == key
}

relevant(t, _) if sql.is_audit_name(t.table)

relevant(t, _) if sql.is_event_name(t.table)

relevant(_, c) if {
	some w in sql.words(c.name)
	w in {x | some x in sql.settings.time_column_words}
}
