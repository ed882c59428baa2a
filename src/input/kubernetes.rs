//! Kubernetes (and Istio) objects: YAML read with Kubernetes' YAML 1.1 rules, `kind: List`
//! split into its items, each object labelled `Kind namespace/name`.

use super::yaml::{RawNode, ResolveIssue, Schema, resolve};
use crate::input::{Document, InputType, Loaded, Substituted};
use crate::source::span::{PathSeg, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use serde_json::Value;
use std::sync::Arc;

/// True when a raw YAML document is a Kubernetes object: a mapping with string `apiVersion`
/// and `kind`.
pub fn is_object(root: &RawNode) -> bool {
    let s = |k| {
        root.get(k)
            .and_then(|n| n.scalar_text())
            .is_some_and(|t| !t.is_empty())
    };
    s("apiVersion") && s("kind")
}

/// True for Dapr's own resources (`apiVersion: dapr.io/v1alpha1`: a Component, Configuration,
/// Subscription, Resiliency): Dapr reads them from a resources directory (`dapr run
/// --resources-path components/`) as well as from the cluster, and a Component's `metadata`
/// list holds the connection settings of the store or broker it binds, credentials included
/// (`{name: redisPassword, value: …}`, which Dapr's documentation says belong in a
/// `secretKeyRef`). They are service configuration, read by the configuration rules; no
/// Kubernetes rule reads them (wild30: a state store's Azure Cache for Redis key went
/// unreported).
pub fn is_application_config(root: &RawNode) -> bool {
    root.get("apiVersion")
        .and_then(|n| n.scalar_text())
        .is_some_and(|v| v.starts_with("dapr.io/"))
}

/// `Deployment payments/api`, or `Deployment api` without a namespace.
pub fn resource_label(v: &Value) -> String {
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("Object");
    let meta = v.get("metadata");
    // An object with only `generateName` is named by its prefix and a `*` for the suffix the
    // API server adds, as the Kubernetes rules label it (lib k8s `name_of`).
    let name = match meta.and_then(|m| m.get("name")).and_then(Value::as_str) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => match meta
            .and_then(|m| m.get("generateName"))
            .and_then(Value::as_str)
        {
            Some(g) if !g.is_empty() => format!("{g}*"),
            _ => "<unnamed>".to_string(),
        },
    };
    match meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
    {
        Some(ns) if !ns.is_empty() => format!("{kind} {ns}/{name}"),
        _ => format!("{kind} {name}"),
    }
}

fn issue_problem(file: &SourceFile, i: ResolveIssue) -> Problem {
    Problem::error(&file.path, Some(i.pos), i.message)
}

/// Resolves one raw document as a Kubernetes object (several, for a `kind: List`).
pub fn load_document(file: &Arc<SourceFile>, root: &RawNode, index: usize, out: &mut Loaded) {
    let (value, spans, issues) = match resolve(root, Schema::Kubernetes, &file.text, &file.lines) {
        Ok(r) => r,
        Err(e) => {
            out.problems.push(issue_problem(file, e));
            return;
        }
    };
    out.problems
        .extend(issues.into_iter().map(|i| issue_problem(file, i)));
    push_object(file, value, spans, index, out, 0);
}

fn push_object(
    file: &Arc<SourceFile>,
    value: Value,
    mut spans: SpanTree,
    index: usize,
    out: &mut Loaded,
    depth: usize,
) {
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let is_list = depth < 4
        && (kind == "List" || kind.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    // An OpenShift Template holds the objects `oc process` creates: they are what is deployed,
    // with its parameters' values (the Template itself is no workload).
    let is_template = depth < 4
        && kind == "Template"
        && value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v == "v1" || v.starts_with("template.openshift.io/"))
        && value.get("objects").is_some_and(Value::is_array);
    if is_list || is_template {
        let key = if is_list { "items" } else { "objects" };
        let params = if is_template {
            template_parameters(&value, &spans)
        } else {
            Default::default()
        };
        let Value::Object(mut obj) = value else {
            return;
        };
        let Some(Value::Array(items)) = obj.remove(key) else {
            return;
        };
        for (i, mut item) in items.into_iter().enumerate() {
            let path = [PathSeg::Key(key.into()), PathSeg::Index(i)];
            let item_spans = spans
                .take(&path)
                .unwrap_or_else(|| SpanTree::leaf(spans.focus));
            let mut substituted = Vec::new();
            if !params.is_empty() {
                substitute_parameters(&mut item, Some(&item_spans), &params, &mut substituted);
            }
            let is_obj = item.get("apiVersion").and_then(Value::as_str).is_some()
                && item.get("kind").and_then(Value::as_str).is_some();
            if is_obj {
                let at = out.documents.len();
                push_object(file, item, item_spans, index, out, depth + 1);
                // A Template's object (a List of objects in a Template too).
                for d in &mut out.documents[at..] {
                    d.substituted.extend(substituted.iter().cloned());
                }
            } else {
                out.problems.push(Problem::error(&file.path, Some(file.pos(item_spans.focus.start)), format!("item {i} of the {kind} is not a Kubernetes object (no apiVersion or kind); not checked")));
            }
        }
        return;
    }
    let resource = resource_label(&value);
    out.documents.push(Document {
        file: file.clone(),
        index,
        input_type: InputType::Kubernetes,
        subtype: kind,
        resource,
        value,
        spans,
        substituted: Vec::new(),
        extended: Vec::new(),
        embedded: false,
        fragment: false,
    });
}

/// A Template parameter's value: its text and the focus of its `value:` entry.
struct Parameter {
    text: String,
    at: Option<Span>,
}

/// An OpenShift Template's parameters that have a value (`oc process` asks for the others or
/// generates them: their `${NAME}` stays as written).
fn template_parameters(
    template: &Value,
    spans: &SpanTree,
) -> std::collections::HashMap<String, Parameter> {
    template
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, p)| {
            let name = p.get("name")?.as_str()?;
            let text = match p.get("value")? {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let path = [
                PathSeg::Key("parameters".into()),
                PathSeg::Index(i),
                PathSeg::Key("value".into()),
            ];
            let at = spans.get(&path).map(|t| t.focus);
            Some((name.to_string(), Parameter { text, at }))
        })
        .collect()
}

/// Substitutes a Template's parameters as `oc process` does: `${NAME}` inside a string by the
/// value's text, a string that is exactly `${{NAME}}` by the value read as JSON (a number, a
/// boolean; the text when it is not JSON). Keys are left as they are; spans do not change:
/// each node that took a parameter is recorded in `out` (with `tree`, its spans), so that a
/// finding on it can point at the parameter's `value:` line.
fn substitute_parameters(
    v: &mut Value,
    tree: Option<&SpanTree>,
    params: &std::collections::HashMap<String, Parameter>,
    out: &mut Vec<Substituted>,
) {
    let mut record = |used: Vec<&Parameter>, whole: bool| {
        let from: Vec<Span> = used.iter().filter_map(|p| p.at).collect();
        if let Some(t) = tree.filter(|_| !from.is_empty()) {
            out.push(Substituted {
                used: t.focus,
                from,
                whole,
            });
        }
    };
    match v {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${{").and_then(|r| r.strip_suffix("}}"))
                && let Some(p) = params.get(name)
            {
                *v =
                    serde_json::from_str(&p.text).unwrap_or_else(|_| Value::String(p.text.clone()));
                record(vec![p], true);
                return;
            }
            if !s.contains("${") {
                return;
            }
            // The whole value is one parameter's (`${IMAGE}`): a finding on it is about that
            // value. Mixed with text, the offending part may be either.
            let one = s
                .strip_prefix("${")
                .and_then(|r| r.strip_suffix('}'))
                .is_some_and(|n| !n.contains(['$', '{', '}']));
            let mut text = String::with_capacity(s.len());
            let mut used = Vec::new();
            let mut rest = s.as_str();
            while let Some(at) = rest.find("${") {
                text.push_str(&rest[..at]);
                let after = &rest[at + 2..];
                let double = after.starts_with('{');
                let inner = if double { &after[1..] } else { after };
                let close = if double { "}}" } else { "}" };
                match inner.find(close).map(|e| (params.get(&inner[..e]), e)) {
                    Some((Some(p), e)) => {
                        text.push_str(&p.text);
                        used.push(p);
                        rest = &inner[e + close.len()..];
                    }
                    _ => {
                        text.push_str("${");
                        rest = after;
                    }
                }
            }
            text.push_str(rest);
            let whole = one && used.len() == 1;
            *s = text;
            if !used.is_empty() {
                record(used, whole);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                let child = tree.and_then(|t| t.child(&PathSeg::Index(i)));
                substitute_parameters(x, child, params, out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                let child = tree.and_then(|t| t.child_key(k));
                substitute_parameters(x, child, params, out);
            }
        }
        _ => {}
    }
}

/// Why a Kubernetes document is a Kustomize patch fragment rather than an object of its own,
/// if it is one: a built-in workload (a Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod,
/// Job, CronJob, ReplicationController) missing what the API server requires before it
/// accepts one, as `kubectl apply` would refuse it: an `apps/v1` controller's `spec.selector`,
/// a pod spec's `containers`, a container's `name` or `image`. Such a document only means
/// something merged into the object it patches (kubebuilder's `manager_auth_proxy_patch.yaml`:
/// a `manager` container with only `args`). A `v1` Service without `ports` is refused too
/// ("spec.ports: Required value") unless it is headless (`clusterIP: None`) or an
/// `ExternalName`; an Argo `Rollout` without `workloadRef` needs a selector and a complete
/// pod template as a Deployment does (Argo Rollouts marks it `InvalidSpec`), with one it has
/// no template to judge. Other custom kinds are not judged: their schemas are their operators'.
pub fn patch_fragment_reason(v: &Value) -> Option<String> {
    let api = v.get("apiVersion").and_then(Value::as_str)?;
    let kind = v.get("kind").and_then(Value::as_str)?;
    let spec = v.get("spec");
    if (api, kind) == ("v1", "Service") {
        let field = |k: &str| spec.and_then(|s| s.get(k)).and_then(Value::as_str);
        let has_ports = spec
            .and_then(|s| s.get("ports"))
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
        let exempt = field("clusterIP") == Some("None") || field("type") == Some("ExternalName");
        return (!has_ports && !exempt).then(|| "no spec.ports".to_string());
    }
    let (selector_required, pod) = match (api, kind) {
        (a, "Rollout") if a.starts_with("argoproj.io/") => {
            if spec
                .and_then(|s| s.get("workloadRef"))
                .is_some_and(|w| !w.is_null())
            {
                return None;
            }
            (
                true,
                spec.and_then(|s| s.get("template"))
                    .and_then(|t| t.get("spec")),
            )
        }
        ("apps/v1" | "apps/v1beta2", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
            (
                true,
                spec.and_then(|s| s.get("template"))
                    .and_then(|t| t.get("spec")),
            )
        }
        (
            "apps/v1beta1" | "extensions/v1beta1",
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet",
        )
        | ("v1", "ReplicationController")
        | ("batch/v1", "Job") => (
            false,
            spec.and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec")),
        ),
        ("batch/v1" | "batch/v1beta1", "CronJob") => (
            false,
            spec.and_then(|s| s.get("jobTemplate"))
                .and_then(|j| j.get("spec"))
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec")),
        ),
        ("v1", "Pod") => (false, spec),
        _ => return None,
    };
    let mut missing = Vec::new();
    if selector_required
        && spec
            .and_then(|s| s.get("selector"))
            .is_none_or(Value::is_null)
    {
        missing.push("no spec.selector".to_string());
    }
    match pod
        .and_then(|p| p.get("containers"))
        .and_then(Value::as_array)
    {
        Some(cs) if !cs.is_empty() => {
            let inits = pod
                .and_then(|p| p.get("initContainers"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            for c in cs.iter().chain(inits) {
                let text = |k: &str| {
                    c.get(k)
                        .and_then(Value::as_str)
                        .filter(|t| !t.trim().is_empty())
                };
                match (text("name"), text("image")) {
                    (Some(_), Some(_)) => {}
                    (Some(n), None) => missing.push(format!("container `{n}` has no image")),
                    (None, _) => missing.push("a container has no name".to_string()),
                }
            }
        }
        _ => missing.push("no containers".to_string()),
    }
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// A Kustomize patch fragment in an overlay's tree that no kustomization uses (kubebuilder's
/// optional `manager_webhook_patch.yaml` beside a `config/default/kustomization.yaml` whose
/// entry for it is commented out) is no object anyone deploys: judged as a whole Deployment it
/// was reported for every field it leaves to the object it patches (image, resources, probes,
/// security context). Each such document is marked [`Document::fragment`], so that only the
/// credential rules read it (a password written in a patch is in the repository all the same),
/// with a note saying so at its first line; the file's complete objects are checked. A
/// fragment is what the API server would refuse ([`patch_fragment_reason`]); outside an
/// overlay's tree (a linter's test fixture written without an image), or named as a resource,
/// a document is checked as written.
pub fn mark_unused_patch_fragments(file: &SourceFile, loaded: &mut Loaded, cwd: &std::path::Path) {
    let Some(fs_path) = &file.fs_path else { return };
    let reasons: Vec<Option<String>> = loaded
        .documents
        .iter()
        .map(|d| {
            (d.input_type == InputType::Kubernetes && !d.embedded)
                .then(|| patch_fragment_reason(&d.value))
                .flatten()
        })
        .collect();
    if reasons.iter().all(Option::is_none) {
        return;
    }
    let Some(kustomization) =
        crate::input::render::roots::unused_beside_kustomization(fs_path, cwd)
    else {
        return;
    };
    let shown = crate::input::files::display_path(&kustomization, cwd);
    for (d, reason) in loaded.documents.iter_mut().zip(reasons) {
        let Some(reason) = reason else { continue };
        d.fragment = true;
        let message = format!(
            "only its credentials checked: {} is a Kustomize patch, not an object Kubernetes accepts ({reason}), and {shown} does not use it (name it under `patches:` there to check it as the overlay applies it)",
            d.resource
        );
        let message = file.redact(&message).into_owned();
        loaded.problems.push(Problem::note(
            &file.path,
            Some(file.pos(d.span().start)),
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::{patch_fragment_reason, resource_label};
    use serde_json::json;

    #[test]
    fn generate_name_labels_the_object_with_a_star() {
        let w =
            json!({"kind": "Workflow", "metadata": {"generateName": "scan-", "namespace": "ci"}});
        assert_eq!(resource_label(&w), "Workflow ci/scan-*");
        let p = json!({"kind": "Pod", "metadata": {"name": "web", "generateName": "web-"}});
        assert_eq!(resource_label(&p), "Pod web");
        let e = json!({"kind": "Pod", "metadata": {"name": ""}});
        assert_eq!(resource_label(&e), "Pod <unnamed>");
    }
    /// What the API server refuses marks a fragment: an `apps/v1` controller without a
    /// selector, a pod spec without containers, a container without a name or an image, in
    /// every built-in kind with a pod template. Complete objects, older API versions that
    /// default the selector, and custom kinds are not fragments.
    #[test]
    fn fragments_are_built_in_workloads_kubernetes_would_refuse() {
        let pod = |c: serde_json::Value| json!({"containers": [c]});
        let full = pod(json!({"name": "a", "image": "x:1"}));
        let d = |spec: serde_json::Value| json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": spec});
        assert_eq!(
            patch_fragment_reason(&d(json!({"selector": {}, "template": {"spec": full}}))),
            None
        );
        assert_eq!(
            patch_fragment_reason(&d(
                json!({"template": {"spec": pod(json!({"name": "m", "args": ["-v"]}))}})
            ))
            .as_deref(),
            Some("no spec.selector, container `m` has no image")
        );
        assert_eq!(
            patch_fragment_reason(&d(
                json!({"selector": {}, "template": {"spec": {"volumes": []}}})
            ))
            .as_deref(),
            Some("no containers")
        );
        let old = json!({"apiVersion": "extensions/v1beta1", "kind": "Deployment", "spec": {"template": {"spec": full}}});
        assert_eq!(patch_fragment_reason(&old), None);
        let job = json!({"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": "x:1"}]}}}}}});
        assert_eq!(
            patch_fragment_reason(&job).as_deref(),
            Some("a container has no name")
        );
        let init = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "image": "x:1"}], "initContainers": [{"name": "i"}]}});
        assert_eq!(
            patch_fragment_reason(&init).as_deref(),
            Some("container `i` has no image")
        );
        let custom = json!({"apiVersion": "example.com/v1", "kind": "Widget", "spec": {}});
        assert_eq!(patch_fragment_reason(&custom), None);
    }

    /// kpatch33's open item, found in GitOps trees: an Argo `Rollout` patch (`replicas` only,
    /// or a container without an image) and a Service patch without ports are fragments; a
    /// Rollout pointing at a Deployment (`workloadRef`), a complete one, a headless Service
    /// and an `ExternalName` one are objects.
    #[test]
    fn rollouts_and_services_kubernetes_would_refuse_are_fragments() {
        let r = |spec: serde_json::Value| json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "spec": spec});
        assert_eq!(
            patch_fragment_reason(&r(json!({"replicas": 3}))).as_deref(),
            Some("no spec.selector, no containers")
        );
        assert_eq!(
            patch_fragment_reason(&r(
                json!({"selector": {}, "template": {"spec": {"containers": [{"name": "web"}]}}})
            ))
            .as_deref(),
            Some("container `web` has no image")
        );
        assert_eq!(
            patch_fragment_reason(&r(
                json!({"selector": {}, "template": {"spec": {"containers": [{"name": "w", "image": "x:1"}]}}})
            )),
            None
        );
        assert_eq!(
            patch_fragment_reason(&r(
                json!({"workloadRef": {"kind": "Deployment", "name": "w"}})
            )),
            None
        );
        let s =
            |spec: serde_json::Value| json!({"apiVersion": "v1", "kind": "Service", "spec": spec});
        assert_eq!(
            patch_fragment_reason(
                &json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "w"}})
            )
            .as_deref(),
            Some("no spec.ports")
        );
        assert_eq!(
            patch_fragment_reason(&s(json!({"type": "LoadBalancer", "ports": []}))).as_deref(),
            Some("no spec.ports")
        );
        assert_eq!(
            patch_fragment_reason(&s(json!({"ports": [{"port": 80}]}))),
            None
        );
        assert_eq!(
            patch_fragment_reason(&s(json!({"clusterIP": "None"}))),
            None
        );
        assert_eq!(
            patch_fragment_reason(&s(json!({"type": "ExternalName", "externalName": "db"}))),
            None
        );
    }
}
