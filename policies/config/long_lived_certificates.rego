# METADATA
# title: Service certificates must be short-lived and rotated automatically
# description: Flags certificate lifetimes over the limit (30 days by default), certificate configuration without automatic rotation, and rotation periods that are not shorter than the lifetime.
# custom:
#   id: CFG-003
#   name: long-lived-certificates
#   severity: medium
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [SC-12, SC-17]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A stolen workload certificate is valid until it expires: short lifetimes bound the damage,
#     and only automatic rotation makes short lifetimes workable (SC-12 key management, SC-17
#     PKI certificates). A rotation period as long as the lifetime lets certificates expire in
#     service.
#   remediation: >-
#     Keep `certificate_lifetime` at or under the limit (`data.settings.config.max_certificate_lifetime_days`,
#     30 by default), set `auto_rotation: true`, and rotate well before expiry (e.g. every half lifetime).
#   related:
#     - https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final
package runeguard.config.long_lived_certificates

import data.runeguard.lib.config
import rego.v1

max_seconds := config.settings.max_certificate_lifetime_days * config.day

lifetime_keys := {k | some k in config.settings.certificate_lifetime_keys}

rotation_keys := {k | some k in config.settings.rotation_keys}

auto_rotation_keys := {"auto_rotation", "automatic_rotation", "auto_rotate", "auto_renewal", "auto_renew", "automatic_renewal"}

# Certificate lifetimes anywhere in the document: {"key", "value", "path", "seconds"?}.
lifetimes contains e if {
	some e in config.entries
	lifetime_keys[config.base_key(e.key)]
	not is_object(e.value)
	not is_array(e.value)
}

seconds(e) := config.duration_of(e.key, e.value)

deny contains finding if {
	some e in lifetimes
	s := seconds(e)
	s > max_seconds
	finding := {
		"msg": sprintf("%s %s is longer than the %d-day limit", [e.key, config.show(e.value), config.settings.max_certificate_lifetime_days]),
		"path": e.path,
	}
}

deny contains finding if {
	some e in lifetimes
	not seconds(e)
	finding := {
		"msg": sprintf("%s %s is not a duration runeguard can read; write it like \"30 days\" or \"720h\"", [e.key, config.show(e.value)]),
		"path": e.path,
	}
}

# Automatic rotation: judged per top-level block that configures certificate lifetimes.
blocks contains top if {
	some e in lifetimes
	top := e.path[0]
}

auto_rotation_settings(top) := [e |
	some e in config.entries
	e.path[0] == top
	auto_rotation_keys[config.norm_key(e.key)]
]

deny contains finding if {
	some top in blocks
	count(auto_rotation_settings(top)) == 0
	some e in lifetimes
	e.path[0] == top
	finding := {
		"msg": sprintf("%s sets a certificate lifetime but no auto_rotation: true", [top]),
		"path": array.concat(array.slice(e.path, 0, count(e.path) - 1), ["auto_rotation"]),
	}
}

deny contains finding if {
	some top in blocks
	some e in auto_rotation_settings(top)
	e.value != true
	finding := {
		"msg": sprintf("%s: %s is %s, not true, so certificates are not rotated automatically", [top, e.key, config.show(e.value)]),
		"path": e.path,
	}
}

# Rotation must come before expiry: the period is compared with the lifetime set beside it,
# or else with the shortest lifetime of the block.
lifetime_for(rotation) := min(beside) if {
	parent := array.slice(rotation.path, 0, count(rotation.path) - 1)
	beside := [s | some e in lifetimes; array.slice(e.path, 0, count(e.path) - 1) == parent; s := seconds(e)]
	count(beside) > 0
} else := min(known) if {
	known := [s | some e in lifetimes; e.path[0] == rotation.path[0]; s := seconds(e)]
	count(known) > 0
}

rotations contains e if {
	some e in config.entries
	rotation_keys[config.base_key(e.key)]
	not is_object(e.value)
	not is_array(e.value)
	blocks[e.path[0]]
}

deny contains finding if {
	some e in rotations
	r := config.duration_of(e.key, e.value)
	life := lifetime_for(e)
	r >= life
	finding := {
		"msg": sprintf("%s %s is not shorter than the certificate lifetime (%s): certificates expire before they are rotated", [e.key, config.show(e.value), config.describe_seconds(life)]),
		"path": e.path,
	}
}

deny contains finding if {
	some e in rotations
	not config.duration_of(e.key, e.value)
	finding := {
		"msg": sprintf("%s %s is not a duration runeguard can read; write it like \"every 15 days\"", [e.key, config.show(e.value)]),
		"path": e.path,
	}
}
