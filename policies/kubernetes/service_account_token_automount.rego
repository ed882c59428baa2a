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
#   Custom resources with several pod templates are read template by template, each reported
#   inside its template (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet),
#   batch jobs and long-running services alike, since any pod's token is the same attack
#   surface. Left out are the pods that call the API with their token, which their operator
#   grants a role outside the scanned files - the Flink operator's FlinkDeployment (the job
#   manager creates the task managers and keeps its high-availability state through the API),
#   a KubeRay head whose cluster sets enableInTreeAutoscaling (the autoscaler runs in the head
#   pod), and an MPIJob launcher before kubeflow.org/v2beta1 (it ran kubectl exec).
#   KEDA's ScaledJob, OpenKruise's CloneSet and a Knative Service's or Configuration's revision
#   template (Knative accepts `automountServiceAccountToken: false` there) are read like the
#   built-in workloads; a Google Cloud Run service, which runs no Kubernetes pod, is not.
#   The pod templates of ECK's Elasticsearch node sets, Kibana, APM Server, Enterprise Search
#   and Maps Server are read too, but only an explicit `true` is reported - the operator sets
#   automountServiceAccountToken to false when the template leaves it unset. ECK's Beat, Agent
#   and Logstash are left out (the operator mounts their token, which their Kubernetes
#   autodiscovery and metadata use).
# custom:
#   id: K8S-020
#   name: service-account-token-automount
#   severity: medium
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, ScaledJob, CloneSet, Service, Configuration, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, JobSet, LeaderWorkerSet, Experiment, ServiceAccount, RoleBinding, ClusterRoleBinding, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, ElasticMapsServer]
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
uses_api(doc, spec, _) if {
	account := service_account(spec)
	account != "default"
	bound[[k8s.effective_namespace_of(doc), account]]
}

# The pod template asks for an agent that logs in with the pod's own token: Vault's agent
# injector and Consul's connect injector authenticate the pod to Vault or Consul through the
# Kubernetes auth method with the mounted token (wild16;
# data.settings.kubernetes.service_account_token_annotations).
uses_api(_, _, annotations) if {
	some name, value in annotations
	accepted := data.settings.kubernetes.service_account_token_annotations[name]
	is_string(value)
	lower(trim_space(value)) in accepted
}

deny contains finding if {
	some i, doc in input.documents
	token_workload(doc)
	not k8s.foreign_builtin_name(doc)
	not k8s.template_by_reference(doc)
	spec := k8s.pod_spec_of(doc)
	spec.automountServiceAccountToken == true
	not uses_api(doc, spec, k8s.pod_annotations_of(doc))
	finding := {
		"msg": sprintf("%s mounts its service account token (automountServiceAccountToken: true)", [k8s.label_of(doc)]),
		"path": array.concat(["documents", i], array.concat(k8s.pod_spec_path_of(doc), ["automountServiceAccountToken"])),
	}
}

deny contains finding if {
	some i, doc in input.documents
	token_workload(doc)
	not k8s.foreign_builtin_name(doc)
	not k8s.template_by_reference(doc)
	spec := k8s.pod_spec_of(doc)
	not is_boolean(spec.automountServiceAccountToken)
	account := service_account(spec)
	not opted_out[[k8s.effective_namespace_of(doc), account]]
	not uses_api(doc, spec, k8s.pod_annotations_of(doc))
	finding := {
		"msg": sprintf("%s mounts a service account token: the pod spec does not set automountServiceAccountToken: false, and no ServiceAccount %s/%s in the scanned files does", [k8s.label_of(doc), k8s.effective_namespace_of(doc), account]),
		"path": array.concat(["documents", i], array.concat(k8s.pod_spec_path_of(doc), ["automountServiceAccountToken"])),
	}
}

# The built-in workloads, and the custom resources whose one pod template runs as its own pods
# do: KEDA's ScaledJob (a Job of `spec.jobTargetRef` per batch of events) and OpenKruise's
# CloneSet (a Deployment's pods). Their pods mount the token as any other's (wild60: KEDA's
# RabbitMQ consumer ScaledJob), and a Knative Service or Configuration, whose revisions are
# Deployments of its template (Knative's field mask lets the template set
# automountServiceAccountToken, to false only).
token_workload(doc) if k8s.workload_kinds[doc.kind]

token_workload(doc) if {
	doc.kind in {"ScaledJob", "CloneSet", "Service", "Configuration"}
	path := k8s.custom_template_path_of(doc)
	is_object(object.get(doc, path, null))
}

# serviceAccountName, else the deprecated serviceAccount alias, else `default`.
service_account(spec) := spec.serviceAccountName if {
	is_string(spec.serviceAccountName)
	spec.serviceAccountName != ""
} else := spec.serviceAccount if {
	is_string(spec.serviceAccount)
	spec.serviceAccount != ""
} else := "default"

# The pod templates of a custom resource with several (k8s.custom_pod_template_sets), each read
# as a workload's pod spec and reported inside its template, labelled with it. Not the Flink
# operator's FlinkDeployment: its job manager creates the task manager pods and keeps its
# high-availability state through the Kubernetes API with the pod's token. Not a KubeRay head
# group whose cluster runs the autoscaler (`enableInTreeAutoscaling: true`): the autoscaler runs
# in the head pod and scales the worker pods through the API. Not an MPIJob's launcher before
# `kubeflow.org/v2beta1`: it reached the workers with `kubectl exec`.
deny contains f if {
	some i, doc in input.documents
	some t in k8s.custom_templates_of(doc)
	not api_template(doc, t)
	spec_path := array.concat(t.path, ["spec"])
	spec := object.get(doc, spec_path, {})
	is_object(spec)
	not uses_api(doc, spec, template_annotations(doc, t))
	msg := template_message(doc, t, spec)
	f := {
		"msg": msg,
		"path": array.concat(["documents", i], array.concat(spec_path, ["automountServiceAccountToken"])),
	}
}

template_message(doc, t, spec) := sprintf("%s, %s mounts its service account token (automountServiceAccountToken: true)", [k8s.label_of(doc), t.label]) if {
	spec.automountServiceAccountToken == true
}

template_message(doc, t, spec) := sprintf("%s, %s mounts a service account token: the pod spec does not set automountServiceAccountToken: false, and no ServiceAccount %s/%s in the scanned files does", [k8s.label_of(doc), t.label, k8s.effective_namespace_of(doc), account]) if {
	not is_boolean(spec.automountServiceAccountToken)
	not token_off_by_default(doc)
	account := service_account(spec)
	not opted_out[[k8s.effective_namespace_of(doc), account]]
}

template_annotations(doc, t) := a if {
	a := object.get(doc, array.concat(t.path, ["metadata", "annotations"]), {})
	is_object(a)
} else := {}

api_template(doc, _) if doc.kind == "FlinkDeployment"

# ECK's Beat, Agent and Logstash: the operator mounts the token (WithAutomountServiceAccountToken)
api_template(doc, _) if k8s.eck_group_of(doc) in {"beat.k8s.elastic.co", "agent.k8s.elastic.co", "logstash.k8s.elastic.co"}

# ECK's other applications: the operator's pod template builder sets automountServiceAccountToken
# to false unless the template sets it, so only a written `true` mounts the token.
token_off_by_default(doc) if k8s.eck_group_of(doc)

api_template(doc, t) if {
	t.entry.unit == "head group"
	cluster := array.slice(t.path, 0, count(t.path) - 2)
	object.get(doc, array.concat(cluster, ["enableInTreeAutoscaling"]), false) == true
}

api_template(doc, t) if {
	doc.kind == "MPIJob"
	t.label == `replica "Launcher"`
	doc.apiVersion != "kubeflow.org/v2beta1"
}
