# METADATA
# title: RequestAuthentication needs an AuthorizationPolicy that requires a token
# description: >-
#   Whole-project rule. Flags a RequestAuthentication with JWT rules when no AuthorizationPolicy
#   in the scanned files requires a request principal for the same workloads: an ALLOW rule with
#   `requestPrincipals` (or a `when` on `request.auth.*`), or a DENY rule with
#   `notRequestPrincipals`, mesh-wide, namespace-wide, or with a selector that covers the
#   RequestAuthentication's selector (or the same `targetRef`). A namespace-wide
#   RequestAuthentication (not a mesh-wide one) is paired by such a policy for any workload of
#   its namespace: it declares the issuers the namespace trusts, and per-workload policies
#   require the token where one is needed. Judges only what was scanned.
# custom:
#   id: IST-014
#   name: jwt-not-required
#   severity: high
#   input: kubernetes
#   scope: project
#   kinds: [RequestAuthentication, AuthorizationPolicy]
#   controls:
#     nist-800-53: [IA-2, AC-3]
#     nist-csf-2.0: [PR.AA-03]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     A RequestAuthentication only rejects requests whose token is invalid: a request with no
#     token at all passes, with no request principal. Unless an AuthorizationPolicy requires a
#     principal, end-user authentication is optional, which is the most common Istio JWT
#     mistake (IA-2 identification and authentication, AC-3 access enforcement; zero-trust
#     tenet 6).
#   remediation: >-
#     Add an AuthorizationPolicy with the same selector that requires a principal, e.g. an ALLOW
#     rule `from: [{source: {requestPrincipals: ["<issuer>/*"]}}]`, or a DENY rule
#     `from: [{source: {notRequestPrincipals: ["*"]}}]`.
#   related:
#     - https://istio.io/latest/docs/reference/config/security/request_authentication/
#     - https://istio.io/latest/docs/tasks/security/authorization/authz-jwt/
package runeguard.istio.jwt_not_required

import data.runeguard.lib.istio
import rego.v1

policies := [doc | some doc in istio.docs; istio.is_kind(doc, "AuthorizationPolicy")]

present(v) if {
	is_array(v)
	count(v) > 0
}

# The policy makes a request principal necessary for the requests its rules are about.
requires_principal(ap) if {
	istio.action(ap) == "ALLOW"
	some rule in istio.rules(ap)
	some from in istio.items(rule, "from")
	present(from.source.requestPrincipals)
}

requires_principal(ap) if {
	istio.action(ap) == "ALLOW"
	some rule in istio.rules(ap)
	some condition in istio.items(rule, "when")
	is_string(condition.key)
	startswith(condition.key, "request.auth.")
}

requires_principal(ap) if {
	istio.action(ap) == "DENY"
	some rule in istio.rules(ap)
	some from in istio.items(rule, "from")
	present(from.source.notRequestPrincipals)
}

target_refs(doc) := {ref_key(r) | some r in istio.items(istio.spec(doc), "targetRefs"); is_object(r)} | {ref_key(r) | r := istio.spec(doc).targetRef; is_object(r)}

ref_key(r) := sprintf("%v/%v", [object.get(r, "kind", ""), object.get(r, "name", "")])

# The AuthorizationPolicy applies to every workload the RequestAuthentication applies to.
covers(ap, _) if istio.mesh_wide(ap)

covers(ap, ra) if {
	istio.namespace(ap) == istio.namespace(ra)
	istio.selects_all(ap)
}

covers(ap, ra) if {
	istio.namespace(ap) == istio.namespace(ra)
	not istio.has_target_ref(ra)
	not istio.has_target_ref(ap)
	ap_labels := istio.selector_labels(ap)
	count(ap_labels) > 0
	istio.selects(ap, istio.selector_labels(ra))
}

covers(ap, ra) if {
	istio.namespace(ap) == istio.namespace(ra)
	count(target_refs(ra) & target_refs(ap)) > 0
}

# A namespace-wide RequestAuthentication declares the issuers trusted there; the
# usual pairing is one AuthorizationPolicy per protected workload. A policy of the namespace that
# requires a principal for some of its workloads is that pairing: the others (the identity
# provider itself, a database) are not shown to need a token.
covers(ap, ra) if {
	istio.selects_all(ra)
	not istio.mesh_wide(ra)
	istio.namespace(ap) == istio.namespace(ra)
}

scope(ra) := "every workload in the mesh" if istio.mesh_wide(ra)

scope(ra) := sprintf("every workload in namespace %s", [istio.namespace(ra)]) if {
	istio.selects_all(ra)
	not istio.mesh_wide(ra)
}

scope(ra) := sprintf("the workloads labelled %s", [concat(", ", sort([sprintf("%s=%v", [k, v]) | some k, v in istio.selector_labels(ra)]))]) if {
	not istio.has_target_ref(ra)
	labels := istio.selector_labels(ra)
	is_object(labels)
	count(labels) > 0
}

scope(ra) := concat(", ", sort(target_refs(ra))) if istio.has_target_ref(ra)

deny contains finding if {
	some i, ra in istio.docs
	istio.is_kind(ra, "RequestAuthentication")
	present(istio.spec(ra).jwtRules)
	not any_requiring_policy(ra)
	finding := {
		"msg": sprintf("%s validates tokens for %s, but no AuthorizationPolicy in the scanned files requires a request principal for them: requests without a token are still allowed", [istio.label(ra), scope(ra)]),
		"path": ["documents", i, "spec", "jwtRules"],
	}
}

any_requiring_policy(ra) if {
	some ap in policies
	requires_principal(ap)
	covers(ap, ra)
}
