//! The value model of the Kustomize renderer: a YAML tree whose every node knows where it
//! came from, and the emitter that prints it as `kubectl kustomize` does while recording the
//! source map.

use crate::input::yaml::{self, Schema};
use crate::source::SourceFile;
use crate::source::map::{Origin, OriginRole, SourceMap};
use crate::source::span::{Children, LineIndex, Pos, Span, SpanTree};
use serde_json::{Number, Value};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum V {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// A value and its origin. For a mapping entry the origin is the entry (key through value);
/// nodes made by a transformer carry the kustomization line that asked for them.
#[derive(Debug, Clone)]
pub struct Node {
    pub v: V,
    pub org: Option<Origin>,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.to_json() == other.to_json()
    }
}

impl Node {
    pub fn new(v: V, org: Option<Origin>) -> Node {
        Node { v, org }
    }
    pub fn str(s: impl Into<String>, org: Option<Origin>) -> Node {
        Node::new(V::Str(s.into()), org)
    }
    pub fn map(org: Option<Origin>) -> Node {
        Node::new(V::Map(Vec::new()), org)
    }

    /// Builds a node from a resolved value and its span tree (`tree` may be absent for
    /// values that have no place of their own: they take `fallback`).
    pub fn from_tree(
        value: &Value,
        tree: Option<&SpanTree>,
        file: &Arc<SourceFile>,
        role: OriginRole,
        tr: &dyn Fn(Span) -> Span,
    ) -> Node {
        let org = tree.map(|t| Origin {
            role,
            file: file.clone(),
            span: tr(t.focus),
        });
        let v = match value {
            Value::Null => V::Null,
            Value::Bool(b) => V::Bool(*b),
            Value::Number(n) => V::Num(n.clone()),
            Value::String(s) => V::Str(s.clone()),
            Value::Array(items) => V::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let child = tree.and_then(|t| match &t.children {
                            Children::Seq(c) => c.get(i),
                            _ => None,
                        });
                        let mut n = Node::from_tree(item, child, file, role, tr);
                        if n.org.is_none() {
                            n.org = org.clone();
                        }
                        n
                    })
                    .collect(),
            ),
            Value::Object(map) => V::Map(
                map.iter()
                    .map(|(k, item)| {
                        let child = tree.and_then(|t| match &t.children {
                            Children::Map(c) => {
                                c.iter().rev().find(|(n, _)| n == k).map(|(_, t)| t)
                            }
                            _ => None,
                        });
                        let mut n = Node::from_tree(item, child, file, role, tr);
                        if n.org.is_none() {
                            n.org = org.clone();
                        }
                        (k.clone(), n)
                    })
                    .collect(),
            ),
        };
        Node { v, org }
    }

    /// A node for a JSON value made by a transformer: every node gets `org`.
    pub fn from_json(value: &Value, org: &Option<Origin>) -> Node {
        let v = match value {
            Value::Null => V::Null,
            Value::Bool(b) => V::Bool(*b),
            Value::Number(n) => V::Num(n.clone()),
            Value::String(s) => V::Str(s.clone()),
            Value::Array(items) => V::Seq(items.iter().map(|i| Node::from_json(i, org)).collect()),
            Value::Object(m) => V::Map(
                m.iter()
                    .map(|(k, i)| (k.clone(), Node::from_json(i, org)))
                    .collect(),
            ),
        };
        Node {
            v,
            org: org.clone(),
        }
    }

    pub fn to_json(&self) -> Value {
        match &self.v {
            V::Null => Value::Null,
            V::Bool(b) => Value::Bool(*b),
            V::Num(n) => Value::Number(n.clone()),
            V::Str(s) => Value::String(s.clone()),
            V::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            V::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, n)| (k.clone(), n.to_json()))
                    .collect(),
            ),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.v, V::Null)
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
    /// A scalar as text (strings, numbers, booleans), as Kustomize reads label values.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.v {
            V::Str(s) => Some(s.clone()),
            V::Num(n) => Some(n.to_string()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&Vec<Node>> {
        match &self.v {
            V::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.v {
            V::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&Vec<(String, Node)>> {
        match &self.v {
            V::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(String, Node)>> {
        match &mut self.v {
            V::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, n)| n)
    }
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut n = self;
        for k in keys {
            n = n.get(k)?;
        }
        Some(n)
    }
    pub fn path_mut(&mut self, keys: &[&str]) -> Option<&mut Node> {
        let mut n = self;
        for k in keys {
            n = n.get_mut(k)?;
        }
        Some(n)
    }
    /// Sets `key` (replacing its value in place, or appending it). A non-map becomes a map.
    pub fn set(&mut self, key: &str, node: Node) {
        if !matches!(self.v, V::Map(_)) {
            self.v = V::Map(Vec::new());
        }
        let m = self.as_map_mut().expect("map");
        match m.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n = node,
            None => m.push((key.to_string(), node)),
        }
    }
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let m = self.as_map_mut()?;
        let i = m.iter().position(|(k, _)| k == key)?;
        Some(m.remove(i).1)
    }
    /// The child map at `key`, created (with `org`) when missing or not a map.
    pub fn entry_map(&mut self, key: &str, org: &Option<Origin>) -> &mut Node {
        let missing = !matches!(self.get(key), Some(Node { v: V::Map(_), .. }));
        if missing {
            self.set(key, Node::map(org.clone()));
        }
        self.get_mut(key).expect("just set")
    }
    /// Gives every node of this tree `org`.
    pub fn set_org_deep(&mut self, org: &Option<Origin>) {
        self.org = org.clone();
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(|n| n.set_org_deep(org)),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.set_org_deep(org)),
            _ => {}
        }
    }
}

/// An origin for a whole file (generator sources).
pub fn whole_file(file: &Arc<SourceFile>, role: OriginRole) -> Origin {
    Origin {
        role,
        file: file.clone(),
        span: Span::new(0, file.text.len()),
    }
}

/// A YAML syntax or structure problem, with its position in the origin file.
#[derive(Debug)]
pub struct LoadError {
    pub pos: Pos,
    pub message: String,
}

/// Where the text being parsed sits inside its origin file: a literal block scalar
/// (`patch: |`) starts `line` lines below the file's start and is indented `indent` columns.
#[derive(Debug, Clone, Copy)]
pub struct Embed {
    pub line: u32,
    pub indent: usize,
}

/// Reads every document of `text` (the text of `file`, or of a block scalar embedded in it)
/// into nodes with origins in `file`. Null documents are skipped.
pub fn load_docs(
    text: &str,
    file: &Arc<SourceFile>,
    role: OriginRole,
    embed: Option<Embed>,
) -> Result<Vec<Node>, LoadError> {
    let own_lines;
    let lines: &LineIndex = if embed.is_some() {
        own_lines = LineIndex::new(text);
        &own_lines
    } else {
        &file.lines
    };
    // A position in `text` is where it stands in the block scalar of the file: `line` lines
    // below the block's key line, `indent` columns further right.
    let translate = |p: Pos| -> Pos {
        match embed {
            None => p,
            Some(e) => Pos {
                line: e.line + p.line,
                column: e.indent as u32 + p.column,
            },
        }
    };
    let to_file = |offset: u32| -> usize {
        match embed {
            None => offset as usize,
            Some(_) => {
                let p = translate(lines.pos_at_offset(text, offset as usize));
                let col0 = p.column as usize - 1;
                file.lines.offset_at_line_col(&file.text, p.line, col0)
            }
        }
    };
    let tr = |s: Span| Span::new(to_file(s.start), to_file(s.end));
    let (docs, err) = yaml::parse_stream(text, lines);
    let mut out = Vec::new();
    for doc in &docs {
        // A kustomization is read as Kustomize reads it (sigs.k8s.io/yaml, YAML 1.1: `yes` is
        // a boolean there); manifests as kyaml reads them.
        let schema = if role == OriginRole::Kustomization {
            Schema::Kubernetes
        } else {
            Schema::Kustomize
        };
        match yaml::resolve(&doc.root, schema, text, lines) {
            Ok((value, tree, issues)) => {
                if let Some(i) = issues.into_iter().next() {
                    return Err(LoadError {
                        pos: translate(i.pos),
                        message: i.message,
                    });
                }
                if value.is_null() {
                    continue;
                }
                out.push(Node::from_tree(&value, Some(&tree), file, role, &tr));
            }
            Err(i) => {
                return Err(LoadError {
                    pos: translate(i.pos),
                    message: i.message,
                });
            }
        }
    }
    if let Some(e) = err {
        return Err(LoadError {
            pos: translate(e.pos),
            message: format!("invalid YAML: {}", e.message),
        });
    }
    Ok(out)
}

/// Prints nodes as block YAML (keys sorted, as `kubectl kustomize` prints them) and records
/// each line's origin in a [`SourceMap`].
#[derive(Default)]
pub struct Emitter {
    pub out: String,
    pub map: SourceMap,
    /// Origins added after each line's own, for the document being printed: the
    /// kustomization entries that brought its object into the build (related locations).
    via: Vec<Origin>,
}

impl Emitter {
    /// One document, preceded by `---` when it is not the first and by a `# Source:` line;
    /// every line records its own origin, then `via`.
    pub fn document_via(&mut self, source: &str, node: &Node, via: &[Origin]) {
        self.via = via.to_vec();
        if !self.out.is_empty() {
            self.out.push_str("---\n");
        }
        self.out.push_str("# Source: ");
        self.out.push_str(&source.replace(['\n', '\r'], " "));
        self.out.push('\n');
        match &node.v {
            V::Map(entries) if !entries.is_empty() => self.map_body(entries, 0, &node.org, false),
            _ => {
                let start = self.out.len();
                self.out.push_str(&scalar_or_empty(node));
                self.out.push('\n');
                self.seg(start, &node.org, &None);
            }
        }
    }

    fn seg(&mut self, start: usize, org: &Option<Origin>, fallback: &Option<Origin>) {
        let end = self.out.trim_end_matches('\n').len().max(start);
        if let Some(o) = org.as_ref().or(fallback.as_ref()) {
            let mut origins = Vec::with_capacity(1 + self.via.len());
            origins.push(o.clone());
            origins.extend(self.via.iter().cloned());
            self.map.push(start..end, origins);
        }
    }

    /// Entries of a mapping at `indent`; with `inline`, the first key follows a `- ` already
    /// written.
    fn map_body(
        &mut self,
        entries: &[(String, Node)],
        indent: usize,
        parent: &Option<Origin>,
        inline: bool,
    ) {
        let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        for (i, (k, n)) in sorted.into_iter().enumerate() {
            if !(inline && i == 0) {
                push_indent(&mut self.out, indent);
            }
            let start = self.out.len();
            self.out.push_str(&scalar_text(k));
            self.out.push(':');
            let org = if n.org.is_some() { &n.org } else { parent };
            self.value_after(n, indent, org, true);
            let _ = start;
        }
    }

    /// Writes a value that follows `key:` or `- ` (the line is already started), and records
    /// the segment from `start` of that line.
    fn value_after(&mut self, n: &Node, indent: usize, org: &Option<Origin>, after_key: bool) {
        let line_start = self.out[..self.out.len()]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0)
            + indent;
        let start = line_start.min(self.out.len());
        match &n.v {
            V::Map(entries) if !entries.is_empty() => {
                if after_key {
                    self.out.push('\n');
                    self.seg(start, org, &None);
                    self.map_body(entries, indent + 2, org, false);
                } else {
                    self.map_body(entries, indent + 2, org, true);
                }
            }
            V::Seq(items) if !items.is_empty() => {
                if after_key {
                    self.out.push('\n');
                    self.seg(start, org, &None);
                    for item in items {
                        push_indent(&mut self.out, indent);
                        self.out.push_str("- ");
                        let io = if item.org.is_some() { &item.org } else { org };
                        self.value_after(item, indent, io, false);
                    }
                } else {
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            push_indent(&mut self.out, indent + 2);
                        }
                        self.out.push_str("- ");
                        let io = if item.org.is_some() { &item.org } else { org };
                        self.value_after(item, indent + 2, io, false);
                    }
                }
            }
            V::Str(s) if block_literal_ok(s) => {
                let chomp = if !s.ends_with('\n') {
                    "-"
                } else if s.ends_with("\n\n") {
                    "+"
                } else {
                    ""
                };
                if after_key {
                    self.out.push(' ');
                }
                self.out.push('|');
                self.out.push_str(chomp);
                self.out.push('\n');
                let body = s.strip_suffix('\n').unwrap_or(s);
                for line in body.split('\n') {
                    if !line.is_empty() {
                        push_indent(&mut self.out, indent + 2);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
                if chomp == "+" {
                    // `|+` keeps the final line break too: the split above wrote all but it.
                }
                self.seg(start, org, &None);
            }
            _ => {
                if after_key {
                    self.out.push(' ');
                }
                self.out.push_str(&scalar_or_empty(n));
                self.out.push('\n');
                self.seg(start, org, &None);
            }
        }
    }
}

fn push_indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn scalar_or_empty(n: &Node) -> String {
    match &n.v {
        V::Null => "null".to_string(),
        V::Bool(b) => b.to_string(),
        V::Num(x) => x.to_string(),
        V::Str(s) => scalar_text(s),
        V::Seq(_) => "[]".to_string(),
        V::Map(_) => "{}".to_string(),
    }
}

/// A string as a YAML scalar: plain when it reads back as the same string under both YAML 1.1
/// and 1.2, else double-quoted.
pub fn scalar_text(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
    }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || "-?:,[]{}#&*!|>'\"%@`=~".contains(first)
        || s.ends_with(':')
        || s.contains(": ")
        || s.contains(" #")
        || s.chars()
            .any(|c| c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}')
        || looks_like_date(s)
    {
        return false;
    }
    matches!(yaml::resolve_yaml11(s), Value::String(_))
        && matches!(yaml::resolve_core(s), Value::String(_))
        && !is_yaml11_number_like(s)
}

/// YAML 1.1 readers (PyYAML, go-yaml v2) also take `1_000`, `0b10`, `1:20` (sexagesimal)
/// and `.5` as numbers.
fn is_yaml11_number_like(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "._:xXoObB+-".contains(c))
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

fn block_literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n', '\t'])
        && !s.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t')
                || c == '\u{feff}'
                || c == '\u{2028}'
                || c == '\u{2029}'
                || c == '\u{85}'
        })
        && !s.contains(" \n")
        && !s.contains("\t\n")
        && !s.ends_with([' ', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reparse(text: &str) -> Vec<Value> {
        let lines = LineIndex::new(text);
        let (docs, err) = yaml::parse_stream(text, &lines);
        assert!(err.is_none(), "{err:?} in\n{text}");
        docs.iter()
            .map(|d| {
                yaml::resolve(&d.root, Schema::Kubernetes, text, &lines)
                    .unwrap()
                    .0
            })
            .collect()
    }

    fn arb_string() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9 :#\\-\\n'\"{}\\[\\],&*!|>%@`.~=?]{0,12}",
            Just("y".to_string()),
            Just("on".to_string()),
            Just("0644".to_string()),
            Just("1_000".to_string()),
            Just("2024-01-01".to_string()),
            Just("a\n  b\n".to_string()),
            Just("line\n\n".to_string()),
            Just(" lead\nx".to_string()),
            Just("null".to_string()),
            Just("".to_string()),
        ]
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            arb_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(arb_string(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// What the emitter prints reads back, under the YAML 1.1 rules Kubernetes applies,
        /// as the same value.
        #[test]
        fn emitted_yaml_reads_back_as_the_same_value(
            m in prop::collection::btree_map(arb_string(), arb_value(), 1..5)
        ) {
            let v = Value::Object(m.into_iter().collect());
            // Every node with an origin, so that every line records a segment (the source
            // map checks its segments are ordered and disjoint).
            let file = SourceFile::new("o.yaml".into(), None, "a: b\n".into());
            let org = Some(Origin { role: OriginRole::Base, file, span: Span::default() });
            let mut em = Emitter::default();
            em.document_via("x.yaml", &Node::from_json(&v, &org), &[]);
            em.document_via("y.yaml", &Node::from_json(&v, &org), org.as_slice());
            prop_assert!(!em.map.is_empty());
            let back = reparse(&em.out);
            prop_assert_eq!(back.len(), 2);
            prop_assert_eq!(&back[0], &v, "{}", em.out);
        }
    }
}
