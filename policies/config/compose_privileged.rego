# METADATA
# title: Compose services must not run privileged or share the host's namespaces
# description: Flags Compose services with privileged true, a dangerous capability in cap_add, pid host or network_mode host.
# custom:
#   id: CFG-012
#   name: compose-privileged
#   severity: critical
#   input: config
#   kinds: [compose]
#   controls:
#     nist-800-53: [AC-6, SC-7]
#     nist-csf-2.0: [PR.AA-05]
#     soc2: [CC6.1]
#   rationale: >-
#     A privileged container, or one with capabilities such as SYS_ADMIN, can take over the
#     host; sharing the host's PID namespace exposes every process on it, and the host network
#     removes the container's network boundary (AC-6 least privilege, SC-7 boundary protection).
#   remediation: >-
#     Remove `privileged: true`, `pid: host` and `network_mode: host`; drop capabilities with
#     `cap_drop: [ALL]` and add back only narrow ones the process needs.
#   related:
#     - https://docs.docker.com/reference/compose-file/services/
package runeguard.config.compose_privileged

import data.runeguard.lib.config
import rego.v1

dangerous := {upper(c) | some c in config.settings.dangerous_capabilities}

deny contains finding if {
	some s in config.services
	s.value.privileged == true
	finding := {
		"msg": sprintf("%s runs privileged", [config.service_label(s)]),
		"path": array.concat(s.path, ["privileged"]),
	}
}

deny contains finding if {
	some s in config.services
	some i, cap in s.value.cap_add
	is_string(cap)
	name := trim_prefix(upper(trim_space(cap)), "CAP_")
	dangerous[name]
	finding := {
		"msg": sprintf("%s adds the capability %s", [config.service_label(s), name]),
		"path": array.concat(s.path, ["cap_add", i]),
	}
}

deny contains finding if {
	some s in config.services
	lower(s.value.pid) == "host"
	finding := {
		"msg": sprintf("%s shares the host's PID namespace (pid: host)", [config.service_label(s)]),
		"path": array.concat(s.path, ["pid"]),
	}
}

deny contains finding if {
	some s in config.services
	lower(s.value.network_mode) == "host"
	finding := {
		"msg": sprintf("%s uses the host's network (network_mode: host)", [config.service_label(s)]),
		"path": array.concat(s.path, ["network_mode"]),
	}
}
