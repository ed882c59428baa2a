# METADATA
# title: NetworkPolicies must not allow all traffic
# description: >-
#   Flags NetworkPolicy ingress or egress rules that allow everything: a rule with no peers
#   and no ports, a peer that matches every source or destination (an empty peer `{}`,
#   `ipBlock` 0.0.0.0/0 or ::/0 without exceptions, or an empty `namespaceSelector`) in a rule
#   with no port restriction.
# custom:
#   id: K8S-029
#   name: network-policy-allows-all
#   severity: medium
#   input: kubernetes
#   kinds: [NetworkPolicy]
#   controls:
#     nist-800-53: [SC-7, AC-4]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     zero-trust: [ZT-6]
#   rationale: >-
#     NetworkPolicies are allow-lists: once one selects a pod, only what some rule allows may
#     reach it (or leave it). A rule that allows every peer on every port cancels the
#     isolation for the selected pods while looking like a control, so flows are no longer
#     decided per source and destination (AC-4, SC-7, ZT-6). A rule that names its ports
#     (the usual DNS egress to every namespace on port 53) is not reported; a rule allowing
#     only the pods of its own namespace (`podSelector: {}`) is not either.
#   remediation: >-
#     Name the peers (`podSelector`, `namespaceSelector` with labels, `ipBlock` CIDRs) and
#     the ports each rule needs; keep a default-deny policy for the namespace and add narrow
#     allow policies beside it.
#   related:
#     - https://kubernetes.io/docs/concepts/services-networking/network-policies/
package runeguard.kubernetes.network_policy_allows_all

import data.runeguard.lib.k8s
import data.runeguard.lib.k8s_selectors as sel
import rego.v1

directions := {"ingress": {"peers": "from", "type": "Ingress", "what": "source"}, "egress": {"peers": "to", "type": "Egress", "what": "destination"}}

spec := object.get(input, "spec", {})

# With policyTypes set, the rules of a direction it does not list are ignored.
enforced(direction) if not is_array(spec.policyTypes)

enforced(direction) if {
	t := spec.policyTypes[_]
	t == directions[direction].type
}

rules(direction) := [[i, r] | r := spec[direction][i]; is_object(r)]

empty(rule, field) if not is_array(rule[field])

empty(rule, field) if count(rule[field]) == 0

open_cidrs := {"0.0.0.0/0", "::/0"}

# A peer that matches everything on its side, and how to say so.
everything(peer) := "every address" if {
	peer.ipBlock.cidr in open_cidrs
	count(object.get(peer.ipBlock, "except", [])) == 0
}

everything(peer) := "every pod in every namespace" if {
	sel.is_empty_selector(peer.namespaceSelector)
	not peer.ipBlock
	not has_pod_labels(peer)
}

has_pod_labels(peer) if {
	is_object(peer.podSelector)
	not sel.is_empty_selector(peer.podSelector)
}

deny contains finding if {
	some direction, d in directions
	enforced(direction)
	some [i, rule] in rules(direction)
	empty(rule, d.peers)
	empty(rule, "ports")
	finding := {
		"msg": sprintf("%s allows all %s traffic: %s rule %d lists no peers (%s) and no ports", [k8s.object_label, direction, direction, i, d.peers]),
		"path": ["spec", direction, i],
	}
}

deny contains finding if {
	some direction, d in directions
	enforced(direction)
	some [i, rule] in rules(direction)
	peer := rule[d.peers][j]
	peer == {}
	finding := {
		"msg": sprintf("%s has an empty peer ({}) in %s rule %d: it stands for every %s (and the API server rejects it)", [k8s.object_label, direction, i, d.what]),
		"path": ["spec", direction, i, d.peers, j],
	}
}

deny contains finding if {
	some direction, d in directions
	enforced(direction)
	some [i, rule] in rules(direction)
	empty(rule, "ports")
	peer := rule[d.peers][j]
	is_object(peer)
	who := everything(peer)
	finding := {
		"msg": sprintf("%s allows %s traffic %s %s on every port (%s rule %d)", [k8s.object_label, direction, from_or_to(direction), who, direction, i]),
		"path": ["spec", direction, i, d.peers, j],
	}
}

from_or_to("ingress") := "from"

from_or_to("egress") := "to"
