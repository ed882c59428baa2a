# METADATA
# title: RBAC rules must not use wildcards
# description: >-
#   Flags Role and ClusterRole rules with `*` in verbs, resources or apiGroups.
#   Roles the control plane manages (`system:` names, bootstrap roles) are not reported.
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

# Roles the control plane manages (bootstrap roles, reconciled at every API server start; the
# `system:` prefix is reserved to Kubernetes, `gce:`/`eks:` to the providers): their rules
# are not the repository's to change. See `data.settings.kubernetes.managed_cluster_roles`
# and `managed_role_prefixes`.
managed_role if input.metadata.annotations["rbac.authorization.kubernetes.io/autoupdate"] == "true"

managed_role if {
	input.kind == "ClusterRole"
	input.metadata.name in {n | some n in data.settings.kubernetes.managed_cluster_roles}
}

managed_role if {
	name := input.metadata.name
	is_string(name)
	some prefix in data.settings.kubernetes.managed_role_prefixes
	startswith(name, prefix)
}

deny contains finding if {
	not managed_role
	rule := input.rules[i]
	some field in ["verbs", "resources", "apiGroups"]
	value := rule[field][j]
	value == "*"
	finding := {
		"msg": sprintf("%s allows %s (\"*\" in %s of rule %d)", [k8s.object_label, what[field], field, i]),
		"path": ["rules", i, field, j],
	}
}
