# METADATA
# title: Secrets must not be written into container environment variables
# description: >-
#   Flags env vars whose name looks like a credential (PASSWORD, TOKEN, SECRET, API_KEY,
#   PRIVATE_KEY, CREDENTIAL..., data.settings.kubernetes.secret_env_names) and that carry a
#   literal `value`. Names that describe a credential rather than hold one (`*_FILE`, `*_PATH`,
#   `*_URL`, `*_NAME`, `*_TTL`... in data.settings.kubernetes.secret_env_name_exceptions),
#   references (`$(OTHER_VAR)`, `${VAR}`), placeholders (`changeme`, `<secret>`, a value named
#   after the variable), paths, object names, numbers, empty values and booleans are not
#   flagged (the same reading of literals as K8S-035/036). Whatever the
#   name, a literal value shaped like a credential (a PEM private key, a GitHub, GitLab, Slack,
#   Google or Stripe token, a JWT, a URL with a password: lib k8s_credentials) is flagged too.
#   The value is never printed.
# custom:
#   id: K8S-017
#   name: hardcoded-secret-in-env
#   severity: high
#   input: kubernetes
#   secret: true
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   controls:
#     nist-800-53: [IA-5, SC-28]
#     nist-csf-2.0: [PR.AA-01, PR.DS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     A credential in a manifest is in the repository's history for good, in every clone and CI
#     log, and readable by anyone who can read the workload object (`get deployment` is granted
#     far more widely than `get secret`). It cannot be rotated without a commit.
#   remediation: >-
#     Move the value to a Secret (or an external secret store) and reference it with
#     `valueFrom.secretKeyRef`, or better mount it as a file; then rotate the exposed credential.
#   related:
#     - https://kubernetes.io/docs/concepts/configuration/secret/
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
package runeguard.kubernetes.hardcoded_secret_in_env

import data.runeguard.lib.k8s
import data.runeguard.lib.k8s_credentials as credentials
import rego.v1

deny contains finding if {
	some c in k8s.containers
	env := c.value.env
	is_array(env)
	some i, var in env
	is_string(var.name)
	literal(var.value)
	secret_name(var.name)
	not named_placeholder(var.name, var.value)
	finding := {
		"msg": sprintf("%s sets env var %q to a literal value that looks like a secret", [k8s.container_label(c), var.name]),
		"path": array.concat(c.path, ["env", i, "value"]),
	}
}

# A value shaped like a credential, under a name that does not say so.
deny contains finding if {
	some c in k8s.containers
	env := c.value.env
	is_array(env)
	some i, var in env
	is_string(var.name)
	not secret_name(var.name)
	is_string(var.value)
	reasons := shape_reasons(var.value)
	count(reasons) > 0
	finding := {
		"msg": sprintf("%s sets env var %q to a literal value that %s", [k8s.container_label(c), var.name, concat(" and ", sort(reasons))]),
		"path": array.concat(c.path, ["env", i, "value"]),
	}
}

# An AWS access key id names a key pair without being its secret half: not reported alone.
shape_reasons(v) := {r |
	some r in (credentials.pattern_reasons(v) | credentials.url_reasons(v)) | loose_pem(v)
	r != "looks like an AWS access key id"
}

# A private key block whose armour lost some dashes (`---BEGIN OPENSSH PRIVATE KEY---`) is still
# a private key.
loose_pem(v) := {"looks like a PEM private key" |
	contains(v, "PRIVATE KEY")
	regex.match(`-{3,}\s*BEGIN ([A-Z0-9]+ )*PRIVATE KEY`, v)
}

# `dbPassword`, `db-password` and `DB_PASSWORD` all read DB_PASSWORD.
words(name) := upper(regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `[^A-Za-z0-9]+`, "_"))

secret_name(name) if {
	w := words(name)
	some pattern in data.settings.kubernetes.secret_env_names
	regex.match(sprintf("(^|_)(%s)(_|$)", [pattern]), w)
	not exception(w)
}

# The shell's working directory variables.
exception(w) if w in {"PWD", "OLDPWD"}

exception(w) if {
	some suffix in data.settings.kubernetes.secret_env_name_exceptions
	regex.match(sprintf("(^|_)(%s)$", [suffix]), w)
}

# A value written in the manifest, as the other credential rules read it (lib k8s_credentials:
# not a reference, placeholder, path, plain URL, object name or number), or a multi-line text
# (a key or certificate block under a secret name).
literal(v) if credentials.literal(v)

literal(v) if {
	is_string(v)
	contains(trim_space(v), "\n")
}

# `GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`, `ETCD_TOKEN: INSERT_ETCD_TOKEN`: a placeholder named
# after the variable.
named_placeholder(name, v) if {
	is_string(v)
	not contains(v, "\n")
	contains(credentials.words(v), credentials.words(name))
}
