# METADATA
# title: RBAC rules must not grant privilege-escalation permissions
# description: >-
#   Flags Role and ClusterRole rules that allow escalate or bind on roles, impersonate, exec
#   or attach into pods, adding ephemeral containers, creating pods or workloads (or custom
#   resources whose controller runs pods of the template they hold,
#   data.settings.kubernetes.pod_running_custom_resources, such as Argo Workflows, Tekton
#   PipelineRuns and TaskRuns, KEDA ScaledJobs, Knative Services, OpenKruise CloneSets, except
#   in a ClusterRole aggregated into `edit` or `admin`, whose subjects create pods already), minting
#   service account tokens, or the kubelet API through nodes/proxy (named or through `*`), or
#   approving certificate signing requests (`approve` on `signers` of `certificates.k8s.io`)
#   for a signer whose certificates the API server accepts as client credentials
#   (data.settings.kubernetes.client_certificate_signers, `kubernetes.io/kube-apiserver-client`
#   and `kubernetes.io/kube-apiserver-client-kubelet`) or for every signer (no resourceNames,
#   `*`, `kubernetes.io/*`), when the role can also update
#   `certificatesigningrequests/approval`; approving for other signers (kubelet serving
#   certificates, cert-manager's issuers) is not reported. Control of admission webhooks
#   (create, update or patch on `mutatingwebhookconfigurations` or
#   `validatingwebhookconfigurations`, with or without resourceNames) is reported too.
#   Roles the control plane manages (`system:` names, bootstrap roles) are not reported.
# custom:
#   id: K8S-033
#   name: rbac-privilege-escalation-verbs
#   severity: high
#   input: kubernetes
#   kinds: [Role, ClusterRole]
#   controls:
#     nist-800-53: [AC-6]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.3]
#     zero-trust: [ZT-6]
#     cis-kubernetes: [5.1.4, 5.1.8]
#   rationale: >-
#     Each of these permissions lets the subject obtain more than the role lists: `escalate`
#     and `bind` grant any permission through a new or edited role; `impersonate` acts as
#     another identity; exec, attach and ephemeral containers run commands in pods that hold
#     other service accounts and Secrets; creating a pod or a workload mounts any Secret or
#     service account of the namespace, and so does creating a custom resource that a
#     controller turns into pods (a Workflow or PipelineRun names the service account its pods
#     run as); `serviceaccounts/token` mints their tokens;
#     nodes/proxy reaches the kubelet API, which runs commands in any pod of the node and
#     bypasses audit; and approving a certificate request for an API server client signer
#     issues a client certificate for any user or group, `system:masters` included; whoever
#     controls an admission webhook configuration (even one named in resourceNames, whose rules
#     and endpoint it can rewrite) sends every object admitted to the cluster to a server of its
#     choice, which reads them (Secrets included) and, for a mutating webhook, changes them (a
#     privileged container, another service account). `get` counts for exec and attach (the WebSocket upgrade is a GET).
#   remediation: >-
#     Remove the permission, or give it to a dedicated, reviewed identity (a CI deployer, a
#     controller) scoped to one namespace; restrict `bind` with `resourceNames` to the roles
#     that may be handed out.
#   related:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
package runeguard.kubernetes.rbac_privilege_escalation_verbs

import data.runeguard.lib.k8s
import rego.v1

rbac := "rbac.authorization.k8s.io"

admission := "admissionregistration.k8s.io"

workload_targets := [
	["", "pods"], ["", "replicationcontrollers"],
	["apps", "deployments"], ["apps", "daemonsets"], ["apps", "statefulsets"], ["apps", "replicasets"],
	["extensions", "deployments"], ["extensions", "daemonsets"], ["extensions", "replicasets"],
	["batch", "jobs"], ["batch", "cronjobs"],
]

# label, verbs, [group, resource] targets; `named_ok`: resourceNames makes it acceptable.
dangerous := [
	{"label": "escalate roles", "verbs": ["escalate"], "targets": [[rbac, "roles"], [rbac, "clusterroles"]], "named_ok": false},
	{"label": "bind roles", "verbs": ["bind"], "targets": [[rbac, "roles"], [rbac, "clusterroles"]], "named_ok": true},
	{"label": "impersonate", "verbs": ["impersonate"], "targets": [["", "users"], ["", "groups"], ["", "serviceaccounts"], ["authentication.k8s.io", "uids"], ["authentication.k8s.io", "userextras"]], "named_ok": false},
	{"label": "exec into pods", "verbs": ["create", "get"], "targets": [["", "pods/exec"]], "named_ok": false},
	{"label": "attach to pods", "verbs": ["create", "get"], "targets": [["", "pods/attach"]], "named_ok": false},
	{"label": "add ephemeral containers", "verbs": ["update", "patch"], "targets": [["", "pods/ephemeralcontainers"]], "named_ok": false},
	{"label": "create pods or workloads", "verbs": ["create"], "targets": workload_targets, "named_ok": false},
	{"label": "mint service account tokens", "verbs": ["create"], "targets": [["", "serviceaccounts/token"]], "named_ok": false},
	{"label": "use nodes/proxy", "verbs": ["get", "create", "update", "patch", "delete"], "targets": [["", "nodes/proxy"]], "named_ok": false},
	{"label": "approve API server client certificates", "verbs": ["approve"], "targets": [["certificates.k8s.io", "signers"]], "named_ok": false, "signers": true},
	{"label": "control mutating admission webhooks", "verbs": ["create", "update", "patch"], "targets": [[admission, "mutatingwebhookconfigurations"]], "named_ok": false},
	{"label": "control validating admission webhooks", "verbs": ["create", "update", "patch"], "targets": [[admission, "validatingwebhookconfigurations"]], "named_ok": false},
]

# A rules entry's verbs, API groups and resources as sets, built once per entry (each
# `dangerous` line used to loop over the entry's lists again, for each of its verbs and
# targets).
entry_set(xs) := {x | x := xs[_]}

in_or_star(s, x) if x in s

in_or_star(s, _) if "*" in s

# `pods/*` covers every subresource of pods (but not pods itself).
resource_in(resources, resource) if in_or_star(resources, resource)

resource_in(resources, resource) if {
	contains(resource, "/")
	concat("", [split(resource, "/")[0], "/*"]) in resources
}

# `*/approval`, `*/exec`: a subresource of every resource.
resource_in(resources, resource) if {
	contains(resource, "/")
	concat("", ["*/", split(resource, "/")[1]]) in resources
}

named(rule) if count(object.get(rule, "resourceNames", [])) > 0

grants(rule, sets, d) if {
	some verb in d.verbs
	in_or_star(sets.verbs, verb)
	some t in d.targets
	in_or_star(sets.groups, t[0])
	resource_in(sets.resources, t[1])
	not skip_named(rule, d)
}

skip_named(rule, d) if {
	d.named_ok
	named(rule)
}

# `approve` on signers named in resourceNames, none of which issues certificates the API
# server accepts for authentication (kubelet serving certificates, cert-manager's issuers).
skip_named(rule, d) if {
	object.get(d, "signers", false) == true
	named(rule)
	every n in rule.resourceNames {
		not client_signer(n)
	}
}

# Approving takes both `approve` on the signer and `update` on the approval subresource: a role
# with only the first lets its subjects approve nothing.
skip_named(rule, d) if {
	object.get(d, "signers", false) == true
	not updates_approval
}

updates_approval if {
	some rule in input.rules
	is_object(rule)
	sets := {"verbs": entry_set(rule.verbs), "groups": entry_set(rule.apiGroups), "resources": entry_set(rule.resources)}
	in_or_star(sets.verbs, "update")
	in_or_star(sets.groups, "certificates.k8s.io")
	resource_in(sets.resources, "certificatesigningrequests/approval")
}

client_signer(n) if n in {s | some s in data.settings.kubernetes.client_certificate_signers}

client_signer(n) if n == "*"

client_signer(n) if {
	is_string(n)
	endswith(n, "/*")
	some s in data.settings.kubernetes.client_certificate_signers
	startswith(s, trim_suffix(n, "*"))
}

# Roles the control plane manages (bootstrap roles, reconciled at every API server start; the
# `system:` prefix is reserved to Kubernetes, `gce:`/`eks:` to the providers): their rules
# are not the repository's to change. See `data.settings.kubernetes.managed_cluster_roles`
# and `managed_role_prefixes`.
managed_role if input.metadata.annotations["rbac.authorization.kubernetes.io/autoupdate"] == "true"

managed_role if {
	input.kind == "ClusterRole"
	input.metadata.name in {n | some n in data.settings.kubernetes.managed_cluster_roles}
}

managed_role if {
	name := input.metadata.name
	is_string(name)
	some prefix in data.settings.kubernetes.managed_role_prefixes
	startswith(name, prefix)
}

# Custom resources whose controller runs pods of a template the creator writes, service account
# included (data.settings.kubernetes.pod_running_custom_resources: an Argo Workflow, a Tekton
# PipelineRun, a KEDA ScaledJob, a Knative Service...): creating one is creating a pod. Named
# only when the rule does not already grant creating pods or workloads (a wildcard role would
# list them all).
custom_resources_run(sets) := sort([sprintf("%s.%s", [r, g]) |
	in_or_star(sets.verbs, "create")
	some g, resources in data.settings.kubernetes.pod_running_custom_resources
	in_or_star(sets.groups, g)
	some r in resources
	resource_in(sets.resources, r)
])

custom_resource_labels(rule, sets) := [] if {
	some d in dangerous
	d.label == "create pods or workloads"
	grants(rule, sets, d)
} else := [] if {
	aggregated_to_editors
} else := [sprintf("create custom resources that run pods (%s)", [resource_list(names)])] if {
	names := custom_resources_run(sets)
	count(names) > 0
} else := []

# A ClusterRole its operator aggregates into `edit` or `admin` (Tekton's, Argo's, KEDA's
# aggregate roles): the subjects it reaches already create pods through those roles, so the
# custom resources it adds open no new path.
aggregated_to_editors if {
	input.kind == "ClusterRole"
	some label in ["rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-admin"]
	input.metadata.labels[label] == "true"
}

resource_list(names) := concat(", ", names) if count(names) <= 4

resource_list(names) := sprintf("%s and %d more", [concat(", ", array.slice(names, 0, 4)), count(names) - 4]) if count(names) > 4

deny contains finding if {
	not managed_role
	rule := input.rules[i]
	is_object(rule)
	sets := {"verbs": entry_set(rule.verbs), "groups": entry_set(rule.apiGroups), "resources": entry_set(rule.resources)}
	labels := array.concat([d.label | some d in dangerous; grants(rule, sets, d)], custom_resource_labels(rule, sets))
	count(labels) > 0
	finding := {
		"msg": sprintf("%s lets its subjects escalate privileges through rule %d: %s", [k8s.object_label, i, concat(", ", labels)]),
		"path": ["rules", i, "verbs"],
	}
}
