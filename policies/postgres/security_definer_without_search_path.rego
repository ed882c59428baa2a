# METADATA
# title: SECURITY DEFINER routines must pin search_path
# description: >-
#   Flags each function or procedure that runs as SECURITY DEFINER without a `SET search_path`
#   clause, neither in its definition nor in a later `ALTER FUNCTION ... SET search_path` of the
#   schema (the file, or the folder of migrations).
# custom:
#   id: SQL-009
#   name: security-definer-without-search-path
#   severity: high
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AC-6, SI-10]
#     nist-csf-2.0: [PR.PS-06]
#     soc2: [CC6.8]
#   rationale: >-
#     A SECURITY DEFINER routine runs with its owner's privileges but resolves unqualified names
#     through the caller's search_path. A caller who can create objects in any schema on that
#     path (public, before PostgreSQL 15) plants a function or operator with the same name and
#     runs code as the owner, often a superuser.
#   remediation: >-
#     Add `SET search_path = pg_catalog, pg_temp` (or an empty search_path and fully qualified
#     names) to the routine, and revoke EXECUTE from PUBLIC.
#   related:
#     - https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY
package runeguard.postgres.security_definer_without_search_path

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some g, idxs in sql.group_docs
	some i in idxs
	some j, f in input.documents[i].functions
	f.security_definer == true
	not f.search_path
	not pinned_later(idxs, i, f)
	finding := {
		"msg": sprintf("SECURITY DEFINER %s %s(%s) does not set search_path", [f.kind, f.name, f.args]),
		"path": ["documents", i, "functions", j, "security_definer"],
	}
}

# A later document of the group sets search_path on a routine of the same name.
pinned_later(idxs, i, f) if {
	some k in idxs
	k > i
	some other in input.documents[k].functions
	other.name == f.name
	other.search_path
}
