# METADATA
# title: Classification columns must be restricted to known values
# description: >-
#   Flags each text column named `*_level` or `classification` (data.settings.postgres.
#   classification_suffixes, classification_columns) with no CHECK constraint reading it, no
#   foreign key, and a type that is neither an enum nor a domain with a CHECK. Later migrations
#   of the same folder that add a CHECK count.
# custom:
#   id: SQL-019
#   name: unconstrained-classification-column
#   severity: low
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [SI-10]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [PI1.2]
#   rationale: >-
#     Access decisions and handling rules key off classification labels. A free-text label lets
#     'Confidential', 'confidental' and 'SECRET ' coexist, and every policy comparing against
#     'CONFIDENTIAL' silently misses them (SI-10, information input validation).
#   remediation: >-
#     Add `CHECK (<column> IN ('PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'))`, or make the
#     column an enum type or a foreign key to a table of levels.
#   related:
#     - https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-CHECK-CONSTRAINTS
package runeguard.postgres.unconstrained_classification_column

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some lt in sql.live_tables
	some name in sql.column_names(lt)
	classification_name(name)
	col := sql.column(lt, name)
	sql.is_text_type(col.value)
	not col.value.references
	not sql.column_checked(lt, name)
	not foreign_key(lt, name)
	not sql.constrained_type(lt.docs, col.value.base)
	finding := {
		"msg": sprintf("classification column %q of table %s accepts any %s value", [name, lt.name, col.value.type]),
		"path": col.path,
	}
}

classification_name(name) if {
	some s in sql.settings.classification_suffixes
	endswith(sql.snake(name), s)
}

classification_name(name) if sql.snake(name) in {x | some x in sql.settings.classification_columns}

foreign_key(lt, name) if {
	some i in sql.mentions(lt)
	some k in input.documents[i].tables[lt.name].constraints
	k.type == "foreign_key"
	name in k.columns
}
