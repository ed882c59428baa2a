# Helpers shared by the Istio rules (IST-*). Istio resources are Kubernetes objects: a rule's
# `kinds` filter only looks at `kind`, so every rule also checks the apiVersion group here
# (any version: v1alpha3, v1beta1, v1), which keeps e.g. the Gateway API's
# `gateway.networking.k8s.io` Gateway away from the Istio Gateway rules.
#
# Document-scope helpers take the document as an argument, so that whole-project rules can use
# them on `input.documents[i]` too. Settings live under data.settings.istio
# (policies/settings/istio.json).
package runeguard.lib.istio

import data.runeguard.lib.k8s_selectors as sel
import rego.v1

default settings := {}

settings := data.settings.istio

# The mesh's root namespace: a PeerAuthentication or AuthorizationPolicy without a selector
# there applies to the whole mesh.
root_namespace := object.get(settings, "root_namespace", "istio-system")

# The cluster's DNS domain, for short host names (`reviews` = `reviews.<ns>.svc.cluster.local`).
mesh_domain := object.get(settings, "mesh_domain", "cluster.local")

# Namespaces whose workloads the coverage rules (IST-001, IST-009, IST-015) leave alone.
exempt_namespaces := {ns | some ns in list(object.get(settings, "exempt_namespaces", []))}

# The group of each Istio kind the rules know.
kind_group := {
	"VirtualService": "networking.istio.io",
	"DestinationRule": "networking.istio.io",
	"Gateway": "networking.istio.io",
	"ServiceEntry": "networking.istio.io",
	"Sidecar": "networking.istio.io",
	"EnvoyFilter": "networking.istio.io",
	"WorkloadEntry": "networking.istio.io",
	"WorkloadGroup": "networking.istio.io",
	"ProxyConfig": "networking.istio.io",
	"PeerAuthentication": "security.istio.io",
	"AuthorizationPolicy": "security.istio.io",
	"RequestAuthentication": "security.istio.io",
	"Telemetry": "telemetry.istio.io",
	"WasmPlugin": "extensions.istio.io",
	"IstioOperator": "install.istio.io",
}

# The group of an apiVersion (`networking.istio.io/v1beta1` -> `networking.istio.io`).
group(doc) := g if {
	is_string(doc.apiVersion)
	parts := split(doc.apiVersion, "/")
	count(parts) == 2
	g := parts[0]
}

# True when doc is the Istio resource `kind`, whatever its version.
is_kind(doc, kind) if {
	doc.kind == kind
	group(doc) == kind_group[kind]
}

# True for any resource of an Istio API group.
is_istio(doc) if endswith(group(doc), ".istio.io")

# v when it is an array, [] otherwise: a `some x in` over input data must never meet a null
# or a scalar (regorus stops the rule with an error there).
list(v) := v if is_array(v)

list(v) := [] if not is_array(v)

# The array under o[key], or [] (o itself may be anything).
items(o, key) := list(object.get(o, key, [])) if is_object(o)

items(o, _) := [] if not is_object(o)

spec(doc) := s if {
	s := doc.spec
	is_object(s)
}

spec(doc) := {} if not is_object(doc.spec)

metadata(doc) := m if {
	m := doc.metadata
	is_object(m)
}

metadata(doc) := {} if not is_object(doc.metadata)

# The namespace set on the object, if any.
set_namespace(doc) := ns if {
	ns := metadata(doc).namespace
	is_string(ns)
	ns != ""
}

# The namespace the object lands in: its own, or `default` when none is set (what
# `kubectl apply` does without `-n`).
namespace(doc) := ns if ns := set_namespace(doc)

namespace(doc) := "default" if not set_namespace(doc)

name(doc) := n if {
	n := metadata(doc).name
	is_string(n)
}

name(doc) := "<unnamed>" if not is_string(metadata(doc).name)

# `AuthorizationPolicy payments/api`, or `AuthorizationPolicy api` when no namespace is set.
label(doc) := sprintf("%s %s/%s", [doc.kind, ns, name(doc)]) if ns := set_namespace(doc)

label(doc) := sprintf("%s %s", [doc.kind, name(doc)]) if not set_namespace(doc)

# Where a finding about the object as a whole points: its namespace line, else its metadata.
namespace_path(doc) := ["metadata", "namespace"] if set_namespace(doc)

namespace_path(doc) := ["metadata"] if {
	not set_namespace(doc)
	is_object(doc.metadata)
}

namespace_path(doc) := [] if not is_object(doc.metadata)

# An Istio enum value (`mode`, `action`, ...) as written, upper-cased; absent = "".
enum(v) := upper(v) if is_string(v)

enum(v) := "" if not is_string(v)

# --- selectors -------------------------------------------------------------------------------

# The labels of a workload selector (`spec.selector.matchLabels` for security resources,
# `spec.workloadSelector.labels` for Sidecar and DestinationRule); {} when it selects everything.
selector_labels(doc) := object.get(spec(doc), ["selector", "matchLabels"], {}) if is_kind(doc, "PeerAuthentication")

selector_labels(doc) := object.get(spec(doc), ["selector", "matchLabels"], {}) if is_kind(doc, "AuthorizationPolicy")

selector_labels(doc) := object.get(spec(doc), ["selector", "matchLabels"], {}) if is_kind(doc, "RequestAuthentication")

# Policies attached to gateways or waypoints (`targetRef`, `targetRefs`) instead of a selector.
has_target_ref(doc) if is_object(spec(doc).targetRef)

has_target_ref(doc) if {
	is_array(spec(doc).targetRefs)
	count(spec(doc).targetRefs) > 0
}

# A policy that applies to every workload of its namespace (or of the mesh, in the root namespace).
selects_all(doc) if {
	not has_target_ref(doc)
	labels := selector_labels(doc)
	is_object(labels)
	count(labels) == 0
}

# True when a policy's matchLabels select a pod with these labels.
selects(doc, pod_labels) if {
	is_object(pod_labels)
	not has_target_ref(doc)
	labels := selector_labels(doc)
	is_object(labels)
	count(labels) > 0
	every k, v in labels {
		object.get(pod_labels, k, null) == v
	}
}

# Mesh-wide: in a root namespace with no selector.
mesh_wide(doc) if {
	root_namespaces[namespace(doc)]
	selects_all(doc)
}

# The mesh's root namespaces: the configured one and, for Red Hat OpenShift Service Mesh
# (Maistra), the namespace of each scanned ServiceMeshControlPlane (its operator sets the mesh's
# `rootNamespace` to the control plane's namespace). Project rules only: a single-document rule
# sees no control plane.
root_namespaces := {root_namespace} | {ns |
	some doc in docs
	is_control_plane(doc)
	ns := set_namespace(doc)
}

# `istio-system`, or `basic-cp and istio-system`, for messages.
root_namespace_text := concat(" and ", sort(root_namespaces))

# --- Red Hat OpenShift Service Mesh (Maistra) --------------------------------------------------

is_control_plane(doc) if {
	doc.kind == "ServiceMeshControlPlane"
	group(doc) == "maistra.io"
}

# The mTLS mode of the mesh-wide PeerAuthentication `default` that the operator writes in the
# control plane's namespace: STRICT when data-plane mTLS is on (`spec.security.dataPlane.mtls`
# in `maistra.io/v2`, `spec.istio.global.mtls.enabled` in `maistra.io/v1`), PERMISSIVE
# otherwise (the charts' `enable-mesh-mtls` and `enable-mesh-permissive` templates).
control_plane_mtls(doc) if {
	doc.apiVersion == "maistra.io/v2"
	object.get(spec(doc), ["security", "dataPlane", "mtls"], false) == true
}

control_plane_mtls(doc) if {
	doc.apiVersion == "maistra.io/v1"
	object.get(spec(doc), ["istio", "global", "mtls", "enabled"], false) == true
}

# Maistra's mesh is multi-tenant: a control plane manages only its member namespaces, listed in
# the ServiceMeshMemberRoll `default` of its namespace (`spec.members`) or joined by a
# ServiceMeshMember (`spec.controlPlaneRef.namespace`); its injector's namespaceSelector
# (`maistra.io/member-of`) leaves every other namespace without sidecars, and its mesh-wide
# PeerAuthentication reaches its members only. A roll listing `*` enrols namespaces the files
# cannot name.
is_member_roll(doc) if {
	doc.kind == "ServiceMeshMemberRoll"
	group(doc) == "maistra.io"
}

is_mesh_member(doc) if {
	doc.kind == "ServiceMeshMember"
	group(doc) == "maistra.io"
}

member_rolls_scanned if {
	some doc in docs
	is_member_roll(doc)
}

open_member_roll if {
	some doc in docs
	is_member_roll(doc)
	"*" in list(object.get(spec(doc), "members", []))
}

# A roll choosing members by label (`spec.memberSelectors`, LabelSelectors over Namespace
# labels) enrols the scanned Namespaces whose labels match; a namespace the files do not define
# may match too, so it is never taken for outside the mesh.
member_selectors(doc) := [s | some s in list(object.get(spec(doc), "memberSelectors", [])); is_object(s)]

selector_rolls := [doc | some doc in docs; is_member_roll(doc); count(member_selectors(doc)) > 0]

# The labels of each scanned Namespace (the same one may be written in several files).
scanned_namespace_labels[n] contains labels if {
	some doc in docs
	doc.kind == "Namespace"
	n := name(doc)
	labels := object_at(doc, ["metadata", "labels"])
}

membership_unknown(ns) if {
	count(selector_rolls) > 0
	not scanned_namespace_labels[ns]
}

# Each enrolled namespace, with the namespaces of the control planes it belongs to ("" when the
# roll names no namespace): the members of each roll and ServiceMeshMember, and the control
# planes' (and rolls') own namespaces.
mesh_member_owners[ns] contains owner if {
	some doc in docs
	is_member_roll(doc)
	owner := object.get(metadata(doc), "namespace", "")
	some ns in list(object.get(spec(doc), "members", []))
	is_string(ns)
	ns != "*"
}

mesh_member_owners[ns] contains owner if {
	some doc in selector_rolls
	owner := object.get(metadata(doc), "namespace", "")
	some ns, label_sets in scanned_namespace_labels
	some labels in label_sets
	some selector in member_selectors(doc)
	sel.matches(selector, labels)
}

mesh_member_owners[ns] contains owner if {
	some doc in docs
	is_mesh_member(doc)
	ns := namespace(doc)
	owner := object.get(spec(doc), ["controlPlaneRef", "namespace"], "")
}

mesh_member_owners[ns] contains ns if {
	some doc in docs
	is_control_plane(doc)
	ns := set_namespace(doc)
}

mesh_member_owners[ns] contains ns if {
	some doc in docs
	is_member_roll(doc)
	ns := set_namespace(doc)
}

# A namespace no scanned roll or member enrols, when the files hold a roll that lists its members
# by name: outside every control plane's mesh.
not_a_mesh_member(ns) if {
	member_rolls_scanned
	not open_member_roll
	not mesh_member_owners[ns]
	not membership_unknown(ns)
}

# The scanned control planes that manage the namespace through the rolls (none when no roll of
# a scanned control plane lists it).
owning_control_planes(ns) := {doc |
	some doc in docs
	is_control_plane(doc)
	mesh_member_owners[ns][set_namespace(doc)]
}

# Their namespaces, where the mesh-wide policies of those control planes live.
owning_namespaces(ns) := {set_namespace(doc) | some doc in owning_control_planes(ns)}

control_plane_mode(doc) := "STRICT" if control_plane_mtls(doc)

control_plane_mode(doc) := "PERMISSIVE" if not control_plane_mtls(doc)

# --- workloads -------------------------------------------------------------------------------

# Argo Rollouts' Rollout and OpenShift's DeploymentConfig hold a pod template where a Deployment does.
workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Rollout", "DeploymentConfig"}

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "Rollout", "DeploymentConfig"}

is_workload(doc) if {
	workload_kinds[doc.kind]
	not is_istio(doc)
}

pod_metadata_path(doc) := ["metadata"] if doc.kind == "Pod"

pod_metadata_path(doc) := ["spec", "jobTemplate", "spec", "template", "metadata"] if doc.kind == "CronJob"

pod_metadata_path(doc) := ["spec", "template", "metadata"] if template_kinds[doc.kind]

pod_spec_path(doc) := ["spec"] if doc.kind == "Pod"

pod_spec_path(doc) := ["spec", "jobTemplate", "spec", "template", "spec"] if doc.kind == "CronJob"

pod_spec_path(doc) := ["spec", "template", "spec"] if template_kinds[doc.kind]

object_at(doc, path) := v if {
	v := object.get(doc, path, {})
	is_object(v)
}

object_at(doc, path) := {} if not is_object(object.get(doc, path, {}))

pod_labels(doc) := object_at(doc, array.concat(pod_metadata_path(doc), ["labels"]))

pod_annotations(doc) := object_at(doc, array.concat(pod_metadata_path(doc), ["annotations"]))

# The values the sidecar injector reads as "do not inject" (it lower-cases them).
false_values := {"false", "n", "no", "off"}

true_values := {"true", "y", "yes", "on"}

is_false(v) if v == false

is_false(v) if {
	is_string(v)
	false_values[lower(v)]
}

is_true(v) if v == true

is_true(v) if {
	is_string(v)
	true_values[lower(v)]
}

# Injection explicitly disabled on the pod template (annotation, or the newer label).
injection_disabled(doc) if is_false(object.get(pod_annotations(doc), "sidecar.istio.io/inject", null))

injection_disabled(doc) if is_false(object.get(pod_labels(doc), "sidecar.istio.io/inject", null))

# A pod that opts out of the ambient mesh: ztunnel captures every pod of a namespace labelled
# `istio.io/dataplane-mode: ambient` except those whose own label says `none`, so no
# PeerAuthentication or AuthorizationPolicy reaches them. Ambient reads only the pod's labels.
ambient_opt_out(doc) if pod_labels(doc)["istio.io/dataplane-mode"] == "none"

# A pod that runs Envoy itself (an Istio gateway): it needs no sidecar.
runs_proxy(doc) if {
	some c in list(object.get(doc, array.concat(pod_spec_path(doc), ["containers"]), []))
	c.name == "istio-proxy"
}

# --- the scanned set (whole-project rules) ----------------------------------------------------

docs := input.documents if is_array(input.documents)

docs := [] if not is_array(input.documents)

# A namespace that a scanned Namespace object marks `istio-injection: disabled` (the same
# Namespace may appear in several files).
namespace_injection_disabled(ns) if injection_disabled_namespaces[ns]

injection_disabled_namespaces := {name(doc) |
	some doc in docs
	doc.kind == "Namespace"
	object_at(doc, ["metadata", "labels"])["istio-injection"] == "disabled"
}

# True when the scanned files show that the workloads run in an Istio mesh: any Istio resource,
# a Namespace labelled for injection, a pod template asking for a sidecar; or when the user
# says so (data.settings.istio.assume_mesh). Without it, the mesh coverage rules stay quiet on
# plain Kubernetes repositories.
mesh_in_use if settings.assume_mesh == true

mesh_in_use if {
	some doc in docs
	is_istio(doc)
}

mesh_in_use if {
	some doc in docs
	is_control_plane(doc)
}

mesh_in_use if {
	some doc in docs
	doc.kind == "Namespace"
	labels := object_at(doc, ["metadata", "labels"])
	injection_label(labels)
}

mesh_in_use if {
	some doc in docs
	is_workload(doc)
	is_true(object.get(pod_annotations(doc), "sidecar.istio.io/inject", null))
}

mesh_in_use if {
	some doc in docs
	is_workload(doc)
	is_true(object.get(pod_labels(doc), "sidecar.istio.io/inject", null))
}

injection_label(labels) if labels["istio-injection"] == "enabled"

# Some scanned Namespace is enrolled in the mesh by its labels: the project enrols namespaces
# that way, in these files.
labelled_enrolment if {
	some doc in docs
	doc.kind == "Namespace"
	injection_label(object_at(doc, ["metadata", "labels"]))
}

# A namespace the scanned files define, with no enrolment label on any of its Namespace
# objects, in a project that enrols its other namespaces by label: outside the mesh.
unenrolled_namespace(ns) if {
	labelled_enrolment
	some doc in docs
	doc.kind == "Namespace"
	name(doc) == ns
	not enrolled_namespaces[ns]
}

enrolled_namespaces := {name(doc) |
	some doc in docs
	doc.kind == "Namespace"
	injection_label(object_at(doc, ["metadata", "labels"]))
}

# A pod template that asks for a sidecar itself (injected in any namespace).
asks_for_sidecar(doc) if is_true(object.get(pod_annotations(doc), "sidecar.istio.io/inject", null))

asks_for_sidecar(doc) if is_true(object.get(pod_labels(doc), "sidecar.istio.io/inject", null))

# Outside the mesh: no proxy runs beside it, so PeerAuthentication and AuthorizationPolicy do
# nothing for it (a client deliberately left out, a namespace the mesh does not manage).
outside_mesh(doc, ns) if {
	unenrolled_namespace(ns)
	not asks_for_sidecar(doc)
}

# Maistra: a namespace outside every scanned member roll gets no sidecar, even for a pod that
# asks for one (the injector only serves member namespaces).
outside_mesh(_, ns) if not_a_mesh_member(ns)

injection_label(labels) if is_string(labels["istio.io/rev"])

injection_label(labels) if labels["istio.io/dataplane-mode"] == "ambient"

# Pods on the host network: the sidecar injector never injects them (a proxy there would
# capture the node's own traffic), so no PeerAuthentication or AuthorizationPolicy reaches them.
host_network(doc) if object_at(doc, pod_spec_path(doc)).hostNetwork == true

# Workloads the mesh coverage rules judge: {"i": index, "doc": doc, "ns": namespace}. Left out:
# exempt namespaces, workloads with injection disabled or opted out of the ambient mesh
# (reported by IST-015), pods on the host
# network (never injected; K8S-008 reports them), Envoy gateways, and workloads of a namespace
# the files leave unenrolled while enrolling others by label.
mesh_workloads contains {"i": i, "doc": doc, "ns": ns} if {
	mesh_in_use
	some i, doc in docs
	is_workload(doc)
	ns := namespace(doc)
	not exempt_namespaces[ns]
	not injection_disabled(doc)
	not ambient_opt_out(doc)
	not host_network(doc)
	not namespace_injection_disabled(ns)
	not runs_proxy(doc)
	not outside_mesh(doc, ns)
}

# `Deployment shop/cart, Deployment shop/web and 3 more`
label_list(labels) := concat(", ", labels) if count(labels) <= 3

label_list(labels) := sprintf("%s and %d more", [concat(", ", array.slice(labels, 0, 3)), count(labels) - 3]) if {
	count(labels) > 3
}

# --- authorization ---------------------------------------------------------------------------

# The action of an AuthorizationPolicy: ALLOW when absent.
action(doc) := a if {
	a := enum(object.get(spec(doc), "action", null))
	a != ""
}

action(doc) := "ALLOW" if enum(object.get(spec(doc), "action", null)) == ""

rules(doc) := r if {
	r := spec(doc).rules
	is_array(r)
}

rules(doc) := [] if not is_array(spec(doc).rules)

# An empty or absent list.
empty_list(v) if v == null

empty_list(v) if v == []

# A rule that matches every request: no `from`, no `to` and no `when` (`- {}`), or only
# wildcard operations (`paths: ["*"]`, `methods: ["*"]`, ...) with no `from` and no `when`.
matches_everything(rule) if {
	is_object(rule)
	empty_list(object.get(rule, "from", null))
	empty_list(object.get(rule, "when", null))
	to := object.get(rule, "to", null)
	open_operations(to)
}

open_operations(to) if empty_list(to)

open_operations(to) if {
	is_array(to)
	some t in to
	universal_operation(t.operation)
}

operation_fields := {"paths", "methods", "hosts", "ports"}

universal_values := {"*", "/*"}

# An operation with only positive fields, each of which contains a wildcard that matches all.
universal_operation(op) if {
	is_object(op)
	count(op) > 0
	every k, v in op {
		operation_fields[k]
		is_array(v)
		some x in v
		universal_values[x]
	}
}

# An ALLOW policy that allows every request to the workloads it selects.
allows_everything(doc) if {
	action(doc) == "ALLOW"
	some rule in rules(doc)
	matches_everything(rule)
}

# A policy that puts the workloads it selects on deny-by-default: an ALLOW policy that does
# not allow everything (with no rules it allows nothing; with rules, every request that no
# ALLOW rule matches is denied), or a DENY policy with a rule that matches every request.
default_deny(doc) if {
	action(doc) == "ALLOW"
	not allows_everything(doc)
}

default_deny(doc) if {
	action(doc) == "DENY"
	some rule in rules(doc)
	matches_everything(rule)
}

# --- hosts -----------------------------------------------------------------------------------

# Istio's own short-name resolution: a host without a dot is `<host>.<namespace>.svc.<domain>`;
# anything with a dot (or a wildcard, or an IP) is taken as written.
fqdn(host, ns) := sprintf("%s.%s.svc.%s", [host, ns, mesh_domain]) if {
	is_string(host)
	not contains(host, ".")
	host != "*"
	host != ""
}

fqdn(host, _) := host if {
	is_string(host)
	contains(host, ".")
}

fqdn(host, _) := host if host == "*"

# True when a wildcard host (`*.ns.svc.cluster.local`, `*`) covers the FQDN.
wildcard_covers(pattern, host) if pattern == "*"

wildcard_covers(pattern, host) if {
	startswith(pattern, "*.")
	endswith(host, trim_prefix(pattern, "*"))
}

# A host served inside the mesh: a Kubernetes service name (short, `.svc`, `.svc.<domain>`)
# or a wildcard over the cluster domain.
in_mesh_host(host) if {
	is_string(host)
	host != ""
	not contains(host, ".")
	host != "*"
}

in_mesh_host(host) if {
	is_string(host)
	endswith(host, ".svc")
}

in_mesh_host(host) if {
	is_string(host)
	endswith(host, sprintf(".svc.%s", [mesh_domain]))
}

in_mesh_host(host) if {
	is_string(host)
	host == sprintf("*.%s", [mesh_domain])
}

in_mesh_host(host) if host == "*.local"

# --- DestinationRule traffic policies ----------------------------------------------------------

# Every traffic policy of a DestinationRule, at each level where one applies: the host's own,
# each subset's, and the port-level settings inside either.
# Yields {"value": policy, "path": [...], "where": "subset \"v1\", port 8080"}.
traffic_policies(doc) := {tp |
	some level in policy_levels(doc)
	some tp in expand_ports(level)
}

policy_levels(doc) := {level |
	some level in host_level(doc)
} | {level |
	some i, subset in list(object.get(spec(doc), "subsets", []))
	tp := subset.trafficPolicy
	is_object(tp)
	level := {"value": tp, "path": ["spec", "subsets", i, "trafficPolicy"], "where": subset_name(i, subset)}
}

subset_name(_, subset) := sprintf("subset %q", [subset.name]) if is_string(subset.name)

subset_name(i, subset) := sprintf("subset #%d", [i]) if not is_string(subset.name)

host_level(doc) := {{"value": tp, "path": ["spec", "trafficPolicy"], "where": "host-wide"}} if {
	tp := spec(doc).trafficPolicy
	is_object(tp)
}

host_level(doc) := set() if not is_object(spec(doc).trafficPolicy)

expand_ports(level) := {level} | {{"value": pls, "path": array.concat(level.path, ["portLevelSettings", j]), "where": port_where(level.where, pls)} |
	some j, pls in list(object.get(level.value, "portLevelSettings", []))
	is_object(pls)
}

port_where(where, pls) := sprintf("port %v", [object.get(pls, ["port", "number"], "?")]) if where == "host-wide"

port_where(where, pls) := sprintf("%s port %v", [where, object.get(pls, ["port", "number"], "?")]) if where != "host-wide"

# The namespace of a Kubernetes service host (`reviews` in ns, `reviews.bookinfo.svc...`).
host_namespace(host, ns) := ns if {
	is_string(host)
	not contains(host, ".")
}

host_namespace(host, _) := parts[1] if {
	is_string(host)
	parts := split(host, ".")
	count(parts) >= 3
	parts[2] == "svc"
}
