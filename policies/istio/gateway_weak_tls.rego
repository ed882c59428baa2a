# METADATA
# title: Gateways must not accept weak TLS
# description: >-
#   Flags Istio Gateway servers whose `tls.minProtocolVersion` (or `maxProtocolVersion`) is
#   below TLSV1_2, or whose `tls.cipherSuites` list a weak suite: no forward secrecy (static RSA
#   key exchange), CBC with SHA-1, 3DES, RC4, NULL, EXPORT, MD5 or anonymous suites, named as
#   OpenSSL names them (`AES128-SHA`) or by their IANA name (`TLS_RSA_WITH_AES_128_CBC_SHA`),
#   both of which Envoy accepts.
# custom:
#   id: IST-011
#   name: gateway-weak-tls
#   severity: medium
#   input: kubernetes
#   kinds: [Gateway]
#   controls:
#     nist-800-53: [SC-13, SC-8(1)]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#   rationale: >-
#     TLS 1.0 and 1.1 are deprecated (RFC 8996) and NIST SP 800-52 Rev. 2 requires TLS 1.2 or
#     later with forward-secret, AEAD cipher suites; accepting weaker versions or suites lets an
#     attacker on the path downgrade a connection and attack its cryptography (SC-13
#     cryptographic protection, SC-8(1) cryptographic protection of transmissions; SOC 2 CC6.7).
#   remediation: >-
#     Set `tls.minProtocolVersion: TLSV1_2` (or TLSV1_3), and either drop `cipherSuites` (Istio's
#     defaults are strong) or list only ECDHE suites with AES-GCM or CHACHA20-POLY1305.
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSProtocol
#     - https://csrc.nist.gov/pubs/sp/800/52/r2/final
#     - https://www.rfc-editor.org/rfc/rfc8996
package runeguard.istio.gateway_weak_tls

import data.runeguard.lib.istio
import rego.v1

weak_versions := {"TLSV1_0", "TLSV1_1"}

servers contains [i, server] if {
	istio.is_kind(input, "Gateway")
	some i, server in istio.items(istio.spec(input), "servers")
	is_object(server.tls)
}

deny contains finding if {
	some [i, server] in servers
	some field in ["minProtocolVersion", "maxProtocolVersion"]
	version := istio.enum(server.tls[field])
	weak_versions[version]
	finding := {
		"msg": sprintf("%s, server %d (port %v) sets tls.%s %s: TLS below 1.2 is deprecated", [istio.label(input), i, object.get(server, ["port", "number"], "?"), field, version]),
		"path": ["spec", "servers", i, "tls", field],
	}
}

deny contains finding if {
	some [i, server] in servers
	suites := server.tls.cipherSuites
	is_array(suites)
	weak := [sprintf("%s (%s)", [s, reason]) | some s in suites; is_string(s); reason := weakness(upper(s))]
	count(weak) > 0
	finding := {
		"msg": sprintf("%s, server %d (port %v) allows weak cipher suites: %s", [istio.label(input), i, object.get(server, ["port", "number"], "?"), concat(", ", weak)]),
		"path": ["spec", "servers", i, "tls", "cipherSuites"],
	}
}

# Why a cipher suite (OpenSSL/BoringSSL name) is weak; the first reason that applies.
weakness(s) := "broken cipher" if broken(s)

weakness(s) := "no forward secrecy" if {
	not broken(s)
	not tls13(s)
	not forward_secret(s)
}

weakness(s) := "CBC with SHA-1" if {
	not broken(s)
	not tls13(s)
	forward_secret(s)
	sha1_mac(s)
}

# Envoy's BoringSSL takes a suite by its OpenSSL name (`ECDHE-RSA-AES128-SHA`) or by its
# standard IANA name (`TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA`); both are judged alike.
broken(s) if {
	some marker in ["RC4", "3DES", "DES-CBC", "_DES_", "NULL", "EXPORT", "EXP-", "MD5", "ADH-", "AECDH-", "ANON"]
	contains(s, marker)
}

# The TLS 1.3 suites (their names start with `TLS_` and hold no `_WITH_`): Envoy does not let
# them be chosen, and all are strong.
tls13(s) if {
	startswith(s, "TLS_")
	not contains(s, "_WITH_")
}

forward_secret(s) if startswith(s, "ECDHE-")

forward_secret(s) if startswith(s, "DHE-")

forward_secret(s) if startswith(s, "TLS_ECDHE_")

forward_secret(s) if startswith(s, "TLS_DHE_")

sha1_mac(s) if endswith(s, "-SHA")

sha1_mac(s) if {
	startswith(s, "TLS_")
	endswith(s, "_SHA")
}
