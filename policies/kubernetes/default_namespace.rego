# METADATA
# title: Objects should not live in the default namespace
# description: >-
#   Flags namespaced objects (workloads, Services, ConfigMaps, Secrets, RBAC roles and bindings,
#   network and Istio policies... the kinds of data.settings.kubernetes.namespaced_kinds) whose
#   metadata.namespace is `default` or is not set. Cluster-scoped kinds and kinds whose scope is
#   unknown (custom resources not in the list) are not judged. A file that a Kustomization of the
#   scanned files sets a namespace for (through `resources`, directly or through other
#   kustomization directories) is not judged either: kustomize overrides the namespace of
#   everything it renders. Nor is a Helm chart's object rendered without a namespace given
#   that sets none or sets `{{ .Release.Namespace }}`: Helm installs it into the namespace
#   `helm install -n` chooses. `namespace: default` written in the chart's values or
#   templates, or a release namespace set to `default` in `.runeguard.yaml`, is reported.
# custom:
#   id: K8S-019
#   name: default-namespace
#   severity: low
#   input: kubernetes
#   scope: project
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
	some i, doc in input.documents
	namespaced[doc.kind]
	k8s.namespace_of(doc) == ""
	not default_system_object(doc)
	not kustomized[input.files[i]]
	not input.install_namespace[i]
	finding := {
		"msg": sprintf("%s sets no namespace, so it lands in the applying context's namespace (default unless told otherwise)", [k8s.label_of(doc)]),
		"path": ["documents", i, "metadata", "namespace"],
	}
}

deny contains finding if {
	some i, doc in input.documents
	namespaced[doc.kind]
	k8s.namespace_of(doc) == "default"
	not default_system_object(doc)
	not kustomized[input.files[i]]
	not input.install_namespace[i]
	finding := {
		"msg": sprintf("%s is in the default namespace", [k8s.label_of(doc)]),
		"path": ["documents", i, "metadata", "namespace"],
	}
}

# `input.install_namespace[i]`: document i is a Helm chart's object rendered without a
# namespace given, that sets none or sets the release namespace through an action
# (`{{ .Release.Namespace }}`): Helm installs it into the namespace `helm install -n` chooses.
# A namespace written in values, `--set` or literal template text is still reported.

# Objects that Kubernetes itself keeps in `default`: the `kubernetes` Service and its
# endpoints, and the `default` ServiceAccount.
default_system_object(doc) if {
	doc.kind in {"Service", "Endpoints", "EndpointSlice"}
	k8s.name_of(doc) == "kubernetes"
}

default_system_object(doc) if {
	doc.kind == "ServiceAccount"
	k8s.name_of(doc) == "default"
}

# ---------------------------------------------------------------------------------------------
# Kustomize: the files rendered by a Kustomization that sets a namespace other than default.

kustomizations := [[i, doc] | some i, doc in input.documents; doc.kind == "Kustomization"]

# The kustomizations of each directory.
by_dir := {d: {sprintf("k:%d", [i]) | some [i, _] in kustomizations; dir(input.files[i]) == d} |
	some [j, _] in kustomizations
	d := dir(input.files[j])
}

# Edges from a kustomization to the files and kustomization directories it renders.
edges[node] := targets_of(i) if {
	some [i, _] in kustomizations
	node := sprintf("k:%d", [i])
}

targets_of(i) := {target |
	some entry in entries(input.documents[i])
	path := normalize(concat("/", [dir(input.files[i]), entry]))
	some target in targets(path)
}

targets(path) := {concat("", ["f:", path])} if {
	regex.match(`\.(ya?ml|json)$`, path)
} else := by_dir[path]

entries(doc) := [e |
	some field in ["resources", "bases", "components"]
	list := object.get(doc, field, [])
	is_array(list)
	some e in list
	is_string(e)
	not contains(e, "://")
]

# graph.reachable only reports the nodes that are keys of the graph: the files are leaves.
leaves := {t: set() | some ts in edges; some t in ts; startswith(t, "f:")}

roots := {sprintf("k:%d", [i]) |
	some [i, doc] in kustomizations
	is_string(doc.namespace)
	not doc.namespace in {"", "default"}
}

kustomized contains trim_prefix(node, "f:") if {
	count(roots) > 0
	some node in graph.reachable(object.union(leaves, edges), roots)
	startswith(node, "f:")
}

dir(path) := d if {
	parts := split(path, "/")
	count(parts) > 1
	d := concat("/", array.slice(parts, 0, count(parts) - 1))
} else := "."

# `a/./b/../c` is `a/c`; a leading `./` goes.
normalize(path) := p if {
	clean := [part | some part in split(path, "/"); part != "."; part != ""]
	q := trim_suffix(up(up(up(up(up(up(concat("/", clean))))))), "/")
	p := dot_if_empty(q)
}

dot_if_empty("") := "."

dot_if_empty(q) := q if q != ""

up(p) := regex.replace(p, `(^|/)[^/.][^/]*/\.\.(/|$)`, "${1}")
