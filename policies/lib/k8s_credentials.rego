# Recognising credentials in text: secret-like names (`DB_PASSWORD`, `clientSecret`), values
# that are literals rather than references or placeholders, values shaped like credentials
# (private keys, cloud and API tokens, JWTs, URLs with a password) and secret-named settings
# inside embedded configuration files. Used by K8S-035 and K8S-036; nothing here ever returns
# a value, only names and reasons.
#
# Names are matched against `data.settings.kubernetes.secret_env_names` (the words K8S-017
# uses), anchored at the end of the name, so `TOKEN_TTL` or `password_file` are not secret
# names.
package runeguard.lib.k8s_credentials

import rego.v1

# `dbPassword`, `db-password`, `db.password` and `DB_PASSWORD` all read DB_PASSWORD.
words(name) := upper(regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `[^A-Za-z0-9]+`, "_"))

# The name ends with a secret word: `DB_PASSWORD`, `clientSecret`, `api-key`. One regex for
# all the words, built once.
secret_name_re := sprintf("(^|_)(%s)$", [concat("|", data.settings.kubernetes.secret_env_names)])

# A cheap first test: the name contains the first word of some pattern (`PASSWORD` of
# `PASSWORD`, `API` of `API_?KEY`), computed once from the settings.
name_stems := {upper(m[0]) |
	some pattern in data.settings.kubernetes.secret_env_names
	m := regex.find_n(`[A-Za-z0-9]+`, pattern, 1)
}

maybe_secret_name(name) if {
	n := upper(name)
	some stem in name_stems
	contains(n, stem)
}

secret_name(name) if {
	maybe_secret_name(name)
	w := words(name)
	regex.match(secret_name_re, w)
	not w in {"PWD", "OLDPWD"}
}

placeholder_words := {
	"true", "false", "yes", "no", "on", "off", "none", "null", "nil", "enabled", "disabled",
	"required", "optional", "changeme", "change_me", "replace_me", "replaceme", "todo", "xxx",
	"redacted", "secret", "password", "token", "example", "dummy", "placeholder",
}

# Not a literal credential: references, placeholders, paths, plain URLs, object names.
not_literal(s) if count(s) < 4

not_literal(s) if lower(s) in placeholder_words

# `${VAR}`, `$(VAR)`, `$VAR` and Argo CD's `$secret-key` / `$secret:key` references, `{{ .x }}`,
# `<placeholder>`, `%VAR%`.
not_literal(s) if regex.match(`^\$\{[^}]*\}$|^\$\([^)]*\)$|^\$[A-Za-z_][A-Za-z0-9_.:/-]*$|^\{\{.*\}\}$|^<[^<>]*>$|^%\{?[A-Za-z_][A-Za-z0-9_]*\}?%?$`, s)

# Values meant to be replaced: `changeme-...`, `replace_me`, `your-api-key`.
not_literal(s) if regex.match(`^(?i)(change[_-]?me|replace[_-]?me|your[_-])`, s)

not_literal(s) if regex.match(`^[*xX.#-]+$`, s)

not_literal(s) if regex.match(`^(/|\./|\.\./|~/|file:)`, s)

not_literal(s) if regex.match(`^[0-9]+$`, s)

# YAML tags (`!vault |`, `!ENV ${X}`) and block scalar indicators of an embedded file.
not_literal(s) if regex.match(`^[!|>&*]`, s)

# A URL is a credential only when it carries a password (reported by the URL pattern below).
not_literal(s) if regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://`, s)

# A Kubernetes object name (`app-tls`, `db.credentials`): where the secret is, not the secret.
not_literal(s) if regex.match(`^[a-z0-9]+([-.][a-z0-9]+)+$`, s)

literal(v) if {
	is_string(v)
	s := trim_space(v)
	not contains(s, "\n")
	not not_literal(s)
}

# Values that have the shape of a credential whatever their key. A pattern is tried only when
# one of its hints occurs in the value (regexes are costly; most values match none).
credential_patterns := [
	{"what": "a PEM private key", "hints": ["PRIVATE KEY"], "re": `-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`},
	{"what": "an AWS access key id", "hints": ["AKIA", "ASIA"], "re": `(^|[^A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}([^A-Z0-9]|$)`},
	{"what": "a GitHub token", "hints": ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], "re": `(^|[^A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})`},
	{"what": "a GitLab token", "hints": ["glpat-"], "re": `(^|[^A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}`},
	{"what": "a Slack token", "hints": ["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"], "re": `(^|[^A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}`},
	{"what": "a Google API key", "hints": ["AIza"], "re": `(^|[^A-Za-z0-9_])AIza[0-9A-Za-z_-]{35}`},
	{"what": "a Stripe live key", "hints": ["k_live_"], "re": `(^|[^A-Za-z0-9_])[rs]k_live_[0-9A-Za-z]{20,}`},
	{"what": "a registry credential", "hints": ["\"auth\""], "re": `"auth"\s*:\s*"[A-Za-z0-9+/=]{8,}"`},
	{"what": "a JSON Web Token", "hints": ["eyJ"], "re": `(^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`},
]

hinted(p, v) if {
	some h in p.hints
	contains(v, h)
}

# `scheme://user:password@host`, unless the password is a placeholder.
url_password(v) if {
	contains(v, "://")
	contains(v, "@")
	some m in regex.find_all_string_submatch_n(`[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@`, v, -1)
	not url_placeholder(m[1])
}

url_placeholder(p) if regex.match(`^(\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|<[^<>]*>|\*+|%[0-9A-Fa-f]{2}.*\$.*)$`, p)

url_placeholder(p) if lower(p) in {"password", "pass", "secret", "changeme"}

# Settings inside an embedded file (properties, env, ini, YAML, JSON lines).
embedded_settings(v) := {m[1] |
	contains(v, "\n")
	some m in regex.find_all_string_submatch_n(`(?m)^[ \t]*(?:export[ \t]+)?["']?([A-Za-z0-9_.\-]+)["']?[ \t]*[:=][ \t]*["']?([^\s"'#,;]+)`, v, -1)
	secret_name(m[1])
	literal(m[2])
}

pattern_reasons(v) := {sprintf("looks like %s", [p.what]) | some p in credential_patterns; hinted(p, v); regex.match(p.re, v)}

url_reasons(v) := {"holds a URL with a password" | url_password(v)}

embedded_reasons(v) := {sprintf("sets %s to a literal value", [concat(", ", sort(names))]) |
	names := [n | some n in embedded_settings(v)]
	count(names) > 0
}

# Why a text holds a credential whatever its name: its shape, a URL with a password, or
# secret-named settings of an embedded file. Empty when it holds none.
value_reasons(v) := (pattern_reasons(v) | url_reasons(v)) | embedded_reasons(v)

# A name that says what the value is not: `DB_URL`, `TOKEN_TTL`, `repoName`, `project`.
non_secret_name(name) if {
	w := words(name)
	some suffix in array.concat(data.settings.kubernetes.secret_env_name_exceptions, data.settings.kubernetes.non_secret_key_words)
	regex.match(sprintf("(^|_)(%s)$", [suffix]), w)
}

boolean_text(s) if lower(trim_space(s)) in {"true", "false", "yes", "no", "on", "off"}
