#!/usr/bin/env python3
"""Writes upstream/: a kube-prometheus-style jsonnet output tree (manifests/ and
manifests/setup/, one object per file, named <component>-<kind>.yaml, the kustomization
listing every file), the shape `jb install && ./build.sh` gives. Deterministic; the files
are committed, this only documents how they were made."""
import json, os

OUT = "upstream"
NS = "monitoring"
VERSIONS = {
    "alertmanager": "0.27.0", "blackbox-exporter": "0.25.0", "grafana": "11.2.0",
    "kube-state-metrics": "2.13.0", "node-exporter": "1.8.2", "prometheus-adapter": "0.12.0",
    "prometheus-operator": "0.76.2", "prometheus": "2.54.1",
}
IMAGES = {
    "blackbox-exporter": "quay.io/prometheus/blackbox-exporter",
    "grafana": "grafana/grafana",
    "kube-state-metrics": "registry.k8s.io/kube-state-metrics/kube-state-metrics",
    "node-exporter": "quay.io/prometheus/node-exporter",
    "prometheus-adapter": "registry.k8s.io/prometheus-adapter/prometheus-adapter",
    "prometheus-operator": "quay.io/prometheus-operator/prometheus-operator",
}


def y(v, ind=0):
    pad = "  " * ind
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{k}:")
                out.extend(y(x, ind + (1 if isinstance(x, dict) else 0)))
            else:
                out.append(f"{pad}{k}: {s(x)}")
    else:
        for x in v:
            if isinstance(x, (dict, list)) and x:
                inner = y(x, ind + 1)
                out.append(pad + "- " + inner[0].lstrip())
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {s(x)}")
    return out


def s(x):
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, dict):
        return "{}"
    if isinstance(x, list):
        return "[]"
    return json.dumps(x) if (x == "" or any(c in x for c in ":#{}[],&*!|>'\"%@`") or x in ("true", "false", "null")) else x


def labels(comp, part):
    return {"app.kubernetes.io/component": part, "app.kubernetes.io/name": comp,
            "app.kubernetes.io/part-of": "kube-prometheus", "app.kubernetes.io/version": VERSIONS[comp]}


def sel(comp, part):
    return {"app.kubernetes.io/component": part, "app.kubernetes.io/name": comp,
            "app.kubernetes.io/part-of": "kube-prometheus"}


files = {}


def put(name, obj):
    files[name] = obj


def meta(comp, part, name=None, ns=True):
    m = {"labels": labels(comp, part), "name": name or comp}
    if ns:
        m["namespace"] = NS
    return m


def workload(comp, part, kind, ports, extra=None):
    c = {"name": comp, "image": f"{IMAGES[comp]}:v{VERSIONS[comp]}",
         "ports": [{"containerPort": p, "name": n} for n, p in ports],
         "resources": {"limits": {"cpu": "250m", "memory": "180Mi"}, "requests": {"cpu": "10m", "memory": "20Mi"}},
         "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                             "capabilities": {"drop": ["ALL"]}}}
    pod = {"containers": [c], "nodeSelector": {"kubernetes.io/os": "linux"}, "serviceAccountName": comp,
           "automountServiceAccountToken": True}
    if extra:
        extra(c, pod)
    spec = {"selector": {"matchLabels": sel(comp, part)},
            "template": {"metadata": {"annotations": {"kubectl.kubernetes.io/default-container": comp},
                                      "labels": labels(comp, part)}, "spec": pod}}
    if kind == "Deployment":
        spec = {"replicas": 1, **spec}
    else:
        spec["updateStrategy"] = {"rollingUpdate": {"maxUnavailable": "10%"}, "type": "RollingUpdate"}
    api = "apps/v1"
    put(f"{comp}-{kind[0].lower()+kind[1:]}.yaml", {"apiVersion": api, "kind": kind, "metadata": meta(comp, part), "spec": spec})


def common(comp, part, ports, rules, cluster=True):
    put(f"{comp}-serviceAccount.yaml", {"apiVersion": "v1", "automountServiceAccountToken": False, "kind": "ServiceAccount",
                                        "metadata": meta(comp, part)})
    put(f"{comp}-service.yaml", {"apiVersion": "v1", "kind": "Service", "metadata": meta(comp, part),
                                 "spec": {"ports": [{"name": n, "port": p, "targetPort": n} for n, p in ports],
                                          "selector": sel(comp, part)}})
    if cluster:
        put(f"{comp}-clusterRole.yaml", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                                         "metadata": meta(comp, part, ns=False), "rules": rules})
        put(f"{comp}-clusterRoleBinding.yaml", {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta(comp, part, ns=False),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": comp},
            "subjects": [{"kind": "ServiceAccount", "name": comp, "namespace": NS}]})
    put(f"{comp}-networkPolicy.yaml", {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(comp, part),
        "spec": {"egress": [{}], "ingress": [{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}],
                                              "ports": [{"port": p, "protocol": "TCP"} for _, p in ports]}],
                 "podSelector": {"matchLabels": sel(comp, part)}, "policyTypes": ["Egress", "Ingress"]}})
    put(f"{comp}-serviceMonitor.yaml", {
        "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": meta(comp, part),
        "spec": {"endpoints": [{"interval": "30s", "port": ports[0][0]}], "selector": {"matchLabels": sel(comp, part)}}})


def rule_file(comp, part, groups):
    put(f"{comp}-prometheusRule.yaml", {
        "apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
        "metadata": {**meta(comp, part, name=f"{comp}-rules"), "labels": {**labels(comp, part), "prometheus": "k8s", "role": "alert-rules"}},
        "spec": {"groups": [{"name": g, "rules": [
            {"alert": f"{g[0].upper()}{g[1:].replace('-', '')}{i}", "annotations": {"description": f"{comp} {g} alert {i}", "runbook_url": f"https://runbooks.prometheus-operator.dev/runbooks/{comp}/{g}{i}", "summary": f"{g} {i}"},
             "expr": f"up{{job=\"{comp}\"}} == {i % 2}", "for": "15m", "labels": {"severity": "warning" if i % 3 else "critical"}}
            for i in range(3)]} for g in groups]}})


READ = [{"apiGroups": [""], "resources": ["nodes", "pods", "services", "endpoints"], "verbs": ["get", "list", "watch"]}]
for comp, part, kind, ports, extra in [
    ("blackbox-exporter", "exporter", "Deployment", [("https", 9115), ("probe", 19115)], None),
    ("grafana", "grafana", "Deployment", [("http", 3000)], lambda c, p: (
        c.update({"volumeMounts": [{"mountPath": "/var/lib/grafana", "name": "grafana-storage"},
                                   {"mountPath": "/etc/grafana/provisioning/datasources", "name": "grafana-datasources"}]}),
        p.update({"volumes": [{"emptyDir": {}, "name": "grafana-storage"},
                              {"name": "grafana-datasources", "secret": {"secretName": "grafana-datasources"}}]}))),
    ("kube-state-metrics", "exporter", "Deployment", [("https-main", 8443), ("https-self", 9443)], None),
    ("node-exporter", "exporter", "DaemonSet", [("https", 9100)], lambda c, p: (
        c.update({"args": ["--web.listen-address=127.0.0.1:9101", "--path.sysfs=/host/sys", "--path.rootfs=/host/root"],
                  "volumeMounts": [{"mountPath": "/host/sys", "mountPropagation": "HostToContainer", "name": "sys", "readOnly": True}]}),
        p.update({"hostNetwork": True, "hostPID": True, "volumes": [{"hostPath": {"path": "/sys"}, "name": "sys"}],
                  "tolerations": [{"operator": "Exists"}]}))),
    ("prometheus-adapter", "metrics-adapter", "Deployment", [("https", 6443)], None),
    ("prometheus-operator", "controller", "Deployment", [("https", 8443)], None),
]:
    workload(comp, part, kind, ports, extra)
    common(comp, part, ports, READ)
    rule_file(comp, part, ["general", "availability"])
    put(f"{comp}-podDisruptionBudget.yaml", {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(comp, part),
                                             "spec": {"minAvailable": 1, "selector": {"matchLabels": sel(comp, part)}}}) if kind == "Deployment" else None

put("grafana-dataSources.yaml", {"apiVersion": "v1", "kind": "Secret", "metadata": meta("grafana", "grafana", name="grafana-datasources"),
                                 "stringData": {"datasources.yaml": json.dumps({"apiVersion": 1, "datasources": [{"access": "proxy", "name": "prometheus", "type": "prometheus", "url": "http://prometheus-k8s.monitoring.svc:9090"}]}, indent=4)},
                                 "type": "Opaque"})
for d in ["apiserver", "cluster-total", "k8s-resources-cluster", "k8s-resources-namespace", "k8s-resources-node",
          "k8s-resources-pod", "k8s-resources-workload", "kubelet", "namespace-by-pod", "node-cluster-rsrc-use",
          "node-rsrc-use", "nodes", "persistentvolumesusage", "pod-total", "prometheus", "proxy", "scheduler", "workload-total"]:
    put(f"grafana-dashboard-{d}.yaml", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("grafana", "grafana", name=f"grafana-dashboard-{d}"),
                                        "data": {f"{d}.json": json.dumps({"title": d, "uid": d[:12], "panels": []})}})

for comp, part in [("alertmanager", "alert-router"), ("prometheus", "prometheus")]:
    name = "main" if comp == "alertmanager" else "k8s"
    common(comp, part, [("web", 9093 if comp == "alertmanager" else 9090), ("reloader-web", 8080)], READ, cluster=comp == "prometheus")
    rule_file(comp, part, ["general", "rules"])
    put(f"{comp}-podDisruptionBudget.yaml", {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(comp, part, name=f"{comp}-{name}"),
                                             "spec": {"minAvailable": 1, "selector": {"matchLabels": sel(comp, part)}}})
    kind = "Alertmanager" if comp == "alertmanager" else "Prometheus"
    spec = {"image": f"quay.io/prometheus/{comp}:v{VERSIONS[comp]}", "replicas": 2 if comp == "prometheus" else 3,
            "nodeSelector": {"kubernetes.io/os": "linux"}, "podMetadata": {"labels": labels(comp, part)},
            "resources": {"requests": {"memory": "400Mi"}}, "serviceAccountName": f"{comp}-{name}", "version": VERSIONS[comp],
            "securityContext": {"fsGroup": 2000, "runAsNonRoot": True, "runAsUser": 1000}}
    if comp == "prometheus":
        spec.update({"alerting": {"alertmanagers": [{"apiVersion": "v2", "name": "alertmanager-main", "namespace": NS, "port": "web"}]},
                     "ruleSelector": {}, "serviceMonitorSelector": {}, "retention": "24h"})
    put(f"{comp}-{comp}.yaml", {"apiVersion": "monitoring.coreos.com/v1", "kind": kind, "metadata": meta(comp, part, name=name), "spec": spec})
put("alertmanager-secret.yaml", {"apiVersion": "v1", "kind": "Secret", "metadata": meta("alertmanager", "alert-router", name="alertmanager-main"),
                                 "stringData": {"alertmanager.yaml": "global:\n  resolve_timeout: 5m\nroute:\n  receiver: Default\nreceivers:\n- name: Default\n"},
                                 "type": "Opaque"})
for i, target in enumerate(["apiServer", "coreDNS", "kubeControllerManager", "kubeScheduler", "kubelet"]):
    put(f"kubernetesControlPlane-serviceMonitor{target[0].upper()}{target[1:]}.yaml", {
        "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
        "metadata": {"labels": {"app.kubernetes.io/name": target, "app.kubernetes.io/part-of": "kube-prometheus"}, "name": target, "namespace": NS},
        "spec": {"endpoints": [{"interval": "30s", "port": "https-metrics", "scheme": "https"}], "jobLabel": "app.kubernetes.io/name",
                 "namespaceSelector": {"matchNames": ["kube-system" if target != "apiServer" else "default"]},
                 "selector": {"matchLabels": {"app.kubernetes.io/name": target}}}})
put("kubernetesControlPlane-prometheusRule.yaml", {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
    "metadata": {"labels": {"prometheus": "k8s", "role": "alert-rules"}, "name": "kubernetes-monitoring-rules", "namespace": NS},
    "spec": {"groups": [{"name": f"kubernetes-{g}", "rules": [{"alert": f"Kube{g.title()}{i}", "expr": f"vector({i})", "for": "10m", "labels": {"severity": "warning"}} for i in range(4)]}
                        for g in ["apps", "resources", "storage", "system", "apiserver", "kubelet"]]}})

setup = {"namespace.yaml": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}}
for plural, kind in [("alertmanagerconfigs", "AlertmanagerConfig"), ("alertmanagers", "Alertmanager"), ("podmonitors", "PodMonitor"),
                     ("probes", "Probe"), ("prometheusagents", "PrometheusAgent"), ("prometheuses", "Prometheus"),
                     ("prometheusrules", "PrometheusRule"), ("scrapeconfigs", "ScrapeConfig"), ("servicemonitors", "ServiceMonitor"),
                     ("thanosrulers", "ThanosRuler")]:
    setup[f"0{plural}CustomResourceDefinition.yaml"] = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"annotations": {"controller-gen.kubebuilder.io/version": "v0.16.1", "operator.prometheus.io/version": VERSIONS["prometheus-operator"]},
                     "name": f"{plural}.monitoring.coreos.com"},
        "spec": {"group": "monitoring.coreos.com", "names": {"categories": ["prometheus-operator"], "kind": kind, "listKind": f"{kind}List", "plural": plural, "singular": kind.lower()},
                 "scope": "Namespaced", "versions": [{"name": "v1alpha1" if kind in ("AlertmanagerConfig", "PrometheusAgent", "ScrapeConfig") else "v1", "served": True, "storage": True,
                                                      "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}

os.makedirs(f"{OUT}/manifests/setup", exist_ok=True)
names = []
for n in sorted(setup):
    with open(f"{OUT}/manifests/setup/{n}", "w") as f:
        f.write("\n".join(y(setup[n])) + "\n")
    names.append(f"manifests/setup/{n}")
for n in sorted(files):
    with open(f"{OUT}/manifests/{n}", "w") as f:
        f.write("\n".join(y(files[n])) + "\n")
    names.append(f"manifests/{n}")
with open(f"{OUT}/kustomization.yaml", "w") as f:
    f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" + "".join(f"- ./{n}\n" for n in names))
print(len(names), "files")
