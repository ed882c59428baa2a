//! Strategic merge patches (with the built-in kinds' list merge keys and `$patch`
//! directives) and JSON 6902 patches, on [`Node`]s so that patched fields keep the patch's
//! origin.

use super::node::{Node, V};
use serde_json::Value;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    /// The OpenAPI schema a kustomization's `openapi: {path: …}` gave for this build, and the
    /// `apiVersion` of the object being merged. Kustomize then uses that schema alone (kyaml's
    /// global schema): lists of the kinds it describes merge by its
    /// `x-kubernetes-patch-merge-key`, and the built-in kinds lose theirs unless it describes
    /// them too (measured: a Deployment's containers are replaced by the patch's).
    static SCHEMA: RefCell<Option<(Arc<Value>, String)>> = const { RefCell::new(None) };
}

thread_local! {
    /// Whether Kustomize's built-in schema describes the object being merged (see
    /// [`known_to_builtin_schema`]), set once per [`merge_object`].
    static IN_BUILTIN_SCHEMA: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether Kustomize's built-in schema (Kubernetes v1.21.2, kyaml's) describes this
/// apiVersion and kind: the kinds of v1.21's API groups at the versions it served. A kind
/// or version newer than v1.21 (`autoscaling/v2` HorizontalPodAutoscaler) has no schema
/// there, so its lists merge as a custom kind's (measured: its finalizers are replaced).
fn known_to_builtin_schema(api_version: &str, kind: &str) -> bool {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let beta = |v: &str| matches!(v, "v1" | "v1beta1");
    match group {
        "" => version == "v1",
        "apps" => version == "v1",
        "batch" => match kind {
            "CronJob" => beta(version),
            _ => version == "v1",
        },
        "autoscaling" => matches!(version, "v1" | "v2beta1" | "v2beta2"),
        "policy" => match kind {
            "PodSecurityPolicy" => version == "v1beta1",
            _ => beta(version),
        },
        "extensions" => version == "v1beta1",
        "flowcontrol.apiserver.k8s.io" => version == "v1beta1",
        "networking.k8s.io"
        | "rbac.authorization.k8s.io"
        | "storage.k8s.io"
        | "admissionregistration.k8s.io"
        | "apiextensions.k8s.io"
        | "apiregistration.k8s.io"
        | "scheduling.k8s.io"
        | "coordination.k8s.io"
        | "discovery.k8s.io"
        | "node.k8s.io"
        | "certificates.k8s.io"
        | "events.k8s.io" => beta(version),
        _ => false,
    }
}

/// Sets (or clears) the custom OpenAPI schema of the build running on this thread.
pub fn set_custom_schema(schema: Option<Arc<Value>>) {
    SCHEMA.with(|s| *s.borrow_mut() = schema.map(|v| (v, String::new())));
}

/// The merge keys a custom schema gives the list at `path` of an object of `api_version`
/// and `kind` (the definition naming that group, version and kind in
/// `x-kubernetes-group-version-kind`, walked through `properties`, `items` and `$ref`s), as
/// kyaml's `PatchStrategyAndKeyList` reads them: none without an
/// `x-kubernetes-patch-strategy` that includes `merge` (`replace`, `retainKeys`: the patch's
/// list replaces the target's), else the `x-kubernetes-list-map-keys` when given (all of
/// them, over the merge key), else the `x-kubernetes-patch-merge-key` (measured with kubectl
/// kustomize v5.8: a list with a merge key and no strategy, or with list-map keys alone, is
/// replaced by the patch's; with the strategy and keys `[name, port]` it merges by both).
fn schema_merge_keys(
    schema: &Value,
    api_version: &str,
    kind: &str,
    path: &[String],
) -> Option<Vec<String>> {
    let f = schema_field(schema, api_version, kind, path)?;
    let strategy = f.get("x-kubernetes-patch-strategy")?.as_str()?;
    if !strategy.split(',').any(|p| p.trim() == "merge") {
        return None;
    }
    if let Some(keys) = f
        .get("x-kubernetes-list-map-keys")
        .and_then(Value::as_array)
    {
        let keys: Vec<String> = keys
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        return (!keys.is_empty()).then_some(keys);
    }
    f.get("x-kubernetes-patch-merge-key")
        .and_then(Value::as_str)
        .map(|k| vec![k.to_string()])
}

/// Whether a custom schema gives the list at `path` the `merge` patch strategy without a
/// merge key (a set of scalars).
fn schema_merges_scalars(schema: &Value, api_version: &str, kind: &str, path: &[String]) -> bool {
    schema_field(schema, api_version, kind, path).is_some_and(|f| {
        f.get("x-kubernetes-patch-merge-key").is_none()
            && f.get("x-kubernetes-patch-strategy")
                .and_then(Value::as_str)
                .is_some_and(|s| s.split(',').any(|p| p.trim() == "merge"))
    })
}

/// The schema of the field at `path` (see [`schema_merge_keys`]).
fn schema_field(schema: &Value, api_version: &str, kind: &str, path: &[String]) -> Option<Value> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let defs = schema.get("definitions")?.as_object()?;
    let deref = |v: &Value| -> Option<Value> {
        let mut cur = v.clone();
        for _ in 0..32 {
            match cur.get("$ref").and_then(Value::as_str) {
                Some(r) => cur = defs.get(r.strip_prefix("#/definitions/")?)?.clone(),
                None => return Some(cur),
            }
        }
        None
    };
    let def = defs.values().find(|d| {
        d.get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .is_some_and(|l| {
                l.iter().any(|g| {
                    g.get("group").and_then(Value::as_str).unwrap_or("") == group
                        && g.get("version").and_then(Value::as_str) == Some(version)
                        && g.get("kind").and_then(Value::as_str) == Some(kind)
                })
            })
    })?;
    let mut cur = def.clone();
    for seg in path {
        let mut node = deref(&cur)?;
        if let Some(items) = node.get("items") {
            node = deref(items)?;
        }
        cur = node.get("properties")?.get(seg)?.clone();
    }
    Some(cur)
}

/// Whether the list at `path` is a set of scalars the strategic merge unites (the `merge`
/// patch strategy without a merge key): `metadata.finalizers` of the built-in kinds, or
/// what a custom schema marks so (which alone decides when there is one).
fn merges_scalars(path: &[String], kind: &str) -> bool {
    if let Some(merges) = SCHEMA.with(|s| {
        s.borrow()
            .as_ref()
            .map(|(schema, api)| schema_merges_scalars(schema, api, kind, path))
    }) {
        return merges;
    }
    path.len() == 2
        && path[0] == "metadata"
        && path[1] == "finalizers"
        && IN_BUILTIN_SCHEMA.with(std::cell::Cell::get)
}

/// Whether every item of a list is a scalar (what [`merges_scalars`] lists may hold).
fn all_scalars<'a>(mut items: impl Iterator<Item = &'a Node>) -> bool {
    items.all(|i| i.as_map().is_none() && i.as_seq().is_none())
}

/// A scalar item as the set merge compares it: its text (`"1"` and `1` are one value).
fn set_text(n: &Node) -> String {
    n.scalar_text().unwrap_or_else(|| "null".to_string())
}

/// A merge key's value as kyaml compares it: the scalar's YAML text as written, not the
/// value it reads as (measured with kubectl kustomize v5.8: `containerPort: 0x50` and `80`
/// are two ports, env names `1` and `"1"` one, `01` and `1` two, containers named `0x10`
/// and `16` two); None for null or a collection. A number or boolean takes its text from
/// where it is written when that text reads as such a scalar, else its value's text.
fn kyaml_text(n: &Node) -> Option<String> {
    match &n.v {
        V::Str(s) => Some(s.clone()),
        V::Num(_) | V::Bool(_) => {
            Some(written_text(n).unwrap_or_else(|| n.scalar_text().unwrap_or_default()))
        }
        _ => None,
    }
}

/// The plain text a number or boolean is written as at its origin (the value after its
/// key, or the list item), when it looks like one: None for an alias, a tag, a quoted or
/// flow value, or an origin elsewhere (a transformer's line).
fn written_text(n: &Node) -> Option<String> {
    let o = n.org.as_ref()?;
    let text = o
        .file
        .text
        .get(o.span.start as usize..o.span.end as usize)?;
    let raw = text.rsplit(':').next()?.trim();
    let plausible = match &n.v {
        V::Num(_) => raw
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')),
        V::Bool(_) => matches!(
            raw.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        ),
        _ => false,
    };
    (plausible
        && !raw.contains(char::is_whitespace)
        && !raw.contains([',', '#', '{', '}', '[', ']']))
    .then(|| raw.to_string())
}

/// A number or boolean that replaces a string, or names the element a string key names,
/// stays a string of its text as written: kyaml keeps the target's `!!str` tag on the
/// scalar it sets (measured with kubectl kustomize v5.8: a label `"x"` patched with `true`
/// prints `"true"`, an env entry `name: "false"` matched by `name: false` stays `"false"`, a
/// value `"true"` patched with `false` prints `"false"`).
fn as_string(n: &mut Node) {
    if matches!(n.v, V::Num(_) | V::Bool(_))
        && let Some(t) = kyaml_text(n)
    {
        n.v = V::Str(t);
    }
}

/// A scalar's YAML text as kyaml's matchers read it (`yaml.Node.Value`): [`kyaml_text`], and
/// for a null the text it is written as (`~`, `null`, or empty), so that a null key is
/// matched by its spelling (measured with kubectl kustomize v5.8: a new container's
/// `env: [{name: ~, …}, {name: null, …}]` gives `[]`, `[{name: "", …}, {name: ~, …}]` keeps
/// both). None for a collection.
fn matcher_text(n: &Node) -> Option<String> {
    match &n.v {
        V::Null => Some(written_null(n)),
        _ => kyaml_text(n),
    }
}

/// The text a null is written as at its origin: `~`, `null` (any case), or empty.
fn written_null(n: &Node) -> String {
    let raw = n.org.as_ref().and_then(|o| {
        let text = o
            .file
            .text
            .get(o.span.start as usize..o.span.end as usize)?;
        Some(text.rsplit(':').next()?.trim().to_string())
    });
    match raw {
        Some(r) if matches!(r.as_str(), "~" | "null" | "Null" | "NULL") => r,
        _ => String::new(),
    }
}

/// A merge key's value where both lists are compared (a null key is its own value).
fn key_of(n: &Node, key: &str) -> Option<String> {
    n.get(key)
        .map(|v| kyaml_text(v).unwrap_or_else(|| format!("\u{0}{}", v.to_json())))
}

/// What merging did to the node it was applied to.
#[derive(Debug)]
pub enum Merged {
    Kept,
    /// `$patch: delete` asked for the node to go.
    Deleted,
    /// The patch gives a field of the target another kind of node (a mapping for a list):
    /// kyaml's merge walk fails the build there, and the target is left half merged.
    WrongKind(Box<WrongKind>),
}

/// A field a strategic merge patch gives another kind of node than the target has.
#[derive(Debug)]
pub struct WrongKind {
    /// The patch's node there.
    pub at: Node,
    /// Kustomize's words for it ("wrong node kind: expected SequenceNode but got
    /// MappingNode").
    pub message: String,
}

/// The node kinds kyaml's walk compares: a null is no node (either side may be one).
fn node_kind(n: &Node) -> Option<&'static str> {
    match n.v {
        V::Null => None,
        V::Map(_) => Some("MappingNode"),
        V::Seq(_) => Some("SequenceNode"),
        V::Bool(_) | V::Num(_) | V::Str(_) => Some("ScalarNode"),
    }
}

/// Kustomize's merge walk takes the kind of a field from the target and fails when the
/// patch's node there is of another kind (`ErrorIfAnyInvalidAndNonNull`; measured with
/// kubectl kustomize v5.8 for every pair of mapping, list and scalar, of built-in and
/// custom kinds, `$patch` directives and empty `{}`/`[]` included: "wrong node kind:
/// expected SequenceNode but got MappingNode"). A null on either side is no node: the
/// patch's value is set, or the field removed.
fn wrong_kind(target: &Node, patch: &Node) -> Option<Merged> {
    let (want, got) = (node_kind(target)?, node_kind(patch)?);
    (want != got).then(|| {
        Merged::WrongKind(Box::new(WrongKind {
            at: patch.clone(),
            message: format!("wrong node kind: expected {want} but got {got}"),
        }))
    })
}

/// The API groups of the built-in kinds, whose lists merge by their schema's keys only.
fn builtin_group(api_version: &str) -> bool {
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    matches!(
        group,
        "" | "apps"
            | "batch"
            | "policy"
            | "autoscaling"
            | "extensions"
            | "networking.k8s.io"
            | "rbac.authorization.k8s.io"
            | "storage.k8s.io"
            | "admissionregistration.k8s.io"
            | "apiextensions.k8s.io"
            | "apiregistration.k8s.io"
            | "scheduling.k8s.io"
            | "coordination.k8s.io"
            | "discovery.k8s.io"
            | "node.k8s.io"
            | "certificates.k8s.io"
    )
}

/// The merge keys a custom schema gives the list at `path` (see [`schema_merge_keys`]);
/// None when there is no custom schema.
fn custom_merge_keys(path: &[String], kind: &str) -> Option<Option<Vec<String>>> {
    SCHEMA.with(|s| {
        s.borrow()
            .as_ref()
            .map(|(schema, api)| schema_merge_keys(schema, api, kind, path))
    })
}

/// The merge key of the list at `path` (field names from the object's root, without
/// indexes), for a kind of `api_version`/`kind`; None means the patch's list replaces it.
fn merge_key(path: &[String], kind: &str, builtin: bool) -> Option<String> {
    if let Some(keys) = custom_merge_keys(path, kind) {
        return keys.map(|mut k| k.swap_remove(0));
    }
    // Kinds without a built-in schema (custom resources): Kustomize replaces their lists
    // whole, even lists of named elements (measured with kubectl kustomize v5.8).
    if !builtin {
        return None;
    }
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    // The pod spec's lists have merge keys only where the kind has a pod spec (a Service
    // patched with a Deployment's fields has no `spec.template.spec.containers` schema).
    let pod: &[&str] = match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        _ => &[],
    };
    let in_pod = (!pod.is_empty() && p.starts_with(pod)).then(|| &p[pod.len()..]);
    let container = |c: &str| matches!(c, "containers" | "initContainers" | "ephemeralContainers");
    let known = match (in_pod, p.as_slice()) {
        (Some([c]), _) if container(c) => Some("name"),
        (Some([c, "env"]), _) if container(c) => Some("name"),
        (Some([c, "ports"]), _) if container(c) => Some("containerPort"),
        (Some([c, "volumeMounts"]), _) if container(c) => Some("mountPath"),
        (Some([c, "volumeDevices"]), _) if container(c) => Some("devicePath"),
        (Some(["volumes" | "imagePullSecrets" | "resourceClaims" | "schedulingGates"]), _) => {
            Some("name")
        }
        (Some(["hostAliases"]), _) => Some("ip"),
        (Some(["topologySpreadConstraints"]), _) => Some("topologyKey"),
        (_, ["spec", "ports"]) if kind == "Service" => Some("port"),
        (_, ["metadata", "ownerReferences"]) => Some("uid"),
        (_, ["webhooks"]) if kind.ends_with("WebhookConfiguration") => Some("name"),
        (_, ["secrets"]) if kind == "ServiceAccount" => Some("name"),
        (_, [.., "conditions"]) => Some("type"),
        _ => None,
    };
    known.map(str::to_string)
}

fn is_directive_only(n: &Node) -> bool {
    n.as_map()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|(k, _)| k == "$patch"))
}

/// A copy of a patch value without `$patch` directives and without nulls in its mappings (a
/// null in a patch deletes, so it never lands in the result), for a value at `path` of an
/// object of `kind`.
///
/// Kustomize's merge (kyaml) knows only `$patch`: `$setElementOrder/…`, `$retainKeys` and
/// `$deleteFromPrimitiveList/…` are copied into its output as ordinary fields (measured with
/// kubectl kustomize v5.8), and so they are here. A list without a merge key (any list of a
/// custom resource, a field the kind's schema does not have) is copied as written, its
/// directives and nulls included (measured: kyaml walks only associative lists).
fn strip_at(n: &Node, kind: &str, builtin: bool, path: &mut Vec<String>) -> Node {
    let mut out = match &n.v {
        V::Map(entries) => Node::new(
            V::Map(
                entries
                    .iter()
                    // An unknown `$patch` value stays: kyaml ignores its error where the
                    // target lacks the mapping and copies the field (measured: `metadata:
                    // {$patch: Replace, labels: …}` on a template without metadata).
                    .filter(|(k, v)| (k != "$patch" || !known_directive(v)) && !v.is_null())
                    .map(|(k, v)| {
                        path.push(k.clone());
                        let v = strip_at(v, kind, builtin, path);
                        path.pop();
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            n.org.clone(),
        ),
        V::Seq(_) if merge_key(path, kind, builtin).is_none() => n.clone(),
        // A list with a merge key that no target list meets inside a value copied whole (a
        // new element, a value `$patch: replace` replaces): kyaml walks it into itself at
        // every depth as it does a list the target lacks (see `list_for_missing_field`), a
        // `$patch: replace` element alone dropped here (measured: a new container's
        // `env: [{$patch: replace}, {name: A}]` gives `[{name: A}]`, where the same list
        // under an existing container without `env` gives `[{$patch: replace}]`).
        V::Seq(items) => {
            let items: Vec<Node> = items
                .iter()
                .filter(|i| !(is_directive_only(i) && i.get_str("$patch") == Some("replace")))
                .cloned()
                .collect();
            Node::new(
                V::Seq(self_merged(items, kind, builtin, path)),
                n.org.clone(),
            )
        }
        _ => n.clone(),
    };
    // A patch key written plain as another type than a string stays marked in the copy
    // (see `xform::patches::mark_typed_keys`).
    out.misfit = n.misfit;
    out
}

/// The start of the refusal of a `$patch` value kyaml does not know.
pub const UNKNOWN_STRATEGY: &str = "unknown patch strategy";

/// Whether a `$patch` value is one kyaml reads (and removes): `delete`, `replace`, `merge`.
fn known_directive(v: &Node) -> bool {
    matches!(v.as_str(), Some("delete" | "replace" | "merge"))
}

/// Applies a strategic merge patch to a whole object.
pub fn merge_object(dst: &mut Node, patch: &Node) -> Merged {
    let kind = dst.get_str("kind").unwrap_or("").to_string();
    let builtin = builtin_group(dst.get_str("apiVersion").unwrap_or(""));
    IN_BUILTIN_SCHEMA.with(|b| {
        b.set(known_to_builtin_schema(
            dst.get_str("apiVersion").unwrap_or(""),
            &kind,
        ))
    });
    SCHEMA.with(|s| {
        if let Some((_, api)) = s.borrow_mut().as_mut() {
            *api = dst.get_str("apiVersion").unwrap_or("").to_string();
        }
    });
    let mut path = Vec::new();
    merge_map(dst, patch, &kind, builtin, &mut path)
}

fn merge_map(
    dst: &mut Node,
    patch: &Node,
    kind: &str,
    builtin: bool,
    path: &mut Vec<String>,
) -> Merged {
    // `dst` keeps its own key in its parent: a mark of the patch's key is not copied.
    // kyaml fails on a `$patch` value it does not know where the target has the mapping
    // (measured with kubectl kustomize v5.8: `data: {k: w, $patch: foo}` gives "unknown
    // patch strategy 'foo'"); where the target lacks it the error is ignored and the field
    // kept (see `strip_at`).
    if let Some(v) = patch.get("$patch")
        && !known_directive(v)
        && dst.as_map().is_some()
    {
        return Merged::WrongKind(Box::new(WrongKind {
            at: v.clone(),
            message: format!(
                "{UNKNOWN_STRATEGY} {:?}",
                v.scalar_text().unwrap_or_default()
            ),
        }));
    }
    match patch.get_str("$patch") {
        Some("delete") => return Merged::Deleted,
        Some("replace") => {
            *dst = strip_at(patch, kind, builtin, path);
            dst.misfit = 0;
            return Merged::Kept;
        }
        _ => {}
    }
    if dst.as_map().is_none() {
        *dst = strip_at(patch, kind, builtin, path);
        dst.misfit = 0;
        return Merged::Kept;
    }
    let Some(entries) = patch.as_map() else {
        return Merged::Kept;
    };
    // The target's fields the patch does not name are walked too (see `walk_target`).
    if let Some(dentries) = dst.as_map_mut() {
        for (k, dv) in dentries.iter_mut() {
            if entries.iter().all(|(pk, _)| pk != k) {
                path.push(k.clone());
                walk_target(dv, kind, builtin, path);
                path.pop();
            }
        }
    }
    for (k, pv) in entries {
        if k == "$patch" {
            continue;
        }
        if pv.is_null() {
            dst.remove(k);
            continue;
        }
        path.push(k.clone());
        match dst.get_mut(k) {
            Some(dv) if let Some(refused) = wrong_kind(dv, pv) => return refused,
            Some(dv) => match (&dv.v, &pv.v) {
                (V::Map(_), V::Map(_)) => match merge_map(dv, pv, kind, builtin, path) {
                    Merged::Deleted => {
                        dst.remove(k);
                    }
                    refused @ Merged::WrongKind(_) => return refused,
                    Merged::Kept => {}
                },
                (V::Seq(_), V::Seq(_)) => {
                    if let refused @ Merged::WrongKind(_) = merge_list(dv, pv, kind, builtin, path)
                    {
                        return refused;
                    }
                }
                _ => {
                    if pv.get_str("$patch") == Some("delete") {
                        dst.remove(k);
                    } else if dv.is_null()
                        && let Some(list) = list_for_missing_field(pv, kind, builtin, path)
                    {
                        *dv = list;
                    } else {
                        // The target's key stays (kyaml sets the value of its field).
                        let was_string = matches!(dv.v, V::Str(_));
                        *dv = strip_at(pv, kind, builtin, path);
                        dv.misfit = 0;
                        if was_string {
                            as_string(dv);
                        }
                    }
                }
            },
            None => {
                if pv.get_str("$patch") != Some("delete") {
                    let v = list_for_missing_field(pv, kind, builtin, path)
                        .unwrap_or_else(|| strip_at(pv, kind, builtin, path));
                    dst.set(k, v);
                }
            }
        }
        path.pop();
    }
    Merged::Kept
}

/// The list Kustomize writes for a patch list with a merge key whose field the target lacks
/// (or holds null); None for a list without a merge key (the patch's list is then taken as
/// `strip_at` copies it).
///
/// kyaml (`walk/associative_sequence.go`, list increase direction "prepend") has no target
/// list to apply a list directive to, so it takes the patch's list itself as the target and
/// merges it into itself: it reads each element's key values (a missing key is the empty
/// value), joins value rows that differ only where one is empty (lists of several keys),
/// walks the first element matching each row exactly (popping its `$patch`: `delete` removes
/// the elements naming those values from the list), collects the walked elements, then sets
/// every element left in the list into them by the keys of the last row: an element lacking
/// a key is appended and then set with fewer values, which empties the collection and leaves
/// it alone (so `env: [{value: a}, {name: N}]` gives `[{value: a}]`, `ports: [{name: a},
/// {containerPort: 81, protocol: TCP}, {name: b}]` gives `[{name: b}]`), and an element never
/// walked keeps its `$patch`. [`KyamlSelfMerge`] follows those steps; checked against kubectl
/// kustomize v5.8 on 100 random lists of ports, env entries and topology spread constraints
/// with directives and missing keys.
fn list_for_missing_field(
    patch: &Node,
    kind: &str,
    builtin: bool,
    path: &mut Vec<String>,
) -> Option<Node> {
    let items = patch.as_seq()?;
    merge_key(path, kind, builtin)?;
    Some(Node::new(
        V::Seq(self_merged(items.clone(), kind, builtin, path)),
        patch.org.clone(),
    ))
}

/// The elements of a list with a merge key at `path` merged into themselves as kyaml does
/// (see [`list_for_missing_field`]); each walked element is itself walked with no target, so
/// lists nested in it merge into themselves too (measured with kubectl kustomize v5.8: a new
/// container's `env: [A=1, B=2, A=3]` gives `[A=3, B=2]`; two new containers named alike
/// give the second alone).
fn self_merged(items: Vec<Node>, kind: &str, builtin: bool, path: &mut Vec<String>) -> Vec<Node> {
    let Some(key) = merge_key(path, kind, builtin) else {
        return items;
    };
    let mut keys = vec![key.clone()];
    keys.extend(secondary_keys(&key, path, kind));
    // The common list (one key, each element naming its own value, no directive) merges
    // into itself unchanged but for each element's walk: found in one pass, so a long list
    // copied from a patch costs no quadratic walk.
    if keys.len() == 1 {
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        let plain = items.iter().all(|i| {
            i.get("$patch").is_none()
                && i.get(&key)
                    .and_then(kyaml_text)
                    .is_some_and(|t| !t.is_empty() && seen.insert(t))
        });
        if plain {
            return items
                .iter()
                .map(|i| strip_at(i, kind, builtin, path))
                .collect();
        }
    }
    let mut m = KyamlSelfMerge {
        walked: vec![false; items.len()],
        els: items,
    };
    let out = m.run(&keys);
    out.into_iter()
        .map(|i| {
            if m.walked[i] {
                strip_at(&m.els[i], kind, builtin, path)
            } else {
                m.els[i].clone()
            }
        })
        .collect()
}

/// kyaml merging a patch list into itself (see [`list_for_missing_field`]): elements are
/// indices into `els`, so that one element may be in a list twice, as in kyaml.
struct KyamlSelfMerge {
    els: Vec<Node>,
    walked: Vec<bool>,
}

/// A key's value as kyaml reads it to match elements: a scalar's text, else empty.
fn key_text(n: &Node, key: &str) -> String {
    n.get(key).and_then(kyaml_text).unwrap_or_default()
}

/// kyaml's `validateKeys`: the keys some row names, and this row's values for them.
fn valid_keys(rows: &[Vec<String>], row: &[String], keys: &[String]) -> (Vec<String>, Vec<String>) {
    let named: Vec<bool> = (0..keys.len())
        .map(|i| rows.iter().any(|r| !r[i].is_empty()))
        .collect();
    if !named.contains(&true) {
        return (keys.to_vec(), row.to_vec());
    }
    let vk = keys
        .iter()
        .zip(&named)
        .filter(|(_, n)| **n)
        .map(|(k, _)| k.clone())
        .collect();
    let vv = row
        .iter()
        .zip(&named)
        .filter(|(v, n)| !v.is_empty() || **n)
        .map(|(v, _)| v.clone())
        .collect();
    (vk, vv)
}

/// kyaml's `match` of two value rows: equal somewhere, and different only where one is empty.
fn join_rows(a: &[String], b: &[String]) -> Option<Vec<String>> {
    let mut common = false;
    let mut out = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            out.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else {
            out.push(if x.is_empty() { y.clone() } else { x.clone() });
        }
    }
    common.then_some(out)
}

impl KyamlSelfMerge {
    /// kyaml's `FieldMatcher` with a string value: the field is there, with that value unless
    /// the value is empty.
    fn has(&self, e: usize, key: &str, value: &str) -> bool {
        self.els[e]
            .get(key)
            .is_some_and(|v| value.is_empty() || matcher_text(v).as_deref() == Some(value))
    }

    /// kyaml's `ElementSetter`: replaces the elements matching `values` by `element` (removes
    /// them when None), appending it when none matches; drops null and empty elements, and
    /// with no values keeps no unmatched element.
    fn set(
        &self,
        list: &mut Vec<usize>,
        element: Option<usize>,
        keys: &[String],
        values: &[String],
    ) {
        let mapping_setter = values.first().is_some_and(|v| !v.is_empty());
        let mut found_any = false;
        let mut out = Vec::with_capacity(list.len() + 1);
        for &e in list.iter() {
            let n = &self.els[e];
            if n.is_null() || n.as_map().is_some_and(Vec::is_empty) {
                continue;
            }
            if n.as_map().is_none() && mapping_setter {
                out.push(e);
                continue;
            }
            let mut found = !values.is_empty();
            for (k, v) in keys.iter().zip(values) {
                if !self.has(e, k, v) {
                    found = false;
                    break;
                }
            }
            if !found {
                if !values.is_empty() {
                    out.push(e);
                }
                continue;
            }
            found_any = true;
            out.extend(element);
        }
        if let Some(el) = element
            && !found_any
        {
            out.push(el);
        }
        *list = out;
    }

    /// kyaml's last step: each element of `list` left after the rows is set into `added` by
    /// the keys of the last row (`last_keys`), an element without one of them appended as is.
    fn append_rest(&self, list: &[usize], last_keys: &[String], added: &mut Vec<usize>) {
        for &e in list {
            let mut v = Vec::new();
            for k in last_keys {
                match self.els[e].get(k) {
                    Some(n) if self.els[e].as_map().is_some() => {
                        v.push(matcher_text(n).unwrap_or_default())
                    }
                    _ => added.push(e),
                }
            }
            if last_keys.len() > 1 {
                self.set(added, None, last_keys, &v);
            }
            self.set(added, Some(e), last_keys, &v);
        }
    }

    /// kyaml's rows: each element's merge-key texts, once per distinct row, in the order
    /// `els` gives; with several keys, rows that agree where both have a text joined.
    fn rows(&self, els: impl Iterator<Item = usize>, keys: &[String]) -> Vec<Vec<String>> {
        let mut rows: Vec<Vec<String>> = Vec::new();
        for e in els {
            let row: Vec<String> = keys.iter().map(|k| key_text(&self.els[e], k)).collect();
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
        if keys.len() > 1 {
            for i in 0..rows.len() {
                for j in 0..rows.len() {
                    if let Some(r) = join_rows(&rows[i], &rows[j]) {
                        rows[i] = r.clone();
                        rows[j] = r;
                    }
                }
            }
        }
        rows
    }

    fn run(&mut self, keys: &[String]) -> Vec<usize> {
        let mut list: Vec<usize> = (0..self.els.len()).collect();
        let rows = self.rows(list.iter().copied(), keys);
        let mut added: Vec<usize> = Vec::new();
        let mut last_keys: Vec<String> = keys.to_vec();
        for row in &rows {
            let (vk, vv) = valid_keys(&rows, row, keys);
            // The element to walk: the first naming exactly this row's non-empty values.
            let (mk, mv) = valid_keys(std::slice::from_ref(&vv), &vv, &vk);
            let src = list.iter().copied().find(|&e| {
                self.els[e].as_map().is_some()
                    && mk.iter().zip(&mv).all(|(k, v)| {
                        self.els[e].get(k).and_then(matcher_text).as_deref() == Some(v)
                    })
            });
            let val = src.filter(|&e| {
                self.walked[e] = true;
                // kyaml's walk drops a null field, a null key too: the walked element has no
                // key left for the final pass, which restarts the list at it (measured with
                // kubectl kustomize v5.8: env `[A=a, (bare null)=b]` gives `[{value: b}]`).
                // Only a bare null (`name:`) is walked here: `~` and `null` match no row.
                for k in keys {
                    if self.els[e].get(k).is_some_and(Node::is_null) {
                        self.els[e].remove(k);
                    }
                }
                let directive = self.els[e].remove("$patch");
                directive.as_ref().and_then(Node::as_str) != Some("delete")
            });
            last_keys = vk.clone();
            match val {
                Some(e) if !self.els[e].as_map().is_some_and(Vec::is_empty) => {
                    self.set(&mut added, Some(e), &vk, &vv)
                }
                _ => self.set(&mut list, None, &vk, &vv),
            }
        }
        if rows.is_empty() {
            return added;
        }
        self.append_rest(&list, &last_keys, &mut added);
        added
    }
}

impl KyamlSelfMerge {
    /// kyaml's walk of a target list (`els[..split]`) and a patch list (`els[split..]`) when
    /// an element of the target has no merge key: the rows of both (the patch's first), each
    /// walked by merging the first element of each list naming it; a row with no element
    /// (the key-less element's empty row, merged into another by `mergeValues` or not)
    /// deletes from the target every element its `ElementSetter` matches; the final
    /// `appendListNode` pass over the target then restarts the list at each element without
    /// the key. Returns the indices of the result, or the patch's refusal.
    fn run_two(
        &mut self,
        split: usize,
        keys: &[String],
        kind: &str,
        builtin: bool,
        path: &mut Vec<String>,
    ) -> Result<Vec<usize>, Merged> {
        let mut list: Vec<usize> = (0..split).collect();
        let patch: Vec<usize> = (split..self.els.len()).collect();
        let rows = self.rows(patch.iter().chain(&list).copied(), keys);
        let mut added: Vec<usize> = Vec::new();
        let mut last_keys: Vec<String> = keys.to_vec();
        for row in &rows {
            let (vk, vv) = valid_keys(&rows, row, keys);
            let (mk, mv) = valid_keys(std::slice::from_ref(&vv), &vv, &vk);
            let names = |n: &Node| {
                n.as_map().is_some()
                    && mk
                        .iter()
                        .zip(&mv)
                        .all(|(k, v)| n.get(k).and_then(matcher_text).as_deref() == Some(v))
            };
            let d = list.iter().copied().find(|&e| names(&self.els[e]));
            let p = patch.iter().copied().find(|&e| names(&self.els[e]));
            last_keys = vk.clone();
            // kyaml reads a patch element's `$patch` when it walks it and removes it from the
            // patch: a row walked twice (two rows `mergeValues` joined into one) meets the
            // element without its directive the second time.
            let directive = p.and_then(|p| self.els[p].remove("$patch"));
            let val = match (d, p) {
                (_, Some(_)) if directive.as_ref().and_then(Node::as_str) == Some("delete") => None,
                // `replace` gives the patch's element itself; the target's is left as it is
                // (measured: ports `[http, x/81/nodePort]` patched with `[y/81 replace]`
                // give `[http, y/81/nodePort]`: the row walked again merges `y`, now without
                // its directive, into `x`).
                (_, Some(p)) if directive.as_ref().and_then(Node::as_str) == Some("replace") => {
                    self.walked[p] = true;
                    self.els[p] = strip_at(&self.els[p], kind, builtin, path);
                    Some(p)
                }
                (Some(d), Some(p)) => {
                    let pn = self.els[p].clone();
                    let key_node = self.els[d].get(&keys[0]).cloned();
                    match merge_map(&mut self.els[d], &pn, kind, builtin, path) {
                        Merged::Deleted => None,
                        refused @ Merged::WrongKind(_) => return Err(refused),
                        Merged::Kept => {
                            if let Some(k) = key_node {
                                self.els[d].set(&keys[0], k);
                            }
                            Some(d)
                        }
                    }
                }
                (None, Some(p)) => {
                    if !self.walked[p] {
                        self.walked[p] = true;
                        self.els[p] = strip_at(&self.els[p], kind, builtin, path);
                    }
                    Some(p)
                }
                (Some(d), None) => {
                    if !self.walked[d] {
                        self.walked[d] = true;
                        walk_target(&mut self.els[d], kind, builtin, path);
                    }
                    Some(d)
                }
                (None, None) => None,
            };
            match val {
                Some(e) if !self.els[e].as_map().is_some_and(Vec::is_empty) => {
                    self.set(&mut added, Some(e), &vk, &vv)
                }
                _ => self.set(&mut list, None, &vk, &vv),
            }
        }
        self.append_rest(&list, &last_keys, &mut added);
        Ok(added)
    }
}

fn merge_list(
    dst: &mut Node,
    patch: &Node,
    kind: &str,
    builtin: bool,
    path: &mut Vec<String>,
) -> Merged {
    // A set of scalars (patch strategy `merge`, no key): the patch's values in its order,
    // then the target's it does not name, in theirs, each value once, compared as text; a
    // value both have keeps the target's node (measured: finalizers `a, b, c` patched with
    // `d, b` give `d, b, a, c`; `"1"` patched with `1` stays `"1"`; runeguard replaced the
    // list).
    if merges_scalars(path, kind)
        && let (Some(ditems), Some(pitems)) = (dst.as_seq(), patch.as_seq())
        && all_scalars(ditems.iter().chain(pitems))
    {
        let mut out: Vec<Node> = Vec::new();
        for p in pitems {
            let t = set_text(p);
            if out.iter().any(|o| set_text(o) == t) {
                continue;
            }
            out.push(
                ditems
                    .iter()
                    .find(|d| set_text(d) == t)
                    .unwrap_or(p)
                    .clone(),
            );
        }
        for d in ditems {
            let t = set_text(d);
            if !out.iter().any(|o| set_text(o) == t) {
                out.push(d.clone());
            }
        }
        dst.v = V::Seq(out);
        return Merged::Kept;
    }
    // A list without a merge key is replaced by the patch's, as written.
    let Some(key) = merge_key(path, kind, builtin) else {
        *dst = patch.clone();
        return Merged::Kept;
    };
    let pitems = patch.as_seq().cloned().unwrap_or_default();
    let replace = |i: &Node| i.get_str("$patch") == Some("replace");
    if pitems.iter().any(|i| replace(i) && is_directive_only(i)) {
        let mut n = strip_at(patch, kind, builtin, path);
        n.org = patch.org.clone();
        *dst = n;
        return Merged::Kept;
    }
    let ditems = dst.as_seq().cloned().unwrap_or_default();
    // A target element without the merge key (a Service port with no `port`): kyaml's row
    // for it is empty, so its walk deletes every target element that has the key, and the
    // final pass restarts the list at it (measured with kubectl kustomize v5.8: ports
    // `[x/81, http]` patched with `[h/80]` give `[http]`; `[http, x/81]` give `[http, x/81]`,
    // the patch's port lost). Modelled with kyaml's row walk over both lists, patch elements
    // with a `$patch` of `delete`, `replace` or `merge` included.
    if ditems
        .iter()
        .any(|d| d.as_map().is_some() && d.get(&key).is_none())
        && pitems.iter().chain(&ditems).all(|i| {
            i.as_map().is_some()
                && matches!(
                    i.get("$patch").map(|d| d.as_str()),
                    None | Some(Some("delete" | "replace" | "merge"))
                )
        })
    {
        let mut keys = vec![key.clone()];
        keys.extend(secondary_keys(&key, path, kind));
        let split = ditems.len();
        let mut m = KyamlSelfMerge {
            walked: vec![false; split + pitems.len()],
            els: ditems.into_iter().chain(pitems).collect(),
        };
        return match m.run_two(split, &keys, kind, builtin, path) {
            Ok(out) => {
                dst.v = V::Seq(out.into_iter().map(|i| m.els[i].clone()).collect());
                Merged::Kept
            }
            Err(refused) => refused,
        };
    }
    if let Some(out) = merge_ports(&key, &ditems, &pitems, kind, builtin, path) {
        dst.v = V::Seq(out);
        return Merged::Kept;
    }
    // Elements of the target sharing one key (two `env` entries named `X`): kyaml keeps one
    // element per key, the last one, where the key first appears, and a patch element naming
    // that key leaves it as it is (only `$patch: delete` removes it). Measured with kubectl
    // kustomize v5.8: env `X=1, Y=2, X=3` patched with `X=9, Z=0` gives `X=3, Z=0, Y=2`.
    let (ditems, repeated) = one_per_key(ditems, &key);
    // Kustomize's strategic merge (kyaml, list increase direction "prepend") puts the patch's
    // elements first, in the patch's order (merged into the element they match), then the
    // elements of the target the patch does not name, in their order.
    let mut rest: Vec<Option<Node>> = ditems.into_iter().map(Some).collect();
    let mut out = Vec::new();
    // kyaml walks one patch element per key value, the first one naming it: a later element
    // naming the same key is not merged (measured with kubectl kustomize v5.8: env `A=0, C=0`
    // patched with `A=1, B=2, A=3, B=4, C=5, C=6` gives `A=1, B=2, C=5`; runeguard appended
    // the later ones).
    let mut patch_keys = std::collections::HashSet::with_capacity(pitems.len());
    for p in &pitems {
        // A directive alone, or an element asking to replace itself (Kustomize drops it).
        if (is_directive_only(p) && p.get(&key).is_none()) || replace(p) {
            continue;
        }
        let pk = key_of(p, &key);
        if let Some(k) = &pk
            && !patch_keys.insert(k.clone())
        {
            continue;
        }
        let pos = pk.as_ref().and_then(|pk| {
            rest.iter()
                .position(|d| d.as_ref().and_then(|d| key_of(d, &key)).as_ref() == Some(pk))
        });
        let deleting = p.get_str("$patch") == Some("delete");
        match pos {
            Some(i) => {
                let mut d = rest[i].take().expect("present");
                // The merge key only names the element: it keeps the target's origin.
                let key_node = d.get(&key).cloned();
                if deleting {
                    continue;
                }
                if pk.as_ref().is_some_and(|pk| repeated.contains(pk)) {
                    out.push(d);
                    continue;
                }
                match merge_map(&mut d, p, kind, builtin, path) {
                    Merged::Deleted => continue,
                    refused @ Merged::WrongKind(_) => return refused,
                    Merged::Kept => {}
                }
                if let Some(mut k) = key_node {
                    // A string key in the patch naming a number or boolean key: the key
                    // prints as the string (kyaml sets the patch's scalar).
                    if p.get(&key).is_some_and(|pk| matches!(pk.v, V::Str(_))) {
                        as_string(&mut k);
                    }
                    d.set(&key, k);
                }
                out.push(d);
            }
            None if deleting => {}
            None => out.push(strip_at(p, kind, builtin, path)),
        }
    }
    // kyaml walks the target's elements the patch does not name as well.
    for mut d in rest.into_iter().flatten() {
        walk_target(&mut d, kind, builtin, path);
        out.push(d);
    }
    dst.v = V::Seq(out);
    Merged::Kept
}

/// One element per merge key value, the last one, where the value first appears (elements
/// without the key are kept); also the key values that were repeated.
fn one_per_key(items: Vec<Node>, key: &str) -> (Vec<Node>, Vec<String>) {
    let key_of = |d: &Node| key_of(d, key);
    let mut one: Vec<Node> = Vec::with_capacity(items.len());
    let mut repeated = Vec::new();
    for d in items {
        let k = key_of(&d);
        match k
            .as_ref()
            .and_then(|k| one.iter().position(|c| key_of(c).as_ref() == Some(k)))
        {
            Some(i) => {
                one[i] = d;
                repeated.extend(k);
            }
            None => one.push(d),
        }
    }
    (one, repeated)
}

/// What kyaml's merge walk does to a part of the target the patch does not name: it walks
/// every field of the target too, and rebuilds each list that has a merge key with one
/// element per key (measured with kubectl kustomize v5.8: two containers a replacement
/// named alike become one, the last, when a patch that sets only a label is applied).
/// Lists without a merge key are not walked into; ports, keyed with their protocol, are
/// left as they are (not modelled).
fn walk_target(n: &mut Node, kind: &str, builtin: bool, path: &mut Vec<String>) {
    n.type_untyped();
    match &mut n.v {
        V::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                path.push(k.clone());
                walk_target(v, kind, builtin, path);
                path.pop();
            }
        }
        V::Seq(items) => {
            // A set of scalars the patch does not name keeps each value once (measured:
            // finalizers `a, a, b` under a patch of the labels give `a, b`).
            if merges_scalars(path, kind) && all_scalars(items.iter()) {
                let mut seen = Vec::new();
                items.retain(|i| {
                    let t = set_text(i);
                    let first = !seen.contains(&t);
                    seen.push(t);
                    first
                });
                return;
            }
            let Some(key) = merge_key(path, kind, builtin) else {
                return;
            };
            if !secondary_keys(&key, path, kind).is_empty() {
                return;
            }
            let (mut one, _) = one_per_key(std::mem::take(items), &key);
            for item in &mut one {
                walk_target(item, kind, builtin, path);
            }
            *items = one;
        }
        _ => {}
    }
}

/// The keys after the first of the lists Kubernetes' schema keys by more than one field
/// (`x-kubernetes-list-map-keys`), which kyaml merges by all: ports with `protocol`,
/// topology spread constraints with `whenUnsatisfiable` (measured with kubectl kustomize
/// v5.8: a constraint on the same `topologyKey` with another `whenUnsatisfiable` is added
/// before the target's, not merged into it); with a custom schema, its list-map keys.
fn secondary_keys(key: &str, path: &[String], kind: &str) -> Vec<String> {
    if let Some(keys) = custom_merge_keys(path, kind) {
        return keys.map(|k| k[1..].to_vec()).unwrap_or_default();
    }
    match key {
        "port" | "containerPort" => vec!["protocol".to_string()],
        "topologyKey" => vec!["whenUnsatisfiable".to_string()],
        _ => Vec::new(),
    }
}

/// Service ports and container ports are keyed by port and `protocol` in Kubernetes'
/// schema. When some element of the target or the patch writes `protocol`, Kustomize (kyaml)
/// merges them by both as written (a missing protocol is not `TCP`), measured with kubectl
/// kustomize v5.8 over combinations of written and missing protocols:
/// - a patch port with the same port and protocol (both missing, or equal) is merged into
///   that target port, which keeps its place;
/// - a patch port whose port a target port has, one of the two without `protocol`, is
///   dropped (the target port stays as it was);
/// - any other patch port is new: the new ones come first, in the patch's order, then the
///   target's ports in their order;
/// - a patch port with `$patch: delete` removes the target port with the same port and the
///   same protocol, both written; it removes nothing else (not a port without `protocol`,
///   nor every protocol of a port when the patch port has none), and is never added
///   (measured: `5432/TCP, 5432/UDP` less `5432/UDP` gives `5432/TCP`; less `5432` alone,
///   nothing is removed).
///
/// None when this rule does not apply (no `protocol` written, another list, or other
/// directives).
fn merge_ports(
    key: &str,
    ditems: &[Node],
    pitems: &[Node],
    kind: &str,
    builtin: bool,
    path: &mut Vec<String>,
) -> Option<Vec<Node>> {
    let seconds = secondary_keys(key, path, kind);
    if seconds.is_empty() {
        return None;
    }
    // The other keys' values, None when the element writes none of them.
    let proto = |n: &Node| {
        let vals: Vec<Option<String>> = seconds
            .iter()
            .map(|k| n.get(k).filter(|p| !p.is_null()).and_then(kyaml_text))
            .collect();
        vals.iter().any(Option::is_some).then_some(vals)
    };
    let deleting = |p: &Node| p.get_str("$patch") == Some("delete");
    // A port the patch names twice (same port, same other keys): the first one alone is
    // walked, as in `merge_list` (measured with kubectl kustomize v5.8: `80 a, 80 b, 90,
    // 90 c` over `80` gives `90, 80 a`).
    let mut named = std::collections::HashSet::with_capacity(pitems.len());
    let pitems: Vec<Node> = pitems
        .iter()
        .filter(|p| {
            p.get("$patch").is_some()
                || p.get(key).is_none()
                || named.insert((p.get(key).and_then(kyaml_text), proto(p)))
        })
        .cloned()
        .collect();
    let pitems = &pitems[..];
    if !pitems.iter().chain(ditems).any(|n| proto(n).is_some())
        || pitems
            .iter()
            .any(|p| (p.get("$patch").is_some() && !deleting(p)) || p.as_map().is_none())
    {
        return None;
    }
    let port = |n: &Node| key_of(n, key);
    let mut rest: Vec<Option<Node>> = ditems.iter().cloned().map(Some).collect();
    let mut new = Vec::new();
    for p in pitems {
        let (pk, pp) = (port(p), proto(p));
        if deleting(p) {
            if pk.is_some() && pp.is_some() {
                for d in &mut rest {
                    if d.as_ref().is_some_and(|d| port(d) == pk && proto(d) == pp) {
                        *d = None;
                    }
                }
            }
            continue;
        }
        let exact = rest.iter().position(|d| {
            d.as_ref()
                .is_some_and(|d| pk.is_some() && port(d) == pk && proto(d) == pp)
        });
        match exact {
            Some(i) => {
                let mut d = rest[i].take().expect("present");
                // The merge keys only name the element: they keep the target's origin.
                let keys: Vec<(&str, Node)> = std::iter::once(key)
                    .chain(seconds.iter().map(String::as_str))
                    .filter_map(|k| d.get(k).cloned().map(|n| (k, n)))
                    .collect();
                if !matches!(merge_map(&mut d, p, kind, builtin, path), Merged::Deleted) {
                    for (k, n) in keys {
                        d.set(k, n);
                    }
                    rest[i] = Some(d);
                }
            }
            None => {
                let half = pk.is_some()
                    && rest
                        .iter()
                        .flatten()
                        .any(|d| port(d) == pk && (proto(d).is_none() || pp.is_none()));
                if !half {
                    new.push(strip_at(p, kind, builtin, path));
                }
            }
        }
    }
    new.extend(rest.into_iter().flatten());
    Some(new)
}

/// A problem applying a JSON 6902 operation.
pub type PatchError = String;

fn unescape(seg: &str) -> String {
    seg.replace("~1", "/").replace("~0", "~")
}

fn pointer(path: &str) -> Result<Vec<String>, PatchError> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| format!("JSON pointer {path:?} must start with `/`"))?;
    Ok(rest.split('/').map(unescape).collect())
}

fn walk<'a>(root: &'a mut Node, segs: &[String], path: &str) -> Result<&'a mut Node, PatchError> {
    let mut n = root;
    for s in segs {
        n = match &mut n.v {
            V::Map(m) => m
                .iter_mut()
                .find(|(k, _)| k == s)
                .map(|(_, v)| v)
                .ok_or_else(|| format!("path {path:?}: no field {s:?}"))?,
            V::Seq(items) => {
                let i: usize = s
                    .parse()
                    .map_err(|_| format!("path {path:?}: {s:?} is not an index"))?;
                let len = items.len();
                items.get_mut(i).ok_or_else(|| {
                    format!("path {path:?}: index {i} out of range (length {len})")
                })?
            }
            _ => return Err(format!("path {path:?}: {s:?} is below a scalar")),
        };
    }
    Ok(n)
}

/// The value at `path`. As in the JSON patch library Kustomize uses, a key missing from a
/// mapping that exists reads as null (`copy` copies a null, `test` compares with null);
/// a missing mapping above it is an error.
fn get_at(root: &mut Node, path: &str) -> Result<Node, PatchError> {
    let segs = pointer(path)?;
    let Some((last, parents)) = segs.split_last() else {
        return Ok(root.clone());
    };
    let parent = walk(root, parents, path)?;
    if let V::Map(m) = &parent.v {
        return Ok(m
            .iter()
            .find(|(k, _)| k == last)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| Node::new(V::Null, None)));
    }
    Ok(walk(parent, std::slice::from_ref(last), path)?.clone())
}

fn add_at(root: &mut Node, path: &str, value: Node) -> Result<(), PatchError> {
    let segs = pointer(path)?;
    let Some((last, parents)) = segs.split_last() else {
        *root = value;
        return Ok(());
    };
    let parent = walk(root, parents, path)?;
    match &mut parent.v {
        V::Map(m) => {
            match m.iter_mut().find(|(k, _)| k == last) {
                Some((_, v)) => *v = value,
                None => m.push((last.clone(), value)),
            }
            Ok(())
        }
        V::Seq(items) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            let i: usize = last
                .parse()
                .map_err(|_| format!("path {path:?}: {last:?} is not an index"))?;
            if i > items.len() {
                return Err(format!(
                    "path {path:?}: index {i} out of range (length {})",
                    items.len()
                ));
            }
            items.insert(i, value);
            Ok(())
        }
        _ => Err(format!("path {path:?}: parent is a scalar")),
    }
}

fn remove_at(root: &mut Node, path: &str) -> Result<Node, PatchError> {
    let segs = pointer(path)?;
    let Some((last, parents)) = segs.split_last() else {
        return Err("cannot remove the whole document".into());
    };
    let parent = walk(root, parents, path)?;
    match &mut parent.v {
        V::Map(m) => {
            let i = m
                .iter()
                .position(|(k, _)| k == last)
                .ok_or_else(|| format!("path {path:?}: no field {last:?}"))?;
            Ok(m.remove(i).1)
        }
        V::Seq(items) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("path {path:?}: {last:?} is not an index"))?;
            if i >= items.len() {
                return Err(format!(
                    "path {path:?}: index {i} out of range (length {})",
                    items.len()
                ));
            }
            Ok(items.remove(i))
        }
        _ => Err(format!("path {path:?}: parent is a scalar")),
    }
}

/// Applies one JSON 6902 operation (a mapping with `op`, `path`, `value`/`from`). An `add`
/// below a missing mapping is an error, as in Kustomize ("doc is missing path").
pub fn apply_op(root: &mut Node, op: &Node) -> Result<(), PatchError> {
    let name = op.get_str("op").ok_or("operation without `op`")?;
    let path = op.get_str("path").ok_or("operation without `path`")?;
    let value = || -> Result<Node, PatchError> {
        op.get("value")
            .map(|v| {
                let mut v = v.clone();
                if v.org.is_none() {
                    v.org = op.org.clone();
                }
                // The operations become JSON through go-yaml v2, which reads a timestamp
                // into text as written (measured: `value: 2025-07-01` prints "2025-07-01").
                v.clear_timestamps();
                // ... and decodes a `!!binary` value (measured: `!!binary aGk=` adds "hi").
                v.decode_binaries();
                v
            })
            .ok_or_else(|| format!("`{name}` operation without `value`"))
    };
    match name {
        "add" => add_at(root, path, value()?),
        "remove" => remove_at(root, path).map(|_| ()),
        "replace" => {
            let v = value()?;
            let segs = pointer(path)?;
            // A key missing from a mapping that exists is set (measured: Kustomize's JSON
            // patch library replaces into mappings without checking the key).
            if let Some((last, parents)) = segs.split_last()
                && let V::Map(m) = &mut walk(root, parents, path)?.v
            {
                match m.iter_mut().find(|(k, _)| k == last) {
                    Some((_, old)) => *old = v,
                    None => m.push((last.clone(), v)),
                }
                return Ok(());
            }
            *walk(root, &segs, path)? = v;
            Ok(())
        }
        "move" => {
            let from = op.get_str("from").ok_or("`move` without `from`")?;
            let v = remove_at(root, from)?;
            add_at(root, path, v)
        }
        "copy" => {
            let from = op.get_str("from").ok_or("`copy` without `from`")?;
            let v = get_at(root, from)?;
            add_at(root, path, v)
        }
        "test" => {
            let want = value()?.to_json();
            let got = get_at(root, path)?.to_json();
            if want == got {
                Ok(())
            } else {
                Err(format!("test failed at {path:?}: {got} is not {want}"))
            }
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn node(v: &Value) -> Node {
        Node::from_json(v, &None)
    }

    #[test]
    fn containers_merge_by_name_and_env_deletes() {
        let mut d = node(
            &serde_json::json!({"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"containers":[
            {"name":"a","image":"x","env":[{"name":"K","value":"1"},{"name":"L","value":"2"}]},{"name":"b","image":"y"}]}}}}),
        );
        let p = node(
            &serde_json::json!({"spec":{"template":{"spec":{"containers":[
            {"name":"a","image":"z","env":[{"name":"K","$patch":"delete"},{"name":"M","value":"3"}]}]}}}}),
        );
        merge_object(&mut d, &p);
        let c = &d.to_json()["spec"]["template"]["spec"]["containers"];
        assert_eq!(c[0]["image"], "z");
        assert_eq!(c[1]["image"], "y");
        assert_eq!(
            c[0]["env"],
            serde_json::json!([{"name":"M","value":"3"},{"name":"L","value":"2"}])
        );
        // Elements the patch names come first, in the patch's order.
        let p = node(
            &serde_json::json!({"spec":{"template":{"spec":{"containers":[{"name":"b"},{"name":"c","image":"w"}]}}}}),
        );
        merge_object(&mut d, &p);
        let names: Vec<_> = d.to_json()["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].clone())
            .collect();
        assert_eq!(names, ["b", "c", "a"]);
    }

    #[test]
    fn lists_without_a_key_are_replaced_and_null_deletes() {
        let mut d = node(
            &serde_json::json!({"apiVersion":"v1","kind":"Pod","spec":{"tolerations":[{"key":"a"}],"x":1}}),
        );
        let p = node(&serde_json::json!({"spec":{"tolerations":[{"key":"b"}],"x":null}}));
        merge_object(&mut d, &p);
        assert_eq!(
            d.to_json(),
            serde_json::json!({"apiVersion":"v1","kind":"Pod","spec":{"tolerations":[{"key":"b"}]}})
        );
    }

    #[test]
    fn patch_delete_and_replace_directives() {
        let mut d = node(&serde_json::json!({"kind":"Pod","spec":{"a":{"b":1,"c":2}}}));
        let p = node(&serde_json::json!({"spec":{"a":{"$patch":"replace","d":3}}}));
        merge_object(&mut d, &p);
        assert_eq!(d.to_json()["spec"]["a"], serde_json::json!({"d":3}));
        let p = node(&serde_json::json!({"$patch":"delete"}));
        assert!(matches!(merge_object(&mut d, &p), Merged::Deleted));
    }

    /// Measured with kubectl kustomize v5.8 (cases A, B, C, K, M, N, O of container ports).
    #[test]
    fn a_deleted_port_with_a_protocol_removes_only_the_same_port_and_protocol() {
        use serde_json::json;
        let cases = [
            // (target ports, patch ports, result)
            (
                json!([{"containerPort":5432,"protocol":"TCP"},{"containerPort":5432,"protocol":"UDP"}]),
                json!([{"containerPort":5432,"protocol":"UDP","$patch":"delete"},{"containerPort":8080,"protocol":"TCP","name":"x"}]),
                json!([{"containerPort":8080,"protocol":"TCP","name":"x"},{"containerPort":5432,"protocol":"TCP"}]),
            ),
            (
                json!([{"containerPort":5432,"protocol":"TCP"},{"containerPort":5432,"protocol":"UDP"},{"containerPort":80}]),
                json!([{"containerPort":5432,"$patch":"delete"}]),
                json!([{"containerPort":5432,"protocol":"TCP"},{"containerPort":5432,"protocol":"UDP"},{"containerPort":80}]),
            ),
            (
                json!([{"containerPort":5432},{"containerPort":53,"protocol":"UDP"}]),
                json!([{"containerPort":5432,"protocol":"TCP","$patch":"delete"}]),
                json!([{"containerPort":5432},{"containerPort":53,"protocol":"UDP"}]),
            ),
            (
                json!([{"containerPort":5432,"protocol":"TCP"},{"containerPort":80}]),
                json!([{"containerPort":80,"$patch":"delete"}]),
                json!([{"containerPort":5432,"protocol":"TCP"},{"containerPort":80}]),
            ),
            (
                json!([{"containerPort":80,"protocol":"TCP"},{"containerPort":81,"protocol":"TCP"}]),
                json!([{"containerPort":81,"protocol":"TCP","$patch":"delete"},{"containerPort":82,"protocol":"UDP"}]),
                json!([{"containerPort":82,"protocol":"UDP"},{"containerPort":80,"protocol":"TCP"}]),
            ),
            (
                json!([{"containerPort":80,"protocol":"TCP"},{"containerPort":81}]),
                json!([{"containerPort":80,"protocol":"TCP","$patch":"delete"},{"containerPort":82}]),
                json!([{"containerPort":82},{"containerPort":81}]),
            ),
        ];
        for (target, patch, want) in cases {
            let pod = |ports: &Value| {
                json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
                    "spec":{"containers":[{"name":"c","ports":ports}]}})
            };
            let mut d = node(&pod(&target));
            merge_object(&mut d, &node(&pod(&patch)));
            assert_eq!(
                d.to_json()["spec"]["containers"][0]["ports"],
                want,
                "{target} patched with {patch}"
            );
        }
    }

    /// Measured with kubectl kustomize v5.8: kyaml keys topology spread constraints by
    /// `topologyKey` and `whenUnsatisfiable`.
    #[test]
    fn topology_spread_constraints_merge_by_key_and_when_unsatisfiable() {
        use serde_json::json;
        let dep = |tsc: Value| {
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
                "spec":{"template":{"spec":{"topologySpreadConstraints":tsc}}}})
        };
        let zone =
            |w: &str, skew: i64| json!({"topologyKey":"zone","whenUnsatisfiable":w,"maxSkew":skew});
        let mut d = node(&dep(json!([zone("DoNotSchedule", 1)])));
        merge_object(&mut d, &node(&dep(json!([zone("ScheduleAnyway", 2)]))));
        assert_eq!(
            d.to_json()["spec"]["template"]["spec"]["topologySpreadConstraints"],
            json!([zone("ScheduleAnyway", 2), zone("DoNotSchedule", 1)])
        );
        let host = json!({"topologyKey":"host","whenUnsatisfiable":"ScheduleAnyway"});
        let rack = json!({"topologyKey":"rack","whenUnsatisfiable":"DoNotSchedule"});
        let mut d = node(&dep(json!([zone("DoNotSchedule", 1), host.clone()])));
        let del =
            json!({"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule","$patch":"delete"});
        merge_object(&mut d, &node(&dep(json!([del, rack.clone()]))));
        assert_eq!(
            d.to_json()["spec"]["template"]["spec"]["topologySpreadConstraints"],
            json!([rack, host])
        );
    }

    #[test]
    fn json6902_operations() {
        let mut d = node(&serde_json::json!({"spec":{"args":["a"],"x":1}}));
        for op in [
            serde_json::json!({"op":"add","path":"/spec/args/-","value":"b"}),
            serde_json::json!({"op":"add","path":"/spec/args/0","value":"z"}),
            serde_json::json!({"op":"replace","path":"/spec/x","value":2}),
            serde_json::json!({"op":"copy","from":"/spec/x","path":"/spec/y"}),
            serde_json::json!({"op":"move","from":"/spec/y","path":"/spec/w"}),
            serde_json::json!({"op":"test","path":"/spec/w","value":2}),
        ] {
            apply_op(&mut d, &node(&op)).unwrap();
        }
        assert_eq!(
            d.to_json(),
            serde_json::json!({"spec":{"args":["z","a","b"],"x":2,"w":2}})
        );
        assert!(
            apply_op(
                &mut d,
                &node(&serde_json::json!({"op":"remove","path":"/spec/nope"}))
            )
            .is_err()
        );
        assert!(
            apply_op(
                &mut d,
                &node(&serde_json::json!({"op":"test","path":"/spec/x","value":3}))
            )
            .is_err()
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-z]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn an_empty_patch_is_identity(v in prop::collection::btree_map("[a-z]{1,3}", arb_json(), 0..5)) {
            let v = Value::Object(v.into_iter().collect());
            let mut d = node(&v);
            merge_object(&mut d, &node(&serde_json::json!({})));
            prop_assert_eq!(d.to_json(), v);
        }

        #[test]
        fn patching_an_object_with_itself_is_identity(v in prop::collection::btree_map("[a-z]{1,3}", arb_json(), 0..5)) {
            // Nulls delete, so an object without nulls patched with itself stays the same.
            let v = strip_at(&node(&Value::Object(v.into_iter().collect())), "", false, &mut Vec::new()).to_json();
            let mut d = node(&v);
            merge_object(&mut d, &node(&v));
            prop_assert_eq!(d.to_json(), v);
        }
    }
}
