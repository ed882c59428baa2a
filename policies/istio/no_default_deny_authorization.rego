# METADATA
# title: Every namespace with workloads must deny by default
# description: >-
#   Whole-project rule. Flags a namespace with workloads in the scanned files when no
#   AuthorizationPolicy in the scanned files puts them on deny-by-default: an allow-nothing
#   policy (`spec: {}`) or a deny-all policy, mesh-wide in the root namespace or namespace-wide,
#   or an ALLOW policy that applies to them (then every request it does not match is denied).
#   The namespace of a scanned Red Hat OpenShift Service Mesh (Maistra) `ServiceMeshControlPlane`
#   is a root namespace too (its operator makes it the mesh's); when a ServiceMeshMemberRoll or
#   ServiceMeshMember of the files gives a namespace to scanned control planes, only the policies
#   of their namespaces are mesh-wide for it, and a namespace outside every roll that names its
#   members (by name, or by `memberSelectors` matching a scanned Namespace) is outside the mesh.
#   Judges only what was scanned, and only when the scanned files show an Istio mesh.
# custom:
#   id: IST-009
#   name: no-default-deny-authorization
#   severity: medium
#   input: kubernetes
#   scope: project
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, Namespace, PeerAuthentication, AuthorizationPolicy, RequestAuthentication, VirtualService, DestinationRule, Gateway, ServiceEntry, Sidecar, ServiceMeshControlPlane, ServiceMeshMemberRoll, ServiceMeshMember]
#   controls:
#     nist-800-53: [AC-3, AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#   rationale: >-
#     With no AuthorizationPolicy applying to a workload, Istio allows every request to it: any
#     workload in the mesh (or anything that reaches it) can call every endpoint. Zero trust
#     needs the opposite default, where access exists only where a policy grants it (AC-3
#     access enforcement, AC-6 least privilege; zero-trust tenet 6). A namespace-wide or
#     mesh-wide allow-nothing policy also covers workloads added later. System namespaces
#     (data.settings.istio.exempt_namespaces), workloads that opted out of injection (IST-015),
#     pods on the host network (the injector never gives them a sidecar; K8S-008 reports them),
#     Istio gateways, and the workloads of a namespace the scanned files define without an
#     enrolment label while they enrol other namespaces by label (outside the mesh; a pod
#     asking for a sidecar stays judged) are left out.
#   remediation: >-
#     Add an allow-nothing policy to each namespace (`kind: AuthorizationPolicy`, no selector,
#     `spec: {}`), or one mesh-wide in the root namespace, then grant each caller what it needs
#     with ALLOW policies.
#   related:
#     - https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns
#     - https://istio.io/latest/docs/reference/config/security/authorization-policy/
package runeguard.istio.no_default_deny_authorization

import data.runeguard.lib.istio
import rego.v1

policies := [doc | some doc in istio.docs; istio.is_kind(doc, "AuthorizationPolicy")]

mesh_default_deny if {
	some doc in policies
	istio.mesh_wide(doc)
	istio.default_deny(doc)
}

# Maistra is multi-tenant: a namespace that the member rolls give to scanned control planes is
# covered by the mesh-wide policies of their namespaces only.
mesh_default_deny_for(ns) if {
	owners := istio.owning_namespaces(ns)
	count(owners) > 0
	some doc in policies
	istio.mesh_wide(doc)
	istio.namespace(doc) in owners
	istio.default_deny(doc)
}

mesh_default_deny_for(ns) if {
	count(istio.owning_namespaces(ns)) == 0
	mesh_default_deny
}

root_text_of(ns) := concat(" and ", sort(istio.owning_namespaces(ns))) if {
	count(istio.owning_namespaces(ns)) > 0
} else := istio.root_namespace_text

# Indexes, built in one pass each (checking every workload against every policy is quadratic
# in the size of the repository): namespace-wide policies by namespace; workload-selecting
# policies by (namespace, label, value) of each of their matchLabels (a policy can only select
# a pod that carries all of them); workloads by namespace.
namespace_wide[ns] contains doc if {
	some doc in policies
	istio.selects_all(doc)
	ns := istio.namespace(doc)
}

by_selector_label[key] contains doc if {
	some doc in policies
	ns := istio.namespace(doc)
	labels := istio.selector_labels(doc)
	is_object(labels)
	some k, v in labels
	key := json.marshal([ns, k, v])
}

workloads_by_namespace[ns] contains w if {
	some w in istio.mesh_workloads
	ns := w.ns
}

namespace_default_deny(ns) if {
	some doc in namespace_wide[ns]
	istio.default_deny(doc)
}

workload_default_deny(w) if {
	labels := istio.pod_labels(w.doc)
	is_object(labels)
	some k, v in labels
	some doc in by_selector_label[json.marshal([w.ns, k, v])]
	istio.selects(doc, labels)
	istio.default_deny(doc)
}

namespaces := {w.ns | some w in istio.mesh_workloads}

uncovered(ns) := sort([[w.i, istio.label(w.doc)] |
	some w in workloads_by_namespace[ns]
	not workload_default_deny(w)
])

deny contains finding if {
	some ns in namespaces
	not mesh_default_deny_for(ns)
	not namespace_default_deny(ns)
	gaps := uncovered(ns)
	count(gaps) > 0
	first := gaps[0][0]
	labels := sort({l | some g in gaps; l := g[1]})
	finding := {
		"msg": sprintf("namespace %s has workloads with no deny-by-default authorization (%s): no AuthorizationPolicy in the scanned files denies by default mesh-wide (in %s), for the namespace or for these workloads", [ns, istio.label_list(labels), root_text_of(ns)]),
		"path": array.concat(["documents", first], istio.namespace_path(istio.docs[first])),
	}
}
