# METADATA
# title: DestinationRules should eject failing endpoints
# description: >-
#   Flags DestinationRules that set no `outlierDetection` at any level (host-wide, port-level
#   or subset), so failing endpoints are never ejected from load balancing.
# custom:
#   id: IST-005
#   name: missing-outlier-detection
#   severity: low
#   input: kubernetes
#   kinds: [DestinationRule]
#   controls:
#     nist-800-53: [SC-5]
#     nist-csf-2.0: [PR.IR-03]
#     soc2: [A1.2]
#   rationale: >-
#     Outlier detection is Istio's circuit breaker: without it a crashed or overloaded replica
#     keeps its share of requests, and failures cascade to the callers instead of being
#     contained (SC-5 denial-of-service protection; CSF PR.IR-03 resilience; SOC 2 A1.2
#     availability). A DestinationRule is where it belongs, beside the host's other traffic
#     policy.
#   remediation: >-
#     Add `trafficPolicy.outlierDetection` (for example `consecutive5xxErrors: 5`,
#     `interval: 10s`, `baseEjectionTime: 30s`, `maxEjectionPercent: 50`).
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
#     - https://istio.io/latest/docs/tasks/traffic-management/circuit-breaking/
package runeguard.istio.missing_outlier_detection

import data.runeguard.lib.istio
import rego.v1

has_outlier_detection if {
	some tp in istio.traffic_policies(input)
	is_object(tp.value.outlierDetection)
}

# A `circuitBreaker` key looks like circuit breaking but is not a DestinationRule field.
hint := " (`circuitBreaker` is not a DestinationRule field: Istio ignores it)" if any_circuit_breaker

hint := "" if not any_circuit_breaker

any_circuit_breaker if {
	some tp in istio.traffic_policies(input)
	is_object(tp.value.circuitBreaker)
}

host := h if {
	h := istio.spec(input).host
	is_string(h)
}

host := "<no host>" if not is_string(istio.spec(input).host)

path := ["spec", "trafficPolicy"] if is_object(input.spec.trafficPolicy)

path := ["spec"] if not is_object(input.spec.trafficPolicy)

deny contains finding if {
	istio.is_kind(input, "DestinationRule")
	not has_outlier_detection
	finding := {
		"msg": sprintf("%s sets no outlierDetection for host %q: failing endpoints are never ejected%s", [istio.label(input), host, hint]),
		"path": path,
	}
}
