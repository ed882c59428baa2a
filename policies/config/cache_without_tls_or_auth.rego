# METADATA
# title: Cache layers must require TLS and authentication
# description: Flags Redis-like cache layers whose security does not require both TLS and AUTH/ACL authentication.
# custom:
#   id: CFG-005
#   name: cache-without-tls-or-auth
#   severity: high
#   input: config
#   kinds: [standard]
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
