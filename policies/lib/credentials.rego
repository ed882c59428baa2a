# The credential detector, as the rules about secrets read it (K8S-017, K8S-035, K8S-036,
# CFG-013, CFG-016). Its vocabulary (credential names, names about credentials, identifier
# names, references, placeholders, token shapes and entropy thresholds) is
# `data.settings.credentials` (policies/settings/credentials.json), the same file runeguard's
# masking reads (src/secrets.rs, `classify`), so that what a rule reports is what every output
# masks. Extend it with --data. Nothing here ever returns a value, only shapes and reasons.
package runeguard.lib.credentials

import rego.v1

settings := data.settings.credentials

# `dbPassword`, `db-password`, `db.password` and `DB_PASSWORD` all read DB_PASSWORD.
words(name) := trim(upper(regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `[^A-Za-z0-9]+`, "_")), "_")

# A credential word last, or followed only by words that qualify it (`SECRET_KEY_BASE`,
# `API_KEY_V2`, `ADMIN_PASSWORD_PLAIN`): `CREDENTIALS_VALIDITY_IN_MS` and `PASSWORD_PATTERN`
# are not credentials. A part that ends with a joined word is one too (`DBPASSWORD`, a name
# written as one word), and digits written onto a credential word number it (`DB_PASSWORD4`,
# `redis_password1`: the fourth database's password, not a setting about one).
secret_name_re := sprintf("(^|_)(%s%s)[0-9]*(_(%s))*$", [_joined_secret_words_alt, concat("|", settings.secret_words), concat("|", settings.secret_suffix_words)])

_joined_secret_words_alt := sprintf("[A-Z0-9]*(%s)|", [concat("|", settings.joined_secret_words)]) if {
	count(object.get(settings, "joined_secret_words", [])) > 0
} else := ""

not_secret_name_re := sprintf("(^|_)(%s)$|^(%s)_", [concat("|", settings.not_secret_last_words), concat("|", settings.not_secret_first_words)])

identifier_name_re := sprintf("(^|_)(%s)(_|$)", [concat("|", settings.identifier_words)])

# A name that says its value is a credential (`DB_PASSWORD`, `clientSecret`, `SECRET_KEY_BASE`)
# and not something about one (`PASSWORD_FILE`, `TOKEN_TTL`, `existingSecret`).
secret_name(name) if {
	is_string(name)
	_name_hinted(upper(name))
	w := words(name)
	not w in {"", "PWD", "OLDPWD"}
	regex.match(secret_name_re, w)
	not _not_secret_words(w)
}

# Word lists of plain words (letters, digits, `_`; none empty, the list not empty) are looked
# up in sets: exactly what their expressions match, without compiling those (≈ 0.5 ms each,
# in every run). Lists with other characters (a `--data` vocabulary) use the expressions.
_plain_words(list) if {
	count(list) > 0
	text := concat(",", list)
	count(split(text, ",")) == count(list)
	regex.match(`^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$`, text)
}

_plain_not_secret if {
	_plain_words(settings.not_secret_last_words)
	_plain_words(settings.not_secret_first_words)
}

_not_secret_last := {x | some x in settings.not_secret_last_words}

_not_secret_first := {x | some x in settings.not_secret_first_words}

# `(^|_)(LAST…)$|^(FIRST…)_`: the words from some part on are a last word, or the words up to
# some part (not the last) are a first word.
_not_secret_words(w) if {
	_plain_not_secret
	parts := split(w, "_")
	some i in numbers.range(0, count(parts) - 1)
	concat("_", array.slice(parts, i, count(parts))) in _not_secret_last
}

_not_secret_words(w) if {
	_plain_not_secret
	parts := split(w, "_")
	count(parts) > 1
	some i in numbers.range(1, count(parts) - 1)
	concat("_", array.slice(parts, 0, i)) in _not_secret_first
}

_not_secret_words(w) if {
	not _plain_not_secret
	regex.match(not_secret_name_re, w)
}

# A cheap first test: the name contains the first word of some credential word (`API` of
# `API_?KEY`), computed once from the settings.
name_stems := {upper(m[0]) |
	some pattern in array.concat(settings.secret_words, object.get(settings, "joined_secret_words", []))
	m := regex.find_n(`[A-Za-z0-9]+`, pattern, 1)
}

# One regex for all stems: each stem is letters and digits, so the alternation is exactly
# "contains some stem" (a loop over the stems costs the VM ≈ 30 steps a name: 10 ms on an
# embedded file of 1,000 settings).
name_stems_re := concat("|", sort(name_stems))

_name_hinted(n) if {
	count(name_stems) > 0
	regex.match(name_stems_re, n)
}

# A name that says its value is an identifier, a digest or a checksum.
identifier_name(name) if {
	is_string(name)
	_identifier_words(words(name))
	not secret_name(name)
}

_identifier_set := {x | some x in settings.identifier_words}

# `(^|_)(ID…)(_|$)` with plain words: the words of some parts `i` to `j` are one of them.
_plain_identifier_words if _plain_words(settings.identifier_words)

_identifier_words(w) if {
	_plain_identifier_words
	parts := split(w, "_")
	some i in numbers.range(0, count(parts) - 1)
	some j in numbers.range(i + 1, count(parts))
	concat("_", array.slice(parts, i, j)) in _identifier_set
}

_identifier_words(w) if {
	not _plain_identifier_words
	regex.match(identifier_name_re, w)
}

# Not a literal credential: empty, a reference (`${VAR}`, `$(VAR)`, `{{ .x }}`, `vault:…`, a
# path), a placeholder (`changeme`, `<token>`, `****`), a short number, a plain URL, or the
# name itself (`password: password`, `GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`).
not_literal(_, v) if trim_space(v) == ""

not_literal(_, v) if count(_unquoted(v)) < 4

not_literal(_, v) if regex.match(settings.reference_pattern, _unquoted(v))

not_literal(_, v) if regex.match(settings.placeholder_pattern, _unquoted(v))

not_literal(_, v) if regex.match(settings.embedded_reference_pattern, v)

not_literal(_, v) if {
	l := lower(_unquoted(v))
	some p in settings.reference_prefixes
	startswith(l, lower(p))
}

not_literal(_, v) if {
	l := lower(_unquoted(v))
	some p in object.get(settings, "reference_suffixes", [])
	endswith(l, lower(p))
}

not_literal(_, v) if {
	s := _unquoted(v)
	regex.match(`^[0-9]+$`, s)
	count(s) < 6
}

not_literal(_, v) if {
	contains(v, "://")
	not url_password(v)
}

# A placeholder written as one identifier (`YourPingdomApiToken`, `yourApiKey`): `your` as its
# first word, as in `your-token`.
not_literal(_, v) if startswith(words(_unquoted(v)), "YOUR_")

# The name written back as a placeholder, unless the value is one lower-case word:
# `POSTGRES_PASSWORD: password` is the weak password the service runs with.
not_literal(name, v) if {
	not _one_lowercase_word(v)
	_name_written_back(name, v)
}

# The name's own words, in any case (`clientSecret: client-secret`).
_name_written_back(name, v) if {
	wn := words(name)
	wn != ""
	words(_unquoted(v)) == wn
}

# The name's words written back in capitals among others (`GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`,
# `API_KEY: YOUR_API_KEY`): whole words, in a value with no lower-case letter. A value that
# only holds the name's letters (`password: password123`, `secret: ThisIsMySuperSecretKey`)
# or mixes cases (`secret: mySecret`) is a credential like any other.
_name_written_back(name, v) if {
	wn := words(name)
	wn != ""
	s := _unquoted(v)
	upper(s) == s
	contains(concat("", ["_", words(s), "_"]), concat("", ["_", wn, "_"]))
}

_name_written_back(name, v) if {
	wn := words(name)
	wv := words(_unquoted(v))
	count(wv) >= 4
	endswith(wn, wv)
}

# The name's last word (`COOKIE_SECRET: Secret`), or written back in capitals first
# (`JWT_SECRET: SECRET_VALUE`).
_name_written_back(name, v) if {
	parts := split(words(name), "_")
	last := parts[count(parts) - 1]
	wv := words(_unquoted(v))
	count(wv) >= 4
	wv == last
}

_name_written_back(name, v) if {
	parts := split(words(name), "_")
	last := parts[count(parts) - 1]
	s := _unquoted(v)
	upper(s) == s
	wv := words(s)
	count(wv) >= 4
	startswith(wv, concat("", [last, "_"]))
}

# An object name that says it names one (`shop-tls`, `db-credentials`) or shares a word with
# the name (`TLS_SECRET: shop-tls`): a reference to where the credential is. Other
# hyphenated lowercase values under a credential name (`correct-horse-battery-staple`) are
# credentials.
not_literal(name, v) if {
	s := _unquoted(v)
	regex.match(settings.object_name_pattern, s)
	vw := {w | some w in split(words(s), "_")}
	nw := {w | some w in split(words(name), "_"); count(w) >= 3}
	ref := {w | some w in settings.reference_name_words}
	count(vw & (nw | ref)) > 0
	not _spelled_as_password(vw, ref)
}

# An object name's words that read as a password's, not as a name for where one is kept
# (`REDIS_PASSWORD: redis-pw-7731`, `ADMIN_PASSWORD: admin-pass-99`; a `.env` file's value is
# the credential itself): a password word or a number of three digits or more, and no word
# that names a store (`redis-secret`, `db-credentials-2024` stay references).
_spelled_as_password(vw, ref) if {
	count(vw & ref) == 0
	some w in vw
	_password_word(w)
}

_password_word(w) if w in {"PW", "PWD", "PASS", "PASSWD", "PASSWORD", "PASSPHRASE"}

_password_word(w) if {
	count(w) >= 3
	regex.match(`^[0-9]+$`, w)
}

# An environment variable's name with a credential word in it (`server-password:
# MAVEN_PASSWORD`, an action's input naming the variable that holds the password): where the
# credential is, not the credential. Masking reads it the same (detect.rs `not_literal`):
# vault-helm's `secretKey: AWS_SECRET_ACCESS_KEY` is printed by `inspect` (session fid31).
not_literal(_, v) if {
	s := _unquoted(v)
	regex.match(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`, s)
	secret_name(s)
}

_one_lowercase_word(v) if regex.match(`^[a-z]+$`, _unquoted(v))

_unquoted(v) := trim(trim_space(v), "\"'")

# A multi-line text is literal (a key block), unless an application's tag resolves it
# (configuration reads ansible-vault's `!vault |` ciphertext as the text `!vault
# $ANSIBLE_VAULT;…`, as it reads `!Ref DBPassword`, a reference by its `!`); one line must not
# be a reference or placeholder.
literal(name, v) if {
	is_string(v)
	contains(trim_space(v), "\n")
	not startswith(v, "!")
}

literal(name, v) if {
	is_string(v)
	not contains(trim_space(v), "\n")
	not not_literal(name, v)
}


# Token shapes (what a value looks like whatever its name), each tried only when one of its
# hints occurs in the value. Password hashes (htpasswd, crypt, bcrypt) are masked in every
# output but are no token a rule reports by shape: a hash under a credential name is reported
# as that name's literal.
shape_patterns := [p | some p in settings.patterns; not p.shape in {"url-password", "connection-string", "password-hash"}]

# A value written as a placeholder in a token's shape (`sk_test_xxxxxxxxxxxxxxxx`,
# `ghp_...`) is an example of one, not one.
pattern_reasons(v) := {sprintf("looks like %s", [p.what]) |
	is_string(v)
	_some_hint(v)
	not regex.match(settings.placeholder_pattern, _unquoted(v))
	some p in shape_patterns
	_hinted(p, v)
	regex.match(p.re, v)
}

# Whether the value holds some pattern's hint: one loop over all the hints instead of a call
# and a loop for each pattern, since most values hold none. (One expression of all the hints
# would cost its compilation, ≈ 2 M instructions, in every run.)
_shape_hints := {h | some p in shape_patterns; some h in p.hints}

_some_hint(v) if {
	some h in _shape_hints
	contains(v, h)
}

_hinted(p, v) if {
	some h in p.hints
	contains(v, h)
}

# A password hash (htpasswd, crypt, bcrypt, argon2: the `password-hash` shape). Still a
# credential (crackable offline once committed), but no plaintext: messages say which.
password_hash(v) if {
	is_string(v)
	p := _password_pattern("password-hash")
	_hinted(p, v)
	regex.match(p.re, v)
}

_password_pattern(shape) := p if {
	some p in settings.patterns
	p.shape == shape
}

# `scheme://user:password@host`, unless the password is a placeholder or reference. The URL is
# read as it is used when its variables are unset: each reference with a literal default
# (`postgres://${DB_USER:-app}:${DB_PASSWORD:-postgres}@db/app`) stands for its default, as a
# whole value that is one such reference does (wild34: Twenty's `PG_DATABASE_URL`), while a
# reference without one (`${DB_PASSWORD}`, `${DB_PASSWORD:-}`) stays a reference.
url_password(v) if {
	is_string(v)
	contains(v, "://")
	contains(v, "@")
	some m in regex.find_all_string_submatch_n(_password_pattern("url-password").re, with_reference_defaults(v), -1)
	not password_placeholder(m[1])
}

with_reference_defaults(v) := regex.replace(v, `\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^${}]*)\}`, "${1}") if {
	contains(v, "${")
} else := v

# The characters of the password in `v`, as a finding's `part` (`{}` when there is none): of
# its first URL with one, else of its first connection-string password. A chart building the
# text from values (`postgres://{{ .Values.user }}:{{ .Values.password }}@…`) then reports
# the password's values line, where the fix is.
password_part(v) := part if {
	urls := [m |
		some m in regex.find_all_string_submatch_n(_password_pattern("url-password").re, v, -1)
		not password_placeholder(m[1])
	]
	conns := [m |
		some m in regex.find_all_string_submatch_n(_password_pattern("connection-string").re, v, -1)
		not password_placeholder(match_value(m))
	]
	part := _password_part(v, urls, conns)
}

_password_part(_, urls, conns) := {} if {
	count(urls) == 0
	count(conns) == 0
}

# In a URL match, the password follows the user's `:` and precedes `@`.
_password_part(v, urls, _) := {"part": [start, start + count(m[1])]} if {
	m := urls[0]
	start := (indexof(v, m[0]) + indexof(m[0], concat("", [":", m[1], "@"]))) + 1
}

# In a connection-string match, the password ends the match.
_password_part(v, urls, conns) := {"part": [start, start + count(match_value(m))]} if {
	count(urls) == 0
	m := conns[0]
	start := (indexof(v, m[0]) + count(m[0])) - count(match_value(m))
}

# A password pattern's match's value: the group that took part (the connection-string
# pattern spells a double-quoted, a single-quoted and a bare value as three groups; the
# others do not take part and are empty).
match_value(m) := concat("", array.slice(m, 1, count(m)))

# `…;Password=…;` in a connection string.
conn_password(v) if {
	is_string(v)
	contains(v, "=")
	some m in regex.find_all_string_submatch_n(_password_pattern("connection-string").re, v, -1)
	not password_placeholder(match_value(m))
}

password_placeholder(p) if regex.match(settings.reference_pattern, trim_space(p))

password_placeholder(p) if regex.match(settings.placeholder_pattern, trim_space(p))

password_placeholder(p) if regex.match(settings.embedded_reference_pattern, p)

password_placeholder(p) if {
	startswith(p, "%")
	contains(p, "$")
}

url_reasons(v) := {"holds a URL with a password" | url_password(v)}

conn_reasons(v) := {"holds a connection string with a password" | conn_password(v)}

# Why a text holds a credential whatever its name: its shape, a URL or a connection string
# with a password. Empty when it holds none.
shape_reasons(v) := (pattern_reasons(v) | url_reasons(v)) | conn_reasons(v)

# Shannon entropy in bits per character: log2(n) - sum(k * log2(k)) / n over the counts k of
# each character, with log2 of integers from `log2_table` (Rego has no logarithm).
entropy(s) := e if {
	chars := split(s, "")
	n := count(chars)
	n > 0
	n < count(settings.log2_table)
	counts := {c: k | some c in chars; k := count([x | some x in chars; x == c])}
	t := sum([p | some k in counts; p := k * settings.log2_table[k]])
	e := settings.log2_table[n] - (t / n)
}

# A random-looking string: base64 above `base64_bits` per character, hex above `hex_bits`.
high_entropy(v) if {
	is_string(v)
	e := settings.entropy
	count(v) >= e.min_length
	count(v) <= e.max_length
	regex.match(`^[0-9a-fA-F]+$`, v)
	count(v) >= e.hex_min_length
	regex.match(`[0-9]`, v)
	regex.match(`[a-fA-F]`, v)
	entropy(v) > e.hex_bits
}

high_entropy(v) if {
	is_string(v)
	e := settings.entropy
	count(v) >= e.min_length
	count(v) <= e.max_length
	regex.match(`^[A-Za-z0-9+/=_-]+$`, v)
	not regex.match(`^[0-9a-fA-F]+$`, v)
	regex.match(`[0-9]`, v)
	entropy(v) > e.base64_bits
}

# Why a value under a name is a credential: its shape, a literal under a credential name, or a
# high-entropy string under a name that is not an identifier's. Empty when it is none.
#
# A reference with a default (`${DB_PASSWORD:-secret}` in Compose and shells,
# `${db.password:secret}` in Spring) is read as its default: the default is written in the
# file and is the value whenever the variable is unset.
# An HTTP header's credential (a probe's `httpHeaders`, a webhook's `headers`): for
# `Authorization` and `Proxy-Authorization`, the credentials after a scheme of
# data.settings.credentials.authorization_schemes (`Basic dXNlcjpwYXNz`, `Bearer …`) read as a
# token; any other header by its own name (`X-API-Key`). A reference after the scheme
# (`Bearer $(API_KEY)`) is none.
header_reasons(name, v) := reasons("AUTHORIZATION_TOKEN", substring(t, count(scheme) + 1, -1)) if {
	words(name) in {h | some h in settings.authorization_headers}
	t := trim_space(v)
	scheme := split(t, " ")[0]
	lower(scheme) in {s | some s in settings.authorization_schemes}
} else := set() if {
	words(name) in {h | some h in settings.authorization_headers}
} else := reasons(name, v)

reasons(name, v) := _reasons(name, d, shape_reasons(d)) if {
	d := reference_default(v)
} else := _reasons(name, v, shape_reasons(v))

# The default of a value that is one reference with a default: `${VAR:-default}`,
# `${VAR-default}`, `${a.b:default}`, and the assigning forms `${VAR:=default}` and
# `${VAR=default}` that Flux's postBuild substitution (envsubst) and shells read as the
# default when the variable is unset (kflux36; `:=` was read as a default starting with `=`). Not `${VAR:?message}` (required) or `${VAR:+alt}` (set
# only when VAR is), and not a default that is itself a reference (`${A:-${B}}`).
reference_default(v) := d if {
	is_string(v)
	t := trim_space(v)
	# Most values are no reference: the expression runs only on those that start like one.
	startswith(t, "${")
	m := regex.find_all_string_submatch_n(`^\$\{[A-Za-z_][A-Za-z0-9_.-]*(?::-|:=|-|=|:)([^?+}=][^}]*)\}$`, t, 1)
	d := m[0][1]
	not contains(d, "$")
}

# One chain, so that each test runs once: a function's value is not remembered between
# calls, and the four bodies this replaced evaluated `_named_literal` up to three times and
# `_entropic` twice for every value of every document.
_reasons(name, v, shapes) := shapes if {
	count(shapes) > 0
} else := {"is named like a credential and holds a literal value"} if {
	_named_literal(name, v)
} else := {"looks like a high-entropy secret"} if {
	_entropic(name, v)
} else := set()

_named_literal(name, v) if {
	secret_name(name)
	literal(name, v)
}

# The value's entropy first: most values are too short or not token-like, and that is cheaper
# to see than whether the name is an identifier's (its words against the vocabulary).
_entropic(name, v) if {
	s := _unquoted(v)
	high_entropy(s)
	not identifier_name(name)
	not not_literal(name, s)
}

# True when a value under a name holds a credential.
credential(name, v) if count(reasons(name, v)) > 0
