# METADATA
# title: Compose images must be pinned to a version
# description: >-
#   Flags Compose services that pull an image without a tag, with the latest tag or with
#   another tag that moves by convention, a branch (`main`, `develop`) or a release channel
#   (`stable`, `nightly`; `data.settings.kubernetes.mutable_image_tags`), alone or qualified by
#   a version line or a variant (`v1.28-latest`, `lts-alpine`), or a tag that names only a
#   base-image variant (`redis:alpine`, `python:slim-bookworm`;
#   `data.settings.kubernetes.base_variant_image_tags`), including such a tag as the
#   literal default of a reference (`app:${IMAGE_TAG:-latest}`). Services that build
#   their image are not flagged.
# custom:
#   id: CFG-015
#   name: compose-mutable-image
#   severity: low
#   input: config
#   kinds: [compose]
#   controls:
#     nist-800-53: [CM-2]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC8.1]
#   rationale: >-
#     An untagged or `latest` image changes under the same name: two `docker compose up` runs
#     start different software, so the baseline configuration is unknown (CM-2) and a
#     compromised or broken upstream release is pulled silently.
#   remediation: >-
#     Pin a version tag (`postgres:16.4`), or better a digest (`postgres:16.4@sha256:...`).
#   related:
#     - https://docs.docker.com/reference/compose-file/services/#image
package runeguard.config.compose_mutable_image

import data.runeguard.lib.config
import data.runeguard.lib.k8s
import rego.v1

# The part after the last "/": "postgres:16", "app", "app:latest".
last_segment(image) := parts[count(parts) - 1] if parts := split(image, "/")

problem(image) := "has no tag, so it means latest" if {
	not contains(image, "@")
	not contains(last_segment(image), ":")
}

problem(image) := sprintf("uses the mutable tag %s", [tag]) if {
	not contains(image, "@")
	parts := split(last_segment(image), ":")
	count(parts) > 1
	tag := parts[count(parts) - 1]
	k8s.moving_tag(lower(tag))
}

deny contains finding if {
	some s in config.services
	image := s.value.image
	is_string(image)
	trim_space(image) != ""
	not "build" in object.keys(s.value)
	# An image or tag given by a variable cannot be judged.
	not contains(last_segment(image), "$")
	why := problem(trim_space(image))
	finding := {
		"msg": sprintf("%s image %q %s", [config.service_label(s), image, why]),
		"path": array.concat(s.path, ["image"]),
	}
}

# `registry/app:${IMAGE_TAG:-latest}`: a tag given by a reference with a literal default pulls
# that default whenever the variable is unset (wild15), so the default is judged. `${TAG}`,
# `${TAG:-}` and `${TAG:?msg}` stay unjudged.
deny contains finding if {
	some s in config.services
	image := s.value.image
	is_string(image)
	not "build" in object.keys(s.value)
	m := regex.find_all_string_submatch_n(`:\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^${}:@]+)\}$`, last_segment(trim_space(image)), 1)
	count(m) == 1
	tag := m[0][2]
	k8s.moving_tag(lower(tag))
	finding := {
		"msg": sprintf("%s image %q uses the mutable tag %s when %s is unset (the default of its reference)", [config.service_label(s), image, tag, m[0][1]]),
		"path": array.concat(s.path, ["image"]),
	}
}
