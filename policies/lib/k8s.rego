# Helpers shared by the Kubernetes rules. Every helper that yields a node yields
# {"value": ..., "path": [...]} so that rules can report the exact location.
#
# Two families: the helpers without arguments read `input` (document-scope rules, where `input`
# is one object); the `*_of(doc)` functions take an object (whole-project rules, which walk
# `input.documents`) and return paths relative to that object.
#
# Values are read with the types the API server accepts: `privileged: "true"` (a string) is not
# a boolean and `runAsUser: "0"` is not a number; the API server rejects such objects, so no
# rule treats them as the value they spell. Resource quantities are the exception: `cpu: 1`,
# `cpu: "1"` and `cpu: 500m` are all valid.
package runeguard.lib.k8s

import rego.v1

# Argo Rollouts' Rollout and OpenShift's DeploymentConfig hold a pod template where a Deployment does.
workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Rollout", "DeploymentConfig"}

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "Rollout", "DeploymentConfig"}

container_fields := ["containers", "initContainers", "ephemeralContainers"]

# Custom resources that hold an ordinary pod template (a PodTemplateSpec) and create pods from
# it as is, by API group and kind: the path of the template inside the object. Their pods run
# whatever the template says, so the pod-security rules read them like a Deployment's; each
# rule's `kinds:` says whether it applies (the job-like ones, runners and ScaledJobs, are left
# out of the rules about long-running services). OpenKruise's Advanced StatefulSet and
# DaemonSet share the built-in kinds' names and layout, so `template_kinds` already reads them.
custom_pod_templates := {
	# actions-runner-controller, runner scale sets (gha-runner-scale-set chart)
	"actions.github.com": {"AutoscalingRunnerSet": ["spec", "template"]},
	# actions-runner-controller (summerwind): RunnerSet's spec is a StatefulSetSpec. Not
	# RunnerDeployment, whose spec.template.spec is ARC's own RunnerSpec.
	"actions.summerwind.dev": {"RunnerSet": ["spec", "template"]},
	# KEDA: a Job is created from jobTargetRef (a JobSpec) per batch of events
	"keda.sh": {"ScaledJob": ["spec", "jobTargetRef", "template"]},
	# Knative Serving (also Google Cloud Run's service YAML)
	"serving.knative.dev": {"Service": ["spec", "template"], "Configuration": ["spec", "template"]},
	# OpenKruise
	"apps.kruise.io": {"CloneSet": ["spec", "template"]},
	# Kubeflow notebooks: the controller makes a one-replica StatefulSet of spec.template
	"kubeflow.org": {"Notebook": ["spec", "template"]},
}

# Custom resources that hold SEVERAL ordinary pod templates (PodTemplateSpecs), one pod (or a
# group of identical pods) per template, by API group and kind: a list of entries, each with
# `at`, the template's path, where `*` is each item of a list and `{}` each value of a map (one
# of them at most); `unit`, how findings name the template (`worker group`, `replica`); `name`,
# the item's key that names it (the map key names a map's value). Their containers are read as
# a Deployment's, each with its own template's pod-level securityContext and settings
# (custom_pod_levels_of), and labelled with the template (`RayCluster ml/x, worker group
# "small", container "ray-worker"`). Checked against each operator's CRD types:
# Ray (ray-operator/apis/ray/v1), Kubeflow training operator (ReplicaSpec.Template), Volcano
# (TaskSpec.Template), JobSet (ReplicatedJob.Template is a JobTemplateSpec), LeaderWorkerSet
# (LeaderWorkerTemplate.LeaderTemplate/WorkerTemplate), Flink Kubernetes operator
# (FlinkDeploymentSpec.podTemplate, JobManagerSpec/TaskManagerSpec.podTemplate).
_ray(at) := [
	{"at": array.concat(at, ["headGroupSpec", "template"]), "unit": "head group", "flags": "rayStartParams"},
	{"at": array.concat(at, ["workerGroupSpecs", "*", "template"]), "unit": "worker group", "name": "groupName", "flags": "rayStartParams"},
]

_replicas(field) := [{"at": ["spec", field, "{}", "template"], "unit": "replica"}]

_eck_app(name) := [{"at": ["spec", "podTemplate"], "unit": "pod template", "operator_containers": [name]}]

_eck_beat(main) := [
	object.union({"at": ["spec", "daemonSet", "podTemplate"], "unit": "daemon set"}, main),
	object.union({"at": ["spec", "deployment", "podTemplate"], "unit": "deployment"}, main),
	object.union({"at": ["spec", "statefulSet", "podTemplate"], "unit": "stateful set"}, main),
]

custom_pod_template_sets := {
	# KubeRay: the head and each worker group; a RayJob's or RayService's embedded cluster, and
	# a RayJob's submitter Job
	"ray.io": {
		"RayCluster": _ray(["spec"]),
		"RayJob": array.concat(_ray(["spec", "rayClusterSpec"]), [{"at": ["spec", "submitterPodTemplate"], "unit": "submitter"}]),
		"RayService": _ray(["spec", "rayClusterConfig"]),
	},
	# Kubeflow training operator: one template per replica type (Master, Worker, PS, Chief,
	# Launcher...), under a field named after the framework
	"kubeflow.org": {
		"PyTorchJob": _replicas("pytorchReplicaSpecs"),
		"TFJob": _replicas("tfReplicaSpecs"),
		"MPIJob": _replicas("mpiReplicaSpecs"),
		"XGBoostJob": _replicas("xgbReplicaSpecs"),
		"PaddleJob": _replicas("paddleReplicaSpecs"),
		"JAXJob": _replicas("jaxReplicaSpecs"),
	},
	# Volcano: a Job's tasks (the kind shares the built-in Job's name, not its layout)
	"batch.volcano.sh": {"Job": [{"at": ["spec", "tasks", "*", "template"], "unit": "task", "name": "name"}]},
	# JobSet: each replicated Job's JobTemplateSpec
	"jobset.x-k8s.io": {"JobSet": [{"at": ["spec", "replicatedJobs", "*", "template", "spec", "template"], "unit": "replicated job", "name": "name"}]},
	# LeaderWorkerSet: the leader's template (the workers' when it has none) and the workers'
	"leaderworkerset.x-k8s.io": {"LeaderWorkerSet": [
		{"at": ["spec", "leaderWorkerTemplate", "leaderTemplate"], "unit": "leader"},
		{"at": ["spec", "leaderWorkerTemplate", "workerTemplate"], "unit": "workers"},
	]},
	# Elastic Cloud on Kubernetes (ECK): each node set's pod template of an Elasticsearch, the
	# pod template of the other applications (a Beat's under `daemonSet` or `deployment`). The
	# operator builds the application's own container and merges the template's container of
	# its name over it (`operator_containers`, for a Beat and an Agent the beat's type or
	# `agent`), writing its securityContext (by stack version), probes and resources: partial.
	"elasticsearch.k8s.elastic.co": {"Elasticsearch": [{"at": ["spec", "nodeSets", "*", "podTemplate"], "unit": "node set", "name": "name", "operator_containers": ["elasticsearch"]}]},
	"kibana.k8s.elastic.co": {"Kibana": _eck_app("kibana")},
	"apm.k8s.elastic.co": {"ApmServer": _eck_app("apm-server")},
	"enterprisesearch.k8s.elastic.co": {"EnterpriseSearch": _eck_app("enterprise-search")},
	"logstash.k8s.elastic.co": {"Logstash": _eck_app("logstash")},
	"maps.k8s.elastic.co": {"ElasticMapsServer": _eck_app("maps")},
	"beat.k8s.elastic.co": {"Beat": _eck_beat({"operator_container_at": ["spec", "type"]})},
	"agent.k8s.elastic.co": {"Agent": _eck_beat({"operator_containers": ["agent"]})},
	# CloudNativePG: a Pooler's `template` is a PodTemplateSpec; the operator builds the
	# `pgbouncer` container (its securityContext, probes and image) and merges the template's
	# container of that name over it (partial); other containers are added as written
	"postgresql.cnpg.io": {"Pooler": [{"at": ["spec", "template"], "unit": "pod template", "operator_containers": ["pgbouncer"]}]},
	# Argo Rollouts: an Experiment's templates, each run as a ReplicaSet for the experiment's
	# duration
	"argoproj.io": {"Experiment": [{"at": ["spec", "templates", "*", "template"], "unit": "template", "name": "name"}]},
	# Flink Kubernetes operator: the common pod template, merged by the operator into the job
	# manager's and the task managers' own (their fields winning), see _flink_pod_security
	"flink.apache.org": {"FlinkDeployment": [
		{"at": ["spec", "podTemplate"], "unit": "pod template", "main_container": "flink-main-container"},
		{"at": ["spec", "jobManager", "podTemplate"], "unit": "job manager", "merged_under": ["spec", "podTemplate"], "main_container": "flink-main-container"},
		{"at": ["spec", "taskManager", "podTemplate"], "unit": "task manager", "merged_under": ["spec", "podTemplate"], "main_container": "flink-main-container"},
	]},
}

# The templates of a custom resource listed in custom_pod_template_sets, each as
# {"path": the template's path, "label": `worker group "small"`, "entry": its table entry}.
custom_templates_of(doc) := {t |
	_template_set_kinds[doc.kind]
	some entry in custom_pod_template_sets[_group_of(doc)][doc.kind]
	some t in _template_paths(doc, entry)
}

# The kinds listed in custom_pod_template_sets, whatever their group: looked up before the
# apiVersion is split (most documents are of no such kind; the split was ~1 % of the rules' cost).
_template_set_kinds := {kind | some kinds in custom_pod_template_sets; some kind, _ in kinds}

_template_paths(doc, entry) := {{"path": entry.at, "label": entry.unit, "entry": entry} |
	is_object(object.get(doc, entry.at, null))
} if not _wildcard(entry.at)

_template_paths(doc, entry) := {{"path": p, "label": label, "entry": entry} |
	some k, part in entry.at
	part in {"*", "{}"}
	prefix := array.slice(entry.at, 0, k)
	items := object.get(doc, prefix, null)
	_collection(items, part)
	some key, item in items
	is_object(item)
	p := array.concat(array.concat(prefix, [key]), array.slice(entry.at, k + 1, count(entry.at)))
	is_object(object.get(doc, p, null))
	label := sprintf("%s %q", [entry.unit, _item_name(entry, key, item)])
} if _wildcard(entry.at)

_wildcard(at) if "*" in at

_wildcard(at) if "{}" in at

# The command-line flags a template's group adds to its main container, as {value, path,
# label}: KubeRay passes a group's `rayStartParams` (a map, beside the template) to `ray start`
# as `--name=value` (`redis-password`).
custom_template_flags_of(doc) := {{"value": flags, "path": path, "label": t.label} |
	some t in custom_templates_of(doc)
	field := t.entry.flags
	path := array.concat(array.slice(t.path, 0, count(t.path) - 1), [field])
	flags := object.get(doc, path, null)
	is_object(flags)
}

_collection(items, "*") if is_array(items)

_collection(items, "{}") if is_object(items)

_item_name(entry, key, _) := key if is_string(key)

_item_name(entry, key, item) := n if {
	is_number(key)
	n := item[entry.name]
	is_string(n)
} else := sprintf("#%d", [key + 1]) if is_number(key)

# The path of a custom resource's pod template, undefined for other objects.
custom_template_path_of(doc) := path if {
	is_string(doc.apiVersion)
	group := split(doc.apiVersion, "/")[0]
	path := custom_pod_templates[group][doc.kind]
	not cloud_run_service(doc)
}

# Google Cloud Run reads Knative's Service layout but runs no Kubernetes pod: its sandbox
# ignores the securityContext fields, host namespaces and volumes the pod rules ask for, so
# findings there could not be acted on. Cloud Run's files say so with its own annotation or
# label keys (`run.googleapis.com/...`, `cloud.googleapis.com/location`).
cloud_run_service(doc) if {
	some key, _ in object.get(doc, ["metadata", "annotations"], {})
	startswith(key, "run.googleapis.com/")
}

cloud_run_service(doc) if {
	some key, _ in object.get(doc, ["metadata", "labels"], {})
	key == "cloud.googleapis.com/location"
}

cloud_run_service(doc) if {
	some key, _ in object.get(doc, ["spec", "template", "metadata", "annotations"], {})
	startswith(key, "run.googleapis.com/")
}

is_workload if is_workload_of(input)

is_workload_of(doc) if {
	workload_kinds[doc.kind]
	not foreign_builtin_name(doc)
	not template_by_reference(doc)
}

# An Argo Rollout that runs the pod template of another object (`workloadRef`, a Deployment or
# ReplicaSet judged where it is written) and holds none of its own: it has no pod spec, labels or
# containers to judge.
template_by_reference(doc) if {
	doc.kind == "Rollout"
	is_object(doc.spec.workloadRef)
	not is_object(doc.spec.template)
}

# An object of another API group whose kind has a built-in workload's name but not its layout
# (Volcano's `batch.volcano.sh` Job holds tasks, not one pod template): not read as the built-in.
foreign_builtin_name(doc) if {
	_template_set_kinds[doc.kind]
	custom_pod_template_sets[_group_of(doc)][doc.kind]
}

is_workload_of(doc) if custom_template_path_of(doc)

# The path of the pod spec inside the object.
pod_spec_path := pod_spec_path_of(input)

# The path of the pod template's metadata (labels, annotations).
pod_metadata_path := pod_metadata_path_of(input)

pod_spec := pod_spec_of(input)

pod_metadata := pod_metadata_of(input)

pod_annotations := object.get(pod_metadata, "annotations", {})

# Containers injected by a service mesh at admission time, ignored by container rules because
# the mesh owns their settings (data.settings.kubernetes.injected_containers).
injected(c) if {
	some rule in data.settings.kubernetes.injected_containers
	c.name == rule.name
	img := object.get(c, "image", "")
	is_string(img)
	contains(img, rule.image_contains)
}

# Every container of the workload: containers, initContainers and ephemeralContainers (and
# the step containers of an Argo workflow, see argo_containers_of).
containers contains c if {
	some c in containers_of(input)
}

namespace := ns if {
	ns := input.metadata.namespace
	is_string(ns)
	ns != ""
}

name := name_of(input)

# "Deployment payments/api", or "Deployment api" when no namespace is set.
object_label := label_of(input)

container_kind := {
	"containers": "container",
	"initContainers": "init container",
	"ephemeralContainers": "ephemeral container",
	"sidecars": "sidecar",
	"sidecarContainers": "sidecar",
	"steps": "step",
	"stepTemplate": "step template",
	"templateDefaults": "template defaults",
	"driver": "driver",
	"executor": "executor",
	"runner": "runner",
	"application": "application-wide",
	"kafkaContainer": "Kafka container template",
	"initContainer": "init container template",
	"zookeeperContainer": "ZooKeeper container template",
	"topicOperatorContainer": "Topic Operator container template",
	"userOperatorContainer": "User Operator container template",
	"tlsSidecarContainer": "TLS sidecar container template",
	"cruiseControlContainer": "Cruise Control container template",
	"kafkaExporterContainer": "Kafka Exporter container template",
	"connectContainer": "Connect container template",
	"buildContainer": "build container template",
	"bridgeContainer": "Bridge container template",
	"catalogImage": "catalog image",
	"pgBouncer": "PgBouncer",
	"pgbackrest": "pgBackRest",
	"extensionImage": "extension image",
	"exporter": "exporter",
}

# `Deployment payments/api, container "migrate"`
container_label(c) := container_label_of(input, c)

# A securityContext field as it applies to a container: the container's own setting wins over
# the pod's. Only for fields that exist at both levels (runAsUser, runAsNonRoot, seccompProfile...).
effective_security(c, field) := effective_security_of(input, c, field)

has_container_setting(c, field) if {
	_ = c.value.securityContext[field]
}

# Where a container-level securityContext field is, or would be: the container's own, else the
# defaults it inherits (a Tekton stepTemplate) when they set it.
security_path(c, field) := array.concat(c.defaults.path, ["securityContext", field]) if {
	not has_container_setting(c, field)
	_ = c.defaults.value.securityContext[field]
} else := array.concat(c.path, ["securityContext", field])

# The securityContext that applies to a container's fields: its own over the defaults it
# inherits (Tekton merges a Task's stepTemplate into each step, the step's fields winning).
container_security(c) := object.union(_security_object(c.defaults.value), _security_object(c.value)) if {
	_ = c.defaults
} else := _security_object(c.value)

_security_object(v) := sc if {
	sc := v.securityContext
	is_object(sc)
} else := {}

# A container record that is not a whole container: the defaults of other containers (a Tekton
# stepTemplate), or the fields of a container whose securityContext a controller writes (the
# summerwind runner). Rules that report a missing setting skip it; rules that report a setting
# that is there read it.
partial(c) if c.partial == true

# Where the securityContext field that applies to a container is set: the container's own
# field when it has one, else the pod's, else where the container's would be.
effective_security_path(c, field) := effective_security_path_of(input, c, field)

# Pods that run on Windows nodes (`spec.os.name: windows`, or a `kubernetes.io/os: windows`
# node selector): Linux-only settings (capabilities, seccomp, allowPrivilegeEscalation,
# readOnlyRootFilesystem, SELinux) do not apply to them.
is_windows if is_windows_of(input)

# The container's image, when it is a non-empty string.
image(c) := img if {
	img := c.value[image_field(c)]
	is_string(img)
	img != ""
}

# The field of a container record that names its image: `image`, or the one a custom resource
# names it by (CloudNativePG's `Cluster.spec.imageName`).
image_field(c) := f if {
	f := c.image_field
	is_string(f)
} else := "image"

# Where a container's image is, for findings about it.
image_path(c) := array.concat(c.path, [image_field(c)])

# ---------------------------------------------------------------------------------------------
# Functions of an object, for whole-project rules (and used by the helpers above).

pod_spec_path_of(doc) := ["spec"] if doc.kind == "Pod"

pod_spec_path_of(doc) := ["spec", "jobTemplate", "spec", "template", "spec"] if doc.kind == "CronJob"

pod_spec_path_of(doc) := ["spec", "template", "spec"] if {
	template_kinds[doc.kind]
	not foreign_builtin_name(doc)
}

pod_spec_path_of(doc) := array.concat(custom_template_path_of(doc), ["spec"])

pod_metadata_path_of(doc) := ["metadata"] if doc.kind == "Pod"

pod_metadata_path_of(doc) := ["spec", "jobTemplate", "spec", "template", "metadata"] if doc.kind == "CronJob"

pod_metadata_path_of(doc) := ["spec", "template", "metadata"] if {
	template_kinds[doc.kind]
	not foreign_builtin_name(doc)
}

pod_metadata_path_of(doc) := array.concat(custom_template_path_of(doc), ["metadata"])

pod_spec_of(doc) := object.get(doc, pod_spec_path_of(doc), {})

pod_metadata_of(doc) := object.get(doc, pod_metadata_path_of(doc), {})

# The pod template's annotations: an object, empty when they are missing or not a map (a
# malformed manifest must not stop the rules that iterate over them).
pod_annotations_of(doc) := annotations if {
	annotations := object.get(pod_metadata_of(doc), "annotations", {})
	is_object(annotations)
} else := {}

# The containers of a workload object (empty for other objects), mesh-injected ones excluded;
# for an Argo workflow, its templates' containers.
containers_of(doc) := ((pod_containers_of(doc) | argo_containers_of(doc)) | custom_containers_of(doc)) | template_set_containers_of(doc)

# The containers of each pod template of a custom resource with several
# (custom_pod_template_sets), each record carrying its template's pod-level securityContext
# (`pod_security`) and the template's label (`unit_label`).
template_set_containers_of(doc) := {object.union(c_, _template_record(doc, t)) |
	some t in custom_templates_of(doc)
	spec_path := array.concat(t.path, ["spec"])
	spec := object.get(doc, spec_path, null)
	is_object(spec)
	some field in container_fields
	list := object.get(spec, field, [])
	is_array(list)
	some i, c in list
	is_object(c)
	not injected(c)
	c_ := object.union(
		{"value": c, "path": array.concat(spec_path, [field, i]), "field": field},
		object.union(_merged_under_container(doc, t.entry, field, i, c), _operator_container(doc, t, field, i, c)),
	)
} | {object.union(c_, _template_record(doc, t)) |
	# the operator's main container of a pod whose templates name none (`main_container`)
	some t in custom_templates_of(doc)
	name := t.entry.main_container
	not _names_container(doc, t, name)
	not _main_container_elsewhere(doc, t)
	c_ := {"value": {"name": name}, "path": array.concat(t.path, ["spec"]), "field": "containers", "added_by_operator": true}
}

_template_record(doc, t) := {"pod_security": _template_pod_security(doc, t), "unit_label": t.label, "metadata_paths": _template_metadata_paths(t)}

# A container of a template merged over another template's (a Flink job or task manager's over
# the common pod template's), as {"defaults": {value, path}}: the container at the same position
# of the same list (the operator's default), or of the same name when the deployment's
# flinkConfiguration sets `kubernetes.operator.pod-template.merge-arrays-by-name`. The
# container's fields win; the rules about a missing setting read both (container_security).
_merged_under_container(doc, entry, field, i, c) := {"defaults": {"value": base, "path": path}} if {
	is_array(entry.merged_under)
	some path in _merged_under_paths(doc, entry, field, i, c)
	base := object.get(doc, path, null)
	is_object(base)
} else := {}

_merged_under_paths(doc, entry, field, i, c) := {array.concat(entry.merged_under, ["spec", field, i])} if {
	not _merge_by_name(doc)
}

_merged_under_paths(doc, entry, field, _, c) := {array.concat(entry.merged_under, ["spec", field, j]) |
	is_string(c.name)
	some j, base in object.get(doc, array.concat(entry.merged_under, ["spec", field]), [])
	is_object(base)
	base.name == c.name
} if _merge_by_name(doc)

_merge_by_name(doc) if _flink_flag(doc.spec.flinkConfiguration["kubernetes.operator.pod-template.merge-arrays-by-name"])

_flink_flag(v) if v == true

_flink_flag(v) if {
	is_string(v)
	lower(trim_space(v)) == "true"
}

# A container of the common template that every job and task manager template replaces field by
# field (their containers at its position, or of its name): it runs in no pod as written.
_merged_over_everywhere(doc, t, field, i, c) if {
	count(_managers_of(doc, t)) > 0
	every other in _managers_of(doc, t) {
		_replaced_in(doc, other, field, i, c)
	}
}

# The templates merged over a template (a Flink deployment's job and task managers' over the
# common one), as table entries; those that are not written count too.
_managers_of(doc, t) := [e | some e in custom_pod_template_sets[_group_of(doc)][doc.kind]; e.merged_under == t.entry.at]

_replaced_in(doc, entry, field, i, c) if {
	not _merge_by_name(doc)
	is_object(object.get(doc, array.concat(entry.at, ["spec", field, i]), null))
}

_replaced_in(doc, entry, field, _, c) if {
	_merge_by_name(doc)
	is_string(c.name)
	some other in object.get(doc, array.concat(entry.at, ["spec", field]), [])
	is_object(other)
	other.name == c.name
}

# A container that the operator builds itself and merges the template's container of the same
# name over (`operator_containers`: ECK's `elasticsearch`, `kibana`...): the operator writes its
# securityContext, probes and resources, so it is a partial record (the rules about a missing
# setting skip it, those about a setting that is there report it). A common Flink template's
# container that every manager template replaces is partial too (above).
_operator_container(doc, t, field, i, c) := {"partial": true} if {
	field == "containers"
	c.name in _operator_container_names(doc, t.entry)
} else := {"partial": true} if {
	_merged_over_everywhere(doc, t, field, i, c)
} else := {}

_operator_container_names(doc, entry) := {n | some n in entry.operator_containers} | {n |
	n := object.get(doc, entry.operator_container_at, null)
	is_string(n)
}

# Whether a pod's templates name its main container: the template's own, or the template it is
# merged over.
_names_container(doc, t, name) if {
	some c in object.get(doc, array.concat(t.path, ["spec", "containers"]), [])
	c.name == name
}

# A common template's main container is described by the managers' templates when each of them
# has one (they are merged over it).
_main_container_elsewhere(doc, t) if {
	count(_managers_of(doc, t)) > 0
	every e in _managers_of(doc, t) {
		is_object(object.get(doc, e.at, null))
	}
}

_names_container(doc, t, name) if {
	is_array(t.entry.merged_under)
	some c in object.get(doc, array.concat(t.entry.merged_under, ["spec", "containers"]), [])
	c.name == name
}

# Where a template's pod metadata (annotations, labels) is, first the one that wins: its own;
# for a Flink job or task manager, then the common pod template's (the operator merges the
# common template's metadata under the manager's).
_template_metadata_paths(t) := [array.concat(t.path, ["metadata"]), array.concat(t.entry.merged_under, ["metadata"])] if {
	is_array(t.entry.merged_under)
} else := [array.concat(t.path, ["metadata"])]

# A pod annotation as it applies to a container, as {value, path}: for a container of one of
# several pod templates, its own template's (a Flink manager's, else the common template's);
# else the workload's pod template's. Undefined when the annotation is not set.
pod_annotation_of(doc, c, key) := a if {
	is_array(c.metadata_paths)
	a := _first_annotation(doc, c.metadata_paths, key)
} else := {"value": v, "path": array.concat(pod_metadata_path_of(doc), ["annotations", key])} if {
	not is_array(c.metadata_paths)
	v := pod_annotations_of(doc)[key]
}

pod_annotation(c, key) := pod_annotation_of(input, c, key)

_first_annotation(doc, paths, key) := {"value": v, "path": p} if {
	some k, mp in paths
	p := array.concat(mp, ["annotations", key])
	v := _annotation_at(doc, mp, key)
	not _annotation_before(doc, paths, k, key)
}

_annotation_before(doc, paths, k, key) if {
	some j, mp in paths
	j < k
	_ = _annotation_at(doc, mp, key)
}

_annotation_at(doc, metadata_path, key) := v if {
	annotations := object.get(doc, array.concat(metadata_path, ["annotations"]), null)
	is_object(annotations)
	v := annotations[key]
}

# The pod-level securityContexts of an object, each as {value, path, label}: the workload's pod
# spec's, labelled with the object; each template's own of a custom resource with several,
# labelled with the object and the template (a Flink manager's inherited common settings are
# reported once, at the common template). For the rules about pod-level settings.
pod_security_levels_of(doc) := {{"value": sc, "path": array.concat(pod_spec_path_of(doc), ["securityContext"]), "label": label_of(doc)} |
	is_workload_of(doc)
	sc := pod_spec_of(doc).securityContext
	is_object(sc)
} | {{"value": sc, "path": path, "label": sprintf("%s, %s", [label_of(doc), t.label])} |
	some t in custom_templates_of(doc)
	path := array.concat(t.path, ["spec", "securityContext"])
	sc := object.get(doc, path, null)
	is_object(sc)
}

pod_security_levels contains level if some level in pod_security_levels_of(input)

# A template's pod-level securityContext, as {value, path}: its own; for a Flink job or task
# manager, the common pod template's merged under it field by field (the operator merges the
# two templates, the manager's fields winning), at the manager's path when it has one.
_template_pod_security(doc, t) := {"value": object.union(_merged_under_security(doc, t.entry).value, own), "path": path} if {
	own_path := array.concat(t.path, ["spec", "securityContext"])
	own := _object_or_empty(object.get(doc, own_path, {}))
	path := _pod_security_path(own_path, own, _merged_under_security(doc, t.entry))
}

_merged_under_security(doc, entry) := {"value": v, "path": path} if {
	path := array.concat(entry.merged_under, ["spec", "securityContext"])
	v := object.get(doc, path, null)
	is_object(v)
} else := {"value": {}, "path": []}

# The manager's own securityContext when it has one, else the common template's when that has
# one, else where the manager's would be.
_pod_security_path(own_path, own, _) := own_path if own != {}

_pod_security_path(own_path, own, base) := base.path if {
	own == {}
	base.value != {}
}

_pod_security_path(own_path, own, base) := own_path if {
	own == {}
	base.value == {}
}

_object_or_empty(v) := v if {
	is_object(v)
} else := {}

pod_containers_of(doc) := {c_ |
	is_workload_of(doc)
	spec := pod_spec_of(doc)
	is_object(spec)
	some field in container_fields
	list := object.get(spec, field, [])
	is_array(list)
	some i, c in list
	is_object(c)
	not injected(c)
	c_ := {"value": c, "path": array.concat(pod_spec_path_of(doc), [field, i]), "field": field}
}

# Argo Workflows run each template as a pod of its own: the template's `container` or `script`
# (a container with a `source`), `initContainers` and `sidecars` are ordinary containers. The
# pod-level settings are split between the workflow's spec and each template (securityContext,
# volumes, hostNetwork), so only rules that read the container alone list these kinds;
# `podSpecPatch` (a free-form patch string) is not read.
argo_templates_paths := {
	"Workflow": ["spec", "templates"],
	"WorkflowTemplate": ["spec", "templates"],
	"ClusterWorkflowTemplate": ["spec", "templates"],
	"CronWorkflow": ["spec", "workflowSpec", "templates"],
}

argo_containers_of(doc) := {c_ |
	is_string(doc.apiVersion)
	startswith(doc.apiVersion, "argoproj.io/")
	base := argo_templates_paths[doc.kind]
	templates := object.get(doc, base, [])
	is_array(templates)
	some i, t in templates
	is_object(t)
	spec_path := array.slice(base, 0, count(base) - 1)
	pod := _argo_pod_security(doc, spec_path, array.concat(base, [i]))
	some c_ in argo_template_containers(doc, spec_path, array.concat(base, [i]), t, pod)
} | {c_ |
	# spec.templateDefaults' container and script: partial records (the defaults of the
	# templates' own), reported once by the rules about a setting that is there
	is_string(doc.apiVersion)
	startswith(doc.apiVersion, "argoproj.io/")
	base := argo_templates_paths[doc.kind]
	some key in ["container", "script"]
	path := array.concat(array.slice(base, 0, count(base) - 1), ["templateDefaults", key])
	c := object.get(doc, path, null)
	is_object(c)
	c_ := {"value": c, "path": path, "field": "templateDefaults", "partial": true}
}

# A template's `container` or `script` (with spec.templateDefaults' own `container` or `script`
# as the defaults its fields are merged over), `initContainers`, `sidecars` and the containers
# of a `containerSet`.
argo_template_containers(doc, spec_path, path, t, pod) := {object.union(object.union(c_, pod), _argo_defaults(doc, spec_path, key)) |
	some key in ["container", "script"]
	c := t[key]
	is_object(c)
	not injected(c)
	c_ := {"value": c, "path": array.concat(path, [key]), "field": "containers", "default_name": "main"}
} | {object.union(c_, pod) |
	some field in ["initContainers", "sidecars"]
	list := object.get(t, field, [])
	is_array(list)
	some j, c in list
	is_object(c)
	not injected(c)
	c_ := {"value": c, "path": array.concat(path, [field, j]), "field": field}
} | {object.union(c_, pod) |
	list := object.get(t, ["containerSet", "containers"], [])
	is_array(list)
	some j, c in list
	is_object(c)
	not injected(c)
	c_ := {"value": c, "path": array.concat(path, ["containerSet", "containers", j]), "field": "containers"}
}

# spec.templateDefaults is merged into every template by a strategic merge patch, the
# template's fields winning: its `container` (or `script`) is the defaults of each template's.
_argo_defaults(doc, spec_path, key) := {"defaults": {"value": v, "path": path}} if {
	path := array.concat(spec_path, ["templateDefaults", key])
	v := object.get(doc, path, null)
	is_object(v)
} else := {}

# The pod-level securityContext of an Argo template's pod, as {"pod_security": {value, path}}:
# Argo sets the pod's securityContext to the template's when it has one, else to the
# workflow's `spec.securityContext`; the template's object replaces the workflow's as a whole.
# spec.templateDefaults is merged into each template first by a strategic merge patch, so its
# securityContext and the template's are merged field by field (the template's winning). The
# path is the template's when it has one, else templateDefaults'. Empty when none is set.
_argo_pod_security(doc, spec_path, tpath) := {"pod_security": {"value": object.union(defaults, own), "path": path}} if {
	own_path := array.concat(tpath, ["securityContext"])
	defaults_path := array.concat(spec_path, ["templateDefaults", "securityContext"])
	path := _first_object(doc, [own_path, defaults_path]).path
	own := _object_or_empty(object.get(doc, own_path, null))
	defaults := _object_or_empty(object.get(doc, defaults_path, null))
} else := {"pod_security": sc} if {
	sc := _first_object(doc, [array.concat(spec_path, ["securityContext"])])
} else := {}

# The first path of the list that holds an object in the document, as {value, path}.
_first_object(doc, paths) := {"value": v, "path": p} if {
	some k, p in paths
	v := object.get(doc, p, null)
	is_object(v)
	not _object_before(doc, paths, k)
}

_object_before(doc, paths, k) if {
	some j, p in paths
	j < k
	is_object(object.get(doc, p, null))
}

# Custom resources whose containers are neither in a pod template nor Argo templates, by API
# group and kind: the units that hold them. `at` is the unit's path (`*`: each item of a list);
# `lists` the container lists inside the unit; `self`, when the unit is itself a container, the
# field it is labelled by (`partial` when a controller writes that container's securityContext);
# `defaults`, a key of the unit merged into each item of `defaults_for` (Tekton's stepTemplate).
# The pod-level settings live elsewhere in each schema (custom_pod_levels), and the job-like
# kinds are listed only by rules about containers and host access, not by those about services.
_tekton_task(at) := {"at": at, "lists": ["steps", "sidecars"], "defaults": "stepTemplate", "defaults_for": "steps"}

# A TaskRun's or PipelineRun's embedded steps, whose pod-level securityContext is the run's
# podTemplate's (`pod_security_at`: the places it may be, the first one set applies).
_tekton_run_task(at, pod_security_at) := object.union(_tekton_task(at), {"pod_security_at": pod_security_at})

_tekton_pipelinerun_pod := [
	["spec", "taskRunTemplate", "podTemplate", "securityContext"],
	["spec", "podTemplate", "securityContext"],
]

_spark_pod(at) := {"at": at, "self": at[count(at) - 1], "lists": ["initContainers", "sidecars"], "pod_security": "podSecurityContext"}

# The application's own `image` (and `imagePullPolicy`), the default of the driver and the
# executor that set none: a partial record, read by the rules about images.
_spark_app(at) := {"at": at, "self": "application", "partial": true, "lists": []}

_strimzi(at, self) := {"at": at, "self": self, "partial": true, "lists": [], "pod_security_at": [_strimzi_pod_security(at)]}

# The pod template beside a Strimzi container template (`template.pod`): its securityContext is
# the pod's, which the container's own fields override.
_strimzi_pod_security(at) := array.concat(array.slice(at, 0, count(at) - 1), ["pod", "securityContext"])

# CloudNativePG: a Cluster's `imageName` is the image of the PostgreSQL container the operator
# builds (with its securityContext, probes and resources), beside the pods' `env`; an
# ImageCatalog's or ClusterImageCatalog's `images` are the images Clusters pick by major version.
_cnpg_catalog := [{"at": ["spec", "images", "*"], "self": "catalogImage", "partial": true, "lists": []}]

_prometheus_pod(names) := {"at": ["spec"], "lists": ["containers", "initContainers"], "pod_security": "securityContext", "operator_containers": array.concat(names, ["init-config-reloader"])}

_summerwind_runner(at) := {"at": at, "self": "runner", "partial": true, "lists": ["containers", "initContainers", "sidecarContainers"]}

custom_container_units := {
	# Tekton Pipelines: a Task's steps and sidecars; a TaskRun's, Pipeline's and PipelineRun's
	# embedded task specs
	"tekton.dev": {
		"Task": [_tekton_task(["spec"])],
		"ClusterTask": [_tekton_task(["spec"])],
		"TaskRun": [_tekton_run_task(["spec", "taskSpec"], [["spec", "podTemplate", "securityContext"]])],
		"Pipeline": [_tekton_task(["spec", "tasks", "*", "taskSpec"]), _tekton_task(["spec", "finally", "*", "taskSpec"])],
		"PipelineRun": [
			_tekton_run_task(["spec", "pipelineSpec", "tasks", "*", "taskSpec"], _tekton_pipelinerun_pod),
			_tekton_run_task(["spec", "pipelineSpec", "finally", "*", "taskSpec"], _tekton_pipelinerun_pod),
		],
	},
	# Spark operator: the driver's and the executors' pods (a SparkPodSpec is a container's fields
	# beside some pod fields)
	"sparkoperator.k8s.io": {
		"SparkApplication": [_spark_pod(["spec", "driver"]), _spark_pod(["spec", "executor"]), _spark_app(["spec"])],
		"ScheduledSparkApplication": [
			_spark_pod(["spec", "template", "driver"]),
			_spark_pod(["spec", "template", "executor"]),
			_spark_app(["spec", "template"]),
		],
	},
	# Prometheus operator: `containers` and `initContainers` beside the pod's settings in the
	# spec; a listed container of the name of one the operator generates is a strategic merge
	# patch over it (partial), any other an added container, with spec.securityContext as the
	# pod's
	"monitoring.coreos.com": {
		"Prometheus": [_prometheus_pod(["prometheus", "config-reloader", "thanos-sidecar"])],
		"PrometheusAgent": [_prometheus_pod(["prometheus", "config-reloader"])],
		"Alertmanager": [_prometheus_pod(["alertmanager", "config-reloader"])],
		"ThanosRuler": [_prometheus_pod(["thanos-ruler", "config-reloader"])],
	},
	# Zalando's postgres-operator: a cluster's `sidecars` (name, image, env, ports and resources
	# only) and `initContainers`, added to the Spilo pod whose securityContext the operator
	# writes from its own configuration: partial records (image, env, privileged are read)
	"acid.zalan.do": {"postgresql": [{"at": ["spec"], "lists": ["sidecars", "initContainers"], "operator_pod": true}]},
	# OpenKruise: a SidecarSet's containers and init containers, injected into every pod its
	# selector matches, whose securityContext is the matched workload's: partial records (image,
	# env, privileged, added capabilities are read)
	"apps.kruise.io": {"SidecarSet": [{"at": ["spec"], "lists": ["containers", "initContainers"], "operator_pod": true}]},
	# Strimzi: the container templates (env, securityContext, volumeMounts) the operator merges
	# into the containers it builds, writing the rest through its pod security provider:
	# partial records, one per template
	"kafka.strimzi.io": {
		"Kafka": [
			_strimzi(["spec", "kafka", "template", "kafkaContainer"], "kafkaContainer"),
			_strimzi(["spec", "kafka", "template", "initContainer"], "initContainer"),
			_strimzi(["spec", "zookeeper", "template", "zookeeperContainer"], "zookeeperContainer"),
			_strimzi(["spec", "entityOperator", "template", "topicOperatorContainer"], "topicOperatorContainer"),
			_strimzi(["spec", "entityOperator", "template", "userOperatorContainer"], "userOperatorContainer"),
			_strimzi(["spec", "entityOperator", "template", "tlsSidecarContainer"], "tlsSidecarContainer"),
			_strimzi(["spec", "cruiseControl", "template", "cruiseControlContainer"], "cruiseControlContainer"),
			_strimzi(["spec", "kafkaExporter", "template", "container"], "kafkaExporterContainer"),
		],
		"KafkaNodePool": [
			_strimzi(["spec", "template", "kafkaContainer"], "kafkaContainer"),
			_strimzi(["spec", "template", "initContainer"], "initContainer"),
		],
		"KafkaConnect": [
			_strimzi(["spec", "template", "connectContainer"], "connectContainer"),
			_strimzi(["spec", "template", "initContainer"], "initContainer"),
			_strimzi(["spec", "template", "buildContainer"], "buildContainer"),
		],
		"KafkaMirrorMaker2": [
			_strimzi(["spec", "template", "connectContainer"], "connectContainer"),
			_strimzi(["spec", "template", "initContainer"], "initContainer"),
		],
		"KafkaBridge": [_strimzi(["spec", "template", "bridgeContainer"], "bridgeContainer")],
	},
	"postgresql.cnpg.io": {
		"Cluster": [
			{"at": ["spec"], "self": "application", "partial": true, "lists": [], "image_field": "imageName"},
			# an extension's image (an image volume the operator mounts into the PostgreSQL pod)
			{"at": ["spec", "postgresql", "extensions", "*", "image"], "self": "extensionImage", "partial": true, "lists": [], "image_field": "reference"},
		],
		"ImageCatalog": _cnpg_catalog,
		"ClusterImageCatalog": _cnpg_catalog,
	},
	# Crunchy Data PGO: a PostgresCluster's `image` (the database container's), and the custom
	# sidecars of an instance set's pods and of PgBouncer's, added to pods whose securityContext
	# the operator writes: partial records (image, env, privileged are read)
	"postgres-operator.crunchydata.com": {"PostgresCluster": [
		_spark_app(["spec"]),
		{"at": ["spec", "instances", "*"], "lists": ["containers"], "operator_pod": true},
		{"at": ["spec", "proxy", "pgBouncer"], "lists": ["containers"], "operator_pod": true},
		{"at": ["spec", "proxy", "pgBouncer"], "self": "pgBouncer", "partial": true, "lists": []},
		{"at": ["spec", "backups", "pgbackrest"], "self": "pgbackrest", "partial": true, "lists": []},
		{"at": ["spec", "monitoring", "pgmonitor", "exporter"], "self": "exporter", "partial": true, "lists": []},
	]},
	# ECK: the application's `image`, its main container's (partial, read by the image rules)
	"elasticsearch.k8s.elastic.co": {"Elasticsearch": [_spark_app(["spec"])]},
	"kibana.k8s.elastic.co": {"Kibana": [_spark_app(["spec"])]},
	"apm.k8s.elastic.co": {"ApmServer": [_spark_app(["spec"])]},
	"enterprisesearch.k8s.elastic.co": {"EnterpriseSearch": [_spark_app(["spec"])]},
	"logstash.k8s.elastic.co": {"Logstash": [_spark_app(["spec"])]},
	"maps.k8s.elastic.co": {"ElasticMapsServer": [_spark_app(["spec"])]},
	"beat.k8s.elastic.co": {"Beat": [_spark_app(["spec"])]},
	"agent.k8s.elastic.co": {"Agent": [_spark_app(["spec"])]},
	# Flink Kubernetes operator: the deployment's `image` (and `imagePullPolicy`) is the main
	# container's (`flink-main-container`, which pod templates name without an image)
	"flink.apache.org": {"FlinkDeployment": [_spark_app(["spec"])]},
	# actions-runner-controller (summerwind): RunnerDeployment's and RunnerReplicaSet's
	# spec.template.spec, a Runner's spec, is a RunnerSpec: the runner container's image and env
	# at its top level, beside whole containers
	"actions.summerwind.dev": {
		"RunnerDeployment": [_summerwind_runner(["spec", "template", "spec"])],
		"RunnerReplicaSet": [_summerwind_runner(["spec", "template", "spec"])],
		"Runner": [_summerwind_runner(["spec"])],
	},
}

# Where pod-level settings of those resources (and Argo workflows) are, and which of them the
# schema has there: `hostNetwork`, `volumes`.
custom_pod_levels := {
	"tekton.dev": {
		"TaskRun": [{"at": ["spec", "podTemplate"], "fields": ["hostNetwork", "volumes"]}],
		"PipelineRun": [
			{"at": ["spec", "podTemplate"], "fields": ["hostNetwork", "volumes"]},
			{"at": ["spec", "taskRunTemplate", "podTemplate"], "fields": ["hostNetwork", "volumes"]},
		],
	},
	"sparkoperator.k8s.io": {
		"SparkApplication": [
			{"at": ["spec"], "fields": ["volumes"]},
			{"at": ["spec", "driver"], "fields": ["hostNetwork"]},
			{"at": ["spec", "executor"], "fields": ["hostNetwork"]},
		],
		"ScheduledSparkApplication": [
			{"at": ["spec", "template"], "fields": ["volumes"]},
			{"at": ["spec", "template", "driver"], "fields": ["hostNetwork"]},
			{"at": ["spec", "template", "executor"], "fields": ["hostNetwork"]},
		],
	},
	"actions.summerwind.dev": {
		"RunnerDeployment": [{"at": ["spec", "template", "spec"], "fields": ["volumes"]}],
		"RunnerReplicaSet": [{"at": ["spec", "template", "spec"], "fields": ["volumes"]}],
		"Runner": [{"at": ["spec"], "fields": ["volumes"]}],
	},
	"monitoring.coreos.com": {
		"Prometheus": [{"at": ["spec"], "fields": ["hostNetwork", "volumes"]}],
		"PrometheusAgent": [{"at": ["spec"], "fields": ["hostNetwork", "volumes"]}],
		"Alertmanager": [{"at": ["spec"], "fields": ["volumes"]}],
		"ThanosRuler": [{"at": ["spec"], "fields": ["volumes"]}],
	},
	# OpenKruise: the volumes a SidecarSet adds to every pod its selector matches
	"apps.kruise.io": {"SidecarSet": [{"at": ["spec"], "fields": ["volumes"]}]},
	"argoproj.io": {
		"Workflow": [{"at": ["spec"], "fields": ["hostNetwork", "volumes"]}, {"at": ["spec", "templates", "*"], "fields": ["volumes"]}],
		"WorkflowTemplate": [{"at": ["spec"], "fields": ["hostNetwork", "volumes"]}, {"at": ["spec", "templates", "*"], "fields": ["volumes"]}],
		"ClusterWorkflowTemplate": [{"at": ["spec"], "fields": ["hostNetwork", "volumes"]}, {"at": ["spec", "templates", "*"], "fields": ["volumes"]}],
		"CronWorkflow": [
			{"at": ["spec", "workflowSpec"], "fields": ["hostNetwork", "volumes"]},
			{"at": ["spec", "workflowSpec", "templates", "*"], "fields": ["volumes"]},
		],
	},
}

_group_of(doc) := split(doc.apiVersion, "/")[0] if is_string(doc.apiVersion)

# The API group of an Elastic Cloud on Kubernetes (ECK) resource (`*.k8s.elastic.co`).
eck_group_of(doc) := g if {
	g := _group_of(doc)
	endswith(g, ".k8s.elastic.co")
}

# The paths a pattern names in an object: each item of the list at a `*` (one `*` at most).
pattern_paths(doc, pattern) := {pattern} if {
	not "*" in pattern
	is_object(object.get(doc, pattern, null))
}

pattern_paths(doc, pattern) := {p |
	some k, part in pattern
	part == "*"
	prefix := array.slice(pattern, 0, k)
	list := object.get(doc, prefix, null)
	is_array(list)
	some i, item in list
	is_object(item)
	p := array.concat(array.concat(prefix, [i]), array.slice(pattern, k + 1, count(pattern)))
	is_object(object.get(doc, p, null))
} if "*" in pattern

custom_containers_of(doc) := {object.union(object.union(c_, _unit_pod_security(doc, unit, at)), _unit_task(doc, at)) |
	some unit in custom_container_units[_group_of(doc)][doc.kind]
	some at in pattern_paths(doc, unit.at)
	some c_ in _unit_containers(doc, unit, at)
}

# The pipeline task a Tekton Pipeline's or PipelineRun's embedded taskSpec belongs to, as
# {"task": name}, so that findings name the task beside the step; empty elsewhere.
_unit_task(doc, at) := {"task": n} if {
	count(at) >= 3
	at[count(at) - 1] == "taskSpec"
	is_number(at[count(at) - 2])
	n := object.get(doc, array.concat(array.slice(at, 0, count(at) - 1), ["name"]), null)
	is_string(n)
	n != ""
} else := {}

# The pod-level securityContext of a unit's pod (a Spark driver's or executor's
# `podSecurityContext`), as {"pod_security": {value, path}}; empty when the unit has none.
_unit_pod_security(doc, unit, at) := {"pod_security": {"value": v, "path": path}} if {
	path := array.concat(at, [unit.pod_security])
	v := object.get(doc, path, null)
	is_object(v)
} else := {"pod_security": sc} if {
	sc := _first_object(doc, unit.pod_security_at)
} else := {}

_unit_containers(doc, unit, at) := {c_ |
	some field in unit.lists
	list := object.get(doc, array.concat(at, [field]), [])
	is_array(list)
	some j, c in list
	is_object(c)
	not injected(c)
	path := array.concat(at, [field, j])
	c_ := object.union(object.union({"value": c, "path": path, "field": field}, _defaults(doc, unit, at, field)), _unit_operator_container(unit, c))
} | {c_ |
	field := unit.self
	c := object.get(doc, at, null)
	c_ := object.union({"value": c, "path": at, "field": field, "partial": object.get(unit, "partial", false)}, _unit_image_field(unit))
} | {c_ |
	field := unit.defaults
	c := object.get(doc, array.concat(at, [field]), null)
	is_object(c)
	c_ := {"value": c, "path": array.concat(at, [field]), "field": field, "partial": true}
}

# The field a unit that is itself a container names its image by, when not `image`.
_unit_image_field(unit) := {"image_field": unit.image_field} if is_string(unit.image_field) else := {}

# A container of the unit's lists that the operator builds itself and patches with the listed
# one of the same name (the Prometheus operator's `prometheus`, `config-reloader`...): partial.
_unit_operator_container(unit, c) := {"partial": true} if {
	c.name in unit.operator_containers
} else := {"partial": true} if {
	unit.operator_pod == true
} else := {}

_defaults(doc, unit, at, field) := {"defaults": {"value": v, "path": path}} if {
	unit.defaults_for == field
	path := array.concat(at, [unit.defaults])
	v := object.get(doc, path, null)
	is_object(v)
} else := {}

# The pod-level places of a custom resource, each with the settings its schema has there and
# `where`, how messages name it (its dotted path); the pod spec of each template of a resource
# with several is one, with a pod spec's settings, named as its containers' labels name it.
custom_pod_levels_of(doc) := {{"value": object.get(doc, at, {}), "path": at, "fields": entry.fields, "where": concat(".", [sprintf("%v", [x]) | some x in at])} |
	some entry in custom_pod_levels[_group_of(doc)][doc.kind]
	some at in pattern_paths(doc, entry.at)
} | {{"value": spec, "path": at, "fields": template_pod_fields, "where": t.label} |
	some t in custom_templates_of(doc)
	at := array.concat(t.path, ["spec"])
	spec := object.get(doc, at, null)
	is_object(spec)
}

template_pod_fields := ["hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "volumes"]

custom_pod_level_settings contains level if some level in custom_pod_levels_of(input)

# The namespace an object names, or "" when it names none.
namespace_of(doc) := ns if {
	ns := doc.metadata.namespace
	is_string(ns)
} else := ""

# The namespace an object lands in when applied as is: the one it names, else `default`.
effective_namespace_of(doc) := ns if {
	ns := namespace_of(doc)
	ns != ""
} else := "default"

# An object created with `generateName` only (Argo workflows, Tekton runs, Jobs submitted with
# `kubectl create`) is named by its prefix and a `*` for the suffix the API server adds.
name_of(doc) := n if {
	n := doc.metadata.name
	is_string(n)
	n != ""
} else := concat("", [g, "*"]) if {
	g := doc.metadata.generateName
	is_string(g)
	g != ""
} else := "<unnamed>"

label_of(doc) := sprintf("%s %s/%s", [doc.kind, namespace_of(doc), name_of(doc)]) if {
	namespace_of(doc) != ""
} else := sprintf("%s %s", [doc.kind, name_of(doc)])

container_label_of(doc, c) := sprintf("%s%s, %s", [label_of(doc), _task_part(c), container_kind[c.field]]) if {
	c.field in _single_containers
} else := sprintf("%s%s, %s %q (the operator's main container, which the template does not list)", [label_of(doc), _task_part(c), container_kind[c.field], container_name(c)]) if {
	c.added_by_operator == true
} else := sprintf("%s%s, %s %q", [label_of(doc), _task_part(c), container_kind[c.field], container_name(c)])

# `, task "build"` for the steps of a pipeline task's embedded taskSpec; `, worker group
# "small"` for the containers of one of several pod templates.
_task_part(c) := sprintf(", task %q", [c.task]) if {
	is_string(c.task)
} else := sprintf(", %s", [c.unit_label]) if {
	is_string(c.unit_label)
} else := ""

# Container records that are one of a kind in their object and carry no name: a Tekton
# stepTemplate, a Spark driver or executor (or the application's defaults), the summerwind runner.
_single_containers := {
	"stepTemplate", "templateDefaults", "driver", "executor", "runner", "application",
	"kafkaContainer", "initContainer", "zookeeperContainer", "topicOperatorContainer", "userOperatorContainer",
	"tlsSidecarContainer", "cruiseControlContainer", "kafkaExporterContainer", "connectContainer", "buildContainer",
	"bridgeContainer", "catalogImage", "pgBouncer", "pgbackrest", "exporter", "extensionImage",
}

# A container's name; Argo names a template's `container` or `script` `main` (`default_name`).
container_name(c) := n if {
	n := c.value.name
	is_string(n)
} else := c.default_name if {
	is_string(c.default_name)
} else := "<unnamed>"

# The container's own field, else the defaults' it inherits (a Tekton stepTemplate, Argo's
# templateDefaults), else the pod's.
effective_security_of(doc, c, field) := container_security(c)[field]

effective_security_of(doc, c, field) := pod_security_of(doc, c).value[field] if {
	not _container_or_defaults_setting(c, field)
}

_container_or_defaults_setting(c, field) if {
	_ = container_security(c)[field]
}

effective_security_path_of(doc, c, field) := security_path(c, field) if {
	_container_or_defaults_setting(c, field)
} else := array.concat(pod_security_of(doc, c).path, [field]) if {
	_ = pod_security_of(doc, c).value[field]
} else := security_path(c, field)

# The pod-level securityContext that applies to a container, as {value, path}: the one its
# record carries (an Argo template's or workflow's, a Spark driver's or executor's
# podSecurityContext), else the pod spec's. The value is {} when none is set.
pod_security_of(doc, c) := c.pod_security if {
	_ = c.pod_security
} else := {"value": v, "path": array.concat(pod_spec_path_of(doc), ["securityContext"])} if {
	v := pod_spec_of(doc).securityContext
	is_object(v)
} else := {"value": {}, "path": array.concat(pod_spec_path_of(doc), ["securityContext"])}

# The same for `input`.
pod_security(c) := pod_security_of(input, c)

is_windows_of(doc) if pod_spec_of(doc).os.name == "windows"

is_windows_of(doc) if pod_spec_of(doc).nodeSelector["kubernetes.io/os"] == "windows"

# ---------------------------------------------------------------------------------------------
# Image references: [registry[:port]/]repository[:tag][@algorithm:digest].

# True when the reference ends with a digest (`@sha256:...`, or another algorithm). Its length
# is not checked: a truncated digest is a broken reference that no runtime pulls, not a
# mutable one.
image_has_digest(image) if regex.match(`@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`, image)

# The tag of a reference, undefined when it has none: the text after the last `:` of the last
# path component, so that a registry port (`registry:5000/app`) is not read as a tag.
image_tag(image) := tag if {
	name := split(image, "@")[0]
	parts := split(name, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	segments := split(last, ":")
	tag := segments[count(segments) - 1]
}

# A tag that moves by convention: `latest`, a branch or a release channel
# (data.settings.kubernetes.mutable_image_tags), alone or qualified by a version line or a
# variant (`v1.28-latest`, `lts-alpine`, `latest-kafka-4.3.1`, `2.0.0-SNAPSHOT`): such tags
# float to the newest build of their line (wild16). A part that names one build keeps the tag
# fixed (`main-3f9c2ab`, `nightly-20240105`, `develop-1042`); a version does not, as it names
# the line.
moving_tag(tag) if tag in data.settings.kubernetes.mutable_image_tags

moving_tag(tag) if {
	parts := regex.split(`[-_]`, tag)
	count(parts) > 1
	some word in parts
	word in data.settings.kubernetes.mutable_image_tags
	not any_pinning_part(parts)
}

# A tag that names only the variant an image is built on (`alpine`, `slim`, `bookworm`,
# `slim-bookworm`, `alpine3.20`): it is the newest release of the image built on that base,
# `latest` on Alpine, and moves with every release (wild34: `redis:alpine`,
# `gitlab/gitlab-runner:alpine`). A version beside it (`16-alpine`, `3.12-slim`) names the line
# and is not flagged, as `postgres:16` is not.
moving_tag(tag) if {
	parts := regex.split(`[-_]`, tag)
	every part in parts {
		base_variant_part(part)
	}
}

# The variant alone or with its version (`alpine3.20`, `bookworm`). String functions, not an
# expression built per variant: each such expression was compiled for every container
# (podinfo's run +25 M instructions).
base_variant_part(part) if {
	some variant in data.settings.kubernetes.base_variant_image_tags
	startswith(part, variant)
	_version_or_nothing(substring(part, count(variant), -1))
}

_version_or_nothing(s) if s == ""

# `3`, `3.20`: digits in groups joined by single dots.
_version_or_nothing(s) if {
	s != ""
	trim(s, "0123456789.") == ""
	every group in split(s, ".") {
		group != ""
	}
}

any_pinning_part(parts) if {
	some part in parts
	pinning_part(part)
}

# A commit hash (seven or more hex digits, at least one a digit and one a letter), or a build
# number or a date (three or more digits).
pinning_part(part) if {
	regex.match(`^[0-9a-f]{7,40}$`, part)
	regex.match(`[0-9]`, part)
	regex.match(`[a-f]`, part)
}

pinning_part(part) if regex.match(`^[0-9]{3,}$`, part)

# References that a template engine, a deploy tool or the reader fills in (`${IMAGE}`, `$(TAG)`,
# `{{ .Values }}`, `<your-image>`).
image_templated(image) if contains(image, "${")

image_templated(image) if contains(image, "$(")

image_templated(image) if contains(image, "{{")

image_templated(image) if regex.match(`^<[^<>]+>$`, image)

# A Go import path for ko (`ko://knative.dev/serving/cmd/webhook`): `ko resolve` and `ko apply`
# build the binary and write `registry/path@sha256:…` in its place, so what runs is pinned by
# the digest ko publishes; the written reference has no tag to judge (Knative's, Tekton's and
# the Kubernetes SIGs' `config/` folders).
image_templated(image) if startswith(image, "ko://")

# An image whose one reference has a literal default, as Flux's postBuild substitution
# (envsubst) and shells write it: `nginx:${TAG:=latest}`, `${TAG:-latest}`, `${TAG=latest}`,
# `${TAG-latest}` for the tag, or the whole reference (`${IMAGE:=redis}`). Flux substitutes the
# default when the variable is unset, so the image deployed then is `image` (kflux36); `name` is
# the variable, and character i of `image` from the default on is character `shift` + i of the
# written one. A reference without a default (`${TAG}`, `${TAG:=}`), or with another reference
# in it, stays unjudged.
image_default(written) := {"image": concat(":", [m[0][1], m[0][3]]), "name": m[0][2], "shift": (count(written) - 1) - count(m[0][3]) - count(m[0][1]) - 1} if {
	endswith(written, "}")
	m := regex.find_all_string_submatch_n(`^([^${}]+):\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=]([^${}:@/]+)\}$`, written, 1)
	count(m) == 1
}

image_default(written) := {"image": m[0][2], "name": m[0][1], "shift": (count(written) - 1) - count(m[0][2])} if {
	startswith(written, "${")
	m := regex.find_all_string_submatch_n(`^\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=]([^${}]+)\}$`, written, 1)
	count(m) == 1
}

# Istio's injector fills in the image of a container named `istio-proxy` written as `auto` (gateway
# injection, `inject.istio.io/templates: gateway`, and pods that declare the proxy container):
# the control plane's proxy image replaces it, so `auto` is no tag to judge.
image_injected(c) if {
	image(c) == "auto"
	c.value.name == "istio-proxy"
}

# OpenShift fills in the image of a container that an image change trigger names: a
# DeploymentConfig's `spec.triggers` entry of `type: ImageChange` (its
# `imageChangeParams.containerNames`), or an entry of the `image.openshift.io/triggers`
# annotation of a Kubernetes workload (its `fieldPath` names the container by index or by
# name). The ImageStreamTag's image replaces what is written (often `" "`), by digest, at each
# rollout: the written image is no tag to judge.
image_injected(c) if {
	input.kind == "DeploymentConfig"
	some trigger in input.spec.triggers
	trigger.type == "ImageChange"
	c.value.name in trigger.imageChangeParams.containerNames
	c.path[count(c.path) - 2] in {"containers", "initContainers"}
}

image_injected(c) if {
	raw := input.metadata.annotations["image.openshift.io/triggers"]
	is_string(raw)
	json.is_valid(raw)
	triggers := json.unmarshal(raw)
	is_array(triggers)
	some trigger in triggers
	is_string(trigger.fieldPath)
	trigger.fieldPath in _trigger_field_paths(c)
}

# The `fieldPath`s that name a container's image: `spec.template.spec.containers[0].image`,
# `spec.template.spec.containers[?(@.name=="web")].image` (or with single quotes).
_trigger_field_paths(c) := {p |
	n := count(c.path)
	list := concat(".", [sprintf("%v", [s]) | some s in array.slice(c.path, 0, n - 1)])
	some selector in _container_selectors(c.path[n - 1], c.value.name)
	p := sprintf("%s[%s].image", [list, selector])
}

_container_selectors(i, name) := {sprintf("%d", [i]), sprintf("?(@.name==\"%s\")", [name]), sprintf("?(@.name=='%s')", [name])} if {
	is_string(name)
} else := {sprintf("%d", [i])}

# ---------------------------------------------------------------------------------------------
# Resources.

resource_names := {"cpu": "CPU", "memory": "memory"}

# A quantity that is given: a number or a non-empty string (`500m`, `"1"`, `1`, `1Gi`).
quantity_set(v) if is_number(v)

quantity_set(v) if {
	is_string(v)
	trim_space(v) != ""
}
