# METADATA
# title: Role passwords must not be written in the schema
# description: >-
#   Flags each role given a password as a string constant in `CREATE ROLE`, `CREATE USER`,
#   `ALTER ROLE` or `ALTER USER` (clear text, or an MD5/SCRAM verifier), including inside `DO`
#   blocks and for roles dropped later in the file (the password stays in the file), and each
#   `CREATE USER MAPPING` or `ALTER USER MAPPING` whose options hold the password a foreign
#   data wrapper logs in with (`password`, `passwd`, `sslpassword`, `odbc_PWD`…). A string
#   the credential detector reads as a reference or a placeholder (`'${app_password}'` that
#   Flyway or envsubst fills in, `'<password>'`, `'changeme'`) is no literal. The value is
#   never read into the model nor printed.
# custom:
#   id: SQL-010
#   name: literal-role-password
#   severity: critical
#   input: postgres
#   secret: true
#   controls:
#     nist-800-53: [IA-5]
#     nist-csf-2.0: [PR.AA-01]
#     soc2: [CC6.1]
#   rationale: >-
#     A password in a schema or migration file lives forever in version control, backups, CI
#     logs and every clone of the repository; a stored MD5 or SCRAM verifier can be attacked
#     offline. IA-5 requires authenticators to be protected from disclosure.
#   remediation: >-
#     Create the role without a password (or `PASSWORD NULL`) and set it at deploy time from a
#     secret manager (`\password` in psql, or `ALTER ROLE ... PASSWORD` run by the provisioning
#     tool with the value from the vault); prefer certificate or IAM authentication. For a user
#     mapping, create it in the deployment step with the password from the secret manager, or
#     use a wrapper's password-less authentication (postgres_fdw with a client certificate,
#     `password_required 'false'` for a superuser-created mapping on a trusted network).
#   related:
#     - https://www.postgresql.org/docs/current/sql-createrole.html
#     - https://www.postgresql.org/docs/current/sql-createusermapping.html
package runeguard.postgres.literal_role_password

import rego.v1

deny contains finding if {
	some name, r in input.roles
	r.password.literal == true
	finding := {
		"msg": sprintf("%s %q is given a literal password%s in the schema", [r.kind, name, hashed(r.password)]),
		"path": ["roles", name, "password"],
	}
}

# a role dropped later in the file: the password is still written in it (and in its history)
deny contains finding if {
	some name, r in input.dropped_roles
	r.password.literal == true
	finding := {
		"msg": sprintf("%s %q is given a literal password%s in the schema (the role is dropped later, the password stays in the file)", [r.kind, name, hashed(r.password)]),
		"path": ["dropped_roles", name, "password"],
	}
}

# a user mapping's OPTIONS (password '…'): the role's login on the foreign server
deny contains finding if {
	some i, m in input.user_mappings
	m.password.literal == true
	finding := {
		"msg": sprintf("user mapping for %q on server %q holds a literal password (option %q) in the schema", [m.user, m.server, m.password_option]),
		"path": ["user_mappings", i, "password"],
	}
}

hashed(p) := " verifier (MD5/SCRAM)" if p.hashed == true

hashed(p) := "" if p.hashed != true
