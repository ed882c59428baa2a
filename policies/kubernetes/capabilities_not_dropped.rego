# METADATA
# title: Containers should drop all Linux capabilities
# description: >-
#   Flags containers whose securityContext.capabilities.drop contains neither ALL nor every
#   capability of the container runtimes' default set (data.settings.kubernetes.
#   runtime_default_capabilities, which comes to the same thing). Linux pods only: Windows
#   containers have no capabilities.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Argo Workflows' Workflow, WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow are read
#   for their templates' container, script, initContainers and sidecars.
#   Tekton's Task, ClusterTask, TaskRun, Pipeline and PipelineRun are read for their steps,
#   sidecars and stepTemplate; the Spark operator's SparkApplication and ScheduledSparkApplication
#   for the driver, the executor and their sidecars and init containers; summerwind
#   actions-runner-controller's RunnerDeployment, RunnerReplicaSet and Runner for their RunnerSpec.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-007
#   name: capabilities-not-dropped
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [CM-7]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC6.8]
#     cis-kubernetes: [5.2.10]
#   rationale: >-
#     Container runtimes grant a default set of capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID,
#     SETGID, NET_BIND_SERVICE, KILL, and NET_RAW on some runtimes) that most processes never
#     use. Dropping ALL and adding back only what is needed removes that attack surface; dropping
#     a few named capabilities leaves the rest.
#   remediation: >-
#     Set `securityContext.capabilities.drop: [ALL]` and list in `capabilities.add` only what the
#     process needs (typically nothing, or NET_BIND_SERVICE).
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
package runeguard.kubernetes.capabilities_not_dropped

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	not k8s.is_windows
	some c in k8s.containers
	not k8s.partial(c)
	not drops_all(c)
	finding := {
		"msg": sprintf("%s does not drop all capabilities (capabilities.drop lacks ALL)", [k8s.container_label(c)]),
		"path": array.concat(k8s.security_path(c, "capabilities"), ["drop"]),
	}
}

drops_all(c) if "ALL" in dropped(c)

# (the runtimes accept `CAP_CHOWN` for CHOWN, but ALL only as written, in any case)

# Dropping each capability the runtime grants by default leaves the same empty set as ALL.
drops_all(c) if {
	defaults := {upper(cap) | some cap in data.settings.kubernetes.runtime_default_capabilities}
	count(defaults - {trim_prefix(cap, "CAP_") | some cap in dropped(c)}) == 0
}

dropped(c) := {upper(trim_space(cap)) |
	list := k8s.container_security(c).capabilities.drop
	is_array(list)
	some cap in list
	is_string(cap)
}
