# METADATA
# title: Compose environment variables must not hold literal secrets
# description: Flags Compose environment variables named like secrets (PASSWORD, TOKEN, SECRET, API_KEY...) with a literal value, or with a reference whose default is one (`${DB_PASSWORD:-secret}`); the value is never printed. In an example Compose file (`docker-compose.example.yml`, `compose.yaml.dist`, data.settings.credentials.example_file_words) a value made only of slot words (`password`, `root_password`, `postgres://user:pass@db/app`) is a placeholder and not reported, while `postgres`, `admin` or a token there still is.
# custom:
#   id: CFG-013
#   name: compose-secret-in-environment
#   severity: high
#   input: config
#   secret: true
#   kinds: [compose]
#   controls:
#     nist-800-53: [IA-5]
#     nist-csf-2.0: [PR.AA-01]
#     soc2: [CC6.1]
#   rationale: >-
#     A secret written into a Compose file is in version control, in every clone and in
#     `docker inspect` output; it cannot be rotated without a commit (IA-5 authenticator
#     management).
#   remediation: >-
#     Interpolate it from the environment (`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}`), or use
#     Compose `secrets:` with the image's `*_FILE` convention (`POSTGRES_PASSWORD_FILE:
#     /run/secrets/db_password`).
#   related:
#     - https://docs.docker.com/compose/how-tos/use-secrets/
package runeguard.config.compose_secret_in_environment

import data.runeguard.lib.config
import rego.v1

deny contains finding if {
	some s in config.services
	some e in config.environment(s)
	e.has_value
	config.plaintext_secret(e.name, e.value)
	finding := {
		"msg": sprintf("%s sets the secret-looking environment variable %s to a literal value%s", [config.service_label(s), e.name, config.default_note(e.value)]),
		"path": e.path,
	}
}
