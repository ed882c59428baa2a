# METADATA
# title: Pods must not share the host's process ID namespace
# description: >-
#   Flags workloads whose pod spec sets hostPID to true. Custom resources that hold a pod template
#   are read like workloads: actions-runner-controller's AutoscalingRunnerSet and RunnerSet, KEDA's
#   ScaledJob, Knative Serving's Service and Configuration (`serving.knative.dev` only; Cloud Run's
#   service files are left alone) and OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-009
#   name: host-pid
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [SC-39, AC-6]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.1]
#     cis-kubernetes: [5.2.3]
#   rationale: >-
#     With the host's PID namespace a container sees every process of the node, can read their
#     environment and command lines (secrets included) and, with enough privilege, signal or
#     ptrace them: the process isolation that SC-39 asks for is gone.
#   remediation: >-
#     Remove `hostPID: true`. Debugging tools that need it should run as short-lived, audited
#     ephemeral pods, not as part of the workload.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package runeguard.kubernetes.host_pid

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	k8s.pod_spec.hostPID == true
	finding := {
		"msg": sprintf("%s shares the host's process ID namespace (hostPID: true)", [k8s.object_label]),
		"path": array.concat(k8s.pod_spec_path, ["hostPID"]),
	}
}

# The pod spec of each template of a custom resource with several (a RayCluster's worker
# groups, a PyTorchJob's replicas).
deny contains finding if {
	some level in k8s.custom_pod_level_settings
	"hostPID" in level.fields
	level.value.hostPID == true
	finding := {
		"msg": sprintf("%s shares the host's process ID namespace (hostPID: true in %s)", [k8s.object_label, level.where]),
		"path": array.concat(level.path, ["hostPID"]),
	}
}
