# METADATA
# title: Workloads should be selected by a NetworkPolicy
# description: >-
#   Flags workloads whose pods no NetworkPolicy of their namespace selects, among the files
#   scanned. Selectors are evaluated as the API server does (matchLabels, matchExpressions,
#   an empty podSelector selecting every pod); an object without a namespace is in `default`.
#   Custom resources that run long-lived servers in several pod templates are read template by
#   template, with the labels their operator adds to the pods (KubeRay's RayCluster and
#   RayService, LeaderWorkerSet, the Flink operator's FlinkDeployment, whose job and task
#   managers are read even without a pod template); the batch kinds (RayJob, Kubeflow's
#   training jobs, Volcano's Job, JobSet) are not, as their pods live for one run. Custom
#   resources whose pods run one ordinary pod template are read as a Deployment, with the
#   labels their controller adds to the pods (a Knative Service's or Configuration's
#   `serving.knative.dev/service` and `serving.knative.dev/configuration`, a KEDA ScaledJob's
#   `scaledjob.keda.sh/name`, a Kubeflow Notebook's `notebook-name` and `statefulset`, an
#   OpenKruise CloneSet's template labels); Google Cloud Run services run no Kubernetes pod and
#   are not judged.
# custom:
#   id: K8S-028
#   name: workload-without-network-policy
#   severity: medium
#   input: kubernetes
#   scope: project
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, ScaledJob, Service, Configuration, CloneSet, Notebook, RayCluster, RayService, LeaderWorkerSet, FlinkDeployment, NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, GlobalNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy]
#   controls:
#     nist-800-53: [SC-7, AC-4]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     zero-trust: [ZT-2, ZT-6]
#   rationale: >-
#     A pod that no NetworkPolicy selects accepts connections from every pod of the cluster and
#     may connect anywhere: one compromised workload reaches all the others (SC-7, AC-4).
#     The rule judges only the files scanned: a policy applied from elsewhere is unknown to
#     it. Pods on the host network are skipped (NetworkPolicies do not apply to them; K8S-008
#     reports them). Calico policies, cluster-wide Cilium, Calico and AdminNetworkPolicy
#     objects use selectors this rule does not evaluate: when the scan holds one that may
#     select the pods, the workload is not reported (a Cilium host policy, which selects
#     nodes by `nodeSelector`, selects no pod). CiliumNetworkPolicy endpoint selectors
#     are evaluated like pod selectors. A policy counts whichever direction it isolates
#     (Polaris's missingNetworkPolicy asks for both): the rule answers whether the pods are
#     under any NetworkPolicy at all.
#   remediation: >-
#     Add a default-deny NetworkPolicy to each namespace (`podSelector: {}` with
#     `policyTypes: [Ingress, Egress]`) and policies that allow each workload's expected
#     flows.
#   related:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
package runeguard.kubernetes.workload_without_network_policy

import data.runeguard.lib.k8s
import data.runeguard.lib.k8s_selectors as sel
import rego.v1

docs := input.documents

kubernetes_policy(doc) if {
	doc.kind == "NetworkPolicy"
	is_string(doc.apiVersion)
	startswith(doc.apiVersion, "networking.k8s.io/")
}

kubernetes_policy(doc) if {
	doc.kind == "NetworkPolicy"
	doc.apiVersion == "extensions/v1beta1"
}

# Selectors this rule does not evaluate: namespaced (Calico's NetworkPolicy) ...
opaque_namespaced(doc) if {
	doc.kind == "NetworkPolicy"
	not kubernetes_policy(doc)
}

# ... and cluster-wide.
opaque_cluster_kinds := {"CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"}

cluster_wide_opaque if {
	some d in docs
	d.kind in opaque_cluster_kinds
	not cilium_host_policy(d)
}

# A Cilium host policy (the host firewall: every spec selects with `nodeSelector`, none with
# `endpointSelector`) applies to nodes, never to pods, so it cannot select a workload's pods.
cilium_host_policy(doc) if {
	doc.kind == "CiliumClusterwideNetworkPolicy"
	specs := [s |
		some s in array.concat([object.get(doc, "spec", null)], sel.array_or_empty(object.get(doc, "specs", [])))
		is_object(s)
	]
	count(specs) > 0
	every s in specs {
		is_object(s.nodeSelector)
		not s.endpointSelector
	}
}

# A missing or null podSelector selects every pod, like `{}`.
pod_selector(np) := s if {
	s := np.spec.podSelector
	is_object(s)
}

pod_selector(np) := {} if not is_object(object.get(object.get(np, "spec", {}), "podSelector", null))

# Cilium's selector keys may carry a source prefix (`k8s:app`, `any:app`).
cilium_labels(labels) := {trim_prefix(trim_prefix(k, "k8s:"), "any:"): v | some k, v in labels}

cilium_selector(s) := {
	"matchLabels": cilium_labels(sel.object_or_empty(object.get(s, "matchLabels", {}))),
	"matchExpressions": [object.union(e, {"key": trim_prefix(trim_prefix(e.key, "k8s:"), "any:")}) |
		some e in sel.array_or_empty(object.get(s, "matchExpressions", []))
		is_string(e.key)
	],
}

cilium_selectors(np) := [s | some s in array.concat([object.get(object.get(np, "spec", {}), "endpointSelector", null)], [x.endpointSelector | some x in sel.array_or_empty(object.get(np, "specs", []))]); is_object(s)]

# The selectors of each namespace's policies, computed once: workloads × documents is slow.
namespaced_policy_kinds := {"NetworkPolicy", "CiliumNetworkPolicy"}

policy_docs := [np | some np in docs; np.kind in namespaced_policy_kinds]

policy_selectors(np) := [pod_selector(np)] if kubernetes_policy(np)

policy_selectors(np) := [cilium_selector(s) | some s in cilium_selectors(np)] if np.kind == "CiliumNetworkPolicy"

selectors_by_namespace[ns] contains s if {
	some np in policy_docs
	ns := sel.namespace_of(np)
	some s in policy_selectors(np)
}

# Selectors indexed by (namespace, label, value) of each of their matchLabels pairs, values as
# text (`1` and "1" agree, as in sel.matches): a selector can only select a pod carrying all of
# them, so a workload is checked against the selectors filed under its own labels, plus those
# that cannot be filed (no matchLabels, or a value that is not a label value). Checking every
# workload against every selector of its namespace was quadratic.
indexed(s) if {
	match_labels := object.get(s, "matchLabels", {})
	is_object(match_labels)
	count(match_labels) > 0
	every _, want in match_labels {
		sel.label_string(want)
	}
}

selectors_by_label[key] contains s if {
	some ns, selectors in selectors_by_namespace
	some s in selectors
	indexed(s)
	some k, want in s.matchLabels
	key := json.marshal([ns, k, sel.label_string(want)])
}

unindexed_selectors[ns] contains s if {
	some ns, selectors in selectors_by_namespace
	some s in selectors
	not indexed(s)
}

# A namespace holding a policy whose selector is not evaluated: it may select any pod there.
opaque_namespaces := {sel.namespace_of(np) | some np in policy_docs; opaque_namespaced(np)}

any_selects(doc, ns) if {
	labels := sel.pod_labels_of(doc)
	is_object(labels)
	some k, have in labels
	some s in selectors_by_label[json.marshal([ns, k, sel.label_string(have)])]
	sel.matches(s, labels)
}

any_selects(doc, ns) if {
	labels := sel.pod_labels_of(doc)
	some s in unindexed_selectors[ns]
	sel.matches(s, labels)
}

host_network(doc) if sel.pod_spec_of(doc).hostNetwork == true

workload_text(doc) := sel.label_of(doc) if {
	sel.has_namespace(doc)
} else := sprintf("%s (namespace default)", [sel.label_of(doc)])

deny contains finding if {
	not cluster_wide_opaque
	some i, doc in docs
	sel.workload_kinds[doc.kind]
	not k8s.foreign_builtin_name(doc)
	not k8s.template_by_reference(doc)
	ns := sel.namespace_of(doc)
	not ns in opaque_namespaces
	not any_selects(doc, ns)
	not host_network(doc)
	finding := {
		"msg": sprintf("no NetworkPolicy in the scanned files selects %s: its pods accept traffic from anywhere in the cluster", [workload_text(doc)]),
		"path": array.concat(["documents", i], array.concat(sel.pod_metadata_path_of(doc), ["labels"])),
	}
}

# Custom resources that run long-lived servers in several pod templates: KubeRay's RayCluster and
# RayService (the head's dashboard and job submission API, GCS and client ports), a
# LeaderWorkerSet (a model server's leader and workers), the Flink operator's FlinkDeployment (the
# job manager's REST API, which accepts jars to run). Each template's pods are checked with the
# labels they run with: the template's and those the operator adds (service_pod_units). The
# batch kinds (RayJob, the Kubeflow training jobs, Volcano's Job, JobSet) are left out, as
# KEDA's ScaledJob and the CI runners are: their pods live for one run.
deny contains finding if {
	not cluster_wide_opaque
	some i, doc in docs
	doc.kind in service_template_kinds
	ns := sel.namespace_of(doc)
	not ns in opaque_namespaces
	some unit in service_pod_units(doc)
	not unit_selected(unit.labels, ns)
	not unit.host_network
	finding := {
		"msg": sprintf("no NetworkPolicy in the scanned files selects %s, %s: its pods accept traffic from anywhere in the cluster", [workload_text(doc), unit.label]),
		"path": array.concat(["documents", i], unit.path),
	}
}

service_template_kinds := {"RayCluster", "RayService", "LeaderWorkerSet", "FlinkDeployment"}

# Custom resources whose controller makes pods of one ordinary pod template
# (k8s.custom_pod_templates): a KEDA ScaledJob (a Job per batch of events, as a CronJob makes
# them), a Knative Service or Configuration (each revision a Deployment), an OpenKruise
# CloneSet (a Deployment's replacement), a Kubeflow Notebook (a one-replica StatefulSet). The
# CI runners of actions-runner-controller stay out, as in the other project rules. A Cloud
# Run service (Knative's layout, no Kubernetes pod) has no path and is not judged.
single_template_kinds := {"ScaledJob", "Service", "Configuration", "CloneSet", "Notebook"}

deny contains finding if {
	not cluster_wide_opaque
	some i, doc in docs
	single_template_kinds[doc.kind]
	path := k8s.custom_template_path_of(doc)
	is_object(object.get(doc, path, null))
	ns := sel.namespace_of(doc)
	not ns in opaque_namespaces
	labels := object.union(template_labels(doc, path), controller_labels(doc))
	not unit_selected(labels, ns)
	not template_host_network(doc, [path])
	finding := {
		"msg": sprintf("no NetworkPolicy in the scanned files selects %s: its pods accept traffic from anywhere in the cluster", [workload_text(doc)]),
		"path": array.concat(["documents", i], controller_labels_path(doc, path)),
	}
}

# The labels a controller puts on the pods it makes of the template, over the template's own.
controller_labels(doc) := {"serving.knative.dev/service": k8s.name_of(doc), "serving.knative.dev/configuration": k8s.name_of(doc)} if {
	doc.kind == "Service"
} else := {"serving.knative.dev/configuration": k8s.name_of(doc)} if {
	doc.kind == "Configuration"
} else := {"scaledjob.keda.sh/name": k8s.name_of(doc)} if {
	doc.kind == "ScaledJob"
} else := {"notebook-name": k8s.name_of(doc), "statefulset": k8s.name_of(doc)} if {
	doc.kind == "Notebook"
} else := {}

# At the template's labels, else its metadata, else the template (a Knative Service often
# writes no metadata in its template).
controller_labels_path(doc, path) := array.concat(path, ["metadata", "labels"]) if {
	is_object(object.get(doc, array.concat(path, ["metadata", "labels"]), null))
} else := array.concat(path, ["metadata"]) if {
	is_object(object.get(doc, array.concat(path, ["metadata"]), null))
} else := path

unit_selected(labels, ns) if {
	some k, have in labels
	some s in selectors_by_label[json.marshal([ns, k, sel.label_string(have)])]
	sel.matches(s, labels)
}

unit_selected(labels, ns) if {
	some s in unindexed_selectors[ns]
	sel.matches(s, labels)
}

# KubeRay, LeaderWorkerSet: each template, with the labels the operator adds to its pods.
service_pod_units(doc) := {{"labels": object.union(operator_labels(doc, t), template_labels(doc, t.path)), "path": array.concat(t.path, ["metadata", "labels"]), "label": t.label, "host_network": template_host_network(doc, [t.path])} |
	some t in k8s.custom_templates_of(doc)
	not ray_isolated(doc, t)
} if doc.kind != "FlinkDeployment"

# A KubeRay cluster that asks the operator for NetworkPolicies (`networkIsolation`, earlier
# `networkPolicy`, with a `mode`): the operator creates one for the head and one per worker
# group, so its pods are selected by policies the scanned files cannot hold.
ray_isolated(doc, t) if {
	doc.kind in {"RayCluster", "RayService"}
	some field in ["networkIsolation", "networkPolicy"]
	mode := object.get(doc, array.concat(ray_cluster_path(t), [field, "mode"]), null)
	is_string(mode)
	mode != ""
}

# The RayClusterSpec a template belongs to (`spec`, a RayService's `spec.rayClusterConfig`).
ray_cluster_path(t) := array.slice(t.entry.at, 0, count(t.entry.at) - 2) if {
	t.entry.unit == "head group"
} else := array.slice(t.entry.at, 0, count(t.entry.at) - 3)

# Flink: the job manager's and the task managers' pods, whether or not a pod template describes
# them, with the common template's labels under the manager's own and the operator's labels
# (`app: <name>`, `component`, `type: flink-native-kubernetes`) over both. Reported at the
# manager's template's labels, else the common template's, else the manager's spec.
service_pod_units(doc) := {{"labels": labels, "path": path, "label": unit, "host_network": template_host_network(doc, [own, common])} |
	some [field, component, unit] in [["jobManager", "jobmanager", "job manager"], ["taskManager", "taskmanager", "task manager"]]
	own := ["spec", field, "podTemplate"]
	common := ["spec", "podTemplate"]
	ours := {"app": k8s.name_of(doc), "component": component, "type": "flink-native-kubernetes"}
	labels := object.union(object.union(template_labels(doc, common), template_labels(doc, own)), ours)
	path := flink_labels_path(doc, own, common, field)
} if doc.kind == "FlinkDeployment"

flink_labels_path(doc, own, common, field) := array.concat(own, ["metadata", "labels"]) if {
	is_object(object.get(doc, own, null))
} else := array.concat(common, ["metadata", "labels"]) if {
	is_object(object.get(doc, common, null))
} else := ["spec", field] if {
	is_object(object.get(doc, ["spec", field], null))
} else := ["spec"]

template_labels(doc, path) := sel.object_or_empty(object.get(doc, array.concat(path, ["metadata", "labels"]), {}))

# The first template of the list that sets hostNetwork decides it (a Flink manager's own over
# the common one).
template_host_network(doc, paths) := v if {
	vs := [x | some p in paths; x := object.get(doc, array.concat(p, ["spec", "hostNetwork"]), null); is_boolean(x)]
	count(vs) > 0
	v := vs[0]
} else := false

# The labels KubeRay puts on the pods of a cluster's head and worker groups (a RayService's
# cluster is named by the operator, so `ray.io/cluster` is known only for a RayCluster), and
# those the LeaderWorkerSet controller puts on its leader and workers.
operator_labels(doc, t) := object.union(ray_labels(t), ray_cluster_label(doc)) if {
	doc.kind in {"RayCluster", "RayService"}
}

operator_labels(doc, t) := object.union({"leaderworkerset.sigs.k8s.io/name": k8s.name_of(doc)}, lws_leader_label(t)) if {
	doc.kind == "LeaderWorkerSet"
}

ray_labels(t) := {"ray.io/node-type": "head", "ray.io/group": "headgroup", "ray.io/is-ray-node": "yes", "app.kubernetes.io/name": "kuberay", "app.kubernetes.io/created-by": "kuberay-operator"} if {
	t.entry.unit == "head group"
} else := object.union({"ray.io/node-type": "worker", "ray.io/is-ray-node": "yes", "app.kubernetes.io/name": "kuberay", "app.kubernetes.io/created-by": "kuberay-operator"}, ray_group(t))

ray_group(t) := {"ray.io/group": n} if {
	t.entry.unit == "worker group"
	startswith(t.label, "worker group \"")
	n := trim_suffix(trim_prefix(t.label, "worker group \""), "\"")
} else := {}

ray_cluster_label(doc) := {"ray.io/cluster": k8s.name_of(doc)} if {
	doc.kind == "RayCluster"
} else := {}

lws_leader_label(t) := {"leaderworkerset.sigs.k8s.io/worker-index": "0"} if {
	t.entry.unit == "leader"
} else := {}
