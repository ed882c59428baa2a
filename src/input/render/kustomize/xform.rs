//! The built-in transformers, in Kustomize's order, and the top-level steps (name hashes,
//! name references, vars, ordering).

use super::node::{Node, V};
use super::patch::{self, Merged};
use super::{Acc, Builder, Kust, Res, Var, generate};
use crate::source::map::{Origin, OriginRole};
use regex::Regex;
use std::collections::HashMap;

/// Runs a kustomization's transformers on everything accumulated so far.
pub fn transform(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    // Transformers change names, namespaces and kinds, and delete resources.
    acc.ids = None;
    patches_strategic_merge(b, k, acc);
    patches(b, k, acc);
    if let Some(ns) = k.get("namespace") {
        match ns.as_str() {
            Some(s) if !s.is_empty() => namespace(acc, s, &ns.org),
            Some(_) => {}
            None => b.problem_at(ns, &k.file.path, "namespace must be a string"),
        }
    }
    for (field, pre) in [("namePrefix", true), ("nameSuffix", false)] {
        if let Some(n) = k.get(field) {
            match n.as_str() {
                Some(s) if !s.is_empty() => affix(acc, s, pre, &n.org),
                Some(_) => {}
                None => b.problem_at(n, &k.file.path, format!("{field} must be a string")),
            }
        }
    }
    labels(b, k, acc);
    if let Some(a) = k.get("commonAnnotations") {
        let pairs = pairs_of(b, k, a);
        let mut specs = annotation_specs();
        specs.extend(acc.config.annotations.iter().cloned());
        for r in &mut acc.res {
            apply_specs(r, &specs, &pairs, &a.org);
        }
    }
    patches_json6902(b, k, acc);
    for entry in k.list("replicas") {
        replicas(b, k, entry, acc);
    }
    for entry in k.list("images") {
        images(b, k, entry, acc);
    }
    for entry in k.list("replacements") {
        replacement_entry(b, k, entry, acc);
    }
    for entry in k.list("transformers") {
        transformer_config(b, k, entry, acc);
    }
}

// ---------------------------------------------------------------------------------------
// Selecting resources.

/// A patch target or replacement selector: kind, name, namespace (regular expressions,
/// whole-string), group, version, label and annotation selectors.
struct Selector {
    group: Option<String>,
    version: Option<String>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Option<String>,
    annotations: Option<String>,
}

fn anchored(s: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{s})$"))
        .or_else(|_| Regex::new(&format!("^{}$", regex::escape(s))))
        .ok()
}

impl Selector {
    fn parse(n: &Node) -> Selector {
        let s = |k: &str| n.get(k).and_then(Node::scalar_text);
        Selector {
            group: s("group"),
            version: s("version"),
            kind: s("kind").and_then(|k| anchored(&k)),
            name: s("name").and_then(|k| anchored(&k)),
            namespace: s("namespace").and_then(|k| anchored(&k)),
            labels: s("labelSelector"),
            annotations: s("annotationSelector"),
        }
    }
    fn matches(&self, r: &Res) -> bool {
        if let Some(g) = &self.group
            && !g.is_empty()
            && g != r.group()
        {
            return false;
        }
        if let Some(v) = &self.version
            && !v.is_empty()
            && v != r.version()
        {
            return false;
        }
        if let Some(k) = &self.kind
            && !k.is_match(r.kind())
        {
            return false;
        }
        if let Some(n) = &self.name
            && !r.names.iter().any(|x| n.is_match(x))
        {
            return false;
        }
        if let Some(ns) = &self.namespace
            && !r
                .namespaces
                .iter()
                .any(|x| ns.is_match(x) || (x.is_empty() && ns.is_match("default")))
        {
            return false;
        }
        if let Some(l) = &self.labels
            && !label_selector_matches(l, r.node.path(&["metadata", "labels"]))
        {
            return false;
        }
        if let Some(a) = &self.annotations
            && !label_selector_matches(a, r.node.path(&["metadata", "annotations"]))
        {
            return false;
        }
        true
    }
}

/// Kubernetes label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
/// `a`, `!a`, joined by commas.
pub fn label_selector_matches(sel: &str, labels: Option<&Node>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Node::scalar_text);
    // Split on commas outside parentheses.
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in sel.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&sel[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&sel[start..]);
    terms
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .all(|t| {
            if let Some((k, v)) = t.split_once("!=") {
                return get(k.trim()).as_deref() != Some(v.trim());
            }
            if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                return get(k.trim()).as_deref() == Some(v.trim());
            }
            let set = |rest: &str| -> Vec<String> {
                rest.trim()
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .collect()
            };
            if let Some((k, rest)) = t.split_once(" notin ") {
                return get(k.trim()).is_none_or(|v| !set(rest).contains(&v));
            }
            if let Some((k, rest)) = t.split_once(" in ") {
                return get(k.trim()).is_some_and(|v| set(rest).contains(&v));
            }
            if let Some(k) = t.strip_prefix('!') {
                return get(k.trim()).is_none();
            }
            get(t).is_some()
        })
}

// ---------------------------------------------------------------------------------------
// Patches.

fn with_role(o: &Option<Origin>, role: OriginRole) -> Option<Origin> {
    o.as_ref().map(|o| Origin {
        role,
        file: o.file.clone(),
        span: o.span,
    })
}

/// Applies a strategic merge patch document to the resources it names (or to `targets`).
fn apply_smp(
    b: &mut Builder,
    k: &Kust,
    acc: &mut Acc,
    doc: &Node,
    targets: Option<Vec<usize>>,
    allow_name: bool,
    allow_kind: bool,
) {
    // Kustomize reads a strategic merge patch as an object, target or not.
    if doc.get_str("kind").is_none_or(str::is_empty)
        || doc
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .is_none_or(str::is_empty)
    {
        b.problem_at(
            doc,
            &k.file.path,
            "a strategic merge patch needs kind and metadata.name (Kustomize cannot parse it otherwise); not applied",
        );
        return;
    }
    let idx = match targets {
        Some(t) => t,
        None => {
            let kind = doc.get_str("kind").unwrap_or("");
            let group = doc
                .get_str("apiVersion")
                .and_then(|a| a.rsplit_once('/'))
                .map(|(g, _)| g)
                .unwrap_or("");
            let name = doc
                .path(&["metadata", "name"])
                .and_then(Node::as_str)
                .unwrap_or("");
            let ns = doc
                .path(&["metadata", "namespace"])
                .and_then(Node::as_str)
                .unwrap_or("");
            if kind.is_empty() || name.is_empty() {
                b.problem_at(
                    doc,
                    &k.file.path,
                    "a strategic merge patch without a target needs kind and metadata.name",
                );
                return;
            }
            let found: Vec<usize> = acc
                .res
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.kind() == kind
                        && r.group() == group
                        && r.had_name(name)
                        && r.had_namespace(ns)
                })
                .map(|(i, _)| i)
                .collect();
            if found.is_empty() {
                b.problem_at(
                    doc,
                    &k.file.path,
                    format!("no resource matches this patch ({kind} {name}); Kustomize fails here"),
                );
                return;
            }
            if found.len() > 1 {
                b.problem_at(
                    doc,
                    &k.file.path,
                    format!("more than one resource matches this patch ({kind} {name})"),
                );
                return;
            }
            found
        }
    };
    let mut deleted = Vec::new();
    for i in idx {
        let r = &mut acc.res[i];
        let (name, ns, kind, av) = (
            r.node.path(&["metadata", "name"]).cloned(),
            r.node.path(&["metadata", "namespace"]).cloned(),
            r.node.get("kind").cloned(),
            r.node.get("apiVersion").cloned(),
        );
        if patch::merge_object(&mut r.node, doc) == Merged::Deleted {
            deleted.push(i);
            continue;
        }
        // The target keeps its identity unless the patch is allowed to change it.
        let md = r.node.entry_map("metadata", &None);
        if !allow_name {
            for (f, v) in [("name", name), ("namespace", ns)] {
                match v {
                    Some(v) => md.set(f, v),
                    None => {
                        md.remove(f);
                    }
                }
            }
        }
        if !allow_kind {
            for (f, v) in [("kind", kind), ("apiVersion", av)] {
                if let Some(v) = v {
                    r.node.set(f, v);
                }
            }
        }
        let (n, s) = (r.name().to_string(), r.namespace().to_string());
        if r.names.last() != Some(&n) {
            r.names.push(n);
        }
        if r.namespaces.last() != Some(&s) {
            r.namespaces.push(s);
        }
    }
    deleted.sort_unstable();
    for i in deleted.into_iter().rev() {
        acc.res.remove(i);
    }
}

fn apply_6902(b: &mut Builder, k: &Kust, acc: &mut Acc, ops: &Node, targets: &[usize]) {
    let Some(list) = ops.as_seq() else {
        b.problem_at(
            ops,
            &k.file.path,
            "a JSON 6902 patch must be a list of operations",
        );
        return;
    };
    for &i in targets {
        let mut copy = acc.res[i].node.clone();
        let mut ok = true;
        for op in list {
            if let Err(e) = patch::apply_op(&mut copy, op) {
                let r = &acc.res[i];
                b.problem_at(
                    op,
                    &k.file.path,
                    format!("JSON patch on {}: {e}", r.describe()),
                );
                ok = false;
                break;
            }
        }
        if ok {
            let r = &mut acc.res[i];
            r.node = copy;
            let (n, s) = (r.name().to_string(), r.namespace().to_string());
            if r.names.last() != Some(&n) {
                r.names.push(n);
            }
            if r.namespaces.last() != Some(&s) {
                r.namespaces.push(s);
            }
        }
    }
}

fn select(acc: &Acc, target: &Node) -> Vec<usize> {
    let s = Selector::parse(target);
    acc.res
        .iter()
        .enumerate()
        .filter(|(_, r)| s.matches(r))
        .map(|(i, _)| i)
        .collect()
}

fn patches(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.list("patches") {
        let Some(docs) = b.patch_docs(k, entry, "patch") else {
            continue;
        };
        let opts = entry.get("options");
        let flag = |f: &str| {
            matches!(
                opts.and_then(|o| o.get(f)).map(|n| &n.v),
                Some(V::Bool(true))
            )
        };
        let (allow_name, allow_kind) = (flag("allowNameChange"), flag("allowKindChange"));
        let targets = entry.get("target").map(|t| select(acc, t));
        if let Some(t) = &targets
            && t.is_empty()
        {
            // Kustomize applies a patch to whatever its target selects, nothing included.
            continue;
        }
        // A list of operations is a JSON 6902 patch; anything else is strategic merge.
        if docs.len() == 1 && docs[0].as_seq().is_some() {
            match &targets {
                Some(t) => apply_6902(b, k, acc, &docs[0], t),
                None => b.problem_at(entry, &k.file.path, "a JSON 6902 patch needs a target"),
            }
            continue;
        }
        for d in &docs {
            // Selected again for each document: an earlier one may have deleted objects.
            let targets = entry.get("target").map(|t| select(acc, t));
            apply_smp(b, k, acc, d, targets, allow_name, allow_kind);
        }
    }
}

fn patches_strategic_merge(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.list("patchesStrategicMerge") {
        let Some(text) = entry.as_str() else {
            b.problem_at(
                entry,
                &k.file.path,
                "a patchesStrategicMerge entry must be a path or YAML text",
            );
            continue;
        };
        let docs =
            if text.contains('\n') || text.trim_start().starts_with('{') || text.contains(": ") {
                b.inline_docs(k, entry)
            } else {
                b.patch_file(k, entry, text)
            };
        for d in docs.unwrap_or_default() {
            apply_smp(b, k, acc, &d, None, false, false);
        }
    }
}

fn patches_json6902(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.list("patchesJson6902") {
        let Some(t) = entry.get("target") else {
            b.problem_at(
                entry,
                &k.file.path,
                "a patchesJson6902 entry needs a target",
            );
            continue;
        };
        let targets = select(acc, t);
        if targets.is_empty() {
            b.problem_at(t, &k.file.path, "no resource matches this target");
            continue;
        }
        let Some(docs) = b.patch_docs(k, entry, "patch") else {
            continue;
        };
        match docs.as_slice() {
            [ops] => apply_6902(b, k, acc, ops, &targets),
            _ => b.problem_at(
                entry,
                &k.file.path,
                "a JSON 6902 patch must be one list of operations",
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Namespace, names, labels, annotations.

/// Kinds that have no namespace (Kustomize's built-in schema).
pub fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "StorageClass"
            | "VolumeAttachment"
            | "CSIDriver"
            | "CSINode"
            | "PriorityClass"
            | "PriorityLevelConfiguration"
            | "FlowSchema"
            | "RuntimeClass"
            | "IngressClass"
            | "APIService"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "MutatingAdmissionPolicy"
            | "MutatingAdmissionPolicyBinding"
            | "CertificateSigningRequest"
            | "ComponentStatus"
            | "PodSecurityPolicy"
            | "TokenReview"
            | "SelfSubjectAccessReview"
            | "SelfSubjectRulesReview"
            | "SubjectAccessReview"
            | "ClusterTrustBundle"
            | "DeviceClass"
            | "IPAddress"
            | "ServiceCIDR"
    )
}

fn namespace(acc: &mut Acc, ns: &str, org: &Option<Origin>) {
    for r in &mut acc.res {
        let kind = r.kind().to_string();
        if kind == "Namespace" {
            // Kustomize renames Namespace objects to the namespace it sets.
            r.set_name(ns.to_string(), org);
            continue;
        }
        if !cluster_scoped(&kind) {
            r.set_namespace(ns.to_string(), org);
        }
        match kind.as_str() {
            "RoleBinding" | "ClusterRoleBinding" => {
                if let Some(subjects) = r.node.path_mut(&["subjects"]).and_then(Node::as_seq_mut) {
                    for s in subjects {
                        if s.get_str("name") == Some("default")
                            && s.get_str("kind") == Some("ServiceAccount")
                        {
                            s.set("namespace", Node::str(ns, org.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn affix(acc: &mut Acc, s: &str, prefix: bool, org: &Option<Origin>) {
    for r in &mut acc.res {
        if matches!(r.kind(), "CustomResourceDefinition" | "Namespace")
            || (r.kind() == "APIService" && r.group() == "apiregistration.k8s.io")
        {
            continue;
        }
        let name = if prefix {
            format!("{s}{}", r.name())
        } else {
            format!("{}{s}", r.name())
        };
        r.set_name(name, org);
        r.affixes
            .push(format!("{}:{s}", if prefix { 'p' } else { 's' }));
    }
}

/// A place a transformer writes to: a path of fields (lists are walked through), for the
/// kinds (and group) given, created when missing if `create`.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub group: Option<String>,
    pub kind: Option<String>,
    pub path: String,
    pub create: bool,
}

fn fs(kind: Option<&str>, group: Option<&str>, path: &str, create: bool) -> FieldSpec {
    FieldSpec {
        group: group.map(str::to_string),
        kind: kind.map(str::to_string),
        path: path.to_string(),
        create,
    }
}

const WORKLOADS: [(&str, Option<&str>); 6] = [
    ("ReplicationController", None),
    ("Deployment", None),
    ("ReplicaSet", None),
    ("DaemonSet", None),
    ("StatefulSet", Some("apps")),
    ("Job", Some("batch")),
];

/// Kustomize's `commonLabels` field specs: metadata, selectors and pod templates.
fn common_label_specs() -> Vec<FieldSpec> {
    let mut v = vec![
        fs(None, None, "metadata/labels", true),
        fs(Some("ReplicationController"), None, "spec/selector", true),
        fs(Some("Service"), None, "spec/selector", true),
        fs(Some("Deployment"), None, "spec/selector/matchLabels", true),
        fs(Some("ReplicaSet"), None, "spec/selector/matchLabels", true),
        fs(Some("DaemonSet"), None, "spec/selector/matchLabels", true),
        fs(
            Some("StatefulSet"),
            Some("apps"),
            "spec/selector/matchLabels",
            true,
        ),
        fs(
            Some("Job"),
            Some("batch"),
            "spec/selector/matchLabels",
            false,
        ),
        fs(
            Some("CronJob"),
            Some("batch"),
            "spec/jobTemplate/spec/selector/matchLabels",
            false,
        ),
        fs(
            Some("PodDisruptionBudget"),
            Some("policy"),
            "spec/selector/matchLabels",
            false,
        ),
        fs(
            Some("NetworkPolicy"),
            Some("networking.k8s.io"),
            "spec/podSelector/matchLabels",
            false,
        ),
        fs(
            Some("NetworkPolicy"),
            Some("networking.k8s.io"),
            "spec/ingress/from/podSelector/matchLabels",
            false,
        ),
        fs(
            Some("NetworkPolicy"),
            Some("networking.k8s.io"),
            "spec/egress/to/podSelector/matchLabels",
            false,
        ),
    ];
    for kind in ["Deployment", "StatefulSet"] {
        for aff in ["podAffinity", "podAntiAffinity"] {
            v.push(fs(Some(kind), Some("apps"), &format!("spec/template/spec/affinity/{aff}/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels"), false));
            v.push(fs(Some(kind), Some("apps"), &format!("spec/template/spec/affinity/{aff}/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels"), false));
        }
        v.push(fs(
            Some(kind),
            Some("apps"),
            "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
            false,
        ));
    }
    v.extend(template_label_specs());
    v
}

/// The pod-template label paths (`labels` with `includeTemplates`).
fn template_label_specs() -> Vec<FieldSpec> {
    let mut v: Vec<FieldSpec> = WORKLOADS
        .iter()
        .map(|(k, g)| fs(Some(k), *g, "spec/template/metadata/labels", true))
        .collect();
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/metadata/labels",
        true,
    ));
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ));
    v.push(fs(
        Some("StatefulSet"),
        Some("apps"),
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ));
    v
}

fn annotation_specs() -> Vec<FieldSpec> {
    let mut v = vec![fs(None, None, "metadata/annotations", true)];
    v.extend(
        WORKLOADS
            .iter()
            .map(|(k, g)| fs(Some(k), *g, "spec/template/metadata/annotations", true)),
    );
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/metadata/annotations",
        true,
    ));
    v.push(fs(
        Some("CronJob"),
        Some("batch"),
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ));
    v
}

fn spec_matches(f: &FieldSpec, r: &Res) -> bool {
    f.kind.as_deref().is_none_or(|k| k == r.kind())
        && f.group.as_deref().is_none_or(|g| g == r.group())
}

/// Walks `segs` from `n` (through lists), creating maps when `create`, and calls `f` on each
/// node reached.
fn walk_spec(
    n: &mut Node,
    segs: &[&str],
    create: bool,
    org: &Option<Origin>,
    f: &mut dyn FnMut(&mut Node),
) {
    if let V::Seq(items) = &mut n.v {
        for i in items {
            walk_spec(i, segs, create, org, f);
        }
        return;
    }
    let Some((first, rest)) = segs.split_first() else {
        f(n);
        return;
    };
    let name = first.trim_end_matches("[]");
    if n.as_map().is_none() {
        return;
    }
    if n.get(name).is_none_or(Node::is_null) {
        if !create {
            return;
        }
        let fresh = if rest.is_empty() {
            Node::new(V::Null, org.clone())
        } else {
            Node::map(org.clone())
        };
        n.set(name, fresh);
    }
    let child = n.get_mut(name).expect("present");
    walk_spec(child, rest, create, org, f);
}

/// Sets `pairs` in the maps the field specs reach.
fn apply_specs(r: &mut Res, specs: &[FieldSpec], pairs: &[(String, Node)], org: &Option<Origin>) {
    let applicable: Vec<&FieldSpec> = specs.iter().filter(|f| spec_matches(f, r)).collect();
    for f in applicable {
        let segs: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
        walk_spec(
            &mut r.node,
            &segs,
            f.create,
            org,
            &mut |target: &mut Node| {
                if target.as_map().is_none() {
                    *target = Node::map(target.org.clone().or(org.clone()));
                }
                for (k, v) in pairs {
                    target.set(k, v.clone());
                }
            },
        );
    }
}

/// Label or annotation pairs of a kustomization map, as strings with their lines.
fn pairs_of(b: &mut Builder, k: &Kust, n: &Node) -> Vec<(String, Node)> {
    let mut out = Vec::new();
    match n.as_map() {
        Some(m) => {
            for (key, v) in m {
                match &v.v {
                    V::Str(t) => out.push((key.clone(), Node::str(t.clone(), v.org.clone()))),
                    V::Null => out.push((key.clone(), Node::str("", v.org.clone()))),
                    // Kustomize refuses the whole kustomization ("cannot unmarshal number
                    // into … of type string"): quote the value.
                    _ => b.problem_at(
                        v,
                        &k.file.path,
                        format!("the value of {key} must be a string (quote it); Kustomize refuses this kustomization"),
                    ),
                }
            }
        }
        None if n.is_null() => {}
        None => b.problem_at(n, &k.file.path, "expected a mapping of names to values"),
    }
    out
}

fn parse_specs(n: Option<&Node>) -> Vec<FieldSpec> {
    n.and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(|f| {
                    Some(FieldSpec {
                        group: f.get("group").and_then(Node::scalar_text),
                        kind: f.get("kind").and_then(Node::scalar_text),
                        path: f.get_str("path")?.to_string(),
                        create: matches!(f.get("create").map(|c| &c.v), Some(V::Bool(true))),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn labels(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.list("labels") {
        let Some(p) = entry.get("pairs") else {
            continue;
        };
        let pairs = pairs_of(b, k, p);
        let flag = |f: &str| matches!(entry.get(f).map(|n| &n.v), Some(V::Bool(true)));
        let mut specs = parse_specs(entry.get("fields"));
        if flag("includeSelectors") {
            specs.extend(common_label_specs());
            specs.extend(acc.config.labels.iter().cloned());
        } else {
            specs.push(fs(None, None, "metadata/labels", true));
            if flag("includeTemplates") {
                specs.extend(template_label_specs());
            }
        }
        for r in &mut acc.res {
            apply_specs(r, &specs, &pairs, &p.org);
        }
    }
    if let Some(cl) = k.get("commonLabels") {
        let pairs = pairs_of(b, k, cl);
        let mut specs = common_label_specs();
        specs.extend(acc.config.labels.iter().cloned());
        for r in &mut acc.res {
            apply_specs(r, &specs, &pairs, &cl.org);
        }
    }
}

/// Field specs from `configurations:` files: where Kustomize's transformers also look, for
/// kinds its built-in tables do not know (custom resources).
#[derive(Debug, Default, Clone)]
pub struct Config {
    pub var_refs: Vec<FieldSpec>,
    /// (the kind named, where it is named)
    pub name_refs: Vec<(String, FieldSpec)>,
    pub labels: Vec<FieldSpec>,
    pub annotations: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
}

impl Config {
    pub fn extend(&mut self, other: Config) {
        self.var_refs.extend(other.var_refs);
        self.name_refs.extend(other.name_refs);
        self.labels.extend(other.labels);
        self.annotations.extend(other.annotations);
        self.images.extend(other.images);
    }
}

/// Reads the kustomization's `configurations:` files into `acc.config`.
pub fn read_configurations(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.list("configurations") {
        let Some(rel) = entry.as_str() else {
            b.problem_at(entry, &k.file.path, "a configurations entry must be a path");
            continue;
        };
        let Some(docs) = b.patch_file(k, entry, rel) else {
            continue;
        };
        for d in docs {
            let Some(m) = d.as_map() else {
                b.problem_at(
                    &d,
                    &k.file.path,
                    "a transformer configuration must be a mapping",
                );
                continue;
            };
            for (key, v) in m {
                match key.as_str() {
                    "varReference" => acc.config.var_refs.extend(parse_specs(Some(v))),
                    "commonLabels" => acc.config.labels.extend(parse_specs(Some(v))),
                    "commonAnnotations" => acc.config.annotations.extend(parse_specs(Some(v))),
                    "images" => acc.config.images.extend(parse_specs(Some(v))),
                    "nameReference" => {
                        for r in v.as_seq().into_iter().flatten() {
                            let Some(kind) = r.get_str("kind") else {
                                b.problem_at(r, &k.file.path, "a nameReference entry needs a kind");
                                continue;
                            };
                            for f in parse_specs(r.get("fieldSpecs")) {
                                acc.config.name_refs.push((kind.to_string(), f));
                            }
                        }
                    }
                    other => b.problem_at(
                        v,
                        &k.file.path,
                        format!("configuration `{other}` is not supported by runeguard's Kustomize build; not applied"),
                    ),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Replicas and images.

fn replicas(b: &mut Builder, k: &Kust, entry: &Node, acc: &mut Acc) {
    let (Some(name), Some(count)) = (entry.get_str("name"), entry.get("count")) else {
        b.problem_at(entry, &k.file.path, "a replicas entry needs name and count");
        return;
    };
    let V::Num(n) = &count.v else {
        b.problem_at(count, &k.file.path, "count must be a number");
        return;
    };
    let org = count.org.clone();
    for r in &mut acc.res {
        if matches!(
            r.kind(),
            "Deployment" | "ReplicationController" | "ReplicaSet" | "StatefulSet"
        ) && r.had_name(name)
        {
            r.node
                .entry_map("spec", &org)
                .set("replicas", Node::new(V::Num(n.clone()), org.clone()));
        }
    }
}

/// Kustomize's split of an image reference into name, tag and digest.
pub fn split_image(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let id = search.find('@');
    let ic = search.find(':');
    match (ic, id) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (ic, Some(id)) if ic.is_none_or(|ic| id < ic) => {
            let id = id + slash;
            (
                image[..id].to_string(),
                String::new(),
                image[id + 1..].to_string(),
            )
        }
        (Some(ic), Some(id)) => {
            let (ic, id) = (ic + slash, id + slash);
            (
                image[..ic].to_string(),
                image[ic + 1..id].to_string(),
                image[id + 1..].to_string(),
            )
        }
        (Some(ic), None) => {
            let ic = ic + slash;
            (
                image[..ic].to_string(),
                image[ic + 1..].to_string(),
                String::new(),
            )
        }
        (None, Some(_)) => unreachable!("handled above"),
    }
}

fn images(b: &mut Builder, k: &Kust, entry: &Node, acc: &mut Acc) {
    let Some(name) = entry.get_str("name") else {
        b.problem_at(entry, &k.file.path, "an images entry needs a name");
        return;
    };
    let Some(pattern) = Regex::new(&format!(
        "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$"
    ))
    .or_else(|_| {
        Regex::new(&format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
            regex::escape(name)
        ))
    })
    .ok() else {
        return;
    };
    for f in ["newName", "newTag", "digest"] {
        if let Some(v) = entry.get(f)
            && !matches!(v.v, V::Str(_) | V::Null)
        {
            b.problem_at(
                v,
                &k.file.path,
                format!(
                    "images {f} must be a string (quote it); Kustomize refuses this kustomization"
                ),
            );
            return;
        }
    }
    let new_name = entry
        .get("newName")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let new_tag = entry
        .get("newTag")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let digest = entry
        .get("digest")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    if new_name.is_empty() && new_tag.is_empty() && digest.is_empty() {
        return;
    }
    let org = entry.org.clone();
    let update = |img: &mut Node| {
        let Some(value) = img.as_str() else { return };
        if !pattern.is_match(value) {
            return;
        }
        let (mut n, mut t, mut d) = split_image(value);
        if !new_name.is_empty() {
            n = new_name.clone();
        }
        if !new_tag.is_empty() && !digest.is_empty() {
            (t, d) = (new_tag.clone(), digest.clone());
        } else if !new_tag.is_empty() {
            (t, d) = (new_tag.clone(), String::new());
        } else if !digest.is_empty() {
            (t, d) = (String::new(), digest.clone());
        }
        let mut out = n;
        if !t.is_empty() {
            out = format!("{out}:{t}");
        }
        if !d.is_empty() {
            out = format!("{out}@{d}");
        }
        *img = Node::str(out, org.clone());
    };
    let extra = acc.config.images.clone();
    for r in &mut acc.res {
        for_containers(&mut r.node, &mut |c: &mut Node| {
            if let Some(img) = c.get_mut("image") {
                update(img);
            }
        });
        let specs: Vec<&FieldSpec> = extra.iter().filter(|f| spec_matches(f, r)).collect();
        for f in specs {
            let segs: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
            walk_spec(&mut r.node, &segs, false, &None, &mut |n: &mut Node| {
                update(n)
            });
        }
    }
}

/// Calls `f` on every element of every `containers` / `initContainers` list in `n`.
fn for_containers(n: &mut Node, f: &mut dyn FnMut(&mut Node)) {
    match &mut n.v {
        V::Map(entries) => {
            for (k, v) in entries {
                if (k == "containers" || k == "initContainers")
                    && let V::Seq(items) = &mut v.v
                {
                    for c in items {
                        f(c);
                    }
                } else {
                    for_containers(v, f);
                }
            }
        }
        V::Seq(items) => items.iter_mut().for_each(|i| for_containers(i, f)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Replacements.

#[derive(Debug)]
enum Seg {
    Key(String),
    Index(usize),
    Match(String, String),
}

/// `spec.template.spec.containers.[name=app].image`, `spec.http.0.route`, `a[b=c].d`.
fn field_path(p: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_bracket = false;
    let mut parts = Vec::new();
    for c in p.chars() {
        match c {
            '[' if !in_bracket => {
                if !cur.is_empty() {
                    parts.push(std::mem::take(&mut cur));
                }
                in_bracket = true;
                cur.push('[');
            }
            ']' if in_bracket => {
                cur.push(']');
                in_bracket = false;
                parts.push(std::mem::take(&mut cur));
            }
            '.' if !in_bracket => {
                if !cur.is_empty() {
                    parts.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    for part in parts {
        if let Some(inner) = part.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            match inner.split_once('=') {
                Some((k, v)) => out.push(Seg::Match(k.to_string(), v.to_string())),
                None => out.push(Seg::Key(inner.to_string())),
            }
        } else if let Ok(i) = part.parse::<usize>() {
            out.push(Seg::Index(i));
        } else {
            out.push(Seg::Key(part));
        }
    }
    out
}

fn lookup<'a>(n: &'a Node, path: &[Seg]) -> Option<&'a Node> {
    let mut cur = n;
    for s in path {
        cur = match s {
            Seg::Key(k) => match &cur.v {
                V::Seq(items) => k.parse::<usize>().ok().and_then(|i| items.get(i))?,
                _ => cur.get(k)?,
            },
            Seg::Index(i) => match &cur.v {
                V::Seq(items) => items.get(*i)?,
                _ => cur.get(&i.to_string())?,
            },
            Seg::Match(k, v) => cur
                .as_seq()?
                .iter()
                .find(|e| e.get(k).and_then(Node::scalar_text).as_deref() == Some(v))?,
        };
    }
    Some(cur)
}

fn lookup_mut<'a>(
    n: &'a mut Node,
    path: &[Seg],
    create: bool,
    org: &Option<Origin>,
) -> Option<&'a mut Node> {
    let Some((first, rest)) = path.split_first() else {
        return Some(n);
    };
    let is_seq = n.as_seq().is_some();
    let next = match first {
        Seg::Key(k) if is_seq => {
            let i: usize = k.parse().ok()?;
            n.as_seq_mut()?.get_mut(i)?
        }
        Seg::Key(k) => {
            if n.get(k).is_none() {
                if !create || n.as_map().is_none() {
                    return None;
                }
                let fresh = if rest.is_empty() {
                    Node::new(V::Null, org.clone())
                } else {
                    Node::map(org.clone())
                };
                n.set(k, fresh);
            }
            n.get_mut(k)?
        }
        Seg::Index(i) if is_seq => n.as_seq_mut()?.get_mut(*i)?,
        Seg::Index(i) => n.get_mut(&i.to_string())?,
        Seg::Match(k, v) => n
            .as_seq_mut()?
            .iter_mut()
            .find(|e| e.get(k).and_then(Node::scalar_text).as_deref() == Some(v))?,
    };
    lookup_mut(next, rest, create, org)
}

fn replacement_entry(b: &mut Builder, k: &Kust, entry: &Node, acc: &mut Acc) {
    if let Some(p) = entry.get_str("path") {
        let Some(docs) = b.patch_file(k, entry, p) else {
            return;
        };
        for d in docs {
            let items: Vec<Node> = match &d.v {
                V::Seq(items) => items.clone(),
                _ => vec![d.clone()],
            };
            for it in &items {
                replacement(b, k, it, acc);
            }
        }
        return;
    }
    replacement(b, k, entry, acc);
}

fn replacement(b: &mut Builder, k: &Kust, r: &Node, acc: &mut Acc) {
    let Some(src) = r.get("source") else {
        b.problem_at(r, &k.file.path, "a replacement needs a source");
        return;
    };
    let sel = Selector::parse(src);
    let found: Vec<usize> = acc
        .res
        .iter()
        .enumerate()
        .filter(|(_, x)| sel.matches(x))
        .map(|(i, _)| i)
        .collect();
    let i = match found.as_slice() {
        [i] => *i,
        [] => {
            b.problem_at(
                src,
                &k.file.path,
                "no resource matches this replacement source",
            );
            return;
        }
        _ => {
            b.problem_at(
                src,
                &k.file.path,
                "more than one resource matches this replacement source",
            );
            return;
        }
    };
    let fp = src.get_str("fieldPath").unwrap_or("metadata.name");
    let Some(mut value) = lookup(&acc.res[i].node, &field_path(fp)).cloned() else {
        b.problem_at(src, &k.file.path, format!("the source has no field {fp}"));
        return;
    };
    if let Some(o) = src.get("options")
        && let Some(d) = o.get_str("delimiter").filter(|d| !d.is_empty())
    {
        let idx = o
            .get("index")
            .and_then(Node::scalar_text)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0);
        let text = value.scalar_text().unwrap_or_default();
        let parts: Vec<&str> = text.split(d).collect();
        match usize::try_from(idx).ok().and_then(|i| parts.get(i)) {
            Some(p) => value = Node::str(*p, value.org.clone()),
            None => {
                b.problem_at(
                    o,
                    &k.file.path,
                    format!("options.index {idx} is out of bounds for value {text}"),
                );
                return;
            }
        }
    }
    let org = with_role(&r.org, OriginRole::Kustomization);
    for t in r
        .get("targets")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
    {
        let Some(s) = t.get("select") else { continue };
        let sel = Selector::parse(s);
        let rejects: Vec<Selector> = t
            .get("reject")
            .and_then(Node::as_seq)
            .map(|v| v.iter().map(Selector::parse).collect())
            .unwrap_or_default();
        let opts = t.get("options");
        let create = matches!(
            opts.and_then(|o| o.get("create")).map(|n| &n.v),
            Some(V::Bool(true))
        );
        let delim = opts
            .and_then(|o| o.get_str("delimiter"))
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        let idx = opts
            .and_then(|o| o.get("index"))
            .and_then(Node::scalar_text)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0);
        for x in acc.res.iter_mut() {
            if !sel.matches(x) || rejects.iter().any(|rj| rj.matches(x)) {
                continue;
            }
            for p in t
                .get("fieldPaths")
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
            {
                let Some(p) = p.as_str() else { continue };
                let Some(target) = lookup_mut(&mut x.node, &field_path(p), create, &org) else {
                    continue;
                };
                let mut v = value.clone();
                v.set_org_deep(&org);
                if let Some(d) = &delim {
                    let cur = target.scalar_text().unwrap_or_default();
                    let mut parts: Vec<String> =
                        cur.split(d.as_str()).map(str::to_string).collect();
                    let vt = v.scalar_text().unwrap_or_default();
                    if idx < 0 {
                        parts.insert(0, vt);
                    } else if idx as usize >= parts.len() {
                        parts.push(vt);
                    } else {
                        parts[idx as usize] = vt;
                    }
                    v = Node::str(parts.join(d), org.clone());
                }
                // A scalar written into a string field stays a string.
                if matches!(target.v, V::Str(_))
                    && let Some(t) = v.scalar_text()
                {
                    v = Node::str(t, org.clone());
                }
                *target = v;
            }
        }
    }
    // Names may have changed.
    for x in acc.res.iter_mut() {
        let n = x.name().to_string();
        if x.names.last() != Some(&n) {
            x.names.push(n);
        }
    }
}

// ---------------------------------------------------------------------------------------
// `transformers:` entries holding built-in transformer configurations.

fn transformer_config(b: &mut Builder, k: &Kust, entry: &Node, acc: &mut Acc) {
    let docs = match entry.as_str() {
        Some(text) if text.contains('\n') => b.inline_docs(k, entry),
        Some(path) => {
            if k.dir.join(path).is_dir() {
                b.problem_at(
                    entry,
                    &k.file.path,
                    "transformers from a kustomization folder are not supported; not applied",
                );
                return;
            }
            b.patch_file(k, entry, path)
        }
        None => Some(vec![entry.clone()]),
    };
    for d in docs.unwrap_or_default() {
        let kind = d.get_str("kind").unwrap_or("").to_string();
        let api = d.get_str("apiVersion").unwrap_or("");
        if api != "builtin" {
            b.problem_at(&d, &k.file.path, format!("transformer {kind} ({api}) is a plugin; runeguard runs only built-in transformers, so it was not applied"));
            continue;
        }
        match kind.as_str() {
            "LabelTransformer" | "AnnotationsTransformer" => {
                let field = if kind == "LabelTransformer" {
                    "labels"
                } else {
                    "annotations"
                };
                let Some(p) = d.get(field) else { continue };
                let pairs = pairs_of(b, k, p);
                let specs = parse_specs(d.get("fieldSpecs"));
                for r in &mut acc.res {
                    apply_specs(r, &specs, &pairs, &p.org);
                }
            }
            "NamespaceTransformer" => {
                if let Some(ns) = d.path(&["metadata", "namespace"]).and_then(Node::as_str) {
                    let org = d
                        .path(&["metadata", "namespace"])
                        .and_then(|n| n.org.clone());
                    namespace(acc, ns, &org);
                }
            }
            "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
                for (f, pre) in [("prefix", true), ("suffix", false)] {
                    if let Some(n) = d.get(f)
                        && let Some(s) = n.as_str().filter(|s| !s.is_empty())
                    {
                        affix(acc, s, pre, &n.org);
                    }
                }
            }
            "ImageTagTransformer" => {
                if let Some(it) = d.get("imageTag") {
                    images(b, k, it, acc);
                }
            }
            "ReplicaCountTransformer" => {
                if let Some(r) = d.get("replica") {
                    replicas(b, k, r, acc);
                }
            }
            "ReplacementTransformer" => {
                for r in d
                    .get("replacements")
                    .and_then(Node::as_seq)
                    .into_iter()
                    .flatten()
                {
                    replacement(b, k, r, acc);
                }
            }
            other => b.problem_at(
                &d,
                &k.file.path,
                format!("built-in transformer {other} is not supported yet; not applied"),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Top-level steps.

pub fn add_hashes(acc: &mut Acc) {
    for r in &mut acc.res {
        if r.needs_hash && matches!(r.kind(), "ConfigMap" | "Secret") {
            let h = generate::name_hash(&r.node);
            let org = r
                .node
                .path(&["metadata", "name"])
                .and_then(|n| n.org.clone());
            let name = format!("{}-{h}", r.name());
            r.set_name(name, &org);
            r.needs_hash = false;
        }
    }
}

/// How a field names another object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ref {
    /// The field is the name.
    Name,
    /// The field is a mapping with `name` and `namespace`; the namespace must be the
    /// object's original one when given, and follows the object.
    NameNs,
    /// Like `NameNs`, whatever namespace is given.
    NameAnyNs,
}

/// One step of a path to a referring field.
#[derive(Debug, Clone)]
enum Step {
    K(&'static str),
    S(String),
    I(usize),
}

type Path = Vec<Step>;

fn at<'a>(n: &'a Node, p: &[Step]) -> Option<&'a Node> {
    let mut cur = n;
    for s in p {
        cur = match s {
            Step::K(k) => cur.get(k)?,
            Step::S(k) => cur.get(k)?,
            Step::I(i) => cur.as_seq()?.get(*i)?,
        };
    }
    Some(cur)
}

fn at_mut<'a>(n: &'a mut Node, p: &[Step]) -> Option<&'a mut Node> {
    let mut cur = n;
    for s in p {
        cur = match s {
            Step::K(k) => cur.get_mut(k)?,
            Step::S(k) => cur.get_mut(k)?,
            Step::I(i) => cur.as_seq_mut()?.get_mut(*i)?,
        };
    }
    Some(cur)
}

fn join(base: &[Step], rest: &[Step]) -> Path {
    base.iter().chain(rest.iter()).cloned().collect()
}

/// Pushes `base + rest` when that field exists.
fn push_if(
    root: &Node,
    out: &mut Vec<(String, Path, Ref)>,
    kind: &str,
    base: &[Step],
    rest: &[Step],
) {
    let p = join(base, rest);
    if at(root, &p).is_some() {
        out.push((kind.to_string(), p, Ref::Name));
    }
}

fn seq_len(root: &Node, p: &[Step]) -> usize {
    at(root, p)
        .and_then(Node::as_seq)
        .map(Vec::len)
        .unwrap_or(0)
}

/// The places in a pod spec (at `base`) that name other objects.
fn pod_spec_refs(root: &Node, base: &[Step], out: &mut Vec<(String, Path, Ref)>) {
    use Step::{I, K};
    push_if(
        root,
        out,
        "ServiceAccount",
        base,
        &[K("serviceAccountName")],
    );
    push_if(root, out, "ServiceAccount", base, &[K("serviceAccount")]);
    for i in 0..seq_len(root, &join(base, &[K("imagePullSecrets")])) {
        push_if(
            root,
            out,
            "Secret",
            base,
            &[K("imagePullSecrets"), I(i), K("name")],
        );
    }
    for i in 0..seq_len(root, &join(base, &[K("volumes")])) {
        let v = join(base, &[K("volumes"), I(i)]);
        push_if(root, out, "ConfigMap", &v, &[K("configMap"), K("name")]);
        push_if(root, out, "Secret", &v, &[K("secret"), K("secretName")]);
        push_if(
            root,
            out,
            "PersistentVolumeClaim",
            &v,
            &[K("persistentVolumeClaim"), K("claimName")],
        );
        for j in 0..seq_len(root, &join(&v, &[K("projected"), K("sources")])) {
            let s = join(&v, &[K("projected"), K("sources"), I(j)]);
            push_if(root, out, "ConfigMap", &s, &[K("configMap"), K("name")]);
            push_if(root, out, "Secret", &s, &[K("secret"), K("name")]);
        }
    }
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        for i in 0..seq_len(root, &join(base, &[K(list)])) {
            let c = join(base, &[K(list), I(i)]);
            for j in 0..seq_len(root, &join(&c, &[K("env")])) {
                let e = join(&c, &[K("env"), I(j), K("valueFrom")]);
                push_if(
                    root,
                    out,
                    "ConfigMap",
                    &e,
                    &[K("configMapKeyRef"), K("name")],
                );
                push_if(root, out, "Secret", &e, &[K("secretKeyRef"), K("name")]);
            }
            for j in 0..seq_len(root, &join(&c, &[K("envFrom")])) {
                let e = join(&c, &[K("envFrom"), I(j)]);
                push_if(root, out, "ConfigMap", &e, &[K("configMapRef"), K("name")]);
                push_if(root, out, "Secret", &e, &[K("secretRef"), K("name")]);
            }
        }
    }
}

/// The paths a field spec reaches in `n` (lists are walked through).
fn spec_paths(n: &Node, segs: &[&str], cur: &mut Vec<Step>, out: &mut Vec<Path>) {
    if let V::Seq(items) = &n.v {
        for (i, item) in items.iter().enumerate() {
            cur.push(Step::I(i));
            spec_paths(item, segs, cur, out);
            cur.pop();
        }
        return;
    }
    let Some((first, rest)) = segs.split_first() else {
        out.push(cur.clone());
        return;
    };
    let name = first.trim_end_matches("[]");
    let Some((key, child)) = n.as_map().and_then(|m| m.iter().find(|(k, _)| k == name)) else {
        return;
    };
    cur.push(Step::S(key.clone()));
    spec_paths(child, rest, cur, out);
    cur.pop();
}

/// The name references of one object: (referenced kind, path of the field, whether it is
/// an RBAC subject whose namespace follows the ServiceAccount's).
fn referrals(r: &Res, extra: &[(String, FieldSpec)]) -> Vec<(String, Path, Ref)> {
    use Step::{I, K};
    let root = &r.node;
    let mut out = Vec::new();
    for (kind, f) in extra.iter().filter(|(_, f)| spec_matches(f, r)) {
        let segs: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
        let mut found = Vec::new();
        spec_paths(root, &segs, &mut Vec::new(), &mut found);
        for p in found {
            if at(root, &p).and_then(Node::as_str).is_some() {
                out.push((kind.clone(), p, Ref::Name));
            }
        }
    }
    let pod: Option<Vec<Step>> = match r.kind() {
        "Pod" => Some(vec![K("spec")]),
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => Some(vec![K("spec"), K("template"), K("spec")]),
        "CronJob" => Some(vec![
            K("spec"),
            K("jobTemplate"),
            K("spec"),
            K("template"),
            K("spec"),
        ]),
        _ => None,
    };
    if let Some(p) = pod {
        pod_spec_refs(root, &p, &mut out);
    }
    match r.kind() {
        "StatefulSet" => push_if(
            root,
            &mut out,
            "Service",
            &[],
            &[K("spec"), K("serviceName")],
        ),
        "HorizontalPodAutoscaler" => {
            if let Some(k) = root
                .path(&["spec", "scaleTargetRef", "kind"])
                .and_then(Node::as_str)
            {
                push_if(
                    root,
                    &mut out,
                    k,
                    &[],
                    &[K("spec"), K("scaleTargetRef"), K("name")],
                );
            }
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            if let Some(k) = root.path(&["roleRef", "kind"]).and_then(Node::as_str) {
                push_if(root, &mut out, k, &[], &[K("roleRef"), K("name")]);
            }
            for i in 0..seq_len(root, &[K("subjects")]) {
                let p = vec![K("subjects"), I(i)];
                if at(root, &p).and_then(|s| s.get_str("kind")) == Some("ServiceAccount") {
                    out.push(("ServiceAccount".to_string(), p, Ref::NameNs));
                }
            }
        }
        "Ingress" => {
            push_if(
                root,
                &mut out,
                "Service",
                &[],
                &[K("spec"), K("defaultBackend"), K("service"), K("name")],
            );
            push_if(
                root,
                &mut out,
                "Service",
                &[],
                &[K("spec"), K("backend"), K("serviceName")],
            );
            for i in 0..seq_len(root, &[K("spec"), K("rules")]) {
                let paths = vec![K("spec"), K("rules"), I(i), K("http"), K("paths")];
                for j in 0..seq_len(root, &paths) {
                    let b = join(&paths, &[I(j), K("backend")]);
                    push_if(root, &mut out, "Service", &b, &[K("service"), K("name")]);
                    push_if(root, &mut out, "Service", &b, &[K("serviceName")]);
                }
            }
            for i in 0..seq_len(root, &[K("spec"), K("tls")]) {
                push_if(
                    root,
                    &mut out,
                    "Secret",
                    &[],
                    &[K("spec"), K("tls"), I(i), K("secretName")],
                );
            }
        }
        "ServiceAccount" => {
            for f in ["secrets", "imagePullSecrets"] {
                for i in 0..seq_len(root, &[K(f)]) {
                    push_if(root, &mut out, "Secret", &[], &[K(f), I(i), K("name")]);
                }
            }
        }
        // Services named with their namespace: the namespace follows the Service too
        // (measured: an APIService's always, a webhook's only from the Service's original
        // namespace).
        "APIService" => {
            let p = vec![K("spec"), K("service")];
            if at(root, &p).is_some() {
                out.push(("Service".to_string(), p, Ref::NameAnyNs));
            }
        }
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
            for i in 0..seq_len(root, &[K("webhooks")]) {
                let p = vec![K("webhooks"), I(i), K("clientConfig"), K("service")];
                if at(root, &p).is_some() {
                    out.push(("Service".to_string(), p, Ref::NameNs));
                }
            }
        }
        _ => {}
    }
    out
}

/// Kustomize's `FixBackReferences`: a field naming an object by a name it had (before a
/// prefix, suffix or hash) now names it by its final name.
pub fn fix_back_references(b: &mut Builder, acc: &mut Acc, root: &Kust) {
    struct Known {
        kind: String,
        names: Vec<String>,
        orig_ns: String,
        ns_org: Option<Origin>,
        name: String,
        ns: String,
        affixes: Vec<String>,
        cluster: bool,
    }
    let known: Vec<Known> = acc
        .res
        .iter()
        .map(|r| Known {
            kind: r.kind().to_string(),
            names: r.names.clone(),
            orig_ns: r.namespaces.first().cloned().unwrap_or_default(),
            ns_org: r
                .node
                .path(&["metadata", "namespace"])
                .and_then(|n| n.org.clone()),
            name: r.name().to_string(),
            ns: r.namespace().to_string(),
            affixes: r.affixes.clone(),
            cluster: cluster_scoped(r.kind()),
        })
        .collect();
    // Every (kind, name it has had) → the objects, so each reference is one lookup.
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, k) in known.iter().enumerate() {
        let mut names: Vec<&str> = k.names.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        for n in names {
            by_name.entry((k.kind.as_str(), n)).or_default().push(i);
        }
    }
    let norm = |s: &str| {
        if s.is_empty() {
            "default".to_string()
        } else {
            s.to_string()
        }
    };
    let mut problems = Vec::new();
    let extra = acc.config.name_refs.clone();
    for r in acc.res.iter_mut() {
        let own_ns = r.namespace().to_string();
        let own_cluster = cluster_scoped(r.kind());
        let own_affixes = r.affixes.clone();
        for (kind, path, how) in referrals(r, &extra) {
            let subject = how != Ref::Name;
            let Some(field) = at(&r.node, &path) else {
                continue;
            };
            let value = if subject {
                field.get_str("name")
            } else {
                field.as_str()
            };
            let Some(value) = value.map(str::to_string) else {
                continue;
            };
            let subject_ns = if how == Ref::NameNs {
                field.get_str("namespace").map(str::to_string)
            } else {
                None
            };
            let given_ns = field.get_str("namespace").map(str::to_string);
            let mut cands: Vec<&Known> = by_name
                .get(&(kind.as_str(), value.as_str()))
                .into_iter()
                .flatten()
                .map(|&i| &known[i])
                // A subject names a ServiceAccount by the namespace it was first read with
                // (measured: a subject in a namespace a base moved the account to is not
                // followed, one in its original namespace is).
                .filter(|k| {
                    subject_ns
                        .as_ref()
                        .is_none_or(|ns| norm(&k.orig_ns) == norm(ns))
                })
                .collect();
            if cands.is_empty() {
                continue;
            }
            // A plain name reaches only objects in the referrer's namespace (measured: a
            // generated ConfigMap in another namespace is not followed).
            if !subject && !own_cluster {
                cands.retain(|k| k.cluster || norm(&k.ns) == norm(&own_ns));
                if cands.is_empty() {
                    continue;
                }
            }
            if cands.len() > 1 {
                let same: Vec<&Known> = cands
                    .iter()
                    .copied()
                    .filter(|k| k.affixes == own_affixes)
                    .collect();
                if !same.is_empty() {
                    cands = same;
                }
            }
            if cands.iter().any(|k| k.name != cands[0].name) {
                problems.push((
                    field.clone(),
                    format!("{value:?} could name more than one {kind}; left as written"),
                ));
                continue;
            }
            let c = cands[0];
            let Some(field) = at_mut(&mut r.node, &path) else {
                continue;
            };
            if subject {
                if c.name != value {
                    let org = field.get("name").and_then(|n| n.org.clone());
                    field.set("name", Node::str(c.name.clone(), org));
                }
                if !c.ns.is_empty() && given_ns.as_deref() != Some(c.ns.as_str()) {
                    // Where the object's namespace was set (the kustomization's
                    // `namespace:` line, usually).
                    let org = c.ns_org.clone().or(field.org.clone());
                    field.set("namespace", Node::str(c.ns.clone(), org));
                }
            } else if c.name != value {
                let org = field.org.clone();
                *field = Node::str(c.name.clone(), org);
            }
        }
    }
    for (n, m) in problems {
        b.problem_at(&n, &root.file.path, m);
    }
}

pub fn read_vars(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for v in k.list("vars") {
        let (Some(name), Some(obj)) = (v.get_str("name"), v.get("objref")) else {
            b.problem_at(v, &k.file.path, "a var needs name and objref");
            continue;
        };
        let (Some(kind), Some(obj_name)) = (obj.get_str("kind"), obj.get_str("name")) else {
            b.problem_at(obj, &k.file.path, "objref needs kind and name");
            continue;
        };
        let field = v
            .path(&["fieldref", "fieldpath"])
            .and_then(Node::as_str)
            .unwrap_or("metadata.name")
            .to_string();
        if acc.vars.iter().any(|x| x.name == name) {
            b.problem_at(v, &k.file.path, format!("var {name} is declared twice"));
            continue;
        }
        acc.vars.push(Var {
            name: name.to_string(),
            kind: kind.to_string(),
            obj_name: obj_name.to_string(),
            api_version: obj.get_str("apiVersion").map(str::to_string),
            namespace: obj.get_str("namespace").map(str::to_string),
            field,
            at: v.clone(),
        });
    }
}

/// Replaces `$(VAR)` in the fields Kustomize's `varReference` covers: container command,
/// args and env values, Ingress hosts.
pub fn resolve_vars(b: &mut Builder, acc: &mut Acc) {
    if acc.vars.is_empty() {
        return;
    }
    let mut values: Vec<(String, String)> = Vec::new();
    for v in &acc.vars {
        let found: Vec<&Res> = acc
            .res
            .iter()
            .filter(|r| r.kind() == v.kind && r.had_name(&v.obj_name))
            .filter(|r| {
                v.api_version
                    .as_deref()
                    .is_none_or(|a| a == r.api_version())
            })
            .filter(|r| v.namespace.as_deref().is_none_or(|n| r.had_namespace(n)))
            .collect();
        let [r] = found.as_slice() else {
            let fallback =
                v.at.org
                    .as_ref()
                    .map(|o| o.file.path.clone())
                    .unwrap_or_default();
            b.problem_at(
                &v.at,
                &fallback,
                format!(
                    "var {} must name exactly one {} {} (found {})",
                    v.name,
                    v.kind,
                    v.obj_name,
                    found.len()
                ),
            );
            continue;
        };
        match lookup(&r.node, &field_path(&v.field)).and_then(Node::scalar_text) {
            Some(s) => values.push((v.name.clone(), s)),
            None => {
                let fallback =
                    v.at.org
                        .as_ref()
                        .map(|o| o.file.path.clone())
                        .unwrap_or_default();
                b.problem_at(
                    &v.at,
                    &fallback,
                    format!(
                        "var {}: {} {} has no field {}",
                        v.name, v.kind, v.obj_name, v.field
                    ),
                );
            }
        }
    }
    let subst = |n: &mut Node| {
        if let Some(s) = n.as_str()
            && s.contains("$(")
        {
            let mut out = s.to_string();
            for (name, val) in &values {
                out = out.replace(&format!("$({name})"), val);
            }
            if out != s {
                let org = n.org.clone();
                *n = Node::str(out, org);
            }
        }
    };
    for r in &mut acc.res {
        for_containers(&mut r.node, &mut |c: &mut Node| {
            for f in ["command", "args"] {
                for a in c
                    .get_mut(f)
                    .and_then(Node::as_seq_mut)
                    .into_iter()
                    .flatten()
                {
                    subst(a);
                }
            }
            for e in c
                .get_mut("env")
                .and_then(Node::as_seq_mut)
                .into_iter()
                .flatten()
            {
                if let Some(v) = e.get_mut("value") {
                    subst(v);
                }
            }
        });
        let specs: Vec<&FieldSpec> = acc
            .config
            .var_refs
            .iter()
            .filter(|f| spec_matches(f, r))
            .collect();
        for f in specs {
            let segs: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
            walk_spec(&mut r.node, &segs, false, &None, &mut |n: &mut Node| {
                subst(n)
            });
        }
        if r.kind() == "Ingress" {
            for rule in r
                .node
                .path_mut(&["spec", "rules"])
                .and_then(Node::as_seq_mut)
                .into_iter()
                .flatten()
            {
                if let Some(h) = rule.get_mut("host") {
                    subst(h);
                }
            }
            for t in r
                .node
                .path_mut(&["spec", "tls"])
                .and_then(Node::as_seq_mut)
                .into_iter()
                .flatten()
            {
                for h in t
                    .get_mut("hosts")
                    .and_then(Node::as_seq_mut)
                    .into_iter()
                    .flatten()
                {
                    subst(h);
                }
            }
        }
    }
}

const ORDER_FIRST: [&str; 22] = [
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
const ORDER_LAST: [&str; 2] = [
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

fn legacy_key(r: &Res) -> String {
    let ns = if r.namespace().is_empty() {
        "~X"
    } else {
        r.namespace()
    };
    let name = if r.name().is_empty() { "~N" } else { r.name() };
    format!("{ns}|{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_like_kustomize() {
        assert_eq!(split_image("nginx"), ("nginx".into(), "".into(), "".into()));
        assert_eq!(
            split_image("nginx:1.2"),
            ("nginx".into(), "1.2".into(), "".into())
        );
        assert_eq!(
            split_image("localhost:5000/app:v1"),
            ("localhost:5000/app".into(), "v1".into(), "".into())
        );
        assert_eq!(
            split_image("a/b@sha256:abc"),
            ("a/b".into(), "".into(), "sha256:abc".into())
        );
        assert_eq!(
            split_image("a/b:t@sha256:abc"),
            ("a/b".into(), "t".into(), "sha256:abc".into())
        );
    }

    #[test]
    fn label_selectors() {
        let labels = Node::from_json(&serde_json::json!({"app": "x", "tier": "web"}), &None);
        assert!(label_selector_matches("app=x", Some(&labels)));
        assert!(label_selector_matches(
            "app=x,tier in (web, db)",
            Some(&labels)
        ));
        assert!(!label_selector_matches("app!=x", Some(&labels)));
        assert!(label_selector_matches("!missing,app", Some(&labels)));
        assert!(!label_selector_matches("tier notin (web)", Some(&labels)));
    }

    #[test]
    fn field_paths() {
        let p = field_path("spec.template.spec.containers.[name=app].image");
        assert_eq!(p.len(), 6);
        assert!(matches!(&p[4], Seg::Match(k, v) if k == "name" && v == "app"));
        let p = field_path("spec.http.0.route");
        assert!(matches!(p[2], Seg::Index(0)));
    }
}
