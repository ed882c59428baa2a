# METADATA
# title: Containers must not allow privilege escalation
# description: >-
#   Flags containers whose securityContext does not set allowPrivilegeEscalation to false
#   (Linux pods; the field does not exist for Windows containers).
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
#   id: K8S-002
#   name: privilege-escalation-allowed
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6(10)]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     zero-trust: [ZT-6]
#     cis-kubernetes: [5.2.6]
#   rationale: >-
#     Unless allowPrivilegeEscalation is false, the kernel's no_new_privs flag is not set and a
#     process can gain more privileges than its parent (setuid binaries, file capabilities), which
#     defeats least privilege. The default is to allow it, so leaving the field out is a finding.
#   remediation: >-
#     Set `securityContext.allowPrivilegeEscalation: false` on every container (it is a
#     container-level field; there is no pod-level equivalent).
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
package runeguard.kubernetes.privilege_escalation_allowed

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	not k8s.is_windows
	some c in k8s.containers
	not k8s.partial(c)
	not k8s.container_security(c).allowPrivilegeEscalation == false
	finding := {
		"msg": sprintf("%s %s", [k8s.container_label(c), problem(c)]),
		"path": k8s.security_path(c, "allowPrivilegeEscalation"),
	}
}

problem(c) := "allows privilege escalation (allowPrivilegeEscalation: true)" if {
	k8s.container_security(c).allowPrivilegeEscalation == true
} else := "allows privilege escalation (allowPrivilegeEscalation is not set to false)"
