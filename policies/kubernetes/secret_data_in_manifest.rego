# METADATA
# title: Secret values must not be committed in manifests
# description: >-
#   Flags Secret objects whose data or stringData hold secret values in the repository. Values
#   are never printed. Not reported: empty values and placeholders (`${VAR}`, `{{ ... }}`,
#   `$(VAR)`, and values written only to be replaced, such as `changeme`,
#   `CHANGE_ME_USE_A_RANDOM_SECRET`, `your-api-key-here`, `replace-me`, `xxxxxxxx`; see
#   `data.settings.kubernetes.secret_placeholder_pattern`; a weak word such as `test` stays
#   reported), SOPS-encrypted files, public parts (`ca.crt`, `tls.crt`; see
#   `data.settings.kubernetes.public_secret_keys`), booleans, values whose name says what they
#   are not (`url`, `type`, `name`, `project`, `cert`, an admin account's name such as
#   Keycloak's `KEYCLOAK_ADMIN`, unless it carries a password or a private key), one-word values of settings named like a format, mode, level or priority
#   (`SLACK_OUTPUTFORMAT` set to `all`, an index named `falco`) and embedded configuration files that hold no credential.
# custom:
#   id: K8S-035
#   name: secret-data-in-manifest
#   severity: high
#   input: kubernetes
#   secret: true
#   kinds: [Secret]
#   controls:
#     nist-800-53: [IA-5, SC-28]
#     nist-csf-2.0: [PR.DS-01]
#     soc2: [CC6.1]
#   rationale: >-
#     `data` is only base64, not encryption: a Secret committed with its values gives the
#     credential to everyone who can read the repository, its forks, CI logs and backups,
#     forever (history keeps it after removal). Authenticators must be protected at rest
#     (SC-28) and managed so they can be rotated (IA-5).
#   remediation: >-
#     Remove the values from the repository and rotate them; create the Secret from a secret
#     manager (External Secrets Operator, Vault, CSI secrets store) or commit it encrypted
#     (SealedSecret, SOPS).
#   related:
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
package runeguard.kubernetes.secret_data_in_manifest

import data.runeguard.lib.k8s
import data.runeguard.lib.k8s_credentials as cred
import rego.v1

# A SOPS-encrypted file carries its metadata in a top-level `sops` key.
sops_encrypted if is_object(input.sops)

public_key(key) if key in {k | some k in data.settings.kubernetes.public_secret_keys}

# What the value says: stringData as written, data decoded from base64 when it is valid.
text("stringData", v) := v

text("data", v) := base64.decode(v) if base64.is_valid(v)

text("data", v) := v if not base64.is_valid(v)

placeholder(s) if regex.match(`^\$\{[^}]*\}$`, s)

placeholder(s) if regex.match(`^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$`, s)

placeholder(s) if regex.match(`^\{\{.*\}\}$`, s)

placeholder(s) if regex.match(`^<[^<>]*>$`, s)

# Documentation's "...base64 encoded data...".
placeholder(s) if startswith(s, "...")

# SOPS leaves each value as ENC[AES256_GCM,data:...].
placeholder(s) if startswith(s, "ENC[")

# A value written to be filled in (`CHANGE_ME_USE_A_RANDOM_32_BYTE_SECRET`, `your-api-key-here`,
# `replace-me`, `xxxxxxxx`): a `secret-example.yaml` to copy and fill in.
placeholder(s) if cred.placeholder(s)

# A committed value that is a secret. An embedded file (several lines) counts when it holds a
# credential: a Secret often carries a whole configuration file of which nothing is secret.
# A single value counts unless it is a boolean, or its name says what it is not (`url`,
# `type`, `name`, `project`...) and it carries no password.
secret_value(key, text) if {
	contains(text, "\n")
	count(cred.value_reasons(text)) > 0
}

secret_value(key, text) if {
	not contains(text, "\n")
	not cred.boolean_text(text)
	not benign(key, text)
}

benign(key, text) if {
	cred.non_secret_name(key)
	not cred.url_password(text)
	not contains(text, "PRIVATE KEY")
}

# A setting that picks one of a few words (falcosidekick's `SLACK_OUTPUTFORMAT: all`,
# `ALERTMANAGER_MINIMUMPRIORITY: debug`, `LOGLEVEL: info`): its name ends with a word such as
# FORMAT, MODE, LEVEL, PRIORITY or INDEX, even joined to the words before it
# (data.settings.kubernetes.enumerated_key_suffixes), it names no credential, and its value is
# one short word of letters. A random-looking value under such a name is still reported.
benign(key, text) if {
	not cred.secret_name(key)
	parts := split(cred.words(key), "_")
	last := parts[count(parts) - 1]
	some suffix in data.settings.kubernetes.enumerated_key_suffixes
	endswith(last, suffix)
	regex.match(`^[A-Za-z]{1,16}(?:[_-][A-Za-z]{1,16})?$`, text)
}

keys(section) := sort([key |
	v := input[section][key]
	not public_key(key)
	is_string(v)
	s := trim_space(text(section, v))
	s != ""
	not placeholder(s)
	secret_value(key, s)
])

# Where the finding points: the first key whose name says it holds a credential, else the
# first key. Keys sort by name, so a Secret of a database chart (`POSTGRES_DB: appdb` beside
# `POSTGRES_PASSWORD`) pointed at the database name, and through Helm at its values line.
anchor(names) := named[0] if {
	named := [k | some k in names; cred.secret_name(k)]
	count(named) > 0
} else := names[0]

deny contains finding if {
	not sops_encrypted
	some section in ["data", "stringData"]
	is_object(input[section])
	names := keys(section)
	count(names) > 0
	key := anchor(names)
	finding := object.union(
		{
			"msg": sprintf("%s has %d value(s) committed in %s (%s): values are readable by anyone with the repository", [k8s.object_label, count(names), section, concat(", ", names)]),
			"path": [section, key],
		},
		part(section, input[section][key]),
	)
}

# An embedded file written as it is (stringData, or `data` that is not base64): where its
# first credential setting is, so a chart printing it from values points at that setting's
# values line. Base64's characters say nothing of where the decoded text's are.
part("stringData", v) := cred.embedded_part(v)

part("data", v) := cred.embedded_part(v) if not base64.is_valid(v)

part("data", v) := {} if base64.is_valid(v)
