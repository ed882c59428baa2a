# METADATA
# title: Containers must not add dangerous Linux capabilities
# description: >-
#   Flags each capability in securityContext.capabilities.add that grants host-level power (ALL,
#   SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH, BPF and the others of
#   data.settings.kubernetes.dangerous_capabilities). Names are compared without case and
#   without a `CAP_` prefix, as container runtimes do.
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
#   id: K8S-006
#   name: dangerous-capability-added
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6, CM-7]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     cis-kubernetes: [5.2.8, 5.2.9]
#   rationale: >-
#     These capabilities break the container boundary: SYS_ADMIN is nearly root on the host,
#     SYS_MODULE loads kernel modules, SYS_PTRACE inspects other processes, NET_ADMIN and NET_RAW
#     rewrite or spoof the node's traffic, DAC_READ_SEARCH reads any file by handle, BPF and
#     PERFMON load programs into the kernel. The capabilities the Pod Security Standards' baseline
#     allows (CHOWN, NET_BIND_SERVICE, SETUID...) are not flagged.
#   remediation: >-
#     Remove the capability from `capabilities.add`; if the workload really needs it, isolate it
#     on dedicated nodes and document the exception with a suppression.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://man7.org/linux/man-pages/man7/capabilities.7.html
package runeguard.kubernetes.dangerous_capability_added

import data.runeguard.lib.k8s
import rego.v1

dangerous := {upper(cap) | some cap in data.settings.kubernetes.dangerous_capabilities}

deny contains finding if {
	some c in k8s.containers
	added := c.value.securityContext.capabilities.add
	is_array(added)
	some i, cap in added
	is_string(cap)
	dangerous[normalize(cap)]
	finding := {
		"msg": sprintf("%s adds the dangerous capability %s", [k8s.container_label(c), normalize(cap)]),
		"path": array.concat(c.path, ["securityContext", "capabilities", "add", i]),
	}
}

normalize(cap) := trim_prefix(upper(trim_space(cap)), "CAP_")
