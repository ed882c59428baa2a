# METADATA
# title: Long-running containers should have a readiness probe
# description: >-
#   Flags the containers of long-running workloads (not Jobs, CronJobs or run-to-completion
#   Pods) that have no readinessProbe. Init containers are skipped, except native sidecars
#   (`restartPolicy: Always`), which run for the life of the pod; ephemeral containers cannot
#   have probes.
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet are read like the built-in kinds;
#   runners, ScaledJobs and Knative revisions (which Knative probes by default) are not.
#   The containers added to the pods of ECK's applications (Elasticsearch node sets, Kibana,
#   APM Server, Enterprise Search, Logstash, Maps Server, Beat, Agent), of the Prometheus
#   operator's Prometheus, PrometheusAgent, Alertmanager and ThanosRuler and of a CloudNativePG
#   Pooler are read too; the container each operator builds and probes itself (elasticsearch,
#   prometheus, pgbouncer...) is not, even when the resource lists it to patch it.
# custom:
#   id: K8S-024
#   name: missing-readiness-probe
#   severity: low
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout, DeploymentConfig, CloneSet, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, Pooler]
#   controls:
#     nist-800-53: [SC-5]
#     nist-csf-2.0: [PR.IR-03]
#     soc2: [A1.2]
#   rationale: >-
#     Without a readiness probe a pod receives Service traffic as soon as its containers start,
#     before the application can answer, and keeps receiving it while it is overloaded or
#     draining; rolling updates proceed on started rather than ready pods, so a broken release
#     replaces a working one (SC-5).
#   remediation: >-
#     Add a `readinessProbe` that answers only when the container can serve requests (an HTTP or
#     gRPC health endpoint, or a TCP check of the listening port).
#   related:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
package runeguard.kubernetes.missing_readiness_probe

import data.runeguard.lib.k8s
import rego.v1

# A bare Pod that is not restarted runs to completion, like a Job's pods.
long_running if input.kind != "Pod"

long_running if {
	input.kind == "Pod"
	not k8s.pod_spec.restartPolicy in {"Never", "OnFailure"}
}

# Regular containers, and init containers that are native sidecars.
long_running_container(c) if c.field == "containers"

long_running_container(c) if {
	c.field == "initContainers"
	c.value.restartPolicy == "Always"
}

deny contains finding if {
	long_running
	some c in k8s.containers
	long_running_container(c)
	not k8s.partial(c)
	not is_object(c.value.readinessProbe)
	finding := {
		"msg": sprintf("%s has no readinessProbe", [k8s.container_label(c)]),
		"path": array.concat(c.path, ["readinessProbe"]),
	}
}
