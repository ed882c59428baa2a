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
	not locked(lt)
	finding := {
		"msg": sprintf("table %s has row-level security enabled but no policy: every row is denied to every role but the owner", [lt.name]),
		"path": sql.rls_setting(lt, "enabled").path,
	}
}

# `REVOKE ALL ON t FROM anon, authenticated` and no GRANT on t anywhere in the schema: the table
# is meant for its owner alone (a server that connects as the owner), which is what RLS with no
# policy enforces.
locked(lt) if {
	some i in lt.docs
	some g in input.documents[i].grants
	g.action == "revoke"
	g.default_privileges == false
	"all" in g.privileges
	lt.name in sql.granted_tables(g)
	not granted(lt)
}

# A grant back to a role that bypasses row-level security (a superuser, Supabase's
# `service_role`: data.settings.postgres.admin_roles, rls_bypass_roles, or a role the schema
# creates WITH BYPASSRLS or SUPERUSER) keeps the table owner-only as far as RLS goes: that role
# reads past the policies anyway, so the missing policy is still the deliberate deny-all.
granted(lt) if {
	some i in lt.docs
	some g in input.documents[i].grants
	g.action == "grant"
	lt.name in sql.granted_tables(g)
	some r in g.grantees
	not bypasses_rls(lt, r)
}

bypasses_rls(_, role) if sql.is_admin_role(role)

bypasses_rls(_, role) if role in {x | some x in sql.settings.rls_bypass_roles}

bypasses_rls(lt, role) if {
	some i in lt.docs
	some opt in ["bypassrls", "superuser"]
	input.documents[i].roles[role].options[opt] == true
}
