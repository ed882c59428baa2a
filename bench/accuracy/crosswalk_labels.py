"""The crosswalk: which peer check corresponds to which of our rules, and why each known
disagreement is what it is. Edited by hand; crosswalk.py reads it.

`match` (optional) is a regex our finding's message must match, for peer checks narrower than
our rule (Checkov has separate CPU and memory checks where K8S-013 names both). `labels`
overrides a Checkov file-name label, only where the check's own expected summary (in
GROUND_TRUTH.json) forces it because the fixture folder is shared by several checks.
"""

W = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}
RBAC = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
NAMESPACED = W | {"Service", "ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding", "Ingress", "NetworkPolicy",
                  "PodDisruptionBudget", "HorizontalPodAutoscaler", "PersistentVolumeClaim", "LimitRange"}

# Kinds that are context in a fixture (a NetworkPolicy beside the workload), never a unit.
STANDARD_KINDS = W | RBAC | NAMESPACED | {"Namespace", "PodSecurityPolicy", "PersistentVolume", "StorageClass"}

# OpenShift's DeploymentConfig (apps.openshift.io) is outside the catalog's workload kinds.
OUT_OF_SCOPE_KINDS = ("apps.openshift.io", "policy/v1beta1")

CPU = r"no CPU"
MEMORY = r"(no memory|or memory)"

CHECKOV = [
    {"check": "CKV_K8S_16", "dirs": ["example_PrivilegedContainers"], "rules": ["K8S-001"], "kinds": W},
    {"check": "CKV_K8S_20", "dirs": ["example_AllowPrivilegeEscalation"], "rules": ["K8S-002"], "kinds": W},
    {"check": "CKV_K8S_23", "dirs": ["example_RootContainers"], "rules": ["K8S-003"], "kinds": W},
    {"check": "CKV_K8S_22", "dirs": ["example_ReadOnlyFilesystem"], "rules": ["K8S-005"], "kinds": W},
    {"check": "CKV_K8S_39", "dirs": ["example_AllowedCapabilitiesSysAdmin"], "rules": ["K8S-006"], "match": "SYS_ADMIN", "kinds": W},
    {"check": "CKV_K8S_25", "dirs": ["example_AllowedCapabilities"], "rules": ["K8S-006"], "kinds": W},
    {"check": "CKV_K8S_28", "dirs": ["example_DropCapabilities"], "rules": ["K8S-007"], "kinds": W},
    # The folder's names label CKV_K8S_28 (NET_RAW); CKV_K8S_37 wants ALL dropped, so the file that
    # drops only NET_RAW fails it (its summary: 2 passed, 3 failed).
    {"check": "CKV_K8S_37", "dirs": ["example_DropCapabilities"], "rules": ["K8S-007"], "kinds": W,
     "labels": {"pod-drop-NET_RAW-capabilities-PASSED.yaml": ("fail", None)}},
    {"check": "CKV_K8S_19", "dirs": ["example_ShareHost"], "rules": ["K8S-008"], "kinds": W, "per_container": False},
    {"check": "CKV_K8S_17", "dirs": ["example_ShareHost"], "rules": ["K8S-009"], "kinds": W, "per_container": False},
    {"check": "CKV_K8S_18", "dirs": ["example_ShareHost"], "rules": ["K8S-010"], "kinds": W, "per_container": False},
    {"check": "CKV_K8S_27", "dirs": ["example_DockerSocketVolume"], "rules": ["K8S-011"], "match": "Docker socket", "kinds": W, "per_container": False},
    {"check": "CKV_K8S_26", "dirs": ["example_HostPort"], "rules": ["K8S-012"], "kinds": W},
    {"check": "CKV_K8S_11", "dirs": ["example_Requests_Limits"], "rules": ["K8S-013"], "match": CPU, "kinds": W},
    {"check": "CKV_K8S_13", "dirs": ["example_Requests_Limits"], "rules": ["K8S-013"], "match": MEMORY, "kinds": W},
    {"check": "CKV_K8S_10", "dirs": ["example_Requests_Limits"], "rules": ["K8S-014"], "match": CPU, "kinds": W},
    {"check": "CKV_K8S_12", "dirs": ["example_Requests_Limits"], "rules": ["K8S-014"], "match": MEMORY, "kinds": W},
    {"check": "CKV_K8S_14", "dirs": ["example_ImageTagFixed"], "rules": ["K8S-015"], "kinds": W},
    {"check": "CKV_K8S_43", "dirs": ["example_ImageDigest"], "rules": ["K8S-016"], "kinds": W},
    {"check": "CKV_K8S_35", "dirs": ["example_Secrets"], "rules": ["K8S-018"], "kinds": W},
    {"check": "CKV_K8S_21", "dirs": ["example_DefaultNamespace", "example_NoDefaultNamespace"], "rules": ["K8S-019"], "kinds": NAMESPACED, "per_container": False},
    {"check": "CKV_K8S_38", "dirs": ["example_ServiceAccountTokens"], "rules": ["K8S-020"], "kinds": W, "per_container": False},
    {"check": "CKV_K8S_31", "dirs": ["example_Seccomp"], "rules": ["K8S-021"], "kinds": W},
    {"check": "CKV_K8S_40", "dirs": ["example_RootContainersHighUID"], "rules": ["K8S-039"], "kinds": W},
    {"check": "CKV_K8S_8", "dirs": ["example_LivenessReadiness"], "rules": ["K8S-023"], "kinds": W},
    {"check": "CKV_K8S_9", "dirs": ["example_LivenessReadiness"], "rules": ["K8S-024"], "kinds": W},
    {"check": "CKV_K8S_49", "dirs": ["example_WildcardRoles"], "rules": ["K8S-030"], "kinds": RBAC, "per_container": False},
]

KUBELINTER = [
    {"check": "privileged-container", "rules": ["K8S-001"], "kinds": W},
    {"check": "privilege-escalation-container", "rules": ["K8S-002"], "kinds": W},
    # kube-linter's run-as-non-root also reports runAsGroup 0, which is our K8S-004.
    {"check": "run-as-non-root", "rules": ["K8S-003", "K8S-004"], "kinds": W},
    {"check": "no-read-only-root-fs", "rules": ["K8S-005"], "kinds": W},
    {"check": "drop-net-raw-capability", "rules": ["K8S-006"], "match": "NET_RAW", "kinds": W},
    {"check": "host-network", "rules": ["K8S-008"], "kinds": W, "level": "object"},
    {"check": "host-pid", "rules": ["K8S-009"], "kinds": W, "level": "object"},
    {"check": "host-ipc", "rules": ["K8S-010"], "kinds": W, "level": "object"},
    {"check": "sensitive-host-mounts", "rules": ["K8S-011"], "match": "critical", "kinds": W, "level": "object"},
    {"check": "docker-sock", "rules": ["K8S-011"], "match": "Docker socket", "kinds": W, "level": "object"},
    {"check": "unset-cpu-requirements", "rules": ["K8S-014"], "match": CPU, "kinds": W},
    {"check": "unset-memory-requirements", "rules": ["K8S-013"], "match": MEMORY, "kinds": W},
    {"check": "latest-tag", "rules": ["K8S-015"], "kinds": W},
    {"check": "env-var-secret", "rules": ["K8S-017"], "kinds": W},
    {"check": "read-secret-from-env-var", "rules": ["K8S-018"], "kinds": W},
    {"check": "use-namespace", "rules": ["K8S-019"], "kinds": NAMESPACED, "level": "object"},
    {"check": "non-isolated-pod", "rules": ["K8S-028"], "kinds": W, "level": "object"},
    {"check": "wildcard-in-rules", "level": "file", "rules": ["K8S-030"], "kinds": RBAC},
    {"check": "access-to-secrets", "level": "file", "rules": ["K8S-031"], "kinds": RBAC},
    {"check": "cluster-admin-role-binding", "level": "file", "rules": ["K8S-032"], "kinds": RBAC},
    {"check": "access-to-create-pods", "level": "file", "rules": ["K8S-033"], "kinds": RBAC},
    {"check": "unsafe-proc-mount", "rules": ["K8S-037"], "kinds": W},
    {"check": "unsafe-sysctls", "rules": ["K8S-038"], "kinds": W, "level": "object"},
    {"check": "no-liveness-probe", "rules": ["K8S-023"], "kinds": W},
    {"check": "no-readiness-probe", "rules": ["K8S-024"], "kinds": W},
]

POLARIS = [
    {"check": "runAsPrivileged", "rules": ["K8S-001"], "kinds": W},
    {"check": "privilegeEscalationAllowed", "rules": ["K8S-002"], "kinds": W},
    {"check": "runAsRootAllowed", "rules": ["K8S-003"], "kinds": W},
    {"check": "notReadOnlyRootFilesystem", "rules": ["K8S-005"], "kinds": W},
    {"check": "dangerousCapabilities", "rules": ["K8S-006"], "kinds": W},
    {"check": "insecureCapabilities", "rules": ["K8S-007"], "kinds": W},
    {"check": "hostNetworkSet", "rules": ["K8S-008"], "kinds": W},
    {"check": "hostPIDSet", "rules": ["K8S-009"], "kinds": W},
    {"check": "hostIPCSet", "rules": ["K8S-010"], "kinds": W},
    {"check": "hostPathSet", "rules": ["K8S-011"], "kinds": W},
    {"check": "hostPortSet", "rules": ["K8S-012"], "kinds": W},
    {"check": "cpuLimitsMissing", "rules": ["K8S-013"], "match": CPU, "kinds": W},
    {"check": "memoryLimitsMissing", "rules": ["K8S-013"], "match": MEMORY, "kinds": W},
    {"check": "cpuRequestsMissing", "rules": ["K8S-014"], "match": CPU, "kinds": W},
    {"check": "memoryRequestsMissing", "rules": ["K8S-014"], "match": MEMORY, "kinds": W},
    {"check": "tagNotSpecified", "rules": ["K8S-015"], "kinds": W},
    {"check": "sensitiveContainerEnvVar", "rules": ["K8S-017"], "kinds": W},
    {"check": "automountServiceAccountToken", "rules": ["K8S-020"], "kinds": W},
    {"check": "procMount", "rules": ["K8S-037"], "kinds": W},
    {"check": "hostProcess", "rules": ["K8S-043"], "kinds": W},
    {"check": "missingNetworkPolicy", "rules": ["K8S-028"], "kinds": W},
    # K8S-041 reports a single replica, or else (two or more) a missing PodDisruptionBudget.
    {"check": "missingPodDisruptionBudget", "rules": ["K8S-041"], "kinds": W},
    {"check": "deploymentMissingReplicas", "rules": ["K8S-041"], "match": "single replica", "kinds": W},
    {"check": "livenessProbeMissing", "rules": ["K8S-023"], "kinds": W},
    {"check": "readinessProbeMissing", "rules": ["K8S-024"], "kinds": W},
    {"check": "clusterrolebindingClusterAdmin", "rules": ["K8S-032"], "kinds": RBAC},
    {"check": "rolebindingClusterAdminClusterRole", "rules": ["K8S-032"], "kinds": RBAC},
    {"check": "rolebindingClusterAdminRole", "rules": ["K8S-032"], "kinds": RBAC},
    {"check": "sensitiveConfigmapContent", "rules": ["K8S-036"], "kinds": {"ConfigMap"}},
]

# (peer, check, unit) -> (verdict, one-line reason). Verdicts: "peer wrong", "ours wrong" (then
# the rule is fixed and the entry removed), "definition differs".
CK = "k8s-checkov-fixtures/"
PO = "k8s-polaris-fixtures/"
CLUSTER_ADMIN = ("definition differs", "Polaris counts a binding to any role that grants every verb on every resource "
                 "as a cluster-admin binding; K8S-032 is the binding to `cluster-admin` itself, and the wildcard grant "
                 "is reported by K8S-030 on the role")
CLUSTER_ADMIN_SYSTEM = ("definition differs", "as above; here the wildcard role is named `system:test`, and K8S-030 leaves "
                        "`system:` roles (Kubernetes' own) alone")
NETPOL = ("definition differs", "Polaris also wants every selected pod covered for both ingress and egress with rules; "
          "K8S-028 asks that some NetworkPolicy selects the pods (an allow-all policy is K8S-029's concern)")
PLACEHOLDER = ("peer wrong", "the value is the placeholder `xxxxx`, not a credential; K8S-036 reports literal values only "
               "(a real value under this key is reported)")

EXPLAINED = {
    ("checkov", "CKV_K8S_23", CK + "example_RootContainers/rootContainersFAILED-malformed-spec.yaml"):
        ("definition differs", "`spec` is a list, which the API server rejects; runeguard judges well-formed pod specs "
                               "only (schema validation is not a security rule)"),
    ("checkov", "CKV_K8S_39", CK + "example_AllowedCapabilitiesSysAdmin/pod-FAILED2.yaml"):
        ("peer wrong", "the pod has `containers:` with no container at all: nothing adds SYS_ADMIN"),
    ("checkov", "CKV_K8S_25", CK + "example_AllowedCapabilities/cassandra-FAILED.yaml"):
        ("definition differs", "Checkov flags any added capability; K8S-006 flags dangerous ones, and IPC_LOCK "
                               "(locking memory, as Cassandra does) is not"),
    ("checkov", "CKV_K8S_28", CK + "example_DropCapabilities/pod-drop-NET_RAW-capabilities-PASSED.yaml"):
        ("definition differs", "CKV_K8S_28 only asks that NET_RAW be dropped; K8S-007 asks for ALL (Checkov's own "
                               "CKV_K8S_37 fails the same file)"),
    ("polaris", "missingNetworkPolicy", PO + "missingNetworkPolicy/failure.netpol_missing_egress_in_policytypes.yaml"): NETPOL,
    ("polaris", "missingNetworkPolicy", PO + "missingNetworkPolicy/failure.netpol_missing_egress_rules.yaml"): NETPOL,
    ("polaris", "missingNetworkPolicy", PO + "missingNetworkPolicy/failure.netpol_missing_ingress_in_policytypes.yaml"): NETPOL,
    ("polaris", "missingNetworkPolicy", PO + "missingNetworkPolicy/failure.netpol_missing_ingress_rules.yaml"): NETPOL,
    ("polaris", "sensitiveConfigmapContent", PO + "sensitiveConfigmapContent/failure.key_aws_secret_access_key.yaml"): PLACEHOLDER,
    ("polaris", "sensitiveConfigmapContent", PO + "sensitiveConfigmapContent/failure.key_azure_batch_key.yaml"): PLACEHOLDER,
    ("polaris", "sensitiveConfigmapContent", PO + "sensitiveConfigmapContent/failure.key_oci_cli_key_content.yaml"): PLACEHOLDER,
}
for name in ("success.yaml", "success.many.yaml"):
    EXPLAINED[("polaris", "missingPodDisruptionBudget", f"{PO}missingPodDisruptionBudget/{name}")] = (
        "definition differs", "the budget exists, but the Deployment sets no `replicas` (one pod): K8S-041 reports the "
        "single replica, which no budget can protect")
for check in ("clusterrolebindingClusterAdmin", "rolebindingClusterAdminClusterRole", "rolebindingClusterAdminRole"):
    for name in ("all_verbs", "all_verbs_different_order", "wildcards"):
        EXPLAINED[("polaris", check, f"{PO}{check}/failure.{name}.yaml")] = CLUSTER_ADMIN
    EXPLAINED[("polaris", check, f"{PO}{check}/failure.binding_to_system_prefix.yaml")] = CLUSTER_ADMIN_SYSTEM
