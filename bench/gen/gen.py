#!/usr/bin/env python3
"""Writes a synthetic repository of N files for scale runs of runeguard.

    python3 bench/gen/gen.py OUT_DIR N [--seed S]

The files mix what a platform monorepo holds: Kubernetes Deployments (with containers,
probes, security contexts, some deliberately weak), Services, NetworkPolicies, Istio
PeerAuthentications / DestinationRules / AuthorizationPolicies, multi-document YAML bundles,
and PostgreSQL schemas (tables, roles, grants, row-level security). About 1 file in 8 is SQL.
Files are spread over nested team/service directories (at most 200 files a directory), and
the output is deterministic for a given N and seed. Stdlib only.
"""

import argparse
import os
import random

TEAMS = ["payments", "search", "identity", "billing", "catalog", "orders", "ledger", "ml", "edge", "infra"]
IMAGES = ["nginx", "redis", "postgres", "api", "worker", "gateway", "envoy", "busybox"]


def deployment(r, name, ns):
    weak = r.random() < 0.3
    containers = []
    for c in range(r.randint(1, 3)):
        tag = "latest" if weak and c == 0 else f"{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}"
        sc = (
            "        securityContext:\n          privileged: true\n"
            if weak and r.random() < 0.5
            else "        securityContext:\n          runAsNonRoot: true\n          allowPrivilegeEscalation: false\n"
            "          readOnlyRootFilesystem: true\n          capabilities:\n            drop: [ALL]\n"
        )
        res = (
            ""
            if weak
            else f"        resources:\n          requests: {{cpu: {r.randint(50, 500)}m, memory: {r.randint(64, 512)}Mi}}\n"
            f"          limits: {{cpu: {r.randint(1, 4)}, memory: {r.randint(1, 4)}Gi}}\n"
        )
        env = "".join(
            f"          - name: VAR_{k}\n            value: \"{r.randint(0, 10**6)}\"\n" for k in range(r.randint(0, 4))
        )
        containers.append(
            f"      - name: c{c}\n        image: registry.example.com/{r.choice(IMAGES)}:{tag}\n"
            f"        ports:\n          - containerPort: {r.choice([80, 8080, 9090, 5432, 6379])}\n"
            + (f"        env:\n{env}" if env else "")
            + sc
            + res
            + "        livenessProbe:\n          httpGet: {path: /healthz, port: 8080}\n"
        )
    host = "      hostNetwork: true\n" if weak and r.random() < 0.2 else ""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"  labels:\n    app: {name}\n    team: {ns}\nspec:\n  replicas: {r.randint(1, 6)}\n"
        f"  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n"
        f"    spec:\n{host}      serviceAccountName: {name}\n      automountServiceAccountToken: false\n"
        f"      containers:\n" + "".join(containers)
    )


def service(r, name, ns):
    kind = r.choice(["ClusterIP", "ClusterIP", "NodePort", "LoadBalancer"])
    return (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  type: {kind}\n"
        f"  selector:\n    app: {name}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
    )


def network_policy(r, name, ns):
    return (
        f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}-ingress\n  namespace: {ns}\n"
        f"spec:\n  podSelector:\n    matchLabels:\n      app: {name}\n  policyTypes: [Ingress, Egress]\n"
        f"  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              team: {r.choice(TEAMS)}\n"
        f"      ports:\n        - port: 8080\n  egress:\n    - to:\n        - ipBlock:\n            cidr: 10.{r.randint(0, 255)}.0.0/16\n"
    )


def istio(r, name, ns):
    choice = r.randrange(3)
    if choice == 0:
        mode = r.choice(["STRICT", "STRICT", "PERMISSIVE"])
        return (
            f"apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"spec:\n  mtls:\n    mode: {mode}\n"
        )
    if choice == 1:
        tls = r.choice(["ISTIO_MUTUAL", "ISTIO_MUTUAL", "DISABLE"])
        return (
            f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"spec:\n  host: {name}.{ns}.svc.cluster.local\n  trafficPolicy:\n    tls:\n      mode: {tls}\n"
        )
    return (
        f"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"spec:\n  selector:\n    matchLabels:\n      app: {name}\n  action: ALLOW\n  rules:\n"
        f"    - from:\n        - source:\n            principals: [\"cluster.local/ns/{r.choice(TEAMS)}/sa/{name}\"]\n"
        f"      to:\n        - operation:\n            methods: [GET, POST]\n"
    )


def sql_schema(r, name):
    out = []
    for t in range(r.randint(1, 5)):
        table = f"{name}_t{t}"
        cols = ",\n".join(
            f"  col{c} {r.choice(['text', 'integer', 'bigint', 'timestamptz', 'jsonb', 'boolean'])}"
            for c in range(r.randint(2, 10))
        )
        out.append(f"CREATE TABLE {table} (\n  id bigserial PRIMARY KEY,\n{cols}\n);\n")
        if r.random() < 0.5:
            out.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n")
        if r.random() < 0.3:
            out.append(f"GRANT ALL ON {table} TO PUBLIC;\n")
        if r.random() < 0.3:
            out.append(f"CREATE INDEX {table}_col0 ON {table} (col0);\n")
    if r.random() < 0.3:
        pw = "PASSWORD 'changeme'" if r.random() < 0.3 else ""
        out.append(f"CREATE ROLE {name}_app LOGIN {pw};\n")
    if r.random() < 0.2:
        out.append(
            f"CREATE FUNCTION {name}_touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;\n"
        )
    return "".join(out)


def generate(out_dir, n, seed):
    r = random.Random(seed)
    written = 0
    for i in range(n):
        team = TEAMS[i % len(TEAMS)]
        # At most 200 files a directory: team/groupNNN/.
        sub = os.path.join(out_dir, team, f"group{i // (200 * len(TEAMS)):04d}")
        os.makedirs(sub, exist_ok=True)
        name = f"svc{i}"
        roll = r.random()
        if roll < 0.125:
            path, body = os.path.join(sub, f"{name}.sql"), sql_schema(r, name)
        elif roll < 0.45:
            path, body = os.path.join(sub, f"{name}-deploy.yaml"), deployment(r, name, team)
        elif roll < 0.6:
            path, body = os.path.join(sub, f"{name}-svc.yaml"), service(r, name, team)
        elif roll < 0.7:
            path, body = os.path.join(sub, f"{name}-netpol.yaml"), network_policy(r, name, team)
        elif roll < 0.85:
            path, body = os.path.join(sub, f"{name}-istio.yaml"), istio(r, name, team)
        else:
            # A bundle, as kustomize or Helm output leaves it.
            docs = [deployment(r, name, team), service(r, name, team), network_policy(r, name, team), istio(r, name, team)]
            path, body = os.path.join(sub, f"{name}-bundle.yaml"), "---\n".join(docs)
        with open(path, "w", encoding="utf-8") as f:
            f.write(body)
        written += 1
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    if a.n < 0:
        ap.error("N must be >= 0")
    n = generate(a.out_dir, a.n, a.seed)
    print(f"wrote {n} files to {a.out_dir}")


if __name__ == "__main__":
    main()
