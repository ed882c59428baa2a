# METADATA
# title: RBAC must not grant access to anonymous or every authenticated user
# description: >-
#   Flags bindings whose subjects include system:anonymous or system:unauthenticated (to any
#   role but the public-info one), or system:authenticated bound to a role that writes.
# custom:
#   id: K8S-034
#   name: rbac-binds-anonymous
#   severity: critical
#   input: kubernetes
#   kinds: [RoleBinding, ClusterRoleBinding]
#   controls:
#     nist-800-53: [AC-3, IA-2]
#     nist-csf-2.0: [PR.AA-03]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     `system:anonymous` and `system:unauthenticated` are whoever reaches the API server
#     without credentials; `system:authenticated` is anyone with any valid credential,
#     including every service account of every namespace and, on managed clusters, any
#     account of the cloud provider. Granting them a role gives it to identities nobody
#     authenticated or chose (IA-2, AC-3). The bootstrap binding of
#     system:public-info-viewer (version and health endpoints) is not reported
#     (`data.settings.kubernetes.anonymous_safe_cluster_roles`); system:authenticated is
#     reported when the role is one that writes
#     (`data.settings.kubernetes.write_cluster_roles`).
#   remediation: >-
#     Bind the role to the users, groups or service accounts that need it, and keep anonymous
#     authentication disabled (`--anonymous-auth=false`) where the health endpoints allow it.
#   related:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
package runeguard.kubernetes.rbac_binds_anonymous

import data.runeguard.lib.k8s
import rego.v1

role := input.roleRef.name

role_kind := object.get(input.roleRef, "kind", "ClusterRole")

cluster_role(names) if {
	role_kind == "ClusterRole"
	role in {n | some n in names}
}

unauthenticated_names := {"system:anonymous": "any request without credentials", "system:unauthenticated": "any request without credentials"}

deny contains finding if {
	s := input.subjects[i]
	reach := unauthenticated_names[s.name]
	not s.kind == "ServiceAccount"
	not cluster_role(data.settings.kubernetes.anonymous_safe_cluster_roles)
	finding := {
		"msg": sprintf("%s grants %s %s to %s (%s)", [k8s.object_label, role_kind, role, s.name, reach]),
		"path": ["subjects", i, "name"],
	}
}

deny contains finding if {
	s := input.subjects[i]
	s.name == "system:authenticated"
	not s.kind == "ServiceAccount"
	cluster_role(data.settings.kubernetes.write_cluster_roles)
	finding := {
		"msg": sprintf("%s grants ClusterRole %s, which writes, to system:authenticated (every authenticated user and service account)", [k8s.object_label, role]),
		"path": ["subjects", i, "name"],
	}
}
