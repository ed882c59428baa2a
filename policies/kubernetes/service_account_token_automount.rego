# METADATA
# title: Pods should not mount a service account token unless they use the API
# description: >-
#   Flags workloads whose pod spec does not set automountServiceAccountToken to false, unless
#   the ServiceAccount the pod runs as (its serviceAccountName, else `default`) is in the scanned
#   files, in the same namespace, and sets automountServiceAccountToken to false. A pod-level
#   `true` overrides the ServiceAccount's `false`. A workload that runs as a ServiceAccount of
#   its own (not `default`) which a RoleBinding or ClusterRoleBinding of the scanned files
#   binds calls the API and keeps its token: it is not flagged; nor is a pod annotated for an
#   agent that logs in with its token (`vault.hashicorp.com/agent-inject: "true"`; see
#   data.settings.kubernetes.service_account_token_annotations).
# custom:
#   id: K8S-020
#   name: service-account-token-automount
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, ServiceAccount, RoleBinding, ClusterRoleBinding]
#   scope: project
#   controls:
#     nist-800-53: [AC-6, IA-9]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#     zero-trust: [ZT-6]
#     cis-kubernetes: [5.1.6]
#   rationale: >-
#     By default every pod gets a token of its ServiceAccount mounted at
#     /var/run/secrets/kubernetes.io/serviceaccount, so anyone who gets code execution in the pod
#     can call the Kubernetes API with the pod's identity. Most applications never call the API;
#     for them the token is pure attack surface. The ServiceAccount is looked for only in the
#     scanned files.
#   remediation: >-
#     Set `automountServiceAccountToken: false` in the pod spec, or on the ServiceAccount the pod
#     uses; workloads that call the API keep the token and get a dedicated ServiceAccount with a
#     minimal Role.
#   related:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
package runeguard.kubernetes.service_account_token_automount

import data.runeguard.lib.k8s
import rego.v1

# [namespace, name] of the ServiceAccounts that turn automounting off.
opted_out contains [k8s.effective_namespace_of(doc), k8s.name_of(doc)] if {
	some doc in input.documents
	doc.kind == "ServiceAccount"
	doc.automountServiceAccountToken == false
}

# [namespace, name] of each ServiceAccount a binding of the scanned files grants a role to: the
# pods that run as it call the API, so the token is what they need (the remediation's "dedicated
# ServiceAccount with a minimal Role"). A subject without a namespace is in the RoleBinding's.
bound contains [ns, subject.name] if {
	some doc in input.documents
	doc.kind in {"RoleBinding", "ClusterRoleBinding"}
	is_object(doc.roleRef)
	some subject in doc.subjects
	subject.kind == "ServiceAccount"
	is_string(subject.name)
	ns := subject_namespace(doc, subject)
}

subject_namespace(binding, subject) := subject.namespace if {
	is_string(subject.namespace)
	subject.namespace != ""
} else := k8s.effective_namespace_of(binding) if binding.kind == "RoleBinding"

# The pod runs as a ServiceAccount of its own that a binding grants a role to.
uses_api(doc, spec) if {
	account := service_account(spec)
	account != "default"
	bound[[k8s.effective_namespace_of(doc), account]]
}

# The pod template asks for an agent that logs in with the pod's own token: Vault's agent
# injector and Consul's connect injector authenticate the pod to Vault or Consul through the
# Kubernetes auth method with the mounted token (wild16;
# data.settings.kubernetes.service_account_token_annotations).
uses_api(doc, _) if {
	some name, value in k8s.pod_annotations_of(doc)
	accepted := data.settings.kubernetes.service_account_token_annotations[name]
	is_string(value)
	lower(trim_space(value)) in accepted
}

deny contains finding if {
	some i, doc in input.documents
	k8s.workload_kinds[doc.kind]
	not k8s.foreign_builtin_name(doc)
	spec := k8s.pod_spec_of(doc)
	spec.automountServiceAccountToken == true
	not uses_api(doc, spec)
	finding := {
		"msg": sprintf("%s mounts its service account token (automountServiceAccountToken: true)", [k8s.label_of(doc)]),
		"path": array.concat(["documents", i], array.concat(k8s.pod_spec_path_of(doc), ["automountServiceAccountToken"])),
	}
}

deny contains finding if {
	some i, doc in input.documents
	k8s.workload_kinds[doc.kind]
	not k8s.foreign_builtin_name(doc)
	spec := k8s.pod_spec_of(doc)
	not is_boolean(spec.automountServiceAccountToken)
	account := service_account(spec)
	not opted_out[[k8s.effective_namespace_of(doc), account]]
	not uses_api(doc, spec)
	finding := {
		"msg": sprintf("%s mounts a service account token: the pod spec does not set automountServiceAccountToken: false, and no ServiceAccount %s/%s in the scanned files does", [k8s.label_of(doc), k8s.effective_namespace_of(doc), account]),
		"path": array.concat(["documents", i], array.concat(k8s.pod_spec_path_of(doc), ["automountServiceAccountToken"])),
	}
}

# serviceAccountName, else the deprecated serviceAccount alias, else `default`.
service_account(spec) := spec.serviceAccountName if {
	is_string(spec.serviceAccountName)
	spec.serviceAccountName != ""
} else := spec.serviceAccount if {
	is_string(spec.serviceAccount)
	spec.serviceAccount != ""
} else := "default"
