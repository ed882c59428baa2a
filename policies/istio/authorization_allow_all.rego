# METADATA
# title: AuthorizationPolicies must not allow every request
# description: >-
#   Flags ALLOW AuthorizationPolicies with a rule that matches every request: an empty rule
#   (`rules: [{}]`), or a rule with no `from` and no `when` whose operations are all wildcards
#   (`paths: ["*"]`, `methods: ["*"]`).
# custom:
#   id: IST-007
#   name: authorization-allow-all
#   severity: critical
#   input: kubernetes
#   kinds: [AuthorizationPolicy]
#   controls:
#     nist-800-53: [AC-3, AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     Rules of an ALLOW policy are OR-ed: one rule that matches everything allows every request
#     from any caller, plaintext included, to the workloads in scope, and it overrides the
#     deny-by-default that any other ALLOW policy would give them (AC-3 access enforcement, AC-6
#     least privilege; zero-trust tenet 6, dynamic and strictly enforced authorization).
#     Note the difference with `spec: {}`, which allows nothing.
#   remediation: >-
#     Replace the empty rule with rules that name the callers (`from.source.principals` or
#     `namespaces`) and the operations (`to.operation.methods`, `paths`) they may use; use
#     `spec: {}` for allow-nothing.
#   related:
#     - https://istio.io/latest/docs/reference/config/security/authorization-policy/
#     - https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns
package runeguard.istio.authorization_allow_all

import data.runeguard.lib.istio
import rego.v1

scope := "every workload in the mesh" if istio.mesh_wide(input)

scope := sprintf("every workload in namespace %s", [istio.namespace(input)]) if {
	istio.selects_all(input)
	not istio.mesh_wide(input)
}

scope := "the workloads it selects" if not istio.selects_all(input)

shape(rule) := "is empty" if rule == {}

shape(rule) := "matches every request" if rule != {}

deny contains finding if {
	istio.is_kind(input, "AuthorizationPolicy")
	istio.action(input) == "ALLOW"
	some i, rule in istio.rules(input)
	istio.matches_everything(rule)
	finding := {
		"msg": sprintf("%s, rule %d %s: it allows any request from any caller to %s", [istio.label(input), i, shape(rule), scope]),
		"path": ["spec", "rules", i],
	}
}
