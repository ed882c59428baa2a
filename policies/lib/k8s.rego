# Helpers shared by the Kubernetes rules. Every helper that yields a node yields
# {"value": ..., "path": [...]} so that rules can report the exact location.
package runeguard.lib.k8s

import rego.v1

workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

container_fields := ["containers", "initContainers", "ephemeralContainers"]

is_workload if workload_kinds[input.kind]

# The path of the pod spec inside the object.
pod_spec_path := ["spec"] if input.kind == "Pod"

pod_spec_path := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

pod_spec_path := ["spec", "template", "spec"] if template_kinds[input.kind]

# The path of the pod template's metadata (labels, annotations).
pod_metadata_path := ["metadata"] if input.kind == "Pod"

pod_metadata_path := ["spec", "jobTemplate", "spec", "template", "metadata"] if input.kind == "CronJob"

pod_metadata_path := ["spec", "template", "metadata"] if template_kinds[input.kind]

pod_spec := object.get(input, pod_spec_path, {})

pod_metadata := object.get(input, pod_metadata_path, {})

pod_annotations := object.get(pod_metadata, "annotations", {})

# Containers injected by a service mesh at admission time, ignored by container rules because
# the mesh owns their settings (data.settings.kubernetes.injected_containers).
injected(c) if {
	some rule in data.settings.kubernetes.injected_containers
	c.name == rule.name
	contains(object.get(c, "image", ""), rule.image_contains)
}

# Every container of the workload: containers, initContainers and ephemeralContainers.
containers contains {"value": c, "path": array.concat(pod_spec_path, [field, i]), "field": field} if {
	is_workload
	some field in container_fields
	some i, c in object.get(pod_spec, field, [])
	is_object(c)
	not injected(c)
}

namespace := ns if {
	ns := input.metadata.namespace
	is_string(ns)
	ns != ""
}

name := object.get(object.get(input, "metadata", {}), "name", "<unnamed>")

# "Deployment payments/api", or "Deployment api" when no namespace is set.
object_label := sprintf("%s %s/%s", [input.kind, namespace, name])

object_label := sprintf("%s %s", [input.kind, name]) if not namespace

container_kind := {"containers": "container", "initContainers": "init container", "ephemeralContainers": "ephemeral container"}

# `Deployment payments/api, container "migrate"`
container_label(c) := sprintf("%s, %s %q", [object_label, container_kind[c.field], object.get(c.value, "name", "<unnamed>")])

# A securityContext field as it applies to a container: the container's own setting wins over
# the pod's. Only for fields that exist at both levels (runAsUser, runAsNonRoot, seccompProfile...).
effective_security(c, field) := c.value.securityContext[field]

effective_security(c, field) := pod_spec.securityContext[field] if {
	not has_container_setting(c, field)
}

has_container_setting(c, field) if {
	_ = c.value.securityContext[field]
}

# Where a container-level securityContext field is, or would be.
security_path(c, field) := array.concat(c.path, ["securityContext", field])
