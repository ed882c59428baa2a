# METADATA
# title: Every namespace with workloads must enforce STRICT mTLS
# description: >-
#   Whole-project rule. For each namespace with workloads in the scanned files, works out the
#   mTLS mode each workload gets from the PeerAuthentications in the scanned files: a policy
#   selecting the workload wins over the namespace-wide policy, which wins over the mesh-wide
#   policy in the root namespace; with none, Istio's default is PERMISSIVE. Flags the namespace
#   when it is not STRICT and some of its workloads are not STRICT through a workload policy.
#   A Red Hat OpenShift Service Mesh (Maistra) `ServiceMeshControlPlane` counts as the mesh-wide
#   policy its operator writes in the control plane's namespace, which is then a root namespace
#   too: STRICT when it turns data-plane mTLS on (`spec.security.dataPlane.mtls: true`, or
#   `spec.istio.global.mtls.enabled: true` in `maistra.io/v1`), PERMISSIVE otherwise. When the
#   files hold a ServiceMeshMemberRoll, a namespace it lists (or a ServiceMeshMember joins) gets
#   the mode of its own control plane only, and a namespace no roll or member enrols is outside
#   the mesh and not judged (unless a roll lists `*`). A roll's `memberSelectors` enrol the
#   scanned Namespaces whose labels match; while a roll selects by label, a namespace the files
#   do not define stays judged.
#   Judges only what was scanned, and only when the scanned files show an Istio mesh.
# custom:
#   id: IST-001
#   name: mtls-not-strict-in-namespace
#   severity: high
#   input: kubernetes
#   scope: project
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, Namespace, PeerAuthentication, AuthorizationPolicy, RequestAuthentication, VirtualService, DestinationRule, Gateway, ServiceEntry, Sidecar, ServiceMeshControlPlane, ServiceMeshMemberRoll, ServiceMeshMember]
#   controls:
#     nist-800-53: [SC-8, SC-23, IA-3]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     Istio's default is PERMISSIVE: sidecars talk mutual TLS to each other but still accept
#     plaintext, so anything that reaches a pod without a sidecar can call it unauthenticated
#     and unencrypted. Only a STRICT PeerAuthentication (mesh-wide in the root namespace,
#     namespace-wide, or per workload) makes authenticated, encrypted transport a guarantee
#     (SC-8 transmission confidentiality and integrity, SC-23 session authenticity, IA-3 device
#     authentication; zero-trust tenet 2). The rule leaves out system namespaces
#     (data.settings.istio.exempt_namespaces), workloads that opted out of injection (IST-015),
#     pods on the host network (the injector never gives them a sidecar; K8S-008 reports them),
#     Istio gateways, and the workloads of a namespace the scanned files define without an
#     enrolment label while they enrol other namespaces by label (outside the mesh, no proxy
#     applies a policy; a pod asking for a sidecar stays judged), and stays quiet on repositories with no sign of Istio unless
#     data.settings.istio.assume_mesh is true.
#   remediation: >-
#     Add a mesh-wide policy, `kind: PeerAuthentication` named `default` in the root namespace
#     (`istio-system`) with `spec: {mtls: {mode: STRICT}}`, or a namespace-wide one (no
#     selector) in each namespace; fix or remove PERMISSIVE and DISABLE overrides.
#   related:
#     - https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
#     - https://istio.io/latest/docs/reference/config/security/peer_authentication/
package runeguard.istio.mtls_not_strict_in_namespace

import data.runeguard.lib.istio
import rego.v1

peer_auths := [doc | some doc in istio.docs; istio.is_kind(doc, "PeerAuthentication")]

# A mode that decides (UNSET or no mtls block inherits from the parent scope).
mode(doc) := m if {
	m := istio.enum(object.get(istio.spec(doc), ["mtls", "mode"], null))
	m != ""
	m != "UNSET"
}

# The modes set mesh-wide: by a PeerAuthentication in a root namespace, or by a Maistra
# ServiceMeshControlPlane, whose operator writes one (STRICT when data-plane mTLS is on).
mesh_modes := {m | some doc in peer_auths; istio.mesh_wide(doc); m := mode(doc)} | control_plane_modes

control_plane_modes := {m | some doc in istio.docs; istio.is_control_plane(doc); m := istio.control_plane_mode(doc)}

# A namespace that the member rolls give to scanned control planes gets their modes and those of
# the mesh-wide policies in their namespaces only (Maistra's meshes are multi-tenant); any other
# gets every mesh-wide mode.
owners(ns) := istio.owning_namespaces(ns)

mesh_modes_of(ns) := {m |
	some doc in peer_auths
	istio.mesh_wide(doc)
	istio.namespace(doc) in owners(ns)
	m := mode(doc)
} | {m | some doc in istio.owning_control_planes(ns); m := istio.control_plane_mode(doc)} if {
	count(owners(ns)) > 0
} else := mesh_modes

# The control planes that leave data-plane mTLS off, with the field that would turn it on.
permissive_control_planes_of(ns) := sort([sprintf("%s (%s is not true)", [istio.name(doc), mtls_field(doc)]) |
	some doc in control_planes_of(ns)
	istio.control_plane_mode(doc) == "PERMISSIVE"
])

control_planes_of(ns) := istio.owning_control_planes(ns) if {
	count(owners(ns)) > 0
} else := {doc | some doc in istio.docs; istio.is_control_plane(doc)}

root_text_of(ns) := concat(" and ", sort(owners(ns))) if {
	count(owners(ns)) > 0
} else := istio.root_namespace_text

mtls_field(doc) := "spec.istio.global.mtls.enabled" if doc.apiVersion == "maistra.io/v1"

mtls_field(doc) := "spec.security.dataPlane.mtls" if doc.apiVersion != "maistra.io/v1"

# Indexes, built in one pass each (checking every workload against every policy is quadratic
# in the size of the repository): namespace-wide PeerAuthentications by namespace;
# workload-selecting ones by (namespace, label, value) of each of their matchLabels (a policy
# can only select a pod that carries all of them); workloads by namespace.
namespace_wide[ns] contains doc if {
	some doc in peer_auths
	istio.selects_all(doc)
	not istio.mesh_wide(doc)
	ns := istio.namespace(doc)
}

by_selector_label[key] contains doc if {
	some doc in peer_auths
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

namespace_modes(ns) := {m |
	some doc in namespace_wide[ns]
	m := mode(doc)
}

workload_modes(w) := {m |
	labels := istio.pod_labels(w.doc)
	is_object(labels)
	some k, v in labels
	some doc in by_selector_label[json.marshal([w.ns, k, v])]
	istio.selects(doc, labels)
	m := mode(doc)
}

# Every deciding policy at that scope says STRICT (when several disagree, Istio picks the
# oldest; the rule does not guess which).
all_strict(modes) if {
	count(modes) > 0
	every m in modes {
		m == "STRICT"
	}
}

namespace_strict(ns) if all_strict(namespace_modes(ns))

namespace_strict(ns) if {
	count(namespace_modes(ns)) == 0
	all_strict(mesh_modes_of(ns))
}

workload_strict(w) if all_strict(workload_modes(w))

namespaces := {w.ns | some w in istio.mesh_workloads}

uncovered(ns) := sort([[w.i, istio.label(w.doc)] |
	some w in workloads_by_namespace[ns]
	not workload_strict(w)
])

# Why the namespace is not STRICT.
reason(ns) := sprintf("its namespace-wide PeerAuthentication sets mtls.mode %s and none in the scanned files sets STRICT for these workloads", [concat("/", sort(namespace_modes(ns)))]) if {
	count(namespace_modes(ns)) > 0
}

reason(ns) := sprintf("the mesh-wide PeerAuthentication in %s sets mtls.mode %s and none in the scanned files sets STRICT for the namespace or these workloads", [root_text_of(ns), concat("/", sort(mesh_modes_of(ns)))]) if {
	count(namespace_modes(ns)) == 0
	count(mesh_modes_of(ns)) > 0
	count(permissive_control_planes_of(ns)) == 0
}

reason(ns) := sprintf("the ServiceMeshControlPlane %s leaves data-plane mTLS off, so the mesh-wide PeerAuthentication its operator writes is PERMISSIVE, and none in the scanned files sets STRICT for the namespace or these workloads", [concat(", ", permissive_control_planes_of(ns))]) if {
	count(namespace_modes(ns)) == 0
	count(permissive_control_planes_of(ns)) > 0
}

reason(ns) := sprintf("no PeerAuthentication in the scanned files sets mtls.mode STRICT mesh-wide (in %s), for the namespace or for these workloads, so Istio's PERMISSIVE default applies", [root_text_of(ns)]) if {
	count(namespace_modes(ns)) == 0
	count(mesh_modes_of(ns)) == 0
}

deny contains finding if {
	some ns in namespaces
	not namespace_strict(ns)
	gaps := uncovered(ns)
	count(gaps) > 0
	first := gaps[0][0]
	labels := sort({l | some g in gaps; l := g[1]})
	finding := {
		"msg": sprintf("namespace %s has workloads without STRICT mTLS (%s): %s", [ns, istio.label_list(labels), reason(ns)]),
		"path": array.concat(["documents", first], istio.namespace_path(istio.docs[first])),
	}
}
