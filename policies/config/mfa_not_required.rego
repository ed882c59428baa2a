# METADATA
# title: Zero-trust identity verification must require multi-factor authentication
# description: Flags zero-trust configuration whose identity layer does not require multi-factor authentication, or that has no identity layer.
# custom:
#   id: CFG-009
#   name: mfa-not-required
#   severity: high
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [IA-2(1), IA-2(2)]
#     nist-csf-2.0: [PR.AA-03]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     Zero trust authenticates every access strictly and dynamically (SP 800-207 tenet 6); a
#     password alone is phished, sprayed and reused. Multi-factor authentication for privileged
#     and non-privileged accounts is IA-2(1) and IA-2(2).
#   remediation: >-
#     List multi-factor authentication in the identity layer, e.g.
#     `implementation_layers.identity_verification: ["Multi-factor authentication", ...]`.
#   related:
#     - https://csrc.nist.gov/pubs/sp/800/207/final
#     - https://pages.nist.gov/800-63-4/sp800-63b.html
package runeguard.config.mfa_not_required

import data.runeguard.lib.config
import rego.v1

mfa_words := `\b(mfa|multi factor|multifactor|2fa|two factor|second factor|phishing resistant|webauthn|fido|fido2|passkey|passkeys)\b`

# Identity layers under zero_trust: identity_verification, identity, authentication...
identity_layers contains {"key": k, "value": v, "path": array.concat(["zero_trust"], p)} if {
	walk(input.zero_trust, [p, v])
	count(p) > 0
	k := p[count(p) - 1]
	is_string(k)
	regex.match(`^(identity|identities|authentication|identity_verification|identity_layer|identity_and_access|iam|user_authentication)$`, config.norm_key(k))
}

deny contains finding if {
	is_object(input.zero_trust)
	count(identity_layers) == 0
	finding := {
		"msg": "zero_trust defines no identity verification layer requiring multi-factor authentication",
		"path": zero_trust_anchor,
	}
}

zero_trust_anchor := ["zero_trust", "implementation_layers"] if "implementation_layers" in object.keys(input.zero_trust)

zero_trust_anchor := ["zero_trust"] if not "implementation_layers" in object.keys(input.zero_trust)

deny contains finding if {
	some layer in identity_layers
	not config.mentions(layer.value, mfa_words)
	finding := {
		"msg": sprintf("zero-trust identity layer %s does not require multi-factor authentication", [config.dotted(layer.path)]),
		"path": layer.path,
	}
}
