# METADATA
# title: Row-level security must be forced
# description: >-
#   Flags each table whose row-level security is enabled but not forced at the end of the
#   schema: its owner (and every role that owns it through membership) bypasses the policies. A
#   table with no policy whose privileges the schema revokes from every client role (the
#   deliberate owner-only table SQL-003 accepts) is not flagged: forcing RLS there would lock
#   out the owner, the one role meant to reach it.
# custom:
#   id: SQL-002
#   name: rls-not-forced
#   severity: medium
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AC-3]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     PostgreSQL does not apply a table's policies to its owner unless `FORCE ROW LEVEL SECURITY`
#     is set. Applications very often connect as the role that ran the migrations, which owns
#     the tables: for them the policies silently do nothing.
#   remediation: >-
#     Add `ALTER TABLE <table> FORCE ROW LEVEL SECURITY;` next to `ENABLE ROW LEVEL SECURITY`,
#     and connect the application as a role that does not own the tables.
#   related:
#     - https://www.postgresql.org/docs/current/sql-altertable.html
package runeguard.postgres.rls_not_forced

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some lt in sql.live_tables
	sql.rls_enabled(lt)
	not sql.rls_forced(lt)
	not deliberate_owner_only(lt)
	finding := {
		"msg": sprintf("row-level security on table %s is enabled but not forced: the table owner bypasses its policies", [lt.name]),
		"path": sql.rls_setting(lt, "enabled").path,
	}
}

# RLS with no policy on a table whose privileges the schema revokes from every client role (see
# SQL-003): the owner is the one meant to reach it, and forcing RLS would lock the owner out.
deliberate_owner_only(lt) if {
	count(sql.policies_of(lt)) == 0
	sql.owner_only(lt)
}
