# METADATA
# title: Row-level security policies must restrict rows
# description: >-
#   Flags each permissive policy whose USING or WITH CHECK expression is the constant `true`,
#   unless every role it applies to is an administrative role (data.settings.postgres.admin_roles)
#   or a role that bypasses row-level security anyway (data.settings.postgres.rls_bypass_roles
#   such as Supabase's `service_role`, a role the schema creates WITH BYPASSRLS or SUPERUSER):
#   for those the policy opens nothing they could not already read and write.
# custom:
#   id: SQL-004
#   name: permissive-policy
#   severity: high
#   input: postgres
#   controls:
#     nist-800-53: [AC-3]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     Permissive policies are OR-ed together: one `USING (true)` opens every row of the table to
#     the roles it names, whatever the other policies say, and `WITH CHECK (true)` lets them
#     write rows on behalf of anyone. The table looks protected while it is not.
#   remediation: >-
#     Replace `true` with the row condition (`user_id = auth.uid()`, `tenant_id =
#     current_setting('app.tenant_id')::uuid`), or limit the policy `TO` an administrative role.
#   related:
#     - https://www.postgresql.org/docs/current/sql-createpolicy.html
package runeguard.postgres.permissive_policy

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some i, p in input.policies
	p.permissive == true
	cs := clauses(p)
	count(cs) > 0
	roles := [r | some r in p.roles; not opens_nothing(r)]
	count(roles) > 0
	finding := {
		"msg": sprintf("policy %q on table %s allows every row (%s) for %s", [p.name, p.table, concat(" and ", cs), concat(", ", roles)]),
		"path": ["policies", i, clause_key(p)],
	}
}

# The finding points at the first open clause, written below `CREATE POLICY` and its roles.
clause_key(p) := "using" if p.using_true == true

clause_key(p) := "with_check" if {
	not p.using_true == true
	p.check_true == true
}

clauses(p) := [sprintf("%s (true)", [c]) | some c in ["USING", "WITH CHECK"]; flagged(p, c)]

flagged(p, "USING") if p.using_true == true

flagged(p, "WITH CHECK") if p.check_true == true

# A role for which a `true` policy opens nothing: an administrative role, or one that reads past
# row-level security anyway (wild19: Supabase's `... TO service_role USING (true)` policies).
opens_nothing(r) if sql.is_admin_role(r)

opens_nothing(r) if r in {x | some x in data.settings.postgres.rls_bypass_roles}

opens_nothing(r) if {
	some opt in ["bypassrls", "superuser"]
	input.roles[r].options[opt] == true
}
