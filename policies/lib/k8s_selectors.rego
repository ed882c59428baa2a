# Label selectors evaluated the way the API server does, and the helpers that whole-project
# rules need to reason about objects other than `input` (namespaces, pod template labels).
#
# Selector semantics (metav1.LabelSelector):
#   - `matchLabels` and every `matchExpressions` requirement are AND-ed;
#   - `In`: the label exists and its value is one of `values`;
#   - `NotIn`: the label is absent, or its value is none of `values`;
#   - `Exists` / `DoesNotExist`: the key is present / absent;
#   - an unknown operator matches nothing (the API server would reject the object);
#   - an empty selector (`{}`) selects everything. What an ABSENT or null selector means
#     depends on the field (NetworkPolicy.podSelector: everything; policy/v1beta1
#     PodDisruptionBudget: nothing), so callers decide that before calling `matches`.
package runeguard.lib.k8s_selectors

import rego.v1

# True when `selector` (a LabelSelector object) selects an object carrying `labels`.
matches(selector, labels) if {
	is_object(selector)
	lbls := object_or_empty(labels)
	every key, want in object_or_empty(object.get(selector, "matchLabels", {})) {
		label_equal(lbls[key], want)
	}
	every req in array_or_empty(object.get(selector, "matchExpressions", [])) {
		requirement_holds(req, lbls)
	}
}

# A plain label map as a selector (Istio's `selector.matchLabels`, Service `spec.selector`):
# every pair must be present. An empty map selects everything.
matches_labels(match_labels, labels) if {
	lbls := object_or_empty(labels)
	every key, want in object_or_empty(match_labels) {
		label_equal(lbls[key], want)
	}
}

# Equal values, or the same text (`1` and "1"). Undefined when the label is absent.
label_equal(have, want) if have == want

label_equal(have, want) if {
	have != want
	label_string(have) == label_string(want)
}

# True when the selector has neither matchLabels nor matchExpressions: it selects everything.
is_empty_selector(selector) if {
	is_object(selector)
	count(object_or_empty(object.get(selector, "matchLabels", {}))) == 0
	count(array_or_empty(object.get(selector, "matchExpressions", []))) == 0
}

requirement_holds(req, labels) if {
	req.operator == "In"
	has_key(labels, req.key)
	label_string(labels[req.key]) in requirement_values(req)
}

requirement_holds(req, labels) if {
	req.operator == "NotIn"
	not has_key(labels, req.key)
}

requirement_holds(req, labels) if {
	req.operator == "NotIn"
	has_key(labels, req.key)
	not label_string(labels[req.key]) in requirement_values(req)
}

requirement_holds(req, labels) if {
	req.operator == "Exists"
	has_key(labels, req.key)
}

requirement_holds(req, labels) if {
	req.operator == "DoesNotExist"
	is_string(req.key)
	not has_key(labels, req.key)
}

requirement_values(req) := {label_string(v) | some v in array_or_empty(object.get(req, "values", []))}

# Label values are strings; YAML may still give `version: 1` or `enabled: true`, which the API
# server would reject. Compare their text so that `1` and "1" agree rather than silently differ.
label_string(v) := v if is_string(v)

label_string(v) := format_int(v, 10) if {
	is_number(v)
	v == floor(v)
}

label_string(v) := sprintf("%v", [v]) if {
	is_number(v)
	v != floor(v)
}

label_string(v) := "true" if v == true

label_string(v) := "false" if v == false

has_key(obj, key) if {
	is_string(key)
	_ = obj[key]
}

object_or_empty(x) := x if is_object(x)

object_or_empty(x) := {} if not is_object(x)

array_or_empty(x) := x if is_array(x)

array_or_empty(x) := [] if not is_array(x)

# ---------------------------------------------------------------------------------------------
# Objects other than `input`: whole-project rules receive `input.documents` and must look at
# each document explicitly. These mirror the `input`-bound helpers of runeguard.lib.k8s.

# Argo Rollouts' Rollout and OpenShift's DeploymentConfig hold a pod template where a Deployment does.
workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Rollout", "DeploymentConfig"}

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "Rollout", "DeploymentConfig"}

is_workload(doc) if workload_kinds[doc.kind]

# The namespace an object lives in: the one it names, else `default` (where `kubectl apply`
# without `-n` puts it).
namespace_of(doc) := ns if {
	ns := doc.metadata.namespace
	is_string(ns)
	ns != ""
} else := "default"

has_namespace(doc) if {
	ns := doc.metadata.namespace
	is_string(ns)
	ns != ""
}

name_of(doc) := n if {
	n := doc.metadata.name
	is_string(n)
} else := "<unnamed>"

# "Deployment shop/cart", or "Deployment cart" when the object names no namespace (the same
# form as runeguard.lib.k8s.object_label).
label_of(doc) := sprintf("%s %s/%s", [doc.kind, doc.metadata.namespace, name_of(doc)]) if {
	has_namespace(doc)
} else := sprintf("%s %s", [doc.kind, name_of(doc)])

# Path, inside a workload, of its pod template's metadata and spec (tables rather than
# several function bodies: whole-project rules call these for every document).
pod_metadata_paths := {
	"Pod": ["metadata"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "metadata"],
	"Deployment": ["spec", "template", "metadata"],
	"StatefulSet": ["spec", "template", "metadata"],
	"DaemonSet": ["spec", "template", "metadata"],
	"ReplicaSet": ["spec", "template", "metadata"],
	"ReplicationController": ["spec", "template", "metadata"],
	"Job": ["spec", "template", "metadata"],
	"Rollout": ["spec", "template", "metadata"],
	"DeploymentConfig": ["spec", "template", "metadata"],
}

pod_spec_paths := {
	"Pod": ["spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"Rollout": ["spec", "template", "spec"],
	"DeploymentConfig": ["spec", "template", "spec"],
}

pod_metadata_path_of(doc) := pod_metadata_paths[doc.kind]

pod_spec_path_of(doc) := pod_spec_paths[doc.kind]

pod_spec_of(doc) := object_or_empty(object.get(doc, pod_spec_paths[doc.kind], {}))

# The labels the workload's pods carry.
pod_labels_of(doc) := object_or_empty(object.get(doc, array.concat(pod_metadata_paths[doc.kind], ["labels"]), {}))
