//! Service configuration: TOML loading and the classification of configuration documents.
//!
//! YAML and JSON configuration is read by the shared YAML loader (YAML 1.2 core schema); this
//! module reads TOML with the `toml` crate's spanned tree, and decides for every configuration
//! document whether it is a Docker Compose file, a document written to the architecture
//! standard, or generic configuration.

use crate::input::{Document, InputType, Loaded};
use crate::source::resolve_dots;
use crate::source::span::{Children, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use toml::de::{DeTable, DeValue};

/// Deepest TOML nesting converted; deeper input is reported, never overflows the stack.
const MAX_DEPTH: usize = 256;

/// Top-level keys of the architecture standard's configuration blocks. A document with any of
/// them at its top level is a `standard` document.
pub const STANDARD_KEYS: &[&str] = &[
    "service_boundaries",
    "communication_patterns",
    "service_mesh",
    "event_sourcing",
    "security_events",
    "polyglot_persistence",
    "caching_layers",
    "performance_monitoring",
    "zero_trust",
    "mtls_configuration",
];

/// Loads a `.toml` file as one configuration document.
pub fn load_toml(file: &Arc<SourceFile>) -> Loaded {
    let mut out = Loaded::default();
    let table = match DeTable::parse(&file.text) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            let pos = e
                .span()
                .map(|r| file.lines.pos_at_offset(&file.text, r.start));
            out.problems.push(Problem::error(
                &file.path,
                pos,
                format!("invalid TOML: {}", e.message().trim_end()),
            ));
            return out;
        }
    };
    let conv = Converter { file };
    let whole = Span::new(0, file.text.len());
    match conv.table(&table, whole, 0) {
        Ok((value, spans)) => out.documents.push(whole_file_document(file, value, spans)),
        Err(span) => {
            out.problems.push(Problem::error(
                &file.path,
                Some(file.pos(span.start)),
                format!("TOML nested deeper than {MAX_DEPTH} levels"),
            ));
        }
    }
    out
}

/// Turns the `toml` crate's spanned tree into a JSON value and the span tree that mirrors it.
struct Converter<'a> {
    file: &'a SourceFile,
}

impl Converter<'_> {
    fn span(&self, r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }

    /// A table: its entries in source order. `own` is the table's own span (a `[header]`, an
    /// inline table, or the first key of a dotted key); the node spans it and all its entries.
    fn table(
        &self,
        table: &DeTable<'_>,
        own: Span,
        depth: usize,
    ) -> Result<(Value, SpanTree), Span> {
        if depth > MAX_DEPTH {
            return Err(own);
        }
        let mut entries: Vec<(String, Span, Value, SpanTree)> = Vec::with_capacity(table.len());
        for (key, value) in table.iter() {
            let key_span = self.span(key.span());
            let (v, mut tree) = self.value(value.get_ref(), self.span(value.span()), depth + 1)?;
            // A mapping entry spans its key through its value (for a `[header]` table, the
            // header through its last entry).
            tree.span = key_span.union(tree.span);
            tree.focus = self.file.lines.first_line(&self.file.text, tree.span);
            entries.push((key.get_ref().to_string(), key_span, v, tree));
        }
        entries.sort_by_key(|(_, key_span, _, _)| key_span.start);
        let mut span = own;
        let mut map = Map::new();
        let mut trees = Vec::with_capacity(entries.len());
        for (key, _, v, tree) in entries {
            span = span.union(tree.span);
            map.insert(key.clone(), v);
            trees.push((key, tree));
        }
        Ok((
            Value::Object(map),
            SpanTree {
                span,
                focus: span,
                children: Children::Map(trees),
                origin: None,
            },
        ))
    }

    fn value(
        &self,
        value: &DeValue<'_>,
        own: Span,
        depth: usize,
    ) -> Result<(Value, SpanTree), Span> {
        if depth > MAX_DEPTH {
            return Err(own);
        }
        let scalar = |v: Value| Ok((v, SpanTree::leaf(own)));
        match value {
            DeValue::String(s) => scalar(Value::String(s.to_string())),
            DeValue::Boolean(b) => scalar(Value::Bool(*b)),
            DeValue::Datetime(d) => scalar(Value::String(d.to_string())),
            DeValue::Integer(i) => scalar(integer(i.as_str(), i.radix())),
            DeValue::Float(f) => scalar(float(f.as_str())),
            DeValue::Array(items) => {
                let mut span = own;
                let mut values = Vec::with_capacity(items.len());
                let mut trees = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let (v, mut t) =
                        self.value(item.get_ref(), self.span(item.span()), depth + 1)?;
                    t.focus = self.file.lines.first_line(&self.file.text, t.span);
                    span = span.union(t.span);
                    values.push(v);
                    trees.push(t);
                }
                Ok((
                    Value::Array(values),
                    SpanTree {
                        span,
                        focus: span,
                        children: Children::Seq(trees),
                        origin: None,
                    },
                ))
            }
            DeValue::Table(t) => self.table(t, own, depth),
        }
    }
}

/// A TOML integer as a JSON number; one that fits no JSON integer keeps its text.
fn integer(digits: &str, radix: u32) -> Value {
    let clean = digits.replace('_', "");
    match i128::from_str_radix(&clean, radix) {
        Ok(n) => {
            if let Ok(i) = i64::try_from(n) {
                Value::Number(Number::from(i))
            } else if let Ok(u) = u64::try_from(n) {
                Value::Number(Number::from(u))
            } else {
                Value::String(digits.to_string())
            }
        }
        Err(_) => Value::String(digits.to_string()),
    }
}

/// A TOML float as a JSON number; `inf` and `nan`, which JSON lacks, keep their text.
fn float(text: &str) -> Value {
    text.replace('_', "")
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// The configuration subtype of a YAML/JSON/TOML document that is not a Kubernetes object:
/// `compose`, `standard` (written to the architecture standard) or `generic`.
pub fn subtype(value: &Value, path: &str) -> &'static str {
    if is_compose_name(path) || has_compose_shape(value) {
        return "compose";
    }
    if standard_keys(value).next().is_some() {
        return "standard";
    }
    "generic"
}

/// `compose.yaml`, `compose.override.yml`, `docker-compose.yml`, `docker-compose.prod.yaml`...
fn is_compose_name(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    let stem = name.strip_prefix("docker-").unwrap_or(&name);
    let rest = stem.strip_prefix("compose").unwrap_or("");
    stem.starts_with("compose")
        && rest.starts_with(['.', '-', '_'])
        && (rest.ends_with(".yaml") || rest.ends_with(".yml"))
}

/// A `services:` mapping whose entries are all mappings (or empty), at least one of them with
/// an `image`, a `build` or an `extends` (a base file in the middle of a chain of `extends:`
/// files, whose services take their image from the next file: wild43).
fn has_compose_shape(value: &Value) -> bool {
    let Some(services) = value.get("services").and_then(Value::as_object) else {
        return false;
    };
    let all_maps = services.values().all(|s| s.is_object() || s.is_null());
    let some_image = services.values().any(|s| {
        s.get("image").is_some() || s.get("build").is_some() || s.get("extends").is_some()
    });
    all_maps && some_image
}

/// The standard's top-level keys present in a document, in document order.
fn standard_keys(value: &Value) -> impl Iterator<Item = &str> {
    value
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .map(String::as_str)
        .filter(|k| STANDARD_KEYS.contains(k))
}

/// A short label for messages and fingerprints: `Compose project "shop"`, `standard config
/// (mtls_configuration)`, `config document 2`.
pub fn resource_label(value: &Value, subtype: &str, index: usize) -> String {
    match subtype {
        "compose" => match value
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            Some(name) => format!("Compose project {name:?}"),
            None if index == 0 => "Compose file".to_string(),
            None => format!("Compose document {}", index + 1),
        },
        "standard" => {
            let keys: Vec<&str> = standard_keys(value).collect();
            format!("standard config ({})", keys.join(", "))
        }
        _ if index == 0 => "config document".to_string(),
        _ => format!("config document {}", index + 1),
    }
}

/// A configuration file read whole as one document (TOML, `.env`, `.properties`): its tree
/// spans the file and is focused on its first line, as a YAML document's root is.
pub fn whole_file_document(file: &Arc<SourceFile>, value: Value, mut spans: SpanTree) -> Document {
    let whole = Span::new(0, file.text.len());
    spans.span = whole;
    spans.focus = file.lines.first_line(&file.text, whole);
    let subtype = subtype(&value, &file.path);
    let resource = resource_label(&value, subtype, 0);
    Document {
        file: file.clone(),
        index: 0,
        input_type: InputType::Config,
        subtype: subtype.to_string(),
        resource,
        value,
        spans,
        substituted: Vec::new(),
        extended: Vec::new(),
        embedded: false,
        fragment: false,
    }
}

/// Services deepest in a chain of `extends:` that a Compose file's merge follows; a longer
/// chain stops there (a cycle, which Compose refuses, stops at a service already merged).
const MAX_EXTENDS_DEPTH: usize = 32;

/// Docker Compose `extends:` within one file (`extends: base`, or `extends: {service: base}`
/// without a `file:`): Compose merges the base service into the extending one, so the rules see
/// the merged service. An inherited node points where the base writes it, as a node reached
/// through a YAML alias does ([`SpanTree::origin`]): a finding on it goes to the base's line,
/// with the extending service's `extends:` entry as its related `alias` location, and the
/// findings of one base line are one finding. A base in another file is left to that file.
///
/// Run after [`apply_file_extends`]: a base that extends a service of another file has that
/// file's nodes already, and passes them on (wild53: `web` extends `app` of its own file,
/// which extends `core` of `common.yml`). The nodes the extending service inherits that way
/// keep their file: `extended` gains an entry for its `extends:` entry listing them.
pub fn apply_extends(
    file: &Arc<SourceFile>,
    value: &mut Value,
    spans: &mut SpanTree,
    extended: &mut Vec<crate::input::Extended>,
) {
    let Some(services) = value.get("services").and_then(Value::as_object) else {
        return;
    };
    let names: Vec<String> = services
        .iter()
        .filter(|(_, s)| base_of(s).is_some())
        .map(|(n, _)| n.clone())
        .collect();
    let mut done = std::collections::HashSet::new();
    for name in names {
        extend(file, value, spans, extended, &name, &mut done, 0);
    }
}

/// Files deepest in a chain of `extends: {file: …}` (this file's base's base…) that is
/// followed; a longer chain is a problem at the first file's `extends:` entry.
const MAX_FILE_EXTENDS_DEPTH: usize = 8;

/// Why a chain of base files stopped before its end: it came back to a file being loaded (a
/// cycle, which Compose refuses) or went deeper than [`MAX_FILE_EXTENDS_DEPTH`].
#[derive(Clone, Copy, PartialEq)]
enum ChainStop {
    Cycle,
    Deep,
}

thread_local! {
    /// The files whose `extends: {file: …}` are being followed, the file the walk read first:
    /// a base file already among them closes a cycle.
    static LOADING: std::cell::RefCell<Vec<std::path::PathBuf>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// Set where a chain stopped, read by the first file of the chain.
    static STOPPED: std::cell::Cell<Option<ChainStop>> = const { std::cell::Cell::new(None) };
}

/// A path as the chain compares it: canonical when the file exists.
fn chain_key(p: &std::path::Path) -> std::path::PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Docker Compose `extends: {file: base.yml, service: app}`: the service `app` of `base.yml`
/// (a path relative to this file's folder, as Compose reads it) merged into the extending
/// service as [`apply_extends`] merges one of the same file (the base's own `extends:`, in its
/// file or of a further file, followed first: a chain across files, as Compose follows it).
/// An inherited node's origin is in the base file, or the file further down the chain that
/// writes it: the entries returned say which `extends:` entry reaches which file. A base file
/// that cannot be read or holds no such service is a problem at the `extends:` entry; the
/// service is checked as written. A chain that comes back to a file it loads (a cycle) or
/// goes deeper than [`MAX_FILE_EXTENDS_DEPTH`] files is a problem at the first file's entry,
/// and is followed up to there.
pub fn apply_file_extends(
    file: &Arc<SourceFile>,
    value: &mut Value,
    spans: &mut SpanTree,
    problems: &mut Vec<Problem>,
) -> Vec<crate::input::Extended> {
    let mut out = Vec::new();
    let Some(services) = value.get("services").and_then(Value::as_object) else {
        return out;
    };
    // The first file of a chain: the walk's (nothing is loading yet).
    let first = LOADING.with(|l| l.borrow().is_empty());
    if first && let Some(p) = &file.fs_path {
        LOADING.with(|l| l.borrow_mut().push(chain_key(p)));
    }
    let wanted: Vec<(String, String, String)> = services
        .iter()
        .filter_map(|(name, s)| {
            let o = s.get("extends")?.as_object()?;
            let base_file = o.get("file")?.as_str()?;
            let base = o.get("service")?.as_str()?;
            Some((name.clone(), base_file.to_string(), base.to_string()))
        })
        .collect();
    // Each base file read and parsed once, however many services extend services of it.
    let mut bases: HashMap<String, (Arc<SourceFile>, Vec<Document>)> = HashMap::new();
    for (name, base_file, base) in wanted {
        let Some(site) = spans
            .child_key("services")
            .and_then(|s| s.child_key(&name))
            .and_then(|s| s.child_key("extends"))
            .map(|t| t.focus)
        else {
            continue;
        };
        let problem = |msg: String| Problem::error(&file.path, Some(file.pos(site.start)), msg);
        let Some(dir) = file.fs_path.as_ref().and_then(|p| p.parent()) else {
            continue;
        };
        let fs_path = dir.join(&base_file);
        // `extends: {file: <this file>}` is a service of this file, which `apply_extends` left.
        if file.fs_path.as_deref() == Some(fs_path.as_path())
            || file.fs_path.as_deref().map(chain_key) == Some(chain_key(&fs_path))
        {
            continue;
        }
        let (base_source, documents) = match bases.entry(base_file.clone()) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let key = chain_key(&fs_path);
                let stop = LOADING.with(|l| {
                    let l = l.borrow();
                    if l.contains(&key) {
                        Some(ChainStop::Cycle)
                    } else if l.len() >= MAX_FILE_EXTENDS_DEPTH {
                        Some(ChainStop::Deep)
                    } else {
                        None
                    }
                });
                if let Some(stop) = stop {
                    STOPPED.with(|s| s.set(Some(stop)));
                    continue;
                }
                let shown = resolve_dots(&match file.path.rsplit_once('/') {
                    Some((d, _)) => format!("{d}/{base_file}"),
                    None => base_file.clone(),
                });
                let text = match std::fs::read(&fs_path) {
                    Ok(bytes) => match crate::source::decode(&shown, bytes) {
                        Ok(t) => t,
                        Err(e) => {
                            problems.push(problem(format!(
                                "service \"{name}\" extends a service of {base_file}, which cannot be read ({}); the service is checked as written",
                                e.message
                            )));
                            continue;
                        }
                    },
                    Err(e) => {
                        problems.push(problem(format!(
                            "service \"{name}\" extends a service of {base_file}, which cannot be read ({}); the service is checked as written",
                            crate::source::io_reason(&e)
                        )));
                        continue;
                    }
                };
                let base_source = SourceFile::new(shown, Some(fs_path), text);
                LOADING.with(|l| l.borrow_mut().push(key));
                let loaded = crate::input::classify::load_yaml(
                    &base_source,
                    crate::input::yaml::Schema::Core,
                );
                LOADING.with(|l| l.borrow_mut().pop());
                v.insert((base_source, loaded.documents))
            }
        };
        if first && let Some(stop) = STOPPED.with(|s| s.take()) {
            problems.push(problem(match stop {
                ChainStop::Cycle => format!(
                    "service \"{name}\" extends service \"{base}\" of {base_file}, whose chain of `extends:` files comes back to a file it already extends (a cycle, which Compose refuses); the chain is followed up to there"
                ),
                ChainStop::Deep => format!(
                    "service \"{name}\" extends service \"{base}\" of {base_file}, whose chain of `extends:` files is deeper than {MAX_FILE_EXTENDS_DEPTH} files; the chain is followed up to there"
                ),
            }));
        }
        let found = documents.iter().find_map(|d| {
            let from = d.value.get("services")?.get(&base)?.as_object()?.clone();
            let tree = d.spans.child_key("services")?.child_key(&base)?.clone();
            Some((from, tree, &d.extended))
        });
        let Some((from, from_tree, further)) = found else {
            problems.push(problem(format!(
                "service \"{name}\" extends service \"{base}\" of {base_file}, which has no such service; the service is checked as written"
            )));
            continue;
        };
        let Some(Value::Object(into)) = value.get_mut("services").and_then(|s| s.get_mut(&name))
        else {
            continue;
        };
        let Some(into_tree) = spans
            .child_key_mut("services")
            .and_then(|s| s.child_key_mut(&name))
        else {
            continue;
        };
        // Nodes the base inherited from a further file keep that file as theirs.
        let mut deeper = Vec::new();
        crate::input::further_origins(&from_tree, further, &mut deeper);
        merge_service(into, into_tree, &from, &from_tree, site, None);
        out.push(crate::input::Extended {
            site,
            file: base_source.clone(),
            deeper,
        });
    }
    if first {
        LOADING.with(|l| l.borrow_mut().clear());
        STOPPED.with(|s| s.set(None));
    }
    out
}

/// The service a Compose service extends in its own file.
fn base_of(service: &Value) -> Option<&str> {
    match service.get("extends")? {
        Value::String(s) => Some(s),
        Value::Object(o) if o.get("file").is_none() => o.get("service")?.as_str(),
        _ => None,
    }
}

fn extend(
    file: &Arc<SourceFile>,
    value: &mut Value,
    spans: &mut SpanTree,
    extended: &mut Vec<crate::input::Extended>,
    name: &str,
    done: &mut std::collections::HashSet<String>,
    depth: usize,
) {
    if depth > MAX_EXTENDS_DEPTH || !done.insert(name.to_string()) {
        return;
    }
    let Some(base) = value
        .get("services")
        .and_then(|s| s.get(name))
        .and_then(base_of)
        .map(str::to_string)
    else {
        return;
    };
    if base == name {
        return;
    }
    // A base that extends another is merged first, as Compose does.
    extend(file, value, spans, extended, &base, done, depth + 1);
    let Some(Value::Object(from)) = value.get("services").and_then(|s| s.get(&base)).cloned()
    else {
        return;
    };
    let (Some(from_tree), Some(site)) = (
        spans
            .child_key("services")
            .and_then(|s| s.child_key(&base))
            .cloned(),
        spans
            .child_key("services")
            .and_then(|s| s.child_key(name))
            .and_then(|s| s.child_key("extends"))
            .map(|t| t.focus),
    ) else {
        return;
    };
    let Some(Value::Object(into)) = value.get_mut("services").and_then(|s| s.get_mut(name)) else {
        return;
    };
    let Some(into_tree) = spans
        .child_key_mut("services")
        .and_then(|s| s.child_key_mut(name))
    else {
        return;
    };
    // Nodes the base inherited from another file (through its own `extends: {file: …}`, or
    // a base of its own that did) are written in that file.
    let mut deeper = Vec::new();
    crate::input::further_origins(&from_tree, extended, &mut deeper);
    deeper.retain(|(_, f)| !Arc::ptr_eq(f, file));
    merge_service(into, into_tree, &from, &from_tree, site, None);
    if !deeper.is_empty() {
        extended.push(crate::input::Extended {
            site,
            file: file.clone(),
            deeper,
        });
    }
}

/// Compose's merge of a base mapping into a service's (`key` is the mapping's own key, `None`
/// for the service): a key the service lacks is inherited, mappings merge, sequences append
/// the base's items the service does not set itself (the same variable or label by name),
/// except `command`, `entrypoint` and a healthcheck's `test`, which the service replaces; a
/// scalar of the service wins.
fn merge_service(
    into: &mut Map<String, Value>,
    into_tree: &mut SpanTree,
    from: &Map<String, Value>,
    from_tree: &SpanTree,
    site: Span,
    key: Option<&str>,
) {
    for (k, v) in from {
        if key.is_none() && k == "extends" {
            continue;
        }
        let Some(v_tree) = from_tree.child_key(k) else {
            continue;
        };
        match into.get_mut(k) {
            None => {
                let Children::Map(entries) = &mut into_tree.children else {
                    continue;
                };
                into.insert(k.clone(), v.clone());
                entries.push((k.clone(), crate::input::reached_from(v_tree, site)));
            }
            Some(Value::Object(mine)) => {
                if let (Value::Object(theirs), Some(mine_tree)) = (v, into_tree.child_key_mut(k)) {
                    merge_service(mine, mine_tree, theirs, v_tree, site, Some(k));
                }
            }
            Some(Value::Array(mine)) => {
                if matches!(k.as_str(), "command" | "entrypoint" | "test") {
                    continue;
                }
                let (Value::Array(theirs), Some(mine_tree), Children::Seq(their_items)) =
                    (v, into_tree.child_key_mut(k), &v_tree.children)
                else {
                    continue;
                };
                let Children::Seq(items) = &mut mine_tree.children else {
                    continue;
                };
                let named = matches!(k.as_str(), "environment" | "labels" | "annotations");
                let item_key = |x: &Value| match x {
                    Value::String(s) if named => s.split('=').next().unwrap_or(s).to_string(),
                    _ => x.to_string(),
                };
                let own: std::collections::HashSet<String> = mine.iter().map(item_key).collect();
                for (item, item_tree) in theirs.iter().zip(their_items) {
                    if !own.contains(&item_key(item)) {
                        mine.push(item.clone());
                        items.push(crate::input::reached_from(item_tree, site));
                    }
                }
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::span::PathSeg;
    use serde_json::json;

    fn toml_doc(text: &str) -> Loaded {
        let file = SourceFile::new("x.toml".into(), None, text.to_string());
        load_toml(&file)
    }

    fn key(k: &str) -> PathSeg {
        PathSeg::Key(k.to_string())
    }

    #[test]
    fn toml_values_and_source_order() {
        let l = toml_doc(
            "title = \"x\"\nb = 0xff\nf = inf\nd = 1979-05-27T07:32:00Z\n[server]\nport = 8_080\n",
        );
        assert!(l.problems.is_empty());
        let d = &l.documents[0];
        assert_eq!(
            d.value,
            json!({"title": "x", "b": 255, "f": "inf", "d": "1979-05-27T07:32:00Z", "server": {"port": 8080}})
        );
        let keys: Vec<&String> = d.value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["title", "b", "f", "d", "server"]);
        assert_eq!(d.subtype, "generic");
    }

    #[test]
    fn toml_spans_point_at_keys_and_headers() {
        let text = "a.b.c = 1\n[server]\nport = 8080\ntls = { enabled = false }\n\n[server.db]\npassword = \"p\"\n[[svc]]\nname = \"a\"\n[[svc]]\nname = \"b\"\n";
        let l = toml_doc(text);
        let t = &l.documents[0].spans;
        let file = &l.documents[0].file;
        let focus = |p: &[PathSeg]| {
            let s = t.get(p).unwrap().focus;
            let (a, b) = (file.pos(s.start), file.pos(s.end));
            (a.line, a.column, b.line, b.column)
        };
        assert_eq!(focus(&[key("a"), key("b"), key("c")]), (1, 5, 1, 10));
        assert_eq!(focus(&[key("server")]), (2, 1, 2, 9));
        assert_eq!(focus(&[key("server"), key("port")]), (3, 1, 3, 12));
        assert_eq!(
            focus(&[key("server"), key("tls"), key("enabled")]),
            (4, 9, 4, 24)
        );
        assert_eq!(
            focus(&[key("server"), key("db"), key("password")]),
            (7, 1, 7, 15)
        );
        assert_eq!(
            focus(&[key("svc"), PathSeg::Index(1), key("name")]),
            (11, 1, 11, 11)
        );
        let svc = t.get(&[key("svc"), PathSeg::Index(1)]).unwrap();
        assert_eq!(file.pos(svc.focus.start).line, 10);
        // The [server] table spans its header through its last entry, sub-tables included.
        assert_eq!(file.pos(t.get(&[key("server")]).unwrap().span.end).line, 7);
    }

    #[test]
    fn toml_errors_are_located() {
        let l = toml_doc("a = 1\nb = = 2\n");
        assert!(l.documents.is_empty());
        let p = &l.problems[0];
        assert_eq!(p.pos.map(|p| p.line), Some(2));
        assert!(p.message.starts_with("invalid TOML"), "{}", p.message);
        let l = toml_doc("a = 1\na = 2\n");
        assert_eq!(l.problems[0].pos.map(|p| p.line), Some(2));
    }

    #[test]
    fn deep_toml_does_not_overflow() {
        let text = format!("a = {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let l = toml_doc(&text);
        assert!(l.documents.is_empty());
        assert!(!l.problems.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn load_toml_never_panics(text in "(\\PC|[\\[\\]{}=\",.\n#'])*") {
            let _ = toml_doc(&text);
        }

        #[test]
        fn toml_spans_stay_inside_the_text(keys in proptest::collection::vec("[a-z]{1,6}", 1..6), n in 0i64..1000) {
            let text: String = keys.iter().enumerate().map(|(i, k)| format!("[t{i}]\n{k} = {n}\n")).collect();
            let l = toml_doc(&text);
            for d in &l.documents {
                proptest::prop_assert!(d.spans.span.end as usize <= text.len());
            }
        }
    }

    #[test]
    fn classification() {
        let compose = json!({"services": {"db": {"image": "postgres:16"}, "app": {"build": "."}}});
        assert_eq!(subtype(&compose, "deploy/stack.yaml"), "compose");
        // a base file in the middle of a chain of `extends:` files (wild43)
        let middle =
            json!({"services": {"app": {"extends": {"file": "common.yml", "service": "core"}}}});
        assert_eq!(subtype(&middle, "common/base.yml"), "compose");
        assert_eq!(
            subtype(
                &json!({"services": {"x": {}}}),
                "docker-compose.override.yml"
            ),
            "compose"
        );
        assert_eq!(
            subtype(&json!({"services": {"x": {}}}), "compose.yaml"),
            "compose"
        );
        // Helm values with a `services` list are not Compose.
        assert_eq!(
            subtype(&json!({"services": [{"image": "x"}]}), "values.yaml"),
            "generic"
        );
        assert_eq!(
            subtype(&json!({"services": {"a": "b"}}), "values.yaml"),
            "generic"
        );
        assert_eq!(
            subtype(&json!({"mtls_configuration": {}}), "mtls.yaml"),
            "standard"
        );
        assert_eq!(subtype(&json!({"global": {}}), "values.yaml"), "generic");
        assert_eq!(
            subtype(&json!({"services": {"x": {}}}), "composer.json"),
            "generic"
        );
        assert_eq!(
            subtype(&json!({"services": {"x": {}}}), "composer.yaml"),
            "generic"
        );
    }

    #[test]
    fn labels() {
        assert_eq!(
            resource_label(&json!({"name": "shop", "services": {}}), "compose", 0),
            "Compose project \"shop\""
        );
        assert_eq!(
            resource_label(&json!({"services": {}}), "compose", 0),
            "Compose file"
        );
        assert_eq!(
            resource_label(
                &json!({"zero_trust": {}, "x": 1, "service_mesh": {}}),
                "standard",
                0
            ),
            "standard config (zero_trust, service_mesh)"
        );
        assert_eq!(
            resource_label(&json!({}), "generic", 2),
            "config document 3"
        );
    }
}
