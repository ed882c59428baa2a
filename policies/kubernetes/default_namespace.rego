# METADATA
# title: Objects should not live in the default namespace
# description: >-
#   Flags namespaced objects (workloads, Services, ConfigMaps, Secrets, RBAC roles and bindings,
#   network and Istio policies... the kinds of data.settings.kubernetes.namespaced_kinds) whose
#   metadata.namespace is `default` or is not set. Cluster-scoped kinds and kinds whose scope is
#   unknown (custom resources not in the list) are not judged.
# custom:
#   id: K8S-019
#   name: default-namespace
#   severity: low
#   input: kubernetes
#   controls:
#     nist-800-53: [AC-4, CM-2]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     cis-kubernetes: [5.7.4]
#   rationale: >-
#     Namespaces are the boundary that RBAC, NetworkPolicies, quotas and the mesh's policies hang
#     on. Everything dropped in `default` shares one boundary with everything else dropped there,
#     and an object without a namespace lands wherever the applying context points, so the
#     manifest does not say where it runs (CM-2).
#   remediation: >-
#     Set `metadata.namespace` to the application's own namespace (or set it once with
#     kustomize's `namespace:`).
#   related:
#     - https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
package runeguard.kubernetes.default_namespace

import data.runeguard.lib.k8s
import rego.v1

namespaced := {k | some k in data.settings.kubernetes.namespaced_kinds}

deny contains finding if {
	namespaced[input.kind]
	ns := k8s.namespace_of(input)
	ns == ""
	not default_system_object
	finding := {
		"msg": sprintf("%s sets no namespace, so it lands in the applying context's namespace (default unless told otherwise)", [k8s.label_of(input)]),
		"path": ["metadata", "namespace"],
	}
}

deny contains finding if {
	namespaced[input.kind]
	k8s.namespace_of(input) == "default"
	not default_system_object
	finding := {
		"msg": sprintf("%s is in the default namespace", [k8s.label_of(input)]),
		"path": ["metadata", "namespace"],
	}
}

# Objects that Kubernetes itself keeps in `default`: the `kubernetes` Service and its
# endpoints, and the `default` ServiceAccount.
default_system_object if {
	input.kind in {"Service", "Endpoints", "EndpointSlice"}
	k8s.name_of(input) == "kubernetes"
}

default_system_object if {
	input.kind == "ServiceAccount"
	k8s.name_of(input) == "default"
}
