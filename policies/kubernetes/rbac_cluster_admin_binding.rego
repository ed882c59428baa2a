# METADATA
# title: Subjects should not be bound to cluster-admin
# description: >-
#   Flags RoleBindings and ClusterRoleBindings whose roleRef is the cluster-admin ClusterRole,
#   except Kubernetes' own binding of it to the system:masters group.
# custom:
#   id: K8S-032
#   name: rbac-cluster-admin-binding
#   severity: high
#   input: kubernetes
#   kinds: [RoleBinding, ClusterRoleBinding]
#   controls:
#     nist-800-53: [AC-6(5)]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     cis-kubernetes: [5.1.1]
#   rationale: >-
#     cluster-admin allows every action on every resource. Bound cluster-wide it makes the
#     subject a superuser of the cluster; bound in a namespace (RoleBinding) it still lets the
#     subject read every Secret, run any pod and rewrite RBAC there. Privileged accounts must
#     be few, named and reviewed (AC-6(5)).
#   remediation: >-
#     Bind a role that lists what the subject needs (`admin`, `edit` or a custom Role in its
#     namespace); keep cluster-admin for break-glass access outside of manifests.
#   related:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
package runeguard.kubernetes.rbac_cluster_admin_binding

import data.runeguard.lib.k8s
import rego.v1

subjects := [s | s := input.subjects[_]; is_object(s)]

subject_label(s) := sprintf("%s %s/%s", [s.kind, s.namespace, s.name]) if {
	s.kind == "ServiceAccount"
	is_string(s.namespace)
}

subject_label(s) := sprintf("ServiceAccount %s/%s", [k8s.namespace, s.name]) if {
	s.kind == "ServiceAccount"
	not is_string(s.namespace)
	k8s.namespace
}

subject_label(s) := sprintf("%s %s", [object.get(s, "kind", "subject"), object.get(s, "name", "<unnamed>")]) if {
	not s.kind == "ServiceAccount"
}

subject_label(s) := sprintf("ServiceAccount %s", [object.get(s, "name", "<unnamed>")]) if {
	s.kind == "ServiceAccount"
	not is_string(s.namespace)
	not k8s.namespace
}

# Kubernetes' bootstrap binding: the cluster-admin ClusterRoleBinding to system:masters.
bootstrap if {
	count(subjects) > 0
	every s in subjects {
		s.kind == "Group"
		s.name == "system:masters"
	}
}

scope := "cluster-wide" if input.kind == "ClusterRoleBinding"

scope := sprintf("in namespace %s", [binding_namespace]) if input.kind == "RoleBinding"

binding_namespace := k8s.namespace

binding_namespace := "default" if not k8s.namespace

deny contains finding if {
	input.roleRef.name == "cluster-admin"
	not input.roleRef.kind == "Role"
	count(subjects) > 0
	not bootstrap
	names := [subject_label(s) | some s in subjects]
	finding := {
		"msg": sprintf("%s grants cluster-admin %s to %s", [k8s.object_label, scope, concat(", ", names)]),
		"path": ["roleRef", "name"],
	}
}
