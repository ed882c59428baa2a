# METADATA
# title: Workloads should be selected by a NetworkPolicy
# description: >-
#   Flags workloads whose pods no NetworkPolicy of their namespace selects, among the files
#   scanned. Selectors are evaluated as the API server does (matchLabels, matchExpressions,
#   an empty podSelector selecting every pod); an object without a namespace is in `default`.
# custom:
#   id: K8S-028
#   name: workload-without-network-policy
#   severity: medium
#   input: kubernetes
#   scope: project
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, GlobalNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy]
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
	ns := sel.namespace_of(doc)
	not ns in opaque_namespaces
	not any_selects(doc, ns)
	not host_network(doc)
	finding := {
		"msg": sprintf("no NetworkPolicy in the scanned files selects %s: its pods accept traffic from anywhere in the cluster", [workload_text(doc)]),
		"path": array.concat(["documents", i], array.concat(sel.pod_metadata_path_of(doc), ["labels"])),
	}
}
