# Helpers shared by the service-configuration rules (CFG-*): words in prose settings,
# durations written as prose, secret-looking keys and references, Compose services.
# Helpers that yield a node yield {"value": ..., "path": [...]}.
package runeguard.lib.config

import data.runeguard.lib.credentials
import rego.v1

settings := data.settings.config

# ---------------------------------------------------------------------------------------------
# Prose settings. The standard describes security in words ("HTTPS with mTLS", "SASL/SSL
# encryption", ["TLS encryption in transit", "AUTH authentication"]), as a string, a list or a
# mapping ({tls: true}). texts(x) gives one normalised text per leaf: lowercase, every run of
# other characters turned into one space, prefixed by the keys that lead to it. A key whose
# value is true counts as its own text; a false one counts for nothing.

texts(x) := [t |
	walk(x, [p, v])
	raw := _leaf_text(p, v)
	t := trim_space(regex.replace(lower(raw), `[^a-z0-9]+`, " "))
	t != ""
]

_leaf_text(p, v) := concat(" ", array.concat(_path_words(p), [v])) if is_string(v)

_leaf_text(p, v) := concat(" ", _path_words(p)) if {
	v == true
	count(_path_words(p)) > 0
}

_path_words(p) := [s | some s in p; is_string(s)]

# A text that says the opposite of what its words name: "TLS optional", "no mTLS",
# "plaintext", "mTLS permissive".
negated(t) if regex.match(`\b(no|not|without|optional|disable|disabled|off|plaintext|permissive|unencrypted|none|never)\b`, t)

# Some text of x, not negated, matches the regular expression (over normalised text).
mentions(x, pattern) if {
	some t in texts(x)
	regex.match(pattern, t)
	not negated(t)
}

tls_words := `\b(tls|mtls|ssl|https|mutual tls)\b`

mtls_words := `\b(mtls|mutual tls|mutual transport layer security)\b`

# ---------------------------------------------------------------------------------------------
# Durations. The standard writes them as prose: "30 days", "Every 15 days", "7 years for
# compliance", "1 hour"; configs also use Go ("720h", "2160h0m0s") and ISO 8601 ("P30D").
# duration_seconds(x) is undefined for anything else, and rules report such values as
# unreadable instead of guessing. A year is 365 days and a month a twelfth of it, so that
# "84 months", "2555 days" and "7 years" are the same retention.

day := 86400

year := 365 * day

month := year / 12

infinite := 1e18

_units := {
	"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
	"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
	"d": day, "day": day, "days": day,
	"w": 7 * day, "wk": 7 * day, "wks": 7 * day, "week": 7 * day, "weeks": 7 * day,
	"mo": month, "mos": month, "month": month, "months": month,
	"y": year, "yr": year, "yrs": year, "year": year, "years": year,
}

_compact_units := {"ns": 1e-9, "us": 1e-6, "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": day, "w": 7 * day, "y": year}

_number_words := {
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}

_adverbs := {
	"hourly": 3600, "daily": day, "nightly": day, "weekly": 7 * day, "fortnightly": 14 * day,
	"monthly": month, "quarterly": 3 * month, "yearly": year, "annually": year, "annual": year,
}

duration_seconds(x) := s if {
	is_string(x)
	s := _parse_duration(trim_space(lower(x)))
}

_parse_duration(t) := infinite if {
	regex.match(`^(indefinite|indefinitely|forever|permanent|permanently|unlimited|infinite|never|never expires?|no expiry|no expiration)$`, t)
} else := s if {
	s := _compact(t)
} else := s if {
	s := _iso8601(t)
} else := s if {
	s := _adverbs[trim_prefix(t, "every ")]
} else := s if {
	# "every day", "every month"
	startswith(t, "every ")
	s := _units[trim_prefix(t, "every ")]
} else := s if {
	s := _prose(t)
}

# "720h", "1h30m", "2160h0m0s", "30d"
_compact(t) := sum([(to_number(p[1]) * _compact_units[p[2]]) |
	some p in regex.find_all_string_submatch_n(`([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h|d|w|y)`, t, -1)
]) if regex.match(`^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h|d|w|y))+$`, t)

# "p30d", "p1y", "pt1h30m"
_iso8601(t) := s if {
	t != "p"
	t != "pt"
	not endswith(t, "t")
	m := regex.find_all_string_submatch_n(`^p(?:([0-9]+)y)?(?:([0-9]+)m)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:t(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+(?:\.[0-9]+)?)s)?)?$`, t, 1)[0]
	s := ((((((_n(m[1]) * year) + (_n(m[2]) * month)) + (_n(m[3]) * 7 * day)) + (_n(m[4]) * day)) + (_n(m[5]) * 3600)) + (_n(m[6]) * 60)) + _n(m[7])
}

_n(g) := 0 if g == ""

_n(g) := to_number(g) if g != ""

# "30 days", "every 15 days", "7 years for compliance", "a year", "once a day", "7-year".
# Exactly one amount: "1 hour for dynamic, 1 year for static" is not one duration.
_prose(t) := s if {
	m := regex.find_all_string_submatch_n(`^(?:(?:every|once|after|for|at least|a minimum of|minimum|min|retained for|kept for)\s+)*(?:([0-9]+(?:\.[0-9]+)?)\s*-?\s*|([a-z]+)(?:\s+|\s*-\s*))([a-z]+)\b(.*)$`, t, 1)[0]
	amount := _amount(m[1], m[2])
	unit := _units[m[3]]
	not regex.match(`[0-9]`, m[4])
	not _has_number_word(m[4])
	s := amount * unit
}

_amount(digits, word) := to_number(digits) if digits != ""

_amount(digits, word) := _number_words[word] if digits == ""

_has_number_word(rest) if {
	some w in regex.split(`[^a-z]+`, rest)
	w != "a"
	w != "an"
	_number_words[w]
}

# A duration under a key that may carry the unit: `retention_days: 30`, `lifetime_hours: "720"`.
duration_of(key, v) := s if {
	is_number(v)
	s := v * _key_unit(key)
} else := s if {
	is_string(v)
	regex.match(`^\s*[0-9]+(\.[0-9]+)?\s*$`, v)
	s := to_number(trim_space(v)) * _key_unit(key)
} else := s if {
	s := duration_seconds(v)
}

_key_unit(key) := _units[u] if {
	u := regex.find_all_string_submatch_n(`_(seconds|secs|minutes|mins|hours|hrs|days|weeks|months|years|yrs)$`, norm_key(key), 1)[0][1]
}

# "30 days", "1.5 years", "12 hours": a duration in the unit that reads best.
describe_seconds(s) := "forever" if s >= infinite

describe_seconds(s) := _describe(s / year, "year") if {
	s < infinite
	s >= year
}

describe_seconds(s) := _describe(s / day, "day") if {
	s < year
	s >= day
}

describe_seconds(s) := _describe(s / 3600, "hour") if {
	s < day
}

_describe(n, unit) := sprintf("%v %s", [r, unit]) if {
	r := round(n * 10) / 10
	r == 1
}

_describe(n, unit) := sprintf("%v %ss", [r, unit]) if {
	r := round(n * 10) / 10
	r != 1
}

# ---------------------------------------------------------------------------------------------
# Keys and values.

# snake_case, lowercase: "apiKey" and "API-Key" → "api_key", "DBPassword" → "db_password".
norm_key(k) := lower(regex.replace(regex.replace(regex.replace(k, `([A-Z]+)([A-Z][a-z])`, "${1}_${2}"), `([a-z0-9])([A-Z])`, "${1}_${2}"), `[-. ]+`, "_")) if is_string(k)

norm_key(k) := sprintf("%v", [k]) if not is_string(k)

# A key without a trailing unit: "certificate_lifetime_hours" → "certificate_lifetime".
base_key(k) := regex.replace(norm_key(k), `_(seconds|secs|minutes|mins|hours|hrs|days|weeks|months|years|yrs)$`, "")

# A key named like a secret (password, secret, token, api_key, private_key...), and not like
# something about one (password_file, secret_name, token_url, existing_secret...).
secret_key(k) if {
	is_string(k)
	_secret_hint(lower(k))
	n := norm_key(k)
	regex.match(settings.secret_key_pattern, n)
	not regex.match(settings.not_secret_key_pattern, n)
}

# A cheap test before the regular expressions (rules run over every key of large files).
_secret_hint(l) if {
	some w in ["pass", "secret", "token", "key", "credential", "pwd"]
	contains(l, w)
}

# A value that stands for a secret without being one: empty, an environment or template
# reference (${VAR}, $(VAR), $VAR, {{ .Values.x }}), a secret-store reference (vault:...,
# ref+..., /run/secrets/...), or an obvious placeholder (<your-token>, ****, changeme).
reference(v) if {
	is_string(v)
	trim_space(v) == ""
}

reference(v) if {
	is_string(v)
	regex.match(`\$\{[^}]*\}|\$\([^)]*\)|^\$\$?[A-Za-z_][A-Za-z0-9_]*$|\{\{.*\}\}|^%\{.*\}$|^\{[A-Za-z_][A-Za-z0-9_.]*\}$`, v)
}

reference(v) if {
	is_string(v)
	some prefix in settings.reference_prefixes
	startswith(lower(trim_space(v)), prefix)
}

reference(v) if {
	is_string(v)
	regex.match(settings.placeholder_pattern, lower(trim_space(v)))
}

# A literal value that would be a secret under a secret-looking key: a non-empty string that
# is no reference, or a number (`password: 123456`).
literal_secret(v) if {
	is_string(v)
	not reference(v)
}

literal_secret(v) if is_number(v)

# A secret-looking key with a literal secret, or a value shaped like a credential: the
# credential detector's reading (lib credentials), numbers under a secret name included
# (`password: 123456`).
plaintext_secret(k, v) if {
	is_string(k)
	is_string(v)
	credentials.credential(k, v)
}

plaintext_secret(k, v) if {
	is_number(v)
	credentials.secret_name(k)
}

# Parts of a stored password hash, which hold no plaintext secret: a value whose name says it
# is hashed (Keycloak's `hashedSaltedValue`, `hashed_password`), the `salt` of a record that
# holds a hash beside it (an application-wide `SECURITY_PASSWORD_SALT` is a secret; a
# credential's own salt, stored with its hash, is none), and the JSON text of such a record
# (Keycloak's `secretData`: `{"value": …, "salt": …}`).
hash_part(e) if "hashed" in split(norm_key(e.key), "_")

hash_part(e) if {
	norm_key(e.key) == "salt"
	record := object.get(input, array.slice(e.path, 0, count(e.path) - 1), null)
	some k, _ in record
	some w in split(norm_key(k), "_")
	w in {"hash", "hashed"}
}

hash_part(e) if {
	is_string(e.value)
	startswith(trim_space(e.value), "{")
	json.is_valid(e.value)
	record := json.unmarshal(e.value)
	is_object(record)
	"salt" in object.keys(record)
}

# What a credential value is called in a message: a password hash is one, but not in plain
# text (a person rotates it and moves it out of the repository all the same).
secret_phrase(v) := "a password hash (crackable offline)" if credentials.password_hash(v)

secret_phrase(v) := "a plaintext secret" if not credentials.password_hash(v)

# " (the default of its reference)" when the secret is the literal default of a reference
# (`${DB_PASSWORD:-secret}`), else "".
default_note(v) := " (the default of its reference)" if credentials.reference_default(v)

default_note(v) := "" if not credentials.reference_default(v)

_names_itself(k, v) if {
	is_string(v)
	words := split(norm_key(k), "_")
	lower(trim_space(v)) == words[count(words) - 1]
}

# Words in a key or a path: "certificate_lifetime" → "certificate lifetime".
key_words(k) := replace(norm_key(k), "_", " ")

# ---------------------------------------------------------------------------------------------
# Standard documents.

# Every mapping entry of the document, anywhere: {"key", "value", "path"}.
entries contains {"key": k, "value": v, "path": p} if {
	walk(input, [p, v])
	count(p) > 0
	k := p[count(p) - 1]
	is_string(k)
}

# ["a", "b", 0, "c"] → "a.b[0].c"
dotted(p) := concat("", [part |
	some i, seg in p
	part := _dotted_seg(i, seg)
])

_dotted_seg(i, seg) := sprintf("[%d]", [seg]) if is_number(seg)

_dotted_seg(0, seg) := seg if is_string(seg)

_dotted_seg(i, seg) := concat("", [".", seg]) if {
	is_string(seg)
	i > 0
}

# Cache layers: `caching_layers.<layer>` and `polyglot_persistence.key_value_stores.<store>`,
# when their technology (or, for a store, its name) is a networked cache (Redis and alike).
# {"name", "value", "path", "technology"}
cache_layers contains layer if {
	some layer in all_cache_layers
	is_cache_technology(layer.technology)
}

# Every cache layer, whatever its technology (a CDN, a browser cache, a database buffer).
all_cache_layers contains {"name": name, "value": layer, "path": ["caching_layers", name], "technology": tech} if {
	some name, layer in input.caching_layers
	is_object(layer)
	tech := object.get(layer, "technology", name)
}

all_cache_layers contains {"name": name, "value": store, "path": ["polyglot_persistence", "key_value_stores", name], "technology": tech} if {
	some name, store in input.polyglot_persistence.key_value_stores
	is_object(store)
	tech := object.get(store, "technology", name)
}

is_cache_technology(tech) if {
	is_string(tech)
	t := lower(tech)
	some c in settings.cache_technologies
	regex.match(concat("", [`\b`, c, `\b`]), t)
}

# The security setting of a cache layer (`security` or `security_features`) and its path.
cache_security(layer) := {"value": layer.value.security, "path": array.concat(layer.path, ["security"])} if {
	"security" in object.keys(layer.value)
} else := {"value": layer.value.security_features, "path": array.concat(layer.path, ["security_features"])} if {
	"security_features" in object.keys(layer.value)
}

# The security value of a cache layer ([] when it has none), and where it is or would be.
cache_security_value(layer) := cache_security(layer).value if cache_security(layer)

cache_security_value(layer) := [] if not cache_security(layer)

cache_security_path(layer) := cache_security(layer).path if cache_security(layer)

cache_security_path(layer) := array.concat(layer.path, ["security"]) if not cache_security(layer)

# A value as one line for messages (never used for secret values).
show(v) := sprintf("%q", [v]) if is_string(v)

show(v) := sprintf("%v", [v]) if not is_string(v)

# ---------------------------------------------------------------------------------------------
# Compose.

# Every service of a Compose file: {"name", "value", "path"}.
services contains {"name": name, "value": s, "path": ["services", name]} if {
	some name, s in object.get(input, "services", {})
	is_object(s)
}

# `service "db"`, or `service "db" of Compose project "shop"` when the project is named.
service_label(s) := sprintf("service %q of %s", [s.name, compose_label]) if _has_name

service_label(s) := sprintf("service %q", [s.name]) if not _has_name

compose_label := sprintf("Compose project %q", [input.name]) if {
	is_string(input.name)
	input.name != ""
}

compose_label := "Compose file" if not _has_name

_has_name if {
	is_string(input.name)
	input.name != ""
}

# Environment entries of a service, in both forms: a mapping (`KEY: value`) and a list
# (`- KEY=value`, or `- KEY` taken from the shell). {"name", "value", "has_value", "path"}.
environment(s) := {e |
	some k, v in object.get(s.value, "environment", {})
	is_string(k)
	e := {"name": k, "value": v, "has_value": v != null, "path": array.concat(s.path, ["environment", k])}
} if is_object(object.get(s.value, "environment", {}))

environment(s) := {e |
	some i, item in s.value.environment
	is_string(item)
	e := _env_item(item, array.concat(s.path, ["environment", i]))
} if is_array(s.value.environment)

_env_item(item, path) := {"name": parts[0], "value": parts[1], "has_value": true, "path": path} if {
	contains(item, "=")
	parts := split_once(item, "=")
}

_env_item(item, path) := {"name": item, "value": null, "has_value": false, "path": path} if not contains(item, "=")

split_once(s, sep) := [substring(s, 0, i), substring(s, i + count(sep), -1)] if {
	i := indexof(s, sep)
	i >= 0
}
