# Unit tests of the credential detector's word lookups (run by `runeguard test`): looking a
# name's words up in the settings' word lists answers what the expressions built from those
# lists match.
package runeguard.lib.credentials_test

import data.runeguard.lib.credentials
import rego.v1

_words := array.concat(
	array.concat(credentials.settings.not_secret_last_words, credentials.settings.not_secret_first_words),
	array.concat(credentials.settings.identifier_words, ["", "X", "DB", "XID", "IDX", "PASSWORD"]),
)

# Names made of the lists' words: first, last, inside, joined, and malformed (empty parts).
_names := {n |
	some a in _words
	some b in ["", "ID", "FILE", "EXISTING", "KEY_REF", "PASSWORD"]
	some n in [
		sprintf("%s_%s", [a, b]),
		sprintf("%s_%s", [b, a]),
		sprintf("%s%s", [a, b]),
		sprintf("_%s_%s_", [a, b]),
		sprintf("%s__%s", [a, b]),
		sprintf("X_%s_%s_Y", [a, b]),
	]
}

_not_secret(n) := true if credentials._not_secret_words(n)

else := false

_identifier(n) := true if credentials._identifier_words(n)

else := false

test_word_lookups_match_expressions if {
	count(_names) > 1000
	every n in _names {
		_not_secret(n) == regex.match(credentials.not_secret_name_re, n)
		_identifier(n) == regex.match(credentials.identifier_name_re, n)
	}
}

test_lists_with_expressions_keep_them if {
	credentials._identifier_words("IMAGE_SHA256") with data.settings.credentials.identifier_words as ["SHA(1|256)", "ID"]
	not credentials._identifier_words("IMAGE_SHA512") with data.settings.credentials.identifier_words as ["SHA(1|256)", "ID"]
	credentials._not_secret_words("DB_") with data.settings.credentials.not_secret_last_words as []
	not credentials._not_secret_words("DB_PASSWORD") with data.settings.credentials.not_secret_last_words as []
}

test_plain_words if {
	credentials._plain_words(["A_B", "C1"])
	not credentials._plain_words([])
	not credentials._plain_words(["A", ""])
	not credentials._plain_words(["A,B"])
	not credentials._plain_words(["API_?KEY"])
}

test_password_part_names_the_password_characters if {
	credentials.password_part("postgres://app:Tr0ub4dor@db:5432/x") == {"part": [15, 24]}
}

test_password_part_of_a_url_inside_text if {
	# `é` counts as one character, as Rego's count and indexof count.
	credentials.password_part("dsn é = redis://:s3cr3tpw@cache:6379/0") == {"part": [17, 25]}
}

test_password_part_skips_a_placeholder if {
	credentials.password_part("https://u:${PASSWORD}@h/ and https://v:realpass9@h2/") == {"part": [39, 48]}
}

test_password_part_of_a_url_without_password_is_empty if {
	credentials.password_part("https://example.com/a@b") == {}
}

test_password_part_of_a_connection_string if {
	credentials.password_part("Server=db;User Id=app;Password=Hunter2x!;") == {"part": [31, 40]}
}

test_password_part_prefers_a_url if {
	credentials.password_part("pwd=first1 https://u:second2@h/") == {"part": [21, 28]}
}

test_url_password_reads_reference_defaults if {
	credentials.url_password("postgres://${U:-app}:${P:-postgres}@${H:-db}:5432/x")
	not credentials.url_password("postgres://${U:-app}:${P}@${H:-db}:5432/x")
	not credentials.url_password("postgres://${U:-app}:${P:-}@db/x")
	not credentials.url_password("postgres://${U:-app}:${P:-${FALLBACK}}@db/x")
}

# Flux's postBuild substitution (envsubst) and shells also write defaults as `${VAR:=d}` and
# `${VAR=d}`: the default is the value when the variable is unset (kflux36).
test_assigning_reference_defaults if {
	credentials.reference_default("${DB_PASSWORD:=hunter2}") == "hunter2"
	credentials.reference_default("${DB_PASSWORD=hunter2}") == "hunter2"
	credentials.reference_default("${DB_PASSWORD:-hunter2}") == "hunter2"
	credentials.reference_default("${a.b:hunter2}") == "hunter2"
	not credentials.reference_default("${DB_PASSWORD:=}")
	not credentials.reference_default("${DB_PASSWORD}")
	credentials.url_password("postgres://app:${P:=pgsecret}@db/x")
	not credentials.url_password("postgres://app:${P:=}@db/x")
}

# Digits written onto a credential word number it (wild43): the same names as the masking's
# (src/source/secrets/tests.rs `names`).
test_numbered_credential_names if {
	every n in ["DB_PASSWORD4", "PASSWORD_2", "redis_password1", "SECRET_KEY_V2", "dbPassword2", "API_TOKEN3_OLD", "MYSQLPASSWORD2"] {
		credentials.secret_name(n)
	}
	every n in ["PASSWORD_MIN_LENGTH", "PASSWORD_RESET_TIMEOUT", "password_hash_rounds", "MAX_PASSWORD_AGE_DAYS", "PASSWORD2_MIN_LENGTH", "DB_PASSWORD4_FILE", "OAUTH2", "PASSWORDS4ALL"] {
		not credentials.secret_name(n)
	}
}

# A credential's name written as an environment variable's names where the credential is kept
# (session fid31); a credential in capitals that is no such name, a mixed-case one, and a
# name's words alone stay literal.
test_an_environment_variable_name_is_no_credential if {
	credentials.not_literal("secretKey", "AWS_SECRET_ACCESS_KEY")
	credentials.not_literal("passwordKey", "POSTGRES_PASSWORD")
	not credentials.not_literal("secretKey", "WJALRXUTNFEMI_K7MDENG_BPXRFICYZEXAMPLE")
	not credentials.not_literal("password", "Db_Password_2024x")
	not credentials.not_literal("password", "Xk9vQ2mLp4Rt")
}
