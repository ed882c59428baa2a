# METADATA
# title: Tables and schemas must not be granted ALL PRIVILEGES
# description: >-
#   Flags each `GRANT ALL [PRIVILEGES]` on a table, a schema, or every table of a schema
#   (including default privileges), except to an administrative role
#   (data.settings.postgres.admin_roles).
# custom:
#   id: SQL-008
#   name: grant-all-privileges
#   severity: medium
#   input: postgres
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#   rationale: >-
#     ALL on a table includes DELETE, TRUNCATE, REFERENCES and TRIGGER, and on a schema CREATE:
#     far more than an application or a reader needs. Least privilege (AC-6) asks for the
#     privileges each role uses, and no more.
#   remediation: >-
#     Grant the privileges the role needs (`GRANT SELECT, INSERT, UPDATE ON t TO app`;
#     `GRANT USAGE ON SCHEMA s TO app`).
#   related:
#     - https://www.postgresql.org/docs/current/sql-grant.html
package runeguard.postgres.grant_all_privileges

import data.runeguard.lib.sql
import rego.v1

object_types := {"table", "schema", "all_tables_in_schema"}

deny contains finding if {
	some i, g in input.grants
	g.action == "grant"
	"all" in g.privileges
	g.object_type in object_types
	grantees := [r | some r in g.grantees; not sql.is_admin_role(r)]
	count(grantees) > 0
	finding := {
		"msg": sprintf("%s on %s granted to %s", [all_text(g), target(g), concat(", ", grantees)]),
		"path": ["grants", i],
	}
}

# column privileges: GRANT ALL (a, b) ON t
all_text(g) := sprintf("ALL PRIVILEGES (%s)", [concat(", ", g.columns.all)]) if g.columns.all

all_text(g) := "ALL PRIVILEGES" if not g.columns.all

target(g) := sprintf("%s %s", [replace(g.object_type, "_", " "), concat(", ", g.objects)]) if g.default_privileges != true

target(g) := sprintf("future %ss in schema %s", [g.object_type, concat(", ", g.objects)]) if {
	g.default_privileges == true
	count(g.objects) > 0
}

target(g) := sprintf("future %ss", [g.object_type]) if {
	g.default_privileges == true
	count(g.objects) == 0
}
