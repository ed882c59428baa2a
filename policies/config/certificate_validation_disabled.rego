# METADATA
# title: Certificate validation must not be turned off
# description: Flags revocation checking, chain validation or certificate pinning explicitly set to false.
# custom:
#   id: CFG-004
#   name: certificate-validation-disabled
#   severity: high
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [IA-5(2), SC-23]
#     nist-csf-2.0: [PR.AA-03]
#     soc2: [CC6.7]
#     zero-trust: [ZT-6]
#   rationale: >-
#     PKI-based authentication is only as strong as its validation: without chain validation any
#     self-made certificate passes, and without revocation checking a stolen certificate stays
#     valid until it expires (IA-5(2)). Session authenticity depends on it (SC-23).
#   remediation: >-
#     Set `chain_validation`, `revocation_checking` (OCSP or CRL) and, where used,
#     `certificate_pinning` to true.
#   related:
#     - https://csrc.nist.gov/pubs/sp/800/52/r2/final
package runeguard.config.certificate_validation_disabled

import data.runeguard.lib.config
import rego.v1

checks := {
	"revocation_checking": "revocation checking",
	"revocation_check": "revocation checking",
	"crl_checking": "revocation checking",
	"ocsp_checking": "revocation checking",
	"chain_validation": "chain validation",
	"certificate_chain_validation": "chain validation",
	"certificate_validation": "certificate validation",
	"certificate_pinning": "certificate pinning",
	"cert_pinning": "certificate pinning",
	"pinning": "certificate pinning",
}

off(v) if v == false

off(v) if {
	is_string(v)
	lower(trim_space(v)) in {"false", "no", "off", "disabled", "disable", "none"}
}

deny contains finding if {
	some e in config.entries
	what := checks[config.norm_key(e.key)]
	off(e.value)
	finding := {
		"msg": sprintf("%s turns %s off (%s)", [config.dotted(e.path), what, config.show(e.value)]),
		"path": e.path,
	}
}
