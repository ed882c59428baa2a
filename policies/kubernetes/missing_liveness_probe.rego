# METADATA
# title: Long-running containers should have a liveness probe
# description: >-
#   Flags the containers of long-running workloads (not Jobs, CronJobs or run-to-completion
#   Pods) that have no livenessProbe. Init containers are skipped, except native sidecars
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
#   id: K8S-023
#   name: missing-liveness-probe
#   severity: low
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout, DeploymentConfig, CloneSet, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, Pooler]
#   controls:
#     nist-800-53: [SC-5, SI-4]
#     nist-csf-2.0: [PR.IR-03]
#     soc2: [A1.2]
#   rationale: >-
#     Without a liveness probe the kubelet restarts a container only when its process exits: a
#     deadlocked or wedged process keeps its pod Running and in the Service while it serves
#     nothing (SC-5 availability), and nothing signals the fault (SI-4).
#   remediation: >-
#     Add a `livenessProbe` (an HTTP, gRPC, TCP or exec check of the process's own health, not
#     of its dependencies) with a `failureThreshold` and `periodSeconds` that tolerate brief
#     pauses; give slow starters a `startupProbe`.
#   related:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
package runeguard.kubernetes.missing_liveness_probe

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
	not is_object(c.value.livenessProbe)
	finding := {
		"msg": sprintf("%s has no livenessProbe", [k8s.container_label(c)]),
		"path": array.concat(c.path, ["livenessProbe"]),
	}
}
