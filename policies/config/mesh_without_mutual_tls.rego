# METADATA
# title: The service mesh must enforce automatic mutual TLS
# description: Flags service-mesh configuration whose security features do not include automatic (enforced) mutual TLS between services.
# custom:
#   id: CFG-011
#   name: mesh-without-mutual-tls
#   severity: high
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [SC-8, IA-3]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     Automatic mutual TLS is what makes a mesh a zero-trust transport: every hop is encrypted
#     (SC-8) and every workload proves its identity with a certificate (IA-3). Opt-in or
#     permissive mTLS leaves plaintext paths that nobody notices.
#   remediation: >-
#     Add "Automatic mTLS between services" to `service_mesh.security_features`, and enforce it
#     (Istio `PeerAuthentication` with `mtls.mode: STRICT`).
#   related:
#     - https://istio.io/latest/docs/concepts/security/#mutual-tls-authentication
package runeguard.config.mesh_without_mutual_tls

import data.runeguard.lib.config
import rego.v1

enforced_words := `\b(automatic|automatically|auto|strict|enforced|enforce|required|require|mandatory|always|default)\b`

automatic_mtls(x) if {
	some t in config.texts(x)
	not config.negated(t)
	regex.match(config.mtls_words, t)
	regex.match(enforced_words, t)
}

# `mtls: true`, `mutual_tls: true`, `mtls_enabled: true`
automatic_mtls(x) if {
	some t in config.texts(x)
	not config.negated(t)
	regex.match(`(^| )(mtls|mutual tls)( enabled| enforced| required)?$`, t)
}

mesh_name := sprintf("service mesh %q", [input.service_mesh.technology]) if is_string(input.service_mesh.technology)

mesh_name := "service_mesh" if not is_string(input.service_mesh.technology)

anchor := ["service_mesh", "security_features"] if "security_features" in object.keys(input.service_mesh)

anchor := ["service_mesh", "security"] if {
	not "security_features" in object.keys(input.service_mesh)
	"security" in object.keys(input.service_mesh)
}

anchor := ["service_mesh"] if {
	not "security_features" in object.keys(input.service_mesh)
	not "security" in object.keys(input.service_mesh)
}

deny contains finding if {
	is_object(input.service_mesh)
	not automatic_mtls(input.service_mesh)
	finding := {
		"msg": sprintf("%s does not enforce automatic mutual TLS between services", [mesh_name]),
		"path": anchor,
	}
}
