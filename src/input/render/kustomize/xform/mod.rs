//! The built-in transformers, in Kustomize's order, and the top-level steps (name hashes,
//! name references, vars, ordering).

use super::node::{Node, V, with_role};
use super::patch::{self, Merged};
use super::{Acc, Builder, Kust, Res, Var, generate, metadata};
use crate::source::map::{Origin, OriginRole};
use regex::Regex;
use std::cmp::min;
use std::collections::HashMap;

mod fields;
mod images;
mod name_table;
mod order;
mod patches;
mod refs;
mod replace;
mod vars;
mod written;

use fields::*;
use images::*;
use patches::*;
use replace::*;

pub use fields::{
    Config, key_misread, read_configurations, read_crds, remerge_after_component, report_conflicts,
};
pub use order::sort;
pub use patches::annotations_as_strings;
pub use refs::{add_hashes, fix_back_references};
pub use replace::FieldType;
pub use vars::{read_vars, resolve_vars};

/// Runs a kustomization's transformers on everything accumulated so far.
pub fn transform(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    // Transformers change names, namespaces and kinds, and delete resources.
    acc.ids = None;
    patches_strategic_merge(b, k, acc);
    note(
        b,
        k,
        acc,
        "PatchStrategicMergeTransformer",
        min(k.list("patchesStrategicMerge").len(), 1),
    );
    for entry in k.list("patches") {
        patch_entry(b, k, acc, entry);
        note(b, k, acc, "PatchTransformer", 1);
    }
    if let Some(ns) = k.get("namespace") {
        match ns.as_str() {
            Some(s) if !s.is_empty() => {
                if let Some(why) = namespace(acc, s, &ns.org, None, false, Subjects::DefaultOnly) {
                    b.problem_at(
                        ns,
                        &k.file.path,
                        format!("a `namespace` field spec {why}; namespace not set"),
                    );
                    return;
                }
                note(b, k, acc, "NamespaceTransformer", 1);
                // Kustomize checks the ids right after moving the objects ("namespace
                // transformation produces ID conflict"): located at `namespace:`.
                refuse_duplicates(
                    b,
                    k,
                    acc,
                    ns,
                    "namespace transformation produces ID conflict",
                );
            }
            Some(_) => {}
            None => b.problem_at(ns, &k.file.path, "namespace must be a string"),
        }
    }
    for (field, pre) in [("namePrefix", true), ("nameSuffix", false)] {
        if let Some(n) = k.get(field) {
            match n.as_str() {
                Some(s) if !s.is_empty() => {
                    let configured = if pre {
                        &acc.config.name_prefix
                    } else {
                        &acc.config.name_suffix
                    };
                    let specs = if configured.is_empty() {
                        name_affix_specs(&[])
                    } else {
                        configured.clone()
                    };
                    if let Some(object) = fields::pathless(&specs, acc) {
                        fields::pathless_problem(b, k, n, field, &object);
                        continue;
                    }
                    for bad in affix(acc, s, pre, &n.org, &specs) {
                        b.problem_at(n, &k.file.path, format!("{field} cannot be added to {bad}: it is not a scalar (Kustomize: \"wrong node kind\")"));
                    }
                    let kind = if pre {
                        "PrefixTransformer"
                    } else {
                        "SuffixTransformer"
                    };
                    note(b, k, acc, kind, 1);
                }
                Some(_) => {}
                None => b.problem_at(n, &k.file.path, format!("{field} must be a string")),
            }
        }
    }
    labels(b, k, acc);
    // Kustomize configures one label transformer per `labels` entry and one for
    // `commonLabels` (empty or not) when either is given.
    let filled = |f: &str| {
        k.get(f).is_some_and(|n| {
            n.as_seq().is_some_and(|l| !l.is_empty()) || n.as_map().is_some_and(|m| !m.is_empty())
        })
    };
    if filled("labels") || filled("commonLabels") {
        note(b, k, acc, "LabelTransformer", k.list("labels").len() + 1);
    }
    if filled("commonAnnotations") {
        note(b, k, acc, "AnnotationsTransformer", 1);
    }
    if let Some(a) = k.get("commonAnnotations") {
        let pairs = pairs_of(b, k, a);
        let specs = acc.config.annotation_table();
        let pathless = fields::pathless(&specs, acc).filter(|_| !pairs.is_empty());
        if let Some(object) = &pathless {
            fields::pathless_problem(b, k, a, "commonAnnotations", object);
        }
        if pathless.is_none() {
            fields::apply_all(b, k, a, acc, &specs, &pairs);
        }
    }
    for entry in k.list("patchesJson6902") {
        json6902_entry(b, k, acc, entry, "patch");
        note(b, k, acc, "PatchJson6902Transformer", 1);
    }
    // The defaults and the `replicas` specs of `configurations:` files (Kustomize's
    // `tc.Replicas`), each field once.
    let replica_specs = if acc.config.replicas.is_empty() {
        images::default_replica_specs()
    } else {
        acc.config.replicas.clone()
    };
    for entry in k.list("replicas") {
        replicas(b, k, entry, acc, &replica_specs);
        note(b, k, acc, "ReplicaCountTransformer", 1);
    }
    // The old `imageTags` are appended to `images` (Kustomize's `FixKustomization`).
    for entry in k.list("images").iter().chain(k.list("imageTags").iter()) {
        images(b, k, entry, acc);
        note(b, k, acc, "ImageTagTransformer", 1);
    }
    for entry in k.list("replacements") {
        replacement_entry(b, k, entry, acc);
    }
    note(
        b,
        k,
        acc,
        "ReplacementTransformer",
        min(k.list("replacements").len(), 1),
    );
    for entry in k.plugin_entries("transformers") {
        transformer_config(b, k, entry, acc, "transformers");
    }
    refuse_duplicate_ids(b, k, acc);
}

/// `buildMetadata: [transformerAnnotations]`: records `times` built-in transformers of
/// `kind` configured in `k` on every object accumulated.
fn note(b: &Builder, k: &Kust, acc: &mut Acc, kind: &str, times: usize) {
    if !b.tracks_transformations || times == 0 {
        return;
    }
    let entry = metadata::transformation(b, k.file.fs_path.as_deref(), kind, None, None);
    for _ in 0..times {
        metadata::note(acc, entry.clone());
    }
}

fn refuse_duplicate_ids(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    refuse_duplicates(
        b,
        k,
        acc,
        &k.node,
        "may not add resource with an already registered id",
    );
}

/// Kustomize rebuilds its resource map after a patch and refuses two objects with the same
/// group, kind, namespace and name ("may not add resource with an already registered id"),
/// as when a patch with `allowNameChange` gives two objects one name (measured: at the top
/// level and in a component too). The later ones are dropped once reported.
fn refuse_duplicates(b: &mut Builder, k: &Kust, acc: &mut Acc, at: &Node, kustomize: &str) {
    let mut seen: HashMap<super::ResId, usize> = HashMap::new();
    let mut keep = Vec::with_capacity(acc.res.len());
    for (i, r) in acc.res.iter().enumerate() {
        match seen.get(&r.id()) {
            Some(&first) => {
                let msg = format!(
                    "after this, {} and the object from {} have the same id; Kustomize refuses it (\"{kustomize}\")",
                    r.describe(),
                    acc.res[first].source.path
                );
                b.problem_at(at, &k.file.path, msg);
                keep.push(false);
            }
            None => {
                seen.insert(r.id(), i);
                keep.push(true);
            }
        }
    }
    if keep.iter().any(|k| !k) {
        let mut it = keep.into_iter();
        acc.res.retain(|_| it.next().unwrap_or(true));
    }
}

/// `validators:`: Kustomize runs each configuration as a transformer and refuses the build
/// when it wrote anything, even a value equal to the one there ("validator shouldn't modify
/// the resource map": it compares the YAML nodes; measured: an `AnnotationsTransformer`
/// setting an annotation to its own value is refused, one selecting no object passes). Run
/// here on a copy; a write shows as a node whose origin changed.
pub fn validate(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for entry in k.plugin_entries("validators") {
        let mut trial = Acc {
            res: acc.res.clone(),
            vars: Vec::new(),
            ids: None,
            config: acc.config.clone(),
            unfetched: acc.unfetched,
        };
        let problems = b.problems.len();
        transformer_config(b, k, entry, &mut trial, "validators");
        let unchanged = trial.res.len() == acc.res.len()
            && trial
                .res
                .iter()
                .zip(&acc.res)
                .all(|(a, b)| untouched(&a.node, &b.node));
        if !unchanged && b.problems.len() == problems {
            b.problem_at(
                entry,
                &k.file.path,
                "this validator changes the objects; Kustomize refuses the build (\"validator shouldn't modify the resource map\")",
            );
        }
    }
}

/// The same values with the same origins, all the way down.
fn untouched(a: &Node, b: &Node) -> bool {
    let same_org = match (&a.org, &b.org) {
        (None, None) => true,
        (Some(x), Some(y)) => x.file.path == y.file.path && x.span == y.span && x.role == y.role,
        _ => false,
    };
    same_org
        && match (&a.v, &b.v) {
            (V::Map(x), V::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((ka, va), (kb, vb))| ka == kb && untouched(va, vb))
            }
            (V::Seq(x), V::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| untouched(p, q))
            }
            (x, y) => Node::new(x.clone(), None) == Node::new(y.clone(), None),
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
    labels: Option<Vec<Req>>,
    annotations: Option<Vec<Req>>,
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
            // A malformed selector selects nothing; `selector_problem` reports it.
            labels: s("labelSelector").map(|l| parse_selector(&l).unwrap_or(vec![Req::Never])),
            annotations: s("annotationSelector")
                .map(|l| parse_selector(&l).unwrap_or(vec![Req::Never])),
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
            && !selector_reqs_match(l, r.node.path(&["metadata", "labels"]))
        {
            return false;
        }
        if let Some(a) = &self.annotations
            && !selector_reqs_match(a, r.node.path(&["metadata", "annotations"]))
        {
            return false;
        }
        true
    }
}

/// One requirement of a Kubernetes label selector.
#[derive(Debug, Clone, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
    Gt(String, i64),
    Lt(String, i64),
    /// A malformed selector: selects nothing (reported by [`selector_problem`]).
    Never,
}

/// A token of the selector lexer of `k8s.io/apimachinery/pkg/labels` (`selector.go`):
/// identifiers end at whitespace or one of `!=(),<>`.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Id(String),
    Not,
    Eq,
    DoubleEq,
    NotEq,
    In,
    NotIn,
    Open,
    Close,
    Comma,
    Gt,
    Lt,
}

fn lex_selector(sel: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut it = sel.chars().peekable();
    while let Some(&c) = it.peek() {
        match c {
            c if c.is_whitespace() => {
                it.next();
            }
            '!' | '=' => {
                it.next();
                if it.peek() == Some(&'=') {
                    it.next();
                    out.push(if c == '!' { Tok::NotEq } else { Tok::DoubleEq });
                } else {
                    out.push(if c == '!' { Tok::Not } else { Tok::Eq });
                }
            }
            '(' | ')' | ',' | '>' | '<' => {
                it.next();
                out.push(match c {
                    '(' => Tok::Open,
                    ')' => Tok::Close,
                    ',' => Tok::Comma,
                    '>' => Tok::Gt,
                    _ => Tok::Lt,
                });
            }
            _ => {
                let mut id = String::new();
                while let Some(&c) = it.peek() {
                    if c.is_whitespace() || "!=(),<>".contains(c) {
                        break;
                    }
                    id.push(c);
                    it.next();
                }
                out.push(match id.as_str() {
                    "in" => Tok::In,
                    "notin" => Tok::NotIn,
                    _ => Tok::Id(id),
                });
            }
        }
    }
    out
}

/// A label value as `validation.IsValidLabelValue` accepts it (when not empty): at most
/// `max` characters, alphanumeric at both ends and `-`, `_`, `.` or alphanumeric between.
fn valid_label_name(v: &str, max: usize) -> bool {
    let b = v.as_bytes();
    let inner = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    b.len() <= max
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter().all(inner)
}

/// A label key as `validation.IsQualifiedName` accepts it: a name of at most 63
/// characters, after an optional DNS-1123 subdomain prefix and `/`.
fn valid_label_key(k: &str) -> bool {
    let (prefix, name) = match k.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    let low = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let subdomain = |p: &str| {
        let b = p.as_bytes();
        b.len() <= 253
            && b.first().is_some_and(low)
            && b.last().is_some_and(low)
            && b.iter().all(|c| low(c) || matches!(c, b'-' | b'.'))
    };
    prefix.is_none_or(subdomain) && valid_label_name(name, 63)
}

/// The key and values of a requirement checked as `labels.NewRequirement` checks them.
fn check_requirement(r: &Req) -> Result<(), String> {
    let (k, vals): (&str, Vec<&str>) = match r {
        Req::Eq(k, v) | Req::NotEq(k, v) => (k, vec![v.as_str()]),
        Req::In(k, vs) | Req::NotIn(k, vs) => (k, vs.iter().map(String::as_str).collect()),
        Req::Exists(k) | Req::NotExists(k) | Req::Gt(k, _) | Req::Lt(k, _) => (k, vec![]),
        Req::Never => return Ok(()),
    };
    if !valid_label_key(k) {
        return Err(format!("invalid label key {k:?}"));
    }
    match vals
        .into_iter()
        .find(|v| !v.is_empty() && !valid_label_name(v, 63))
    {
        Some(v) => Err(format!("invalid label value {v:?} at key {k:?}")),
        None => Ok(()),
    }
}

/// Parses a Kubernetes label selector (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
/// `a`, `!a`, `a>1`, `a<1`, joined by commas) as `labels.Parse` does: the keywords `in` and
/// `notin` need no space before their `(` (`tier in(web)`), and a malformed selector is an
/// error (Kustomize fails the build on it: "unable to parse requirement").
fn parse_selector(sel: &str) -> Result<Vec<Req>, String> {
    let toks = lex_selector(sel);
    let mut reqs = Vec::new();
    let mut i = 0;
    let id = |t: Option<&Tok>| match t {
        Some(Tok::Id(s)) => Some(s.clone()),
        _ => None,
    };
    let found = |t: Option<&Tok>| match t {
        None => "end of selector".to_string(),
        Some(Tok::Id(s)) => format!("{s:?}"),
        Some(t) => format!("{t:?}"),
    };
    while i < toks.len() {
        if toks[i] == Tok::Not {
            let k = id(toks.get(i + 1)).ok_or_else(|| {
                format!("expected a key after '!', found {}", found(toks.get(i + 1)))
            })?;
            reqs.push(Req::NotExists(k));
            i += 2;
        } else {
            let k = id(toks.get(i))
                .ok_or_else(|| format!("expected a key, found {}", found(toks.get(i))))?;
            i += 1;
            match toks.get(i) {
                None | Some(Tok::Comma) => reqs.push(Req::Exists(k)),
                Some(op @ (Tok::Eq | Tok::DoubleEq | Tok::NotEq)) => {
                    // A value may be empty (`a=`, `a=,b`).
                    let v = id(toks.get(i + 1));
                    i += 1 + usize::from(v.is_some());
                    let v = v.unwrap_or_default();
                    reqs.push(if *op == Tok::NotEq {
                        Req::NotEq(k, v)
                    } else {
                        Req::Eq(k, v)
                    });
                }
                Some(op @ (Tok::Gt | Tok::Lt)) => {
                    let v = id(toks.get(i + 1))
                        .and_then(|v| v.parse::<i64>().ok())
                        .ok_or_else(|| {
                            format!("expected an integer after '>' or '<' for key {k:?}")
                        })?;
                    i += 2;
                    reqs.push(if *op == Tok::Gt {
                        Req::Gt(k, v)
                    } else {
                        Req::Lt(k, v)
                    });
                }
                Some(op @ (Tok::In | Tok::NotIn)) => {
                    if toks.get(i + 1) != Some(&Tok::Open) {
                        return Err(format!(
                            "expected '(' after 'in'/'notin' for key {k:?}, found {}",
                            found(toks.get(i + 1))
                        ));
                    }
                    i += 2;
                    let unclosed = |t: Option<&Tok>| {
                        format!(
                            "expected ',' or ')' in the values of key {k:?}, found {}",
                            found(t)
                        )
                    };
                    let mut vals = Vec::new();
                    loop {
                        match toks.get(i) {
                            Some(Tok::Id(v)) => {
                                vals.push(v.clone());
                                i += 1;
                                match toks.get(i) {
                                    Some(Tok::Comma) => i += 1,
                                    Some(Tok::Close) => {
                                        i += 1;
                                        break;
                                    }
                                    t => {
                                        return Err(unclosed(t));
                                    }
                                }
                            }
                            // An empty value: `()`, `(a,)`, `(,a)`.
                            Some(Tok::Comma) => {
                                vals.push(String::new());
                                i += 1;
                            }
                            Some(Tok::Close) => {
                                if vals.is_empty() || toks.get(i - 1) == Some(&Tok::Comma) {
                                    vals.push(String::new());
                                }
                                i += 1;
                                break;
                            }
                            t => {
                                return Err(unclosed(t));
                            }
                        }
                    }
                    reqs.push(if *op == Tok::In {
                        Req::In(k, vals)
                    } else {
                        Req::NotIn(k, vals)
                    });
                }
                t => {
                    return Err(format!(
                        "expected an operator after key {k:?}, found {}",
                        found(t)
                    ));
                }
            }
        }
        if let Some(r) = reqs.last() {
            check_requirement(r)?;
        }
        match toks.get(i) {
            None => break,
            // A comma needs a requirement after it (`a=b,` is refused).
            Some(Tok::Comma) if i + 1 == toks.len() => {
                return Err("expected a requirement after ','".into());
            }
            Some(Tok::Comma) => i += 1,
            t => {
                return Err(format!(
                    "expected ',' between requirements, found {}",
                    found(t)
                ));
            }
        }
    }
    Ok(reqs)
}

fn selector_reqs_match(reqs: &[Req], labels: Option<&Node>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Node::scalar_text);
    let num = |k: &str| get(k).and_then(|v| v.parse::<i64>().ok());
    reqs.iter().all(|r| match r {
        Req::Eq(k, v) => get(k).as_deref() == Some(v.as_str()),
        Req::NotEq(k, v) => get(k).as_deref() != Some(v.as_str()),
        Req::In(k, vs) => get(k).is_some_and(|x| vs.contains(&x)),
        Req::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(&x)),
        Req::Exists(k) => get(k).is_some(),
        Req::NotExists(k) => get(k).is_none(),
        Req::Gt(k, n) => num(k).is_some_and(|x| x > *n),
        Req::Lt(k, n) => num(k).is_some_and(|x| x < *n),
        Req::Never => false,
    })
}

/// Kubernetes label selector syntax (see [`parse_selector`]); a malformed selector
/// selects nothing (the build reports it where the selector is read).
#[cfg(test)]
fn label_selector_matches(sel: &str, labels: Option<&Node>) -> bool {
    parse_selector(sel).is_ok_and(|reqs| selector_reqs_match(&reqs, labels))
}

/// The problem of a malformed `labelSelector` or `annotationSelector` in a patch target or
/// a replacement's `select`/`reject` (Kustomize fails the build: "unable to parse
/// requirement"), as the selector's node and a message.
pub(super) fn selector_problem(sel: &Node) -> Option<(&Node, String)> {
    ["labelSelector", "annotationSelector"]
        .into_iter()
        .find_map(|f| {
            let n = sel.get(f)?;
            let text = n.scalar_text()?;
            let err = parse_selector(&text).err()?;
            Some((n, format!("{f} {text:?} does not parse: {err}")))
        })
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

    /// As `labels.Parse` reads them (each measured with kubectl kustomize v5.8 as a patch
    /// target's `labelSelector` over `{tier: web, n: "5"}`, `{tier: batch}` and `{}`).
    #[test]
    fn label_selectors_parse_as_kubernetes_does() {
        let a = Node::from_json(&serde_json::json!({"tier": "web", "n": "5"}), &None);
        let b = Node::from_json(&serde_json::json!({"tier": "batch"}), &None);
        let hits = |sel: &str| {
            [Some(&a), Some(&b), None]
                .iter()
                .map(|l| label_selector_matches(sel, *l))
                .collect::<Vec<_>>()
        };
        assert_eq!(hits("tier in(web)"), [true, false, false]);
        assert_eq!(hits("tier notin(web)"), [false, true, true]);
        assert_eq!(hits("tier in (web,batch),!n"), [false, true, false]);
        assert_eq!(hits("n>3"), [true, false, false]);
        assert_eq!(hits("n<3"), [false, false, false]);
        assert_eq!(hits("tier=web ,n=5"), [true, false, false]);
        assert_eq!(hits("tier = web"), [true, false, false]);
        assert_eq!(hits("tier==web"), [true, false, false]);
        assert_eq!(hits("tier"), [true, true, false]);
        assert_eq!(hits("tier in ()"), [false, false, false]);
        assert_eq!(hits("tier="), [false, false, false]);
        assert_eq!(hits("tier!="), [true, true, true]);
        assert_eq!(hits(""), [true, true, true]);
        assert_eq!(hits("Tier_X.y=web"), [false, false, false]);
        for bad in [
            "tier in (web",
            "tier in web",
            "tier web",
            "=web",
            "n>x",
            "!",
            "tier=we/b",
            "tier=-web",
            "a/b/c=x",
            "Example.com/x=y",
            "tier in (web/x)",
            "tier=web,",
            "tier in (web) b",
            "tier = = web",
            &format!("tier={}", "a".repeat(64)),
        ] {
            assert!(parse_selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn field_paths() {
        let p = field_path("spec.template.spec.containers.[name=app].image");
        assert_eq!(p.len(), 6);
        assert!(matches!(&p[4], Seg::Match(k, v, _) if k == "name" && v == "app"));
        let p = field_path("spec.http.0.route");
        assert!(matches!(p[2], Seg::Index(0)));
    }
}
