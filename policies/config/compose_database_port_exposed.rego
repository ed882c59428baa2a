# METADATA
# title: Compose must not publish database ports on all interfaces
# description: Flags Compose services that publish a database or cache port (5432, 3306, 6379, 27017, 9200...) on all host interfaces.
# custom:
#   id: CFG-014
#   name: compose-database-port-exposed
#   severity: medium
#   input: config
#   kinds: [compose]
#   controls:
#     nist-800-53: [SC-7]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A published port without a host IP listens on every interface of the host, and Docker's
#     iptables rules bypass host firewalls such as ufw. A database or cache reachable from the
#     network is one weak password away from a breach (SC-7 boundary protection).
#   remediation: >-
#     Do not publish the port (services reach it on the Compose network), or bind it to the
#     loopback interface: `"127.0.0.1:5432:5432"`.
#   related:
#     - https://docs.docker.com/engine/network/packet-filtering-firewalls/
package runeguard.config.compose_database_port_exposed

import data.runeguard.lib.config
import rego.v1

names := {
	1433: "SQL Server", 1521: "Oracle", 2379: "etcd", 3306: "MySQL/MariaDB", 5432: "PostgreSQL",
	5984: "CouchDB", 6379: "Redis", 6380: "Redis", 7000: "Cassandra", 7001: "Cassandra",
	7474: "Neo4j", 7687: "Neo4j", 8086: "InfluxDB", 8529: "ArangoDB", 9042: "Cassandra",
	9200: "Elasticsearch", 9300: "Elasticsearch", 11211: "Memcached", 26257: "CockroachDB",
	27017: "MongoDB", 27018: "MongoDB", 27019: "MongoDB", 28015: "RethinkDB", 33060: "MySQL X",
}

database_ports := {p | some p in config.settings.database_ports}

# Published ports: {"path", "host_ip", "container": [from, to]}.
published contains {"service": s, "path": array.concat(s.path, ["ports", i]), "host_ip": ip, "container": range} if {
	some s in config.services
	some i, p in s.value.ports
	parsed := parse_port(p)
	ip := parsed.host_ip
	range := parsed.container
}

# `- 5432`
parse_port(p) := {"host_ip": "", "container": [p, p]} if is_number(p)

# `- "127.0.0.1:5432:5432/tcp"`, `- "[::1]:5432:5432"`, `- "15432:5432"`, `- "5432"`
parse_port(p) := {"host_ip": ip, "container": range} if {
	is_string(p)
	# A variable may hide colons: "${MYSQL_PORT:-3306}:3306".
	spec := split(regex.replace(trim_space(p), `\$\{[^}]*\}`, "VAR"), "/")[0]
	parts := split_host(spec)
	ip := parts.ip
	range := port_range(parts.container)
}

# Long syntax: `{target: 5432, published: 5432, host_ip: 127.0.0.1}`
parse_port(p) := {"host_ip": object.get(p, "host_ip", ""), "container": range} if {
	is_object(p)
	range := port_range(p.target)
}

# "[::1]:5432:5432" → ip "::1"; "a:b:c" → ip "a"; "b:c" and "c" → ip "".
split_host(spec) := {"ip": ip, "container": container} if {
	startswith(spec, "[")
	close := indexof(spec, "]")
	close > 0
	ip := substring(spec, 1, close - 1)
	rest := split(substring(spec, close + 2, -1), ":")
	container := rest[count(rest) - 1]
}

split_host(spec) := {"ip": ip, "container": container} if {
	not startswith(spec, "[")
	parts := split(spec, ":")
	count(parts) >= 3
	ip := concat(":", array.slice(parts, 0, count(parts) - 2))
	container := parts[count(parts) - 1]
}

split_host(spec) := {"ip": "", "container": container} if {
	not startswith(spec, "[")
	parts := split(spec, ":")
	count(parts) <= 2
	container := parts[count(parts) - 1]
}

port_range(x) := [x, x] if is_number(x)

port_range(x) := [to_number(x), to_number(x)] if {
	is_string(x)
	regex.match(`^[0-9]{1,5}$`, x)
}

port_range(x) := [to_number(b[0]), to_number(b[1])] if {
	is_string(x)
	regex.match(`^[0-9]{1,5}-[0-9]{1,5}$`, x)
	b := split(x, "-")
}

# All interfaces: no host IP, 0.0.0.0 or ::. An IP given as a variable cannot be judged.
all_interfaces(ip) if ip in {"", "0.0.0.0", "::", "[::]"}

deny contains finding if {
	some p in published
	all_interfaces(p.host_ip)
	matched := [port | some port in database_ports; port >= p.container[0]; port <= p.container[1]]
	count(matched) > 0
	port := min(matched)
	finding := {
		"msg": sprintf("%s publishes port %d (%s) on all interfaces", [config.service_label(p.service), port, object.get(names, port, "database")]),
		"path": p.path,
	}
}
