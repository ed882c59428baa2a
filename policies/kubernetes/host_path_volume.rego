# METADATA
# title: Pods must not mount host paths
# description: >-
#   Flags each hostPath volume of a workload, and says when the path is one that hands over the
#   node: the root filesystem, /etc, /proc, /sys, /dev, /boot, the kubelet's or the container
#   runtime's state, or a container runtime socket (data.settings.kubernetes.critical_host_paths),
#   or a directory above one of them. The kubelet's plugin sockets (a CSI driver's own
#   directory below /var/lib/kubelet/plugins, plugins_registry, device-plugins, pod-resources),
#   which every CSI driver, device plugin and metrics agent mounts, are reported at the rule's
#   severity; the kubelet's CSI staging directory (plugins/kubernetes.io) stays critical.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Also read where custom resources keep volumes outside a pod template: a Tekton TaskRun's or
#   PipelineRun's podTemplate, a Spark application's spec, a summerwind RunnerDeployment's,
#   RunnerReplicaSet's or Runner's RunnerSpec, an Argo workflow's spec and templates, and the
#   volumes an OpenKruise SidecarSet adds to every pod it matches.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-011
#   name: host-path-volume
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, TaskRun, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6, CM-7]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     cis-kubernetes: [5.2.12]
#   rationale: >-
#     A hostPath volume gives the container the node's files, outside any quota or isolation.
#     Mounting a container runtime socket (docker, containerd, cri-o) or the kubelet's directory
#     is a full node takeover; /etc and / allow rewriting the node's users, cron and certificates.
#     The catalog rates those paths critical: the message says so, so that they can be triaged
#     first.
#   remediation: >-
#     Use a persistentVolumeClaim, configMap, secret, emptyDir or a CSI volume instead. Node
#     agents that must read host files should mount the narrowest path read-only, on dedicated
#     nodes, with a documented exception.
#   related:
#     - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package runeguard.kubernetes.host_path_volume

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some at in volume_lists
	volumes := object.get(input, array.concat(at, ["volumes"]), null)
	is_array(volumes)
	some i, volume in volumes
	is_object(volume.hostPath)
	finding := {
		"msg": sprintf("%s %s the host path %s in volume %q%s%s", [k8s.object_label, verb(volume), shown(volume.hostPath), volume_name(volume), criticality(volume.hostPath), unmounted_note(volume)]),
		"path": array.concat(at, ["volumes", i, "hostPath", "path"]),
		"severity": severity(volume.hostPath),
	}
}

# Where a pod's volumes are: its pod spec, or the pod-level places of a custom resource that
# keeps them outside a pod template (a Tekton run's podTemplate, a Spark application's spec, an
# Argo workflow's spec and templates, a summerwind RunnerDeployment's RunnerSpec).
volume_lists contains k8s.pod_spec_path if k8s.is_workload

volume_lists contains level.path if {
	some level in k8s.custom_pod_level_settings
	"volumes" in level.fields
}

# A hostPath volume that no container mounts gives no container the node's files, but the pod
# still declares it, and Pod Security `baseline` rejects the pod for the declaration alone: the
# finding stands, and the message says what the manifest does rather than claim a mount.
mounted(volume) if {
	some c in k8s.containers
	some m in c.value.volumeMounts
	m.name == volume.name
}

verb(volume) := "mounts" if mounted(volume)
else := "declares"

unmounted_note(volume) := "" if mounted(volume)
else := "" if containers_elsewhere
else := " (mounted by no container; Pod Security baseline rejects the declaration alone)"

# A Tekton run's podTemplate serves the steps of the Task or Pipeline it references, which are
# in another object: whether they mount the volume is not known here.
containers_elsewhere if {
	startswith(input.apiVersion, "tekton.dev/")
	input.kind in {"TaskRun", "PipelineRun"}
}

# An Argo workflow's volumes serve its templates, and templates of other objects that its steps
# reach through `templateRef` or `workflowTemplateRef`.
containers_elsewhere if {
	startswith(input.apiVersion, "argoproj.io/")
	input.kind in {"Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"}
}

# Critical host paths (the node's root, the container runtime's socket, the kubelet's state)
# hand the node over: the finding is critical, not the rule's default high.
severity(host_path) := "critical" if {
	critical_reason(normalized(host_path.path))
} else := "high"

volume_name(volume) := volume.name if {
	is_string(volume.name)
} else := "<unnamed>"

shown(host_path) := sprintf("%q", [host_path.path]) if {
	is_string(host_path.path)
} else := "(no path given)"

criticality(host_path) := sprintf(" (critical: %s)", [reason]) if {
	p := normalized(host_path.path)
	reason := critical_reason(p)
} else := ""

critical_reason("/") := "the node's whole filesystem"

# The path itself is critical, or lies below a path whose every part is (`subpaths`: sockets,
# the kubelet's and the runtime's state; not /etc, /proc, /sys or /dev, whose parts such as
# /etc/ssl/certs or /sys/fs/cgroup are commonly and more safely mounted alone).
critical_reason(p) := reason if {
	p != "/"
	reasons := [entry.reason |
		some entry in critical_paths
		at_or_below(p, entry)
	]
	count(reasons) > 0
	reason := reasons[0]
}

# The path is a directory above a critical path: mounting it exposes that path.
critical_reason(p) := sprintf("it contains %s: %s", [entry.path, entry.reason]) if {
	p != "/"
	not critical_itself(p)
	entries := [entry |
		some entry in critical_paths
		startswith(entry.path, concat("", [p, "/"]))
	]
	count(entries) > 0
	entry := entries[0]
}

critical_itself(p) if {
	some entry in critical_paths
	at_or_below(p, entry)
}

# The settings' critical paths with their paths normalized, once per evaluation rather than
# for every test of every volume (an entry whose path does not normalize matches nothing).
critical_paths := [object.union(entry, {"path": p}) |
	some entry in data.settings.kubernetes.critical_host_paths
	p := normalized(entry.path)
]

at_or_below(p, entry) if p == entry.path

at_or_below(p, entry) if {
	entry.subpaths == true
	startswith(p, concat("", [entry.path, "/"]))
	not narrow(p, entry)
}

# A part of a critical directory that holds only what one node agent needs (`narrow_subpaths`,
# relative to the entry): the kubelet's plugin sockets — a CSI driver's own directory
# (`plugins/<driver>`), the registration, device-plugin and pod-resources sockets — mounted by
# every CSI driver, device plugin and metrics agent. Still a hostPath, not critical.
narrow(p, entry) if {
	some sub in object.get(entry, "narrow_subpaths", [])
	not endswith(sub, "/*")
	base := concat("/", [entry.path, sub])
	at_or_under(p, base)
}

narrow(p, entry) if {
	some sub in object.get(entry, "narrow_subpaths", [])
	endswith(sub, "/*")
	parent := concat("/", [entry.path, trim_suffix(sub, "/*")])
	startswith(p, concat("", [parent, "/"]))
}

at_or_under(p, base) if p == base

at_or_under(p, base) if startswith(p, concat("", [base, "/"]))

# `/var/run/` and `/var//run` are `/var/run`; a relative path is left as written.
normalized(path) := p if {
	is_string(path)
	parts := [part | some part in split(path, "/"); part != ""; part != "."]
	startswith(path, "/")
	p := concat("", ["/", concat("/", parts)])
}
