# METADATA
# title: Secrets should be mounted as files, not exposed as environment variables
# description: >-
#   Flags env vars that read a Secret (`valueFrom.secretKeyRef`) and `envFrom` entries that
#   import a whole Secret (`secretRef`).
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Argo Workflows' templates, Tekton's steps, sidecars and stepTemplate, the Spark operator's
#   driver and executor (their `envSecretKeyRefs` map too) and summerwind actions-runner-controller's
#   runner are read as containers.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
# custom:
#   id: K8S-018
#   name: secret-as-env-var
#   severity: low
#   input: kubernetes
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [SC-28]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [CC6.1]
#     cis-kubernetes: [5.4.1]
#   rationale: >-
#     Environment variables leak: they are inherited by every child process, printed by crash
#     handlers and debug endpoints, visible in /proc/<pid>/environ and in `docker inspect`, and
#     they never change while the process runs, so a rotated secret needs a restart. A mounted
#     Secret is a file with its own permissions, updated in place.
#   remediation: >-
#     Mount the Secret as a volume (`volumes[].secret` with a `volumeMounts` entry) and have the
#     application read the file, e.g. through a `*_FILE` variable that holds its path.
#   related:
#     - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
package runeguard.kubernetes.secret_as_env_var

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	some c in k8s.containers
	env := c.value.env
	is_array(env)
	some i, var in env
	ref := var.valueFrom.secretKeyRef
	is_object(ref)
	finding := {
		"msg": sprintf("%s reads key %s of Secret %s into env var %s", [k8s.container_label(c), quoted(ref.key), quoted(ref.name), quoted(var.name)]),
		"path": array.concat(c.path, ["env", i, "valueFrom", "secretKeyRef"]),
	}
}

deny contains finding if {
	some c in k8s.containers
	env_from := c.value.envFrom
	is_array(env_from)
	some i, source in env_from
	ref := source.secretRef
	is_object(ref)
	finding := {
		"msg": sprintf("%s imports every key of Secret %s as env vars (envFrom)", [k8s.container_label(c), quoted(ref.name)]),
		"path": array.concat(c.path, ["envFrom", i, "secretRef"]),
	}
}

# The Spark operator's `envSecretKeyRefs` (a driver's or executor's map of env var name to a
# Secret's name and key, the older form of `env[].valueFrom.secretKeyRef`). Not `envSecrets`,
# which guides write but the operator's SparkPodSpec does not have, nor any such map at the
# application level (`spec`), which has none: the API server prunes them, no env var is set.
deny contains finding if {
	some c in k8s.containers
	c.field in {"driver", "executor"}
	vars := c.value.envSecretKeyRefs
	is_object(vars)
	some name, ref in vars
	is_object(ref)
	finding := {
		"msg": sprintf("%s reads key %s of Secret %s into env var %s (envSecretKeyRefs)", [k8s.container_label(c), quoted(ref.key), quoted(ref.name), quoted(name)]),
		"path": array.concat(c.path, ["envSecretKeyRefs", name]),
	}
}

quoted(s) := sprintf("%q", [s]) if {
	is_string(s)
} else := "<unnamed>"
