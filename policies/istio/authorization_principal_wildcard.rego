# METADATA
# title: ALLOW rules must name their callers
# description: >-
#   Flags `principals`, `namespaces` or `requestPrincipals` of `*` in an ALLOW rule when nothing
#   else in the source or the rule's `when` narrows who the caller is.
# custom:
#   id: IST-017
#   name: authorization-principal-wildcard
#   severity: medium
#   input: kubernetes
#   kinds: [AuthorizationPolicy]
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     zero-trust: [ZT-6]
#   rationale: >-
#     `principals: ["*"]` allows any workload with a mesh certificate, `namespaces: ["*"]` any
#     namespace, and `requestPrincipals: ["*"]` anyone holding a valid token from any trusted
#     issuer: authentication is required, but every authenticated identity gets the same access,
#     which is not least privilege (AC-6; SOC 2 CC6.3; zero-trust tenet 6). A specific source
#     field beside it, or a `when` condition on the caller's identity or token claims, narrows
#     it and is not flagged.
#   remediation: >-
#     List the callers: `principals: ["cluster.local/ns/<ns>/sa/<service-account>"]`,
#     `namespaces: ["<ns>"]`, `requestPrincipals: ["<issuer>/<subject>"]`, or keep the wildcard
#     and add a `when` on `request.auth.claims[...]` (roles, groups, audiences).
#   related:
#     - https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source
#     - https://istio.io/latest/docs/ops/best-practices/security/#safer-authorization-policy-patterns
package runeguard.istio.authorization_principal_wildcard

import data.runeguard.lib.istio
import rego.v1

wildcard_fields := {
	"principals": "any workload with a mesh identity",
	"namespaces": "callers from any namespace",
	"requestPrincipals": "anyone with a valid token from any trusted issuer",
}

identity_fields := {"principals", "namespaces", "requestPrincipals", "serviceAccounts", "ipBlocks", "remoteIpBlocks"}

# `when` keys that constrain who the caller is.
identity_condition(key) if {
	is_string(key)
	some prefix in ["request.auth.", "source.principal", "source.namespace", "source.serviceAccount", "source.ip", "remote.ip", "connection.sni"]
	startswith(key, prefix)
}

# Another identity field in the same source with only specific values.
narrowed_source(source, field) if {
	some other, values in source
	other != field
	identity_fields[other]
	is_array(values)
	count(values) > 0
	not "*" in values
}

narrowed_rule(rule) if {
	some condition in istio.items(rule, "when")
	identity_condition(condition.key)
}

deny contains finding if {
	istio.is_kind(input, "AuthorizationPolicy")
	istio.action(input) == "ALLOW"
	some i, rule in istio.rules(input)
	not narrowed_rule(rule)
	some j, from in istio.items(rule, "from")
	source := from.source
	is_object(source)
	some field, who in wildcard_fields
	values := source[field]
	is_array(values)
	"*" in values
	not narrowed_source(source, field)
	finding := {
		"msg": sprintf("%s, rule %d allows %s \"*\": %s", [istio.label(input), i, field, who]),
		"path": ["spec", "rules", i, "from", j, "source", field],
	}
}
