# METADATA
# title: ConfigMaps must not hold credentials
# description: >-
#   Flags ConfigMap keys that hold a credential: a key named like a secret with a literal
#   value, a value that has the shape of a credential (private key, cloud or API token, JWT,
#   URL with a password), an embedded configuration file that sets a secret-named setting
#   to a literal, or a user list of `"user" "password"` lines (pgbouncer's `auth_file`).
#   Values are never printed.
# custom:
#   id: K8S-036
#   name: secret-like-configmap-value
#   severity: medium
#   input: kubernetes
#   secret: true
#   kinds: [ConfigMap]
#   controls:
#     nist-800-53: [IA-5, SC-28]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     ConfigMaps are meant for non-confidential data: they are readable by every role that
#     can view a namespace (the built-in `view` role included), printed by `kubectl describe`,
#     never encrypted at rest and committed to the repository. A credential there is exposed
#     to all of them (SC-28) and cannot be rotated as a Secret can (IA-5). Names are matched
#     with `data.settings.kubernetes.secret_env_names` (the same words as K8S-017), and only
#     when the name ends with the secret word, so `TOKEN_TTL` or `password_file` are not
#     reported; `${VAR}`, `$(VAR)`, `{{ ... }}`, `<placeholder>`, paths and URLs without
#     credentials are not literals.
#   remediation: >-
#     Move the value to a Secret (created from a secret manager, not committed) and reference
#     it with `secretKeyRef` or a mounted file; in embedded configuration files, read the
#     value from an environment variable or a file (`${DB_PASSWORD}`, `password_file`).
#   related:
#     - https://kubernetes.io/docs/concepts/configuration/configmap/
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
package runeguard.kubernetes.secret_like_configmap_value

import data.runeguard.lib.credentials
import data.runeguard.lib.k8s
import data.runeguard.lib.k8s_credentials as cred
import rego.v1

# The credential detector's reasons (shape, literal under a credential name, high entropy),
# and secret-named settings of an embedded configuration file.
reasons(key, v) := credentials.reasons(key, v) | cred.embedded_reasons(v)

deny contains finding if {
	v := input.data[key]
	is_string(v)
	why := reasons(key, v)
	count(why) > 0
	finding := object.union(
		{
			"msg": sprintf("%s key %q %s: credentials belong in a Secret", [k8s.object_label, key, concat("; ", sort([r | some r in why]))]),
			"path": ["data", key],
		},
		part(v),
	)
}

# Where the finding points inside the value: a URL's or connection string's password, else
# the first credential setting of an embedded file.
part(v) := p if {
	p := credentials.password_part(v)
	count(p) > 0
} else := cred.embedded_part(v)
