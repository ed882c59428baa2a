//! Patches: strategic merge and JSON 6902, from files or inline, with targets; and the
//! older `patchesStrategicMerge` and `patchesJson6902`.

use super::super::metadata::TRANSFORMATIONS;
use super::*;
use crate::input::yaml;

const ORIGIN: &str = "config.kubernetes.io/origin";
/// The value of a bookkeeping annotation stood in for while a strategic merge patch runs.
const STAND_IN: &str = "\u{0}runeguard-stand-in";

/// Applies a strategic merge patch document to the resources it names (or to `targets`).
pub(super) fn apply_smp(
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
            // Kustomize finds an untargeted patch's object by its whole id, the version of
            // its apiVersion included (`GetById`, `Gvk.Equals`): a patch written
            // `helm.toolkit.fluxcd.io/v2beta1` for a `v2` HelmRelease, or with no apiVersion,
            // matches nothing (measured with kubectl kustomize v5.5: "no resource matches
            // strategic merge patch").
            let version = doc
                .get_str("apiVersion")
                .map(|a| a.rsplit_once('/').map_or(a, |(_, v)| v))
                .unwrap_or("");
            let same_but_version = |r: &Res| {
                // A cluster-scoped object's id has no namespace, whatever it writes.
                r.kind() == kind
                    && r.group() == group
                    && r.had_name(name)
                    && (cluster_scoped(r.api_version(), kind) || r.had_namespace(ns))
            };
            let found: Vec<usize> = acc
                .res
                .iter()
                .enumerate()
                .filter(|(_, r)| same_but_version(r) && r.version() == version)
                .map(|(i, _)| i)
                .collect();
            if found.is_empty() && acc.unfetched {
                b.note_unfetched_target(doc, &k.file.path, &format!("this patch ({kind} {name})"));
                return;
            }
            if found.is_empty() {
                let other = acc
                    .res
                    .iter()
                    .find(|r| same_but_version(r))
                    .map(|r| r.api_version().to_string());
                let msg = match other {
                    Some(av) => format!(
                        "no resource matches this patch ({kind} {name} of apiVersion {:?}): {kind} {name} is {av}, and Kustomize matches a patch without a target by its apiVersion too; Kustomize fails here",
                        doc.get_str("apiVersion").unwrap_or("")
                    ),
                    None => format!(
                        "no resource matches this patch ({kind} {name}); Kustomize fails here"
                    ),
                };
                b.problem_at(doc, &k.file.path, msg);
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
    let marked = mark_typed_keys(b, doc);
    let doc = marked.as_ref().unwrap_or(doc);
    let mut deleted = Vec::new();
    for i in idx {
        let r = &mut acc.res[i];
        // What to restore when the merge is refused half way.
        let before = r.node.clone();
        // Kustomize holds the origin (and the transformers so far) in annotations while
        // building with `buildMetadata`: a patch replacing the annotations (`$patch:
        // replace`), deleting them, or nulling the keys loses them, and the patch
        // transformer becomes the object's origin (measured). Stand-ins show what survives.
        if b.tracks_origins {
            let a = r
                .node
                .entry_map("metadata", &None)
                .entry_map("annotations", &None);
            a.set(ORIGIN, Node::str(STAND_IN, None));
            if !r.transformations.is_empty() {
                a.set(TRANSFORMATIONS, Node::str(STAND_IN, None));
            }
        }
        let (name, ns, kind, av) = (
            r.node.path(&["metadata", "name"]).cloned(),
            r.node.path(&["metadata", "namespace"]).cloned(),
            r.node.get("kind").cloned(),
            r.node.get("apiVersion").cloned(),
        );
        match patch::merge_object(&mut r.node, doc) {
            Merged::Deleted => {
                deleted.push(i);
                continue;
            }
            // Kustomize fails the build there; the object stays as it was.
            Merged::WrongKind(w) => {
                r.node = before;
                let msg = if w.message.starts_with(patch::UNKNOWN_STRATEGY) {
                    format!(
                        "{} (`$patch` takes delete, replace or merge; Kustomize fails here); not applied",
                        w.message
                    )
                } else {
                    format!(
                        "this patch gives a field another kind of value than {} {} has (Kustomize: {}); not applied",
                        r.kind(),
                        r.name(),
                        w.message
                    )
                };
                b.problem_at(&w.at, &k.file.path, msg);
                continue;
            }
            Merged::Kept => {}
        }
        if b.tracks_origins {
            let mut left = |key: &str| {
                r.node
                    .path_mut(&["metadata", "annotations"])
                    .and_then(|a| a.remove(key))
            };
            // Text written over the transformations reads as no list (`null`) or another;
            // an origin written over is not replaced (that text is not printed here).
            let origin = left(ORIGIN).is_some();
            let transformations =
                left(TRANSFORMATIONS).is_some_and(|v| v.as_str() == Some(STAND_IN));
            if !transformations {
                r.transformations.clear();
            }
            if !origin {
                let p = &b.patcher;
                r.generator = Some((p.kind, p.file.clone().unwrap_or(k.file.clone())));
                r.generator_config = p.name.clone();
                r.origin_lost = b.tracks_transformations;
            }
            if let Some(md) = r.node.get_mut("metadata")
                && md
                    .get("annotations")
                    .is_some_and(|a| a.as_map().is_some_and(Vec::is_empty))
            {
                md.remove("annotations");
            }
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

/// A copy of a strategic merge patch whose mapping keys written plain that go-yaml v3 reads
/// as another type than a string (`8080:`, `true:`, `1.5:`, `null:`, `2024-01-01:`) carry a
/// [`Node::misfit`]: kyaml merges the key node as written, and Kustomize fails converting
/// the patched object to JSON ("json: unsupported type: map[interface {}]interface {}")
/// when such a key ends up in it: a key the target already has keeps the target's (string)
/// key, and a key whose value is null deletes (measured with kubectl kustomize v5.8). None
/// when the patch has no such key. Labels and annotations are left out: Kustomize's resource
/// map rewrites them as maps of strings for a targeted patch.
fn mark_typed_keys(b: &mut Builder, doc: &Node) -> Option<Node> {
    fn walk(b: &mut Builder, n: &mut Node, path: &mut Vec<String>, found: &mut bool) {
        match &mut n.v {
            V::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    if let Some(o) = &v.org
                        && !(path.len() == 1
                            && path[0] == "metadata"
                            && (k == "labels" || k == "annotations"))
                        && k != "<<"
                        && !yaml::go_yaml_v3_plain_is_string(k)
                        && written_plain(&o.file.text, o.span.start as usize, k)
                    {
                        let msg = format!(
                            "mapping key {k} is written plain and reads as a YAML {}, not a string: Kustomize fails on it in the patched object (\"json: unsupported type: map[interface {{}}]interface {{}}\"); quote it",
                            match yaml::resolve_core(k) {
                                serde_json::Value::Null => "null",
                                serde_json::Value::Bool(_) => "boolean",
                                serde_json::Value::String(_)
                                    if !k.starts_with(['-', '+', '.']) && k.contains('-') =>
                                {
                                    "date"
                                }
                                _ => "number",
                            }
                        );
                        let pos = o.file.pos(o.span.start);
                        b.misfits.push((
                            FieldType::Null,
                            crate::source::Problem::error(&o.file.path, Some(pos), msg),
                        ));
                        v.misfit = b.misfits.len() as u32;
                        *found = true;
                    }
                    if path.len() < 64 {
                        path.push(k.clone());
                        walk(b, v, path, found);
                        path.pop();
                    }
                }
            }
            V::Seq(items) => {
                for i in items {
                    walk(b, i, path, found);
                }
            }
            _ => {}
        }
    }
    let mut copy = doc.clone();
    let mut found = false;
    walk(b, &mut copy, &mut Vec::new(), &mut found);
    found.then_some(copy)
}

/// Whether the mapping entry starting at `at` in `text` writes its key `key` plain: the key's
/// text, then optional blanks and `:` (a quoted or tagged key starts otherwise).
pub(super) fn written_plain(text: &str, at: usize, key: &str) -> bool {
    text.get(at..)
        .and_then(|t| t.strip_prefix(key))
        .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'))
}

/// The patch as Kustomize applies it through its resource map (a targeted `patches:` entry,
/// `patchesStrategicMerge`, `PatchStrategicMergeTransformer`): the map first rewrites the
/// patch's `metadata.labels` and `metadata.annotations` as maps of strings
/// (`CopyMergeMetaDataFieldsFrom`), so every value becomes the text it was written as —
/// `null` and `~` set the string "null" or "~" instead of deleting, `1` sets "1".
pub(super) fn meta_as_strings(b: &mut Builder, doc: &Node) -> Node {
    meta_fields_as_strings(b, doc, &["labels", "annotations"])
}

/// [`meta_as_strings`] for the given `metadata` fields only: an untargeted patch with
/// `options` rewrites its annotations only (measured: `a: null` sets "null" there while a
/// label `l: null` is deleted). The maps are written back with plain keys: a key go-yaml v3
/// reads as another type (`"1"`, `"true"`) makes the patched object fail when Kustomize
/// converts it to JSON (measured), so its value carries a [`Node::misfit`].
pub(super) fn meta_fields_as_strings(b: &mut Builder, doc: &Node, fields: &[&str]) -> Node {
    let mut doc = doc.clone();
    for (field, key) in meta_to_strings(&mut doc, fields) {
        let Some(v) = doc
            .path_mut(&["metadata", field])
            .and_then(|m| m.get_mut(&key))
        else {
            continue;
        };
        if let Some(p) = misread_meta_key(field, &key, v) {
            b.misfits.push((FieldType::Null, p));
            v.misfit = b.misfits.len() as u32;
        }
    }
    doc
}

/// Kustomize's last step before printing (`RemoveBuildAnnotations`) reads every object's
/// annotations as strings and writes them back: an annotation written `1`, `true`, `1.50`
/// or `null` is printed "1", "true", "1.50", "null" (measured; labels keep their type). The
/// keys are written back plain: one go-yaml v3 reads as another type than a string (`"1":`,
/// `"true":`, `"2024-01-01":`, quoted in the file) fails the build ("json: unsupported type:
/// map[interface {}]interface {}"; measured), a problem at the annotation.
pub fn annotations_as_strings(b: &mut Builder, r: &mut Res) {
    for (field, key) in meta_to_strings(&mut r.node, &["annotations"]) {
        if let Some(v) = r.node.path(&["metadata", field, &key])
            && v.misfit == 0
            && let Some(p) = misread_meta_key(field, &key, v)
        {
            b.problems.push(p);
        }
    }
}

/// The problem of a label or annotation key that Kustomize writes back plain and go-yaml v3
/// reads as another type than a string (see [`annotations_as_strings`]).
fn misread_meta_key(field: &str, key: &str, v: &Node) -> Option<crate::source::Problem> {
    let o = v.org.as_ref()?;
    let what = match yaml::resolve_core(key) {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::String(_) => "date",
        _ => "number",
    };
    Some(crate::source::Problem::error(
        &o.file.path,
        Some(o.file.pos(o.span.start)),
        format!(
            "{field} key {key:?}: Kustomize writes the {field} back as strings with plain keys, and go-yaml v3 reads this one as a YAML {what}, which then fails (\"json: unsupported type: map[interface {{}}]interface {{}}\"); use another key"
        ),
    ))
}

/// The scalar values of the given `metadata` fields rewritten as the strings they were
/// written as, in place. The new string nodes have no style: a folded (`>`) value is its
/// YAML 1.2 reading, without the folded writer's line breaks (measured: `note: >` over
/// `an` / `  annotation` prints `an\n  annotation\n`, while a field the same anchor gives
/// through `*n` stays folded).
/// Returns the keys (with their field) that go-yaml v3 reads plain as another type than a
/// string.
fn meta_to_strings<'f>(doc: &mut Node, fields: &[&'f str]) -> Vec<(&'f str, String)> {
    let mut misread = Vec::new();
    for &field in fields {
        // Written back empty, the field is cleared from the patch (kyaml's
        // `setMapInMetadata`): a null or empty map deletes nothing then (measured: a
        // targeted patch's `annotations: null` leaves the object's annotations).
        if let Some(md) = doc.get_mut("metadata")
            && md
                .get(field)
                .is_some_and(|m| m.is_null() || m.as_map().is_some_and(Vec::is_empty))
        {
            md.remove(field);
            continue;
        }
        let Some(map) = doc
            .path_mut(&["metadata", field])
            .and_then(Node::as_map_mut)
        else {
            continue;
        };
        for (k, v) in map.iter_mut() {
            if !yaml::go_yaml_v3_plain_is_string(k) {
                misread.push((field, k.clone()));
            }
            // The text as written, not the timestamp the JSON conversion would make of it.
            v.timestamp = false;
            // ... and a `!!binary` string its base64, valid or not.
            if std::mem::take(&mut v.binary) {
                v.misfit = 0;
            }
            if let (V::Str(text), true) = (&mut v.v, v.folded) {
                *text = crate::input::yaml::undo_go_yaml_folded_round_trip(text);
                v.folded = false;
            }
            // A list or map is no string: kyaml's `GetValue` of it is "" (measured: an
            // annotation `list: [a, b]`, or one a replacement copied a list into, prints "").
            if matches!(v.v, V::Seq(_) | V::Map(_)) {
                v.v = V::Str(String::new());
                continue;
            }
            if matches!(v.v, V::Null | V::Bool(_) | V::Num(_)) {
                let text = written_value(k, v)
                    .unwrap_or_else(|| v.scalar_text().unwrap_or_else(|| "null".to_string()));
                v.v = V::Str(text);
            }
        }
    }
    misread
}

/// The text the scalar value of the entry `key` was written as, read from the entry's line
/// (its origin starts at the key): `a: ~` gives "~", `a:` gives "".
fn written_value(key: &str, entry: &Node) -> Option<String> {
    let o = entry.org.as_ref()?;
    let rest = o.file.text.get(o.span.start as usize..)?;
    let line = rest.split('\n').next().unwrap_or("");
    // The origin may be coarser than the entry (a whole configuration): then it is unknown.
    let (written_key, value) = line.split_once(':')?;
    if written_key.trim().trim_matches(['"', '\'']) != key {
        return None;
    }
    let value = value.split(" #").next().unwrap_or("").trim();
    // Only a plain scalar on the entry's own line is its written text, and only if it reads
    // as the value the entry holds now (a var's `$(PORT)` replaced by the number 443 is
    // "443").
    (!value.contains(['"', '\'']) && crate::input::yaml::resolve_yaml11(value) == entry.to_json())
        .then(|| value.to_string())
}

/// Applies a list of JSON 6902 operations to `targets`. Where Kustomize keeps bookkeeping
/// annotations on the object — always in a `patches:` entry (`annotated`), after a rename,
/// a namespace transformer (even one that left it as it was: a cluster-scoped object) or a
/// generator, or in a build with `buildMetadata` — its `metadata.annotations` exists even when
/// it has none (measured: `add /metadata/annotations/x` works there and fails in
/// `patchesJson6902` on an untouched object, as any `add` below a missing mapping does); an
/// empty map is not printed.
pub(super) fn apply_6902(
    b: &mut Builder,
    k: &Kust,
    acc: &mut Acc,
    ops: &Node,
    targets: &[usize],
    annotated: bool,
    entry: &Node,
) {
    // Kustomize keeps each object's origin in an annotation while building with
    // `buildMetadata`, and after each transformer gives one to every object without it
    // (`AddTransformerAnnotation`): an object whose annotations a JSON patch replaced or
    // removed is then named as configured by the patch transformer (measured).
    let config_name = entry
        .path(&["metadata", "name"])
        .and_then(Node::as_str)
        .filter(|_| entry.get_str("kind").is_some())
        .map(str::to_string);
    let configured_in = match (&config_name, &entry.org) {
        (Some(_), Some(o)) => o.file.clone(),
        _ => k.file.clone(),
    };
    let transformer = if annotated {
        "PatchTransformer"
    } else {
        "PatchJson6902Transformer"
    };
    let Some(list) = ops.as_seq() else {
        b.problem_at(
            ops,
            &k.file.path,
            "a JSON 6902 patch must be a list of operations",
        );
        return;
    };
    for &i in targets {
        let r = &acc.res[i];
        // Kustomize turns the object into JSON first: text a replacement wrote into a field
        // of another type fails there (measured: "cannot decode !!null `null` as a !!int").
        b.report_misfits(&r.node);
        let bookkept = annotated || b.tracks_origins || r.bookkept();
        let mut copy = r.node.clone();
        if bookkept {
            let org = copy.get("metadata").and_then(|m| m.org.clone());
            let a = copy
                .entry_map("metadata", &org)
                .entry_map("annotations", &org);
            if b.tracks_origins && a.get(ORIGIN).is_none() {
                a.set(ORIGIN, Node::str("", None));
            }
            // The transformers recorded so far are an annotation too, which the patch
            // may remove with the others.
            if !r.transformations.is_empty() && a.get(TRANSFORMATIONS).is_none() {
                a.set(TRANSFORMATIONS, Node::str("", None));
            }
        }
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
            // Kustomize applies a JSON patch to the object turned into JSON and back: every
            // node is new, none shared any more (measured: a label a patch copied into the
            // annotations does not follow a later override of the label).
            copy.clear_shares();
            json_patch_annotations(&mut copy);
            copy.clear_untyped();
            // Kustomize writes the annotations back after the patch (`SetAnnotations` with
            // its internal ones, both JSON 6902 transformers): annotations the patch left
            // null are a mapping again, so a replacement can create a key there (measured;
            // differential seed 70 case 289: `copy` from missing labels nulled them and
            // runeguard refused the replacement). Written null in a file, they stay null.
            if let Some(md) = copy.get_mut("metadata")
                && md.get("annotations").is_some_and(Node::is_null)
            {
                md.remove("annotations");
            }
            let r = &mut acc.res[i];
            if !r.transformations.is_empty() {
                let kept = copy
                    .path_mut(&["metadata", "annotations"])
                    .and_then(|a| a.remove(TRANSFORMATIONS))
                    .is_some();
                if !kept {
                    r.transformations.clear();
                }
            }
            if b.tracks_origins {
                let kept = copy
                    .path_mut(&["metadata", "annotations"])
                    .and_then(|a| a.remove(ORIGIN))
                    .is_some();
                if !kept {
                    r.generator = Some((transformer, configured_in.clone()));
                    r.generator_config = config_name.clone();
                    r.origin_lost = b.tracks_transformations;
                }
            }
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

/// The annotations after Kustomize's JSON round trip and `SetAnnotations`: a value that
/// reads as null (written `a:`, `a: ~`, or text a replacement created as `""` or `~`) is
/// JSON null and comes back as the text "null" (measured: `empty:` in a file prints `""`
/// after the build but "null" after any JSON 6902 patch; differential seed 87 case 127: a
/// replacement's empty text created in an annotation in the base, a JSON patch above).
fn json_patch_annotations(obj: &mut Node) {
    let Some(map) = obj
        .path_mut(&["metadata", "annotations"])
        .and_then(Node::as_map_mut)
    else {
        return;
    };
    for (_, v) in map.iter_mut() {
        let untyped_null = v.untyped_text.as_deref().is_some_and(|t| {
            matches!(crate::input::yaml::resolve_core(t), serde_json::Value::Null)
        });
        if v.is_null() || untyped_null {
            v.v = V::Str("null".into());
        }
    }
}

pub(super) fn select(acc: &Acc, target: &Node) -> Vec<usize> {
    let s = Selector::parse(target);
    acc.res
        .iter()
        .enumerate()
        .filter(|(_, r)| s.matches(r))
        .map(|(i, _)| i)
        .collect()
}

/// One `patches:` entry (or a `PatchTransformer` configuration, which has the same fields):
/// `path` or inline `patch`, `target`, `options`.
pub(super) fn patch_entry(b: &mut Builder, k: &Kust, acc: &mut Acc, entry: &Node) {
    let Some(docs) = b.patch_docs(k, entry, "patch") else {
        return;
    };
    let opts = entry.get("options");
    let flag = |f: &str| {
        matches!(
            opts.and_then(|o| o.get(f)).map(|n| &n.v),
            Some(V::Bool(true))
        )
    };
    let (allow_name, allow_kind) = (flag("allowNameChange"), flag("allowKindChange"));
    if let Some((n, msg)) = entry.get("target").and_then(super::selector_problem) {
        b.problem_at(n, &k.file.path, msg);
        return;
    }
    let targets = entry.get("target").map(|t| select(acc, t));
    if let Some(t) = &targets
        && t.is_empty()
    {
        // Kustomize applies a patch to whatever its target selects, nothing included. In a
        // build that left a remote resource unfetched the target may be one of its objects
        // (Argo CD's `argocd-repo-server` patched by kind and name): the strategic merge
        // patch is noted, and its credentials read.
        if acc.unfetched {
            for d in docs.iter().filter(|d| d.get_str("kind").is_some()) {
                b.note_unfetched_target(d, &k.file.path, "this patch's target");
            }
            if let ([ops], Some(t)) = (docs.as_slice(), entry.get("target"))
                && ops.as_seq().is_some()
            {
                note_unfetched_ops(b, k, ops, t);
            }
        }
        return;
    }
    // A list of operations is a JSON 6902 patch; anything else is strategic merge.
    if docs.len() == 1 && docs[0].as_seq().is_some() {
        match &targets {
            Some(t) => apply_6902(b, k, acc, &docs[0], t, true, entry),
            None => b.problem_at(entry, &k.file.path, "a JSON 6902 patch needs a target"),
        }
        return;
    }
    // A list of objects (`kind: List`) is its items, each a patch (measured with kubectl
    // kustomize v5.8: a `List` of three Pod patches in `patchesStrategicMerge` or `patches`
    // patches the three Pods; runeguard refused it for lacking `metadata.name`).
    for d in &super::super::load::inline_lists(docs) {
        // Selected again for each document: an earlier one may have deleted objects.
        let targets = entry.get("target").map(|t| select(acc, t));
        // A targeted patch goes through Kustomize's resource map; an untargeted one with
        // options rewrites its annotations as strings (measured).
        let d = if targets.is_some() {
            &meta_as_strings(b, d)
        } else if allow_name || allow_kind {
            &meta_fields_as_strings(b, d, &["annotations"])
        } else {
            d
        };
        let targeted = targets.is_some();
        apply_smp(b, k, acc, d, targets, allow_name, allow_kind);
        // Kustomize applies a targeted strategic merge patch through its resource map, which
        // it rebuilds at once (`ApplySmPatch`, then `AppendAll`): two objects the patch gave
        // one id fail there, before a later patch could rename one back (differential seed
        // 78 case 9: runeguard's check at the end of the kustomization found them apart).
        if targeted && (allow_name || allow_kind) {
            refuse_duplicates(
                b,
                k,
                acc,
                entry,
                "may not add resource with an already registered id",
            );
        }
    }
}

pub(super) fn patches_strategic_merge(b: &mut Builder, k: &Kust, acc: &mut Acc) {
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
        b.patcher.kind = "PatchStrategicMergeTransformer";
        for d in super::super::load::inline_lists(docs.unwrap_or_default()) {
            let d = meta_as_strings(b, &d);
            apply_smp(b, k, acc, &d, None, false, false);
        }
        b.patcher = Default::default();
    }
}

/// One `patchesJson6902` entry (or a `PatchJson6902Transformer` configuration, whose inline
/// operations are under `jsonOp`): a `target` and the operations at `path` or inline.
pub(super) fn json6902_entry(b: &mut Builder, k: &Kust, acc: &mut Acc, entry: &Node, text: &str) {
    let Some(t) = entry.get("target") else {
        b.problem_at(entry, &k.file.path, "a JSON 6902 patch needs a target");
        return;
    };
    let Some(docs) = b.patch_docs(k, entry, text) else {
        return;
    };
    let targets = select(acc, t);
    if targets.is_empty() {
        // Kustomize applies the operations to whatever the target selects, nothing included
        // (measured: no error). With a remote resource unfetched the target may be one of
        // its objects.
        if acc.unfetched
            && let [ops] = docs.as_slice()
            && ops.as_seq().is_some()
        {
            note_unfetched_ops(b, k, ops, t);
        }
        return;
    }
    match docs.as_slice() {
        [ops] => apply_6902(b, k, acc, ops, &targets, false, entry),
        _ => b.problem_at(
            entry,
            &k.file.path,
            "a JSON 6902 patch must be one list of operations",
        ),
    }
}

/// A JSON 6902 patch whose target selects no local object, in a build that left a remote
/// resource unfetched (an `add` of `/data/oidc.config` to Argo CD's `argocd-cm` over
/// `install.yaml` from GitHub): Kustomize, fetching it, applies the operations. A note at
/// the operations; and each `add` or `replace` value is placed at its path in an object of
/// the target's kind and name ([`Builder::unapplied_objects`]), so the credential rules read
/// it at its own lines (an env `value` added to a container, a Secret's `stringData`).
fn note_unfetched_ops(b: &mut Builder, k: &Kust, ops: &Node, target: &Node) {
    let kind = target.get_str("kind").filter(|s| !s.is_empty());
    let mut placed = 0;
    if let Some(kind) = kind {
        let api_version = match (target.get_str("group"), target.get_str("version")) {
            (Some(g), Some(v)) if !g.is_empty() => format!("{g}/{v}"),
            (_, Some(v)) if !v.is_empty() => v.to_string(),
            _ => "v1".to_string(),
        };
        let name = target.get_str("name").unwrap_or_default().to_string();
        for op in ops.as_seq().into_iter().flatten() {
            let (Some("add" | "replace"), Some(path), Some(value)) =
                (op.get_str("op"), op.get_str("path"), op.get("value"))
            else {
                continue;
            };
            let org = op.get("path").and_then(|p| p.org.clone());
            let segments: Vec<String> = path
                .split('/')
                .skip(1)
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect();
            if segments.is_empty() || segments[0] == "metadata" {
                continue;
            }
            // The value at the end of the path; each segment above it a one-entry map, or a
            // one-item list for an index or `-`.
            let mut node = value.clone();
            for seg in segments.iter().rev() {
                node = if seg == "-" || seg.parse::<usize>().is_ok() {
                    Node::new(V::Seq(vec![node]), org.clone())
                } else {
                    let mut m = Node::map(org.clone());
                    m.set(seg, node);
                    m
                };
            }
            let mut obj = node;
            if obj.as_map().is_none() {
                continue;
            }
            obj.set("apiVersion", Node::str(api_version.clone(), org.clone()));
            obj.set("kind", Node::str(kind, org.clone()));
            let mut md = Node::map(org.clone());
            md.set("name", Node::str(name.clone(), org.clone()));
            if let Some(ns) = target.get_str("namespace").filter(|s| !s.is_empty()) {
                md.set("namespace", Node::str(ns, org.clone()));
            }
            obj.set("metadata", md);
            let file = op
                .org
                .as_ref()
                .map(|o| o.file.clone())
                .unwrap_or_else(|| k.file.clone());
            b.unapplied_objects.push(Res::new(obj, file));
            placed += 1;
        }
    }
    let checked = if placed > 0 {
        "; only the credentials of its values checked"
    } else {
        ""
    };
    let (file, pos) = super::super::locate(ops, &k.file.path);
    b.problems.push(crate::source::Problem::note(
        &file,
        pos,
        format!(
            "not applied: no local resource matches this JSON 6902 patch's target; it may be an object of a remote resource or chart of this build, which is not fetched{checked}"
        ),
    ));
}
