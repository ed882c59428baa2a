# Cases a fixture file cannot hold, because one fixture file is one project.
package runeguard.kubernetes.workload_without_network_policy_test

import data.runeguard.kubernetes.workload_without_network_policy as rule
import rego.v1

deployment := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "cart", "namespace": "shop"}, "spec": {"template": {"metadata": {"labels": {"app": "cart"}}}}}

test_reported_without_any_policy if {
	count(rule.deny) == 1 with input as {"documents": [deployment], "files": ["a.yaml"]}
}

test_cluster_wide_policy_of_unevaluated_selector_silences if {
	gnp := {"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy", "metadata": {"name": "default-deny"}, "spec": {"selector": "all()"}}
	count(rule.deny) == 0 with input as {"documents": [deployment, gnp], "files": ["a.yaml", "b.yaml"]}
}

test_cilium_host_firewall_selects_no_pod if {
	host := {"apiVersion": "cilium.io/v2", "kind": "CiliumClusterwideNetworkPolicy", "metadata": {"name": "host-fw"}, "spec": {"nodeSelector": {"matchLabels": {}}, "ingress": [{"fromEntities": ["cluster"]}]}}
	count(rule.deny) == 1 with input as {"documents": [deployment, host], "files": ["a.yaml", "b.yaml"]}
}

test_cilium_clusterwide_policy_with_an_endpoint_selector_silences if {
	ccnp := {"apiVersion": "cilium.io/v2", "kind": "CiliumClusterwideNetworkPolicy", "metadata": {"name": "all"}, "specs": [{"nodeSelector": {}}, {"endpointSelector": {}}]}
	count(rule.deny) == 0 with input as {"documents": [deployment, ccnp], "files": ["a.yaml", "b.yaml"]}
}

test_null_pod_selector_selects_everything if {
	np := {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "all", "namespace": "shop"}, "spec": {"podSelector": null}}
	count(rule.deny) == 0 with input as {"documents": [deployment, np], "files": ["a.yaml", "a.yaml"]}
}

test_path_points_into_the_document if {
	some f in rule.deny with input as {"documents": [deployment], "files": ["a.yaml"]}
	f.path == ["documents", 0, "spec", "template", "metadata", "labels"]
}
