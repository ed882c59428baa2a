# METADATA
# title: DestinationRule TLS to in-mesh hosts must be mutual and verify the server
# description: >-
#   Flags DestinationRule `tls.mode: DISABLE` at any level (host-wide, port-level, subsets),
#   `tls.mode: SIMPLE` for a host inside the mesh (a Kubernetes service name outside the exempt
#   system namespaces), where the client sidecar would not present its workload certificate,
#   and `tls.insecureSkipVerify: true` with SIMPLE or MUTUAL at any level, where the client
#   accepts any certificate the server (or whoever sits on the path) presents.
# custom:
#   id: IST-004
#   name: destination-rule-tls-not-mutual
#   severity: high
#   input: kubernetes
#   kinds: [DestinationRule]
#   controls:
#     nist-800-53: [SC-8, IA-9]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A client-side `tls.mode` overrides Istio's automatic mutual TLS for that destination.
#     DISABLE sends plaintext; SIMPLE encrypts but does not authenticate the calling service to
#     an in-mesh server, so the server can no longer authorize by workload identity (SC-8
#     transmission confidentiality, IA-9 service identification and authentication; zero-trust
#     tenet 2). SIMPLE is right only for servers outside the mesh (TLS origination to an
#     external API), which this rule leaves alone. `insecureSkipVerify` turns off the
#     verification of the server's certificate and SAN: the connection is encrypted to whoever
#     answers, so anyone on the path can read and change it.
#   remediation: >-
#     Use `tls.mode: ISTIO_MUTUAL` (or remove the `tls` block and let automatic mTLS apply) for
#     services in the mesh; use MUTUAL with client certificates for servers that do their own
#     mutual TLS; drop `insecureSkipVerify` and give the server's CA (`caCertificates` or
#     `credentialName`) when it is not a public one.
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
#     - https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/
package runeguard.istio.destination_rule_tls_not_mutual

import data.runeguard.lib.istio
import rego.v1

host := h if {
	h := input.spec.host
	is_string(h)
}

host := "<no host>" if not is_string(input.spec.host)

# Services of the exempt namespaces (istiod, kube-dns, the API server) run no sidecar and
# terminate TLS themselves: SIMPLE is how a client reaches them.
system_host if istio.exempt_namespaces[istio.host_namespace(host, istio.namespace(input))]

deny contains finding if {
	istio.is_kind(input, "DestinationRule")
	some tp in istio.traffic_policies(input)
	istio.enum(tp.value.tls.mode) == "DISABLE"
	finding := {
		"msg": sprintf("%s sets tls.mode DISABLE (%s) for host %q: traffic to it is plaintext", [istio.label(input), tp.where, host]),
		"path": array.concat(tp.path, ["tls", "mode"]),
	}
}

deny contains finding if {
	istio.is_kind(input, "DestinationRule")
	istio.in_mesh_host(host)
	not system_host
	some tp in istio.traffic_policies(input)
	istio.enum(tp.value.tls.mode) == "SIMPLE"
	finding := {
		"msg": sprintf("%s sets tls.mode SIMPLE (%s) for in-mesh host %q: the client presents no workload certificate; use ISTIO_MUTUAL", [istio.label(input), tp.where, host]),
		"path": array.concat(tp.path, ["tls", "mode"]),
	}
}

# TLS the client originates without checking whom it talks to. ISTIO_MUTUAL ignores the field
# (the sidecar verifies the peer's workload identity itself) and DISABLE is reported above.
deny contains finding if {
	istio.is_kind(input, "DestinationRule")
	some tp in istio.traffic_policies(input)
	tls := tp.value.tls
	is_object(tls)
	tls.insecureSkipVerify == true
	istio.enum(object.get(tls, "mode", null)) in {"SIMPLE", "MUTUAL"}
	finding := {
		"msg": sprintf("%s sets tls.insecureSkipVerify (%s, mode %s) for host %q: the client does not verify the server's certificate, so anyone on the path can impersonate it", [istio.label(input), tp.where, istio.enum(tls.mode), host]),
		"path": array.concat(tp.path, ["tls", "insecureSkipVerify"]),
	}
}
