# METADATA
# title: Sensitive data must be encrypted in caches
# description: Flags cache layers that hold session data, tokens or credentials without encrypting them at rest (TLS in transit is not enough).
# custom:
#   id: CFG-006
#   name: unencrypted-sensitive-cache
#   severity: medium
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [SC-28]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     Session identifiers and authentication tokens in a cache are credentials: whoever reads a
#     memory dump, an RDB/AOF snapshot, a replica or a `MONITOR` stream can replay them.
#     Protecting information at rest (SC-28) means encrypting such values, not only the
#     connection that carries them.
#   remediation: >-
#     Encrypt sensitive values before caching them (application-level or field-level
#     encryption, as the standard's own SecureCacheManager does) and say so in the layer's
#     `security`, e.g. "Encryption of sensitive values at rest".
#   related:
#     - https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
package runeguard.config.unencrypted_sensitive_cache

import data.runeguard.lib.config
import rego.v1

content_keys := ["use_cases", "use_case", "data", "contents", "stores", "data_types", "cached_data"]

sensitive_pattern := concat("", [`\b(`, concat("|", config.settings.sensitive_cache_terms), `)(s|es)?\b`])

# The use cases of a layer that name sensitive data, as written.
sensitive(layer) := [s |
	some k in content_keys
	some s in _strings(object.get(layer.value, k, []))
	regex.match(sensitive_pattern, lower(s))
]

_strings(x) := [x] if is_string(x)

_strings(x) := [s | some s in x; is_string(s)] if is_array(x)

# Encryption of the stored values: an "encrypt" text that is not only about the connection.
encrypted_at_rest(sec) if {
	some t in config.texts(sec)
	regex.match(`\bencrypt(ion|ed|s)?\b`, t)
	not config.negated(t)
	at_rest(t)
}

at_rest(t) if regex.match(`\b(at rest|memory|field level|value|values|client side|application level|payload|payloads|storage|disk|data)\b`, t)

at_rest(t) if not regex.match(`\b(in transit|transit|tls|mtls|ssl|https|transport|wire|network|connection|connections)\b`, t)

deny contains finding if {
	some layer in config.all_cache_layers
	held := sensitive(layer)
	count(held) > 0
	not encrypted_at_rest(config.cache_security_value(layer))
	finding := {
		"msg": sprintf("cache layer %q (%s) holds %s without encrypting them at rest", [layer.name, layer.technology, concat(", ", [lower(s) | some s in held])]),
		"path": config.cache_security_path(layer),
	}
}
