# METADATA
# title: Container root filesystems should be read-only
# description: >-
#   Flags containers whose securityContext does not set readOnlyRootFilesystem to true (Linux
#   pods; Windows containers cannot set it).
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-005
#   name: writable-root-filesystem
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [CM-7, SI-7]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC6.8]
#     zero-trust: [ZT-5]
#   rationale: >-
#     A writable root filesystem lets an intruder drop tools, alter binaries and configuration,
#     and persist until the container restarts; a read-only one keeps the running image identical
#     to the one that was reviewed and scanned.
#   remediation: >-
#     Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` volume where the
#     process really needs to write (/tmp, caches).
#   related:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
package runeguard.kubernetes.writable_root_filesystem

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	not k8s.is_windows
	some c in k8s.containers
	not k8s.partial(c)
	not c.value.securityContext.readOnlyRootFilesystem == true
	finding := {
		"msg": sprintf("%s %s", [k8s.container_label(c), problem(c)]),
		"path": k8s.security_path(c, "readOnlyRootFilesystem"),
	}
}

problem(c) := "has a writable root filesystem (readOnlyRootFilesystem: false)" if {
	c.value.securityContext.readOnlyRootFilesystem == false
} else := "has a writable root filesystem (readOnlyRootFilesystem is not set to true)"
