# METADATA
# title: Objects must not use removed or deprecated API versions
# description: >-
#   Flags objects whose apiVersion, for their kind, is no longer served by current Kubernetes
#   releases (or is deprecated), from the table in
#   `data.settings.kubernetes.removed_api_versions`.
# custom:
#   id: K8S-040
#   name: deprecated-api-version
#   severity: medium
#   input: kubernetes
#   controls:
#     nist-800-53: [SI-2, CM-2]
#     nist-csf-2.0: [PR.PS-02]
#     soc2: [CC8.1]
#   rationale: >-
#     A manifest written against an API version the cluster no longer serves fails to apply
#     after an upgrade, so the upgrade that carries security fixes (SI-2) is postponed, or
#     the object silently keeps an old shape nobody can reproduce from the repository (CM-2
#     baseline). The table follows the Kubernetes deprecated API migration guide; the whole
#     group version counts where it was removed entirely (e.g. `extensions/v1beta1`), the
#     listed kinds only where newer kinds still use it (e.g. `networking.k8s.io/v1beta1`).
#   remediation: >-
#     Move the object to the replacement API version named in the message (`kubectl convert`
#     helps) and review the changed defaults listed in the migration guide.
#   related:
#     - https://kubernetes.io/docs/reference/using-api/deprecation-guide/
package runeguard.kubernetes.deprecated_api_version

import data.runeguard.lib.k8s
import rego.v1

table := data.settings.kubernetes.removed_api_versions

entry := e if {
	is_string(input.apiVersion)
	is_string(input.kind)
	e := table[input.apiVersion][input.kind]
}

entry := e if {
	is_string(input.apiVersion)
	is_string(input.kind)
	not table[input.apiVersion][input.kind]
	e := table[input.apiVersion]["*"]
}

status := sprintf("removed in Kubernetes %s", [entry.removed_in])

status := sprintf("deprecated since Kubernetes %s", [entry.deprecated_in]) if not entry.removed_in

advice := sprintf(": use %s", [entry.replacement]) if is_string(entry.replacement)

advice := "" if not is_string(entry.replacement)

deny contains finding if {
	entry
	finding := {
		"msg": sprintf("%s uses apiVersion %s, %s%s", [k8s.object_label, input.apiVersion, status, advice]),
		"path": ["apiVersion"],
	}
}
