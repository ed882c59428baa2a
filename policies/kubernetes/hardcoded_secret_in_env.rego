# METADATA
# title: Secrets must not be written into container environment variables
# description: >-
#   Flags env vars that carry a credential in a literal `value`, as runeguard's one credential
#   detector reads it (lib credentials, vocabulary in data.settings.credentials): a literal
#   under a name that says credential (PASSWORD, TOKEN, SECRET, API_KEY, ACCESS_KEY,
#   SECRET_KEY_BASE...), whatever its shape (passphrases and UUID-like keys with hyphens
#   included); a value shaped like a credential whatever the name (a PEM private key, an AWS
#   access key id, a GitHub, GitLab, Slack, Google, Stripe or npm token, a JWT, a URL or
#   connection string with a password); or a high-entropy string under a name that is not an
#   identifier's, digest's or checksum's. Names about a credential (`*_FILE`, `*_PATH`,
#   `*_URL`, `*_NAME`, `*_TTL`...), references (`$(OTHER_VAR)`, `${VAR}`, another
#   variable's name such as `MAVEN_PASSWORD`), placeholders (`changeme`, `<secret>`,
#   `...EXAMPLE`, a value named after the variable), paths, short numbers, empty values,
#   booleans and the access levels `read` and `write` are not flagged. A container's
#   `command` and `args` are read the same way for a long option named like a credential with a
#   literal value (`--secret-token=...`, `--db-password VALUE`, `-Dspring.datasource.password=...`,
#   or one of data.settings.credentials.credential_options such as `--requirepass`), or a
#   credential-named variable a shell line assigns for the program it runs (`PGPASSWORD=...
#   pg_dump`, `export API_TOKEN=...`), or a short option that takes a password for the
#   program before it (data.settings.credentials.program_password_options such as mysql's
#   `-pVALUE` and redis-cli's `-a VALUE`; other short options are not read, their meaning
#   depends on the program), in a list item or inside a shell line (`sh -c "..."`). Probes'
#   and lifecycle hooks' `exec.command` are command lines too. So are the
#   headers curl and wget send from there (`-H`, `--header`) and the `httpGet.httpHeaders` of
#   probes and lifecycle hooks: an `Authorization` header with a literal after its scheme
#   (`Basic ...`, `Bearer ...`), or a header named like a credential (`X-API-Key`). A value that is one lower-case word (`password`, `secret`) is a literal: the
#   weak password the service runs with. The value is never printed.
#   Custom resources that hold a pod template are read like workloads: actions-runner-controller's
#   AutoscalingRunnerSet and RunnerSet, KEDA's ScaledJob, Knative Serving's Service and
#   Configuration (`serving.knative.dev` only; Cloud Run's service files are left alone) and
#   OpenKruise's CloneSet, Advanced StatefulSet and DaemonSet.
#   Argo Workflows' Workflow, WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow are read
#   for their templates' container, script, initContainers and sidecars.
#   Tekton's Task, ClusterTask, TaskRun, Pipeline and PipelineRun are read for their steps,
#   sidecars and stepTemplate; the Spark operator's SparkApplication and ScheduledSparkApplication
#   for the driver, the executor (their env and envVars) and their sidecars and init containers; summerwind
#   actions-runner-controller's RunnerDeployment, RunnerReplicaSet and Runner for their RunnerSpec.
#   Custom resources with several pod templates are read template by template, each with its
#   own pod-level settings (KubeRay's RayCluster, RayJob and RayService, Kubeflow's PyTorchJob,
#   TFJob, MPIJob, XGBoostJob, PaddleJob and JAXJob, Volcano's Job, JobSet, LeaderWorkerSet, the Flink
#   operator's FlinkDeployment), as is a Kubeflow Notebook's template.
#   A KubeRay group's `rayStartParams` (the `ray start --name=value` flags of its Ray container,
#   `redis-password` among them) are read as a Spark application's sparkConf is.
#   An env entry written without a name (a JSON 6902 operation whose path ends at an entry's
#   `value`, on an object of a remote base the run does not fetch, which holds the name) is
#   reported only for a value shaped like a credential.
# custom:
#   id: K8S-017
#   name: hardcoded-secret-in-env
#   severity: high
#   input: kubernetes
#   secret: true
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig, AutoscalingRunnerSet, RunnerSet, ScaledJob, Service, Configuration, CloneSet, Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow, Task, ClusterTask, TaskRun, Pipeline, PipelineRun, SparkApplication, ScheduledSparkApplication, RunnerDeployment, RunnerReplicaSet, Runner, RayCluster, RayJob, RayService, PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob, Notebook, JobSet, LeaderWorkerSet, FlinkDeployment, Experiment, Elasticsearch, Kibana, ApmServer, EnterpriseSearch, Logstash, ElasticMapsServer, Beat, Agent, Prometheus, PrometheusAgent, Alertmanager, ThanosRuler, postgresql, Cluster, PostgresCluster, SidecarSet, Pooler, Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker2, KafkaBridge]
#   controls:
#     nist-800-53: [IA-5, SC-28]
#     nist-csf-2.0: [PR.AA-01, PR.DS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     A credential in a manifest is in the repository's history for good, in every clone and CI
#     log, and readable by anyone who can read the workload object (`get deployment` is granted
#     far more widely than `get secret`). It cannot be rotated without a commit. On the command
#     line it is also in every process listing of the node (`ps`, `/proc/<pid>/cmdline`).
#   remediation: >-
#     Move the value to a Secret (or an external secret store) and reference it with
#     `valueFrom.secretKeyRef`, or better mount it as a file; then rotate the exposed credential.
#   related:
#     - https://kubernetes.io/docs/concepts/configuration/secret/
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
package runeguard.kubernetes.hardcoded_secret_in_env

import data.runeguard.lib.command_line
import data.runeguard.lib.credentials
import data.runeguard.lib.k8s
import rego.v1

# A credential, as the detector reads the variable's name and value (computed once).
deny contains finding if {
	some c in k8s.containers
	env := c.value.env
	is_array(env)
	some i, var in env
	is_string(var.name)
	is_string(var.value)
	why := reportable(credentials.reasons(var.name, var.value))
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s sets env var %q to a literal value that %s", [k8s.container_label(c), var.name, wording(why)]),
			"path": array.concat(c.path, ["env", i, "value"]),
		},
		credentials.password_part(var.value),
	)
}

# An env entry without a name: what a JSON 6902 `add`/`replace` at
# `/spec/template/spec/containers/0/env/1/value` writes, placed on an object of a remote base the
# run does not fetch (kflux37's `note_unfetched_ops`; the entry's name is the remote object's).
# Only a value shaped like a credential is reported: no name says what another one is (kflux38).
deny contains finding if {
	some c in k8s.containers
	env := c.value.env
	is_array(env)
	some i, var in env
	is_object(var)
	not "name" in object.keys(var)
	is_string(var.value)
	why := reportable(credentials.shape_reasons(var.value))
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s sets an env var this manifest does not name to a literal value that %s", [k8s.container_label(c), concat(" and ", sort(why))]),
			"path": array.concat(c.path, ["env", i, "value"]),
		},
		credentials.password_part(var.value),
	)
}

# The Spark operator's `envVars` (a driver's or executor's map of name to value, the older
# form of `env`): a literal credential there is an env value like any other.
deny contains finding if {
	some c in k8s.containers
	vars := c.value.envVars
	is_object(vars)
	some name, value in vars
	is_string(value)
	why := reportable(credentials.reasons(name, value))
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s sets env var %q (envVars) to a literal value that %s", [k8s.container_label(c), name, wording(why)]),
			"path": array.concat(c.path, ["envVars", name]),
		},
		credentials.password_part(value),
	)
}

# `args: ["--secret-token=...", "--db-password", "..."]`, `command: [sh, -c, "app --api-key=..."]`,
# `[sh, -c, "PGPASSWORD=... pg_dump ..."]`: a credential passed on the container's command line (the Kubernetes reading of CFG-016's
# Compose command lines, with the same option grammar, lib command_line). The finding is on the
# string holding the value (the list item), which outputs mask.
deny contains finding if {
	some c in k8s.containers
	some where in _command_lines
	line := object.get(c.value, where, null)
	is_array(line)
	some option in command_line.settings(command_line.tokens(array.concat(c.path, where), line))
	why := reportable(credentials.reasons(command_line.credential_key(option.name), option.value))
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s %s on its command line that %s", [k8s.container_label(c), command_line.setting_phrase(option, "a literal value"), wording(why)]),
			"path": option.path,
		},
		command_line.value_part(object.get(input, option.path, ""), option),
	)
}

# `args: [-H, "Authorization: Bearer …"]`, `sh -c "curl -H 'X-API-Key: …' …"`: a header that a
# program the container runs sends (curl's and wget's `-H`/`--header`), read as a probe's
# headers are below. The finding is on the string holding the value.
deny contains finding if {
	some c in k8s.containers
	some where in _command_lines
	line := object.get(c.value, where, null)
	is_array(line)
	command_line.may_send_header(line)
	some h in command_line.headers(command_line.tokens(array.concat(c.path, where), line))
	why := reportable(credentials.header_reasons(h.name, h.value))
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s sends a literal credential in the %s header on its command line (%s)", [k8s.container_label(c), h.name, h.flag]),
			"path": h.path,
		},
		command_line.value_part(object.get(input, h.path, ""), h),
	)
}

# `httpHeaders: [{name: Authorization, value: "Basic dXNlcjpwYXNz"}]` in a probe or a lifecycle
# hook: the kubelet sends the header as written (it expands no `$(VAR)` there), so a literal
# credential in it is in the manifest like an env value.
deny contains finding if {
	some c in k8s.containers
	some where in _http_actions
	headers := object.get(c.value, array.concat(where, ["httpGet", "httpHeaders"]), [])
	is_array(headers)
	some i, h in headers
	is_string(h.name)
	is_string(h.value)
	why := reportable(credentials.header_reasons(h.name, h.value))
	count(why) > 0
	finding := {
		"msg": sprintf("%s sends a literal credential in the %s header of its %s", [k8s.container_label(c), h.name, concat(".", where)]),
		"path": array.concat(c.path, array.concat(where, ["httpGet", "httpHeaders", i, "value"])),
	}
}

# Spark operator: a SparkApplication's `sparkConf` and `hadoopConf` (a ScheduledSparkApplication's
# under its template) become spark-submit `--conf` pairs that every driver and executor reads
# (`spark.hadoop.fs.s3a.secret.key`, `fs.azure.account.key.<account>`): a literal credential
# there is in the manifest as an env value is.
deny contains finding if {
	startswith(input.apiVersion, "sparkoperator.k8s.io/")
	some base in _spark_conf_bases[input.kind]
	some map in ["sparkConf", "hadoopConf"]
	conf := object.get(input, array.concat(base, [map]), null)
	is_object(conf)
	some key, value in conf
	is_string(value)
	why := reportable(credentials.reasons(key, value))
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s sets the Spark property %q in %s to a literal value that %s", [k8s.object_label, key, map, wording(why)]),
			"path": array.concat(base, [map, key]),
		},
		credentials.password_part(value),
	)
}

# KubeRay: a group's `rayStartParams` become `ray start --name=value` flags of its Ray
# container (`redis-password: "5241590000000000"`).
deny contains finding if {
	some flags in k8s.custom_template_flags_of(input)
	some key, value in flags.value
	is_string(value)
	why := reportable(credentials.reasons(key, value))
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s, %s passes %q to ray start as a literal value that %s (rayStartParams)", [k8s.object_label, flags.label, key, wording(why)]),
			"path": array.concat(flags.path, [key]),
		},
		credentials.password_part(value),
	)
}

_spark_conf_bases := {"SparkApplication": [["spec"]], "ScheduledSparkApplication": [["spec", "template"]]}

# The command lines of a container: what it runs, and what its probes and lifecycle hooks run
# (`exec.command`, where `mysqladmin ping -p…` checks a database).
_command_lines := [
	["command"],
	["args"],
	["livenessProbe", "exec", "command"],
	["readinessProbe", "exec", "command"],
	["startupProbe", "exec", "command"],
	["lifecycle", "postStart", "exec", "command"],
	["lifecycle", "preStop", "exec", "command"],
]

_http_actions := [
	["livenessProbe"],
	["readinessProbe"],
	["startupProbe"],
	["lifecycle", "postStart"],
	["lifecycle", "preStop"],
]

# An AWS access key id names a key pair without being its secret half: not reported alone
# (K8S-036 reports it in a ConfigMap; every output masks it).
reportable(why) := {x | some x in why; x != "looks like an AWS access key id"}

named := "is named like a credential and holds a literal value"

wording(why) := "looks like a secret" if why == {named}

wording(why) := concat(" and ", sort(why)) if why != {named}
