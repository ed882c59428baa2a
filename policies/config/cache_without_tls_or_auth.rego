# METADATA
# title: Cache layers must require TLS and authentication
# description: Flags Redis-like cache layers whose security does not require both TLS and AUTH/ACL authentication, and a Redis server's own configuration (redis.conf) that turns protected mode off (`protected-mode no`) while it listens beyond loopback (no `bind`, or a `bind` address other than 127.0.0.1, ::1 or localhost) and sets no password - no `requirepass`, no ACL user with a password, no `aclfile` - so any client that reaches it is served without authentication.
# custom:
#   id: CFG-005
#   name: cache-without-tls-or-auth
#   severity: high
#   input: config
#   kinds: [standard, generic]
#   controls:
#     nist-800-53: [SC-8, IA-2]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.1, CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     Caches hold sessions, tokens and copies of database rows. Redis and its kin accept any
#     client and speak plaintext unless configured otherwise, so a reachable cache without TLS
#     (SC-8) and AUTH/ACLs (IA-2) leaks and accepts forged data.
#   remediation: >-
#     List TLS and authentication in the layer's `security` (e.g. "TLS encryption in transit",
#     "AUTH authentication" or "ACL (Access Control Lists)").
#   related:
#     - https://redis.io/docs/latest/operate/oss_and_stack/management/security/
package runeguard.config.cache_without_tls_or_auth

import data.runeguard.lib.config
import rego.v1

auth_words := `\b(auth|authentication|authenticated|acl|acls|access control|access control lists|requirepass|password|sasl|iam)\b`

needs := {"TLS": config.tls_words, "AUTH or ACL authentication": auth_words}

missing(layer) := [what |
	some what in ["TLS", "AUTH or ACL authentication"]
	not config.mentions(config.cache_security(layer).value, needs[what])
]

deny contains finding if {
	some layer in config.cache_layers
	not config.cache_security(layer)
	finding := {
		"msg": sprintf("cache layer %q (%s) sets no security: neither TLS nor AUTH/ACL is required", [layer.name, layer.technology]),
		"path": layer.path,
	}
}

deny contains finding if {
	some layer in config.cache_layers
	sec := config.cache_security(layer)
	lacks := missing(layer)
	count(lacks) > 0
	finding := {
		"msg": sprintf("cache layer %q (%s) does not require %s", [layer.name, layer.technology, concat(" or ", lacks)]),
		"path": sec.path,
	}
}

# A Redis server's own configuration (`redis.conf`, read as directives; wild48). Protected mode
# (on by default) refuses clients from other hosts while no password is set; turned off, with
# Redis listening beyond loopback and no password of any kind, every client that reaches the
# port is served. TLS alone is not asked of a redis.conf here: most run on a private network,
# and the rule's AUTH half is what such a file states for certain.
deny contains finding if {
	is_string(input["protected-mode"])
	lower(trim_space(input["protected-mode"])) == "no"
	not redis_password
	not redis_aclfile
	redis_beyond_loopback
	finding := {
		"msg": "Redis serves any client without authentication: protected-mode is no, it listens beyond loopback, and neither requirepass, an ACL user's password nor an aclfile is set",
		"path": ["protected-mode"],
	}
}

redis_password if {
	v := input.requirepass
	v != ""
	v != null
}

redis_password if {
	some _, u in input.user
	is_object(u)
	some k, _ in u
	startswith(k, "password")
}

redis_aclfile if {
	is_string(input.aclfile)
	trim_space(input.aclfile) != ""
}

redis_beyond_loopback if not input.bind

redis_beyond_loopback if {
	is_string(input.bind)
	some a in split(trim_space(input.bind), " ")
	a != ""
	not redis_loopback(trim_left(a, "-"))
}

redis_loopback(a) if startswith(a, "127.")

redis_loopback(a) if a in {"::1", "localhost"}
