# METADATA
# title: Containers should not bind host ports
# description: >-
#   Flags each container port that sets a hostPort (a non-zero number; 0 means none). Ports a
#   pod gets implicitly from hostNetwork are K8S-008's concern.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-012
#   name: host-port
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [SC-7]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     cis-kubernetes: [5.2.13]
#   rationale: >-
#     A hostPort publishes the container on the node's own address, bypassing the Service and
#     often the network policies and load balancer in front of the cluster; it also pins the pod
#     to nodes where the port is free.
#   remediation: >-
#     Remove `hostPort` and expose the port through a Service (ClusterIP, or a LoadBalancer or
#     Ingress for outside traffic).
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/concepts/configuration/overview/#services
package runeguard.kubernetes.host_port

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some c in k8s.containers
	ports := c.value.ports
	is_array(ports)
	some i, port in ports
	is_number(port.hostPort)
	port.hostPort != 0
	finding := {
		"msg": sprintf("%s binds host port %v%s", [k8s.container_label(c), port.hostPort, container_port(port)]),
		"path": array.concat(c.path, ["ports", i, "hostPort"]),
	}
}

container_port(port) := sprintf(" (container port %v)", [port.containerPort]) if {
	is_number(port.containerPort)
	port.containerPort != port.hostPort
} else := ""
