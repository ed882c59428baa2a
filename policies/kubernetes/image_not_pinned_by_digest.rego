# METADATA
# title: Images should be pinned by digest
# description: >-
#   Flags containers whose image reference has no digest (`@sha256:...`, or another registered
#   digest algorithm). A ko import path (`ko://knative.dev/serving/cmd/webhook`) is not judged:
#   `ko resolve` replaces it with the image it builds, by digest.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
#   CloudNativePG's Cluster `imageName` and ImageCatalog or ClusterImageCatalog `images`, and
#   Crunchy PGO's PostgresCluster `image`, PgBouncer's and pgBackRest's `image` and instance or
#   PgBouncer sidecars, are read too.
# custom:
#   id: K8S-016
#   name: image-not-pinned-by-digest
#   severity: low
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, ImageCatalog, ClusterImageCatalog, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [CM-14, SI-7]
#     nist-csf-2.0: [PR.PS-02]
#     soc2: [CC8.1]
#     zero-trust: [ZT-5]
#   rationale: >-
#     Tags are mutable, even version tags: whoever can push to the repository can change what
#     `app:1.4.2` means. Only a digest names content, so that what was built, scanned and signed
#     is what runs (CM-14 signed components, SI-7 integrity).
#   remediation: >-
#     Append the image's digest (`app:1.4.2@sha256:...`); tools such as crane, skopeo or
#     Renovate/Dependabot resolve and update digests.
#   related:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
package runeguard.kubernetes.image_not_pinned_by_digest

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some c in k8s.containers
	image := k8s.image(c)
	not k8s.image_templated(image)
	not k8s.image_injected(c)
	not k8s.image_has_digest(image)
	finding := object.union(
		{
			"msg": sprintf("%s uses image %q, which is not pinned by digest", [k8s.container_label(c), image]),
			"path": k8s.image_path(c),
		},
		digest_part(image),
	)
}

# Where the digest goes: after the tag (`app:1.4.2` → `app:1.4.2@sha256:…`), so that a chart's
# finding points at the line that wrote the tag, not at the repository's. A reference with no
# tag is about all of it.
digest_part(image) := {"part": [count(name) - count(tag), count(name)]} if {
	tag := k8s.image_tag(image)
	name := split(image, "@")[0]
}

digest_part(image) := {} if not k8s.image_tag(image)
