//! Kustomize's built-in `nameReference` table as field specs. The renaming itself walks the
//! objects in code ([`super::refs::referrals`]); this table is what a `configurations:` file's
//! `nameReference` specs are merged into, where one differing from a built-in spec only in
//! `create` fails the build (Kustomize's `MakeTransformerConfig`).

use super::fields::{FieldSpec, NameRefs};
use super::refs::Target;

/// Where a pod spec names a ConfigMap, below `spec` of a Pod (or `template/spec`, …).
const POD_CONFIG_MAPS: [&str; 6] = [
    "volumes/configMap/name",
    "containers/env/valueFrom/configMapKeyRef/name",
    "initContainers/env/valueFrom/configMapKeyRef/name",
    "containers/envFrom/configMapRef/name",
    "initContainers/envFrom/configMapRef/name",
    "volumes/projected/sources/configMap/name",
];

/// Where a pod spec names a Secret.
const POD_SECRETS: [&str; 7] = [
    "volumes/secret/secretName",
    "containers/env/valueFrom/secretKeyRef/name",
    "initContainers/env/valueFrom/secretKeyRef/name",
    "containers/envFrom/secretRef/name",
    "initContainers/envFrom/secretRef/name",
    "imagePullSecrets/name",
    "volumes/projected/sources/secret/name",
];

fn spec(path: &str, kind: &str, group: &str, version: &str) -> FieldSpec {
    let given = |s: &str| (!s.is_empty()).then(|| s.to_string());
    FieldSpec {
        group: given(group),
        version: given(version),
        kind: given(kind),
        path: path.to_string(),
        create: false,
    }
}

/// A pod spec's `leaves` in every kind holding one: a Pod (of `v1` when `pod_version`), a
/// PodTemplate, the five workloads with `spec/template`, a CronJob.
fn pod_specs(leaves: &[&str], pod_version: &str) -> Vec<FieldSpec> {
    let mut out: Vec<FieldSpec> = leaves
        .iter()
        .map(|l| spec(&format!("spec/{l}"), "Pod", "", pod_version))
        .collect();
    out.extend(
        leaves
            .iter()
            .map(|l| spec(&format!("template/spec/{l}"), "PodTemplate", "", "")),
    );
    for kind in [
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
    ] {
        out.extend(
            leaves
                .iter()
                .map(|l| spec(&format!("spec/template/spec/{l}"), kind, "", "")),
        );
    }
    out.extend(leaves.iter().map(|l| {
        spec(
            &format!("spec/jobTemplate/spec/template/spec/{l}"),
            "CronJob",
            "",
            "",
        )
    }));
    out
}

/// A pod spec field of Pods, StatefulSets, Deployments, ReplicationControllers, CronJobs,
/// Jobs and DaemonSets (the service account, claim and priority class entries).
fn workload_specs(leaf: &str) -> Vec<FieldSpec> {
    let mut out = vec![spec(&format!("spec/{leaf}"), "Pod", "", "")];
    for kind in ["StatefulSet", "Deployment", "ReplicationController"] {
        out.push(spec(&format!("spec/template/spec/{leaf}"), kind, "", ""));
    }
    out.push(spec(
        &format!("spec/jobTemplate/spec/template/spec/{leaf}"),
        "CronJob",
        "",
        "",
    ));
    for kind in ["Job", "DaemonSet"] {
        out.push(spec(&format!("spec/template/spec/{leaf}"), kind, "", ""));
    }
    out
}

/// Kustomize v5.8's built-in `nameReference` table: each spec with the group, version and
/// kind its entry names (measured with kubectl kustomize v5.8.1: a `configurations:` spec of
/// each path below with `create: true`, under an entry of the same kind, group and version,
/// fails the build; later Kustomize versions name HTTPRoute backends too, v5.8 does not).
pub(super) fn builtin_name_refs() -> NameRefs {
    let target = |kind: &str, group: &str, version: &str| Target {
        kind: kind.to_string(),
        group: group.to_string(),
        version: version.to_string(),
    };
    let mut table: Vec<(Target, Vec<FieldSpec>)> = Vec::new();
    for kind in [
        "Deployment",
        "ReplicationController",
        "ReplicaSet",
        "StatefulSet",
    ] {
        table.push((
            target(kind, "", ""),
            vec![spec(
                "spec/scaleTargetRef/name",
                "HorizontalPodAutoscaler",
                "",
                "",
            )],
        ));
    }
    let mut config_maps = pod_specs(&POD_CONFIG_MAPS, "v1");
    config_maps.extend([
        spec("spec/configSource/configMap", "Node", "", ""),
        spec("rules/resourceNames", "Role", "", ""),
        spec("rules/resourceNames", "ClusterRole", "", ""),
        spec(
            r"metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap",
            "Ingress",
            "",
            "",
        ),
    ]);
    table.push((target("ConfigMap", "", "v1"), config_maps));
    let mut secrets = pod_specs(&POD_SECRETS, "v1");
    secrets.extend([
        spec("spec/tls/secretName", "Ingress", "", ""),
        spec(
            r"metadata/annotations/ingress.kubernetes.io\/auth-secret",
            "Ingress",
            "",
            "",
        ),
        spec(
            r"metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret",
            "Ingress",
            "",
            "",
        ),
        spec(
            r"metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret",
            "Ingress",
            "",
            "",
        ),
        spec("imagePullSecrets/name", "ServiceAccount", "", ""),
        spec("parameters/secretName", "StorageClass", "", ""),
        spec("parameters/adminSecretName", "StorageClass", "", ""),
        spec("parameters/userSecretName", "StorageClass", "", ""),
        spec("parameters/secretRef", "StorageClass", "", ""),
        spec("rules/resourceNames", "Role", "", ""),
        spec("rules/resourceNames", "ClusterRole", "", ""),
        spec(
            "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
            "Service",
            "serving.knative.dev",
            "v1",
        ),
        spec("spec/azureFile/secretName", "PersistentVolume", "", ""),
    ]);
    table.push((target("Secret", "", "v1"), secrets));
    let webhooks = "admissionregistration.k8s.io";
    table.push((
        target("Service", "", "v1"),
        vec![
            spec("spec/serviceName", "StatefulSet", "apps", ""),
            spec(
                "spec/rules/http/paths/backend/serviceName",
                "Ingress",
                "",
                "",
            ),
            spec("spec/backend/serviceName", "Ingress", "", ""),
            spec(
                "spec/rules/http/paths/backend/service/name",
                "Ingress",
                "",
                "",
            ),
            spec("spec/defaultBackend/service/name", "Ingress", "", ""),
            spec(
                "spec/service/name",
                "APIService",
                "apiregistration.k8s.io",
                "",
            ),
            spec(
                "webhooks/clientConfig/service",
                "ValidatingWebhookConfiguration",
                webhooks,
                "",
            ),
            spec(
                "webhooks/clientConfig/service",
                "MutatingWebhookConfiguration",
                webhooks,
                "",
            ),
        ],
    ));
    let rbac = "rbac.authorization.k8s.io";
    table.push((
        target("Role", rbac, ""),
        vec![spec("roleRef/name", "RoleBinding", rbac, "")],
    ));
    table.push((
        target("ClusterRole", rbac, ""),
        vec![
            spec("roleRef/name", "RoleBinding", rbac, ""),
            spec("roleRef/name", "ClusterRoleBinding", rbac, ""),
        ],
    ));
    let mut accounts = vec![
        spec("subjects", "RoleBinding", rbac, ""),
        spec("subjects", "ClusterRoleBinding", rbac, ""),
    ];
    accounts.extend(workload_specs("serviceAccountName"));
    table.push((target("ServiceAccount", "", "v1"), accounts));
    table.push((
        target("PersistentVolumeClaim", "", "v1"),
        workload_specs("volumes/persistentVolumeClaim/claimName"),
    ));
    table.push((
        target("PersistentVolume", "", "v1"),
        vec![
            spec("spec/volumeName", "PersistentVolumeClaim", "", ""),
            spec("rules/resourceNames", "ClusterRole", "", ""),
        ],
    ));
    table.push((
        target("StorageClass", "storage.k8s.io", "v1"),
        vec![
            spec("spec/storageClassName", "PersistentVolume", "", ""),
            spec("spec/storageClassName", "PersistentVolumeClaim", "", ""),
            spec(
                "spec/volumeClaimTemplates/spec/storageClassName",
                "StatefulSet",
                "",
                "",
            ),
        ],
    ));
    table.push((
        target("PriorityClass", "scheduling.k8s.io", "v1"),
        workload_specs("priorityClassName"),
    ));
    // The entry's group is written `networking.k8s.io/v1` in Kustomize's table, so only an
    // entry giving that group meets it (measured).
    table.push((
        target("IngressClass", "networking.k8s.io/v1", "v1"),
        vec![spec("spec/ingressClassName", "Ingress", "", "")],
    ));
    table
        .into_iter()
        .flat_map(|(t, specs)| specs.into_iter().map(move |f| (t.clone(), f, None)))
        .collect()
}
