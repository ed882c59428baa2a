# METADATA
# title: Monitoring must define critical thresholds for error rate and latency
# description: Flags monitoring configuration without critical alert thresholds for both the error rate and the latency (response time).
# custom:
#   id: CFG-010
#   name: missing-alert-thresholds
#   severity: low
#   input: config
#   kinds: [standard]
#   controls:
#     nist-800-53: [SI-4]
#     nist-csf-2.0: [DE.CM-01]
#     soc2: [CC7.2]
#     zero-trust: [ZT-7]
#   rationale: >-
#     Error rate and latency are the first signals of an attack or an outage (credential
#     stuffing, resource exhaustion, a failing dependency). Without critical thresholds on both,
#     monitoring collects data that nobody is alerted on (SI-4, DE.CM-01).
#   remediation: >-
#     Add `alerting_thresholds.critical` with an error-rate and a latency threshold, e.g.
#     `error_rate: "> 5%"` and `response_time: "> 5 seconds"`.
#   related:
#     - https://sre.google/sre-book/monitoring-distributed-systems/
package runeguard.config.missing_alert_thresholds

import data.runeguard.lib.config
import rego.v1

monitoring_keys := {"performance_monitoring", "monitoring", "observability", "alerting"}

signals := {
	"error rate": `(^|_)(error|errors|error_rate|error_percentage|error_ratio|failure_rate|failures|5xx|http_5xx)(_|$)`,
	"latency": `(^|_)(latency|response_time|response_times|duration|p50|p90|p95|p99|p999)(_|$)`,
}

blocks contains top if {
	some top, v in input
	monitoring_keys[top]
	is_object(v)
}

# Threshold blocks of a monitoring block: alerting_thresholds, alert_thresholds, thresholds, alerts.
threshold_blocks(top) := [{"value": v, "path": array.concat([top], p)} |
	walk(input[top], [p, v])
	count(p) > 0
	is_string(p[count(p) - 1])
	regex.match(`^(alerting_thresholds|alert_thresholds|thresholds|alerts|alerting)$`, config.norm_key(p[count(p) - 1]))
	is_object(v)
]

deny contains finding if {
	some top in blocks
	count(threshold_blocks(top)) == 0
	finding := {
		"msg": sprintf("%s defines no alert thresholds: no critical threshold for error rate or latency", [top]),
		"path": [top],
	}
}

deny contains finding if {
	some top in blocks
	some t in threshold_blocks(top)
	not "critical" in object.keys(t.value)
	finding := {
		"msg": sprintf("%s has no critical thresholds for error rate and latency", [config.dotted(t.path)]),
		"path": array.concat(t.path, ["critical"]),
	}
}

deny contains finding if {
	some top in blocks
	some t in threshold_blocks(top)
	critical := t.value.critical
	lacks := [name |
		some name in ["error rate", "latency"]
		not has_signal(critical, signals[name])
	]
	count(lacks) > 0
	finding := {
		"msg": sprintf("%s.critical has no threshold for %s", [config.dotted(t.path), concat(" or ", lacks)]),
		"path": array.concat(t.path, ["critical"]),
	}
}

has_signal(critical, pattern) if {
	some k, v in critical
	regex.match(pattern, config.norm_key(k))
	v != null
}
