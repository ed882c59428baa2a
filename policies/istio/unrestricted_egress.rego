# METADATA
# title: Egress must be restricted to named destinations
# description: >-
#   Flags ServiceEntries with wildcard hosts, ServiceEntries outside the mesh with
#   `resolution: NONE` and no (or an all-address) `addresses` list, and Sidecars or
#   IstioOperator mesh configs with `outboundTrafficPolicy.mode: ALLOW_ANY`.
# custom:
#   id: IST-016
#   name: unrestricted-egress
#   severity: medium
#   input: kubernetes
#   kinds: [ServiceEntry, Sidecar, IstioOperator]
#   controls:
#     nist-800-53: [SC-7(5), AC-4]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     zero-trust: [ZT-6]
#   rationale: >-
#     Deny-by-default egress (SC-7(5)) is what stops a compromised workload from exfiltrating
#     data or reaching a command-and-control host (AC-4 information flow enforcement; zero-trust
#     tenet 6). ALLOW_ANY lets sidecars pass traffic to any destination not in the registry; a
#     wildcard ServiceEntry registers a whole domain (every bucket of a storage service, every
#     host of `*`); `resolution: NONE` with no addresses forwards to whatever IP the application
#     asked for on those ports.
#   remediation: >-
#     Set `outboundTrafficPolicy.mode: REGISTRY_ONLY`, register each external host by name
#     (`hosts: [api.example.com]`, `resolution: DNS`), and give `resolution: NONE` entries the
#     specific `addresses` (CIDRs) they may reach; route egress through an egress gateway where
#     it must be audited.
#   related:
#     - https://istio.io/latest/docs/reference/config/networking/service-entry/
#     - https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/
#     - https://istio.io/latest/docs/ops/best-practices/security/#egress-gateways
package runeguard.istio.unrestricted_egress

import data.runeguard.lib.istio
import rego.v1

# MESH_EXTERNAL is the default location.
external if istio.enum(object.get(istio.spec(input), "location", null)) != "MESH_INTERNAL"

all_addresses := {"0.0.0.0/0", "::/0", "*"}

deny contains finding if {
	istio.is_kind(input, "ServiceEntry")
	external
	some i, host in istio.items(istio.spec(input), "hosts")
	is_string(host)
	contains(host, "*")
	finding := {
		"msg": sprintf("%s allows egress to the wildcard host %q: %s", [istio.label(input), host, wildcard_reach(host)]),
		"path": ["spec", "hosts", i],
	}
}

wildcard_reach("*") := "any host"

wildcard_reach(host) := sprintf("every host under %s", [trim_prefix(host, "*.")]) if startswith(host, "*.")

wildcard_reach(host) := "every host it matches" if {
	host != "*"
	not startswith(host, "*.")
}

deny contains finding if {
	istio.is_kind(input, "ServiceEntry")
	external
	istio.enum(object.get(istio.spec(input), "resolution", null)) == "NONE"
	not specific_addresses
	finding := {
		"msg": sprintf("%s has resolution NONE and %s: traffic on its ports passes to any IP address", [istio.label(input), address_gap]),
		"path": ["spec", "resolution"],
	}
}

addresses := a if {
	a := istio.spec(input).addresses
	is_array(a)
}

addresses := [] if not is_array(istio.spec(input).addresses)

specific_addresses if {
	count(addresses) > 0
	every a in addresses {
		not a in all_addresses
	}
}

address_gap := "no addresses" if count(addresses) == 0

address_gap := "an all-address range in addresses" if count(addresses) > 0

deny contains finding if {
	istio.is_kind(input, "Sidecar")
	istio.enum(istio.spec(input).outboundTrafficPolicy.mode) == "ALLOW_ANY"
	finding := {
		"msg": sprintf("%s sets outboundTrafficPolicy.mode ALLOW_ANY: its workloads may reach any external host", [istio.label(input)]),
		"path": ["spec", "outboundTrafficPolicy", "mode"],
	}
}

deny contains finding if {
	istio.is_kind(input, "IstioOperator")
	istio.enum(istio.spec(input).meshConfig.outboundTrafficPolicy.mode) == "ALLOW_ANY"
	finding := {
		"msg": sprintf("%s sets meshConfig.outboundTrafficPolicy.mode ALLOW_ANY: every sidecar may reach any external host", [istio.label(input)]),
		"path": ["spec", "meshConfig", "outboundTrafficPolicy", "mode"],
	}
}
