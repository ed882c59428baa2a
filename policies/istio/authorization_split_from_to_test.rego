# Unit tests of IST-008's message (run by `runeguard test`): what the open rule lets any
# caller do, named from its operations.
package runeguard.istio.authorization_split_from_to_test

import data.runeguard.istio.authorization_split_from_to as ist008
import rego.v1

policy(operation) := {
	"apiVersion": "security.istio.io/v1",
	"kind": "AuthorizationPolicy",
	"metadata": {"name": "db", "namespace": "data"},
	"spec": {"rules": [
		{"from": [{"source": {"namespaces": ["data"]}}]},
		{"to": [{"operation": operation}]},
	]},
}

message(operation) := msg if {
	some f in ist008.deny with input as policy(operation)
	msg := f.msg
}

test_methods_are_named if {
	contains(message({"methods": ["GET", "POST"]}), "any caller may GET, POST;")
}

test_paths_are_named if {
	contains(message({"paths": ["/reports/*"]}), "any caller may call /reports/*;")
}

# wild18: a database's L4 policy (`to: [{operation: {ports: ["5432"]}}]`) said "any caller may
# use its operations"; it names the ports.
test_ports_are_named if {
	contains(message({"ports": ["5432"]}), "any caller may reach port 5432;")
}

test_several_ports_are_named if {
	contains(message({"ports": ["9300", "9200"]}), "any caller may reach ports 9200, 9300;")
}

test_other_operations if {
	contains(message({"hosts": ["db.example.com"]}), "any caller may use its operations;")
}
