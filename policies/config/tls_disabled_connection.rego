# METADATA
# title: Connections must not turn TLS off
# description: Flags connection settings that disable TLS or its certificate verification - sslmode=disable (also libpq's PGSSLMODE variable and PgBouncer's server_tls_sslmode), ssl false, tls false, ssl or tls enabled false, insecure true, verify false, insecure_skip_verify true, Consul's verify_outgoing or verify_server_hostname false, Kafka's security.protocol PLAINTEXT or SASL_PLAINTEXT, Vault's tls_disable true or 1 - as keys (also flat dotted keys such as Elasticsearch's `xpack.security.http.ssl.enabled` set to false), inside connection strings (also .NET's `SslMode=None`, `SSL Mode=Disable`, `Encrypt=False`, `TrustServerCertificate=True`), as JVM system properties in a string (`-Dcom.sun.management.jmxremote.ssl=false`), as name/value records whose name is such a setting (a Dapr component's `enableTLS` record set to false), or under a backing service's name (`REDIS_USE_SSL=false`, `DB_SSL_MODE=disable`, `LOGS_REDIS_TLS=false`); also Node's `rejectUnauthorized` false (`NODE_TLS_REJECT_UNAUTHORIZED=0`) and the Elastic stack's `ssl.verification_mode` none; a switch written yes/no or on/off (`REDIS_TLS_ENABLED=no`, as Bitnami's images read them); Kafka's `ssl.endpoint.identification.algorithm` set empty or none (librdkafka's off switch), which leaves a broker's host name unchecked (also `KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM=` and Spring's `spring.kafka.properties.ssl.endpoint.identification.algorithm`); a Kafka broker's `listeners` serving a PLAINTEXT or SASL_PLAINTEXT listener on an interface other than loopback (the protocol read through `listener.security.protocol.map`; also `KAFKA_LISTENERS` and Bitnami's `KAFKA_CFG_LISTENERS`), `advertised.listeners` of such a listener with no `listeners` beside it, `security.inter.broker.protocol` PLAINTEXT or SASL_PLAINTEXT, and `inter.broker.listener.name` naming such a listener (unless it is bound to loopback); in nginx configuration, `proxy_ssl_verify off` (also `grpc_ssl_verify`, `uwsgi_ssl_verify`) written explicitly in a block that passes requests to a TLS upstream (`proxy_pass https://...`, `grpc_pass grpcs://...`, the stream module's `proxy_ssl on`) that no inner block turns back on, the files its `include` lines name read into that block, while nginx's defaults spelled out (`ssl off`, `proxy_ssl off`, a verification switch where no TLS upstream is passed to) stay quiet; in PostgreSQL's server files, `ssl = off` in a postgresql.conf whose `listen_addresses` reach beyond the local host (a local-only server's `ssl = off` is the default spelled out and stays quiet), and a pg_hba.conf `hostnossl` record admitting clients (any method but reject) from beyond the local host.
# custom:
#   id: CFG-017
#   name: tls-disabled-connection
#   severity: high
#   input: config
#   kinds: [standard, compose, generic]
#   controls:
#     nist-800-53: [SC-8, SC-23]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A connection without TLS exposes credentials and data to anyone on the path (SC-8); one
#     that skips certificate verification accepts any server, so a man in the middle reads and
#     alters everything while the connection looks encrypted (SC-23 session authenticity).
#   remediation: >-
#     Enable TLS and verify the server: `sslmode: verify-full` (PostgreSQL), `tls: true`,
#     `insecure_skip_verify: false` with the right `ca_file`, or an mTLS-enforcing mesh for
#     in-cluster hops.
#   related:
#     - https://www.postgresql.org/docs/current/libpq-ssl.html
package runeguard.config.tls_disabled_connection

import data.runeguard.lib.config
import rego.v1

# Keys that turn TLS (or its verification) off when false.
off_when_false := {
	"ssl", "tls", "use_ssl", "use_tls", "ssl_enabled", "tls_enabled", "enable_ssl", "enable_tls",
	"verify", "ssl_verify", "tls_verify", "verify_ssl", "verify_tls", "verify_certificate",
	"verify_certificates", "verify_peer", "ssl_verify_peer", "verify_hostname",
	# Consul agents: outgoing connections without TLS, server certificates' names unchecked
	"verify_outgoing", "verify_server_hostname",
	# Node's TLS option `rejectUnauthorized: false` (node-postgres' `ssl.rejectUnauthorized`,
	# `DATABASE_SSL_REJECT_UNAUTHORIZED=false`) and Node's own `NODE_TLS_REJECT_UNAUTHORIZED=0`,
	# which turns verification off for every TLS connection of the process (wild35)
	"reject_unauthorized", "ssl_reject_unauthorized", "tls_reject_unauthorized",
	"node_tls_reject_unauthorized",
}

# Keys that turn TLS verification (or TLS) off when true.
off_when_true := {
	"insecure", "insecure_skip_verify", "skip_verify", "tls_skip_verify", "skip_tls_verify",
	"ssl_skip_verify", "insecure_skip_tls_verify", "tls_insecure", "insecure_tls", "insecure_ssl",
	"ssl_insecure", "allow_insecure", "plaintext", "use_plaintext",
	# Vault listeners (`listener.tcp.tls_disable: 1`) and alike: TLS itself off
	"tls_disable", "tls_disabled", "disable_tls", "ssl_disable", "ssl_disabled", "disable_ssl",
}

# `PGSSLMODE` is libpq's environment variable for `sslmode`, read by psql, pg_dump and every
# libpq-based client (a Compose environment's `PGSSLMODE: disable` or `- PGSSLMODE=disable`).
# PgBouncer's `server_tls_sslmode` is the pooler's own `sslmode` towards PostgreSQL
# (`pgbouncer.ini`, or `SERVER_TLS_SSLMODE` / `PGBOUNCER_SERVER_TLS_SSLMODE` in the images'
# environments; wild55); its `client_tls_sslmode` is its listener's, whose `disable` is the
# default spelled out and stays quiet.
ssl_mode_keys := {"sslmode", "ssl_mode", "pgsslmode", "server_tls_sslmode", "pgbouncer_server_tls_sslmode"}

# The setting a name for one backing service stands for: `LOGS_REDIS_TLS`, `REDIS_USE_SSL`,
# `DB_SSL_MODE`, `DATABASE_SSLMODE`, `POSTGRES_SSL` are `tls`, `use_ssl`, `ssl_mode`, `sslmode`
# and `ssl` for the service their words before it name (wild35: .env files and Compose
# environments of self-hosted apps). Only the words after a service's name, and only a setting
# about TLS itself, so `SSL_CERT_PATH`, `REDIS_TLS_CERT_FILE` or `EMAIL_VERIFY` stay other
# things; a name whose leading words negate or qualify the switch (`DISABLE_REDIS_TLS`,
# `NO_DB_SSL`) is not read, since the setting's sense flips. The longest such setting counts
# (`REDIS_USE_SSL` is `use_ssl`, not `ssl`). Mail's `MAIL_USE_SSL: false` is no
# service of this list: beside `MAIL_USE_TLS: true` it picks STARTTLS, not plain text.
tls_setting(k) := k if not contains(k, "_")

tls_setting(k) := k if {
	contains(k, "_")
	known_setting(k)
}

tls_setting(k) := concat("_", array.slice(words, min(starts), count(words))) if {
	contains(k, "_")
	not known_setting(k)
	words := split(k, "_")
	count(words) <= 8
	starts := {j |
		some j in numbers.range(1, count(words) - 1)
		after_service(words, j)
	}
	count(starts) > 0
}

# The words from `j` on are a TLS setting, and the words before them name a backing service
# (`POSTGRES_E_SSL_MODE`, `BULLMQ_REDIS_TLS`) without negating it.
after_service(words, j) if {
	s := concat("_", array.slice(words, j, count(words)))
	known_setting(s)
	about_tls(s)
	before := array.slice(words, 0, j)
	names_a_client(before, s)
	not negated_prefix(before)
}

names_a_client(before, _) if {
	some w in before
	backing_services[w]
}

# A setting about verifying the server's certificate is a client's whatever it connects to
# (`FILEBEAT_SSL_VERIFICATION_MODE=none`, `STORAGE_INSECURE_SKIP_VERIFY=true`); `_TLS` or
# `_SSL_ENABLED` alone may be a server's own listener (`RFSOURCE_TLS_ENABLED=false` behind a
# proxy), read only after a backing service's name.
names_a_client(_, s) if verification_settings[s]

verification_settings := {
	"insecure_skip_verify", "skip_verify", "tls_skip_verify", "skip_tls_verify", "ssl_skip_verify",
	"insecure_skip_tls_verify", "tls_insecure", "insecure_tls", "insecure_ssl", "ssl_insecure",
	"ssl_verify", "tls_verify", "verify_ssl", "verify_tls", "ssl_verify_peer", "ssl_reject_unauthorized",
	"tls_reject_unauthorized", "ssl_verification_mode", "ssl_verificationmode",
	"tls_verification_mode", "tls_verificationmode",
}

known_setting(s) if off_when_false[s]

known_setting(s) if off_when_true[s]

known_setting(s) if ssl_mode_keys[s]

known_setting(s) if verification_mode_keys[s]

# The Elastic stack's certificate checking (wild35: ELK Compose files): Elasticsearch's
# `xpack.security.transport.ssl.verification_mode: none`, Kibana's
# `elasticsearch.ssl.verificationMode: none` and its environment form
# `ELASTICSEARCH_SSL_VERIFICATIONMODE=none` accept any certificate. A bare `verification_mode`
# counts inside an `ssl` or `tls` block only.
verification_mode_keys := {"ssl_verification_mode", "ssl_verificationmode", "tls_verification_mode", "tls_verificationmode"}

verification_off(e) if {
	k := tls_setting(config.norm_key(leaf(e.key)))
	verification_mode_keys[k]
}

verification_off(e) if {
	config.norm_key(leaf(e.key)) in {"verification_mode", "verificationmode"}
	tls_blocks[config.norm_key(block_of(e))]
}

deny contains finding if {
	some e in tls_entries
	is_string(e.value)
	lower(trim_space(e.value)) == "none"
	verification_off(e)
	finding := {
		"msg": sprintf("%s is \"none\", which accepts any certificate", [label(e)]),
		"path": e.path,
	}
}

about_tls(s) if contains(s, "ssl")

about_tls(s) if contains(s, "tls")

about_tls(s) if verification_settings[s]

negated_prefix(words) if {
	some w in words
	negating_words[w]
}

negating_words := {"disable", "disabled", "no", "not", "skip", "without", "insecure", "allow", "force", "require", "verify"}

backing_services := {
	"db", "database", "sql", "postgres", "postgresql", "pg", "psql", "mysql", "mariadb", "mssql",
	"redis", "valkey", "keydb", "cache", "memcached", "mongo", "mongodb", "kafka", "rabbitmq",
	"rabbit", "amqp", "mq", "broker", "nats", "elasticsearch", "elastic", "es", "opensearch",
	"clickhouse", "cassandra", "influx", "influxdb", "etcd", "ldap", "minio", "s3", "queue",
}

# Docker's client verifies the daemon whenever `DOCKER_TLS_VERIFY` is set at all, to 0 too.
presence_switch(e) if {
	config.norm_key(leaf(e.key)) == "docker_tls_verify"
	not e.value == false
}

# Blocks whose `insecure` switch is not about TLS: Traefik's static configuration serves the API
# and dashboard on its own entrypoint with `api.insecure`, and trusts every client's
# X-Forwarded-* or PROXY header with an entrypoint's `forwardedHeaders.insecure` and
# `proxyProtocol.insecure` (wild26: homelab and CrowdSec `traefik.yml` files).
insecure_not_tls_blocks := {"api", "forwarded_headers", "forwardedheaders", "proxy_protocol", "proxyprotocol"}

insecure_beside_tls(e, k) if {
	k == "insecure"
	insecure_not_tls_blocks[config.norm_key(block_of(e))]
}

# Blocks whose `enabled: false` turns TLS off: `ssl: {enabled: false}` is `ssl: false`
# (Spring's `server.ssl.enabled`, exporters' and clients' `tls.enabled`).
tls_blocks := {"ssl", "tls"}

# Entries whose key may be about TLS (a cheap test before the regular expressions).
tls_entries contains e if {
	some e in config.entries
	is_string(e.key)
	connection_hint(lower(e.key))
	not nginx_own(e)
	not postgresql_ssl(e)
}

# PostgreSQL's server configuration (`postgresql.conf`, read as directives; wild56). Its
# top-level `ssl = off` is the server's default spelled out and matters only where the server
# listens beyond the local host (`listen_addresses`, 'localhost' by default): the rule below
# reads it there, so the generic switch rule leaves it.
postgresql_conf if {
	some k in object.keys(input)
	postgresql_only_settings[k]
}

postgresql_only_settings := {
	"listen_addresses", "shared_buffers", "wal_level", "max_wal_senders", "hba_file",
	"ident_file", "password_encryption", "effective_cache_size", "maintenance_work_mem",
	"shared_preload_libraries", "max_wal_size", "min_wal_size", "hot_standby",
	"unix_socket_directories", "ssl_cert_file", "ssl_key_file", "archive_mode",
}

postgresql_ssl(e) if {
	e.path == ["ssl"]
	postgresql_conf
}

# An address of `listen_addresses` beyond the local host (`*`, `0.0.0.0`, a host name).
postgresql_remote_address(v) if {
	is_string(v)
	some a in split(v, ",")
	t := lower(trim_space(a))
	t != ""
	not t in {"localhost", "::1"}
	not startswith(t, "127.")
}

deny contains finding if {
	postgresql_conf
	is_false(input.ssl)
	postgresql_remote_address(input.listen_addresses)
	finding := {
		"msg": sprintf("ssl is off while the server listens on %q (listen_addresses): clients connect without TLS", [input.listen_addresses]),
		"path": ["ssl"],
	}
}

# `pg_hba.conf` (wild56): a `hostnossl` record accepts TCP connections only when they are not
# encrypted; one that lets them in (any method but `reject`) from beyond the local host serves
# them in plain text.
deny contains finding if {
	some line, r in input.pg_hba
	is_object(r)
	lower(r.type) == "hostnossl"
	lower(object.get(r, "method", "")) != "reject"
	postgresql_hba_remote(object.get(r, "address", ""))
	finding := {
		"msg": sprintf("pg_hba.conf record %s accepts connections without TLS (hostnossl) from %s for user %s, database %s", [line, r.address, r.user, r.database]),
		"path": ["pg_hba", line, "type"],
	}
}

postgresql_hba_remote(a) if {
	t := lower(trim_space(a))
	not t in {"localhost", "::1/128", "samehost"}
	not startswith(t, "127.")
}

# nginx configuration (wild48). Its TLS switches are defaults spelled out, not connections turned
# off: `proxy_ssl_verify off` is nginx's default and matters only where that block passes
# requests to a TLS upstream (`proxy_pass https://…`, `grpc_pass grpcs://…`, the stream
# module's `proxy_ssl on`), which the rule below reads; `ssl off` and `proxy_ssl off` are
# a server or stream proxy without TLS, nginx's default too, and `ssl_verify_client off` is a
# server not asking for client certificates.
nginx_document if {
	walk(input, [p, _])
	count(p) > 0
	nginx_passes[p[count(p) - 1]]
}

nginx_passes := {"proxy_pass", "grpc_pass", "uwsgi_pass", "fastcgi_pass", "scgi_pass"}

# Each verification switch: the directive passing requests its block's upstream, the scheme of
# a TLS upstream, and the switch that turns TLS to the upstream on in the stream module.
nginx_verify := {
	"proxy_ssl_verify": ["proxy_pass", "https://", "proxy_ssl"],
	"grpc_ssl_verify": ["grpc_pass", "grpcs://", "grpc_ssl"],
	"uwsgi_ssl_verify": ["uwsgi_pass", "suwsgi://", "uwsgi_ssl"],
}

nginx_defaults := {"ssl", "proxy_ssl", "grpc_ssl", "uwsgi_ssl"}

nginx_own(e) if {
	nginx_verify[e.key]
	nginx_document
}

# A snippet holding the switch without any upstream (`snippets/proxy-tls.conf`, read into the
# blocks that include it, wild53) is nginx's too: the directive's own name and `on`/`off` say so.
nginx_own(e) if {
	nginx_verify[e.key]
	is_string(e.value)
	lower(trim_space(e.value)) in {"on", "off"}
}

nginx_own(e) if {
	nginx_defaults[e.key]
	nginx_document
}

deny contains finding if {
	nginx_document
	some e in config.entries
	spec := nginx_verify[e.key]
	is_string(e.value)
	lower(trim_space(e.value)) == "off"
	scope := object.get(input, array.slice(e.path, 0, count(e.path) - 1), null)
	tls_upstream(scope, spec, e.key)
	finding := {
		"msg": sprintf("%s is off where requests are passed to a TLS upstream (%s): its certificate is accepted unchecked", [config.dotted(e.path), spec[0]]),
		"path": e.path,
	}
}

tls_upstream(scope, spec, switch) if {
	walk(scope, [p, v])
	count(p) > 0
	p[count(p) - 1] == spec[0]
	is_string(v)
	startswith(lower(trim_space(v)), spec[1])
	not nginx_replaced(scope, p, switch)
}

tls_upstream(scope, spec, switch) if {
	walk(scope, [p, v])
	count(p) > 0
	p[count(p) - 1] == spec[2]
	v == "on"
	not nginx_replaced(scope, p, switch)
}

# nginx's inheritance: a directive written in a block replaces the outer block's for that
# block and the blocks inside it (wild53). An upstream at `p` under `scope` is governed by the
# outer switch only when no block between them (the upstream's own included) writes the
# directive again: `proxy_ssl_verify on` in a `location` takes back the server's `off` there.
nginx_replaced(scope, p, directive) if {
	count(p) > 1
	some n in numbers.range(1, count(p) - 1)
	block := object.get(scope, array.slice(p, 0, n), null)
	is_object(block)
	directive in object.keys(block)
}

# A Compose environment list item (`- TLS_VERIFY=false`) sets the variable its name says, as the
# mapping form (`TLS_VERIFY: false`) does: it is that entry, not a connection string (wild29:
# Coolify's `- SSL_MODE=off`, its web server's own HTTPS switch, was read as one).
tls_entries contains {"key": e.name, "value": e.value, "path": e.path, "label": sprintf("%s (%s)", [config.dotted(e.path), e.name])} if {
	some e in compose_list_environment
	connection_hint(lower(e.name))
}

# `{name: enableTLS, value: "false"}`: a setting written as a name/value record (a Dapr
# component's metadata, an ECS task definition's environment) is the entry its name says, as a
# Compose environment list item is (wild30: Dapr's `enableTLS`, which CFG-016's records read
# already for credentials). The finding is on the record's value.
tls_entries contains {"key": e.value, "value": record.value, "path": array.concat(at, ["value"]), "label": sprintf("%s (%s)", [config.dotted(at), e.value])} if {
	some e in config.entries
	e.key == "name"
	is_string(e.value)
	connection_hint(lower(e.value))
	at := array.slice(e.path, 0, count(e.path) - 1)
	record := object.get(input, at, null)
	is_object(record)
	"value" in object.keys(record)
}

# How a finding names the setting: a record by its path and name, another entry by its path.
label(e) := e.label if e.label

label(e) := config.dotted(e.path) if not e.label

compose_list_environment contains e if {
	some s in config.services
	is_array(s.value.environment)
	some e in config.environment(s)
	e.has_value
}

compose_list_item(path) if {
	count(path) == 4
	path[0] == "services"
	path[2] == "environment"
	is_number(path[3])
}

connection_hint(l) if {
	some w in ["ssl", "tls", "verify", "verification", "insecure", "plaintext", "reject"]
	contains(l, w)
}

is_false(v) if v == false

# A switch written as 0 (`NODE_TLS_REJECT_UNAUTHORIZED=0`, `REDIS_TLS: 0`), as `is_true` reads 1.
is_false(v) if v == 0

is_false(v) if {
	is_string(v)
	trim_space(v) == "0"
}

# `no` and `off` as strings too: Bitnami's images and other shell-configured services read
# their switches as yes/no (`REDIS_TLS_ENABLED=no`, `POSTGRESQL_ENABLE_TLS=no`), and a `.env`
# file or a quoted Compose value keeps them strings (wild40).
is_false(v) if {
	is_string(v)
	lower(trim_space(v)) in {"false", "no", "off"}
}

is_true(v) if v == true

is_true(v) if {
	is_string(v)
	lower(trim_space(v)) in {"true", "1", "yes", "on"}
}

# Vault and other Go/HCL-born configs write a switch as 1 (wild19: `"tls_disable": 1`).
is_true(v) if v == 1

# The setting a flat dotted key names, as its nested form would (Elasticsearch, Kibana and
# Spring write `xpack.security.http.ssl.enabled: false` for `ssl: {enabled: false}` under
# `xpack.security.http`); a key without a dot is itself.
leaf(k) := l if {
	parts := split(k, ".")
	l := parts[count(parts) - 1]
}

# The block holding a setting: the dotted key's segment before its leaf, else the parent key.
block_of(e) := b if {
	parts := split(e.key, ".")
	count(parts) > 1
	b := parts[count(parts) - 2]
}

block_of(e) := b if {
	not contains(e.key, ".")
	n := count(e.path)
	n >= 2
	b := e.path[n - 2]
	is_string(b)
}

deny contains finding if {
	some e in tls_entries
	k := tls_setting(config.norm_key(leaf(e.key)))
	off_when_false[k]
	is_false(e.value)
	not presence_switch(e)
	finding := {
		"msg": sprintf("%s is false, which turns TLS or its certificate verification off", [label(e)]),
		"path": e.path,
	}
}

deny contains finding if {
	some e in tls_entries
	k := tls_setting(config.norm_key(leaf(e.key)))
	off_when_true[k]
	is_true(e.value)
	not insecure_beside_tls(e, k)
	finding := {
		"msg": sprintf("%s is %v, which turns TLS or its certificate verification off", [label(e), trim_space(sprintf("%v", [e.value]))]),
		"path": e.path,
	}
}

deny contains finding if {
	some e in config.entries
	is_string(e.key)
	endswith(lower(e.key), "enabled")
	leaf(e.key) in {"enabled", "Enabled"}
	tls_blocks[config.norm_key(block_of(e))]
	is_false(e.value)
	finding := {
		"msg": sprintf("%s is false, which turns TLS off", [config.dotted(e.path)]),
		"path": e.path,
	}
}

deny contains finding if {
	some e in tls_entries
	ssl_mode_keys[tls_setting(config.norm_key(leaf(e.key)))]
	is_string(e.value)
	lower(trim_space(e.value)) in {"disable", "disabled", "allow", "none"}
	finding := {
		"msg": sprintf("%s is %q, which allows connections without TLS", [label(e), lower(trim_space(e.value))]),
		"path": e.path,
	}
}

# The document's strings that set something (`k=v`): the connection strings, and the JVM
# options, that the rules below read, found in one walk of the document.
setting_strings contains [path, v] if {
	walk(input, [path, v])
	is_string(v)
	contains(v, "=")
	not compose_list_item(path)
}

# A Compose environment list item: only its value may be a connection string
# (`- DB_URL=postgres://…?sslmode=disable`); its name is the variable's.
setting_strings contains [e.path, e.value] if {
	some e in compose_list_environment
	is_string(e.value)
	contains(e.value, "=")
}

# Inside a connection string or URL: "postgres://...?sslmode=disable", "host=db sslmode=disable",
# "jdbc:mysql://db/app?useSSL=false", and .NET's (wild19): MySQL Connector/NET's `SslMode=None`,
# Npgsql's `SSL Mode=Disable`, SqlClient's `Encrypt=False` (JDBC's `encrypt=false`). Only the
# setting is printed, never the string (it may hold credentials).
deny contains finding if {
	some [path, v] in setting_strings
	string_hint(lower(v))
	m := regex.find_all_string_submatch_n(`(?i)(?:^|[?&;\s])(sslmode|ssl-mode|ssl_mode|ssl mode|ssl|tls|usessl|use_ssl|encrypt)\s*=\s*(disable|disabled|allow|none|false|no|0|off)(?:$|[&;\s])`, v, 1)[0]
	finding := {
		"msg": sprintf("the connection string in %s sets %s=%s, which allows connections without TLS", [config.dotted(path), m[1], m[2]]),
		"path": path,
	}
}

# Kafka clients and brokers: `security.protocol: PLAINTEXT` or `SASL_PLAINTEXT` (a client's
# properties, Spring's `spring.kafka.security.protocol`, `kafkastore.security.protocol`) sends
# the SASL credentials and every record without TLS (wild19: Spring and AKHQ configs).
deny contains finding if {
	some e in config.entries
	kafka_protocol_key(e)
	is_string(e.value)
	upper(trim_space(e.value)) in {"PLAINTEXT", "SASL_PLAINTEXT"}
	finding := {
		"msg": sprintf("%s is %s, so Kafka connections are made without TLS", [config.dotted(e.path), upper(trim_space(e.value))]),
		"path": e.path,
	}
}

kafka_protocol_key(e) if {
	is_string(e.key)
	k := lower(e.key)
	some suffix in ["security.protocol", "security_protocol"]
	endswith(k, suffix)
}

kafka_protocol_key(e) if {
	lower(e.key) == "protocol"
	n := count(e.path)
	n >= 2
	is_string(e.path[n - 2])
	lower(e.path[n - 2]) == "security"
}

# A connection string that keeps TLS but accepts any server certificate: SqlClient's and JDBC's
# `TrustServerCertificate=True` is `insecure_skip_verify: true` (wild19: .NET appsettings.json).
deny contains finding if {
	some [path, v] in setting_strings
	contains(lower(v), "trust")
	m := regex.find_all_string_submatch_n(`(?i)(?:^|[?&;\s])(trust ?server ?certificate)\s*=\s*(true|yes)(?:$|[&;\s])`, v, 1)[0]
	finding := {
		"msg": sprintf("the connection string in %s sets %s=%s, which accepts any server certificate", [config.dotted(path), m[1], m[2]]),
		"path": path,
	}
}

# A string that may hold a TLS setting of a connection string.
string_hint(l) if connection_hint(l)

string_hint(l) if contains(l, "encrypt")

# JVM system properties in a string (`JAVA_OPTS: -Dcom.sun.management.jmxremote.ssl=false`,
# `-Dmanagement.server.ssl.enabled=false`): the property's last name, or `ssl.enabled` /
# `tls.enabled`, read like a key.
jvm_properties contains [path, name, value] if {
	some [path, v] in setting_strings
	contains(v, "-D")
	connection_hint(lower(v))
	some m in regex.find_all_string_submatch_n(`(?:^|\s)-D([A-Za-z0-9_.-]+)=("?)([^\s"]*)`, v, -1)
	name := m[1]
	value := m[3]
}

jvm_off(name, value) if {
	parts := split(name, ".")
	off_when_false[config.norm_key(parts[count(parts) - 1])]
	is_false(value)
}

jvm_off(name, value) if {
	parts := split(name, ".")
	off_when_true[config.norm_key(parts[count(parts) - 1])]
	is_true(value)
}

jvm_off(name, value) if {
	parts := split(name, ".")
	n := count(parts)
	n >= 2
	lower(parts[n - 1]) == "enabled"
	tls_blocks[config.norm_key(parts[n - 2])]
	is_false(value)
}

deny contains finding if {
	some [path, name, value] in jvm_properties
	jvm_off(name, value)
	finding := {
		"msg": sprintf("%s sets the JVM property %s=%s, which turns TLS or its certificate verification off", [config.dotted(path), name, value]),
		"path": path,
	}
}

# Kafka clients and brokers check a broker's host name against its certificate (`https`, the
# default since Kafka 2.0) unless `ssl.endpoint.identification.algorithm` is set empty: then
# any certificate the trusted CAs signed is taken for any broker. Read under every spelling of
# the name: the properties key, Spring's `spring.kafka.properties.ssl.…`, its YAML nesting and
# the environment form of Confluent's and Bitnami's images
# (`KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM=`, also `CONNECT_PRODUCER_…`) (wild40). A
# value left out (YAML's null, a Compose variable passed on from the shell) sets nothing.
deny contains finding if {
	some e in endpoint_identification_entries
	is_string(e.value)
	trim_space(e.value) == ""
	finding := {
		"msg": sprintf("%s is empty, which turns the check of the broker's host name against its certificate off", [label(e)]),
		"path": e.path,
	}
}

endpoint_identification_entries contains e if {
	some e in config.entries
	is_string(e.key)
	endswith(lower(e.key), "algorithm")
	endswith(_spelled(e.path), "ssl.endpoint.identification.algorithm")
}

endpoint_identification_entries contains {"key": e.name, "value": e.value, "path": e.path, "label": sprintf("%s (%s)", [config.dotted(e.path), e.name])} if {
	some e in compose_list_environment
	endswith(lower(e.name), "algorithm")
	endswith(_spelled(["", e.name]), "ssl.endpoint.identification.algorithm")
}

# A path's names as one dotted lower-case name (`KAFKA_SSL_ENDPOINT…` reads
# `kafka.ssl.endpoint…`).
_spelled(path) := lower(concat(".", [replace(replace(s, "_", "."), "-", ".") | some s in path; is_string(s)]))

# librdkafka's clients (confluent-kafka for Python, Go, .NET; node-rdkafka) read
# `ssl.endpoint.identification.algorithm=none` as "no check of the broker's host name" (their
# documented switch; Java's clients reject the unknown name and fail the handshake) (wild43).
deny contains finding if {
	some e in endpoint_identification_entries
	is_string(e.value)
	lower(trim(trim_space(e.value), "\"'")) == "none"
	finding := {
		"msg": sprintf("%s is none, which turns the check of the broker's host name against its certificate off", [label(e)]),
		"path": e.path,
	}
}

# A Kafka broker's `listeners` (also `KAFKA_LISTENERS`, Bitnami's `KAFKA_CFG_LISTENERS`, in a
# `.env` file or a Compose environment): a listener whose security protocol is PLAINTEXT or
# SASL_PLAINTEXT serves clients, and other brokers, without TLS (SASL then sends its
# credentials in clear). The protocol is the listener's name unless the same place maps the
# name (`listener.security.protocol.map`, `KAFKA_CFG_LISTENER_SECURITY_PROTOCOL_MAP=
# CLIENT:PLAINTEXT,…`). A listener bound to the loopback interface (`localhost`, `127.0.0.1`,
# `[::1]`) is reached from the same host only: not reported; an empty host or `0.0.0.0` is
# every interface (wild43: Bitnami and Confluent Compose files, Kafka's `server.properties`).
deny contains finding if {
	some l in kafka_settings
	_kafka_listeners_name(l.spelled)
	scope := _kafka_scope(l.spelled, "listeners")
	plain := [sprintf("%s (%s)", [name, protocol]) |
		some [name, host] in _kafka_listener_items(l.value)
		not _loopback(host)
		protocol := _kafka_protocol(scope, name)
		protocol in {"PLAINTEXT", "SASL_PLAINTEXT"}
	]
	count(plain) > 0
	finding := {
		"msg": sprintf("%s serves the %s %s without TLS on an interface other hosts reach", [label(l), _listener_word(plain), concat(", ", plain)]),
		"path": l.path,
	}
}

# `advertised.listeners` (`KAFKA_ADVERTISED_LISTENERS`) where the same place sets no
# `listeners`: Kafka then binds its default `PLAINTEXT://:9092`, and Confluent's images bind
# each advertised listener on every interface (`0.0.0.0`), whatever host it advertises
# (wild43: Confluent's cp-all-in-one).
deny contains finding if {
	some l in kafka_settings
	endswith(l.spelled, "advertised.listeners")
	scope := _kafka_scope(l.spelled, "advertised.listeners")
	not _kafka_binds(scope)
	plain := [sprintf("%s (%s)", [name, protocol]) |
		some [name, _] in _kafka_listener_items(l.value)
		protocol := _kafka_protocol(scope, name)
		protocol in {"PLAINTEXT", "SASL_PLAINTEXT"}
	]
	count(plain) > 0
	finding := {
		"msg": sprintf("%s advertises the %s %s without TLS, and with no listeners set beside it the broker serves them on every interface", [label(l), _listener_word(plain), concat(", ", plain)]),
		"path": l.path,
	}
}

_listener_word(plain) := "listener" if count(plain) == 1

_listener_word(plain) := "listeners" if count(plain) > 1

# A `listeners` value's listeners as [upper-case name, lower-case host] (`[::1]` kept whole).
# A host written as a variable with a default (`${KAFKA_HOST:-localhost}`, Compose's and the
# shell's form) is its default, what the broker binds when the variable is not set (wild53);
# a variable without one (`${HOST}`) is some host name: reachable.
_kafka_listener_items(value) := [[upper(m[1]), _kafka_host(lower(m[2]))] |
	some item in split(value, ",")
	some m in regex.find_all_string_submatch_n(`^\s*([A-Za-z_][A-Za-z0-9_]*)://(\[[^\]]*\]|\$\{[^}]*\}|[^:/\s]*)`, item, 1)
]

_kafka_host(h) := h if not startswith(h, "${")

_kafka_host(h) := d if {
	startswith(h, "${")
	m := regex.find_all_string_submatch_n(`^\$\{[a-z_][a-z0-9_]*:?-(.*)\}$`, h, 1)
	count(m) == 1
	d := m[0][1]
}

_kafka_host(h) := h if {
	startswith(h, "${")
	not regex.match(`^\$\{[a-z_][a-z0-9_]*:?-`, h)
}

_kafka_binds(scope) if {
	some l in kafka_settings
	_kafka_listeners_name(l.spelled)
	_kafka_scope(l.spelled, "listeners") == scope
}

# `security.inter.broker.protocol=PLAINTEXT` (`KAFKA_CFG_SECURITY_INTER_BROKER_PROTOCOL`):
# brokers replicate every record to each other without TLS (wild43). Not when the same place
# binds every listener to the loopback interface (one broker on one host).
deny contains finding if {
	some s in kafka_settings
	endswith(s.spelled, "security.inter.broker.protocol")
	v := upper(trim(trim_space(s.value), "\"'"))
	v in {"PLAINTEXT", "SASL_PLAINTEXT"}
	not _kafka_loopback_only(_kafka_scope(s.spelled, "security.inter.broker.protocol"))
	finding := {
		"msg": sprintf("%s is %s, so brokers replicate to each other without TLS", [label(s), v]),
		"path": s.path,
	}
}

# `inter.broker.listener.name` (`KAFKA_INTER_BROKER_LISTENER_NAME`) names the listener brokers
# replicate through, in place of `security.inter.broker.protocol`: when its protocol (through
# `listener.security.protocol.map`, else its name) is PLAINTEXT or SASL_PLAINTEXT, every record
# crosses between brokers without TLS (wild53: KRaft `server.properties` with
# `INTERNAL:PLAINTEXT`). Not when that listener, or every listener of the place, is bound to
# the loopback interface (one broker on one host).
deny contains finding if {
	some s in kafka_settings
	endswith(s.spelled, "inter.broker.listener.name")
	name := upper(trim(trim_space(s.value), "\"'"))
	name != ""
	scope := _kafka_scope(s.spelled, "inter.broker.listener.name")
	protocol := _kafka_protocol(scope, name)
	protocol in {"PLAINTEXT", "SASL_PLAINTEXT"}
	not _kafka_loopback_only(scope)
	not _kafka_listener_loopback(scope, name)
	finding := {
		"msg": sprintf("%s names the listener %s, whose protocol is %s, so brokers replicate to each other without TLS", [label(s), name, protocol]),
		"path": s.path,
	}
}

# The listener `name` of the place is bound to the loopback interface.
_kafka_listener_loopback(scope, name) if {
	some l in kafka_settings
	_kafka_listeners_name(l.spelled)
	_kafka_scope(l.spelled, "listeners") == scope
	some [n, host] in _kafka_listener_items(l.value)
	n == name
	_loopback(host)
}

# String settings that may be a Kafka broker's, with their dotted lower-case names
# (`KAFKA_CFG_LISTENERS` in a Compose environment reads `services.kafka.environment.kafka.cfg.listeners`).
kafka_settings contains {"spelled": _spelled(e.path), "value": e.value, "path": e.path, "label": false} if {
	some e in config.entries
	is_string(e.key)
	is_string(e.value)
	_kafka_entry(e)
}

_kafka_entry(e) if _kafka_key(lower(e.key))

# `inter.broker.listener.name` of a `.properties` file nests as its dots do: a `name` under
# `listener`.
_kafka_entry(e) if {
	e.key == "name"
	n := count(e.path)
	n >= 2
	is_string(e.path[n - 2])
	lower(e.path[n - 2]) == "listener"
}

kafka_settings contains {"spelled": _spelled(array.concat(array.slice(e.path, 0, count(e.path) - 1), [e.name])), "value": e.value, "path": e.path, "label": sprintf("%s (%s)", [config.dotted(e.path), e.name])} if {
	some e in compose_list_environment
	is_string(e.value)
	_kafka_key(lower(e.name))
}

_kafka_key(k) if endswith(k, "listeners")

_kafka_key(k) if endswith(k, "map")

_kafka_key(k) if endswith(k, "protocol")

_kafka_key(k) if endswith(k, "listener.name")

_kafka_key(k) if endswith(k, "listener_name")

# `listeners`, `KAFKA_LISTENERS`, `KAFKA_CFG_LISTENERS`; not `advertised.listeners` (the
# addresses clients are told, not what the broker binds).
_kafka_listeners_name(s) if s == "listeners"

_kafka_listeners_name(s) if {
	endswith(s, ".listeners")
	not endswith(s, "advertised.listeners")
}

# The place a setting is written in, without the environment forms' `kafka.` and `cfg.`
# (`services.kafka.environment.`).
_kafka_scope(spelled, suffix) := regex.replace(trim_suffix(spelled, suffix), `(^|\.)kafka\.(cfg\.)?$`, "$1")

# The protocol of the listener `name`: the map's, else its name. (First written with a
# function `else` after a loop, which regorus' VM left undefined when the loop found nothing:
# vendor/regorus/PATCHES.md, patch 9.)
_kafka_protocol(scope, name) := sort(ps)[0] if {
	ps := _kafka_mapped(scope, name)
	count(ps) > 0
}

_kafka_protocol(scope, name) := name if count(_kafka_mapped(scope, name)) == 0

_kafka_mapped(scope, name) := {p |
	some m in kafka_settings
	endswith(m.spelled, "listener.security.protocol.map")
	_kafka_scope(m.spelled, "listener.security.protocol.map") == scope
	some pair in split(m.value, ",")
	kv := split(trim_space(pair), ":")
	count(kv) == 2
	upper(trim_space(kv[0])) == name
	p := upper(trim_space(kv[1]))
}

# Every listener the place binds is on the loopback interface.
_kafka_loopback_only(scope) if {
	some l in kafka_settings
	_kafka_listeners_name(l.spelled)
	_kafka_scope(l.spelled, "listeners") == scope
	hosts := [host | some [_, host] in _kafka_listener_items(l.value)]
	count(hosts) > 0
	every h in hosts {
		_loopback(h)
	}
}

_loopback(host) if host in {"localhost", "ip6-localhost", "[::1]", "::1"}

_loopback(host) if startswith(host, "127.")
