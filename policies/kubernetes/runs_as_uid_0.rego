# METADATA
# title: Containers must not set user or group id 0
# description: >-
#   Flags containers whose effective runAsUser or runAsGroup is 0, set on the container or
#   inherited from the pod.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Argo Workflows' templates, Tekton's steps, sidecars and stepTemplate, the Spark operator's
#   driver and executor and summerwind actions-runner-controller's runner are read for their own
#   securityContext. The pod-level fallback of an Argo template is its own securityContext,
#   else the workflow's spec.securityContext (Argo replaces the whole object); that of a Spark
#   driver or executor is its podSecurityContext; Tekton's and the summerwind runner's pod-level
#   settings are not read by this rule, nor Argo's podSpecPatch.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-004
#   name: runs-as-uid-0
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     cis-kubernetes: [5.2.7]
#   rationale: >-
#     A manifest that asks for user id 0 or group id 0 asks for root explicitly: the process owns
#     every root-owned file it can reach, including host paths mounted into the container.
#   remediation: >-
#     Set `runAsUser` and `runAsGroup` to non-zero ids (10000 and above avoid overlapping host
#     users), and build the image so that it works as that user.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
package runeguard.kubernetes.runs_as_uid_0

import data.runeguard.lib.k8s
import rego.v1

fields := {"runAsUser": "user", "runAsGroup": "group"}

deny contains finding if {
	some c in k8s.containers
	some field, what in fields
	k8s.effective_security(c, field) == 0
	not inherited_from_defaults(c, field)
	finding := {
		"msg": sprintf("%s runs with %s id 0 (%s: 0%s)", [k8s.container_label(c), what, field, origin(c, field)]),
		"path": k8s.effective_security_path(c, field),
	}
}

origin(c, field) := "" if {
	k8s.has_container_setting(c, field)
} else := ", from the pod's securityContext"

# A value inherited from defaults merged into each container (a Tekton stepTemplate, Argo's
# templateDefaults) is reported once, at the defaults' own record.
inherited_from_defaults(c, field) if {
	not k8s.has_container_setting(c, field)
	_ = c.defaults.value.securityContext[field]
}
