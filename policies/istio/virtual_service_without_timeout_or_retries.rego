# METADATA
# title: HTTP routes should set a timeout and a retry policy
# description: >-
#   Flags VirtualService HTTP routes that forward to a destination with no `timeout` or no
#   `retries`. Routes that only redirect, answer directly or delegate are left alone.
# custom:
#   id: IST-012
#   name: virtual-service-without-timeout-or-retries
#   severity: low
#   input: kubernetes
#   kinds: [VirtualService]
#   controls:
#     nist-800-53: [SC-5]
#     nist-csf-2.0: [PR.IR-03]
#     soc2: [A1.2]
#   rationale: >-
#     Istio sets no request timeout on HTTP routes by default, so one slow dependency holds
#     connections and threads of every caller until they fail too; an explicit, reviewed retry
#     policy (attempts, perTryTimeout, retryOn) keeps retries from multiplying load during an
#     incident (SC-5 denial-of-service protection; CSF PR.IR-03 resilience; SOC 2 A1.2). The
#     architecture standard requires timeout and retry policies for every service.
#   remediation: >-
#     Set `timeout` (e.g. `5s`) and `retries` (`attempts`, `perTryTimeout`, `retryOn`) on each
#     HTTP route; `retries: {attempts: 0}` records a deliberate choice of no retries.
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute
#     - https://istio.io/latest/docs/concepts/traffic-management/#timeouts
package runeguard.istio.virtual_service_without_timeout_or_retries

import data.runeguard.lib.istio
import rego.v1

# Routes that do not forward to an upstream need neither.
no_upstream(route) if is_object(route.redirect)

no_upstream(route) if is_object(route.directResponse)

no_upstream(route) if is_object(route.delegate)

missing(route) := [field | some field in ["timeout", "retries"]; not has(route, field)]

has(route, field) if {
	v := route[field]
	v != null
}

what(["timeout", "retries"]) := "no timeout and no retries"

what(["timeout"]) := "no timeout"

what(["retries"]) := "no retries"

route_name(_, route) := sprintf("%q", [route.name]) if is_string(route.name)

route_name(i, route) := sprintf("%d", [i]) if not is_string(route.name)

deny contains finding if {
	istio.is_kind(input, "VirtualService")
	some i, route in istio.items(istio.spec(input), "http")
	is_object(route)
	not no_upstream(route)
	gaps := missing(route)
	count(gaps) > 0
	finding := {
		"msg": sprintf("%s, HTTP route %s has %s", [istio.label(input), route_name(i, route), what(gaps)]),
		"path": ["spec", "http", i],
	}
}
