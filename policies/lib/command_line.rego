# A program's command line read for credential options: the words of a command (a string or a
# list of strings, each word with the path of the string it is in) and the credentials among
# them. Used by CFG-016 (a Compose service's command) and K8S-017 (a container's command and
# args). Short options are read only for the programs that data.settings.credentials.
# program_password_options names: what a short one (`-a`, `-p`) means depends on the program.
package runeguard.lib.command_line

import rego.v1

# The words of a command line, each with the path of the string it is in. A word is read as a
# shell reads it: a quote that opens inside a word or starts one (`-p'two words'`,
# `-a "x y z"`, `PGPASSWORD='a b'`) runs to its closing quote, spaces included, as the masking
# of outputs reads it (src/source/secrets/scan.rs `quoted_end`). A quoted word that is no
# option's value (`sh -c "mysql -p'a b'"`, `watch "redis-cli -a pw"`) is a script: its own
# words are read in its place.
tokens(path, line) := _words(path, line) if is_string(line)

tokens(path, line) := [t |
	some i, item in line
	is_string(item)
	some t in _words(array.concat(path, [i]), item)
] if is_array(line)

_words(path, s) := [{"text": trim(t, `"'`), "path": path} |
	some t in regex.split(`\s+`, s)
	t != ""
] if not _quoted(s)

_words(path, s) := [{"text": trim(w, `"'`), "path": path} |
	ws := regex.find_n(_shell_word, s, -1)
	some i, t in ws
	some w in _script_words(ws, i, t)
] if _quoted(s)

_quoted(s) if contains(s, "'")

_quoted(s) if contains(s, `"`)

# A word, its quoted parts whole: a quote opens when text follows it and closes at the next
# same quote; a quote that does not open is one character of the word.
_shell_word := `(?:[^\s"']|"[^"\s][^"\n]*"|'[^'\s][^'\n]*'|["'])+`

# A quoted word holding spaces that is no option's value: its words (one level), else itself.
_script_words(ws, i, t) := regex.find_n(_shell_word, substring(t, 1, count(t) - 2), -1) if {
	substring(t, 0, 1) in _quotes
	_spaced(t)
	not _option_value(ws, i)
} else := [t]

_spaced(t) if contains(t, " ")

_spaced(t) if contains(t, "\n")

_spaced(t) if contains(t, "\t")

# The word before is an option that takes it, not a shell's `-c` (`sh -c`, `bash -lc`).
_option_value(ws, i) if {
	i > 0
	before := ws[i - 1]
	startswith(before, "-")
	not _shell_script_flag(before)
}

_shell_script_flag(w) if {
	endswith(w, "c")
	not startswith(w, "--")
	count(w) <= 4
}

# `--name=value`, `-Dname=value`, and `--name value` (the next word, when it is no option).
# Read with string functions: the three expressions this took cost every chart's run their
# compilation (≈ 0.7 M instructions each) once K8S-017 read containers' command lines.
# A header (`--header "X-API-Key: …"`) is read by `headers`, not as an option's value.
options(ts) := {o | some t in ts; o := joined_option(t)} | {o |
	some i, t in ts
	startswith(t.text, "--")
	t.text != "--header"
	name := substring(t.text, 2, -1)
	_option_name(name)
	i + 1 < count(ts)
	next := ts[i + 1]
	not startswith(next.text, "-")
	o := {"flag": t.text, "name": name, "value": next.text, "path": next.path, "assigned": false}
}

# The credentials a command line may set: its long options (`options`) and the variables it
# assigns for the program it runs (`assignments`), from one tokenizing of the line.
settings(ts) := (options(ts) | assignments(ts)) | program_options(ts)

# `mysqladmin ping -uroot -pS3cret`, `redis-cli -a S3cret ping`: a short option that takes a
# password for the program before it (data.settings.credentials.program_password_options; a
# short option means what its program says). The option belongs to the program until a word
# that ends its command (`;`, `&&`, `||`, `|`). Its name is `password`, as the detector weighs
# it.
program_options(ts) := {o |
	some i, t in ts
	program := _program_name(t.text)
	some spec in _program_specs[program]
	some j, u in ts
	j > i
	not _command_ends_between(ts, i, j)
	o := _program_option(concat(" ", [program, spec.option]), spec, u, ts, j)
}

# The program a word runs: its last path segment (`/usr/bin/mysql`).
_program_name(word) := parts[count(parts) - 1] if parts := split(word, "/")

_program_specs[program] contains spec if {
	some spec in data.settings.credentials.program_password_options
	some program in spec.programs
}

_command_ends_between(ts, i, j) if {
	some k, w in ts
	k > i
	k < j
	_ends_command(w.text)
}

_ends_command(w) if w in {"&&", "||", "|", ";"}

_ends_command(w) if endswith(w, ";")

# `-pVALUE` (joined) or `-a VALUE` (the next word, when it is no option).
_program_option(flag, spec, u, _, _) := {"flag": flag, "name": "password", "value": value, "path": u.path, "assigned": false} if {
	spec.joined
	startswith(u.text, spec.option)
	value := trim(substring(u.text, count(spec.option), -1), `"'`)
	value != ""
}

_program_option(flag, spec, u, ts, j) := {"flag": flag, "name": "password", "value": next.text, "path": next.path, "assigned": false} if {
	not spec.joined
	u.text == spec.option
	j + 1 < count(ts)
	next := ts[j + 1]
	not startswith(next.text, "-")
}

# `PGPASSWORD=… pg_dump …`, `export API_TOKEN=…`, `docker run -e DB_PASSWORD=…`: a shell
# variable assigned on a command line (`sh -c "…"`) is an environment variable of the program
# it runs, with its value in the manifest and in every process listing. The name is a shell
# variable's (a letter or `_`, then letters, digits and `_`: `--from-literal=…` and
# `auth.password=…` are not assignments); the value ends where the credential scan's
# (`shell_assignments`) ends it (`;`, `,`, a quote or a closing bracket, or the closing quote
# of a quoted value), so a finding and the masking of outputs agree on it. A value the shell expands (`$(cat …)`, `$VAR`, `` `…` ``) is no literal.
assignments(ts) := {o |
	some t in ts
	i := indexof(t.text, "=")
	i > 0
	name := substring(t.text, 0, i)
	_variable_name(name)
	value := _assigned_value(substring(t.text, i + 1, -1))
	value != ""
	not startswith(value, "$")
	not startswith(value, "`")
	o := {"flag": name, "name": name, "value": value, "path": t.path, "assigned": true}
}

_variable_name(name) if {
	trim(name, _variable_characters) == ""
	trim(substring(name, 0, 1), concat("", [_letters, "_"])) == ""
}

_variable_characters := concat("", [_letters, "0123456789_"])

# A quoted value (`API_TOKEN='…'`) is what its quotes hold (up to the word's end when a space
# split it); a bare one ends at the first stop.
_assigned_value(v) := _head(substring(v, 1, -1), [substring(v, 0, 1)]) if substring(v, 0, 1) in _quotes

_assigned_value(v) := _head(v, [";", ",", "'", `"`, "]", ")", "}"]) if not substring(v, 0, 1) in _quotes

_quotes := {"'", `"`}

_head(v, stops) := substring(v, 0, min({count(v)} | {i |
	some c in stops
	i := indexof(v, c)
	i >= 0
}))

# How a finding says what the command line does with the credential, `what` being the rule's
# word for it (K8S-017: "a literal value", CFG-016: "a plaintext secret").
setting_phrase(o, what) := sprintf("sets %s to %s", [o.name, what]) if o.assigned

setting_phrase(o, what) := sprintf("passes %s to %s", [what, o.flag]) if not o.assigned

joined_option(t) := o if {
	some prefix in ["--", "-D"]
	startswith(t.text, prefix)
	i := indexof(t.text, "=")
	i > 2
	name := substring(t.text, 2, i - 2)
	_option_name(name)
	value := substring(t.text, i + 1, -1)
	value != ""
	o := {"flag": concat("", [prefix, name]), "name": name, "value": value, "path": t.path, "assigned": false}
}

# An option's name: a letter, then letters, digits, `_`, `.` and `-`.
_option_name(name) if {
	name != ""
	trim(name, _name_characters) == ""
	trim(substring(name, 0, 1), _letters) == ""
}

_letters := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_name_characters := concat("", [_letters, "0123456789_.-"])

# The name the credential detector weighs: `requirepass` says password without the word.
credential_key(name) := "password" if lower(name) in data.settings.credentials.credential_options

credential_key(name) := name if not lower(name) in data.settings.credentials.credential_options

# Where in the string holding it an option's value is, `{"part": [start, end]}` in characters
# (a finding is then about that part: a chart's line that printed it from a values entry
# among other text points at that entry), or {} when the value is the whole string or is not
# found as it was read (quoted).
value_part(s, o) := part if {
	is_string(s)
	s != o.value
	i := indexof(s, concat("", [o.flag, "=", o.value]))
	i >= 0
	start := (i + count(o.flag)) + 1
	part := {"part": [start, start + count(o.value)]}
} else := part if {
	is_string(s)
	s != o.value
	i := indexof(s, o.flag)
	i >= 0
	after := i + count(o.flag)
	j := indexof(substring(s, after, -1), o.value)
	j >= 0
	part := {"part": [after + j, (after + j) + count(o.value)]}
} else := {}

# The headers a command sends with curl's or wget's `-H`/`--header` (`-H "X-API-Key: …"`,
# `--header 'Authorization: Bearer …'`): each with its name, its value (a scheme of
# data.settings.credentials.authorization_schemes with the word after it) and the path of the
# string the value is in. The header is the word after the flag, `Name:` then the value's
# words, or `Name:value` in one word.
headers(ts) := {h |
	some i, t in ts
	t.text in {"-H", "--header"}
	i + 2 < count(ts)
	endswith(ts[i + 1].text, ":")
	name := trim_suffix(ts[i + 1].text, ":")
	_option_name(name)
	h := _header(t.text, name, ts, i + 2)
} | {h |
	some i, t in ts
	t.text in {"-H", "--header"}
	i + 1 < count(ts)
	word := ts[i + 1].text
	k := indexof(word, ":")
	k > 0
	k < count(word) - 1
	name := substring(word, 0, k)
	_option_name(name)
	h := _header_value(t.text, name, trim_space(substring(word, k + 1, -1)), ts, i + 1)
}

# Whether a command line (a string or a list of strings) may send a header: a cheap test
# that spares most containers the tokens `headers` reads.
may_send_header(line) if {
	is_string(line)
	_header_flag_in(line)
}

may_send_header(line) if {
	is_array(line)
	some item in line
	is_string(item)
	_header_flag_in(item)
}

_header_flag_in(s) if contains(s, "-H")

_header_flag_in(s) if contains(s, "--header")

_header(flag, name, ts, at) := _header_value(flag, name, ts[at].text, ts, at)

# A scheme takes the word after it as its credentials (`Bearer eyJ…`).
_header_value(flag, name, first, ts, at) := {"flag": flag, "name": name, "value": concat(" ", [first, ts[at + 1].text]), "path": ts[at + 1].path} if {
	lower(first) in {s | some s in data.settings.credentials.authorization_schemes}
	at + 1 < count(ts)
} else := {"flag": flag, "name": name, "value": first, "path": ts[at].path}
