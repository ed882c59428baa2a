# METADATA
# title: RBAC rules must not use wildcards
# description: >-
#   Flags Role and ClusterRole rules with `*` in verbs, resources or apiGroups.
# custom:
#   id: K8S-030
#   name: rbac-wildcard
#   severity: high
#   input: kubernetes
#   kinds: [Role, ClusterRole]
#   controls:
#     nist-800-53: [AC-6, AC-3]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     zero-trust: [ZT-6]
#     cis-kubernetes: [5.1.3]
#   rationale: >-
#     A wildcard grants every verb, resource or API group that exists now and every one added
#     later (new subresources, CRDs installed by operators), so nobody can say what the role
#     allows: the opposite of least privilege (AC-6) and of access enforced per resource
#     (AC-3).
#   remediation: >-
#     List the verbs, resources and API groups the subject needs (`kubectl auth can-i --list`
#     and audit logs show what it uses), and split rules per API group.
#   related:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
package runeguard.kubernetes.rbac_wildcard

import data.runeguard.lib.k8s
import rego.v1

what := {"verbs": "every verb", "resources": "every resource", "apiGroups": "every API group"}

deny contains finding if {
	rule := input.rules[i]
	some field in ["verbs", "resources", "apiGroups"]
	value := rule[field][j]
	value == "*"
	finding := {
		"msg": sprintf("%s allows %s (\"*\" in %s of rule %d)", [k8s.object_label, what[field], field, i]),
		"path": ["rules", i, field, j],
	}
}
