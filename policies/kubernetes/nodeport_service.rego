# METADATA
# title: Services should not be exposed as NodePort
# description: Flags Services of type NodePort, which open a port on every node of the cluster.
# custom:
#   id: K8S-025
#   name: nodeport-service
#   severity: medium
#   input: kubernetes
#   kinds: [Service]
#   controls:
#     nist-800-53: [SC-7]
#     nist-csf-2.0: [PR.IR-01]
#     soc2: [CC6.6]
#     zero-trust: [ZT-2]
#   rationale: >-
#     A NodePort Service listens on the same port of every node's address, so anything that can
#     reach a node reaches the Service, around the ingress controller, its TLS and its
#     authentication, and around NetworkPolicies that only see pod traffic after the node has
#     forwarded it. The boundary (SC-7) becomes the nodes' firewall rules.
#   remediation: >-
#     Use `type: ClusterIP` behind an Ingress or Gateway, or a LoadBalancer restricted with
#     `loadBalancerSourceRanges`. If a NodePort is truly needed, restrict the node ports with
#     the cloud firewall and document why.
#   related:
#     - https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
package runeguard.kubernetes.nodeport_service

import data.runeguard.lib.k8s
import rego.v1

deny contains finding if {
	input.spec.type == "NodePort"
	finding := {
		"msg": sprintf("%s is of type NodePort: it is reachable on a port of every node", [k8s.object_label]),
		"path": ["spec", "type"],
	}
}
