# METADATA
# title: VirtualService subsets must be defined by a DestinationRule
# description: >-
#   Whole-project rule. Flags VirtualService destinations (HTTP, TCP and TLS routes, mirrors)
#   that name a subset which no DestinationRule in the scanned files defines for that host.
#   Short host names resolve against the namespace of the resource that uses them (`reviews`
#   in namespace `bookinfo` is `reviews.bookinfo.svc.cluster.local`), as Istio resolves them.
# custom:
#   id: IST-013
#   name: undefined-subset
#   severity: medium
#   input: kubernetes
#   scope: project
#   kinds: [VirtualService, DestinationRule]
#   controls:
#     nist-800-53: [CM-6]
#     nist-csf-2.0: [PR.PS-01]
#     soc2: [CC8.1]
#   rationale: >-
#     A route to a subset that does not exist has no endpoints: Envoy answers 503 for all of its
#     traffic (a canary or failover route that silently fails), and the configuration differs
#     from what was reviewed (CM-6 configuration settings; CSF PR.PS-01 configuration
#     management; SOC 2 CC8.1). Istio's own analyzer reports it as IST0101.
#   remediation: >-
#     Define the subset (`subsets: [{name: ..., labels: {version: ...}}]`) in the DestinationRule
#     for the destination's host, or fix the subset name or host in the VirtualService. Check
#     that both resolve to the same host: a short name resolves in the namespace of the
#     resource that uses it.
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination
#     - https://istio.io/latest/docs/reference/config/analysis/ist0101/
package runeguard.istio.undefined_subset

import data.runeguard.lib.istio
import rego.v1

destination_rules := [{"host": istio.fqdn(doc.spec.host, istio.namespace(doc)), "doc": doc} |
	some doc in istio.docs
	istio.is_kind(doc, "DestinationRule")
	is_string(doc.spec.host)
]

subsets(dr) := {s.name | some s in istio.items(istio.spec(dr.doc), "subsets"); is_string(s.name)}

# Every destination of a VirtualService that names a subset: {"dest", "path"} from the document.
destinations(vs) := {d |
	some kind in ["http", "tcp", "tls"]
	some i, route in istio.items(istio.spec(vs), kind)
	some j, target in istio.items(route, "route")
	d := {"dest": target.destination, "path": [kind, i, "route", j, "destination"]}
} | {d |
	some i, route in istio.items(istio.spec(vs), "http")
	is_object(route.mirror)
	d := {"dest": route.mirror, "path": ["http", i, "mirror"]}
} | {d |
	some i, route in istio.items(istio.spec(vs), "http")
	some j, m in istio.items(route, "mirrors")
	d := {"dest": m.destination, "path": ["http", i, "mirrors", j, "destination"]}
}

# The DestinationRules that apply to a host: those for exactly that host, else the wildcard
# ones that cover it (Istio picks the most specific).
applicable(host) := exact if {
	exact := [dr | some dr in destination_rules; dr.host == host]
	count(exact) > 0
}

applicable(host) := [dr | some dr in destination_rules; istio.wildcard_covers(dr.host, host)] if {
	count([dr | some dr in destination_rules; dr.host == host]) == 0
}

defined(host, subset) if {
	some dr in applicable(host)
	subset in subsets(dr)
}

why(host) := "none is for that host" if count(applicable(host)) == 0

why(host) := sprintf("%s %s", [concat(", ", sort({dr_label(dr, host) | some dr in applicable(host)})), defined_list(host)]) if {
	count(applicable(host)) > 0
}

# `DestinationRule bookinfo/reviews`, with its host when a wildcard brought it in.
dr_label(dr, host) := istio.label(dr.doc) if dr.host == host

dr_label(dr, host) := sprintf("%s (host %s)", [istio.label(dr.doc), dr.host]) if dr.host != host

defined_list(host) := sprintf("defines only %s", [concat(", ", names)]) if {
	names := sort({sprintf("%q", [name]) | some dr in applicable(host); some name in subsets(dr)})
	count(names) > 0
}

defined_list(host) := "defines no subsets" if {
	every rule in applicable(host) {
		count(subsets(rule)) == 0
	}
}

deny contains finding if {
	some i, vs in istio.docs
	istio.is_kind(vs, "VirtualService")
	some d in destinations(vs)
	subset := d.dest.subset
	is_string(subset)
	subset != ""
	is_string(d.dest.host)
	not contains(d.dest.host, "*")
	host := istio.fqdn(d.dest.host, istio.namespace(vs))
	not defined(host, subset)
	finding := {
		"msg": sprintf("%s routes to subset %q of host %s, which no DestinationRule in the scanned files defines (%s)", [istio.label(vs), subset, host, why(host)]),
		"path": array.concat(["documents", i, "spec"], array.concat(d.path, ["subset"])),
	}
}
