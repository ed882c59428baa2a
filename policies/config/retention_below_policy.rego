# METADATA
# title: Audit and event retention must meet the policy
# description: Flags audit, log and event retention periods shorter than required (7 years by default), and retention values that cannot be read as a duration.
# custom:
#   id: CFG-008
#   name: retention-below-policy
#   severity: medium
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [AU-11]
#     nist-csf-2.0: [PR.PS-04]
#     soc2: [CC7.2]
#   rationale: >-
#     Audit records must be kept as long as the organisation's retention policy and regulators
#     require (AU-11) so that incidents discovered late can still be investigated. A retention
#     that cannot be read as a duration cannot be shown to comply either.
#   remediation: >-
#     Set the retention to at least the required period (`data.settings.config.min_audit_retention_years`,
#     7 by default), written as a duration such as "7 years".
#   related:
#     - https://csrc.nist.gov/pubs/sp/800/92/r1/ipd
package runeguard.config.retention_below_policy

import data.runeguard.lib.config
import rego.v1

required_years := config.settings.min_audit_retention_years

required_seconds := required_years * config.year

# Retention settings in an audit, log or event context: the key itself or a key on its path
# says so (event_sourcing.event_store.retention, audit_log_retention, security_events.retention).
retentions contains e if {
	some e in config.entries
	regex.match(`(^|_)retention($|_)`, config.norm_key(e.key))
	not is_object(e.value)
	not is_array(e.value)
	e.value != null
	audit_context(e.path)
}

audit_context(path) if {
	words := concat(" ", [config.key_words(k) | some k in path; is_string(k)])
	regex.match(`\b(audit|audits|auditing|event|events|log|logs|logging|security|compliance|trail|journal)\b`, words)
}

deny contains finding if {
	some e in retentions
	s := config.duration_of(e.key, e.value)
	s < required_seconds
	finding := {
		"msg": sprintf("%s %s is shorter than the required %v years", [config.dotted(e.path), config.show(e.value), required_years]),
		"path": e.path,
	}
}

deny contains finding if {
	some e in retentions
	not config.duration_of(e.key, e.value)
	finding := {
		"msg": sprintf("%s %s is not a duration runeguard can read, so it cannot be checked against the required %v years; write it like \"7 years\"", [config.dotted(e.path), config.show(e.value), required_years]),
		"path": e.path,
	}
}
