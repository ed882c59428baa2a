# METADATA
# title: Pods should not share one process namespace
# description: >-
#   Flags pod specs that set shareProcessNamespace to true, so that every container sees and can
#   signal the processes of the others.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-044
#   name: shared-process-namespace
#   severity: low
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [SC-39]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     With a shared process namespace every container of the pod sees the others' processes,
#     can send them signals and, with the same UID or CAP_SYS_PTRACE, read their memory and
#     their filesystem through /proc/<pid>/root, secrets included. It erases the process
#     isolation (SC-39) that separates a sidecar from the application it runs beside.
#   remediation: >-
#     Remove `shareProcessNamespace: true` from the pod spec. For occasional debugging, attach
#     an ephemeral container with `kubectl debug --target=<container>` instead.
#   related:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/
package runeguard.kubernetes.shared_process_namespace

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	k8s.is_workload
	k8s.pod_spec.shareProcessNamespace == true
	finding := {
		"msg": sprintf("%s shares one process namespace between its containers", [k8s.object_label]),
		"path": array.concat(k8s.pod_spec_path, ["shareProcessNamespace"]),
	}
}

# The pod spec of each template of a custom resource with several.
deny contains finding if {
	some level in k8s.custom_pod_level_settings
	"shareProcessNamespace" in level.fields
	level.value.shareProcessNamespace == true
	finding := {
		"msg": sprintf("%s shares one process namespace between its containers (in %s)", [k8s.object_label, level.where]),
		"path": array.concat(level.path, ["shareProcessNamespace"]),
	}
}
