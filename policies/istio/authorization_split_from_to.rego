# METADATA
# title: AuthorizationPolicy rules must not split `from` and `to`
# description: >-
#   Flags an ALLOW rule that has `to` but no `from` (and no `when`) in a policy that also has a
#   rule with `from` but no `to`: the author meant one rule, but rules are OR-ed, so the
#   operation is allowed to any caller and the caller may do anything.
# custom:
#   id: IST-008
#   name: authorization-split-from-to
#   severity: high
#   input: kubernetes
#   kinds: [AuthorizationPolicy]
#   controls:
#     nist-800-53: [AC-3]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1, CC6.3]
#     zero-trust: [ZT-6]
#   rationale: >-
#     Inside one rule, `from`, `to` and `when` are AND-ed; separate rules are OR-ed. Writing
#     `- from: ...` and `- to: ...` as two list items therefore turns "this caller may GET and
#     POST" into "this caller may do anything, and anyone may GET and POST", which silently
#     removes the authorization the policy was written for (AC-3 access enforcement; SOC 2
#     CC6.1, CC6.3; zero-trust tenet 6). The architecture standard's own example policy has
#     exactly this defect.
#   remediation: >-
#     Put `from` and `to` in the same rule (one list item with both keys), as in
#     `rules: [{from: [{source: {principals: [...]}}], to: [{operation: {methods: [GET, POST]}}]}]`.
#   related:
#     - https://istio.io/latest/docs/reference/config/security/authorization-policy/#Rule
#     - https://istio.io/latest/docs/concepts/security/#authorization-policies
package runeguard.istio.authorization_split_from_to

import data.runeguard.lib.istio
import rego.v1

present(rule, key) if {
	v := rule[key]
	is_array(v)
	count(v) > 0
}

from_only(rule) if {
	present(rule, "from")
	not present(rule, "to")
}

# `to` alone: no `from` and no `when` restricts who may call.
to_only(rule) if {
	present(rule, "to")
	not present(rule, "from")
	not present(rule, "when")
}

from_only_rules := [i | some i, rule in istio.rules(input); from_only(rule)]

# What the open rule allows: its methods, else its paths, else "its operations".
operations(rule) := concat(", ", sort(methods)) if {
	methods := {m | some t in istio.items(rule, "to"); some m in istio.items(t.operation, "methods"); is_string(m)}
	count(methods) > 0
}

operations(rule) := concat(", ", sort(paths)) if {
	not any_method(rule)
	paths := {p | some t in istio.items(rule, "to"); some p in istio.items(t.operation, "paths"); is_string(p)}
	count(paths) > 0
}

# An L4 rule (wild18: a database's `ports: ["5432"]`): the ports it opens.
operations(rule) := sprintf("port%s %s", [suffix, concat(", ", sort(ports))]) if {
	not any_method(rule)
	not any_path(rule)
	ports := {sprintf("%v", [p]) | some t in istio.items(rule, "to"); some p in istio.items(t.operation, "ports"); port(p)}
	count(ports) > 0
	suffix := plural_s(ports)
}

operations(rule) := "use its operations" if {
	not any_method(rule)
	not any_path(rule)
	not any_port(rule)
}

port(p) if is_string(p)

port(p) if is_number(p)

plural_s(set) := "" if count(set) == 1

plural_s(set) := "s" if count(set) > 1

any_method(rule) if {
	some t in istio.items(rule, "to")
	some m in istio.items(t.operation, "methods")
	is_string(m)
}

any_path(rule) if {
	some t in istio.items(rule, "to")
	some p in istio.items(t.operation, "paths")
	is_string(p)
}

verb(rule) := "may" if any_method(rule)

verb(rule) := "may call" if {
	not any_method(rule)
	any_path(rule)
}

verb(rule) := "may reach" if {
	not any_method(rule)
	not any_path(rule)
	any_port(rule)
}

verb(rule) := "may" if {
	not any_method(rule)
	not any_path(rule)
	not any_port(rule)
}

any_port(rule) if {
	some t in istio.items(rule, "to")
	some p in istio.items(t.operation, "ports")
	port(p)
}

plural(list) := "rule" if count(list) == 1

plural(list) := "rules" if count(list) > 1

deny contains finding if {
	istio.is_kind(input, "AuthorizationPolicy")
	istio.action(input) == "ALLOW"
	count(from_only_rules) > 0
	some i, rule in istio.rules(input)
	to_only(rule)
	finding := {
		"msg": sprintf("%s, rule %d has `to` but no `from`, beside %s %s with `from` but no `to`: rules are OR-ed, so any caller %s %s; put `from` and `to` in the same rule", [istio.label(input), i, plural(from_only_rules), concat(", ", [sprintf("%d", [j]) | some j in from_only_rules]), verb(rule), operations(rule)]),
		"path": ["spec", "rules", i],
	}
}
