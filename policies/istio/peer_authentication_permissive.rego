# METADATA
# title: PeerAuthentication must not accept plaintext
# description: >-
#   Flags PeerAuthentication resources whose `mtls.mode` is PERMISSIVE or DISABLE, at any scope
#   (mesh-wide in the root namespace, namespace-wide, or for selected workloads).
# custom:
#   id: IST-002
#   name: peer-authentication-permissive
#   severity: high
#   input: kubernetes
#   kinds: [PeerAuthentication]
#   controls:
#     nist-800-53: [SC-8, IA-3]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     PERMISSIVE accepts plaintext beside mutual TLS and DISABLE turns mutual TLS off, so traffic
#     to the workloads in scope can be read and forged on the network, and the peer is not
#     authenticated by its workload identity (SC-8 transmission confidentiality and integrity,
#     IA-3 device identification and authentication; zero-trust tenet 2, all communication
#     secured regardless of network location). PERMISSIVE is meant only for a migration window.
#   remediation: >-
#     Set `spec.mtls.mode: STRICT` once every client has a sidecar (check with the PERMISSIVE
#     policy still in place that no plaintext traffic arrives), or remove the override so the
#     STRICT namespace or mesh policy applies.
#   related:
#     - https://istio.io/latest/docs/reference/config/security/peer_authentication/
#     - https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
package runeguard.istio.peer_authentication_permissive

import data.runeguard.lib.istio
import rego.v1

weak := {
	"PERMISSIVE": "accepts plaintext traffic beside mutual TLS",
	"DISABLE": "disables mutual TLS",
}

scope := "the whole mesh" if istio.mesh_wide(input)

scope := sprintf("namespace %s", [istio.namespace(input)]) if {
	istio.selects_all(input)
	not istio.mesh_wide(input)
}

scope := "the workloads it selects" if not istio.selects_all(input)

deny contains finding if {
	istio.is_kind(input, "PeerAuthentication")
	mode := istio.enum(input.spec.mtls.mode)
	effect := weak[mode]
	finding := {
		"msg": sprintf("%s sets mtls.mode %s: it %s for %s", [istio.label(input), mode, effect, scope]),
		"path": ["spec", "mtls", "mode"],
	}
}
