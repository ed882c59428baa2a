# METADATA
# title: PeerAuthentication must not weaken mTLS on single ports
# description: >-
#   Flags PeerAuthentication `portLevelMtls` entries whose mode is DISABLE or PERMISSIVE.
# custom:
#   id: IST-003
#   name: port-level-mtls-disabled
#   severity: high
#   input: kubernetes
#   kinds: [PeerAuthentication]
#   controls:
#     nist-800-53: [SC-8]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A port-level exception quietly reopens plaintext on one port of a workload that is
#     otherwise STRICT; it is easy to miss in review because the policy as a whole still reads
#     STRICT (SC-8 transmission confidentiality and integrity; zero-trust tenet 2).
#   remediation: >-
#     Remove the `portLevelMtls` entry, or set its mode to STRICT. If a port really must accept
#     plaintext (a health check from outside the mesh), document it and suppress the finding
#     with a reason.
#   related:
#     - https://istio.io/latest/docs/reference/config/security/peer_authentication/
package runeguard.istio.port_level_mtls_disabled

import data.runeguard.lib.istio
import rego.v1

weak := {
	"PERMISSIVE": "accepts plaintext",
	"DISABLE": "disables mutual TLS",
}

deny contains finding if {
	istio.is_kind(input, "PeerAuthentication")
	levels := input.spec.portLevelMtls
	is_object(levels)
	some port, setting in levels
	mode := istio.enum(setting.mode)
	effect := weak[mode]
	finding := {
		"msg": sprintf("%s sets portLevelMtls mode %s for port %v: it %s on that port", [istio.label(input), mode, port, effect]),
		"path": ["spec", "portLevelMtls", port, "mode"],
	}
}
