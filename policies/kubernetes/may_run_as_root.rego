# METADATA
# title: Containers must be configured to run as a non-root user
# description: >-
#   Flags containers for which neither the container nor the pod sets runAsNonRoot to true or a
#   non-zero runAsUser (the container's own setting wins over the pod's, field by field).
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Argo Workflows' templates and the Spark operator's driver and executor (with their init
#   containers and sidecars) are read too, the pod-level fallback being the template's
#   securityContext merged field by field over spec.templateDefaults' (Argo's strategic
#   merge), else the workflow's spec.securityContext (which the template's replaces as a
#   whole), and the driver's or executor's podSecurityContext; Argo's podSpecPatch, a free-form patch string, is not read.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
#   A Tekton TaskRun's or PipelineRun's embedded steps (a stepTemplate's fields merged under each
#   step's) fall back on the run's podTemplate securityContext (a PipelineRun's
#   taskRunTemplate.podTemplate, else its podTemplate); a Task or Pipeline alone is not read,
#   its pod settings come from the run that references it.
# custom:
#   id: K8S-003
#   name: may-run-as-root
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, SparkApplication, ScheduledSparkApplication, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, TaskRun, PipelineRun, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     cis-kubernetes: [5.2.7]
#   rationale: >-
#     Without runAsNonRoot or a non-zero runAsUser the container runs as whatever user its image
#     names, which is root for most images. Root in a container is root on the host's kernel:
#     one escape or one writable host mount away from the node. runAsNonRoot makes the kubelet
#     refuse to start a container whose user is 0; a non-zero runAsUser sets the user outright.
#   remediation: >-
#     Set `securityContext.runAsNonRoot: true` (pod or container level) and, where the image has
#     no numeric non-root USER, a non-zero `runAsUser`. A container-level `runAsNonRoot: false` or
#     `runAsUser: 0` overrides a safe pod-level setting.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
package runeguard.kubernetes.may_run_as_root

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some c in k8s.containers
	not non_root(c)
	not k8s.partial(c)
	finding := {
		"msg": sprintf("%s %s", [k8s.container_label(c), problem(c)]),
		"path": culprit_path(c),
	}
}

# A non-zero user id, whatever runAsNonRoot says.
non_root(c) if {
	uid := k8s.effective_security(c, "runAsUser")
	is_number(uid)
	uid > 0
}

# runAsNonRoot: true, and no user id 0 that would make the kubelet refuse the container.
non_root(c) if {
	k8s.effective_security(c, "runAsNonRoot") == true
	not k8s.effective_security(c, "runAsUser") == 0
}

# Windows: a user name other than the built-in administrator.
non_root(c) if {
	k8s.is_windows
	user := k8s.effective_security(c, "windowsOptions").runAsUserName
	is_string(user)
	user != ""
	lower(user) != "containeradministrator"
}

problem(c) := "runs as root (runAsUser: 0)" if {
	k8s.effective_security(c, "runAsUser") == 0
} else := "may run as root (runAsNonRoot: false and no non-zero runAsUser)" if {
	k8s.effective_security(c, "runAsNonRoot") == false
} else := "may run as root: neither the pod nor the container sets runAsNonRoot: true or a non-zero runAsUser"

culprit_path(c) := k8s.effective_security_path(c, "runAsUser") if {
	k8s.effective_security(c, "runAsUser") == 0
} else := k8s.effective_security_path(c, "runAsNonRoot")
