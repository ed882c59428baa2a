# METADATA
# title: Audit records must say who did what, when, and with what result
# description: >-
#   Flags each audit or log table (by name) that lacks an actor, an action, a time or a result
#   column (names in data.settings.postgres.audit_fields, alone or followed by a word of
#   data.settings.postgres.audit_field_qualifiers such as `action_name`, with their words
#   separated by `_` or run together as in `userid` or `createdAt`), and each of those
#   columns that is nullable; any timestamp column serves as the time. Columns added by later migrations of the
#   same folder count.
# custom:
#   id: SQL-016
#   name: audit-record-missing-fields
#   severity: medium
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AU-3]
#     nist-csf-2.0: [PR.PS-04]
#     soc2: [CC7.2]
#     zero-trust: [ZT-7]
#   rationale: >-
#     AU-3 lists the content every audit record needs: what happened, when, where, the source,
#     the outcome and the identity involved. A record without them cannot support an
#     investigation, and a nullable field lets a writer omit it silently.
#   remediation: >-
#     Give the table NOT NULL columns for the actor (`user_id`/`actor_id`), the action, the time
#     (`occurred_at timestamptz`) and the result (`result` with a CHECK of its values).
#   related:
#     - https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final
package runeguard.postgres.audit_record_missing_fields

import data.runeguard.lib.sql
import rego.v1

fields := ["actor", "action", "time", "result"]

audit_tables contains lt if {
	some lt in sql.live_tables
	sql.is_audit_name(lt.value.table)
}

# The first column of the table that can play the role of `field`: by name, and for the
# time, any timestamp column.
field_column(lt, field) := names[0] if {
	names := candidates(lt, field)
	count(names) > 0
}

candidates(lt, field) := array.concat(named, qualified) if {
	field != "time"
	have := sql.column_names(lt)
	named := listed(have, field)
	qualified := sort([n | some n in have; not n in named; qualified_name(n, field)])
}

# The columns named as a listed name of `field`, in the list's order: the name itself, or
# its words run together in one word (`userid`, `createat`, Mattermost's style) or in camel
# case (`"userId"`, `"createdAt"`, Prisma's). Whole names only: `superuserid` is no `userid`.
listed(have, field) := [n |
	some base in sql.settings.audit_fields[field]
	some n in have
	same_name(n, base)
]

same_name(n, base) if n == base

same_name(n, base) if {
	n != base
	lower(n) == replace(base, "_", "")
}

# A listed name with a word saying which form of it the column holds (`action_name`,
# `operation_type`, `result_code`; data.settings.postgres.audit_field_qualifiers): the same
# field (wild16: an `action_name` column read as "no action"), run together too
# (`actiontype`, `"resultCode"`).
qualified_name(n, field) if {
	some base in sql.settings.audit_fields[field]
	some qualifier in sql.settings.audit_field_qualifiers
	same_name(n, concat("_", [base, qualifier]))
}

candidates(lt, "time") := array.concat(named, typed) if {
	have := sql.column_names(lt)
	named := listed(have, "time")
	typed := sort([n | some n in have; not n in named; sql.column(lt, n).value.base in {"timestamp", "timestamptz"}])
}

deny contains finding if {
	some lt in audit_tables
	missing := [f | some f in fields; not field_column(lt, f)]
	count(missing) > 0
	finding := {
		"msg": sprintf("audit table %s has no %s column", [lt.name, concat(", no ", missing)]),
		"path": lt.path,
	}
}

deny contains finding if {
	some lt in audit_tables
	some f in fields
	name := field_column(lt, f)
	col := sql.column(lt, name)
	col.value.not_null != true
	finding := {
		"msg": sprintf("%s column %q of audit table %s is nullable", [f, name, lt.name]),
		"path": col.path,
	}
}
