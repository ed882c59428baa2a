# METADATA
# title: Deployments and StatefulSets should run two replicas and have a PodDisruptionBudget
# description: >-
#   Flags Deployments and StatefulSets that run fewer than two replicas (`replicas` unset or
#   1), HorizontalPodAutoscalers that let one scale below two (minReplicas), and Deployments
#   and StatefulSets with two or more replicas that no PodDisruptionBudget of their namespace
#   selects, among the files scanned.
# custom:
#   id: K8S-041
#   name: single-replica
#   severity: low
#   input: kubernetes
#   scope: project
#   kinds: [Deployment, StatefulSet, PodDisruptionBudget, HorizontalPodAutoscaler]
#   controls:
#     nist-800-53: [CP-10, SC-5]
#     nist-csf-2.0: [PR.IR-03]
#     soc2: [A1.2]
#   rationale: >-
#     A single replica is down whenever its pod is rescheduled: on every rollout, node drain,
#     upgrade or eviction (SC-5). Several replicas survive a lost pod only if voluntary
#     disruptions cannot take them all at once, which is what a PodDisruptionBudget
#     guarantees during drains (CP-10 recovery). `replicas: 0` is a deliberate stop and is
#     not reported. The rule judges only the files scanned. A PodDisruptionBudget selects
#     as the API server does: in policy/v1 an empty selector selects every pod of the
#     namespace, in policy/v1beta1 none.
#   remediation: >-
#     Run at least two replicas (or set the HorizontalPodAutoscaler's `minReplicas` to 2),
#     spread them with `topologySpreadConstraints`, and add a PodDisruptionBudget with
#     `maxUnavailable: 1` (or `minAvailable`) selecting the pods.
#   related:
#     - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
#     - https://kubernetes.io/docs/tasks/run-application/configure-pdb/
package runeguard.kubernetes.single_replica

import data.runeguard.lib.k8s_selectors as sel
import rego.v1

docs := input.documents

replicated_kinds := {"Deployment", "StatefulSet"}

# The HorizontalPodAutoscalers of each target, and the PodDisruptionBudgets of each namespace,
# computed once (workloads × documents would be slow).
target_key(ns, kind, name) := sprintf("%s/%s/%s", [ns, kind, name])

autoscalers_by_target := {key: [[j, hpa] |
	some j, hpa in docs
	hpa.kind == "HorizontalPodAutoscaler"
	target_key(sel.namespace_of(hpa), hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name) == key
] |
	some h in docs
	h.kind == "HorizontalPodAutoscaler"
	key := target_key(sel.namespace_of(h), h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name)
}

autoscalers(doc) := object.get(autoscalers_by_target, target_key(sel.namespace_of(doc), doc.kind, sel.name_of(doc)), [])

budgets_by_namespace := {ns: [pdb |
	some pdb in docs
	pdb.kind == "PodDisruptionBudget"
	sel.namespace_of(pdb) == ns
] |
	some p in docs
	p.kind == "PodDisruptionBudget"
	ns := sel.namespace_of(p)
}

hpa_min(hpa) := m if {
	m := hpa.spec.minReplicas
	is_number(m)
}

hpa_min(hpa) := 1 if not hpa.spec.minReplicas

# Below two replicas: the workload, the reason and where to fix it.
too_few contains [i, msg, path] if {
	some i, doc in docs
	doc.kind in replicated_kinds
	count(autoscalers(doc)) == 0
	not doc.spec.replicas
	not doc.spec.replicas == 0
	msg := sprintf("%s runs a single replica (replicas is not set and defaults to 1)", [sel.label_of(doc)])
	path := ["documents", i, "spec", "replicas"]
}

too_few contains [i, msg, path] if {
	some i, doc in docs
	doc.kind in replicated_kinds
	count(autoscalers(doc)) == 0
	n := doc.spec.replicas
	n == 1
	msg := sprintf("%s runs a single replica", [sel.label_of(doc)])
	path := ["documents", i, "spec", "replicas"]
}

# An autoscaler of a Deployment or StatefulSet that may go below two replicas, whether or not
# its target was scanned.
too_few contains [j, msg, path] if {
	some j, hpa in docs
	hpa.kind == "HorizontalPodAutoscaler"
	target := hpa.spec.scaleTargetRef
	target.kind in replicated_kinds
	m := hpa_min(hpa)
	m < 2
	msg := sprintf("%s lets %s %s scale down to %v %s (minReplicas)", [sel.label_of(hpa), target.kind, target.name, m, plural(m)])
	path := ["documents", j, "spec", "minReplicas"]
}

plural(1) := "replica"

plural(n) := "replicas" if n != 1

# Two or more: known from replicas, or from every autoscaler's minimum.
replicated(doc) if {
	count(autoscalers(doc)) == 0
	n := doc.spec.replicas
	is_number(n)
	n >= 2
}

replicated(doc) if {
	count(autoscalers(doc)) > 0
	every pair in autoscalers(doc) {
		hpa_min(pair[1]) >= 2
	}
}

# policy/v1: a missing selector selects nothing, `{}` every pod. policy/v1beta1: `{}` nothing.
pdb_selects(pdb, doc) if {
	s := pdb.spec.selector
	is_object(s)
	not v1beta1_empty(pdb, s)
	sel.matches(s, sel.pod_labels_of(doc))
}

v1beta1_empty(pdb, s) if {
	pdb.apiVersion == "policy/v1beta1"
	sel.is_empty_selector(s)
}

protected(doc) if {
	some pdb in object.get(budgets_by_namespace, sel.namespace_of(doc), [])
	pdb_selects(pdb, doc)
}

deny contains finding if {
	some [_, msg, path] in too_few
	finding := {"msg": msg, "path": path}
}

deny contains finding if {
	some i, doc in docs
	doc.kind in replicated_kinds
	replicated(doc)
	not protected(doc)
	finding := {
		"msg": sprintf("no PodDisruptionBudget in the scanned files selects the pods of %s: a drain may evict all its replicas at once", [sel.label_of(doc)]),
		"path": array.concat(["documents", i], array.concat(sel.pod_metadata_path_of(doc), ["labels"])),
	}
}
