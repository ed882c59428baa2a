# METADATA
# title: Ingresses must terminate TLS
# description: >-
#   Flags Ingresses that route traffic (rules or a default backend) with no tls section and no
#   controller annotation that configures TLS, and hosts that no tls entry covers.
# custom:
#   id: K8S-027
#   name: ingress-without-tls
#   severity: high
#   input: kubernetes
#   kinds: [Ingress]
#   controls:
#     nist-800-53: [SC-8, SC-23]
#     nist-csf-2.0: [PR.DS-02]
#     soc2: [CC6.7]
#     zero-trust: [ZT-2]
#   rationale: >-
#     Without TLS the controller serves the hosts over plain HTTP: credentials, session cookies
#     and data cross the network readable and modifiable (SC-8), and clients cannot
#     authenticate the server (SC-23). Controllers that take their certificate from an
#     annotation instead of `spec.tls` (AWS ALB, GKE, Application Gateway, Traefik, Kong; see
#     `data.settings.kubernetes.ingress_tls_annotations`) are not reported.
#   remediation: >-
#     Add a `spec.tls` entry whose `hosts` cover every rule host, with a `secretName` (e.g.
#     issued by cert-manager), and redirect HTTP to HTTPS at the controller.
#   related:
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
package runeguard.kubernetes.ingress_without_tls

import data.runeguard.lib.k8s
import rego.v1

spec := object.get(input, "spec", {})

annotations := object.get(object.get(input, "metadata", {}), "annotations", {})

rules := [r | r := spec.rules[_]; is_object(r)]

routes_traffic if count(rules) > 0

routes_traffic if is_object(spec.defaultBackend)

# extensions/v1beta1 and networking.k8s.io/v1beta1
routes_traffic if is_object(spec.backend)

tls_entries := [t | t := spec.tls[_]; is_object(t)]

# The controller terminates TLS from an annotation (any value, or one of the listed values).
tls_by_annotation if {
	some key, values in data.settings.kubernetes.ingress_tls_annotations
	value := annotations[key]
	is_string(value)
	trim_space(value) != ""
	annotation_value_ok(value, values)
}

# AWS ALB: listeners declared HTTPS.
tls_by_annotation if {
	value := annotations["alb.ingress.kubernetes.io/listen-ports"]
	is_string(value)
	contains(value, "HTTPS")
}

annotation_value_ok(_, values) if count(values) == 0

annotation_value_ok(value, values) if {
	some v in values
	lower(trim_space(value)) == lower(v)
}

deny contains finding if {
	routes_traffic
	count(tls_entries) == 0
	not tls_by_annotation
	finding := {
		"msg": sprintf("%s has no tls section: its hosts are served over plain HTTP", [k8s.object_label]),
		"path": ["spec", "tls"],
	}
}

# A tls entry without hosts covers every host (the controller's default certificate).
tls_catch_all if {
	some t in tls_entries
	count([h | h := t.hosts[_]; is_string(h)]) == 0
}

tls_hosts := {lower(h) | some t in tls_entries; h := t.hosts[_]; is_string(h)}

covered(host) if lower(host) in tls_hosts

# `*.example.com` covers exactly one more label: `a.example.com`, not `a.b.example.com`.
covered(host) if {
	some pattern in tls_hosts
	startswith(pattern, "*.")
	suffix := substring(pattern, 1, -1)
	h := lower(host)
	endswith(h, suffix)
	first := substring(h, 0, count(h) - count(suffix))
	first != ""
	not contains(first, ".")
}

deny contains finding if {
	count(tls_entries) > 0
	not tls_catch_all
	not tls_by_annotation
	rule := spec.rules[i]
	host := rule.host
	is_string(host)
	host != ""
	not covered(host)
	finding := {
		"msg": sprintf("%s serves host %q with no tls entry covering it: it is served over plain HTTP", [k8s.object_label, host]),
		"path": ["spec", "rules", i, "host"],
	}
}
