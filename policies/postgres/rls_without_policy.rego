# METADATA
# title: Tables with row-level security need a policy
# description: >-
#   Flags each table whose row-level security is enabled at the end of the schema while no
#   `CREATE POLICY` in the schema (the file, or the folder of migrations) applies to it, unless
#   the schema revokes ALL privileges on the table from roles and grants none on it but to roles
#   that bypass row-level security (superusers, data.settings.postgres.rls_bypass_roles such as
#   Supabase's `service_role`, roles created WITH BYPASSRLS): then only the owner and those roles
#   reach the table and the missing policy is a deliberate deny-all.
# custom:
#   id: SQL-003
#   name: rls-without-policy
#   severity: low
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AC-3]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#   rationale: >-
#     With row-level security enabled and no policy, PostgreSQL denies every row to every role
#     but the owner (default deny). That is safe, but it is usually a forgotten policy: the
#     usual "fix" under pressure is to disable RLS altogether.
#   remediation: >-
#     Write the intended `CREATE POLICY ... ON <table> USING (...)`, or document with an inline
#     suppression that the table is meant to be reachable only by its owner.
#   related:
#     - https://www.postgresql.org/docs/current/ddl-rowsecurity.html
package runeguard.postgres.rls_without_policy

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some lt in sql.live_tables
	sql.rls_enabled(lt)
	count(sql.policies_of(lt)) == 0
	not sql.owner_only(lt)
	finding := {
		"msg": sprintf("table %s has row-level security enabled but no policy: every row is denied to every role but the owner", [lt.name]),
		"path": sql.rls_setting(lt, "enabled").path,
	}
}
