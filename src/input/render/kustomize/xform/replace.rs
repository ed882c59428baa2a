//! `replacements`, and `transformers:` entries holding built-in transformer configurations.

use super::*;
use std::sync::Arc;

#[derive(Debug)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
    /// `[key=value]`. For replacement targets the value is an unanchored regular expression
    /// (as in Kustomize), compiled once with the path (None when it is not one).
    Match(String, String, Option<regex::Regex>),
    /// `*`: every element of a list (replacement targets).
    All,
}

/// `spec.template.spec.containers.[name=app].image`, `spec.http.0.route`, `a[b=c].d`.
///
/// A dot after a backslash is part of the field's name (`metadata.labels.app\.kubernetes\.io`
/// names the label `app.kubernetes.io`), the backslash dropped, in brackets too: kyaml's
/// `PathSplitter` (measured with kubectl kustomize v5.8: a replacement with `create: true`
/// into `metadata.labels.instance\.eax` writes the label `instance.eax`; runeguard made a
/// mapping `instance\` holding `eax`).
pub(super) fn field_path(p: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_bracket = false;
    let mut parts = Vec::new();
    for c in p.chars() {
        match c {
            '.' if cur.ends_with('\\') => {
                cur.pop();
                cur.push('.');
            }
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
                Some((k, v)) => out.push(Seg::Match(
                    k.to_string(),
                    v.to_string(),
                    regex::Regex::new(v).ok(),
                )),
                None => out.push(Seg::Key(inner.to_string())),
            }
        } else if part == "*" {
            out.push(Seg::All);
        } else if let Ok(i) = part.parse::<usize>() {
            out.push(Seg::Index(i));
        } else {
            out.push(Seg::Key(part));
        }
    }
    out
}

pub(super) fn lookup<'a>(n: &'a Node, path: &[Seg]) -> Option<&'a Node> {
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
            Seg::Match(k, v, _) => cur
                .as_seq()?
                .iter()
                .find(|e| e.get(k).and_then(Node::scalar_text).as_deref() == Some(v))?,
            Seg::All => return None,
        };
    }
    Some(cur)
}

pub(super) fn lookup_mut<'a>(
    n: &'a mut Node,
    path: &[Seg],
    create: bool,
    org: &Option<Origin>,
) -> Option<&'a mut Node> {
    let Some((first, rest)) = path.split_first() else {
        return Some(n);
    };
    let is_seq = n.as_seq().is_some();
    let index = match first {
        Seg::Key(k) if is_seq => Some(k.parse::<usize>().ok()?),
        Seg::Index(i) if is_seq => Some(*i),
        _ => None,
    };
    let next = match first {
        _ if index.is_some() => {
            let i = index.expect("an index");
            let items = n.as_seq_mut()?;
            // Kustomize creates the element just past the end, never further.
            if i == items.len() && create {
                items.push(fresh(rest, org));
            }
            items.get_mut(i)?
        }
        Seg::Key(k) => {
            if n.get(k).is_none() {
                if !create || n.as_map().is_none() {
                    return None;
                }
                n.set(k, fresh(rest, org));
            }
            n.get_mut(k)?
        }
        Seg::Index(i) => n.get_mut(&i.to_string())?,
        Seg::Match(k, v, _) => {
            let items = n.as_seq_mut()?;
            let found = items
                .iter()
                .position(|e| e.get(k).and_then(Node::scalar_text).as_deref() == Some(v));
            let at = match found {
                Some(at) => at,
                None if create => {
                    let mut element = Node::map(org.clone());
                    element.set(k, Node::str(v.clone(), org.clone()));
                    items.push(element);
                    items.len() - 1
                }
                None => return None,
            };
            items.get_mut(at)?
        }
        Seg::All => return None,
    };
    lookup_mut(next, rest, create, org)
}

/// What a replacement with `create` makes for a missing field, from the path that follows
/// it (as Kustomize's path getter): a list before an index or a `[key=value]`, a mapping
/// before a key, an empty value at the end.
fn fresh(rest: &[Seg], org: &Option<Origin>) -> Node {
    match rest.first() {
        // Untyped until the replacement writes it: told apart from an explicit null.
        None => {
            let mut n = Node::new(V::Null, org.clone());
            n.untyped = true;
            n
        }
        Some(Seg::Index(_) | Seg::Match(..)) => Node::new(V::Seq(Vec::new()), org.clone()),
        Some(Seg::Key(k)) if k.parse::<usize>().is_ok() => {
            Node::new(V::Seq(Vec::new()), org.clone())
        }
        Some(_) => Node::map(org.clone()),
    }
}

/// Calls `f` on every node `path` reaches: a `*` reaches every element of a list, and a
/// `[key=value]` every element whose `key` the regular expression `value` matches anywhere
/// in it (Kustomize's `PathMatcher` for replacement targets; measured: `[name=web]` reaches
/// a container named `web-sidecar`); with `create`, an element `key: value` is appended when
/// none matches.
fn for_each_mut(
    n: &mut Node,
    path: &[Seg],
    create: bool,
    org: &Option<Origin>,
    f: &mut dyn FnMut(&mut Node),
) {
    match path.split_first() {
        Some((Seg::All, rest)) => {
            for item in n.as_seq_mut().into_iter().flatten() {
                for_each_mut(item, rest, create, org, f);
            }
            return;
        }
        Some((Seg::Match(k, v, re), rest)) => {
            let Some(items) = n.as_seq_mut() else {
                return;
            };
            let matches = |e: &Node| {
                e.get(k)
                    .and_then(Node::scalar_text)
                    .is_some_and(|t| match &re {
                        Some(re) => re.is_match(&t),
                        None => &t == v,
                    })
            };
            let mut at: Vec<usize> = (0..items.len()).filter(|&i| matches(&items[i])).collect();
            if at.is_empty() && create {
                let mut element = Node::map(org.clone());
                element.set(k, Node::str(v.clone(), org.clone()));
                items.push(element);
                at.push(items.len() - 1);
            }
            for i in at {
                for_each_mut(&mut items[i], rest, create, org, f);
            }
            return;
        }
        _ => {}
    }
    let cut = path
        .iter()
        .position(|s| matches!(s, Seg::All | Seg::Match(..)))
        .unwrap_or(path.len());
    if let Some(next) = lookup_mut(n, &path[..cut], create, org) {
        if cut == path.len() {
            f(next);
        } else {
            if create && next.is_null() {
                // The list the next segment walks, made as Kustomize's path getter makes it.
                *next = Node::new(V::Seq(Vec::new()), org.clone());
            }
            for_each_mut(next, &path[cut..], create, org, f);
        }
    }
}

pub(super) fn replacement_entry(b: &mut Builder, k: &Kust, entry: &Node, acc: &mut Acc) {
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

pub(super) fn replacement(b: &mut Builder, k: &Kust, r: &Node, acc: &mut Acc) {
    let Some(src) = r.get("source") else {
        b.problem_at(r, &k.file.path, "a replacement needs a source");
        return;
    };
    // Kustomize refuses a replacement without `targets` (missing, null or `[]`):
    // "replacements must specify a source and at least one target" (measured).
    if r.get("targets")
        .is_none_or(|t| t.is_null() || t.as_seq().is_some_and(Vec::is_empty))
    {
        b.problem_at(
            r,
            &k.file.path,
            "a replacement needs targets (Kustomize: replacements must specify a source and at least one target)",
        );
        return;
    }
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
        [] if acc.unfetched => {
            b.note_unfetched_target(src, &k.file.path, "this replacement source");
            return;
        }
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
        let text = value.copied_text().unwrap_or_default();
        let parts: Vec<&str> = text.split(d).collect();
        match usize::try_from(idx)
            .ok()
            .and_then(|i| Some((i, parts.get(i)?)))
        {
            Some((i, p)) => {
                let also = value.also.take();
                // The part's own line and column where the file writes the text verbatim
                // (a folded scalar's text is not what its lines hold), else the entry.
                let offset = parts[..i].iter().map(|q| q.len() + d.len()).sum();
                let org = value.org.as_ref().map(|o| {
                    (!value.folded)
                        .then(|| super::written::part_origin(o, &text, offset, p.len()))
                        .flatten()
                        .unwrap_or_else(|| o.clone())
                });
                value = Node::str(*p, org);
                value.also = also;
            }
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
    // What the replacement writes points at the field it copied (the line a person changes,
    // as a Helm value points at its values line), the entry's `source:` and `targets:` lines
    // related, then the origins the source itself carried (an earlier replacement's).
    let from = value.org.clone().or_else(|| org.clone());
    let mut entry_lines: Vec<Origin> = [r.get("source"), r.get("targets")]
        .into_iter()
        .flatten()
        .filter_map(|n| with_role(&n.org, OriginRole::Kustomization))
        .collect();
    entry_lines.extend(value.also.iter().flat_map(|a| a.iter().cloned()));
    for t in r
        .get("targets")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
    {
        let Some(s) = t.get("select") else { continue };
        let bad = std::iter::once(s)
            .chain(t.get("reject").and_then(Node::as_seq).into_iter().flatten())
            .find_map(super::selector_problem);
        if let Some((n, msg)) = bad {
            b.problem_at(n, &k.file.path, msg);
            continue;
        }
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
        // Parsed (and their `[key=value]` patterns compiled) once, not for every object.
        let paths: Vec<(&Node, &str, Vec<Seg>)> = t
            .get("fieldPaths")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(|s| (p, s, field_path(s))))
            .collect();
        for x in acc.res.iter_mut() {
            if !sel.matches(x) || rejects.iter().any(|rj| rj.matches(x)) {
                continue;
            }
            if x.origin_annotated {
                // Kustomize's origin bookkeeping (a build with `buildMetadata`) rewrote the
                // annotation map after the transformers before: a `commonAnnotations` pair
                // there is no longer the node the pod template's holds, so a replacement into
                // `metadata.annotations` leaves the template's as it was (differential seed
                // 152 case 127).
                x.unshare_annotations();
            }
            for (at, p, segs) in &paths {
                let (at, p) = (*at, *p);
                let mut reached = 0;
                // Written in place: a node a label transformer shared changes everywhere.
                let mut shared: Vec<(u32, Node)> = Vec::new();
                // Text that does not fit its field: the field's type and the text, given
                // the ids following those of `b.misfits`.
                let mut misfits: Vec<(FieldType, String)> = Vec::new();
                let known = &b.misfits;
                // What `create: true` makes (a list element by `[name=x]`, a map) points at the
                // `fieldPaths` entry that made it, the line a person changes.
                let made = with_role(&at.org, OriginRole::Kustomization).or_else(|| org.clone());
                let mut write = |target: &mut Node| {
                    reached += 1;
                    let mut v = value.clone();
                    v.fill_org(&from);
                    // The target's own line, unless the replacement just created the field.
                    let was = target
                        .org
                        .as_ref()
                        .filter(|o| {
                            ![&org, &made]
                                .iter()
                                .any(|m| m.as_ref().is_some_and(|k| same_place(o, k)))
                        })
                        .map(|o| Origin {
                            role: OriginRole::Target,
                            ..o.clone()
                        });
                    let also: Arc<[Origin]> = entry_lines.iter().cloned().chain(was).collect();
                    if let Some(d) = &delim {
                        let cur = target.copied_text().unwrap_or_default();
                        let mut parts: Vec<String> =
                            cur.split(d.as_str()).map(str::to_string).collect();
                        let vt = v.copied_text().unwrap_or_default();
                        if idx < 0 {
                            parts.insert(0, vt);
                        } else if idx as usize >= parts.len() {
                            parts.push(vt);
                        } else {
                            parts[idx as usize] = vt;
                        }
                        v = Node::str(parts.join(d), from.clone());
                    }
                    // Kustomize copies only the text into a scalar target, which keeps its
                    // type: into a string field it stays a string; a number, boolean or
                    // null field, and one just created (no type yet, printed plain), holds
                    // what the text reads as (measured: a ConfigMap's "3" into a created or
                    // numeric `spec.replicas` is the number 3).
                    // Annotations end up as the text written (Kustomize reads them back as
                    // strings before printing), so they keep the text: "07" stays "07".
                    let annotation = p
                        .trim_start_matches('.')
                        .starts_with("metadata.annotations");
                    // A field holding text an earlier replacement wrote that did not fit
                    // keeps its type: text that fits it now makes it whole again (measured).
                    let kept = (target.misfit != 0)
                        .then(|| known.get(target.misfit as usize - 1).map(|m| m.0))
                        .flatten();
                    if let Some(t) = v.copied_text() {
                        match (&target.v, kept) {
                            (_, Some(field)) => {
                                let read = crate::input::yaml::resolve_core(&t);
                                v = Node::from_json(&read, &from);
                                if !field.fits(&read) {
                                    misfits.push((field, t.clone()));
                                    v.misfit = (known.len() + misfits.len()) as u32;
                                }
                            }
                            (V::Str(_), None) => v = Node::str(t, from.clone()),
                            (_, None) if annotation => {
                                v = Node::str(t.clone(), from.clone());
                                // A created annotation is a node without a tag: Kustomize's
                                // JSON round trip (a JSON 6902 patch) reads its text as YAML
                                // (see `json_patch_annotations`).
                                if target.untyped {
                                    v.untyped_text = Some(t.as_str().into());
                                }
                            }
                            (V::Null | V::Num(_) | V::Bool(_), None) => {
                                let read = crate::input::yaml::resolve_core(&t);
                                // The typed node holds text of another type: Kustomize
                                // fails when it decodes the object (measured: "yaml: cannot
                                // decode !!str `web` as a !!int"; an integer fits a float
                                // field) unless a later transformer writes the field first
                                // (differential seed 54 case 141: `replicas:` in an
                                // including overlay). An explicit null keeps its `!!null`
                                // tag: every text misfits (measured: "cannot decode !!int
                                // `3` as a !!null").
                                let field = match &target.v {
                                    V::Bool(_) => Some(FieldType::Bool),
                                    V::Num(n) if n.is_f64() => Some(FieldType::Float),
                                    V::Num(_) => Some(FieldType::Int),
                                    V::Null if !target.untyped => Some(FieldType::Null),
                                    _ => None,
                                };
                                let created = target.is_null() || target.untyped;
                                v = Node::from_json(&read, &from);
                                v.untyped = created;
                                v.untyped_text = created.then(|| t.as_str().into());
                                if let Some(field) = field.filter(|f| !f.fits(&read)) {
                                    misfits.push((field, t.clone()));
                                    v.misfit = (known.len() + misfits.len()) as u32;
                                }
                            }
                            _ => {}
                        }
                    }
                    // Into a scalar Kustomize copies only the text: a folded target keeps its
                    // style, printed with the folded writer's line breaks; the text of a
                    // folded source is printed without them (seed 40 case 225; measured).
                    if let V::Str(text) = &mut v.v
                        && target.folded
                        && !matches!(target.v, V::Seq(_) | V::Map(_))
                    {
                        *text = crate::input::yaml::go_yaml_folded_round_trip(text);
                        v.folded = true;
                    }
                    v.set_also_deep(&also);
                    // A copy of the source: its own nodes, in the target's node.
                    v.clear_shares();
                    v.share = target.share;
                    if v.share != 0 {
                        shared.push((v.share, v.clone()));
                    }
                    *target = v;
                };
                for_each_mut(&mut x.node, segs, create, &made, &mut write);
                for (id, n) in shared {
                    x.node.write_shared(id, &n);
                }
                // Reported if the object still holds the text when Kustomize decodes it.
                for (field, text) in misfits {
                    let msg = format!(
                        "the replacement writes {text:?} into a field of another type in {}; Kustomize fails printing it (cannot decode as the field's type)",
                        x.describe()
                    );
                    let (file, pos) = super::super::locate(at, &k.file.path);
                    b.misfits
                        .push((field, crate::source::Problem::error(&file, pos, msg)));
                }
                if reached == 0 {
                    let msg = format!(
                        "unable to find field {p:?} in replacement target {}",
                        x.describe()
                    );
                    b.problem_at(at, &k.file.path, msg);
                }
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

/// The YAML type of a scalar field a replacement writes text into: Kustomize copies only
/// the text into the node, which keeps its tag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldType {
    Bool,
    Int,
    Float,
    /// An explicit null (`image: null`, `~`): no text fits it.
    Null,
}

impl FieldType {
    /// Whether text that reads as `read` can be decoded as this type.
    fn fits(self, read: &serde_json::Value) -> bool {
        match self {
            FieldType::Bool => read.is_boolean(),
            FieldType::Float => read.is_number(),
            FieldType::Int => read.is_i64() || read.is_u64(),
            FieldType::Null => false,
        }
    }
}

/// Whether two origins are one place.
fn same_place(a: &Origin, b: &Origin) -> bool {
    Arc::ptr_eq(&a.file, &b.file) && a.span == b.span
}

// ---------------------------------------------------------------------------------------
// `transformers:` entries holding built-in transformer configurations.

pub(super) fn transformer_config(
    b: &mut Builder,
    k: &Kust,
    entry: &Node,
    acc: &mut Acc,
    field: &str,
) {
    for (kind, d) in b.builtin_configs(k, entry, field) {
        if let Some(p) = ["PatchTransformer", "PatchStrategicMergeTransformer"]
            .into_iter()
            .find(|p| *p == kind)
        {
            b.patcher = super::super::Patcher {
                kind: p,
                file: d.org.as_ref().map(|o| o.file.clone()),
                name: d
                    .path(&["metadata", "name"])
                    .and_then(Node::as_str)
                    .map(str::to_string),
            };
        }
        run_builtin(b, k, acc, &kind, &d);
        b.patcher = Default::default();
        // `buildMetadata: [transformerAnnotations]` names the configuration: its file (the
        // kustomization for inline text), kind, name and namespace (validators are not
        // recorded).
        if b.tracks_transformations && field == "transformers" {
            let file = d
                .org
                .as_ref()
                .map(|o| o.file.clone())
                .unwrap_or(k.file.clone());
            let meta = |f: &str| d.path(&["metadata", f]).and_then(Node::as_str);
            let entry = super::metadata::transformation(
                b,
                file.fs_path.as_deref(),
                &kind,
                meta("name"),
                meta("namespace"),
            );
            super::metadata::note(acc, entry);
        }
    }
}

/// Runs one built-in transformer configuration of `transformers:` or `validators:`.
fn run_builtin(b: &mut Builder, k: &Kust, acc: &mut Acc, kind: &str, d: &Node) {
    match kind {
            "LabelTransformer" | "AnnotationsTransformer" => {
                let field = if kind == "LabelTransformer" {
                    "labels"
                } else {
                    "annotations"
                };
                let Some(p) = d.get(field) else { return };
                let pairs = pairs_read(b, k, p, false);
                let specs = parse_specs(d.get("fieldSpecs"));
                apply_all(b, k, p, acc, &specs, &pairs);
            }
            "NamespaceTransformer" => {
                if let Some(ns) = d.path(&["metadata", "namespace"]).and_then(Node::as_str) {
                    let org = d
                        .path(&["metadata", "namespace"])
                        .and_then(|n| n.org.clone());
                    let unset_only = matches!(d.get("unsetOnly").map(|u| &u.v), Some(V::Bool(true)));
                    let mode = d.get("setRoleBindingSubjects");
                    let text = mode.and_then(Node::scalar_text).unwrap_or_default();
                    let Some(subjects) = Subjects::parse(&text) else {
                        let at = mode.unwrap_or(d);
                        b.problem_at(
                            at,
                            &k.file.path,
                            format!("setRoleBindingSubjects {text:?} must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\" (Kustomize fails here); not applied"),
                        );
                        return;
                    };
                    let specs = parse_specs(d.get("fieldSpecs"));
                    if let Some(why) = namespace(acc, ns, &org, Some(&specs), unset_only, subjects)
                    {
                        let at = d.path(&["metadata", "namespace"]).unwrap_or(d);
                        b.problem_at(
                            at,
                            &k.file.path,
                            format!("a `namespace` field spec {why}; namespace not set"),
                        );
                    }
                }
            }
            "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
                // Kustomize refuses the configuration without field specs, and renames only
                // what its `metadata/name` specs select.
                let specs = parse_specs(d.get("fieldSpecs"));
                if d.get("fieldSpecs").is_none_or(Node::is_null) {
                    b.problem_at(
                        d,
                        &k.file.path,
                        format!("{kind} needs fieldSpecs (Kustomize: \"fieldSpecs is not expected to be nil\"); not applied"),
                    );
                    return;
                }
                // Kustomize's PrefixSuffixTransformer adds the prefix, then the suffix, for
                // each field spec in turn (the same text as all prefixes, then suffixes).
                for (f, pre) in [("prefix", true), ("suffix", false)] {
                    if let Some(n) = d.get(f)
                        && let Some(s) = n.as_str().filter(|s| !s.is_empty())
                    {
                        for bad in affix(acc, s, pre, &n.org, &specs) {
                            let msg = format!("{kind} cannot add its {f} to {bad}: it is not a scalar (Kustomize: \"wrong node kind\")");
                            b.problem_at(n, &k.file.path, msg);
                        }
                    }
                }
            }
            "ImageTagTransformer" => {
                if let Some(it) = d.get("imageTag") {
                    images(b, k, it, acc);
                }
            }
            "ReplicaCountTransformer" => match d.get("replica") {
                Some(r) => replicas(b, k, r, acc, &parse_specs(d.get("fieldSpecs"))),
                // Kustomize looks for an object named "" and fails.
                None => b.problem_at(
                    d,
                    &k.file.path,
                    "ReplicaCountTransformer without `replica` names no object (Kustomize: \"resource with name  does not match a config\"); not applied",
                ),
            },
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
            "PatchTransformer" => patch_entry(b, k, acc, d),
            "PatchJson6902Transformer" => json6902_entry(b, k, acc, d, "jsonOp"),
            "PatchStrategicMergeTransformer" => {
                let mut docs = Vec::new();
                for p in d.get("paths").and_then(Node::as_seq).into_iter().flatten() {
                    if let Some(path) = p.as_str() {
                        docs.extend(b.patch_file(k, p, path).unwrap_or_default());
                    }
                }
                if let Some(text) = d.get("patches") {
                    docs.extend(b.inline_docs(k, text).unwrap_or_default());
                }
                for doc in &docs {
                    let d = meta_as_strings(b, doc);
                    apply_smp(b, k, acc, &d, None, false, false);
                }
            }
            "HashTransformer" => super::refs::suffix_hashes(acc, false),
            "ValueAddTransformer" => value_add(b, k, d, acc),
            // Kustomize cannot load these as transformer configurations either.
            other @ ("SortOrderTransformer" | "LegacyOrderTransformer") => b.problem_at(
                d,
                &k.file.path,
                format!("Kustomize cannot load the built-in {other} from `transformers:` (use sortOptions); not applied"),
            ),
            other => b.problem_at(
                d,
                &k.file.path,
                format!("built-in transformer {other} is not supported yet; not applied"),
            ),
        }
}

/// Kustomize's `ValueAddTransformer`: `value` (default: the name of the kustomization's
/// folder) written at each target's `fieldPath` (`/`-separated, `\/` escaping a slash;
/// missing maps created) of the objects its `selector` selects (all without one);
/// `metadata/namespace` sets the namespace as the namespace transformer does; with
/// `filePathPosition` N the value is inserted as the N-th part of the `/`-separated path
/// already there. `targetFilePath` names a file of more `targets`.
fn value_add(b: &mut Builder, k: &Kust, d: &Node, acc: &mut Acc) {
    let written = d
        .get("value")
        .and_then(Node::scalar_text)
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    let value = if written.is_empty() {
        k.dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default()
    } else {
        written
    };
    let org = d.get("value").and_then(|n| n.org.clone()).or(d.org.clone());
    let mut targets: Vec<Node> = d
        .get("targets")
        .and_then(Node::as_seq)
        .cloned()
        .unwrap_or_default();
    if let Some(f) = d.get("targetFilePath")
        && let Some(rel) = f.as_str()
    {
        for doc in b.patch_file(k, f, rel).unwrap_or_default() {
            targets.extend(
                doc.get("targets")
                    .and_then(Node::as_seq)
                    .cloned()
                    .unwrap_or_default(),
            );
        }
    }
    if targets.is_empty() {
        b.problem_at(
            d,
            &k.file.path,
            "ValueAddTransformer needs at least one target (Kustomize: \"must specify at least one target\"); not applied",
        );
        return;
    }
    for t in &targets {
        let Some(path) = t.get_str("fieldPath").filter(|p| !p.is_empty()) else {
            b.problem_at(t, &k.file.path, "ValueAddTransformer target without fieldPath (Kustomize: \"fieldPath cannot be empty\"); not applied");
            continue;
        };
        let position = t
            .get("filePathPosition")
            .and_then(Node::scalar_text)
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0);
        if position < 0 {
            b.problem_at(
                t,
                &k.file.path,
                "filePathPosition cannot be negative; not applied",
            );
            continue;
        }
        let chosen: Vec<usize> = match t.get("selector") {
            Some(s) => super::patches::select(acc, s),
            None => (0..acc.res.len()).collect(),
        };
        if path == "metadata/namespace" {
            let mut sub = Acc {
                res: chosen.iter().map(|&i| acc.res[i].clone()).collect(),
                ..Acc::default()
            };
            namespace(
                &mut sub,
                &value,
                &org,
                Some(&[]),
                false,
                Subjects::DefaultOnly,
            );
            for (&i, mut r) in chosen.iter().zip(sub.res) {
                // Only the namespace filter runs here, not the transformer's bookkeeping
                // (`StorePreviousId`): the namespace it had is no previous id, so name
                // references do not follow the move (measured: a RoleBinding's subject of
                // the moved ServiceAccount keeps no namespace; differential seed 65 case 79,
                // where runeguard gave it the new one). An object with previous ids
                // already (renamed, or moved by a namespace transformer) keeps them, its
                // original namespace first (seed 68 case 76: a prefixed account moved
                // after is still found by the namespace its subject gives).
                let before = &acc.res[i];
                let had_ids =
                    before.names.len() > 1 || before.namespaces.len() > 1 || before.stored;
                r.stored = before.stored;
                if !had_ids {
                    r.namespaces = vec![r.namespace().to_string()];
                }
                acc.res[i] = r;
            }
            continue;
        }
        // Kustomize splits on `/` and joins back the parts a `\` ended.
        let fields = super::fields::path_parts(path);
        let Some((leaf, parents)) = fields.split_last() else {
            continue;
        };
        for &i in &chosen {
            let mut n = &mut acc.res[i].node;
            for p in parents {
                n = n.entry_map(p, &org);
            }
            let new = if position > 0 {
                let cur = n.get(leaf).and_then(Node::scalar_text).unwrap_or_default();
                insert_path_part(&cur, position as usize - 1, &value)
            } else {
                value.clone()
            };
            n.set(leaf, Node::str(new, org.clone()));
        }
    }
    // Names and namespaces may have changed.
    for x in acc.res.iter_mut() {
        let (n, s) = (x.name().to_string(), x.namespace().to_string());
        if x.names.last() != Some(&n) {
            x.names.push(n);
        }
        if x.namespaces.last() != Some(&s) {
            x.namespaces.push(s);
        }
    }
}

/// Kustomize's `filesys.InsertPathPart`: `part` inserted as the `pos`-th part of the
/// `/`-separated `path` (`PathSplit`), counted after the leading `/` of an absolute path (at
/// the end when `pos` is past it), joined again with Go's `filepath.Join`, which cleans the
/// path: `x` with `/abs/part` at 1 is `x/abs/part`, `./q` is `q`, `p/` loses its slash
/// (measured; was joined as written, `x//abs/part`).
fn insert_path_part(path: &str, pos: usize, part: &str) -> String {
    if part.is_empty() {
        return path.to_string();
    }
    let mut parts = path_split(path);
    let mut pos = pos.min(parts.len());
    if parts.first() == Some(&"") && pos < parts.len() {
        pos += 1;
    }
    parts.insert(pos, part);
    // `PathJoin`: a first empty part keeps the path absolute.
    let join = |parts: &[&str]| {
        let kept: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
        if kept.is_empty() {
            String::new()
        } else {
            crate::input::render::clean_slash_path(&kept.join("/"))
        }
    };
    match parts.split_first() {
        Some((&"", rest)) => format!("/{}", join(rest)),
        _ => join(&parts),
    }
}

/// Kustomize's `filesys.PathSplit`: `a/b` is `[a, b]`, `/a` is `["", a]`, `/` is `[""]`,
/// `a/` is `[a, ""]`, nothing is `[]` (Go's `filepath.Split` applied from the end).
fn path_split(path: &str) -> Vec<&str> {
    if path.is_empty() {
        return Vec::new();
    }
    let (dir, file) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    if dir == "/" {
        return if file.is_empty() {
            vec![""]
        } else {
            vec!["", file]
        };
    }
    let dir = dir.strip_suffix('/').unwrap_or(dir);
    if dir.is_empty() {
        return vec![file];
    }
    let mut parts = path_split(dir);
    parts.push(file);
    parts
}
