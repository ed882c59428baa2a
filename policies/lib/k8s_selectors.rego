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
		has_key(lbls, key)
		label_string(lbls[key]) == label_string(want)
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
		has_key(lbls, key)
		label_string(lbls[key]) == label_string(want)
	}
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

workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

is_workload(doc) if workload_kinds[doc.kind]

# The namespace an object lives in: the one it names, else `default` (where `kubectl apply`
# without `-n` puts it).
namespace_of(doc) := ns if {
	ns := doc.metadata.namespace
	is_string(ns)
	ns != ""
}

namespace_of(doc) := "default" if not has_namespace(doc)

has_namespace(doc) if {
	ns := doc.metadata.namespace
	is_string(ns)
	ns != ""
}

name_of(doc) := n if {
	n := doc.metadata.name
	is_string(n)
}

name_of(doc) := "<unnamed>" if not is_string(object.get(object.get(doc, "metadata", {}), "name", null))

# "Deployment shop/cart", or "Deployment cart" when the object names no namespace (the same
# form as runeguard.lib.k8s.object_label).
label_of(doc) := sprintf("%s %s/%s", [doc.kind, namespace_of(doc), name_of(doc)]) if has_namespace(doc)

label_of(doc) := sprintf("%s %s", [doc.kind, name_of(doc)]) if not has_namespace(doc)

# Path, inside the object, of the pod template's metadata and spec.
pod_metadata_path_of(doc) := ["metadata"] if doc.kind == "Pod"

pod_metadata_path_of(doc) := ["spec", "jobTemplate", "spec", "template", "metadata"] if doc.kind == "CronJob"

pod_metadata_path_of(doc) := ["spec", "template", "metadata"] if template_kinds[doc.kind]

pod_spec_path_of(doc) := ["spec"] if doc.kind == "Pod"

pod_spec_path_of(doc) := ["spec", "jobTemplate", "spec", "template", "spec"] if doc.kind == "CronJob"

pod_spec_path_of(doc) := ["spec", "template", "spec"] if template_kinds[doc.kind]

pod_spec_of(doc) := object_or_empty(object.get(doc, pod_spec_path_of(doc), {}))

# The labels the workload's pods carry.
pod_labels_of(doc) := object_or_empty(object.get(doc, array.concat(pod_metadata_path_of(doc), ["labels"]), {}))
