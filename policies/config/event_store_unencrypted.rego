# METADATA
# title: Event stores must be encrypted at rest and in transit
# description: Flags event stores whose security does not require encryption both at rest and in transit.
# custom:
#   id: CFG-007
#   name: event-store-unencrypted
#   severity: high
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [SC-28, SC-8]
#     nist-csf-2.0: [PR.DS-01, PR.DS-02]
#     soc2: [CC6.1, CC6.7]
#   rationale: >-
#     An event-sourced system keeps every state change forever: the event store is the complete
#     history of the business and of its users. It must be encrypted where it is stored (SC-28)
#     and on every connection to it (SC-8).
#   remediation: >-
#     Require both in the event store's `security`, e.g. "Encryption at rest and in transit".
#   related:
#     - https://csrc.nist.gov/pubs/sp/800/111/final
package runeguard.config.event_store_unencrypted

import data.runeguard.lib.config
import rego.v1

store_keys := {"event_store", "event_stores", "eventstore"}

stores contains {"name": e.key, "value": e.value, "path": e.path} if {
	some e in config.entries
	store_keys[config.norm_key(e.key)]
	is_object(e.value)
}

at_rest(sec) if {
	some t in config.texts(sec)
	not config.negated(t)
	regex.match(`\bencrypt[a-z]*.*\bat rest\b|\bat rest\b.*\bencrypt[a-z]*|\b(disk|storage|volume|kms|tde|transparent data) encryption\b|\bencrypted (storage|volume|volumes|disk|disks)\b`, t)
}

in_transit(sec) if {
	some t in config.texts(sec)
	not config.negated(t)
	regex.match(`\bencrypt[a-z]*.*\bin transit\b|\bin transit\b.*\bencrypt[a-z]*|\b(tls|mtls|ssl|https|mutual tls)\b`, t)
}

missing(sec) := [what |
	some what in ["at rest", "in transit"]
	not has(sec, what)
]

has(sec, "at rest") if at_rest(sec)

has(sec, "in transit") if in_transit(sec)

deny contains finding if {
	some s in stores
	not "security" in object.keys(s.value)
	finding := {
		"msg": sprintf("event store %s sets no security: encryption at rest and in transit is not required", [config.dotted(s.path)]),
		"path": s.path,
	}
}

deny contains finding if {
	some s in stores
	sec := s.value.security
	lacks := missing(sec)
	count(lacks) > 0
	finding := {
		"msg": sprintf("event store %s does not require encryption %s (security: %s)", [config.dotted(s.path), concat(" or ", lacks), config.show(sec)]),
		"path": array.concat(s.path, ["security"]),
	}
}
