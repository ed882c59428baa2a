# METADATA
# title: Containers must not run unconfined by SELinux or AppArmor
# description: >-
#   Flags containers whose effective SELinux type is an unconfined domain (spc_t, unconfined_t...,
#   data.settings.kubernetes.unsafe_selinux_types) and containers whose AppArmor profile is
#   Unconfined, set by the securityContext.appArmorProfile field (container, else pod) or by the
#   `container.apparmor.security.beta.kubernetes.io/<name>` annotation. The container's setting
#   wins over the pod's.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-022
#   name: unsafe-selinux-or-apparmor
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-3(3), CM-7]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC6.8]
#   rationale: >-
#     SELinux and AppArmor are the mandatory access control (AC-3(3)) that still confines a
#     process after it escapes the container's namespaces. spc_t ("super privileged container")
#     and unconfined_t turn SELinux off for the container; an Unconfined AppArmor profile does the
#     same for AppArmor.
#   remediation: >-
#     Remove the `seLinuxOptions.type` override (the runtime's container_t is the confined
#     default) and the Unconfined AppArmor profile; use `RuntimeDefault` or a `Localhost` profile.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/tutorials/security/apparmor/
package runeguard.kubernetes.unsafe_selinux_or_apparmor

import data.runeguard.lib.k8s
import rego.v1

unsafe_types := {lower(t) | some t in data.settings.kubernetes.unsafe_selinux_types}

deny contains finding if {
	some c in k8s.containers
	options := k8s.effective_security(c, "seLinuxOptions")
	is_string(options.type)
	unsafe_types[lower(options.type)]
	finding := {
		"msg": sprintf("%s runs in the unconfined SELinux type %s", [k8s.container_label(c), options.type]),
		"path": array.concat(k8s.effective_security_path(c, "seLinuxOptions"), ["type"]),
	}
}

deny contains finding if {
	some c in k8s.containers
	p := apparmor(c)
	p.unconfined
	finding := {
		"msg": sprintf("%s runs with the Unconfined AppArmor profile (set by the %s)", [k8s.container_label(c), p.source]),
		"path": p.path,
	}
}

annotation_key(c) := concat("", ["container.apparmor.security.beta.kubernetes.io/", k8s.container_name(c)])

# The AppArmor profile that applies: the container's field, else its annotation, else the pod's
# field (the kubelet's order).
apparmor(c) := {"unconfined": type == "Unconfined", "path": array.concat(k8s.security_path(c, "appArmorProfile"), ["type"]), "source": "container's securityContext"} if {
	type := c.value.securityContext.appArmorProfile.type
	is_string(type)
} else := {"unconfined": a.value == "unconfined", "path": a.path, "source": "container's annotation"} if {
	a := k8s.pod_annotation(c, annotation_key(c))
	is_string(a.value)
} else := {"unconfined": type == "Unconfined", "path": array.concat(pod.path, ["appArmorProfile", "type"]), "source": "pod's securityContext"} if {
	pod := k8s.pod_security(c)
	type := pod.value.appArmorProfile.type
	is_string(type)
}
