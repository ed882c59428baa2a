# METADATA
# title: Gateways must not serve plaintext HTTP
# description: >-
#   Flags Istio Gateway servers on a plaintext HTTP protocol (HTTP, HTTP2, GRPC) that do not
#   set `tls.httpsRedirect: true`.
# custom:
#   id: IST-010
#   name: gateway-plaintext-http
#   severity: high
#   input: kubernetes
#   kinds: [Gateway]
#   controls:
#     nist-800-53: [SC-8, SC-23]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A gateway server on plain HTTP carries requests, cookies and tokens in clear text between
#     the client and the mesh edge, where they can be read or altered, and the client cannot
#     authenticate the server (SC-8 transmission confidentiality and integrity, SC-23 session
#     authenticity; zero-trust tenet 2). A port-80 server that only answers with a redirect to
#     HTTPS (`tls.httpsRedirect: true`) is the accepted exception.
#   remediation: >-
#     Serve the hosts on an HTTPS server (`protocol: HTTPS` with `tls.mode: SIMPLE` or `MUTUAL`
#     and a `credentialName`), and keep port 80 only with `tls: {httpsRedirect: true}`.
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
#     - https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/
package runeguard.istio.gateway_plaintext_http

import data.runeguard.lib.istio
import rego.v1

plaintext := {"HTTP", "HTTP2", "GRPC"}

deny contains finding if {
	istio.is_kind(input, "Gateway")
	some i, server in istio.items(istio.spec(input), "servers")
	protocol := istio.enum(server.port.protocol)
	plaintext[protocol]
	not object.get(server, ["tls", "httpsRedirect"], false) == true
	finding := {
		"msg": sprintf("%s, server %d (port %v, hosts %s) serves plaintext %s without tls.httpsRedirect", [istio.label(input), i, object.get(server, ["port", "number"], "?"), hosts(server), protocol]),
		"path": ["spec", "servers", i, "port", "protocol"],
	}
}

hosts(server) := concat(", ", [h | some h in server.hosts; is_string(h)]) if is_array(server.hosts)

hosts(server) := "none" if not is_array(server.hosts)
