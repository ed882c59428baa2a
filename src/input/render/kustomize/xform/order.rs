//! The output order: Kustomize's legacy order by kind, or `sortOptions`.

use super::*;

pub(super) const ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
pub(super) const ORDER_LAST: [&str; 2] = [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// The output order: Kustomize's legacy order by kind (the default), or the order of the
/// resources (`sortOptions: {order: fifo}`), or the kustomization's own lists.
pub fn sort(b: &mut Builder, acc: &mut Acc, root: &Kust) {
    let mut first: Vec<String> = ORDER_FIRST.iter().map(|s| s.to_string()).collect();
    let mut last: Vec<String> = ORDER_LAST.iter().map(|s| s.to_string()).collect();
    if let Some(so) = root.get("sortOptions") {
        match so.get_str("order") {
            Some("fifo") => return,
            Some("legacy") | None => {}
            Some(other) => {
                b.problem_at(
                    so,
                    &root.file.path,
                    format!("unknown sort order {other:?}; legacy order used"),
                );
            }
        }
        let list = |f: &str| -> Option<Vec<String>> {
            so.path(&["legacySortOptions", f])
                .and_then(Node::as_seq)
                .map(|s| s.iter().filter_map(Node::scalar_text).collect())
        };
        if let Some(f) = list("orderFirst") {
            first = f;
        }
        if let Some(l) = list("orderLast") {
            last = l;
        }
    }
    let rank = |kind: &str| -> i64 {
        if let Some(i) = first.iter().position(|k| k == kind) {
            i as i64 - first.len() as i64
        } else if let Some(i) = last.iter().position(|k| k == kind) {
            i as i64 + 1
        } else {
            0
        }
    };
    let gvk = |r: &Res| -> String {
        let g = if r.group().is_empty() {
            "~G"
        } else {
            r.group()
        };
        let v = if r.version().is_empty() {
            "~V"
        } else {
            r.version()
        };
        let k = if r.kind().is_empty() { "~K" } else { r.kind() };
        format!("{g}_{v}_{k}")
    };
    acc.res.sort_by(|a, b| {
        let (ra, rb) = (rank(a.kind()), rank(b.kind()));
        ra.cmp(&rb)
            .then_with(|| gvk(a).cmp(&gvk(b)))
            .then_with(|| legacy_key(a).cmp(&legacy_key(b)))
    });
}

pub(super) fn legacy_key(r: &Res) -> String {
    let ns = if r.namespace().is_empty() {
        "~X"
    } else {
        r.namespace()
    };
    let name = if r.name().is_empty() { "~N" } else { r.name() };
    format!("{ns}|{name}")
}
