# METADATA
# title: Containers should request CPU and memory
# description: >-
#   Flags containers (init containers included; ephemeral containers cannot have resources) that
#   request no CPU or no memory. A limit counts as a request (the API server copies it), and so
#   do pod-level resources and a LimitRange default of the same namespace in the scanned files.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
#   The containers added to the pods of ECK's applications (Elasticsearch node sets, Kibana,
#   APM Server, Enterprise Search, Logstash, Maps Server, Beat, Agent), of the Prometheus
#   operator's Prometheus, PrometheusAgent, Alertmanager and ThanosRuler and of a CloudNativePG
#   Pooler are read too (init containers included); the container each operator builds itself
#   (elasticsearch, prometheus, pgbouncer...) is not, even when the resource lists it to patch it.
# custom:
#   id: K8S-014
#   name: missing-resource-requests
#   severity: low
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, LimitRange, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, Pooler]
#   scope: project
#   controls:
#     nist-800-53: [SC-6]
#     nist-csf-2.0: [PR.IR-04]
#     soc2: [A1.1]
#   rationale: >-
#     The scheduler places pods by their requests: a container that requests nothing is packed
#     onto nodes that cannot actually run it, runs in the BestEffort class and is the first
#     evicted under pressure, so its capacity is never reserved (SC-6).
#   remediation: >-
#     Set `resources.requests.cpu` and `resources.requests.memory` to the container's normal
#     usage, or give the namespace a LimitRange with `defaultRequest` for containers.
#   related:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#     - https://kubernetes.io/docs/concepts/policy/limit-range/
package runeguard.kubernetes.missing_resource_requests

import data.runeguard.lib.k8s
import rego.v1

# [namespace, resource] pairs for which a LimitRange gives containers a default request: its
# `defaultRequest`, else its `default` or `max` limit, else its `min` (the API server's defaults).
defaulted contains [ns, r] if {
	some doc in input.documents
	doc.kind == "LimitRange"
	ns := k8s.effective_namespace_of(doc)
	limits := doc.spec.limits
	is_array(limits)
	some item in limits
	item.type == "Container"
	some field in ["defaultRequest", "default", "max", "min"]
	values := item[field]
	is_object(values)
	some r, v in values
	k8s.quantity_set(v)
}

deny contains finding if {
	some i, doc in input.documents
	doc.kind != "LimitRange"
	some c in k8s.containers_of(doc)
	c.field != "ephemeralContainers"
	not k8s.partial(c)
	missing := [k8s.resource_names[r] | some r in ["cpu", "memory"]; not requested(doc, c, r)]
	count(missing) > 0
	finding := {
		"msg": sprintf("%s requests no %s%s", [k8s.container_label_of(doc, c), concat(" or ", missing), limit_range_note(doc)]),
		"path": array.concat(["documents", i], array.concat(c.path, ["resources", "requests"])),
	}
}

requested(_, c, r) if k8s.quantity_set(c.value.resources.requests[r])

requested(_, c, r) if k8s.quantity_set(c.value.resources.limits[r])

requested(doc, _, r) if k8s.quantity_set(k8s.pod_spec_of(doc).resources.requests[r])

requested(doc, _, r) if k8s.quantity_set(k8s.pod_spec_of(doc).resources.limits[r])

requested(doc, _, r) if defaulted[[k8s.effective_namespace_of(doc), r]]

limit_range_note(doc) := sprintf(" (and no LimitRange in the scanned files sets a default for namespace %q)", [k8s.effective_namespace_of(doc)])
