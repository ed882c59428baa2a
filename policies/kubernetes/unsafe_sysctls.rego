# METADATA
# title: Pods must set only safe sysctls
# description: >-
#   Flags pod-level sysctls outside the safe set of the Pod Security Standards (baseline),
#   given in `data.settings.kubernetes.safe_sysctls`.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-038
#   name: unsafe-sysctls
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [CM-7]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC6.8]
#   rationale: >-
#     A sysctl is safe when the kernel namespaces it per pod and it cannot hurt the node or
#     other pods. The others either change the whole node's kernel (`vm.*`, `kernel.*` outside
#     IPC) or weaken isolation (`net.ipv4.ip_forward`, `kernel.msg*` limits), and a pod that
#     sets
#     them is refused by the kubelet unless an administrator allowed them. The safe set is
#     that of the Pod Security Standards baseline profile as of Kubernetes 1.32; extend it
#     with `--data` where the kubelet allows more (`--allowed-unsafe-sysctls`).
#   remediation: >-
#     Remove the sysctl, or tune it on the node (e.g. through a tuning DaemonSet or the node
#     image) rather than from an application pod.
#   related:
#     - https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package runeguard.kubernetes.unsafe_sysctls

import data.runeguard.lib.k8s
import rego.v1

# Names may use `/` as the separator (net/ipv4/tcp_syncookies): compare in dotted form.
normalize(name) := replace(name, "/", ".")

safe(name) if normalize(name) in {s | some s in data.settings.kubernetes.safe_sysctls}

# Each pod-level securityContext: the workload's, or each template's of a custom resource with
# several (labelled with the template).
deny contains finding if {
	some level in k8s.pod_security_levels
	sysctl := level.value.sysctls[i]
	name := sysctl.name
	is_string(name)
	not safe(name)
	finding := {
		"msg": sprintf("%s sets unsafe sysctl %q", [level.label, name]),
		"path": array.concat(level.path, ["sysctls", i, "name"]),
	}
}
