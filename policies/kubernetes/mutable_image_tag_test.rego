# The characters a finding names as its part: what a rendered chart's finding moves to.
package runeguard.kubernetes.mutable_image_tag_test

import data.runeguard.kubernetes.mutable_image_tag as rule
import rego.v1

pod(image) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "a"}, "spec": {"containers": [{"name": "c", "image": image}]}}

test_latest_names_the_tag_after_a_registry_port if {
	some f in rule.deny with input as pod("registry:5000/app:latest")
	f.part == [18, 24]
}

test_latest_before_a_digest_that_is_no_digest_names_the_tag if {
	some f in rule.deny with input as pod("app:latest@sha256")
	f.part == [4, 10]
}

test_no_tag_names_no_part if {
	some f in rule.deny with input as pod("registry:5000/app")
	not f.part
}
