# METADATA
# title: Containers must not run privileged
# description: >-
#   Flags containers whose securityContext sets privileged to true. Custom resources that hold a
#   pod template are read like workloads: actions-runner-controller's AutoscalingRunnerSet and
#   RunnerSet, KEDA's ScaledJob, Knative Serving's Service and Configuration (`serving.knative.dev`
#   only; Cloud Run's service files are left alone) and OpenKruise's CloneSet, Advanced StatefulSet
#   and DaemonSet.
#   Argo Workflows' Workflow, WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow are read
#   for their templates' container, script, initContainers and sidecars, and for a static
#   podSpecPatch (YAML or JSON text without expressions) that sets a container privileged,
#   reported at the patch.
#   Tekton's Task, ClusterTask, TaskRun, Pipeline and PipelineRun are read for their steps,
#   sidecars and stepTemplate; the Spark operator's SparkApplication and ScheduledSparkApplication
#   for the driver, the executor and their sidecars and init containers; summerwind
#   actions-runner-controller's RunnerDeployment, RunnerReplicaSet and Runner for their RunnerSpec.
#   For summerwind's RunnerDeployment, RunnerReplicaSet, Runner and RunnerSet it also reports the
#   privileged docker sidecar the controller adds unless dockerEnabled is false or containerMode is
#   kubernetes, and the runner container it runs privileged under dockerdWithinRunnerContainer.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-001
#   name: privileged-container
#   severity: critical
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [AC-6, CM-7]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1, CC6.3]
#     zero-trust: [ZT-6]
#     cis-kubernetes: [5.2.2]
#   rationale: >-
#     A privileged container has every capability of the host and can reach its devices, so one
#     compromised process owns the node and everything scheduled on it.
#   remediation: >-
#     Remove `securityContext.privileged: true`; grant only the specific capabilities the
#     process needs with `capabilities.add`.
#   related:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package runeguard.kubernetes.privileged_container

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some c in k8s.containers
	c.value.securityContext.privileged == true
	finding := {
		"msg": sprintf("%s runs privileged", [k8s.container_label(c)]),
		"path": k8s.security_path(c, "privileged"),
	}
}

# actions-runner-controller (summerwind) adds to each runner pod a `docker` sidecar that runs
# privileged, unless the runner's config turns Docker off (`dockerEnabled: false`,
# `containerMode: kubernetes`) or moves dockerd into the runner container, which then runs
# privileged itself (`dockerdWithinRunnerContainer: true`). A `docker` container written in the
# template is used in place of the added one: ARC makes it privileged when it has no
# securityContext. Neither is privileged when the pod's securityContext sets seLinuxOptions. By
# kind: where the runner's config, its containers and the pod's securityContext are.
summerwind_runners := {
	"RunnerDeployment": {"config": ["spec", "template", "spec"], "pod": ["spec", "template", "spec"]},
	"RunnerReplicaSet": {"config": ["spec", "template", "spec"], "pod": ["spec", "template", "spec"]},
	"Runner": {"config": ["spec"], "pod": ["spec"]},
	"RunnerSet": {"config": ["spec"], "pod": ["spec", "template", "spec"]},
}

deny contains finding if {
	some config_path, config in summerwind_config
	config.dockerdWithinRunnerContainer == true
	not docker_off(config)
	finding := {
		"msg": sprintf("%s runs its runner container privileged (dockerdWithinRunnerContainer: true makes actions-runner-controller run dockerd in it)", [k8s.object_label]),
		"path": array.concat(config_path, ["dockerdWithinRunnerContainer"]),
	}
}

# No docker container in the template: the added one, reported at `dockerEnabled: true` or at
# the runner's config.
deny contains finding if {
	some config_path, config in summerwind_config
	docker_sidecar_added(config)
	not docker_container
	finding := {
		"msg": sprintf("%s runs a privileged \"docker\" sidecar that actions-runner-controller adds to each runner pod (dockerEnabled is not false)", [k8s.object_label]),
		"path": docker_enabled_path(config_path, config),
	}
}

# A docker container written without a securityContext: ARC makes it privileged.
deny contains finding if {
	some _, config in summerwind_config
	docker_sidecar_added(config)
	some i, c in summerwind_pod.containers
	c.name == "docker"
	not c.securityContext
	finding := {
		"msg": sprintf("%s, container \"docker\" runs privileged (actions-runner-controller sets privileged: true on a docker container without a securityContext)", [k8s.object_label]),
		"path": array.concat(summerwind_runners[input.kind].pod, ["containers", i]),
	}
}

summerwind_config[path] := config if {
	startswith(input.apiVersion, "actions.summerwind.dev/")
	path := summerwind_runners[input.kind].config
	config := object.get(input, path, null)
	is_object(config)
	not summerwind_pod.securityContext.seLinuxOptions
}

summerwind_pod := pod if {
	pod := object.get(input, summerwind_runners[input.kind].pod, {})
	is_object(pod)
} else := {}

docker_sidecar_added(config) if {
	not config.dockerdWithinRunnerContainer == true
	not config.dockerEnabled == false
	not docker_off(config)
}

docker_off(config) if config.containerMode == "kubernetes"

docker_container if {
	some c in summerwind_pod.containers
	c.name == "docker"
}

docker_enabled_path(config_path, config) := array.concat(config_path, ["dockerEnabled"]) if {
	config.dockerEnabled == true
} else := config_path

# Argo Workflows: a template's (or the workflow's) `podSpecPatch` is a YAML or JSON text merged
# over the pod Argo builds. A static text (no `{{...}}` expression) that sets a container
# privileged is read; it is reported at the `podSpecPatch` value, the node that holds it.
deny contains finding if {
	some at in argo_patch_paths
	text := object.get(input, at, null)
	is_string(text)
	not contains(text, "{{")
	yaml.is_valid(text)
	patch := yaml.unmarshal(text)
	is_object(patch)
	some field in ["containers", "initContainers"]
	some c in object.get(patch, field, [])
	is_object(c)
	c.securityContext.privileged == true
	finding := {
		"msg": sprintf("%s patches container %q to run privileged (podSpecPatch)", [argo_patch_label(at), object.get(c, "name", "<unnamed>")]),
		"path": at,
	}
}

# The `podSpecPatch` places of an Argo workflow: the workflow's and each template's.
argo_patch_paths contains array.concat(spec, ["podSpecPatch"]) if {
	startswith(input.apiVersion, "argoproj.io/")
	templates := k8s.argo_templates_paths[input.kind]
	spec := array.slice(templates, 0, count(templates) - 1)
}

argo_patch_paths contains array.concat(templates, [i, "podSpecPatch"]) if {
	startswith(input.apiVersion, "argoproj.io/")
	templates := k8s.argo_templates_paths[input.kind]
	some i, t in object.get(input, templates, [])
	is_object(t)
}

argo_patch_label(at) := sprintf("%s, template %q", [k8s.object_label, name]) if {
	count(at) >= 3
	name := object.get(input, array.concat(array.slice(at, 0, count(at) - 1), ["name"]), null)
	is_string(name)
} else := k8s.object_label
