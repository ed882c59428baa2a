# Unit tests of the label selector semantics (run by `runeguard test`).
package runeguard.lib.k8s_selectors_test

import data.runeguard.lib.k8s_selectors as sel
import rego.v1

labels := {"app": "web", "tier": "frontend", "version": "v2"}

test_empty_selector_selects_everything if {
	sel.matches({}, labels)
	sel.matches({}, {})
	sel.matches({"matchLabels": {}, "matchExpressions": []}, {})
}

test_match_labels_all_pairs if {
	sel.matches({"matchLabels": {"app": "web", "tier": "frontend"}}, labels)
	not sel.matches({"matchLabels": {"app": "web", "tier": "backend"}}, labels)
	not sel.matches({"matchLabels": {"missing": "x"}}, labels)
}

test_in if {
	sel.matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend", "edge"]}]}, labels)
	not sel.matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend"]}]}, labels)
	not sel.matches({"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, labels)
}

test_not_in_holds_when_label_absent if {
	sel.matches({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, labels)
	sel.matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["backend"]}]}, labels)
	not sel.matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["frontend"]}]}, labels)
}

test_exists_and_does_not_exist if {
	sel.matches({"matchExpressions": [{"key": "version", "operator": "Exists"}]}, labels)
	not sel.matches({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, labels)
	sel.matches({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, labels)
	not sel.matches({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, labels)
}

test_requirements_are_and_ed if {
	sel.matches({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "version", "operator": "In", "values": ["v2"]}]}, labels)
	not sel.matches({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "version", "operator": "In", "values": ["v1"]}]}, labels)
}

test_unknown_operator_matches_nothing if {
	not sel.matches({"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]}, labels)
}

test_numbers_and_booleans_compare_as_text if {
	sel.matches({"matchLabels": {"release": 1}}, {"release": "1"})
	sel.matches({"matchLabels": {"enabled": "true"}}, {"enabled": true})
}

test_not_an_object_is_not_a_selector if {
	not sel.matches(null, labels)
	not sel.matches("app=web", labels)
}

test_plain_label_maps if {
	sel.matches_labels({"app": "web"}, labels)
	sel.matches_labels({}, labels)
	not sel.matches_labels({"app": "api"}, labels)
}

test_namespace_and_labels_of_documents if {
	sel.namespace_of({"kind": "Pod", "metadata": {"name": "p"}}) == "default"
	sel.namespace_of({"kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}}) == "shop"
	sel.pod_labels_of({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"a": "b"}}}}}}}) == {"a": "b"}
	sel.pod_labels_of({"kind": "Deployment", "spec": {}}) == {}
	sel.label_of({"kind": "Deployment", "metadata": {"name": "cart", "namespace": "shop"}}) == "Deployment shop/cart"
	sel.label_of({"kind": "Deployment", "metadata": {"name": "cart"}}) == "Deployment cart"
}
