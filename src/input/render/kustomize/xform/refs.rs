//! Top-level steps: the content-hash suffix of generated objects and the name references
//! that follow renamed objects (Kustomize's `FixBackReferences`).

use super::*;

pub fn add_hashes(acc: &mut Acc) {
    suffix_hashes(acc, true);
}

/// Appends the content hash to the name of every generated ConfigMap and Secret that wants
/// one. A `HashTransformer` configuration does it where it stands and leaves them wanting
/// one (`clear` false): the final step hashes them again, as Kustomize does (measured:
/// `g-h29d89cmmt-7gdc49gk6d` after a later patch).
pub(super) fn suffix_hashes(acc: &mut Acc, clear: bool) {
    for r in &mut acc.res {
        if r.needs_hash && matches!(r.kind(), "ConfigMap" | "Secret") {
            let h = generate::name_hash(&r.node);
            let org = r
                .node
                .path(&["metadata", "name"])
                .and_then(|n| n.org.clone());
            let name = format!("{}-{h}", r.name());
            r.set_name(name, &org);
            r.needs_hash = !clear;
        }
    }
}

/// How a field names another object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ref {
    /// The field is the name.
    Name,
    /// The field is a mapping with `name` and `namespace`; the namespace must be the
    /// object's original one when given, and follows the object.
    NameNs,
}

/// One step of a path to a referring field.
#[derive(Debug, Clone)]
pub(super) enum Step {
    K(&'static str),
    S(String),
    I(usize),
}

pub(super) type Path = Vec<Step>;

pub(super) fn at<'a>(n: &'a Node, p: &[Step]) -> Option<&'a Node> {
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

pub(super) fn at_mut<'a>(n: &'a mut Node, p: &[Step]) -> Option<&'a mut Node> {
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

pub(super) fn join(base: &[Step], rest: &[Step]) -> Path {
    base.iter().chain(rest.iter()).cloned().collect()
}

/// Pushes `base + rest` when that field exists.
pub(super) fn push_if(
    root: &Node,
    out: &mut Vec<(Target, Path, Ref)>,
    kind: &str,
    base: &[Step],
    rest: &[Step],
) {
    let p = join(base, rest);
    if at(root, &p).is_some() {
        out.push((Target::kind(kind), p, Ref::Name));
    }
}

pub(super) fn seq_len(root: &Node, p: &[Step]) -> usize {
    at(root, p)
        .and_then(Node::as_seq)
        .map(Vec::len)
        .unwrap_or(0)
}

/// The places in a pod spec (at `base`) that name other objects.
pub(super) fn pod_spec_refs(root: &Node, base: &[Step], out: &mut Vec<(Target, Path, Ref)>) {
    use Step::{I, K};
    push_if(
        root,
        out,
        "ServiceAccount",
        base,
        &[K("serviceAccountName")],
    );
    push_if(root, out, "ServiceAccount", base, &[K("serviceAccount")]);
    push_if(root, out, "PriorityClass", base, &[K("priorityClassName")]);
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
pub(super) fn spec_paths(n: &Node, segs: &[&str], cur: &mut Vec<Step>, out: &mut Vec<Path>) {
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
pub(super) fn referrals(
    r: &Res,
    extra: &[(Target, FieldSpec, Option<Node>)],
) -> Vec<(Target, Path, Ref)> {
    use Step::{I, K};
    let root = &r.node;
    let mut out = Vec::new();
    for (kind, f, _) in extra.iter().filter(|(_, f, _)| spec_matches(f, r)) {
        let segs = spec_segs(&f.path);
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let mut found = Vec::new();
        spec_paths(root, &segs, &mut Vec::new(), &mut found);
        for p in found {
            // A mapping names the object by its `name` (and `namespace`), as a binding's
            // subject does (Kustomize's `setMapping`; measured with kubectl kustomize v5.8:
            // a custom spec at `spec/configRef` renames its `name` and gives it the
            // object's namespace, one of another namespace stays).
            match at(root, &p).map(|n| &n.v) {
                Some(V::Map(_)) if at(root, &p).and_then(|n| n.get_str("name")).is_some() => {
                    out.push((kind.clone(), p, Ref::NameNs));
                }
                Some(_) if at(root, &p).and_then(Node::as_str).is_some() => {
                    out.push((kind.clone(), p, Ref::Name));
                }
                _ => {}
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
    // The rest of Kustomize's built-in name-reference table (`namereference.go`), each entry
    // measured with kubectl kustomize v5.8 (a `namePrefix` over every kind): RBAC rules name
    // ConfigMaps and Secrets (a ClusterRole PersistentVolumes too) in `resourceNames`;
    // storage names classes, volumes and Secrets; Ingress auth annotations name Secrets; a
    // Node's kubelet config names a ConfigMap. (Not in the table, and left as written:
    // `runtimeClassName`, `ingressClassName`, CSI and CephFS secret references.)
    let rule_kinds: &[&str] = match r.kind() {
        "Role" => &["ConfigMap", "Secret"],
        "ClusterRole" => &["ConfigMap", "Secret", "PersistentVolume"],
        _ => &[],
    };
    for i in 0..seq_len(root, &[K("rules")]) {
        let names = [K("rules"), I(i), K("resourceNames")];
        for j in 0..seq_len(root, &names) {
            for k in rule_kinds {
                push_if(root, &mut out, k, &names, &[I(j)]);
            }
        }
    }
    match r.kind() {
        "StatefulSet" => {
            push_if(
                root,
                &mut out,
                "Service",
                &[],
                &[K("spec"), K("serviceName")],
            );
            for i in 0..seq_len(root, &[K("spec"), K("volumeClaimTemplates")]) {
                push_if(
                    root,
                    &mut out,
                    "StorageClass",
                    &[K("spec"), K("volumeClaimTemplates"), I(i)],
                    &[K("spec"), K("storageClassName")],
                );
            }
        }
        "PersistentVolumeClaim" => {
            let spec = [K("spec")];
            push_if(
                root,
                &mut out,
                "StorageClass",
                &spec,
                &[K("storageClassName")],
            );
            push_if(
                root,
                &mut out,
                "PersistentVolume",
                &spec,
                &[K("volumeName")],
            );
        }
        "PersistentVolume" => {
            let spec = [K("spec")];
            push_if(
                root,
                &mut out,
                "StorageClass",
                &spec,
                &[K("storageClassName")],
            );
            push_if(
                root,
                &mut out,
                "Secret",
                &spec,
                &[K("azureFile"), K("secretName")],
            );
        }
        "StorageClass" => {
            for p in [
                "secretName",
                "adminSecretName",
                "userSecretName",
                "secretRef",
            ] {
                push_if(root, &mut out, "Secret", &[K("parameters")], &[K(p)]);
            }
        }
        "Node" => {
            let p = vec![K("spec"), K("configSource"), K("configMap")];
            if at(root, &p).is_some() {
                out.push((Target::kind("ConfigMap"), p, Ref::NameNs));
            }
        }
        "HorizontalPodAutoscaler" => {
            // Kustomize's name-reference table lists the scale target's name under each
            // scalable kind without reading `scaleTargetRef.kind` (measured: a target
            // written as a Deployment follows a StatefulSet of that name). The kind it
            // names is looked up first.
            let named = root
                .path(&["spec", "scaleTargetRef", "kind"])
                .and_then(Node::as_str);
            let scalable = [
                "Deployment",
                "ReplicationController",
                "ReplicaSet",
                "StatefulSet",
            ];
            for k in named
                .into_iter()
                .chain(scalable.into_iter().filter(|k| Some(*k) != named))
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
                    out.push((Target::kind("ServiceAccount"), p, Ref::NameNs));
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
            for a in [
                "ingress.kubernetes.io/auth-secret",
                "nginx.ingress.kubernetes.io/auth-secret",
                "nginx.ingress.kubernetes.io/auth-tls-secret",
            ] {
                push_if(
                    root,
                    &mut out,
                    "Secret",
                    &[K("metadata"), K("annotations")],
                    &[K(a)],
                );
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
        // Only the image pull secrets: Kustomize's table has no `secrets/name` (measured
        // with kubectl kustomize v5.8: a ServiceAccount's `secrets` keep the name written).
        "ServiceAccount" => {
            for i in 0..seq_len(root, &[K("imagePullSecrets")]) {
                push_if(
                    root,
                    &mut out,
                    "Secret",
                    &[],
                    &[K("imagePullSecrets"), I(i), K("name")],
                );
            }
        }
        // An APIService names its Service by `spec/service/name` alone (Kustomize's table):
        // the name follows the Service whatever namespace is given, the namespace does not
        // (measured with kubectl kustomize v5.8: after a `NamespaceTransformer` of
        // `transformers:` moved the Service it stays as written; `namespace:` sets it by
        // its own table).
        "APIService" => {
            let p = vec![K("spec"), K("service"), K("name")];
            if at(root, &p).is_some() {
                out.push((Target::kind("Service"), p, Ref::Name));
            }
        }
        // Services named with their namespace: the namespace follows the Service too, only
        // from the Service's original namespace (measured).
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
            for i in 0..seq_len(root, &[K("webhooks")]) {
                let p = vec![K("webhooks"), I(i), K("clientConfig"), K("service")];
                if at(root, &p).is_some() {
                    out.push((Target::kind("Service"), p, Ref::NameNs));
                }
            }
        }
        _ => {}
    }
    out
}

/// What a name reference names: a kind, with the group and version a `nameReference` entry
/// gave (empty: any; measured: `version: v2` for ConfigMaps renames nothing).
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub kind: String,
    pub group: String,
    pub version: String,
}

impl Target {
    /// A kind of any group and version.
    pub fn kind(kind: &str) -> Target {
        Target {
            kind: kind.to_string(),
            group: String::new(),
            version: String::new(),
        }
    }
}

/// What Kustomize's name reference filter refuses at the field a spec reaches: a mapping
/// without `name`, a list holding anything but names and such mappings.
fn name_leaf(n: &Node) -> Option<&'static str> {
    let map = |n: &Node| match &n.v {
        V::Map(_) if n.get("name").is_none() => Some("path config error; no 'name' field in node"),
        V::Seq(_) => Some("expected either a string or a map of string"),
        _ => None,
    };
    match &n.v {
        V::Seq(items) => items.iter().find_map(map),
        _ => map(n),
    }
}

/// Kustomize's `FixBackReferences`: a field naming an object by a name it had (before a
/// prefix, suffix or hash) now names it by its final name.
pub fn fix_back_references(b: &mut Builder, acc: &mut Acc, root: &Kust) {
    struct Known {
        kind: String,
        group: String,
        version: String,
        names: Vec<String>,
        orig_ns: String,
        ns_org: Option<Origin>,
        name: String,
        ns: String,
        affixes: Vec<String>,
        cluster: bool,
        /// Kustomize recorded a previous id for it (renamed, or gone over by a namespace
        /// transformer even without a change): only such objects are found by a
        /// reference (`previousNameMatches` looks at the previous ids).
        prev_ids: bool,
    }
    let known: Vec<Known> = acc
        .res
        .iter()
        .map(|r| Known {
            kind: r.kind().to_string(),
            group: r.group().to_string(),
            version: r
                .api_version()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
            names: r.names.clone(),
            orig_ns: r.namespaces.first().cloned().unwrap_or_default(),
            ns_org: r
                .node
                .path(&["metadata", "namespace"])
                .and_then(|n| n.org.clone()),
            name: r.name().to_string(),
            ns: r.namespace().to_string(),
            affixes: r.affixes.clone(),
            cluster: cluster_scoped(r.api_version(), r.kind()),
            prev_ids: r.names.len() > 1 || r.namespaces.len() > 1 || r.stored,
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
    let extra = acc.config.name_refs.clone();
    // Kustomize's name reference filter fails the build at a `configurations:` field spec
    // path it cannot follow in an object the spec selects, whether or not anything is
    // renamed, and at a mapping without `name` (measured with kubectl kustomize v5.8:
    // "updating name reference in … field of …"); runeguard built on.
    for (kind, f, item) in &extra {
        if let Some(why) = unwalkable_spec(f, false, acc, &|_| true, &name_leaf) {
            let at = item.as_ref().and_then(|i| i.get("path")).or(item.as_ref());
            let msg = format!(
                "a `nameReference` field spec for {} {why}; names not updated",
                kind.kind
            );
            match at {
                Some(n) => b.problem_at(n, &root.file.path, msg),
                None => b.problem_at(&root.node, &root.file.path, msg),
            }
            return;
        }
    }
    let mut problems = Vec::new();
    for r in acc.res.iter_mut() {
        let own_ns = r.namespace().to_string();
        let own_cluster = cluster_scoped(r.api_version(), r.kind());
        let own_affixes = r.affixes.clone();
        // The namespaces a RoleBinding's ServiceAccount subjects give, as written.
        let rb_namespaces: Vec<String> = if r.kind() == "RoleBinding" {
            r.node
                .get("subjects")
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
                .filter(|s| s.get_str("kind") == Some("ServiceAccount"))
                .filter_map(|s| s.get_str("namespace").map(str::to_string))
                .collect()
        } else {
            Vec::new()
        };
        for (target, path, how) in referrals(r, &extra) {
            let Target {
                kind,
                group,
                version,
            } = target;
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
            // Kustomize's `SubsetThatCouldBeReferencedByResource`: a namespaced referrer
            // reaches cluster-scoped objects, objects of its own namespace and, for a
            // RoleBinding, objects in a namespace one of its ServiceAccount subjects gives.
            let reachable = |k: &Known| {
                own_cluster
                    || k.cluster
                    || norm(&k.ns) == norm(&own_ns)
                    || rb_namespaces.contains(&k.ns)
            };
            // Kustomize's `filterMapCandidatesByNamespace`: a reference giving a namespace
            // looks among the reachable objects (of any kind) first read in that namespace
            // when there are any, else among those now in it (measured: a subject naming
            // its account by the namespace `namespace:` gave is left as written when some
            // other object was first read in that namespace).
            let by_original = subject_ns.as_ref().map(|ns| {
                known
                    .iter()
                    .any(|k| !k.cluster && reachable(k) && norm(&k.orig_ns) == norm(ns))
            });
            let mut cands: Vec<&Known> = by_name
                .get(&(kind.as_str(), value.as_str()))
                .into_iter()
                .flatten()
                .map(|&i| &known[i])
                .filter(|k| {
                    (group.is_empty() || k.group == group)
                        && (version.is_empty() || k.version == version)
                })
                .filter(|k| {
                    if !reachable(k) {
                        return false;
                    }
                    match (&subject_ns, by_original) {
                        (Some(ns), Some(true)) => !k.cluster && norm(&k.orig_ns) == norm(ns),
                        (Some(ns), _) => !k.cluster && norm(&k.ns) == norm(ns),
                        (None, _) => true,
                    }
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
            // An object with no previous id (never renamed nor gone over by a namespace
            // transformer) is not found, and the reference stays as written (measured: a
            // subject without a namespace gets none); one a namespace transformer left in
            // its namespace is found, and the subject gets its namespace (measured:
            // a ClusterRoleBinding's subject of an account already in `namespace:`'s).
            if subject && !c.prev_ids {
                continue;
            }
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
