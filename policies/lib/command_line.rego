# A program's command line read for credential options: the words of a command (a string or a
# list of strings, each word with the path of the string it is in) and the long options among
# them. Used by CFG-016 (a Compose service's command) and K8S-017 (a container's command and
# args). Long options only: what a short one (`-a`, `-p`) means depends on the program.
package runeguard.lib.command_line

import rego.v1

# The words of a command line, each with the path of the string it is in.
tokens(path, line) := [{"text": trim(t, `"'`), "path": path} |
	some t in regex.split(`\s+`, line)
	t != ""
] if is_string(line)

tokens(path, line) := [{"text": trim(t, `"'`), "path": array.concat(path, [i])} |
	some i, item in line
	is_string(item)
	some t in regex.split(`\s+`, item)
	t != ""
] if is_array(line)

# `--name=value`, `-Dname=value`, and `--name value` (the next word, when it is no option).
options(ts) := {o | some t in ts; o := joined_option(t)} | {o |
	some i, t in ts
	m := regex.find_all_string_submatch_n(`^--([A-Za-z][A-Za-z0-9_.-]*)$`, t.text, 1)
	count(m) == 1
	i + 1 < count(ts)
	next := ts[i + 1]
	not startswith(next.text, "-")
	o := {"flag": m[0][0], "name": m[0][1], "value": next.text, "path": next.path}
}

joined_option(t) := {"flag": concat("", ["--", m[0][1]]), "name": m[0][1], "value": m[0][2], "path": t.path} if {
	m := regex.find_all_string_submatch_n(`^--([A-Za-z][A-Za-z0-9_.-]*)=(.+)$`, t.text, 1)
	count(m) == 1
}

joined_option(t) := {"flag": concat("", ["-D", m[0][1]]), "name": m[0][1], "value": m[0][2], "path": t.path} if {
	m := regex.find_all_string_submatch_n(`^-D([A-Za-z][A-Za-z0-9_.-]*)=(.+)$`, t.text, 1)
	count(m) == 1
}

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
