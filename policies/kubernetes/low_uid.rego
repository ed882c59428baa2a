# METADATA
# title: Containers should run with a UID of 10000 or more
# description: >-
#   Flags containers whose effective runAsUser (the container's, else the pod's) is between 1
#   and 9999. UID 0 is K8S-004's; a container that sets no runAsUser runs as the image's user,
#   which a manifest cannot show, so it is not reported.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-039
#   name: low-uid
#   severity: low
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#   rationale: >-
#     Without user namespaces a container's UIDs are the node's UIDs. Low UIDs belong to
#     system and login accounts of the host: a process that escapes the container, or reaches
#     a host path, acts with that account's rights and files. UIDs of 10000 and up are
#     outside the ranges distributions hand out. The threshold is
#     `data.settings.kubernetes.low_uid_threshold`.
#   remediation: >-
#     Set `securityContext.runAsUser` (and `runAsGroup`) to an unused UID of 10000 or more,
#     e.g. 10001, and make the image's files readable by it; or run the pod with
#     `hostUsers: false` so that its UIDs are mapped away from the host's.
#   related:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
#     - https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
package runeguard.kubernetes.low_uid

import data.runeguard.lib.k8s
import rego.v1

threshold := data.settings.kubernetes.low_uid_threshold

low(uid) if {
	is_number(uid)
	uid > 0
	uid < threshold
}

# Windows pods have no UIDs, and user-namespaced pods map theirs away from the host's.
applies if {
	not k8s.pod_spec.os.name == "windows"
	not k8s.pod_spec.hostUsers == false
}

# A container that sets its own runAsUser.
deny contains finding if {
	applies
	some c in k8s.containers
	uid := c.value.securityContext.runAsUser
	low(uid)
	finding := {
		"msg": sprintf("%s runs as UID %v, below %v", [k8s.container_label(c), uid, threshold]),
		"path": k8s.security_path(c, "runAsUser"),
	}
}

# The pod-level runAsUser, once, naming the containers that inherit it.
deny contains finding if {
	applies
	k8s.is_workload
	uid := k8s.pod_spec.securityContext.runAsUser
	low(uid)
	names := [sprintf("%q", [object.get(c.value, "name", "<unnamed>")]) |
		some c in k8s.containers
		not k8s.has_container_setting(c, "runAsUser")
	]
	count(names) > 0
	finding := {
		"msg": sprintf("%s runs as UID %v, below %v (pod securityContext, used by %s)", [k8s.object_label, uid, threshold, concat(", ", sort(names))]),
		"path": array.concat(k8s.pod_spec_path, ["securityContext", "runAsUser"]),
	}
}

# The pod-level runAsUser of each template of a custom resource with several (a RayCluster's
# head and worker groups), once per template, naming the containers that inherit it.
deny contains finding if {
	applies
	some path, pod in template_pods
	uid := pod.runAsUser
	low(uid)
	names := [sprintf("%q", [object.get(c.value, "name", "<unnamed>")]) |
		some c in k8s.containers
		c.pod_security.path == path
		not k8s.has_container_setting(c, "runAsUser")
	]
	count(names) > 0
	labels := {c.unit_label | some c in k8s.containers; c.pod_security.path == path}
	finding := {
		"msg": sprintf("%s, %s runs as UID %v, below %v (pod securityContext, used by %s)", [k8s.object_label, concat(", ", sort(labels)), uid, threshold, concat(", ", sort(names))]),
		"path": array.concat(path, ["runAsUser"]),
	}
}

template_pods[pod.path] := pod.value if {
	some c in k8s.containers
	is_string(c.unit_label)
	pod := c.pod_security
	_ = pod.value.runAsUser
}
