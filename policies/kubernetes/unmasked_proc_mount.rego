# METADATA
# title: Containers must not mount /proc unmasked
# description: >-
#   Flags containers whose securityContext sets procMount to anything but Default (the Pod
#   Security Standards allow only Default): Unmasked, or a value the API server would reject.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-037
#   name: unmasked-proc-mount
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [SC-39]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC6.8]
#   rationale: >-
#     The container runtime masks and makes read-only the parts of /proc and /sys that expose
#     the host kernel (/proc/kcore, /proc/sysrq-trigger, /sys/firmware...). `procMount:
#     Unmasked` removes that protection, which the Pod Security Standards forbid from the
#     baseline profile up: a process can then read kernel memory or trigger host actions.
#   remediation: >-
#     Remove `procMount: Unmasked` (the default is `Default`). Nested container builds that
#     need it belong in a user-namespaced pod (`hostUsers: false`) on dedicated nodes.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package runeguard.kubernetes.unmasked_proc_mount

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some c in k8s.containers
	c.value.securityContext.procMount == "Unmasked"
	finding := {
		"msg": sprintf("%s mounts /proc unmasked (procMount: Unmasked)", [k8s.container_label(c)]),
		"path": k8s.security_path(c, "procMount"),
	}
}

deny contains finding if {
	some c in k8s.containers
	value := c.value.securityContext.procMount
	is_string(value)
	not value in {"Default", "Unmasked"}
	finding := {
		"msg": sprintf("%s sets procMount to %q: only Default keeps /proc masked", [k8s.container_label(c), value]),
		"path": k8s.security_path(c, "procMount"),
	}
}
