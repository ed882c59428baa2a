# METADATA
# title: Istio resources must not use deprecated or removed fields
# description: >-
#   Flags Istio fields and kinds that are deprecated or gone: `outlierDetection.consecutiveErrors`,
#   a `circuitBreaker` block in a DestinationRule, VirtualService `fault.delay.percent`,
#   `mirrorPercent`, `corsPolicy.allowOrigin`, the old header-manipulation fields and
#   `websocketUpgrade`, Sidecar `outboundTrafficPolicy.egressProxy`, EnvoyFilter `workloadLabels`
#   and `filters`, the removed `rbac.istio.io` and `authentication.istio.io` kinds, and the
#   removed `config.istio.io` group (Mixer's rules, handlers, instances and adapters, and the
#   pre-1.0 RouteRule, DestinationPolicy and EgressRule).
# custom:
#   id: IST-006
#   name: deprecated-istio-field
#   severity: low
#   input: kubernetes
#   kinds: [DestinationRule, VirtualService, Sidecar, EnvoyFilter, ServiceRole, ServiceRoleBinding, RbacConfig, ClusterRbacConfig, Policy, MeshPolicy, RouteRule, DestinationPolicy, EgressRule, rule, handler, instance, template, adapter, attributemanifest, HTTPAPISpec, HTTPAPISpecBinding, QuotaSpec, QuotaSpecBinding, metric, prometheus, logentry, stdio, fluentd, kubernetesenv, kubernetes, denier, checknothing, listchecker, listentry, memquota, redisquota, quota, reportnothing, tracespan, stackdriver, statsd, apikey, authorization, servicecontrol, signalfx, opa, circonus, noop, solarwinds, cloudwatch, dogstatsd, zipkin, bypass, edge]
#   controls:
#     nist-800-53: [SI-2]
#     nist-csf-2.0: [PR.PS-02]
#     soc2: [CC8.1]
#   rationale: >-
#     A deprecated field stops working on an upgrade, and a removed one is dropped (or the
#     resource rejected) by the API server today, so the resilience or security setting it
#     carried silently does nothing: a `consecutiveErrors` that no longer ejects anything, an
#     RBAC policy that no longer authorizes anything (SI-2 flaw remediation; CSF PR.PS-02
#     software maintained; SOC 2 CC8.1 change management).
#   remediation: >-
#     Use the replacement named in the message: `consecutive5xxErrors` or
#     `consecutiveGatewayErrors` under `outlierDetection`, `fault.delay.percentage`,
#     `mirrorPercentage`, `corsPolicy.allowOrigins`, `headers.request`/`headers.response`,
#     `workloadSelector` and `configPatches` in EnvoyFilter, AuthorizationPolicy instead of
#     ServiceRole/ServiceRoleBinding/RbacConfig, PeerAuthentication and RequestAuthentication
#     instead of Policy/MeshPolicy, VirtualService, DestinationRule and ServiceEntry instead of
#     RouteRule, DestinationPolicy and EgressRule, and the Telemetry API, a CUSTOM
#     AuthorizationPolicy or an EnvoyFilter instead of Mixer's configuration.
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
#     - https://istio.io/latest/docs/reference/config/networking/virtual-service/
#     - https://istio.io/latest/docs/reference/config/analysis/ist0002/
package runeguard.istio.deprecated_istio_field

import data.runeguard.lib.istio
import rego.v1

# DestinationRule: outlierDetection.consecutiveErrors at any level.
deny contains finding if {
	istio.is_kind(input, "DestinationRule")
	some tp in istio.traffic_policies(input)
	od := tp.value.outlierDetection
	is_object(od)
	"consecutiveErrors" in object_keys(od)
	finding := {
		"msg": sprintf("%s uses outlierDetection.consecutiveErrors (%s), deprecated: use consecutive5xxErrors or consecutiveGatewayErrors", [istio.label(input), tp.where]),
		"path": array.concat(tp.path, ["outlierDetection", "consecutiveErrors"]),
	}
}

# DestinationRule: a `circuitBreaker` block (the pre-1.0 DestinationPolicy shape), which the
# API server drops or rejects; its consecutiveErrors is the deprecated ejection setting.
deny contains finding if {
	istio.is_kind(input, "DestinationRule")
	some tp in istio.traffic_policies(input)
	cb := tp.value.circuitBreaker
	is_object(cb)
	"consecutiveErrors" in object_keys(cb)
	finding := {
		"msg": sprintf("%s uses circuitBreaker.consecutiveErrors (%s): `circuitBreaker` is not a DestinationRule field and consecutiveErrors is deprecated, so no endpoint is ever ejected; use outlierDetection.consecutive5xxErrors", [istio.label(input), tp.where]),
		"path": array.concat(tp.path, ["circuitBreaker", "consecutiveErrors"]),
	}
}

deny contains finding if {
	istio.is_kind(input, "DestinationRule")
	some tp in istio.traffic_policies(input)
	"circuitBreaker" in object_keys(tp.value)
	not circuit_breaker_with_errors(tp.value.circuitBreaker)
	finding := {
		"msg": sprintf("%s uses circuitBreaker (%s), which is not a DestinationRule field: use outlierDetection and connectionPool", [istio.label(input), tp.where]),
		"path": array.concat(tp.path, ["circuitBreaker"]),
	}
}

circuit_breaker_with_errors(cb) if {
	is_object(cb)
	"consecutiveErrors" in object_keys(cb)
}

# VirtualService HTTP routes.
replaced_route_fields := {
	"mirrorPercent": "deprecated: use mirrorPercentage",
	"appendHeaders": "removed: use headers.request.set",
	"appendRequestHeaders": "removed: use headers.request.add",
	"appendResponseHeaders": "removed: use headers.response.add",
	"removeRequestHeaders": "removed: use headers.request.remove",
	"removeResponseHeaders": "removed: use headers.response.remove",
	"websocketUpgrade": "removed: WebSocket upgrades are allowed without it",
}

http_routes contains [i, route] if {
	istio.is_kind(input, "VirtualService")
	some i, route in istio.items(istio.spec(input), "http")
	is_object(route)
}

deny contains finding if {
	some [i, route] in http_routes
	some field, advice in replaced_route_fields
	field in object_keys(route)
	finding := {
		"msg": sprintf("%s, HTTP route %s uses %s, %s", [istio.label(input), route_name(i, route), field, advice]),
		"path": ["spec", "http", i, field],
	}
}

deny contains finding if {
	some [i, route] in http_routes
	percent := route.fault.delay.percent
	percent != 0
	finding := {
		"msg": sprintf("%s, HTTP route %s uses fault.delay.percent, deprecated: use fault.delay.percentage", [istio.label(input), route_name(i, route)]),
		"path": ["spec", "http", i, "fault", "delay", "percent"],
	}
}

deny contains finding if {
	some [i, route] in http_routes
	cors := route.corsPolicy
	is_object(cors)
	"allowOrigin" in object_keys(cors)
	finding := {
		"msg": sprintf("%s, HTTP route %s uses corsPolicy.allowOrigin, deprecated: use corsPolicy.allowOrigins", [istio.label(input), route_name(i, route)]),
		"path": ["spec", "http", i, "corsPolicy", "allowOrigin"],
	}
}

route_name(_, route) := sprintf("%q", [route.name]) if is_string(route.name)

route_name(i, route) := sprintf("%d", [i]) if not is_string(route.name)

# Sidecar: egressProxy is ignored.
deny contains finding if {
	istio.is_kind(input, "Sidecar")
	otp := istio.spec(input).outboundTrafficPolicy
	is_object(otp)
	"egressProxy" in object_keys(otp)
	finding := {
		"msg": sprintf("%s uses outboundTrafficPolicy.egressProxy, which Istio ignores", [istio.label(input)]),
		"path": ["spec", "outboundTrafficPolicy", "egressProxy"],
	}
}

# EnvoyFilter: the pre-1.4 shape.
envoy_filter_fields := {
	"workloadLabels": "workloadSelector",
	"filters": "configPatches",
}

deny contains finding if {
	istio.is_kind(input, "EnvoyFilter")
	some field, replacement in envoy_filter_fields
	field in object_keys(istio.spec(input))
	finding := {
		"msg": sprintf("%s uses %s, which is removed: use %s", [istio.label(input), field, replacement]),
		"path": ["spec", field],
	}
}

# Kinds removed from Istio.
removed_kinds := {
	"rbac.istio.io": {
		"ServiceRole": "AuthorizationPolicy",
		"ServiceRoleBinding": "AuthorizationPolicy",
		"RbacConfig": "AuthorizationPolicy",
		"ClusterRbacConfig": "AuthorizationPolicy",
	},
	"authentication.istio.io": {
		"Policy": "PeerAuthentication and RequestAuthentication",
		"MeshPolicy": "PeerAuthentication in the root namespace",
	},
}

deny contains finding if {
	replacement := removed_kinds[istio.group(input)][input.kind]
	finding := {
		"msg": sprintf("%s uses the removed API %s: Istio no longer reads it; use %s", [istio.label(input), input.apiVersion, replacement]),
		"path": ["apiVersion"],
	}
}

# The whole `config.istio.io` group is gone: Mixer's configuration (removed in Istio 1.8 with
# Mixer) and the routing kinds Istio 1.0 replaced. Only the kinds listed in the metadata reach
# the rule; other groups' kinds of the same name (`kubernetes`, `quota`) are not this API.
removed_config_kinds := {
	"RouteRule": "VirtualService",
	"DestinationPolicy": "DestinationRule",
	"EgressRule": "ServiceEntry",
}

config_replacement(kind) := removed_config_kinds[kind]

config_replacement(kind) := "the Telemetry API, a CUSTOM AuthorizationPolicy or an EnvoyFilter (Mixer was removed in Istio 1.8)" if {
	not removed_config_kinds[kind]
}

deny contains finding if {
	istio.group(input) == "config.istio.io"
	is_string(input.kind)
	replacement := config_replacement(input.kind)
	finding := {
		"msg": sprintf("%s uses the removed API %s: Istio no longer reads it; use %s", [istio.label(input), input.apiVersion, replacement]),
		"path": ["apiVersion"],
	}
}

object_keys(o) := {k | some k, _ in o} if is_object(o)

object_keys(o) := set() if not is_object(o)
