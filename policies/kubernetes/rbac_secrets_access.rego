# METADATA
# title: RBAC rules should not let subjects read Secrets
# description: >-
#   Flags Role and ClusterRole rules that allow get, list or watch on Secrets of the core API
#   group (named or through `*`), unless restricted to named Secrets with resourceNames.
#   Roles the control plane manages (`system:` names, bootstrap roles) are not reported.
# custom:
#   id: K8S-031
#   name: rbac-secrets-access
#   severity: medium
#   input: kubernetes
#   kinds: [Role, ClusterRole]
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     cis-kubernetes: [5.1.2]
#   rationale: >-
#     Secrets hold the credentials of everything else: service account tokens, database
#     passwords, TLS keys. `list` and `watch` return the content of every Secret in scope,
#     not only their names, so reading Secrets is equivalent to holding every credential they
#     contain, across all namespaces for a ClusterRole.
#   remediation: >-
#     Mount the Secrets a workload needs instead of reading them through the API; where an
#     operator must read one, grant `get` with `resourceNames` listing exactly those Secrets,
#     in a namespaced Role.
#   related:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
package runeguard.kubernetes.rbac_secrets_access

import data.runeguard.lib.k8s
import rego.v1

read_verbs := ["get", "list", "watch"]

core_group(rule) if {
	g := rule.apiGroups[_]
	g in {"", "*"}
}

unrestricted(rule) if count(object.get(rule, "resourceNames", [])) == 0

verbs(rule) := read_verbs if "*" in rule.verbs

verbs(rule) := [v | some v in read_verbs; v in rule.verbs] if not "*" in rule.verbs

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
	core_group(rule)
	unrestricted(rule)
	allowed := verbs(rule)
	count(allowed) > 0
	resource := rule.resources[j]
	resource in {"secrets", "*"}
	finding := {
		"msg": sprintf("%s can %s Secrets (rule %d)", [k8s.object_label, concat(", ", allowed), i]),
		"path": ["rules", i, "resources", j],
	}
}
