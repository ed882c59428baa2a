#!/usr/bin/env python3
"""Differential testing of runeguard's Kustomize build against `kubectl kustomize`.

    python3 bench/gen/kustomize_diff.py --seed S --count N --bin KUSTOMIZE_BUILD \
        --kubectl KUBECTL [--keep DIR] [--case K] [--write-only DIR]

Each case (seed S + case number) is a random overlay tree: a base of workloads, Services,
Ingresses, ConfigMaps, Secrets, ServiceAccounts, PVCs, RBAC, HPAs, NetworkPolicies, a CRD and
custom resources; one or two overlays above it and sometimes a component; every overlay field
runeguard builds in random combinations (patches with targets, strategic merge directives,
JSON 6902 operations, generators with behaviours and options, images, replicas, labels,
replacements, vars, buildMetadata, sortOptions). Both tools build the top overlay; the
outcome must be the same: the same documents in the same order after parsing (compared by
`kustomize_build --compare`), or an error from both. A mismatch is reduced (fields, list
elements and documents are dropped while the mismatch stays) and printed with the reduced
overlay; with --keep, the reduced case is written to DIR/case-S-K. Exit status 1 when any
case differs. Stdlib only; the same seed writes the same files.
"""

import argparse
import base64
import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------------------------------
# YAML text (block style; strings quoted whenever YAML could read them as something else)

PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return str(v)
    if PLAIN.match(v) and v.lower() not in KEYWORDS:
        return v
    return json.dumps(v)


class Folded(str):
    """A string written as a folded (`>`) block scalar: its text is the block's lines as
    written (more-indented lines included), not the value they fold to. `header` may add a
    chomping indicator (`>-`, `>+`)."""
    header = ">"


def folded(text, header):
    f = Folded(text)
    f.header = header
    return f


def block(v, indent):
    """Lines of `v` at `indent` spaces."""
    pad = " " * indent
    out = []
    if isinstance(v, dict):
        if not v:
            return [pad + "{}"]
        for k, x in v.items():
            key = scalar(k)
            if isinstance(x, Folded):
                out.append(f"{pad}{key}: {x.header}")
                out.extend(pad + "  " + line if line else "" for line in x.rstrip("\n").split("\n"))
            elif isinstance(x, str) and "\n" in x:
                out.append(f"{pad}{key}: |")
                out.extend(pad + "  " + line if line else "" for line in x.rstrip("\n").split("\n"))
            elif isinstance(x, dict) and x:
                out.append(f"{pad}{key}:")
                out.extend(block(x, indent + 2))
            elif isinstance(x, list) and x:
                out.append(f"{pad}{key}:")
                out.extend(block(x, indent))
            else:
                out.append(f"{pad}{key}: {flow(x)}")
        return out
    if isinstance(v, list):
        if not v:
            return [pad + "[]"]
        for x in v:
            if isinstance(x, Folded):
                out.append(f"{pad}- {x.header}")
                out.extend(pad + "  " + line if line else "" for line in x.rstrip("\n").split("\n"))
            elif isinstance(x, str) and "\n" in x:
                out.append(f"{pad}- |")
                out.extend(pad + "  " + line if line else "" for line in x.rstrip("\n").split("\n"))
            elif (isinstance(x, dict) or isinstance(x, list)) and x:
                inner = block(x, indent + 2)
                out.append(pad + "- " + inner[0][indent + 2:])
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {flow(x)}")
        return out
    return [pad + scalar(v)]


def flow(v):
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return scalar(v)


def yaml_docs(docs):
    return "---\n".join("\n".join(block(d, 0)) + "\n" for d in docs)


# ---------------------------------------------------------------------------------------
# The base's objects

NAMES = ["web", "api", "db", "cache", "worker"]
IMAGES = ["nginx", "redis", "postgres", "ghcr.io/acme/api", "busybox", "registry.k8s.io/pause"]
CR_GROUP = "example.com"


class Gen:
    def __init__(self, r, x=None):
        self.r = r
        # Constructs added later draw from their own stream, so that a seed still writes
        # the overlays it wrote before, with the new constructs added to them.
        self.x = x or random.Random(0)
        # Session 10's constructs: field-spec tables merged and sorted by kind across
        # kustomizations and components, and buildMetadata with labels fields.
        self.y = random.Random(0)
        self.cms = []  # ConfigMap names the base holds (or generates)
        self.secrets = []
        self.sas = []
        self.pvcs = []
        self.objs = []  # every base object

    def pick(self, xs):
        return self.r.choice(xs)

    def maybe(self, p=0.5):
        return self.r.random() < p

    def image(self):
        img = self.pick(IMAGES)
        t = self.r.random()
        if t < 0.4:
            img += f":{self.r.randint(1, 3)}.{self.r.randint(0, 9)}"
        elif t < 0.5:
            img += "@sha256:" + "ab" * 32
        return img

    def container(self, name):
        c = {"name": name, "image": self.image()}
        if self.maybe(0.4):
            c["args"] = ["--level=$(LEVEL)", "--host=$(SVC_HOST)"] if self.maybe(0.3) else ["--port", "8080"]
        if self.maybe(0.7):
            c["ports"] = [{"containerPort": 8080, "name": "http"}]
            if self.maybe(0.4):
                c["ports"].append({"containerPort": 9090, "name": "metrics", "protocol": "TCP"})
        env = []
        if self.maybe(0.5):
            env.append({"name": "MODE", "value": self.pick(["prod", "dev"])})
        if self.cms and self.maybe(0.5):
            env.append({"name": "CFG", "valueFrom": {"configMapKeyRef": {"name": self.pick(self.cms), "key": "k"}}})
        if self.secrets and self.maybe(0.4):
            env.append({"name": "PW", "valueFrom": {"secretKeyRef": {"name": self.pick(self.secrets), "key": "password"}}})
        if env:
            c["env"] = env
        if self.cms and self.maybe(0.3):
            c["envFrom"] = [{"configMapRef": {"name": self.pick(self.cms)}}]
        if self.maybe(0.4):
            c["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
        if self.maybe(0.3):
            c["resources"] = {"limits": {"cpu": "100m", "memory": "64Mi"}}
        return c

    def pod(self, app):
        spec = {"containers": [self.container(app)]}
        if self.maybe(0.3):
            spec["containers"].append(self.container("sidecar"))
        if self.maybe(0.2):
            spec["initContainers"] = [self.container("init")]
        if self.sas and self.maybe(0.5):
            spec["serviceAccountName"] = self.pick(self.sas)
        vols = []
        if any("volumeMounts" in c for c in spec["containers"]):
            kind = self.r.random()
            if kind < 0.3 and self.cms:
                vols.append({"name": "data", "configMap": {"name": self.pick(self.cms)}})
            elif kind < 0.55 and self.secrets:
                vols.append({"name": "data", "secret": {"secretName": self.pick(self.secrets)}})
            elif kind < 0.8 and self.pvcs:
                vols.append({"name": "data", "persistentVolumeClaim": {"claimName": self.pick(self.pvcs)}})
            else:
                vols.append({"name": "data", "emptyDir": {}})
        if self.maybe(0.2):
            vols.append({"name": "tmp", "emptyDir": {}})
        if vols:
            spec["volumes"] = vols
        if self.maybe(0.3):
            spec["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": app, "effect": "NoSchedule"}]
        if self.secrets and self.maybe(0.2):
            spec["imagePullSecrets"] = [{"name": self.pick(self.secrets)}]
        tmpl = {"metadata": {"labels": {"app": app}}, "spec": spec}
        if self.maybe(0.2):
            tmpl["metadata"]["annotations"] = {"prometheus.io/scrape": "true"}
        return tmpl

    def meta(self, name, labels=True):
        m = {"name": name}
        if labels and self.maybe(0.7):
            m["labels"] = {"app": name}
            if self.maybe(0.3):
                m["labels"]["tier"] = self.pick(["front", "back"])
        if self.maybe(0.25):
            m["annotations"] = {"owner": "team-" + name, "example.com/note": "n"}
        if self.maybe(0.1):
            m["namespace"] = "preset"
        return m

    def workload(self, kind, name):
        o = {"apiVersion": "apps/v1", "kind": kind, "metadata": self.meta(name)}
        tmpl = self.pod(name)
        if kind in ("Deployment", "StatefulSet", "DaemonSet"):
            spec = {"selector": {"matchLabels": {"app": name}}, "template": tmpl}
            if kind != "DaemonSet" and self.maybe(0.8):
                spec["replicas"] = self.r.randint(1, 3)
            if kind == "StatefulSet":
                spec["serviceName"] = name
                if self.maybe(0.5):
                    spec["volumeClaimTemplates"] = [
                        {"metadata": {"name": "state"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                                  "resources": {"requests": {"storage": "1Gi"}}}}]
            o["spec"] = spec
        elif kind == "Job":
            o["apiVersion"] = "batch/v1"
            tmpl["spec"]["restartPolicy"] = "Never"
            o["spec"] = {"template": tmpl}
        else:  # CronJob
            o["apiVersion"] = "batch/v1"
            tmpl["spec"]["restartPolicy"] = "OnFailure"
            o["spec"] = {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": tmpl}}}
        return o

    def objects(self):
        """The base's objects, referenced objects first so workloads can name them."""
        r = self.r
        objs = []
        for _ in range(r.randint(0, 2)):
            n = self.pick(NAMES) + "-config"
            if n in self.cms:
                continue
            self.cms.append(n)
            objs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta(n),
                         "data": {"k": "v", "app.conf": "a=1\nb=2\n"}})
            if self.x.random() < 0.3:
                objs[-1]["data"]["notes"] = Folded(self.x.choice([
                    "first line\nsame paragraph\n\n  more indented\n  again\nback\n",
                    "x\n\ttab\nz\n",
                    "plain\nfolded\ntext\n",
                    "a\n\n\n  b\n",
                ]))
        for _ in range(r.randint(0, 2)):
            n = self.pick(NAMES) + "-secret"
            if n in self.secrets:
                continue
            self.secrets.append(n)
            objs.append({"apiVersion": "v1", "kind": "Secret", "metadata": self.meta(n), "type": "Opaque",
                         "data": {"password": base64.b64encode(b"pw-" + n.encode()).decode()}})
        if self.maybe(0.5):
            n = self.pick(NAMES) + "-sa"
            self.sas.append(n)
            objs.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.meta(n)})
        if self.maybe(0.4):
            n = self.pick(NAMES) + "-data"
            self.pvcs.append(n)
            objs.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": self.meta(n),
                         "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
        used = set()
        for _ in range(r.randint(1, 3)):
            name = self.pick(NAMES)
            if name in used:
                continue
            used.add(name)
            kind = self.pick(["Deployment", "Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"])
            objs.append(self.workload(kind, name))
            if self.maybe(0.6):
                ports = [{"name": "http", "port": 80, "targetPort": 8080}]
                if self.maybe(0.3):
                    ports.append({"name": "metrics", "port": 9090, "protocol": "TCP"})
                objs.append({"apiVersion": "v1", "kind": "Service", "metadata": self.meta(name),
                             "spec": {"selector": {"app": name}, "ports": ports}})
                if self.maybe(0.3):
                    ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": self.meta(name),
                           "spec": {"rules": [{"host": name + ".example.com", "http": {"paths": [
                               {"path": "/", "pathType": "Prefix",
                                "backend": {"service": {"name": name, "port": {"number": 80}}}}]}}]}}
                    if self.secrets and self.maybe(0.5):
                        ing["spec"]["tls"] = [{"hosts": [name + ".example.com"], "secretName": self.pick(self.secrets)}]
                    objs.append(ing)
            if self.maybe(0.25):
                kind_ref = objs[-1]["kind"] if objs[-1]["kind"] in ("Deployment", "StatefulSet") else "Deployment"
                objs.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                             "metadata": self.meta(name),
                             "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind_ref, "name": name},
                                      "minReplicas": 1, "maxReplicas": 5}})
            if self.maybe(0.2):
                objs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                             "metadata": self.meta(name + "-np"),
                             "spec": {"podSelector": {"matchLabels": {"app": name}}, "policyTypes": ["Ingress"]}})
        if self.sas and self.maybe(0.5):
            cluster = self.maybe(0.4)
            role_kind = "ClusterRole" if cluster else "Role"
            objs.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": role_kind,
                         "metadata": self.meta("reader", labels=False),
                         "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]})
            subj = {"kind": "ServiceAccount", "name": self.pick(self.sas)}
            if self.maybe(0.5):
                subj["namespace"] = self.pick(["default", "preset"])
            subjects = [subj]
            if self.maybe(0.2):
                subjects.append({"kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"})
            objs.append({"apiVersion": "rbac.authorization.k8s.io/v1",
                         "kind": "ClusterRoleBinding" if cluster and self.maybe(0.5) else "RoleBinding",
                         "metadata": self.meta("reader-binding", labels=False),
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": "reader"},
                         "subjects": subjects})
        if self.maybe(0.25):
            objs.append({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                         "metadata": {"name": "widgets." + CR_GROUP},
                         "spec": {"group": CR_GROUP, "scope": "Namespaced",
                                  "names": {"kind": "Widget", "plural": "widgets"},
                                  "versions": [{"name": "v1", "served": True, "storage": True,
                                                "schema": {"openAPIV3Schema": {"type": "object"}}}]}})
        if self.maybe(0.3):
            objs.append({"apiVersion": CR_GROUP + "/v1", "kind": "Widget", "metadata": self.meta("gadget"),
                         "spec": {"size": 3, "containers": [{"name": "a", "image": "busybox"},
                                                            {"name": "b", "image": "busybox"}]}})
        if self.maybe(0.15):
            objs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "preset"}})
        r.shuffle(objs)
        objs = self.named_by_table(objs)
        self.objs = objs
        return objs

    def named_by_table(self, objs):
        """Objects named by the rest of Kustomize's name-reference table (priority and
        storage classes, RBAC resourceNames, Ingress auth annotations), from the `x` stream
        and inserted after the shuffle, so that the other draws of a seed stay as they were."""
        x = self.x
        extra = []
        if x.random() < 0.3:
            extra.append({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                          "metadata": {"name": "urgent"}, "value": 1000})
            for o in objs:
                spec = pod_spec_of(o)
                if spec is not None and x.random() < 0.6:
                    spec["priorityClassName"] = "urgent"
        if x.random() < 0.3:
            params = {"type": "ssd"}
            if self.secrets and x.random() < 0.5:
                params["secretName"] = x.choice(self.secrets)
            extra.append({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
                          "provisioner": "example.com/disk", "parameters": params})
            for o in objs:
                if o["kind"] == "PersistentVolumeClaim" and x.random() < 0.7:
                    o["spec"]["storageClassName"] = "fast"
                for t in o.get("spec", {}).get("volumeClaimTemplates", []) if o["kind"] == "StatefulSet" else []:
                    if x.random() < 0.7:
                        t["spec"]["storageClassName"] = "fast"
        if (self.cms or self.secrets) and x.random() < 0.3:
            names = sorted(set(x.choice(self.cms + self.secrets) for _ in range(2))) + ["unrelated"]
            kind = "ClusterRole" if x.random() < 0.4 else "Role"
            meta = {"name": "config-reader"}
            if kind == "Role" and x.random() < 0.2:
                meta["namespace"] = "preset"
            extra.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta,
                          "rules": [{"apiGroups": [""], "resources": ["configmaps", "secrets"],
                                     "resourceNames": names, "verbs": ["get"]}]})
        if self.secrets and x.random() < 0.2:
            extra.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                          "metadata": {"name": "guarded", "annotations": {
                              "nginx.ingress.kubernetes.io/auth-secret": x.choice(self.secrets),
                              "nginx.ingress.kubernetes.io/auth-type": "basic"}},
                          "spec": {"defaultBackend": {"service": {"name": "guarded", "port": {"number": 80}}}}})
        for o in extra:
            objs.insert(x.randint(0, len(objs)), o)
        return objs


# ---------------------------------------------------------------------------------------
# Overlay fields


WIDGET_SCHEMA = {"definitions": {
    "v1.Widget": {
        "type": "object",
        "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}],
        "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                       "metadata": {"type": "object"},
                       "spec": {"type": "object", "properties": {
                           "containers": {"type": "array", "items": {"$ref": "#/definitions/v1.WidgetContainer"},
                                          "x-kubernetes-patch-merge-key": "name",
                                          "x-kubernetes-patch-strategy": "merge"}}}}},
    "v1.WidgetContainer": {"type": "object",
                           "properties": {"name": {"type": "string"}, "image": {"type": "string"}}}}}

WIDGET_CRD = {
    "example.com/v1.Widget": {"Schema": {"properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
        "spec": {"$ref": "example.com/v1.WidgetSpec"}}}},
    "example.com/v1.WidgetSpec": {"Schema": {"properties": {
        "configName": {"x-kubernetes-object-ref-api-version": "v1", "x-kubernetes-object-ref-kind": "ConfigMap",
                       "$ref": "example.com/v1.Ref"},
        "selector": {"x-kubernetes-label-selector": ""}}}},
    "example.com/v1.Ref": {"Schema": {"properties": {"name": {"type": "string"}}}}}


def pod_spec_of(o):
    """The pod spec of a workload, or None."""
    spec = o.get("spec", {})
    if o["kind"] == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {}).get("spec")


def name_of(o):
    return o["metadata"]["name"]


def containers_path(o):
    k = o["kind"]
    if k == "CronJob":
        return ["spec", "jobTemplate", "spec", "template", "spec", "containers"]
    if k in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return ["spec", "template", "spec", "containers"]
    return None


def dig(o, path):
    for p in path:
        if not isinstance(o, dict) or p not in o:
            return None
        o = o[p]
    return o


def nest(path, leaf):
    for p in reversed(path):
        leaf = {p: leaf}
    return leaf


class Overlay:
    """One kustomization's fields and files, written relative to its folder."""

    def __init__(self, g, objs, files, folder, level):
        self.g, self.r, self.objs, self.files, self.folder, self.level = g, g.r, objs, files, folder, level
        self.k = {}

    def file(self, name, content):
        self.files[f"{self.folder}/{name}"] = content
        return name

    def smp(self, o):
        """A strategic-merge patch of `o`: containers by name, env by name, ports, volumes,
        metadata, directives."""
        g, r = self.g, self.r
        p = {"apiVersion": o["apiVersion"], "kind": o["kind"], "metadata": {"name": name_of(o)}}
        choice = r.random()
        if choice < 0.25:
            p["metadata"]["labels"] = {"patched": "yes"}
            if g.maybe(0.3):
                p["metadata"]["annotations"] = {"example.com/note": None} if g.maybe() else {"a": "b"}
            return p
        cp = containers_path(o)
        if cp and choice < 0.85:
            cs = dig(o, cp) or []
            target = dict(cs[0]) if cs and g.maybe(0.8) else {"name": "extra", "image": "busybox"}
            c = {"name": target["name"]}
            what = r.random()
            if what < 0.2:
                c["image"] = "nginx:patched"
            elif what < 0.4:
                c["env"] = [{"name": "PATCHED", "value": "1"}]
                if g.maybe(0.3):
                    c["env"].append({"name": "MODE", "$patch": "delete"})
            elif what < 0.5:
                c["ports"] = [{"containerPort": 7070, "name": "extra"}]
            elif what < 0.6:
                c["volumeMounts"] = [{"name": "data", "mountPath": "/patched"}]
            elif what < 0.7:
                c = {"name": target["name"], "$patch": "delete"}
            elif what < 0.78:
                c["resources"] = {"$retainKeys": ["limits"], "limits": {"cpu": "1"}}
            elif what < 0.85:
                c["args"] = None
            else:
                c["securityContext"] = {"runAsNonRoot": True}
            pod = {"containers": [c]}
            if g.maybe(0.2) and len(cs) > 1:
                pod["$setElementOrder/containers"] = [{"name": x["name"]} for x in reversed(cs)]
            if g.maybe(0.2):
                pod["tolerations"] = [{"key": "extra", "operator": "Exists"}]
            if g.maybe(0.15):
                pod["volumes"] = [{"name": "data", "$patch": "delete"}] if g.maybe() else [
                    {"name": "extra", "emptyDir": {}}]
            if g.maybe(0.1):
                pod["containers"] = [{"$patch": "replace"}, {"name": "only", "image": "busybox"}]
            p.update(nest(cp[:-1], pod))
            if o["kind"] in ("Deployment", "StatefulSet") and g.maybe(0.3):
                p["spec"]["replicas"] = r.randint(2, 6)
            return p
        if o["kind"] == "Service":
            p["spec"] = {"ports": [{"name": "http", "port": 80, "targetPort": 9999}]}
            if g.maybe(0.3):
                p["spec"]["ports"].append({"port": 443, "name": "https"})
            if g.maybe(0.3):
                # Ports keyed by port and protocol: written, missing, equal or not.
                # (A port the patch already lists would be a duplicate merge key, which
                # Kubernetes refuses and Kustomize merges unpredictably: not generated.)
                free = [x for x in (80, 9090, 53) if x not in [q["port"] for q in p["spec"]["ports"]]]
                port = {"name": "metrics-p", "port": g.pick(free), "targetPort": 7777}
                if g.maybe(0.7):
                    port["protocol"] = g.pick(["TCP", "UDP"])
                p["spec"]["ports"].insert(r.randint(0, len(p["spec"]["ports"])), port)
            if g.maybe(0.2):
                p["spec"]["type"] = "NodePort"
            return p
        if o["kind"] == "Widget":
            p["spec"] = {"containers": [{"name": "a", "image": "nginx"}]}
            return p
        if o["kind"] in ("ConfigMap", "Secret"):
            p["data"] = {"extra": "eA==" if o["kind"] == "Secret" else "x"}
            return p
        if g.maybe(0.3):
            p["$patch"] = "delete"
            return p
        p["metadata"]["annotations"] = {"patched": "true"}
        return p

    def json6902(self, o):
        g, r = self.g, self.r
        ops = []
        cp = containers_path(o)
        for _ in range(r.randint(1, 3)):
            w = r.random()
            if w < 0.2:
                ops.append({"op": "add", "path": "/metadata/annotations/example.com~1j", "value": "x"})
            elif w < 0.35 and cp:
                base = "/" + "/".join(cp)
                c = dig(o, cp)
                if c and "env" in c[0] and g.maybe():
                    ops.append({"op": "add", "path": base + "/0/env/-", "value": {"name": "J", "value": "1"}})
                else:
                    ops.append({"op": "replace", "path": base + "/0/image", "value": "nginx:json"})
            elif w < 0.45 and o["kind"] in ("Deployment", "StatefulSet") and "replicas" in o.get("spec", {}):
                ops.append({"op": "replace", "path": "/spec/replicas", "value": r.randint(4, 9)})
            elif w < 0.55 and "labels" in o["metadata"]:
                ops.append({"op": "remove", "path": "/metadata/labels/" + next(iter(o["metadata"]["labels"]))})
            elif w < 0.65 and "labels" in o["metadata"]:
                ops.append({"op": "copy", "from": "/metadata/labels", "path": "/metadata/annotations"})
            elif w < 0.72 and "labels" in o["metadata"]:
                ops.append({"op": "move", "from": "/metadata/labels", "path": "/metadata/annotations"})
            elif w < 0.8:
                ops.append({"op": "test", "path": "/kind", "value": o["kind"] if g.maybe(0.95) else "Nope"})
            elif w < 0.9:
                ops.append({"op": "add", "path": "/metadata/labels", "value": {"json": "yes"}})
            elif w < 0.97:
                ops.append({"op": "add", "path": "/metadata/annotations", "value": {"json": "yes"}})
            else:
                ops.append({"op": "remove", "path": "/metadata/missing"})
        return ops

    def target(self, o):
        g = self.g
        t = {}
        w = self.r.random()
        if w < 0.4:
            t = {"kind": o["kind"], "name": name_of(o)}
        elif w < 0.55:
            t = {"kind": o["kind"]}
        elif w < 0.65:
            t = {"name": name_of(o)[:2] + ".*"}
        elif w < 0.75 and "labels" in o["metadata"]:
            k, v = next(iter(o["metadata"]["labels"].items()))
            t = {"labelSelector": f"{k}={v}" if g.maybe(0.8) else f"{k} in ({v},other)"}
        elif w < 0.82 and "annotations" in o["metadata"]:
            t = {"annotationSelector": "owner=team-" + name_of(o)}
        elif w < 0.9:
            t = {"group": o["apiVersion"].split("/")[0] if "/" in o["apiVersion"] else "",
                 "version": o["apiVersion"].split("/")[-1], "kind": o["kind"]}
        else:
            t = {"kind": o["kind"], "name": name_of(o) if g.maybe(0.7) else "nomatch"}
        return t

    def patches(self):
        g, r = self.g, self.r
        out = []
        for i in range(r.randint(1, 3)):
            o = g.pick(self.objs)
            entry = {}
            if g.maybe(0.55):
                body = self.smp(o)
                if g.maybe(0.4):
                    entry["target"] = self.target(o)
                    if g.maybe(0.5):
                        body["metadata"]["name"] = "ignored"
                text = yaml_docs([body])
            else:
                body = self.json6902(o)
                entry["target"] = self.target(o)
                text = yaml_docs([body]) if g.maybe(0.6) else json.dumps(body) + "\n"
            if g.maybe(0.5):
                entry["path"] = self.file(f"patch-{i}.yaml", text)
            else:
                entry["patch"] = text
            if g.maybe(0.05):
                entry["options"] = {"allowNameChange": True}
            out.append(entry)
        self.k["patches"] = out

    def legacy_patches(self):
        g = self.g
        o = g.pick(self.objs)
        if g.maybe():
            self.k["patchesStrategicMerge"] = [self.file("smp.yaml", yaml_docs([self.smp(o)]))]
        else:
            t = {"kind": o["kind"], "name": name_of(o), "version": o["apiVersion"].split("/")[-1]}
            if "/" in o["apiVersion"]:
                t["group"] = o["apiVersion"].split("/")[0]
            self.k["patchesJson6902"] = [{"target": t, "path": self.file("json.yaml", yaml_docs([self.json6902(o)]))}]

    def generators(self, behavior_names):
        g, r = self.g, self.r
        for key, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
            if not g.maybe(0.45):
                continue
            gens = []
            for i in range(r.randint(1, 2)):
                if behavior_names.get(kind) and g.maybe(0.5):
                    name = g.pick(behavior_names[kind])
                    spec = {"name": name, "behavior": g.pick(["merge", "replace", "merge"])}
                else:
                    name = f"gen-{kind.lower()}-{self.level}-{i}"
                    spec = {"name": name}
                    if g.maybe(0.1):
                        spec["behavior"] = "create"
                    behavior_names.setdefault(kind, []).append(name)
                    (g.cms if kind == "ConfigMap" else g.secrets).append(name)
                w = r.random()
                if w < 0.5 or "behavior" in spec:
                    spec["literals"] = [f"k={g.pick(['v', 'x y', 'quoted'])}"]
                    if g.maybe(0.3):
                        spec["literals"].append('password="s3cret"')
                if w >= 0.4:
                    fname = self.file(f"{name}.env", "A=1\n# a comment\nB=two words\n\nC=\n")
                    spec["envs"] = [fname]
                if g.maybe(0.3):
                    fname = self.file(f"{name}.conf", "line1\nline2\n" if g.maybe() else "no final newline")
                    spec["files"] = [fname if g.maybe() else f"renamed.conf={fname}"]
                if g.maybe(0.3):
                    spec["options"] = {}
                    if g.maybe():
                        spec["options"]["disableNameSuffixHash"] = True
                    if g.maybe():
                        spec["options"]["labels"] = {"generated": "yes"}
                    if g.maybe():
                        spec["options"]["annotations"] = {"note": "gen"}
                if kind == "Secret" and g.maybe(0.2):
                    spec["type"] = "Opaque"
                x = g.x
                if x.random() < 0.2:
                    fname = self.file(f"{name}-more.env", x.choice([
                        "\ufeffA=1\nQ=\"quoted value\"\nS='single'\nE=\nEQ=a=b=c\n  # indented comment\n",
                        "export B=2\n",
                        "K=v # not a comment\nT=\ttabbed\n",
                        "NOVALUE\n",
                    ]))
                    spec.setdefault("envs", []).append(fname)
                if x.random() < 0.15:
                    spec.setdefault("literals", []).append(x.choice(
                        ['q="double quoted"', "s='single'", "eq=a=b", "sp= spaced ", "empty="]))
                if x.random() < 0.15:
                    spec.setdefault("options", {})["immutable"] = True
                if x.random() < 0.1:
                    spec["namespace"] = "gen-ns"
                gens.append(spec)
            self.k[key] = gens
        if g.maybe(0.15):
            self.k["generatorOptions"] = {"labels": {"from": "options"}}
            if g.maybe():
                self.k["generatorOptions"]["disableNameSuffixHash"] = True

    def transformers(self):
        g, r = self.g, self.r
        if g.maybe(0.35):
            self.k["namespace"] = g.pick(["prod", "staging", "preset"])
        if g.maybe(0.3):
            self.k["namePrefix"] = g.pick(["p-", "team-", "x"])
        if g.maybe(0.25):
            self.k["nameSuffix"] = g.pick(["-v1", "-s"])
        if g.maybe(0.25):
            self.k["commonLabels"] = {"env": g.pick(["prod", "dev"])}
        if g.maybe(0.3):
            lab = {"pairs": {"team": "core"}}
            if g.maybe():
                lab["includeSelectors"] = g.maybe()
            if g.maybe():
                lab["includeTemplates"] = g.maybe()
            if g.x.random() < 0.2:
                lab["fields"] = [{"path": g.x.choice(["spec/template/metadata/labels", "metadata/annotations"]),
                                  "kind": "Deployment", "create": g.x.random() < 0.5}]
            self.k["labels"] = [lab]
        if g.maybe(0.25):
            self.k["commonAnnotations"] = {"owner": "platform", "note": "multi word"}
        if g.maybe(0.35):
            imgs = []
            for _ in range(r.randint(1, 2)):
                name = g.pick(IMAGES)
                i = {"name": name}
                w = r.random()
                if w < 0.3:
                    i["newTag"] = "2.0"
                elif w < 0.5:
                    i["newName"] = "mirror.local/" + name.split("/")[-1]
                elif w < 0.7:
                    i["digest"] = "sha256:" + "cd" * 32
                else:
                    i["newName"] = "mirror.local/x"
                    i["newTag"] = "3"
                if g.x.random() < 0.2:
                    i["tagSuffix"] = "-sfx"
                imgs.append(i)
            self.k["imageTags" if g.x.random() < 0.1 else "images"] = imgs
        scalable = [o for o in self.objs if o["kind"] in ("Deployment", "StatefulSet")]
        if scalable and g.maybe(0.25):
            self.k["replicas"] = [{"name": name_of(g.pick(scalable)), "count": r.randint(0, 5)}]

    def configs(self):
        """`transformers:` and `generators:` entries naming built-in plugin configurations:
        inline YAML text, a file, or a mapping."""
        g, r = self.g, self.r
        confs = []
        for i in range(r.randint(1, 3)):
            w = r.random()
            meta = {"name": f"t{i}"}
            if w < 0.15:
                c = {"kind": "LabelTransformer", "labels": {"via": "config"}}
                if g.maybe(0.8):
                    c["fieldSpecs"] = [{"path": "metadata/labels", "create": True}]
                    if g.maybe():
                        c["fieldSpecs"].append({"path": "spec/template/metadata/labels", "create": g.maybe(),
                                                "kind": "Deployment"})
            elif w < 0.25:
                c = {"kind": "AnnotationsTransformer", "annotations": {"via": "config"},
                     "fieldSpecs": [{"path": "metadata/annotations", "create": True}]}
            elif w < 0.4:
                c = {"kind": g.pick(["PrefixSuffixTransformer", "PrefixTransformer", "SuffixTransformer"])}
                if c["kind"] != "SuffixTransformer":
                    c["prefix"] = "cfg-"
                if c["kind"] != "PrefixTransformer":
                    c["suffix"] = "-cfg"
                if g.maybe(0.85):
                    c["fieldSpecs"] = [{"path": "metadata/name"}]
                    if g.maybe(0.3):
                        c["fieldSpecs"][0]["kind"] = g.pick(["Deployment", "ConfigMap", "Service"])
                    if g.x.random() < 0.35:
                        c["fieldSpecs"].append(g.x.choice([
                            {"path": "metadata/labels/app"},
                            {"path": "spec/template/spec/serviceAccountName", "kind": "Deployment"},
                            {"path": "spec/selector/app", "kind": "Service", "create": True},
                            {"path": "metadata/annotations/prefixed", "create": True},
                        ]))
            elif w < 0.5:
                c = {"kind": "NamespaceTransformer", "unsetOnly": g.maybe(0.2),
                     "fieldSpecs": [{"path": "metadata/namespace", "create": True}]}
                meta["namespace"] = "from-config"
            elif w < 0.6:
                c = {"kind": "ImageTagTransformer", "imageTag": {"name": g.pick(IMAGES), "newTag": "cfg"}}
            elif w < 0.7:
                scalable = [o for o in self.objs if o["kind"] in ("Deployment", "StatefulSet")]
                if not scalable:
                    continue
                c = {"kind": "ReplicaCountTransformer",
                     "replica": {"name": name_of(g.pick(scalable)), "count": r.randint(1, 9)},
                     "fieldSpecs": [{"path": "spec/replicas", "create": True, "kind": "Deployment"},
                                    {"path": "spec/replicas", "create": True, "kind": "StatefulSet"}]}
            elif w < 0.8:
                o = g.pick(self.objs)
                c = {"kind": "PatchTransformer", "target": self.target(o)}
                if g.maybe():
                    c["patch"] = yaml_docs([self.smp(o)])
                else:
                    c["patch"] = json.dumps(self.json6902(o))
            elif w < 0.87:
                o = g.pick(self.objs)
                c = {"kind": "PatchJson6902Transformer", "target": {"kind": o["kind"], "name": name_of(o)},
                     "jsonOp": json.dumps(self.json6902(o))}
            elif w < 0.93:
                o = g.pick(self.objs)
                c = {"kind": "PatchStrategicMergeTransformer", "patches": yaml_docs([self.smp(o)])}
            elif w < 0.96:
                c = {"kind": "HashTransformer"}
            else:
                c = {"kind": "ValueAddTransformer", "targets": []}
                if g.maybe(0.7):
                    c["value"] = g.pick(["team-a", " spaced ", "/abs/part"])
                for _ in range(r.randint(1, 2)):
                    t = {"fieldPath": g.pick(["metadata/namespace", "metadata/labels/owner",
                                              "metadata/annotations/example.com\\/path", "data/k"])}
                    if g.maybe(0.6):
                        t["selector"] = {"kind": g.pick(["ConfigMap", "Service", "Deployment", "Secret"])}
                    if t["fieldPath"] == "data/k" and g.maybe():
                        t["filePathPosition"] = r.randint(1, 3)
                    c["targets"].append(t)
            conf = {"apiVersion": "builtin", "kind": c.pop("kind"), "metadata": meta, **c}
            how = r.random()
            if how < 0.4:
                confs.append(yaml_docs([conf]))
            elif how < 0.8:
                confs.append(self.file(f"config-{i}.yaml", [conf]))
            else:
                confs.append(conf)
        if confs:
            self.k["transformers"] = confs
        if g.maybe(0.1):
            # A validator passes when it writes nothing and fails the build otherwise.
            sel = g.pick(["Nothing", "Nothing", "ConfigMap"])
            conf = {"apiVersion": "builtin", "kind": "AnnotationsTransformer",
                    "metadata": {"name": f"check-{self.level}"}, "annotations": {"checked": "yes"},
                    "fieldSpecs": [{"path": "metadata/annotations", "kind": sel, "create": g.maybe()}]}
            self.k["validators"] = [yaml_docs([conf]) if g.maybe() else self.file("validator.yaml", [conf])]
        if g.maybe(0.3):
            kind = g.pick(["ConfigMapGenerator", "SecretGenerator"])
            conf = {"apiVersion": "builtin", "kind": kind, "metadata": {"name": f"cfg-gen-{self.level}"},
                    "literals": ["from=config"]}
            if g.maybe(0.3):
                conf["options"] = {"disableNameSuffixHash": True}
            self.k["generators"] = [yaml_docs([conf]) if g.maybe() else self.file("gen-config.yaml", [conf])]

    def replacements(self):
        g = self.g
        srcs = [o for o in self.objs if o["kind"] in ("ConfigMap", "Service", "Deployment")]
        tgts = [o for o in self.objs if containers_path(o)]
        if not srcs or not tgts:
            return
        s = g.pick(srcs)
        field = {"ConfigMap": "data.k", "Service": "metadata.name", "Deployment": "metadata.name"}[s["kind"]]
        t = g.pick(tgts)
        cp = ".".join(containers_path(t))
        tp = g.pick([f"{cp}.[name={containers_path(t) and dig(t, containers_path(t))[0]['name']}].image",
                     "metadata.annotations.replaced", f"{cp}.0.env.0.value", f"{cp}.*.name"])
        target = {"select": {"kind": t["kind"]}, "fieldPaths": [tp]}
        if g.maybe(0.3):
            target["options"] = {"create": True}
        if g.maybe(0.2):
            target["options"] = {"delimiter": g.pick([":", "/", "-"]), "index": g.pick([-1, 0, 1, 3])}
            if g.maybe(0.3):
                target["options"]["create"] = True
        self.k["replacements"] = [{"source": {"kind": s["kind"], "name": name_of(s), "fieldPath": field},
                                   "targets": [target]}]
        y = g.y
        scalable = [o for o in self.objs if o["kind"] in ("Deployment", "StatefulSet")]
        cms = [o for o in self.objs if o["kind"] == "ConfigMap" and o.get("data")]
        if scalable and cms and y.random() < 0.4:
            # A ConfigMap's text into numeric, boolean and new fields: Kustomize keeps the
            # target's type and reads a created field's text as what it looks like.
            cm = y.choice(cms)
            key = y.choice(sorted(cm["data"]))
            cm["data"][key] = y.choice(["3", "true", "07", "1.5", "web", "null"])
            paths = y.sample(["spec.replicas", "spec.minReadySeconds", "spec.paused",
                              "spec.template.spec.hostNetwork", "metadata.annotations.count"],
                             y.randint(1, 3))
            self.k["replacements"].append({
                "source": {"kind": "ConfigMap", "name": name_of(cm), "fieldPath": f"data.{key}"},
                "targets": [{"select": {"kind": y.choice(scalable)["kind"]}, "fieldPaths": paths,
                             "options": {"create": y.random() < 0.7}}]})

    def vars(self):
        g = self.g
        svcs = [o for o in self.objs if o["kind"] == "Service"]
        cms = [o for o in self.objs if o["kind"] == "ConfigMap"]
        vs = []
        if svcs:
            vs.append({"name": "SVC_HOST", "objref": {"kind": "Service", "name": name_of(g.pick(svcs)),
                                                      "apiVersion": "v1"}})
        if cms and g.maybe():
            vs.append({"name": "LEVEL", "objref": {"kind": "ConfigMap", "name": name_of(g.pick(cms)),
                                                   "apiVersion": "v1"}, "fieldref": {"fieldpath": "data.k"}})
        if vs:
            self.k["vars"] = vs


def gen_case(seed):
    r = random.Random(seed)
    g = Gen(r, random.Random(f"extra-{seed}"))
    g.y = random.Random(f"extra2-{seed}")
    files = {}
    objs = g.objects()
    # The base: resources in one or two files, sometimes a generator.
    split = r.randint(0, len(objs))
    base_res = []
    if objs[:split]:
        files["base/a.yaml"] = objs[:split]
        base_res.append("a.yaml")
    if objs[split:]:
        files["base/b.yaml"] = objs[split:]
        base_res.append("b.yaml")
    if g.y.random() < 0.35:
        # Kinds whose scope Kustomize takes from its built-in schema (Kubernetes v1.21.2)
        # by apiVersion: newer kinds and versions are namespaced for it. Kept out of `objs`
        # so that the first streams still pick what they picked.
        files["base/c.yaml"] = scoped_objects(g.y)
        base_res.append("c.yaml")
    base = Overlay(g, objs, files, "base", 0)
    behavior = {}
    if g.maybe(0.5):
        base.generators(behavior)
    base.k = {"resources": base_res, **base.k}
    if g.maybe(0.3):
        base.transformers()
    levels = [base]
    folders = ["base"]
    n = r.randint(1, 4)
    for lv in range(1, n):
        folder = f"overlay{lv}"
        ov = Overlay(g, objs, files, folder, lv)
        ov.k["resources"] = [f"../{folders[-1]}"]
        if g.maybe(0.2):
            extra = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"extra-{lv}"}, "data": {"x": "1"}}
            ov.k["resources"].append(ov.file("extra.yaml", [extra]))
        if g.maybe(0.3):
            comp = Overlay(g, objs, files, f"comp{lv}", lv)
            comp.k = {"apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component"}
            if g.maybe():
                comp.patches()
            else:
                comp.transformers()
            if g.maybe(0.3):
                comp.generators(behavior)
            if g.y.random() < 0.3:
                comp.k["configurations"] = [comp.file("name-conf.yaml", [name_spec_conf(g.y)])]
            files[f"comp{lv}/kustomization.yaml"] = [comp.k]
            ov.k["components"] = [f"../comp{lv}"]
        if g.maybe(0.6):
            ov.patches()
        if g.maybe(0.25):
            ov.legacy_patches()
        if g.maybe(0.5):
            ov.generators(behavior)
        ov.transformers()
        if g.maybe(0.2):
            ov.replacements()
        if g.maybe(0.15):
            ov.vars()
        if g.maybe(0.3):
            ov.configs()
        if g.x.random() < 0.12:
            # (A kind-specific `metadata/name` spec here, with the prefix applied in an
            # including kustomization, is a known gap: docs/rendering.md.)
            conf = {g.x.choice(["namePrefix", "nameSuffix"]): [g.x.choice([
                {"path": "metadata/labels/app"},
                {"path": "spec/template/spec/serviceAccountName", "kind": "Deployment"},
            ])]}
            ov.k.setdefault("configurations", []).append(ov.file("name-conf.yaml", [conf]))
            if g.x.random() < 0.7:
                ov.k.setdefault("namePrefix", "np-")
                ov.k.setdefault("nameSuffix", "-ns")
        if g.y.random() < 0.15:
            # A kind-specific `metadata/name` spec: Kustomize's sorted table merge keeps it
            # before the default one, which an including kustomization then drops.
            ov.k.setdefault("configurations", []).append(ov.file("name-spec.yaml", [name_spec_conf(g.y)]))
        if g.y.random() < 0.3:
            ov.k.setdefault("namePrefix", g.y.choice(["p1-", "p2-"]))
        levels.append(ov)
        folders.append(folder)
    widgets = [o for o in objs if o["kind"] == "Widget"]
    if widgets and g.maybe(0.4):
        # A schema for the custom kind: its containers merge by name (and, as in Kustomize,
        # the built-in kinds lose their merge keys when the schema does not describe them).
        at = g.pick(levels)
        folder = folders[levels.index(at)]
        files[f"{folder}/schema.json"] = json.dumps(WIDGET_SCHEMA, indent=2) + "\n"
        at.k["openapi"] = {"path": "schema.json"}
    if widgets and g.maybe(0.4):
        # Widget's spec.configName names a ConfigMap (crds: field specs for the custom kind).
        for o in widgets:
            if g.cms:
                o["spec"]["configName"] = {"name": g.pick(g.cms)}
        at = g.pick(levels)
        folder = folders[levels.index(at)]
        files[f"{folder}/widget-crd.json"] = json.dumps(WIDGET_CRD, indent=2) + "\n"
        at.k["crds"] = ["widget-crd.json"]
    extras3(random.Random(f"extra3-{seed}"), objs, files, levels, folders)
    extras4(random.Random(f"extra4-{seed}"), objs, levels)
    extras5(random.Random(f"extra5-{seed}"), objs, files, levels, folders)
    extras6(random.Random(f"extra6-{seed}"), files, levels, folders)
    extras7(random.Random(f"extra7s-{seed}"), files, levels, folders)
    extras8(random.Random(f"extra8-{seed}"), files, levels, folders)
    extras9(random.Random(f"extra9-{seed}"), files, levels, folders)
    top = levels[-1]
    if g.maybe(0.15):
        top.k["buildMetadata"] = [g.pick(["managedByLabel", "originAnnotations"])]
    # transformerAnnotations (session kust12), from its own draws so the rest stays as it was.
    if random.Random(f"extra7-{seed}").random() < 0.12:
        top.k.setdefault("buildMetadata", []).append("transformerAnnotations")
    if g.maybe(0.15):
        top.k["sortOptions"] = {"order": g.pick(["legacy", "fifo"])}
        if top.k["sortOptions"]["order"] == "legacy" and g.maybe():
            top.k["sortOptions"]["legacySortOptions"] = {"orderFirst": ["Service", "Deployment"],
                                                         "orderLast": ["ConfigMap"]}
    for lv, o in zip(folders, levels):
        files[f"{lv}/kustomization.yaml"] = [recase(o.k, g.x)]
    for lv, o in zip(folders, levels):
        # extras5's fields, added after the recasing so that its draws stay as they were.
        k = files[f"{lv}/kustomization.yaml"][0]
        for key, val in o.k5.items():
            same = next((x for x in k if x.lower() == key.lower()), None)
            if same is not None and isinstance(k[same], list):
                k[same] = k[same] + val
            else:
                k[key] = val
    return files, folders[-1]


def extras3(z, objs, files, levels, folders):
    """Session 11 (a fourth random stream, so that each seed still writes its former
    overlays): field specs with a `version`, a prefix field spec on a label or annotation
    that `commonLabels`/`commonAnnotations` shared between fields, and a replacement into an
    explicit null."""
    top = levels[-1]
    folder = folders[-1]
    if z.random() < 0.25:
        # `version` in configuration and transformer field specs (kyaml's isMatchGVK; the
        # prefix table sorts a versioned spec before the default).
        conf = {z.choice(["namePrefix", "nameSuffix", "commonLabels"]): [
            {"path": z.choice(["metadata/name", "spec/selector/matchLabels", "metadata/labels"]),
             "version": z.choice(["v1", "v2", "v1beta1"]),
             **({"kind": z.choice(["Deployment", "Widget"])} if z.random() < 0.5 else {}),
             **({"create": True} if z.random() < 0.3 else {})}]}
        top.k.setdefault("configurations", []).append("version-conf.yaml")
        files[f"{folder}/version-conf.yaml"] = [conf]
        if z.random() < 0.6:
            top.k.setdefault("namePrefix", "vp-")
    if z.random() < 0.25:
        # commonLabels/commonAnnotations in the base, then a prefix spec on that label or
        # annotation above: one node shared by metadata, selector and template fields.
        base = levels[0]
        base.k.setdefault("commonLabels", {})["team"] = z.choice(["a", "b"])
        if z.random() < 0.5:
            base.k.setdefault("commonAnnotations", {})["note"] = "hi"
        specs = [{"path": z.choice(["metadata/labels/team", "spec/selector/matchLabels/team",
                                    "spec/template/metadata/labels/team"])}]
        if z.random() < 0.5:
            specs.append({"path": "metadata/annotations/note"})
        kind = z.choice(["PrefixTransformer", "SuffixTransformer"])
        top.k.setdefault("transformers", []).append(yaml_docs([{
            "apiVersion": "builtin", "kind": kind, "metadata": {"name": "label-affix"},
            ("prefix" if kind == "PrefixTransformer" else "suffix"): "x",
            "fieldSpecs": specs}]))
    deployments = [o for o in objs if o["kind"] == "Deployment"]
    cms = [o for o in objs if o["kind"] == "ConfigMap" and o.get("data")]
    if deployments and cms and z.random() < 0.25:
        # A replacement into a field written as null (Kustomize fails: the node keeps its
        # null tag), or into a null annotation (read as a string), or created.
        d = z.choice(deployments)
        spec = d["spec"]["template"]["spec"]
        spec["serviceAccountName"] = None
        if z.random() < 0.5:
            d["metadata"].setdefault("annotations", {})["owner"] = None
        cm = z.choice(cms)
        key = z.choice(sorted(cm["data"]))
        paths = z.sample(["spec.template.spec.serviceAccountName", "metadata.annotations.owner",
                          "spec.template.spec.hostname"], z.randint(1, 2))
        top.k.setdefault("replacements", []).append({
            "source": {"kind": "ConfigMap", "name": name_of(cm), "fieldPath": f"data.{key}"},
            "targets": [{"select": {"kind": "Deployment", "name": name_of(d)},
                         "fieldPaths": paths, "options": {"create": z.random() < 0.5}}]})


FOLDED_TEXTS = [
    "first line\nsame paragraph\n\n  more indented\n  again\nback\n",
    "x\n\ttab\nz\n",
    "a,b\n  c,d\ne\n",
    "one line\n",
    "p\n\n\n  q\n",
]


def extras4(w, objs, levels):
    """Session 13 (a fifth random stream): folded scalars (`>`, `>-`, `>+`, also as list
    elements) copied by replacements into created fields, folded and plain string targets,
    with a delimiter on the source or on the target. Kustomize copies the value; a folded
    target keeps its style."""
    cms = [o for o in objs if o["kind"] == "ConfigMap" and o.get("data")]
    deployments = [o for o in objs if o["kind"] == "Deployment"]
    if not cms or w.random() >= 0.35:
        return
    top = w.choice(levels)
    src = w.choice(cms)
    src["data"]["folded"] = folded(w.choice(FOLDED_TEXTS), w.choice([">", ">-", ">+"]))
    field = "data.folded"
    if deployments and w.random() < 0.3:
        d = w.choice(deployments)
        c = d["spec"]["template"]["spec"]["containers"][0]
        c["args"] = [folded(w.choice(FOLDED_TEXTS), w.choice([">", ">-"]))]
        src, field = d, "spec.template.spec.containers.0.args.0"
    dst = w.choice(cms)
    if w.random() < 0.5:
        dst["data"]["target"] = folded("old\n  text\n", w.choice([">", ">-"]))
    else:
        dst["data"]["target"] = "plain"
    paths = w.sample(["data.target", "data.created", "metadata.annotations.copied"], w.randint(1, 3))
    source = {"kind": src["kind"], "name": name_of(src), "fieldPath": field}
    if w.random() < 0.25:
        source["options"] = {"delimiter": w.choice([",", "\n", " "]), "index": w.choice([0, 1])}
    target = {"select": {"kind": "ConfigMap", "name": name_of(dst)}, "fieldPaths": paths,
              "options": {"create": True}}
    if w.random() < 0.2:
        target["options"].update({"delimiter": w.choice([",", "\n"]), "index": w.choice([0, 1, -1])})
    top.k.setdefault("replacements", []).append({"source": source, "targets": [target]})


# Keys YAML may read as another type than a string (go-yaml v3: numbers in Go's forms,
# booleans, nulls, dates; `yes`, `on`, `_1` are strings).
TYPED_KEYS = ["5432", "53", "yes", "on", "1.5", "true", "False", "08", "0x1F", "1e3",
              "1_0", "_1", "2024-02-29", "2023-02-29", "v1", "-1", "null", "x.y"]


def extras6(u, files, levels, folders):
    """Session 16 (a seventh random stream, drawn after the others, its fields added with
    extras5's): keys a tcp-services-style map has: generator literals and env-file keys,
    and resource data keys written plain, quoted or `!!str`, some of which YAML reads as
    numbers, booleans, nulls or dates (Kustomize then fails)."""
    if u.random() < 0.2:
        i = u.randrange(len(levels))
        at, folder = levels[i], folders[i]
        keys = u.sample(TYPED_KEYS, u.randint(1, 3))
        gen = {"name": "ports", "literals": [f"{k}=svc/{k}" for k in keys]}
        if u.random() < 0.4:
            env_keys = u.sample(TYPED_KEYS, u.randint(1, 2))
            files[f"{folder}/ports.env"] = "".join(f"{k}=ns/{k}\n" for k in env_keys)
            gen["envs"] = ["ports.env"]
        kind = "secretGenerator" if u.random() < 0.3 else "configMapGenerator"
        at.k5.setdefault(kind, []).append(gen)
    if u.random() < 0.2:
        i = u.randrange(len(levels))
        at, folder = levels[i], folders[i]
        lines = []
        for k in u.sample(TYPED_KEYS, u.randint(1, 3)):
            form = u.choice(["plain", "plain", "quoted", "tagged"])
            key = {"plain": k, "quoted": f'"{k}"', "tagged": f"!!str {k}"}[form]
            lines.append(f"  {key}: ns/svc-{len(lines)}\n")
        files[f"{folder}/tcp-services.yaml"] = (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tcp-services\ndata:\n"
            + "".join(lines))
        at.k5.setdefault("resources", []).append("tcp-services.yaml")


def extras7(w, files, levels, folders):
    """Session kust12 (an eighth random stream): NEL, LS and PS written raw in a resource
    file's plain, quoted and block scalars and comments, with blanks and text around them
    (go-yaml reads each as a line break; Kustomize fails on text it cuts off)."""
    if w.random() >= 0.15:
        return
    i = w.randrange(len(levels))
    at, folder = levels[i], folders[i]
    lines = []
    for n in range(w.randint(1, 4)):
        sep = w.choice(["\u0085", "\u2028", "\u2029"])
        pre, post = " " * w.randint(0, 2), " " * w.choice([0, 0, 1, 3, 6])
        tail = w.choice(["b", "", "b c"])
        form = w.choice(["plain", "double", "single", "literal", "comment"])
        if form == "plain":
            lines.append(f"  v{n}: a{pre}{sep}{post}{tail}\n")
        elif form == "double":
            lines.append(f'  v{n}: "a{pre}{sep}{post}{tail}"\n')
        elif form == "single":
            lines.append(f"  v{n}: 'a{pre}{sep}{post}{tail}'\n")
        elif form == "literal":
            lines.append(f"  v{n}: |\n    a{pre}{sep}{post}{tail}\n    z\n")
        else:
            lines.append(f"  v{n}: a # note{sep}{post}{w.choice(['', '# more', 'x'])}\n")
    files[f"{folder}/separators.yaml"] = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: separators\ndata:\n"
        + "".join(lines))
    at.k5.setdefault("resources", []).append("separators.yaml")


def extras8(x, files, levels, folders):
    """Session kust12 (a ninth random stream): a ConfigMap with labels and annotations and a
    strategic merge patch at its level whose labels or annotations are null, `{}` or
    `$patch: replace`, targeted or not, with options or not, or a patchesStrategicMerge
    entry (Kustomize's resource map clears null and empty ones from some of these)."""
    if x.random() >= 0.15:
        return
    i = x.randrange(len(levels))
    at, folder = levels[i], folders[i]
    files[f"{folder}/meta-cm.yaml"] = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: meta-cm\n"
        "  labels:\n    keep: label\n  annotations:\n    keep: note\ndata:\n  k: v\n")
    at.k5.setdefault("resources", []).append("meta-cm.yaml")
    md = {"name": "meta-cm"}
    for field in x.sample(["labels", "annotations"], x.randint(1, 2)):
        md[field] = x.choice([None, {}, {"$patch": "replace", "new": "one"}, {"keep": None}])
    patch = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": md}
    form = x.choice(["targeted", "plain", "options", "psm"])
    if form == "psm":
        at.k5.setdefault("patchesStrategicMerge", []).append(yaml_docs([patch]))
        return
    entry = {"patch": yaml_docs([patch])}
    if form == "targeted":
        entry["target"] = {"kind": "ConfigMap", "name": "meta-cm"}
    elif form == "options":
        entry["options"] = {"allowNameChange": True}
    at.k5.setdefault("patches", []).append(entry)


def extras9(t, files, levels, folders):
    """Session kust12 (a tenth random stream): scalars tagged !!int, !!float, !!bool or
    !!null, quoted or not, of their type or not (go-yaml v3 resolves them as Kustomize
    converts the object to JSON; one of another type fails there)."""
    if t.random() >= 0.12:
        return
    i = t.randrange(len(levels))
    at, folder = levels[i], folders[i]
    texts = ["12", "012", "0x1F", "1_000", "1.5", "1", "1e3", ".5", "true", "True", "yes",
             "", "~", "abc", "-0b101", "2024-01-01"]
    lines = []
    for n in range(t.randint(1, 3)):
        tag = t.choice(["!!int", "!!float", "!!bool", "!!null", "!!str"])
        text = t.choice(texts)
        quote = t.choice(['"', "'", ""]) if text not in ("", "~") else '"'
        lines.append(f"  t{n}: {tag} {quote}{text}{quote}\n")
    files[f"{folder}/tagged.yaml"] = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tagged\ndata:\n" + "".join(lines))
    at.k5.setdefault("resources", []).append("tagged.yaml")


def extras5(v, objs, files, levels, folders):
    """Session 15 (a sixth random stream, so that each seed still writes its former
    overlays): constructs of public setups the generator did not write: objects annotated
    `config.kubernetes.io/local-config` (a cluster-settings ConfigMap an overlay's
    replacements read, dropped from the output), replacements selecting by labelSelector
    and rejecting by name, kind or labels, ReplicaCountTransformer configurations with
    their own field specs (none, another kind, a custom path) and `replicas` specs in
    `configurations:`, NamespaceTransformer configurations with setRoleBindingSubjects and
    unsetOnly, ValueAddTransformers moving objects, binding subjects named `default` of
    every kind."""
    for lvl in levels:
        lvl.k5 = {}
    top = levels[-1]
    if v.random() < 0.3:
        settings = {"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "cluster-settings",
                                 "annotations": {"config.kubernetes.io/local-config":
                                                 v.choice(["true", "true", "", "false", "yes"])}},
                    "data": {"domain": v.choice(["apps.example.com", "prod.example.net"]), "replicas": "3"}}
        if v.random() < 0.5:
            settings["metadata"]["labels"] = {"settings": "cluster"}
        files[f"{folders[0]}/local.yaml"] = [settings]
        levels[0].k5.setdefault("resources", []).append("local.yaml")
        at = v.choice(levels)
        targets = []
        if any(o["kind"] == "Ingress" and "rules" in o["spec"] for o in objs):
            t = {"select": {"kind": "Ingress"}, "fieldPaths": ["spec.rules.*.host"]}
            if v.random() < 0.4:
                t["reject"] = [v.choice([{"name": "web"}, {"name": "api"}, {"labelSelector": "app=web"}])]
            # An Ingress without rules has no field there: Kustomize fails (not generated).
            bare = [{"name": name_of(o)} for o in objs if o["kind"] == "Ingress" and "rules" not in o["spec"]]
            if bare:
                t["reject"] = t.get("reject", []) + bare
            targets.append(t)
        t = {"select": {"kind": "ConfigMap"} if v.random() < 0.5 else {"labelSelector": v.choice(["app", "app=web", "settings"])},
             "fieldPaths": ["metadata.annotations.domain"], "options": {"create": True}}
        if v.random() < 0.5:
            t["reject"] = [v.choice([{"name": "cluster-settings"}, {"kind": "ConfigMap", "name": "web-config"},
                                     {"labelSelector": "settings=cluster"}])]
        targets.append(t)
        at.k5.setdefault("replacements", []).append(
            {"source": {"kind": "ConfigMap", "name": "cluster-settings", "fieldPath": "data.domain"},
             "targets": targets})
    scalable = [o for o in objs if o["kind"] in ("Deployment", "StatefulSet", "Widget")]
    if scalable and v.random() < 0.25:
        at = v.choice(levels[1:] or levels)
        o = v.choice(scalable)
        w = v.random()
        conf = {"apiVersion": "builtin", "kind": "ReplicaCountTransformer", "metadata": {"name": "scale"},
                "replica": {"name": name_of(o), "count": v.randint(0, 7)}}
        if w < 0.2:
            pass  # no field specs: selects nothing, Kustomize fails
        elif w < 0.5:
            conf["fieldSpecs"] = [{"path": "spec/replicas", "create": v.random() < 0.5,
                                   "kind": v.choice(["Deployment", "StatefulSet", "ReplicaSet"])}]
        else:
            conf["fieldSpecs"] = [{"path": v.choice(["spec/size", "spec/replicas", "spec/scale/count"]),
                                   "create": v.random() < 0.6, "kind": o["kind"]}]
            if v.random() < 0.3:
                conf["fieldSpecs"][0]["group"] = v.choice(["apps", "example.com", ""])
        at.k5.setdefault("transformers", []).append(yaml_docs([conf]))
    if scalable and v.random() < 0.2:
        at = v.choice(levels)
        spec = {"path": v.choice(["spec/size", "spec/scale/count"]), "kind": "Widget", "create": v.random() < 0.5}
        fname = f"replica-conf-{v.randint(0, 9)}.yaml"
        files[f"{folders[levels.index(at)]}/{fname}"] = [{"replicas": [spec]}]
        at.k5.setdefault("configurations", []).append(fname)
        top.k5.setdefault("replicas", []).append({"name": name_of(v.choice(scalable)), "count": v.randint(1, 4)})
    bindings = [o for o in objs if o["kind"] in ("RoleBinding", "ClusterRoleBinding")]
    if bindings and v.random() < 0.5:
        b = v.choice(bindings)
        b["subjects"].append(v.choice([
            {"kind": "User", "name": "default", "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "Group", "name": "default", "apiGroup": "rbac.authorization.k8s.io", "namespace": "given"},
            {"kind": "ServiceAccount", "name": "default"},
            {"kind": "ServiceAccount", "name": "builder", "namespace": "ci"},
        ]))
    if v.random() < 0.25:
        at = v.choice(levels)
        if v.random() < 0.6:
            conf = {"apiVersion": "builtin", "kind": "NamespaceTransformer",
                    "metadata": {"name": "ns", "namespace": v.choice(["apps", "team"])},
                    "fieldSpecs": [{"path": "metadata/namespace", "create": True}]}
            mode = v.choice(["allServiceAccounts", "none", "defaultOnly", None, "all"])
            if mode is not None:
                conf["setRoleBindingSubjects"] = mode
            if v.random() < 0.4:
                conf["unsetOnly"] = True
        else:
            conf = {"apiVersion": "builtin", "kind": "ValueAddTransformer", "metadata": {"name": "move"},
                    "value": v.choice(["apps", ""]), "targets": [{"fieldPath": "metadata/namespace"}]}
            if v.random() < 0.5:
                conf["targets"][0]["selector"] = {"kind": v.choice(["ServiceAccount", "RoleBinding", "ClusterRoleBinding"])}
        at.k5.setdefault("transformers", []).append(yaml_docs([conf]))
    if v.random() < 0.2:
        # Finalizers, a set of scalars the strategic merge unites (and dedupes where a patch
        # of the object does not name them).
        o = v.choice(objs)
        o["metadata"]["finalizers"] = v.choice([["a.example.com/x", "b"], ["b", "b", "c"], ["1", "a"]])
        if v.random() < 0.7:
            at = v.choice(levels[1:] or levels)
            patch = {"apiVersion": o["apiVersion"], "kind": o["kind"], "metadata": {"name": name_of(o)}}
            if v.random() < 0.7:
                patch["metadata"]["finalizers"] = v.choice([["c", "b"], ["z"], [1, "b", "b"]])
            else:
                patch["metadata"]["labels"] = {"final": "yes"}
            at.k5.setdefault("patches", []).append({"patch": yaml_docs([patch])})


SCOPED = [
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
    ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1", "IPAddress"),
    ("storage.k8s.io/v1", "VolumeAttributesClass"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("example.com/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("policy/v1beta1", "PodSecurityPolicy"),
    ("certificates.k8s.io/v1beta1", "ClusterTrustBundle"),
]


def scoped_objects(y):
    """Objects of kinds cluster-scoped in Kubernetes, some of which Kustomize namespaces,
    and an APIService and a CRD with a conversion webhook (namespace field specs)."""
    out = []
    for i, (av, kind) in enumerate(y.sample(SCOPED, y.randint(1, 4))):
        out.append({"apiVersion": av, "kind": kind, "metadata": {"name": f"scoped-{i}"}})
    if y.random() < 0.4:
        svc = {"name": "metrics"}
        if y.random() < 0.5:
            svc["namespace"] = "kube-system"
        spec = {"group": "metrics.example.com", "version": "v1beta1"}
        if y.random() < 0.7:
            spec["service"] = svc
        out.append({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                    "metadata": {"name": "v1beta1.metrics.example.com"}, "spec": spec})
    if y.random() < 0.3:
        out.append({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                    "metadata": {"name": "things.example.com"},
                    "spec": {"group": "example.com", "scope": "Namespaced",
                             "names": {"kind": "Thing", "plural": "things"},
                             "conversion": {"strategy": "Webhook", "webhook": {
                                 "conversionReviewVersions": ["v1"],
                                 "clientConfig": {"service": {"name": "conv", "namespace": "system"}}}},
                             "versions": [{"name": "v1", "served": True, "storage": True}]}})
    return out


def name_spec_conf(y):
    """A `configurations:` file giving `namePrefix`/`nameSuffix` a `metadata/name` spec for
    one kind (a kind Kustomize orders first, one it orders last, a custom one), sometimes
    with the default spec or a second kind beside it."""
    kinds = ["Deployment", "Service", "ConfigMap", "Widget", "MutatingWebhookConfiguration", "Job"]
    specs = [{"path": "metadata/name", "kind": y.choice(kinds)}]
    w = y.random()
    if w < 0.2:
        specs.append({"path": "metadata/name"})
    elif w < 0.4:
        specs.insert(0, {"path": "metadata/name"})
    elif w < 0.6:
        specs.append({"path": "metadata/name", "kind": y.choice(kinds)})
    if y.random() < 0.2:
        specs[0]["group"] = "apps"
    return {y.choice(["namePrefix", "nameSuffix", "namePrefix"]): specs}


def recase(k, x):
    """Sometimes writes a kustomization's field names in another case (`NamePrefix`, a patch
    target's `Kind`): Kustomize's JSON decoder matches field names case-insensitively."""
    if x.random() >= 0.15:
        return k
    up = lambda key: key[0].upper() + key[1:] if x.random() < 0.5 else key
    out = {}
    for key, v in k.items():
        if key in ("patches", "patchesJson6902", "images", "replicas") and isinstance(v, list):
            v = [{up(ek): ({up(tk): tv for tk, tv in ev.items()} if ek == "target" else ev)
                  for ek, ev in e.items()} if isinstance(e, dict) else e for e in v]
        out[key if key in ("apiVersion", "kind") else up(key)] = v
    return out


# ---------------------------------------------------------------------------------------
# Running both tools, comparing, reducing

# Differences known and explained in docs/rendering.md (Kustomize section, "Fidelity"): a
# pattern over the mismatch's first line and its cause. They are reported as KNOWN and do
# not fail the run; keep this list short and each entry documented.
KNOWN_GAPS = [
]


def known_gap(kind, detail):
    first = detail.splitlines()[0] if detail else ""
    return next((cause for pattern, cause in KNOWN_GAPS if kind == "diff" and pattern.search(first)), None)


def write(files, root):
    for rel, content in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = content if isinstance(content, str) else yaml_docs(content)
        with open(path, "w") as f:
            f.write(text)


def error_line(stderr):
    """Kustomize's error without its deprecation warnings."""
    lines = [l for l in stderr.splitlines() if not l.startswith("# Warning")]
    return "\n".join(lines).strip()[:600]


def outcome(files, top, args):
    """("same"|"diff"|"rg-error"|"rg-accepts", detail)."""
    with tempfile.TemporaryDirectory() as d:
        write(files, d)
        dir_ = os.path.join(d, top)
        ref = subprocess.run([args.kubectl, "kustomize", dir_], capture_output=True, text=True)
        if ref.returncode != 0:
            rg = subprocess.run([args.bin, dir_], capture_output=True, text=True)
            if rg.returncode == 2:
                return "both-refuse", error_line(ref.stderr).replace(d + "/", "")
            return "rg-accepts", "kubectl kustomize fails: " + error_line(ref.stderr).replace(d + "/", "")
        refpath = os.path.join(d, "ref.yaml")
        with open(refpath, "w") as f:
            f.write(ref.stdout)
        rg = subprocess.run([args.bin, dir_, "--compare", refpath], capture_output=True, text=True)
        if rg.returncode == 0 and getattr(args, "text", False):
            # The printed stream too, byte for byte less runeguard's `# Source:` lines.
            out = subprocess.run([args.bin, dir_], capture_output=True, text=True).stdout
            mine = [l for l in out.split("\n") if not l.startswith("# Source: ")]
            theirs = ref.stdout.split("\n")
            for i, (a, b) in enumerate(zip(mine, theirs)):
                if a != b:
                    return "text", f"line {i + 1}: runeguard {a!r}, kubectl {b!r}"
            if len(mine) != len(theirs):
                return "text", f"{len(mine)} lines vs {len(theirs)} from kubectl"
        if rg.returncode == 0:
            return "same", ""
        if rg.returncode == 1:
            return "diff", rg.stdout.strip()[:800]
        return "rg-error", (rg.stderr.strip() or rg.stdout.strip())[:800].replace(d + "/", "")


KEEP = {"apiVersion", "kind", "metadata", "name"}


def candidates(v, top=True):
    """Smaller versions of v: one field or element dropped, or one child reduced. An object
    keeps its apiVersion, kind and name, and a file keeps one document, so that the
    reduction does not wander into a different mismatch (an empty kustomization)."""
    if isinstance(v, dict):
        for k in list(v):
            if k in KEEP or len(v) == 1:
                continue
            w = dict(v)
            del w[k]
            yield w
        for k in list(v):
            for c in candidates(v[k], False):
                w = dict(v)
                w[k] = c
                yield w
    elif isinstance(v, list):
        for i in range(len(v)):
            if not (top and len(v) == 1):
                yield v[:i] + v[i + 1:]
        for i in range(len(v)):
            for c in candidates(v[i], False):
                yield v[:i] + [c] + v[i + 1:]


def signature(kind, detail):
    """What makes two mismatches the same: the kind, and for a difference the first
    differing field (without document numbers and values)."""
    if kind == "text":
        return kind + " " + re.sub(r"^line \d+: ", "", detail)
    if kind != "diff":
        return kind
    first = detail.splitlines()[0] if detail else ""
    first = re.sub(r"^DIFF document \d+ \([^)]*\): ", "", first)
    first = re.sub(r"\[\d+\]", "[]", first)
    return kind + " " + re.sub(r"(only in \w+).*|:.*", r"\1", first)


def reduce(files, top, kind, detail, args, budget=400):
    """Drops files' documents, fields and list elements while the same mismatch stays."""
    want = signature(kind, detail)
    files = copy.deepcopy(files)
    progress = True
    while progress and budget > 0:
        progress = False
        for rel in sorted(files):
            content = files[rel]
            if isinstance(content, str):
                continue
            for cand in candidates(content):
                if budget <= 0:
                    break
                budget -= 1
                trial = dict(files)
                trial[rel] = cand
                if signature(*outcome(trial, top, args)) == want:
                    files = trial
                    progress = True
                    break
            if progress:
                break
    # Files nothing names any more are left out of the listing.
    return files


def show(files):
    out = []
    for rel in sorted(files):
        content = files[rel]
        text = content if isinstance(content, str) else yaml_docs(content)
        out.append(f"--- {rel}\n{text}")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--case", type=int, help="only this case number")
    ap.add_argument("--bin", help="kustomize_build example binary")
    ap.add_argument("--kubectl", default="kubectl")
    ap.add_argument("--keep", help="write each reduced mismatch under DIR/case-SEED-K")
    ap.add_argument("--write-only", help="write the case(s) under DIR and stop")
    ap.add_argument("--no-reduce", action="store_true")
    ap.add_argument("--text", action="store_true",
                    help="also compare the printed stream as text (less `# Source:` lines)")
    ap.add_argument("--verbose", action="store_true", help="also say why both tools refused a case")
    args = ap.parse_args()
    cases = [args.case] if args.case is not None else range(args.count)
    same = 0
    refused = 0
    known = 0
    mismatches = 0
    for k in cases:
        files, top = gen_case(args.seed * 1_000_003 + k)
        if args.write_only:
            write(files, os.path.join(args.write_only, f"case-{args.seed}-{k}"))
            continue
        kind, detail = outcome(files, top, args)
        if kind in ("same", "both-refuse"):
            same += 1
            refused += kind == "both-refuse"
            if args.verbose and kind == "both-refuse":
                print(f"both refuse case {k}: {detail}")
            continue
        cause = known_gap(kind, detail)
        if cause:
            known += 1
            print(f"KNOWN seed {args.seed} case {k}: {cause}\n  {detail.splitlines()[0]}")
            continue
        mismatches += 1
        small = files if args.no_reduce else reduce(files, top, kind, detail, args)
        _, detail = outcome(small, top, args)
        print(f"MISMATCH seed {args.seed} case {k} ({kind}): top overlay {top}/")
        print("  " + detail.replace("\n", "\n  "))
        print("  reduced overlay:")
        print("    " + show(small).rstrip("\n").replace("\n", "\n    "))
        if args.keep:
            dest = os.path.join(args.keep, f"case-{args.seed}-{k}")
            shutil.rmtree(dest, ignore_errors=True)
            write(small, dest)
        sys.stdout.flush()
    if not args.write_only:
        print(f"kustomize differential: {same}/{same + known + mismatches} generated overlays build the same as "
              f"kubectl kustomize (seed {args.seed}; {refused} refused by both; {known} known gaps; "
              f"{mismatches} mismatches)")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
