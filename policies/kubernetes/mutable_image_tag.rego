# METADATA
# title: Images must name a fixed tag or a digest
# description: >-
#   Flags containers whose image has neither a digest nor a tag (which pulls `latest`) or whose
#   tag is `latest` or another tag that moves by convention: a branch (`main`, `master`,
#   `develop`) or a release channel (`stable`, `edge`, `nightly`; see
#   `data.settings.kubernetes.mutable_image_tags`), alone or qualified by a version line or a
#   variant (`v1.28-latest`, `lts-alpine`) but not beside a commit, a build number or a date
#   (`main-3f9c2ab`), or a tag that names only a base-image variant (`redis:alpine`; see
#   `data.settings.kubernetes.base_variant_image_tags`). A digest pins the image whatever the tag
#   says; a registry port (`registry:5000/app`) is not a tag.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Argo Workflows' templates, Tekton's steps, sidecars and stepTemplate, the Spark operator's
#   driver and executor (not the application's own `spec.image`) and summerwind
#   actions-runner-controller's runner image are read as containers; `$(params.image)` and
#   `{{inputs.parameters.image}}` are filled in at run time and are not judged, nor is a
#   reference without a default (`app:${TAG}`) or a ko import path
#   (`ko://knative.dev/serving/cmd/webhook`, which `ko resolve` replaces with the image it
#   builds, by digest); a reference with a literal default, as Flux's
#   postBuild substitution writes it (`app:${TAG:=latest}`, `app:${TAG:-latest}`), is judged by
#   its default, which is deployed when the variable is unset. An OpenShift image change trigger
#   (a DeploymentConfig's `automatic: true` ImageChange trigger, an
#   `image.openshift.io/triggers` annotation's entry that is not paused) that follows an
#   ImageStreamTag with such a tag (`app:latest`) is reported at the tag it follows: each push to
#   the tag rolls out a new image.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
#   CloudNativePG's Cluster `imageName` and ImageCatalog or ClusterImageCatalog `images`, and
#   Crunchy PGO's PostgresCluster `image`, PgBouncer's and pgBackRest's `image` and instance or
#   PgBouncer sidecars, are read too.
# custom:
#   id: K8S-015
#   name: mutable-image-tag
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, ImageCatalog, ClusterImageCatalog, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [CM-2, SI-7]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC8.1]
#     zero-trust: [ZT-5]
#   rationale: >-
#     `latest` (or no tag), like a branch or channel tag, names whatever was pushed last: two nodes can run different code for
#     the same manifest, a rollback does not roll back, and the image that was scanned is not
#     necessarily the one that runs. The baseline configuration (CM-2) must say what runs.
#   remediation: >-
#     Use an immutable version tag (`app:1.4.2`) and, better, pin the digest
#     (`app:1.4.2@sha256:...`).
#   related:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
#     - https://kubernetes.io/docs/concepts/configuration/overview/#container-images
package runeguard.kubernetes.mutable_image_tag

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some c in k8s.containers
	image := k8s.image(c)
	not k8s.image_templated(image)
	not k8s.image_injected(c)
	not k8s.image_has_digest(image)
	problem := mutable(image)
	finding := object.union(
		{
			"msg": sprintf("%s uses image %q %s", [k8s.container_label(c), image, problem]),
			"path": k8s.image_path(c),
		},
		tag_part(image),
	)
}

# An image whose tag (or whole reference) is a Flux postBuild reference with a literal default
# (`nginx:${TAG:=latest}`): Flux deploys the default when the variable is unset, so the
# default is judged, at its characters. `nginx:${TAG:=1.2.3}` and `nginx:${TAG}` are not
# flagged.
deny contains finding if {
	some c in k8s.containers
	image := k8s.image(c)
	d := k8s.image_default(image)
	not k8s.image_injected(c)
	not k8s.image_has_digest(d.image)
	problem := mutable(d.image)
	finding := {
		"msg": sprintf("%s uses image %q %s when %s is unset (the default of its reference, which Flux's postBuild substitution deploys)", [k8s.container_label(c), image, problem, d.name]),
		"path": k8s.image_path(c),
		"part": default_part(d),
	}
}

# An OpenShift image change trigger that follows an ImageStreamTag with a moving tag
# (`app:latest`): the pod runs the tag's image by digest (k8s.image_injected), but each push to
# the tag rolls out a new image, so what runs is whatever was pushed last. A DeploymentConfig's
# trigger counts when it is `automatic: true` (without it a push changes nothing until someone
# rolls out); an `image.openshift.io/triggers` annotation's entry unless it is `paused`.
deny contains finding if {
	input.kind == "DeploymentConfig"
	some i, trigger in input.spec.triggers
	trigger.type == "ImageChange"
	params := trigger.imageChangeParams
	params.automatic == true
	tag := stream_tag(params.from)
	moving_tag(tag)
	finding := {
		"msg": sprintf("%s follows the ImageStreamTag %q, whose tag %s moves, with an automatic image change trigger: each push to the tag rolls out a new image for %s", [k8s.object_label, params.from.name, tag, trigger_containers(params)]),
		"path": ["spec", "triggers", i, "imageChangeParams", "from", "name"],
		"part": [count(params.from.name) - count(tag), count(params.from.name)],
	}
}

deny contains finding if {
	raw := input.metadata.annotations["image.openshift.io/triggers"]
	is_string(raw)
	json.is_valid(raw)
	triggers := json.unmarshal(raw)
	is_array(triggers)
	some trigger in triggers
	is_object(trigger)
	object.get(trigger, "paused", false) != true
	object.get(trigger, "paused", "") != "true"
	tag := stream_tag(trigger.from)
	moving_tag(tag)
	finding := {
		"msg": sprintf("%s follows the ImageStreamTag %q, whose tag %s moves, through its image.openshift.io/triggers annotation: each push to the tag rolls out a new image at %s", [k8s.object_label, trigger.from.name, tag, object.get(trigger, "fieldPath", "?")]),
		"path": ["metadata", "annotations", "image.openshift.io/triggers"],
	}
}

# The tag of an ImageStreamTag reference (`app:latest`, `app` for `app:latest`); undefined for
# another kind (an ImageStreamImage names a digest).
stream_tag(from) := tag if {
	is_object(from)
	object.get(from, "kind", "ImageStreamTag") == "ImageStreamTag"
	name := from.name
	is_string(name)
	not contains(name, "@")
	tag := _stream_tag(name)
}

_stream_tag(name) := tag if {
	contains(name, ":")
	parts := split(name, ":")
	tag := parts[count(parts) - 1]
} else := "latest"

trigger_containers(params) := sprintf("container %s", [concat(", ", [sprintf("%q", [n]) | some n in params.containerNames])]) if {
	count(params.containerNames) > 0
} else := "its containers"

# The characters of the default's moving tag in the written image, else of the whole default.
default_part(d) := [d.shift + p[0], d.shift + p[1]] if {
	p := tag_part(d.image).part
} else := [d.shift, d.shift + count(d.image)]

# Tags that name whatever was pushed last: `latest`, branches, release channels.
moving_tag(tag) if k8s.moving_tag(tag)

# The characters of the moving tag, which ends the reference's name: when a chart prints
# the repository and the tag from two values, the finding is on the tag's line.
tag_part(image) := {"part": [count(name) - count(tag), count(name)]} if {
	tag := k8s.image_tag(image)
	moving_tag(tag)
	name := split(image, "@")[0]
}

tag_part(image) := {} if not moving_tag(k8s.image_tag(image))

tag_part(image) := {} if not k8s.image_tag(image)

mutable(image) := "with no tag (it pulls latest)" if not k8s.image_tag(image)

mutable(image) := sprintf("with the mutable tag %s", [tag]) if {
	tag := k8s.image_tag(image)
	moving_tag(tag)
}
