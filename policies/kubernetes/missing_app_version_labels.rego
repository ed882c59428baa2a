# METADATA
# title: Pod templates should carry app and version labels
# description: >-
#   Flags long-running workloads whose pods lack an application label (`app` or
#   `app.kubernetes.io/name`) or a version label (`version` or `app.kubernetes.io/version`),
#   the labels Istio uses for telemetry, routing subsets and canaries.
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet are read like the built-in kinds;
#   runners, ScaledJobs and Knative revisions (which Knative probes by default) are not.
# custom:
#   id: K8S-042
#   name: missing-app-version-labels
#   severity: info
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Rollout, DeploymentConfig, CloneSet]
#   controls:
#     nist-800-53: [CM-8]
#     nist-csf-2.0: [ID.AM-02]
#     soc2: [CC7.1]
#     zero-trust: [ZT-7]
#   rationale: >-
#     A mesh identifies a workload's service and revision by these labels: without them its
#     metrics and traces are anonymous, DestinationRule subsets cannot tell a canary from the
#     stable release, and the inventory of what runs where (CM-8, ID.AM-02) and the
#     observation that zero trust relies on (ZT-7) lose the version. Istio also reads the
#     `service.istio.io/canonical-name` and `-revision` labels, accepted here too. Jobs and
#     CronJobs are not reported: they are not routed to.
#   remediation: >-
#     Add `app: <service>` and `version: <release>` (or the `app.kubernetes.io/name` and
#     `app.kubernetes.io/version` recommended labels) to the pod template's labels.
#   related:
#     - https://istio.io/latest/docs/ops/deployment/application-requirements/
#     - https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
package runeguard.kubernetes.missing_app_version_labels

import data.runeguard.lib.k8s
import rego.v1

labels := object.get(k8s.pod_metadata, "labels", {})

app_labels := ["app", "app.kubernetes.io/name", "service.istio.io/canonical-name"]

version_labels := ["version", "app.kubernetes.io/version", "service.istio.io/canonical-revision"]

has_one(names) if {
	some n in names
	v := labels[n]
	is_string(v)
	v != ""
}

missing contains "app label (app or app.kubernetes.io/name)" if not has_one(app_labels)

missing contains "version label (version or app.kubernetes.io/version)" if not has_one(version_labels)

deny contains finding if {
	k8s.is_workload
	count(missing) > 0
	finding := {
		"msg": sprintf("%s pods carry no %s", [k8s.object_label, concat(" and no ", sort([m | some m in missing]))]),
		"path": array.concat(k8s.pod_metadata_path, ["labels"]),
	}
}
