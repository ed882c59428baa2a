# METADATA
# title: Tables holding personal or per-user data must enable row-level security
# description: >-
#   Flags each table that has a sensitive column (email, phone, date of birth, address, card
#   number... data.settings.postgres.sensitive_columns, sensitive_exact_columns) or an owner
#   column (user_id, tenant_id, student_id, patient_id...
#   data.settings.postgres.owner_columns) and whose row-level security is not enabled at the end
#   of the schema (the file, or the folder of migrations read in order). The address, phone
#   number or e-mail of a table named for an organisation or a place (companies, warehouses, offices...
#   data.settings.postgres.organisation_table_words) is not a person's.
# custom:
#   id: SQL-001
#   name: personal-data-without-rls
#   severity: high
#   input: postgres
#   scope: project
#   controls:
#     nist-800-53: [AC-3, AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     Without row-level security, any role granted SELECT on the table reads every person's rows;
#     isolation between users or tenants then rests entirely on every query of every service
#     remembering its WHERE clause. Row-level security enforces the per-row access decision in
#     the database itself (AC-3), for every client.
#   remediation: >-
#     `ALTER TABLE <table> ENABLE ROW LEVEL SECURITY;` and `FORCE ROW LEVEL SECURITY;`, then
#     `CREATE POLICY` restricting rows to their owner (e.g. `USING (user_id =
#     current_setting('app.current_user_id')::uuid)`).
#   related:
#     - https://www.postgresql.org/docs/current/ddl-rowsecurity.html
package runeguard.postgres.personal_data_without_rls

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some lt in sql.live_tables
	not sql.rls_enabled(lt)
	personal := sort([n |
		some n in sql.column_names(lt)
		sql.is_personal_column_of(lt.name, n)
	])
	count(personal) > 0
	finding := {
		"msg": sprintf("table %s holds personal or per-user data (%s) but row-level security is not enabled", [lt.name, concat(", ", personal)]),
		"path": lt.path,
	}
}
