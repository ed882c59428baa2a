# METADATA
# title: Containers must not run privileged
# description: >-
#   Flags containers whose securityContext sets privileged to true. Custom resources that hold a
#   pod template are read like workloads: actions-runner-controller's AutoscalingRunnerSet and
#   RunnerSet, KEDA's ScaledJob, Knative Serving's Service and Configuration (`serving.knative.dev`
#   only; Cloud Run's service files are left alone) and OpenKruise's CloneSet, Advanced StatefulSet
#   and DaemonSet.
#   Argo Workflows' Workflow, WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow are read
#   for their templates' container, script, initContainers and sidecars.
# custom:
#   id: K8S-001
#   name: privileged-container
#   severity: critical
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow]
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
