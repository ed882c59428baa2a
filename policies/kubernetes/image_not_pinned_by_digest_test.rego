# The characters a finding names as its part: what a rendered chart's finding moves to.
package runeguard.kubernetes.image_not_pinned_by_digest_test

import data.runeguard.kubernetes.image_not_pinned_by_digest as rule
import rego.v1

pod(image) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "a"}, "spec": {"containers": [{"name": "c", "image": image}]}}

test_a_tag_is_where_the_digest_goes if {
	some f in rule.deny with input as pod("registry:5000/app:1.4.2")
	f.part == [18, 23]
}

test_a_tag_before_an_at_sign_that_is_no_digest if {
	some f in rule.deny with input as pod("app:1.4.2@sha256")
	f.part == [4, 9]
}

test_no_tag_names_no_part if {
	some f in rule.deny with input as pod("registry:5000/app")
	not f.part
}

test_a_digest_is_no_finding if {
	count(rule.deny) == 0 with input as pod("app:1.4.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
}
