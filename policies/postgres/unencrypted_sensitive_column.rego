# METADATA
# title: Government ids, card and bank numbers must be stored encrypted
# description: >-
#   Flags each column named like a social security number, card number, IBAN, tax id, national
#   id or passport number (data.settings.postgres.unencrypted_sensitive_columns) whose type is
#   not `bytea` and whose name does not mark it as ciphertext (`enc_*`, `encrypted_*`,
#   `*_encrypted`).
# custom:
#   id: SQL-006
#   name: unencrypted-sensitive-column
#   severity: high
#   input: postgres
#   controls:
#     nist-800-53: [SC-28]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [C1.1]
#   rationale: >-
#     These values are enough to commit identity or payment fraud, and PCI DSS and privacy law
#     require them to be unreadable at rest. Disk encryption does not protect them from anyone
#     who can query the table, read a dump or a replica.
#   remediation: >-
#     Encrypt the value in the application or with pgcrypto (`pgp_sym_encrypt`) under a key kept
#     outside the database, store the ciphertext as `bytea` in a column named `<name>_encrypted`,
#     and keep only a masked or tokenised form (last four digits) in clear.
#   related:
#     - https://www.postgresql.org/docs/current/pgcrypto.html
package runeguard.postgres.unencrypted_sensitive_column

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some c in sql.columns
	c.value.base != "bytea"
	sql.named_like_any(c.value.name, sql.unencrypted_names)
	not encrypted_named(c.value.name)
	finding := {
		"msg": sprintf("column %q of table %s stores sensitive data unencrypted (%s)", [c.value.name, c.table.name, c.value.type]),
		"path": c.path,
	}
}

encrypted_named(name) if {
	some p in sql.settings.encrypted_prefixes
	startswith(sql.snake(name), p)
}

encrypted_named(name) if {
	some s in sql.settings.encrypted_suffixes
	endswith(sql.snake(name), s)
}
