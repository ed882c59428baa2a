# METADATA
# title: Pods must not use the host's network namespace
# description: >-
#   Flags workloads whose pod spec sets hostNetwork to true. Custom resources that hold a pod
#   template are read like workloads: actions-runner-controller's AutoscalingRunnerSet and
#   RunnerSet, KEDA's ScaledJob, Knative Serving's Service and Configuration (`serving.knative.dev`
#   only; Cloud Run's service files are left alone) and OpenKruise's CloneSet, Advanced StatefulSet
#   and DaemonSet.
#   Also read where custom resources keep the setting outside a pod template: a Tekton
#   TaskRun's or PipelineRun's podTemplate, a Spark application's driver and executor, an Argo
#   workflow's spec.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-008
#   name: host-network
#   severity: high
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, TaskRun, PipelineRun, SparkApplication, ScheduledSparkApplication, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [SC-7, AC-4]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     zero-trust: [ZT-2]
#     cis-kubernetes: [5.2.5]
#   rationale: >-
#     A pod on the host network sees every interface of the node, can bind its ports, reach
#     services listening on localhost (the kubelet, cloud metadata endpoints) and sniff traffic;
#     NetworkPolicies and the mesh's sidecar no longer apply to it.
#   remediation: >-
#     Remove `hostNetwork: true`; expose the workload through a Service instead. Node agents that
#     truly need it (CNI, node exporters) belong in a dedicated, documented exception.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package runeguard.kubernetes.host_network

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	k8s.pod_spec.hostNetwork == true
	finding := {
		"msg": sprintf("%s uses the host's network namespace (hostNetwork: true)", [k8s.object_label]),
		"path": array.concat(k8s.pod_spec_path, ["hostNetwork"]),
	}
}

# The pod-level settings of custom resources that keep them outside a pod template: a Tekton
# run's podTemplate, a Spark application's driver and executor, an Argo workflow's spec.
deny contains finding if {
	some level in k8s.custom_pod_level_settings
	"hostNetwork" in level.fields
	level.value.hostNetwork == true
	finding := {
		"msg": sprintf("%s uses the host's network namespace (hostNetwork: true in %s)", [k8s.object_label, level.where]),
		"path": array.concat(level.path, ["hostNetwork"]),
	}
}
