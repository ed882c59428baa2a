# METADATA
# title: ConfigMaps must not hold credentials
# description: >-
#   Flags ConfigMap keys that hold a credential: a key named like a secret with a literal
#   value, a value that has the shape of a credential (private key, cloud or API token, JWT,
#   URL with a password), or an embedded configuration file that sets a secret-named setting
#   to a literal. Values are never printed.
# custom:
#   id: K8S-036
#   name: secret-like-configmap-value
#   severity: medium
#   input: kubernetes
#   kinds: [ConfigMap]
#   controls:
#     nist-800-53: [IA-5, SC-28]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     ConfigMaps are meant for non-confidential data: they are readable by every role that
#     can view a namespace (the built-in `view` role included), printed by `kubectl describe`,
#     never encrypted at rest and committed to the repository. A credential there is exposed
#     to all of them (SC-28) and cannot be rotated as a Secret can (IA-5). Names are matched
#     with `data.settings.kubernetes.secret_env_names` (the same words as K8S-017), and only
#     when the name ends with the secret word, so `TOKEN_TTL` or `password_file` are not
#     reported; `${VAR}`, `$(VAR)`, `{{ ... }}`, `<placeholder>`, paths and URLs without
#     credentials are not literals.
#   remediation: >-
#     Move the value to a Secret (created from a secret manager, not committed) and reference
#     it with `secretKeyRef` or a mounted file; in embedded configuration files, read the
#     value from an environment variable or a file (`${DB_PASSWORD}`, `password_file`).
#   related:
#     - https://kubernetes.io/docs/concepts/configuration/configmap/
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
package runeguard.kubernetes.secret_like_configmap_value

import data.runeguard.lib.k8s
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

not_literal(s) if regex.match(`^\$\{[^}]*\}$|^\$\([^)]*\)$|^\$[A-Za-z_][A-Za-z0-9_]*$|^\{\{.*\}\}$|^<[^<>]*>$|^%\{?[A-Za-z_][A-Za-z0-9_]*\}?%?$`, s)

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

name_reasons(key, v) := {"is named like a credential and holds a literal value" | secret_name(key); literal(v)}

reasons(key, v) := ((pattern_reasons(v) | url_reasons(v)) | embedded_reasons(v)) | name_reasons(key, v)

deny contains finding if {
	v := input.data[key]
	is_string(v)
	why := reasons(key, v)
	count(why) > 0
	finding := {
		"msg": sprintf("%s key %q %s: credentials belong in a Secret", [k8s.object_label, key, concat("; ", sort([r | some r in why]))]),
		"path": ["data", key],
	}
}
