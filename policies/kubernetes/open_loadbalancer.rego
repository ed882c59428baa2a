# METADATA
# title: LoadBalancer Services should restrict their source ranges
# description: >-
#   Flags external Services of type LoadBalancer with no loadBalancerSourceRanges (field or the
#   legacy annotation), or whose ranges include the whole Internet.
# custom:
#   id: K8S-026
#   name: open-loadbalancer
#   severity: medium
#   input: kubernetes
#   kinds: [Service]
#   controls:
#     nist-800-53: [SC-7]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A LoadBalancer Service gets an address from the cloud provider that accepts connections
#     from anywhere unless `loadBalancerSourceRanges` says otherwise. Load balancers that the
#     cloud makes internal (by its annotation, listed in
#     `data.settings.kubernetes.internal_load_balancer_annotations`) are not reported.
#   remediation: >-
#     Set `spec.loadBalancerSourceRanges` to the CIDRs that must reach the Service, or make the
#     load balancer internal with the provider's annotation; publish Internet-facing HTTP
#     through an Ingress or Gateway with TLS and authentication.
#   related:
#     - https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
#     - https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/
package runeguard.kubernetes.open_loadbalancer

import data.runeguard.lib.k8s
import rego.v1

source_ranges_annotation := "service.beta.kubernetes.io/load-balancer-source-ranges"

annotations := object.get(object.get(input, "metadata", {}), "annotations", {})

# The provider makes this load balancer internal (only reachable from the private network).
internal if {
	some key, values in data.settings.kubernetes.internal_load_balancer_annotations
	value := annotations[key]
	is_string(value)
	lower(trim_space(value)) in {lower(v) | some v in values}
}

field_ranges := [r | r := input.spec.loadBalancerSourceRanges[_]; is_string(r)]

annotation_ranges := [trim_space(r) |
	value := annotations[source_ranges_annotation]
	is_string(value)
	some r in split(value, ",")
	trim_space(r) != ""
]

has_ranges if count(field_ranges) > 0

has_ranges if count(annotation_ranges) > 0

open_cidrs := {"0.0.0.0/0", "::/0"}

candidate if {
	input.spec.type == "LoadBalancer"
	not internal
}

deny contains finding if {
	candidate
	not has_ranges
	finding := {
		"msg": sprintf("%s is a LoadBalancer with no loadBalancerSourceRanges: it accepts connections from any address", [k8s.object_label]),
		"path": ["spec", "type"],
	}
}

deny contains finding if {
	candidate
	r := input.spec.loadBalancerSourceRanges[i]
	is_string(r)
	trim_space(r) in open_cidrs
	finding := {
		"msg": sprintf("%s allows %s in loadBalancerSourceRanges: it accepts connections from any address", [k8s.object_label, trim_space(r)]),
		"path": ["spec", "loadBalancerSourceRanges", i],
	}
}

# The AWS Load Balancer Controller creates internal NLBs unless told otherwise.
internal if {
	aws_controller_managed
	not annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]
}

aws_controller_managed if input.spec.loadBalancerClass == "service.k8s.aws/nlb"

aws_controller_managed if annotations["service.beta.kubernetes.io/aws-load-balancer-type"] in {"external", "nlb-ip"}

# The legacy annotation counts only when the field is not set (the field wins).
deny contains finding if {
	candidate
	count(field_ranges) == 0
	some r in annotation_ranges
	r in open_cidrs
	finding := {
		"msg": sprintf("%s allows %s in its %s annotation: it accepts connections from any address", [k8s.object_label, r, source_ranges_annotation]),
		"path": ["metadata", "annotations", source_ranges_annotation],
	}
}
