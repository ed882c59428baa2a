# METADATA
# title: Windows pods must not run as HostProcess containers
# description: >-
#   Flags pod specs and containers whose securityContext sets windowsOptions.hostProcess to true.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-043
#   name: windows-host-process
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#   rationale: >-
#     A HostProcess container runs directly on the Windows node, in the host's network
#     namespace, with the rights of a node account: it is the Windows equivalent of a privileged
#     container with host networking, and the Pod Security Standards forbid it from the
#     baseline profile up.
#   remediation: >-
#     Remove `windowsOptions.hostProcess: true` (pod and container securityContext) and
#     `hostNetwork: true`; run node administration through a dedicated, separately approved
#     DaemonSet rather than an application workload.
#   related:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package runeguard.kubernetes.windows_host_process

import data.runeguard.lib.k8s
import rego.v1

# The pod-level setting: once, where it is written.
# (each template's, for a custom resource with several)
deny contains finding if {
	some level in k8s.pod_security_levels
	level.value.windowsOptions.hostProcess == true
	finding := {
		"msg": sprintf("%s runs its containers as Windows HostProcess containers", [level.label]),
		"path": array.concat(level.path, ["windowsOptions", "hostProcess"]),
	}
}

deny contains finding if {
	some c in k8s.containers
	c.value.securityContext.windowsOptions.hostProcess == true
	finding := {
		"msg": sprintf("%s runs as a Windows HostProcess container", [k8s.container_label(c)]),
		"path": array.concat(c.path, ["securityContext", "windowsOptions", "hostProcess"]),
	}
}
