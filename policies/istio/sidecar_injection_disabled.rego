# METADATA
# title: Workloads must not opt out of the mesh
# description: >-
#   Flags workloads whose pod template sets `sidecar.istio.io/inject` to false (annotation or
#   label) or, in the ambient mesh, labels its pods `istio.io/dataplane-mode: none`, and
#   Namespaces labelled `istio-injection: disabled`. System namespaces
#   (data.settings.istio.exempt_namespaces) and Istio gateways, which run Envoy themselves, are
#   left alone.
# custom:
#   id: IST-015
#   name: sidecar-injection-disabled
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, Namespace]
#   controls:
#     nist-800-53: [SC-8, AC-4]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A pod without the sidecar sends and accepts plaintext, has no workload identity, and is
#     not covered by PeerAuthentication or AuthorizationPolicy, so it is a hole in both the
#     encryption and the access control of the mesh (SC-8 transmission confidentiality, AC-4
#     information flow enforcement; zero-trust tenet 2). Opting out is sometimes needed (a Job
#     on an old Istio without native sidecars); suppress those with a reason.
#   remediation: >-
#     Remove the `sidecar.istio.io/inject: "false"` annotation or label, or the
#     `istio-injection: disabled` namespace label, or the pod label
#     `istio.io/dataplane-mode: none`; for Jobs, use native sidecars (Kubernetes 1.29+
#     and Istio 1.19+) rather than opting out.
#   related:
#     - https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
#     - https://istio.io/latest/docs/reference/config/annotations/#SidecarInject
#     - https://istio.io/latest/docs/ambient/usage/add-workloads/
package runeguard.istio.sidecar_injection_disabled

import data.runeguard.lib.istio
import rego.v1

key := "sidecar.istio.io/inject"

deny contains finding if {
	istio.is_workload(input)
	not istio.exempt_namespaces[istio.namespace(input)]
	not istio.runs_proxy(input)
	some where in ["annotations", "labels"]
	value := istio.object_at(input, array.concat(istio.pod_metadata_path(input), [where]))[key]
	istio.is_false(value)
	finding := {
		"msg": sprintf("%s disables sidecar injection (%s %s: %q): its traffic bypasses mTLS and authorization policies", [istio.label(input), trim_suffix(where, "s"), key, sprintf("%v", [value])]),
		"path": array.concat(istio.pod_metadata_path(input), [where, key]),
	}
}

# The ambient mesh's opt-out: ztunnel leaves the pod out of an enrolled namespace, so the pod
# has no workload identity and no policy of the mesh applies to it, as without a sidecar.
ambient_key := "istio.io/dataplane-mode"

deny contains finding if {
	istio.is_workload(input)
	not istio.exempt_namespaces[istio.namespace(input)]
	not istio.runs_proxy(input)
	istio.ambient_opt_out(input)
	finding := {
		"msg": sprintf("%s opts out of the ambient mesh (label %s: none): its traffic bypasses mTLS and authorization policies", [istio.label(input), ambient_key]),
		"path": array.concat(istio.pod_metadata_path(input), ["labels", ambient_key]),
	}
}

deny contains finding if {
	input.kind == "Namespace"
	not istio.exempt_namespaces[istio.name(input)]
	labels := istio.object_at(input, ["metadata", "labels"])
	labels["istio-injection"] == "disabled"
	finding := {
		"msg": sprintf("Namespace %s disables sidecar injection (label istio-injection: disabled): its workloads bypass mTLS and authorization policies", [istio.name(input)]),
		"path": ["metadata", "labels", "istio-injection"],
	}
}
