# METADATA
# title: Passwords, secrets and tokens must not be stored as plain text
# description: >-
#   Flags each text column (text, varchar, char, citext) named like a password, secret, token or
#   API key (`password`, `*_password`, `api_key`, `*_token`... data.settings.postgres.secret_columns)
#   that is not named as a hash or ciphertext (`*_hash`, `*_digest`, `*_bcrypt`, `hashed_*`,
#   `*_encrypted`...). A password column in a table with a salt column (`salt`, `*_salt`)
#   holds a salted hash and is not flagged, nor is one sized for exactly a bcrypt hash
#   (`char(60)`, `varchar(60)`).
# custom:
#   id: SQL-005
#   name: plaintext-password-column
#   severity: high
#   input: postgres
#   controls:
#     nist-800-53: [IA-5(1), SC-28]
#     nist-csf-2.0: [PR.AA-01, PR.DS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     IA-5(1) requires passwords to be stored only as salted one-way hashes. A text column named
#     `password` or `api_token` holds the credential itself: one backup, replica or SQL injection
#     hands over every account.
#   remediation: >-
#     Store a slow salted hash (bcrypt, scrypt, Argon2id) in a column named for it
#     (`password_hash`); for tokens and API keys store a hash of the token and compare hashes, or
#     encrypt the value with a key kept outside the database (`bytea` ciphertext).
#   related:
#     - https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
package runeguard.postgres.plaintext_password_column

import data.runeguard.lib.sql
import rego.v1

deny contains finding if {
	some c in sql.columns
	sql.is_text_type(c.value)
	sql.named_like_any(c.value.name, sql.secret_names)
	not hash_named(c.value.name)
	not salted(c)
	not bcrypt_sized(c)
	finding := {
		"msg": sprintf("column %q of table %s stores a credential as plain %s", [c.value.name, c.table.name, c.value.type]),
		"path": c.path,
	}
}

hash_named(name) if {
	some p in sql.settings.hash_prefixes
	startswith(sql.snake(name), p)
}

hash_named(name) if {
	some s in sql.settings.hash_suffixes
	endswith(sql.snake(name), s)
}

# A password column beside a salt column (`salt`, `password_salt`, `salt_value`): a salt is
# only ever fed to a hash or key-derivation function, so the column holds the salted hash.
salted(c) if {
	regex.match(`(pass(word|wd)?|pwd)$`, sql.snake(c.value.name))
	some other, _ in c.table.columns
	salt_named(sql.snake(other))
}

# A password column sized for exactly a bcrypt hash (`$2b$10$` and 53 characters: `char(60)`,
# `varchar(60)`, Prisma's `VARCHAR(60)`): that width is bcrypt's output length, the one
# applications size the column to when they store its hash; a typed password gets a round
# limit (`varchar(64)`, `varchar(255)`), which is still reported.
bcrypt_sized(c) if {
	regex.match(`(pass(word|wd)?|pwd)$`, sql.snake(c.value.name))
	regex.match(`^(varchar|character varying|char|character|bpchar) ?\( ?60 ?\)$`, lower(c.value.type))
}

salt_named(n) if n == "salt"

salt_named(n) if endswith(n, "_salt")

salt_named(n) if startswith(n, "salt_")
