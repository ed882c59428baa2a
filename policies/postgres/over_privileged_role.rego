# METADATA
# title: Roles must not hold SUPERUSER, BYPASSRLS, CREATEROLE or REPLICATION
# description: >-
#   Flags each role whose final state in the file has SUPERUSER, BYPASSRLS, CREATEROLE or
#   REPLICATION set (by CREATE ROLE/USER or ALTER ROLE/USER), except the designated
#   administrative roles (data.settings.postgres.admin_roles).
# custom:
#   id: SQL-011
#   name: over-privileged-role
#   severity: high
#   input: postgres
#   controls:
#     nist-800-53: [AC-6(5)]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#   rationale: >-
#     SUPERUSER bypasses every check and can run programs on the server; BYPASSRLS ignores every
#     row-level security policy; CREATEROLE can create and administer roles (and, before
#     PostgreSQL 16, grant itself almost anything); REPLICATION streams every row of the
#     cluster. AC-6(5) restricts such privileged accounts to designated administrators.
#   remediation: >-
#     Give application and service roles only LOGIN and the object privileges they need; keep
#     these attributes for a few administrative roles managed outside application migrations.
#   related:
#     - https://www.postgresql.org/docs/current/role-attributes.html
package runeguard.postgres.over_privileged_role

import data.runeguard.lib.sql
import rego.v1

dangerous := ["superuser", "bypassrls", "createrole", "replication"]

deny contains finding if {
	some name, r in input.roles
	not sql.is_admin_role(name)
	some opt in dangerous
	r.options[opt] == true
	finding := {
		"msg": sprintf("%s %q has %s", [r.kind, name, upper(opt)]),
		"path": ["roles", name, "options", opt],
	}
}
