# METADATA
# title: Synchronous service communication must require TLS
# description: Flags HTTP/REST and gRPC communication patterns whose security setting does not require TLS (HTTPS, TLS or mTLS).
# custom:
#   id: CFG-001
#   name: plaintext-sync-communication
#   severity: high
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [SC-8]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     Request-response traffic between services carries credentials, tokens and personal data.
#     Without TLS anyone on the network path can read or alter it (SC-8), and zero trust
#     requires all communication to be secured regardless of network location (ZT-2).
#   remediation: >-
#     Set the pattern's `security` to require TLS, preferably mutual TLS between services
#     (`security: "HTTPS with mTLS"`, `security: "TLS with certificate validation"`).
#   related:
#     - https://csrc.nist.gov/pubs/sp/800/207/final
package runeguard.config.plaintext_sync_communication

import data.runeguard.lib.config
import rego.v1

# Patterns under `communication_patterns.synchronous`, and HTTP/REST/gRPC patterns anywhere
# else under `communication_patterns`.
patterns contains {"name": name, "value": p, "path": array.concat(["communication_patterns"], path)} if {
	walk(input.communication_patterns, [path, p])
	is_object(p)
	count(path) >= 1
	name := path[count(path) - 1]
	is_string(name)
	describes_pattern(p)
	synchronous(path, name, p)
}

parent(path) := path[count(path) - 2] if count(path) >= 2

parent(path) := "" if count(path) < 2

describes_pattern(p) if {
	some k in ["security", "protocol", "technology", "use_case", "authentication"]
	_ = p[k]
}

synchronous(path, _, _) if parent(path) == "synchronous"

synchronous(path, name, p) if {
	parent(path) != "asynchronous"
	words := concat(" ", [config.key_words(name), lower(object.get(p, "protocol", "")), lower(object.get(p, "technology", ""))])
	regex.match(`\b(http|https|rest|grpc|graphql|soap)\b`, words)
}

deny contains finding if {
	some p in patterns
	not "security" in object.keys(p.value)
	finding := {
		"msg": sprintf("communication pattern %q sets no security, so TLS is not required", [p.name]),
		"path": p.path,
	}
}

deny contains finding if {
	some p in patterns
	sec := p.value.security
	not config.mentions(sec, config.tls_words)
	finding := {
		"msg": sprintf("communication pattern %q does not require TLS (security: %s)", [p.name, config.show(sec)]),
		"path": array.concat(p.path, ["security"]),
	}
}
