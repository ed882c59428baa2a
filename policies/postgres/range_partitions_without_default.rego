# METADATA
# title: Range-partitioned tables need a DEFAULT partition
# description: >-
#   Flags each table (or partition) partitioned `BY RANGE` for which the schema (the file, or
#   the folder of migrations) creates or attaches no DEFAULT partition, nor hands it to
#   pg_partman's `create_parent`, which creates one unless `p_default_table` is false. Ranges
#   from `MINVALUE` to `MAXVALUE` on a NOT NULL key reject no row. The message gives the upper
#   bound of the last range created.
# custom:
#   id: SQL-014
#   name: range-partitions-without-default
#   severity: medium
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AU-4, AU-5]
#     nist-csf-2.0: [PR.IR-04]
#     soc2: [A1.1]
#   rationale: >-
#     An INSERT whose key falls outside every partition fails ("no partition of relation found
#     for row"). For a time-partitioned audit log, the day after the last partition ends every
#     insert fails: audit records are lost (AU-5, response to audit logging failures) or the
#     application stops.
#   remediation: >-
#     `CREATE TABLE <table>_default PARTITION OF <table> DEFAULT;` and create future partitions
#     ahead of time (pg_partman, or a scheduled job), with an alert when rows land in the default.
#   related:
#     - https://www.postgresql.org/docs/current/ddl-partitioning.html
package runeguard.postgres.range_partitions_without_default

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	# a partition partitioned in turn by range rejects rows outside its own ranges too
	some lt in sql.live_relations
	lt.value.partition_by.strategy == "range"
	parts := sql.partitions_of(lt)
	not has_default(parts)
	not covers_every_key(lt, parts)
	finding := {
		"msg": sprintf("range-partitioned table %s has no DEFAULT partition: %s", [lt.name, consequence(lt, parts)]),
		"path": array.concat(lt.path, ["partition_by"]),
	}
}

# Ranges from MINVALUE to MAXVALUE on a NOT NULL key can still leave a gap between two of them
# (`MINVALUE`..`'2024-01-01'`, `'2025-01-01'`..`MAXVALUE`): rows between are rejected. A range
# that ends where no other starts is the gap's lower edge; bounds are compared as written,
# with casts and a midnight time left out (`'2024-01-01 00:00:00'::timestamp` is `2024-01-01`).
deny contains finding if {
	some lt in sql.live_relations
	lt.value.partition_by.strategy == "range"
	parts := sql.partitions_of(lt)
	not has_default(parts)
	covers_every_key(lt, parts)
	ends := sort([p.to | some p in parts; gap_after(p, parts)])
	count(ends) > 0
	finding := {
		"msg": sprintf("range-partitioned table %s has no DEFAULT partition: %d range partition(s) from MINVALUE to MAXVALUE, but no range starts at %s, where one ends, so rows from there up to the next range are rejected", [lt.name, count(parts), concat(", ", ends)]),
		"path": array.concat(lt.path, ["partition_by"]),
	}
}

gap_after(p, parts) if {
	p.to
	not startswith(lower(p.to), "maxvalue")
	every q in parts {
		not same_bound(q.from, p.to)
	}
}

same_bound(a, b) if bound_text(a) == bound_text(b)

# `'2024-01-01 00:00:00+00'::timestamptz` → `2024-01-01`; `(100)` and `100` alike.
bound_text(b) := t if {
	no_cast := regex.replace(lower(b), `::[a-z_ ]+(\([0-9, ]*\))?`, "")
	no_type := regex.replace(no_cast, `^\s*\(?\s*(date|timestamptz|timestamp( with(out)? time zone)?)\s+'`, "'")
	bare := regex.replace(no_type, `[\s'()"]`, "")
	t := regex.replace(bare, `^([0-9]{4}-[0-9]{2}-[0-9]{2})00:00(:00)?(\+00(:00)?)?$`, "${1}")
}

has_default(parts) if {
	some p in parts
	p.default == true
}

# Ranges from MINVALUE and to MAXVALUE: no key falls below or above them (gaps between the
# ranges are not looked for). A NULL key fits no range (only a DEFAULT partition takes it), so
# the key's columns must be NOT NULL.
covers_every_key(lt, parts) if {
	unbounded_above(parts)
	unbounded_below(parts)
	every name in key_columns(lt) {
		not_null(lt, name)
	}
}

# The key's parts, when each is a column (an expression key is not known to be NOT NULL).
key_columns(lt) := [trim_space(k) | some k in split(lt.value.partition_by.key, ",")]

not_null(lt, name) if sql.column(lt, name).value.not_null == true

not_null(lt, name) if {
	some i in sql.mentions(lt)
	name in input.documents[i].tables[lt.name].primary_key
}

unbounded_above(parts) if {
	some p in parts
	startswith(lower(p.to), "maxvalue")
}

unbounded_below(parts) if {
	some p in parts
	startswith(lower(p.from), "minvalue")
}

# pg_partman creates the partitions, told not to create the DEFAULT one.
consequence(lt, parts) := "pg_partman creates its partitions with p_default_table false, so rows outside them are rejected" if {
	count(sql.partman_of(lt)) > 0
}

consequence(lt, parts) := sprintf("%d range partition(s), rows before %s are rejected", [count(parts), min(starts)]) if {
	count(sql.partman_of(lt)) == 0
	unbounded_above(parts)
	not unbounded_below(parts)
	starts := [p.from | some p in parts; p.from]
}

consequence(lt, parts) := sprintf("%d range partition(s) from MINVALUE to MAXVALUE, but rows whose key (%s) is NULL are rejected", [count(parts), lt.value.partition_by.key]) if {
	count(sql.partman_of(lt)) == 0
	unbounded_above(parts)
	unbounded_below(parts)
}

consequence(lt, parts) := sprintf("%d range partition(s), rows from %s on are rejected", [count(parts), max(ends)]) if {
	count(sql.partman_of(lt)) == 0
	not unbounded_above(parts)
	ends := [p.to | some p in parts; p.to]
	count(ends) > 0
}

# Partitions made at run time (`EXECUTE format('CREATE TABLE %I PARTITION OF …')`, a job) are
# not seen: the message says what is known.
consequence(lt, parts) := "the schema creates no partition of it (partitions made at run time are not seen), so every row outside them is rejected" if {
	count(sql.partman_of(lt)) == 0
	count(parts) == 0
}

consequence(lt, parts) := "rows outside the created ranges are rejected" if {
	count(sql.partman_of(lt)) == 0
	count(parts) > 0
	count([p | some p in parts; p.to]) == 0
}
