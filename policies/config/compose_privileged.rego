# METADATA
# title: Compose services must not run privileged or share the host's namespaces
# description: Flags Compose services with privileged true, a dangerous capability in cap_add, pid host or network_mode host, and services that bind-mount a container runtime's socket (the Docker, containerd, CRI-O or Podman socket of data.settings.config.container_runtime_sockets, in the short or the long volume syntax, a `${VAR:-default}` source read as its default), which gives the service the host as root whatever the mount's mode, since `:ro` does not limit calls to the API.
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
#     The runtime's socket is the same as privileged: whoever can call it starts a privileged
#     container with the host's root filesystem mounted.
#   remediation: >-
#     Remove `privileged: true`, `pid: host` and `network_mode: host`; drop capabilities with
#     `cap_drop: [ALL]` and add back only narrow ones the process needs. For a service that
#     must watch containers (a reverse proxy's discovery, a log shipper), mount a socket proxy
#     that allows only the read calls it needs instead of the runtime's socket.
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

# `volumes: ["/var/run/docker.sock:/var/run/docker.sock:ro"]` or `{type: bind, source:
# /var/run/docker.sock, …}`: the container runtime's socket, root on the host.
deny contains finding if {
	some s in config.services
	some i, volume in s.value.volumes
	source := _bind_source(volume)
	some socket in config.settings.container_runtime_sockets
	_same_path(source, socket.path)
	finding := {
		"msg": sprintf("%s mounts %s (%s%s)", [config.service_label(s), socket.path, socket.reason, _read_only_note(volume)]),
		"path": array.concat(s.path, ["volumes", i]),
	}
}

# The host side of a short-syntax volume (`SRC:DST[:MODE]`), a `${VAR:-default}` source read
# as its default (its own `:` is no separator).
_bind_source(v) := _source_default(substring(v, 2, indexof(v, "}") - 2)) if {
	is_string(v)
	startswith(v, "${")
	indexof(v, "}") > 2
}

_bind_source(v) := split(v, ":")[0] if {
	is_string(v)
	not startswith(v, "${")
	contains(v, ":")
}

_bind_source(v) := v.source if {
	is_object(v)
	object.get(v, "type", "bind") == "bind"
	is_string(v.source)
}

# `VAR:-default` or `VAR-default`: the default; a bare `VAR` has none.
_source_default(inner) := substring(inner, indexof(inner, ":-") + 2, -1) if indexof(inner, ":-") > 0

_source_default(inner) := substring(inner, indexof(inner, "-") + 1, -1) if {
	indexof(inner, ":-") < 0
	indexof(inner, "-") > 0
}

_same_path(a, b) if trim_right(a, "/") == b

_read_only_note(v) := "; mounted read-only, its API still answers every call" if _read_only(v)

_read_only_note(v) := "" if not _read_only(v)

_read_only(v) if {
	is_string(v)
	some mode in split(split(v, ":")[count(split(v, ":")) - 1], ",")
	mode == "ro"
}

_read_only(v) if v.read_only == true
