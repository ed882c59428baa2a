# Kubernetes readings of credentials on top of lib credentials (the one credential detector):
# secret-named settings inside embedded configuration files, names that say what a value is
# not, and booleans. Used by K8S-035 and K8S-036; nothing here ever returns a value, only
# names and reasons.
package runeguard.lib.k8s_credentials

import data.runeguard.lib.credentials
import rego.v1

words(name) := credentials.words(name)

secret_name(name) if credentials.secret_name(name)

# A one-line literal credential value (not a reference, placeholder, path or plain URL).
literal(v) if {
	is_string(v)
	not contains(trim_space(v), "\n")
	credentials.literal("", v)
}

url_password(v) if credentials.url_password(v)

# A Secret value written only to be replaced (`CHANGE_ME_USE_A_RANDOM_SECRET`,
# `your-api-key-here`, `replace-me`, `xxxxxxxx`): it gives nothing away. The pattern
# (`data.settings.kubernetes.secret_placeholder_pattern`) is narrower than the credentials'
# placeholder_pattern: a weak word committed as a password (`test`) is applied as it is.
placeholder(v) if regex.match(data.settings.kubernetes.secret_placeholder_pattern, trim_space(v))

# A setting of an embedded file (properties, env, ini, YAML, JSON lines): its name and value.
# It starts a line, or follows the `{` or `,` of an object written on one line (`"Smtp": {
# "Password": "…" }` of an appsettings.json); a value starting with `{` or `[` is a nested
# collection, whose own settings are read.
_setting_pattern := `(?m)(?:^|[{,])[ \t]*(?:export[ \t]+)?["']?([A-Za-z0-9_.\-]+)["']?[ \t]*[:=][ \t]*["']?([^\s"'#,;{\[][^\s"'#,;]*)`

# The secret-named settings of an embedded file with a literal value, in the text's order.
_secret_settings(v) := [m |
	contains(v, "\n")
	some m in regex.find_all_string_submatch_n(_setting_pattern, v, -1)
	secret_name(m[1])
	credentials.literal(m[1], m[2])
]

# Settings inside an embedded file (properties, env, ini, YAML, JSON lines).
embedded_settings(v) := {m[1] | some m in _secret_settings(v)}

# The characters of the first secret-named setting's value of an embedded file, as a
# finding's `part` (`{}` when there is none): a chart printing the file from values (a
# values map given to `toYaml`) then reports the values line of that setting, where the fix
# is, not the key holding the whole file.
embedded_part(v) := {"part": [start, start + count(m[2])]} if {
	settings := _secret_settings(v)
	count(settings) > 0
	m := settings[0]
	start := (indexof(v, m[0]) + count(m[0])) - count(m[2])
} else := {}

embedded_reasons(v) := {sprintf("sets %s to a literal value", [concat(", ", sort(names))]) |
	names := [n | some n in embedded_settings(v)]
	count(names) > 0
} | _user_list_reasons(v)

# pgbouncer's `auth_file` (`userlist.txt`): every line that is not blank or a comment is two
# quoted strings, a user and a password or its md5/SCRAM hash (an md5 hash logs in as well as
# the password does). No name says so; the shape of every line does.
_user_list_reasons(v) := {"holds a user list with passwords (\"user\" \"password\" lines, as pgbouncer's auth_file)"} if {
	startswith(trim_space(v), "\"")
	lines := [l |
		some line in split(v, "\n")
		l := trim_space(line)
		l != ""
		not startswith(l, ";")
		not startswith(l, "#")
	]
	every l in lines {
		_user_list_password(l)
	}
	some l in lines
	credentials.literal("password", _user_list_password(l))
} else := set()

# The password of `"user" "password"`: exactly two quoted strings, blanks between them.
_user_list_password(l) := parts[3] if {
	parts := split(l, "\"")
	count(parts) == 5
	parts[0] == ""
	parts[4] == ""
	parts[2] != ""
	trim(parts[2], " \t") == ""
}

# Why a text holds a credential whatever its name: its shape, a URL or connection string with
# a password, or secret-named settings of an embedded file. Empty when it holds none.
value_reasons(v) := credentials.shape_reasons(v) | embedded_reasons(v)

# A name that says what the value is not: `DB_URL`, `TOKEN_TTL`, `repoName`, `project`.
non_secret_name(name) if {
	w := words(name)
	some suffix in array.concat(data.settings.kubernetes.secret_env_name_exceptions, data.settings.kubernetes.non_secret_key_words)
	regex.match(sprintf("(^|_)(%s)$", [suffix]), w)
}

boolean_text(s) if lower(trim_space(s)) in {"true", "false", "yes", "no", "on", "off"}
