# METADATA
# title: Containers should run with a seccomp profile
# description: >-
#   Flags containers that get no RuntimeDefault or Localhost seccomp profile, and containers
#   whose profile is Unconfined. The profile that applies is looked up as the kubelet does: the
#   container's securityContext.seccompProfile, else its
#   `container.seccomp.security.alpha.kubernetes.io/<name>` annotation, else the pod's
#   seccompProfile, else the pod's `seccomp.security.alpha.kubernetes.io/pod` annotation (the
#   annotations work up to Kubernetes 1.26). Windows pods are not judged.
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
#   id: K8S-021
#   name: missing-seccomp-profile
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, SparkApplication, ScheduledSparkApplication, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, TaskRun, PipelineRun, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [CM-7, SC-39]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC6.8]
#     cis-kubernetes: [5.7.2]
#   rationale: >-
#     Without a seccomp profile a container may make every system call of the kernel, including
#     the rarely used ones where container escapes keep being found. Kubernetes runs containers
#     Unconfined unless a profile is set (or the kubelet runs with --seccomp-default, which a
#     manifest cannot count on); RuntimeDefault blocks the dangerous calls at no cost to normal
#     programs.
#   remediation: >-
#     Set `securityContext.seccompProfile.type: RuntimeDefault` in the pod spec (or per
#     container), or `Localhost` with a tailored profile; remove `Unconfined`.
#   related:
#     - https://kubernetes.io/docs/tutorials/security/seccomp/
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
package runeguard.kubernetes.missing_seccomp_profile

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	not k8s.is_windows
	some c in k8s.containers
	p := profile(c)
	not confined(p.type)
	finding := {
		"msg": sprintf("%s %s", [k8s.container_label(c), problem(p)]),
		"path": p.path,
	}
}

deny contains finding if {
	not k8s.is_windows
	some c in k8s.containers
	not profile(c)
	not k8s.partial(c)
	finding := {
		"msg": sprintf("%s has no seccomp profile (neither the pod nor the container sets seccompProfile)", [k8s.container_label(c)]),
		"path": k8s.security_path(c, "seccompProfile"),
	}
}

pod_annotation := "seccomp.security.alpha.kubernetes.io/pod"

container_annotation(c) := concat("", ["container.seccomp.security.alpha.kubernetes.io/", k8s.container_name(c)])

# The profile that applies, as {type, path, source}: `type` in the field's vocabulary
# (RuntimeDefault, Localhost, Unconfined, or what was written).
profile(c) := {"type": k8s.container_security(c).seccompProfile.type, "path": array.concat(k8s.security_path(c, "seccompProfile"), ["type"]), "source": "container"} if {
	is_string(k8s.container_security(c).seccompProfile.type)
} else := {"type": annotation_type(a.value), "path": a.path, "source": "container annotation"} if {
	a := k8s.pod_annotation(c, container_annotation(c))
	is_string(a.value)
} else := {"type": pod.value.seccompProfile.type, "path": array.concat(pod.path, ["seccompProfile", "type"]), "source": "pod"} if {
	pod := k8s.pod_security(c)
	is_string(pod.value.seccompProfile.type)
} else := {"type": annotation_type(a.value), "path": a.path, "source": "pod annotation"} if {
	a := k8s.pod_annotation(c, pod_annotation)
	is_string(a.value)
}

annotation_type(value) := "RuntimeDefault" if {
	value in {"runtime/default", "docker/default"}
} else := "Localhost" if {
	startswith(value, "localhost/")
} else := "Unconfined" if {
	value == "unconfined"
} else := value

confined(type) if type in {"RuntimeDefault", "Localhost"}

problem(p) := sprintf("runs with the Unconfined seccomp profile (set by the %s)", [source_text[p.source]]) if {
	p.type == "Unconfined"
} else := sprintf("has an unknown seccomp profile type %q (set by the %s)", [p.type, source_text[p.source]])

source_text := {"container": "container's securityContext", "pod": "pod's securityContext", "container annotation": "container's annotation", "pod annotation": "pod's annotation"}
