# METADATA
# title: Messaging must authenticate clients and encrypt traffic
# description: Flags message-queue and event-streaming patterns whose security requires neither SASL authentication with TLS/SSL nor mutual TLS, and a RabbitMQ server's own configuration (rabbitmq.conf) that lets the default `guest` user log in from other hosts (`loopback_users.guest = false` or `loopback_users = none`) while its credentials stay the well-known guest and guest (no `default_user` and `default_pass`, or both set to guest), and a Mosquitto listener (mosquitto.conf) on an address beyond loopback that serves MQTT without TLS (no `certfile` or `psk_hint` in its section) to anonymous clients (`allow_anonymous true`, the listener's own under `per_listener_settings true`, the broker's otherwise), also the default listener that `port` or `bind_address` written before any `listener` starts on every interface (a file with neither and no listener is Mosquitto 2's loopback-only listener).
# custom:
#   id: CFG-002
#   name: unauthenticated-messaging
#   severity: high
#   input: config
#   kinds: [standard, generic]
#   controls:
#     nist-800-53: [SC-8, IA-3]
#     nist-csf-2.0: [PR.DS-02, PR.AA-03]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A broker that accepts unauthenticated clients lets any workload publish forged events or
#     read every topic, and plaintext transport exposes the payloads (SC-8). Brokers and clients
#     must identify each other (IA-3): SASL over TLS, or mutual TLS.
#   remediation: >-
#     Require SASL authentication over TLS (`security: "SASL/SSL"`, Kafka `SASL_SSL`) or mutual
#     TLS (`security: "mTLS"`) for every queue and stream.
#   related:
#     - https://kafka.apache.org/documentation/#security
package runeguard.config.unauthenticated_messaging

import data.runeguard.lib.config
import rego.v1

sasl_words := `\b(sasl|scram|scram sha 256|scram sha 512|oauthbearer|gssapi|kerberos)\b`

# Patterns under `communication_patterns.asynchronous`, and queue/stream patterns anywhere else
# under `communication_patterns`.
patterns contains {"name": name, "value": p, "path": array.concat(["communication_patterns"], path)} if {
	walk(input.communication_patterns, [path, p])
	is_object(p)
	count(path) >= 1
	name := path[count(path) - 1]
	is_string(name)
	describes_pattern(p)
	asynchronous(path, name, p)
}

parent(path) := path[count(path) - 2] if count(path) >= 2

parent(path) := "" if count(path) < 2

describes_pattern(p) if {
	some k in ["security", "protocol", "technology", "use_case", "authentication"]
	_ = p[k]
}

asynchronous(path, _, _) if parent(path) == "asynchronous"

asynchronous(path, name, p) if {
	parent(path) != "synchronous"
	words := concat(" ", [config.key_words(name), lower(object.get(p, "protocol", "")), lower(object.get(p, "technology", ""))])
	regex.match(`\b(queue|queues|messaging|message|messages|broker|kafka|rabbitmq|amqp|mqtt|nats|pulsar|sqs|sns|pubsub|event streaming|streaming)\b`, words)
}

# What a pattern's security lacks; empty when it is protected.
missing(sec) := [] if config.mentions(sec, config.mtls_words)

missing(sec) := [m |
	some m in ["SASL authentication", "TLS/SSL encryption"]
	not has(sec, m)
] if not config.mentions(sec, config.mtls_words)

has(sec, "SASL authentication") if config.mentions(sec, sasl_words)

has(sec, "TLS/SSL encryption") if config.mentions(sec, config.tls_words)

deny contains finding if {
	some p in patterns
	not "security" in object.keys(p.value)
	finding := {
		"msg": sprintf("messaging pattern %q sets no security: neither SASL over TLS nor mTLS is required", [p.name]),
		"path": p.path,
	}
}

deny contains finding if {
	some p in patterns
	sec := p.value.security
	lacks := missing(sec)
	count(lacks) > 0
	finding := {
		"msg": sprintf("messaging pattern %q requires no %s and no mTLS (security: %s)", [p.name, concat(" and no ", lacks), config.show(sec)]),
		"path": array.concat(p.path, ["security"]),
	}
}

# RabbitMQ's own configuration (`rabbitmq.conf`, read as directives; wild48). The `guest` user,
# whose password is `guest` unless `default_user`/`default_pass` say otherwise, may log in only
# from localhost; `loopback_users.guest = false` or `loopback_users = none` lifts that, so any
# client that reaches the broker logs in with credentials everyone knows.
deny contains finding if {
	some path in guest_remote
	rabbit_default("default_user")
	rabbit_default("default_pass")
	finding := {
		"msg": sprintf("RabbitMQ lets its default user log in from any host with the well-known default credentials (%s)", [config.dotted(path)]),
		"path": path,
	}
}

guest_remote contains ["loopback_users", "guest"] if input.loopback_users.guest == false

guest_remote contains ["loopback_users"] if {
	is_string(input.loopback_users)
	lower(trim_space(input.loopback_users)) == "none"
}

rabbit_default(k) if not k in object.keys(input)

rabbit_default(k) if input[k] == "guest"

# Mosquitto (`mosquitto.conf`, read as directives with each `listener` section its own; wild48):
# a listener without TLS whose clients need no credentials. Only an explicit
# `allow_anonymous true` counts (Mosquitto 2 refuses anonymous clients by default).
deny contains finding if {
	some port, l in input.listener
	is_object(l)
	"listener" in object.keys(l)
	not l.certfile
	not l.psk_hint
	mosquitto_anonymous(l)
	# `listener 1883` reads as the number 1883.
	mosquitto_reachable(sprintf("%v", [l.listener]))
	finding := {
		"msg": sprintf("Mosquitto listener %s serves MQTT without TLS to anonymous clients (allow_anonymous true, no certfile)", [port]),
		"path": ["listener", port, "listener"],
	}
}

# Mosquitto's default listener (wild53): settings written before any `listener` that only a
# listener has (`port`, `bind_address`, `bind_interface`) start it, on every interface unless
# `bind_address` names one, as Mosquitto 1.x and 2.x both do; the TLS settings written before
# any `listener` are its own. A file with neither a `listener` nor such a setting runs, under
# Mosquitto 2, one listener on the loopback interface only (1.x's open port 1883 is not
# assumed): nothing is reported then. Anonymous clients only by an explicit
# `allow_anonymous true` written before any `listener` (the default listener's under
# per-listener settings) or for the whole broker.
deny contains finding if {
	k := mosquitto_default_listener_key
	input.allow_anonymous == true
	mosquitto_flat
	not input.certfile
	not input.psk_hint
	not mosquitto_default_local
	finding := {
		"msg": sprintf("Mosquitto's default listener (%s %v) serves MQTT without TLS to anonymous clients (allow_anonymous true, no certfile)", [k, input[k]]),
		"path": [k],
	}
}

# The setting that starts the default listener, `port` first.
mosquitto_default_listener_key := "port" if "port" in object.keys(input)

mosquitto_default_listener_key := "bind_address" if {
	not "port" in object.keys(input)
	"bind_address" in object.keys(input)
}

mosquitto_default_listener_key := "bind_interface" if {
	not "port" in object.keys(input)
	not "bind_address" in object.keys(input)
	"bind_interface" in object.keys(input)
}

# A directives file as Mosquitto's reads: flat, but for its `listener` sections (a YAML or
# TOML application configuration with a `port` and an `allow_anonymous` of its own nests).
mosquitto_flat if {
	every k, v in input {
		mosquitto_flat_entry(k, v)
	}
}

mosquitto_flat_entry(k, _) if k == "listener"

mosquitto_flat_entry(_, v) if not is_object(v)

# `bind_address` on the loopback interface keeps the default listener local.
mosquitto_default_local if {
	is_string(input.bind_address)
	a := lower(trim_space(input.bind_address))
	mosquitto_loopback(a)
}

mosquitto_loopback(a) if startswith(a, "127.")

mosquitto_loopback(a) if a in {"::1", "localhost"}

mosquitto_anonymous(l) if l.allow_anonymous == true

mosquitto_anonymous(l) if {
	not "allow_anonymous" in object.keys(l)
	not input.per_listener_settings == true
	input.allow_anonymous == true
}

# `listener 1883` listens on every interface; `listener 1883 127.0.0.1` on loopback only;
# `listener 0 /run/mosquitto.sock` on a socket.
mosquitto_reachable(v) if count(split(trim_space(v), " ")) == 1

mosquitto_reachable(v) if {
	words := [w | some w in split(trim_space(v), " "); w != ""]
	count(words) > 1
	address := words[1]
	not startswith(address, "127.")
	not address in {"::1", "localhost"}
	not startswith(address, "/")
}
