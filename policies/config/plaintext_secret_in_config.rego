# METADATA
# title: Configuration must not hold plaintext secrets
# description: Flags configuration keys named like a password, secret, token, API key or private key whose value is a literal rather than a reference (${VAR}, vault:..., a secret reference, a *_FILE path, the name of the environment variable that holds it), a value an application's tag resolves (`!Ref`, `!secret`, `!vault`), an encrypted value (Jasypt's `ENC(...)`, Spring Cloud Config's `{cipher}...`, SOPS' `ENC[...]`) or a placeholder, boolean, access level (`write`) or audit filter mode (`redact`, `encrypt`); a reference with a literal default (`${DB_PASSWORD:secret}`, `${DB_PASSWORD:-secret}`) is read as its default. A Compose service's command line (`command`, `entrypoint`, `healthcheck.test`) is read too, for a long option named like a credential (`--db-password=...`, `-Dspring.datasource.password=...`, or one of data.settings.credentials.credential_options such as `--requirepass`) with a literal value, for a credential-named variable that a shell line assigns for the program it runs (`PGPASSWORD=... pg_dump`, `export API_TOKEN=...`), for a short option that takes a password for the program before it (data.settings.credentials.program_password_options such as mysql's `-pVALUE` and redis-cli's `-a VALUE`), and for a header that curl or wget sends there (`-H` or `--header` with `Authorization` and a scheme, or a header named like a credential). In nginx configuration a header that a header-setting directive adds (`proxy_set_header Authorization "Basic ..."`, `proxy_set_header X-Api-Key ...`) and a `fastcgi_param` or `set` variable named like a credential are read the same way, and the `*_pass` directives (an upstream's address) are not credentials. A password hash (bcrypt, crypt, argon2, htpasswd's) under such a key is reported too, as a hash rather than plaintext, since a committed hash can be cracked offline. An entry of a `tokens` mapping (Consul's ACL `tokens` block, whose `agent` and `initial_management` hold tokens) is read as the token its key names, and the `default` of an HCL `variable` block (a Nomad job's `variable "db_password" { default = ... }`) under the variable's name. In an example or template file, one whose name holds a word of data.settings.credentials.example_file_words (`.env.example`, `.env.sample`, `.env.dist`, `config.example.toml`, `application-example.yml`, `docker-compose.example.yml`), a credential made only of slot words (data.settings.credentials.example_secret_words with their qualifiers, as in `postgres://user:pass@localhost/db`, `password`, `secretpassword`, `root_password`) documents the file's shape and is not reported; a token shape, a high-entropy string or any other password there is (`admin`, `postgres`, `password123`), and the same slot words in a file that runs as it is (`.env`, `docker-compose.yml`) are too. The value is never printed.
# custom:
#   id: CFG-016
#   name: plaintext-secret-in-config
#   severity: high
#   input: config
#   secret: true
#   kinds: [standard, compose, generic]
#   controls:
#     nist-800-53: [IA-5, SC-28]
#     nist-csf-2.0: [PR.AA-01]
#     soc2: [CC6.1]
#   rationale: >-
#     A secret in a configuration file is in version control, in every clone, backup and CI
#     log, and readable by everyone who can read the repository; it cannot be rotated without
#     a commit (IA-5) and is stored unprotected (SC-28).
#   remediation: >-
#     Reference the secret instead of writing it: an environment variable (`${DB_PASSWORD}`),
#     a secret store (`vault:secret/data/db#password`), a Kubernetes `secretRef`, or a file
#     (`password_file: /run/secrets/db_password`).
#   related:
#     - https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
package runeguard.config.plaintext_secret_in_config

import data.runeguard.lib.command_line
import data.runeguard.lib.config
import data.runeguard.lib.credentials
import rego.v1

# Compose `environment` entries are CFG-013's.
compose_environment(path) if {
	input.services
	count(path) >= 3
	path[0] == "services"
	path[2] == "environment"
}

# `password: s3cret` anywhere in the document.
deny contains finding if {
	some e in config.entries
	config.plaintext_secret(e.key, e.value)
	not config.hash_part(e)
	not compose_environment(e.path)
	not reported_as_record(e.path)
	not nginx_pass(e)
	finding := {
		"msg": sprintf("%s holds %s%s", [config.dotted(e.path), config.secret_phrase(e.value), config.default_note(e.value)]),
		"path": e.path,
	}
}

# Consul's ACL tokens (`acl { tokens { agent = "..." initial_management = "..." } }`, and the
# same mapping in its JSON form): an entry of a `tokens` mapping is the token of what its key
# names, read under that name (`agent` as `agent_token`), which no credential word of its own
# says (session cfg36).
deny contains finding if {
	some e in config.entries
	is_string(e.value)
	n := count(e.path)
	n >= 2
	config.norm_key(e.path[n - 2]) == "tokens"
	not config.plaintext_secret(e.key, e.value)
	config.plaintext_secret(sprintf("%s_token", [e.key]), e.value)
	not compose_environment(e.path)
	finding := {
		"msg": sprintf("%s holds %s%s", [config.dotted(e.path), config.secret_phrase(e.value), config.default_note(e.value)]),
		"path": e.path,
	}
}

# An HCL variable's default (`variable "db_password" { default = "..." }` in a Nomad job, and
# the same mapping in its JSON form): the value the job runs with unless told otherwise, named
# by the variable's label, which no key of the block says (session cfg37).
deny contains finding if {
	some e in config.entries
	is_string(e.value)
	n := count(e.path)
	n >= 3
	config.norm_key(e.path[n - 3]) == "variable"
	config.norm_key(e.key) == "default"
	is_string(e.path[n - 2])
	config.plaintext_secret(e.path[n - 2], e.value)
	finding := {
		"msg": sprintf("%s holds %s (the default of variable %s)", [config.dotted(e.path), config.secret_phrase(e.value), e.path[n - 2]]),
		"path": e.path,
	}
}

# The `value` of a `{name, value}` or `{type, value}` record that a rule below reports with
# the record's name: a value whose shape is a secret's (a high-entropy key) is otherwise
# reported a second time at the same node (wild30: a Dapr state store's `redisPassword`).
reported_as_record(path) if {
	record := value_record(path)
	is_string(record.name)
	config.plaintext_secret(record.name, record.value)
}

reported_as_record(path) if {
	record := value_record(path)
	not is_string(record.name)
	is_string(record.type)
	config.plaintext_secret(record.type, record.value)
}

value_record(path) := record if {
	path[count(path) - 1] == "value"
	record := object.get(input, array.slice(path, 0, count(path) - 1), null)
	is_object(record)
}

# `{name: DB_PASSWORD, value: s3cret}` (environment lists in Helm values and alike).
deny contains finding if {
	walk(input, [path, obj])
	is_object(obj)
	is_string(obj.name)
	"value" in object.keys(obj)
	config.plaintext_secret(obj.name, obj.value)
	not compose_environment(path)
	finding := {
		"msg": sprintf("%s holds %s (%s)%s", [config.dotted(array.concat(path, ["value"])), config.secret_phrase(obj.value), obj.name, config.default_note(obj.value)]),
		"path": array.concat(path, ["value"]),
	}
}

# `{type: password, value: s3cret}` (a user's credentials in a Keycloak realm export): the
# record's type names what its value is.
deny contains finding if {
	walk(input, [path, obj])
	is_object(obj)
	is_string(obj.type)
	not is_string(obj.name)
	"value" in object.keys(obj)
	config.plaintext_secret(obj.type, obj.value)
	not compose_environment(path)
	finding := {
		"msg": sprintf("%s holds %s (a %s)%s", [config.dotted(array.concat(path, ["value"])), config.secret_phrase(obj.value), obj.type, config.default_note(obj.value)]),
		"path": array.concat(path, ["value"]),
	}
}

# `command: redis-server --requirepass s3cret`, `--db-password=s3cret`,
# `-Dspring.datasource.password=s3cret`, `sh -c "PGPASSWORD=s3cret pg_dump …"` (a variable the
# shell line assigns for the program it runs): a Compose service passing a credential on its command
# line, in `command`, `entrypoint` or `healthcheck.test` (a string or a list), where
# `docker inspect` and every process listing show it (wild16). A short option only for the
# program data.settings.credentials.program_password_options names (`mysqladmin -pS3cret`,
# `redis-cli -a S3cret`): what a short one means depends on the program. Options named for a credential without saying
# so (`--requirepass`) are data.settings.credentials.credential_options. The finding is on the
# string holding the value (the list item, when the line is a list), which outputs mask.
deny contains finding if {
	some s in config.services
	some line_path in command_lines(s)
	some option in command_line.settings(command_line.tokens(line_path, object.get(input, line_path, null)))
	config.plaintext_secret(command_line.credential_key(option.name), option.value)
	finding := {
		"msg": sprintf("%s %s on its command line%s", [config.service_label(s), command_line.setting_phrase(option, "a plaintext secret"), config.default_note(option.value)]),
		"path": option.path,
	}
}

# `healthcheck.test: [CMD, curl, -H, "Authorization: Bearer …", …]`: a header sent by curl or
# wget on a Compose service's command line (lib command_line's `headers`).
deny contains finding if {
	some s in config.services
	some line_path in command_lines(s)
	line := object.get(input, line_path, null)
	command_line.may_send_header(line)
	some h in command_line.headers(command_line.tokens(line_path, line))
	count(credentials.header_reasons(h.name, h.value)) > 0
	finding := {
		"msg": sprintf("%s sends a plaintext secret in the %s header on its command line (%s)", [config.service_label(s), h.name, h.flag]),
		"path": h.path,
	}
}

# nginx's `proxy_pass`, `fastcgi_pass`, … (wild48) name where a `location` or stream `server`
# passes requests (a URL, an upstream's name, a socket), no password: their name ends with the
# credential word PASS. They are valid only inside those blocks.
nginx_pass(e) if {
	e.key in {"proxy_pass", "fastcgi_pass", "uwsgi_pass", "grpc_pass", "scgi_pass", "memcached_pass"}
	some seg in e.path
	seg in {"location", "server", "if", "limit_except"}
}

# `proxy_set_header Authorization "Basic …"` (nginx, wild48): a header nginx adds to every
# request it passes on, read under the header-setting directive as curl's `-H` is.
deny contains finding if {
	some e in config.entries
	count(e.path) >= 2
	e.path[count(e.path) - 2] in {"proxy_set_header", "grpc_set_header", "add_header", "more_set_headers", "more_set_input_headers"}
	is_string(e.value)
	count(credentials.header_reasons(e.key, e.value)) > 0
	not config.plaintext_secret(e.key, e.value)
	finding := {
		"msg": sprintf("%s sends a plaintext secret in the %s header", [config.dotted(array.slice(e.path, 0, count(e.path) - 1)), e.key]),
		"path": e.path,
	}
}

command_lines(s) := [p |
	some field in [["command"], ["entrypoint"], ["healthcheck", "test"]]
	p := array.concat(s.path, field)
	object.get(input, p, null) != null
]
