# Unit tests for the Istio helpers and the mesh coverage rules (run by `runeguard test`):
# cases a fixture file cannot hold, because a fixture is one scanned set.
package runeguard.istio.mesh_test

import data.runeguard.istio.mtls_not_strict_in_namespace as ist001
import data.runeguard.istio.no_default_deny_authorization as ist009
import data.runeguard.lib.istio
import rego.v1

deployment(ns, name) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}},
}

project(docs) := {"documents": docs, "files": [sprintf("f%d.yaml", [i]) | some i, _ in docs]}

plain := project([deployment("shop", "cart")])

# A plain Kubernetes repository shows no mesh: the coverage rules stay quiet.
test_no_mesh_no_mtls_finding if {
	count(ist001.deny) == 0 with input as plain
}

test_no_mesh_no_authz_finding if {
	count(ist009.deny) == 0 with input as plain
}

# ...unless the user says the mesh is there.
test_assume_mesh if {
	count(ist001.deny) == 1 with input as plain with data.settings.istio.assume_mesh as true
	count(ist009.deny) == 1 with input as plain with data.settings.istio.assume_mesh as true
}

# A namespace labelled for injection is evidence of the mesh.
test_injection_label_is_mesh_evidence if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio-injection": "enabled"}}}
	count(ist001.deny) == 1 with input as project([ns, deployment("shop", "cart")])
}

# Mesh-wide policies in the root namespace cover every namespace; the root namespace is a setting.
mesh_strict(ns) := {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication", "metadata": {"name": "default", "namespace": ns}, "spec": {"mtls": {"mode": "STRICT"}}}

allow_nothing(ns) := {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy", "metadata": {"name": "allow-nothing", "namespace": ns}, "spec": {}}

test_mesh_wide_strict if {
	count(ist001.deny) == 0 with input as project([mesh_strict("istio-system"), deployment("shop", "cart")])
}

test_mesh_wide_allow_nothing if {
	count(ist009.deny) == 0 with input as project([allow_nothing("istio-system"), deployment("shop", "cart")])
}

test_custom_root_namespace if {
	docs := project([mesh_strict("mesh-root"), deployment("shop", "cart")])
	count(ist001.deny) == 1 with input as docs
	count(ist001.deny) == 0 with input as docs with data.settings.istio.root_namespace as "mesh-root"
}

test_exempt_namespaces_setting if {
	docs := project([mesh_strict("other"), deployment("shop", "cart")])
	count(ist001.deny) == 1 with input as docs
	count(ist001.deny) == 0 with input as docs with data.settings.istio.exempt_namespaces as ["shop"]
}

# Istio's short-name resolution: only dotless names are expanded.
test_fqdn if {
	istio.fqdn("reviews", "bookinfo") == "reviews.bookinfo.svc.cluster.local"
	istio.fqdn("reviews.bookinfo.svc.cluster.local", "shop") == "reviews.bookinfo.svc.cluster.local"
	istio.fqdn("reviews.bookinfo", "shop") == "reviews.bookinfo"
	istio.fqdn("*", "shop") == "*"
}

test_in_mesh_host if {
	istio.in_mesh_host("reviews")
	istio.in_mesh_host("reviews.bookinfo.svc")
	istio.in_mesh_host("reviews.bookinfo.svc.cluster.local")
	not istio.in_mesh_host("api.example.com")
}

test_group_checked if {
	istio.is_kind({"apiVersion": "networking.istio.io/v1alpha3", "kind": "Gateway"}, "Gateway")
	istio.is_kind({"apiVersion": "networking.istio.io/v1beta1", "kind": "Gateway"}, "Gateway")
	istio.is_kind({"apiVersion": "networking.istio.io/v1", "kind": "Gateway"}, "Gateway")
	not istio.is_kind({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway"}, "Gateway")
	not istio.is_kind({"kind": "Gateway"}, "Gateway")
}

test_matches_everything if {
	istio.matches_everything({})
	istio.matches_everything({"to": [{"operation": {"methods": ["*"]}}]})
	not istio.matches_everything({"to": [{"operation": {"methods": ["GET"]}}]})
	not istio.matches_everything({"when": [{"key": "source.ip", "values": ["10.0.0.0/8"]}]})
	not istio.matches_everything({"to": [{"operation": {"paths": ["*"], "notPaths": ["/admin"]}}]})
}
