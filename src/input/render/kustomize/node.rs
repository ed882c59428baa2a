//! The value model of the Kustomize renderer: a YAML tree whose every node knows where it
//! came from, read from YAML text with its origins.

use crate::input::yaml::{self, RawNode, Schema};
use crate::source::SourceFile;
use crate::source::map::{Origin, OriginRole};
use crate::source::span::{Children, LineIndex, Pos, Span, SpanTree};
use saphyr_parser::ScalarStyle;
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
    /// Nodes of one object with the same non-zero id are one YAML node in Kustomize: a
    /// label or annotation transformer inserts one value node for a pair at every field it
    /// reaches in an object, and a later in-place write (a replacement, a label override)
    /// changes all of them (see [`Node::write_shared`]). 0: not shared.
    pub share: u32,
    /// A scalar a replacement created without a YAML type (Kustomize copies only the text
    /// into a new node): it prints plain and reads as what the text looks like, until a
    /// strategic merge patch walks it and makes it a string (see [`Node::type_untyped`]).
    pub untyped: bool,
    /// The text of an [`Node::untyped`] scalar as the replacement copied it (`07`, read as
    /// the number 7): the string a merge walk makes of it.
    pub untyped_text: Option<Box<str>>,
    /// Origins listed after `org` (related locations): a field a replacement wrote points at
    /// the source field it copied (`org`), with the replacement's `source:` and `targets:`
    /// lines and the target field's own line here.
    pub also: Option<Arc<[Origin]>>,
    /// A string read from a folded (`>`) block scalar of a manifest: it holds the text as
    /// Kustomize prints the node, which keeps the folded style (see
    /// `yaml::undo_go_yaml_folded_round_trip` for the text a replacement copies from it).
    pub folded: bool,
    /// Text a replacement wrote into a typed scalar field it does not fit (`"web"` into
    /// `spec.replicas`): Kustomize keeps the field's type and fails when it decodes the
    /// object (printing it, a JSON patch over it), unless a later transformer writes the
    /// field first. The index + 1 of the problem in `Builder::misfits`; 0: none.
    pub misfit: u32,
    /// A string written plain that go-yaml reads as a timestamp (`2024-01-01`): kyaml keeps
    /// the text, and Kustomize's JSON conversion (printing, a JSON patch) writes the
    /// `time.Time` it decodes to (`"2024-01-01T00:00:00Z"`; see `yaml2::timestamp_json`).
    pub timestamp: bool,
    /// A string tagged `!!binary`: kyaml keeps the base64 text, and Kustomize's JSON
    /// conversion (printing, a JSON patch) writes the text go-yaml decodes it to (see
    /// `yaml2::binary_json`); annotations, rewritten as strings first, keep the base64.
    pub binary: bool,
}

thread_local! {
    static SHARE_IDS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// A new id for [`Node::share`] (ids only matter within one object; never 0).
pub fn new_share_id() -> u32 {
    SHARE_IDS.with(|c| {
        let id = c.get().wrapping_add(1).max(1);
        c.set(id);
        id
    })
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.to_json() == other.to_json()
    }
}

impl Node {
    pub fn new(v: V, org: Option<Origin>) -> Node {
        Node {
            v,
            org,
            share: 0,
            untyped: false,
            untyped_text: None,
            also: None,
            folded: false,
            misfit: 0,
            timestamp: false,
            binary: false,
        }
    }

    /// What kyaml's merge walk makes of a scalar with no type (see [`Node::untyped`]): a
    /// string of its text (measured: a replacement's "3" created at `spec.replicas` prints
    /// `3`, and `"3"` once a later strategic merge patch went over the object; `"07"`
    /// stays `"07"`, the text copied, not the number it read as). Empty text stays a null:
    /// the walk quotes only text that would read as another type, and an empty plain scalar
    /// prints as nothing (measured: `created: null`; differential seed 50 case 268 of
    /// session 13).
    pub fn type_untyped(&mut self) {
        if self.untyped {
            self.untyped = false;
            let text = self.untyped_text.take().map(String::from);
            if let Some(t) = text.or_else(|| self.scalar_text()) {
                self.v = if t.is_empty() { V::Null } else { V::Str(t) };
            }
        }
    }

    /// Every node of this tree typed as it reads (a JSON round trip, as Kustomize's JSON
    /// patch makes one, gives each scalar the type of its text), and no string folded any
    /// more: the round trip goes through the printed YAML, so a folded scalar's text is
    /// what the folded writer printed, in a node without the style (measured: a replacement
    /// into it afterwards writes the text copied without the writer's line breaks; differential
    /// seed 42 case 163 of session 13).
    pub fn clear_untyped(&mut self) {
        // A plain timestamp, or text a replacement wrote without a type that reads as one
        // (measured: a ConfigMap's "2024-09-09" copied into a new field prints
        // "2024-09-09T00:00:00Z"), becomes the text the JSON conversion writes.
        let stamp = std::mem::take(&mut self.timestamp) || self.untyped;
        self.decode_binary();
        self.untyped = false;
        self.untyped_text = None;
        self.folded = false;
        if stamp
            && let V::Str(s) = &mut self.v
            && let Some(t) = super::yaml2::timestamp_json(s)
        {
            *s = t;
        }
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(Node::clear_untyped),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.clear_untyped()),
            _ => {}
        }
    }

    /// A [`Node::binary`] string becomes the text go-yaml decodes it to (text that is no
    /// base64 stays: that object fails to print, see `Builder::report_misfits`).
    pub fn decode_binary(&mut self) {
        if std::mem::take(&mut self.binary)
            && let V::Str(s) = &mut self.v
            && let Some(t) = super::yaml2::binary_json(s)
        {
            *s = t;
        }
    }

    /// Every [`Node::binary`] string of this tree decoded ([`Node::decode_binary`]).
    pub fn decode_binaries(&mut self) {
        self.decode_binary();
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(Node::decode_binaries),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.decode_binaries()),
            _ => {}
        }
    }

    /// No node of this tree a [`Node::timestamp`] any more: its text stays as written.
    pub fn clear_timestamps(&mut self) {
        self.timestamp = false;
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(Node::clear_timestamps),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.clear_timestamps()),
            _ => {}
        }
    }

    /// Makes every node of this tree its own (none shared), as a copy Kustomize makes.
    pub fn clear_shares(&mut self) {
        self.share = 0;
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(Node::clear_shares),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.clear_shares()),
            _ => {}
        }
    }

    /// Writes `with`'s value and origin into every node of this tree that shares `id`, as
    /// Kustomize's in-place write into a node it inserted at several fields reaches them all.
    pub fn write_shared(&mut self, id: u32, with: &Node) {
        if id == 0 {
            return;
        }
        if self.share == id {
            self.v = with.v.clone();
            self.org = with.org.clone();
            self.also = with.also.clone();
            self.folded = with.folded;
            self.misfit = with.misfit;
            self.timestamp = with.timestamp;
            self.binary = with.binary;
            return;
        }
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(|n| n.write_shared(id, with)),
            V::Map(entries) => entries
                .iter_mut()
                .for_each(|(_, n)| n.write_shared(id, with)),
            _ => {}
        }
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
        Node::new(v, org)
    }

    /// Marks the strings of this tree read from a folded (`>`) block scalar of `raw`, the
    /// document it was resolved from ([`Node::folded`]). The raw tree is walked beside the
    /// node, through aliases and merge keys as the resolver expands them: a node reached
    /// through `*a` is a copy of the anchored node, style included, as kyaml's `DeAnchor`
    /// copies it (measured: `y: *a` of a folded `&a >` prints folded, and a replacement
    /// copies its value). Before, the style was read from the text at the node's origin,
    /// which for an alias is `*a`.
    fn mark_folded(&mut self, raw: &RawNode, depth: usize) {
        if depth > yaml::MAX_DEPTH {
            return;
        }
        match (raw, &mut self.v) {
            (RawNode::Alias { target, .. }, _) => self.mark_folded(target, depth + 1),
            (
                RawNode::Scalar {
                    style, tag, text, ..
                },
                V::Str(_),
            ) => {
                self.folded = *style == ScalarStyle::Folded;
                self.binary = matches!(
                    tag.as_deref(),
                    Some("!!binary" | "tag:yaml.org,2002:binary")
                );
                // Plain and untagged, or tagged `!!timestamp` (quoted too: go-yaml v3
                // then parses it as a time; measured `!!timestamp "2024-01-01"`).
                let tagged = matches!(
                    tag.as_deref(),
                    Some("!!timestamp" | "tag:yaml.org,2002:timestamp")
                );
                self.timestamp = (tagged || (*style == ScalarStyle::Plain && tag.is_none()))
                    && text.starts_with(|c: char| c.is_ascii_digit())
                    && super::yaml2::timestamp_json(text).is_some();
            }
            (RawNode::Seq { items, .. }, V::Seq(nodes)) => {
                for (n, r) in nodes.iter_mut().zip(items) {
                    n.mark_folded(r, depth + 1);
                }
            }
            (RawNode::Map { .. }, V::Map(entries)) => {
                for (k, n) in entries.iter_mut() {
                    if let Some(r) = raw_entry(raw, k, depth + 1) {
                        n.mark_folded(r, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// Reads NEL, LS and PS written raw in a scalar of `src` (the text `raw` was parsed
    /// from) as go-yaml, Kustomize's reader, does: as line breaks ([`go_yaml_breaks`]).
    /// Err: the offset of a scalar that go-yaml ends at such a break, with text left on the
    /// line (the file fails to read there).
    fn fold_separators(&mut self, raw: &RawNode, src: &str, depth: usize) -> Result<(), usize> {
        if depth > yaml::MAX_DEPTH {
            return Ok(());
        }
        match (raw, &mut self.v) {
            (RawNode::Scalar { style, span, .. }, V::Str(value)) => {
                let (start, end) = (span.start as usize, span.end as usize);
                let Some(written) = src.get(start..end.max(start)) else {
                    return Ok(());
                };
                if !value.contains(SEPARATORS) || !written.contains(SEPARATORS) {
                    return Ok(());
                }
                let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
                let indent = match style {
                    // A block scalar's span starts at its content: its indentation.
                    ScalarStyle::Literal | ScalarStyle::Folded => start - line_start,
                    // A plain one continues on lines indented past its line's (go-yaml's
                    // `parser.indent + 1`).
                    _ => {
                        src[line_start..start].len()
                            - src[line_start..start].trim_start_matches(' ').len()
                            + 1
                    }
                };
                match go_yaml_breaks(value, *style, indent) {
                    Some(v) => *value = v,
                    None => return Err(start),
                }
                Ok(())
            }
            (RawNode::Seq { items, .. }, V::Seq(nodes)) => {
                for (n, r) in nodes.iter_mut().zip(items) {
                    n.fold_separators(r, src, depth + 1)?;
                }
                Ok(())
            }
            (RawNode::Map { .. }, V::Map(entries)) => {
                for (k, n) in entries.iter_mut() {
                    if let Some(r) = raw_entry(raw, k, depth + 1) {
                        n.fold_separators(r, src, depth + 1)?;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Sets [`Node::misfit`] to `id` on the value of the entry whose key is the raw scalar
    /// at `key_span` of `raw`, the document this tree was resolved from (walked beside it
    /// as in [`Node::mark_folded`]); false when no such entry is found.
    fn mark_key(&mut self, raw: &RawNode, key_span: Span, id: u32, depth: usize) -> bool {
        if depth > yaml::MAX_DEPTH {
            return false;
        }
        match (raw, &mut self.v) {
            (RawNode::Alias { target, .. }, _) => self.mark_key(target, key_span, id, depth + 1),
            (RawNode::Seq { items, .. }, V::Seq(nodes)) => nodes
                .iter_mut()
                .zip(items)
                .any(|(n, r)| n.mark_key(r, key_span, id, depth + 1)),
            (
                RawNode::Map {
                    entries: raw_entries,
                    ..
                },
                V::Map(entries),
            ) => {
                for (k, n) in entries.iter_mut() {
                    let Some((rk, rv)) = raw_entries
                        .iter()
                        .rev()
                        .find(|(rk, _)| rk.scalar_text() == Some(k.as_str()))
                    else {
                        continue;
                    };
                    if matches!(rk, RawNode::Scalar { span, .. } if *span == key_span) {
                        n.misfit = id;
                        return true;
                    }
                    if n.mark_key(rv, key_span, id, depth + 1) {
                        return true;
                    }
                }
                false
            }
            _ => false,
        }
    }

    /// Gives every [`Node::binary`] string of this tree that is no base64 the misfit id
    /// `report` returns for it (called with the node's origin).
    fn mark_bad_binaries(&mut self, report: &mut dyn FnMut(Option<&Origin>) -> u32) {
        if self.binary
            && let V::Str(s) = &self.v
            && super::yaml2::binary_json(s).is_none()
        {
            self.misfit = report(self.org.as_ref());
        }
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(|n| n.mark_bad_binaries(report)),
            V::Map(entries) => entries
                .iter_mut()
                .for_each(|(_, n)| n.mark_bad_binaries(report)),
            _ => {}
        }
    }

    /// Adds `base` to every [`Node::misfit`] id of this tree (ids local to a file become
    /// the builder's).
    pub fn offset_misfits(&mut self, base: u32) {
        if self.misfit != 0 {
            self.misfit += base;
        }
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(|n| n.offset_misfits(base)),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.offset_misfits(base)),
            _ => {}
        }
    }

    /// The text a replacement copies from this scalar: a folded scalar's text before the
    /// folded writer's round trip (Kustomize copies the node's value, not what it prints).
    pub fn copied_text(&self) -> Option<String> {
        match &self.v {
            V::Str(s) if self.folded => Some(yaml::undo_go_yaml_folded_round_trip(s)),
            _ => self.scalar_text(),
        }
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
        Node::new(v, org.clone())
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
    /// Gives `org` to every node of this tree that has none (a node read from a file keeps
    /// its own line).
    pub fn fill_org(&mut self, org: &Option<Origin>) {
        if self.org.is_none() {
            self.org = org.clone();
        }
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(|n| n.fill_org(org)),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.fill_org(org)),
            _ => {}
        }
    }

    /// Gives every node of this tree the further origins `also` (see [`Node::also`]).
    pub fn set_also_deep(&mut self, also: &Arc<[Origin]>) {
        self.also = (!also.is_empty()).then(|| also.clone());
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(|n| n.set_also_deep(also)),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.set_also_deep(also)),
            _ => {}
        }
    }

    /// The [`Node::misfit`] ids in this tree, in document order.
    pub fn misfits(&self, out: &mut Vec<u32>) {
        if self.misfit != 0 {
            out.push(self.misfit);
        }
        match &self.v {
            V::Seq(items) => items.iter().for_each(|n| n.misfits(out)),
            V::Map(entries) => entries.iter().for_each(|(_, n)| n.misfits(out)),
            _ => {}
        }
    }

    /// Gives every node of this tree `org`.
    pub fn set_org_deep(&mut self, org: &Option<Origin>) {
        self.org = org.clone();
        self.also = None;
        match &mut self.v {
            V::Seq(items) => items.iter_mut().for_each(|n| n.set_org_deep(org)),
            V::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.set_org_deep(org)),
            _ => {}
        }
    }
}

/// NEL (U+0085), line separator (U+2028) and paragraph separator (U+2029).
const SEPARATORS: [char; 3] = ['\u{85}', '\u{2028}', '\u{2029}'];

/// The value go-yaml reads where runeguard's parser read `value` with NEL, LS or PS in it:
/// go-yaml takes each as a line break (measured with kubectl kustomize v5.8). In a quoted or
/// plain scalar the blanks around breaks go, and the breaks join as go-yaml joins them: a
/// NEL is a line feed (one folds to a space, more leave line feeds), LS and PS stay as
/// written (`"a \u{2028} b"` reads `a\u{2028}b`); breaks ending a plain scalar go with it.
/// After a break a plain or block scalar goes on only on a line indented at least
/// `indent` (a block scalar loses that indentation); None where text follows with less:
/// go-yaml ends the scalar there and fails on the rest ("could not find expected ':'").
fn go_yaml_breaks(value: &str, style: ScalarStyle, indent: usize) -> Option<String> {
    let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
    let as_break = |c: char| if c == '\u{85}' { '\n' } else { c };
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    loop {
        let Some(at) = rest.find(SEPARATORS) else {
            out.push_str(rest);
            return Some(out);
        };
        let (line, after) = rest.split_at(at);
        out.push_str(if block {
            line
        } else {
            line.trim_end_matches([' ', '\t'])
        });
        // The breaks in a row (blanks between them), the first leading.
        let mut breaks = Vec::new();
        let mut tail = after;
        while let Some(c) = tail.chars().next().filter(|c| SEPARATORS.contains(c)) {
            breaks.push(as_break(c));
            tail = &tail[c.len_utf8()..];
            if block {
                break;
            }
            let blank = tail.trim_start_matches([' ', '\t']);
            if blank.starts_with(SEPARATORS) {
                tail = blank;
            }
        }
        let spaces = tail.len() - tail.trim_start_matches(' ').len();
        let text_follows = !tail[spaces..].is_empty() && !tail[spaces..].starts_with(['\n', '\r']);
        if block {
            if text_follows && spaces < indent {
                return None;
            }
            out.push(breaks[0]);
            rest = &tail[spaces.min(indent)..];
            continue;
        }
        if !text_follows && !quoted {
            // Breaks end the plain scalar (a real line break or its end follows).
            rest = &tail[spaces..];
            continue;
        }
        if text_follows && !quoted && spaces < indent {
            return None;
        }
        match breaks.split_first() {
            Some(('\n', [])) => out.push(' '),
            Some(('\n', more)) => out.extend(more),
            Some((first, more)) => {
                out.push(*first);
                out.extend(more);
            }
            None => {}
        }
        rest = tail.trim_start_matches([' ', '\t']);
    }
}

/// The offset of a NEL, LS or PS written in a comment with text after it on its line:
/// go-yaml ends the comment at the break and reads that text as a line of its own, at
/// column 0, where it fails ("could not find expected ':'"; measured with kubectl
/// kustomize v5.8). runeguard's parser kept it in the comment.
fn separator_in_comment(roots: &[&RawNode], text: &str) -> Option<usize> {
    let mut spans = Vec::new();
    for r in roots {
        scalar_spans(r, &mut spans, 0);
    }
    let in_scalar = |at: usize| {
        spans
            .iter()
            .any(|s: &Span| (s.start as usize) <= at && at < s.end as usize)
    };
    for (at, c) in text.char_indices().filter(|(_, c)| SEPARATORS.contains(c)) {
        if in_scalar(at) {
            continue;
        }
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let before = &text[line_start..at];
        let comment = before.char_indices().any(|(i, ch)| {
            ch == '#'
                && (i == 0 || before[..i].ends_with([' ', '\t']))
                && !in_scalar(line_start + i)
        });
        let after = text[at + c.len_utf8()..line_end].trim_matches([' ', '\t', '\r']);
        if comment && !after.is_empty() && !after.starts_with('#') {
            return Some(at);
        }
    }
    None
}

fn scalar_spans(raw: &RawNode, out: &mut Vec<Span>, depth: usize) {
    if depth > yaml::MAX_DEPTH {
        return;
    }
    match raw {
        RawNode::Scalar { span, .. } => out.push(*span),
        RawNode::Seq { items, .. } => items.iter().for_each(|i| scalar_spans(i, out, depth + 1)),
        RawNode::Map { entries, .. } => entries.iter().for_each(|(k, v)| {
            scalar_spans(k, out, depth + 1);
            scalar_spans(v, out, depth + 1);
        }),
        // An anchored node is written where it is defined; an alias repeats it elsewhere.
        RawNode::Alias {
            target,
            definition: true,
            ..
        } => scalar_spans(target, out, depth + 1),
        RawNode::Alias { .. } => {}
    }
}

/// The value node of `key` in the raw mapping `raw` as the resolver picks it: the last entry
/// written with that key, else the first mapping merged by `<<` that has it.
fn raw_entry<'a>(raw: &'a RawNode, key: &str, depth: usize) -> Option<&'a RawNode> {
    if depth > yaml::MAX_DEPTH {
        return None;
    }
    let RawNode::Map { entries, .. } = raw else {
        return match raw {
            RawNode::Alias { target, .. } => raw_entry(target, key, depth + 1),
            _ => None,
        };
    };
    let is_merge = |k: &RawNode| matches!(k, RawNode::Scalar { text, style: ScalarStyle::Plain, .. } if text == "<<");
    if let Some((_, v)) = entries
        .iter()
        .rev()
        .find(|(k, _)| !is_merge(k) && k.scalar_text() == Some(key))
    {
        return Some(v);
    }
    entries
        .iter()
        .filter(|(k, _)| is_merge(k))
        .flat_map(|(_, v)| match v {
            RawNode::Seq { items, .. } => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .find_map(|src| raw_entry(src, key, depth + 1))
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
    load_docs_with(text, file, role, embed, &mut None)
}

/// [`load_docs`] of a resource file, also giving each mapping key Kustomize cannot build
/// with ([`misfit_keys`]): the documents are kept, the build fails there.
pub fn load_resource_docs(
    text: &str,
    file: &Arc<SourceFile>,
) -> Result<(Vec<Node>, Vec<LoadError>), LoadError> {
    let mut misfits = Some(Vec::new());
    let docs = load_docs_with(text, file, OriginRole::Base, None, &mut misfits)?;
    Ok((docs, misfits.unwrap_or_default()))
}

/// The mapping keys of `raw` written plain without a tag that go-yaml v3 reads as
/// another type than a string (`5432:`, `true:`, `1.5:`; `yes:` is a string): kyaml keeps
/// the node as written, and Kustomize's conversion of the object to JSON fails on the
/// non-string key ("json: unsupported type: map[interface {}]interface {}"). Quoted and
/// `!!str` keys are strings.
fn misfit_keys(raw: &RawNode, depth: usize, out: &mut Vec<(String, Span)>) {
    if depth > yaml::MAX_DEPTH {
        return;
    }
    match raw {
        RawNode::Map { entries, .. } => {
            for (k, v) in entries {
                if let RawNode::Scalar {
                    text,
                    style: ScalarStyle::Plain,
                    tag: None,
                    span,
                } = k
                    && text != "<<"
                    && !yaml::go_yaml_v3_plain_is_string(text)
                {
                    out.push((text.clone(), *span));
                }
                misfit_keys(v, depth + 1, out);
            }
        }
        RawNode::Seq { items, .. } => items.iter().for_each(|i| misfit_keys(i, depth + 1, out)),
        RawNode::Alias {
            target,
            definition: true,
            ..
        } => misfit_keys(target, depth + 1, out),
        _ => {}
    }
}

/// The offset of the first tab go-yaml (libyaml's block scalar scanner) refuses in a
/// literal or folded block scalar of `raw` whose indentation is detected: a tab after the
/// leading spaces of a line before the first line with content (which sets the
/// indentation), or of a later line with fewer spaces than that (measured: `t: |` over
/// `    \tindented` fails kubectl kustomize with "found a tab character where an indentation
/// space is expected"; a tab after the indentation is content). Blocks with an explicit
/// indentation indicator are not checked.
fn tab_in_block_indentation(raw: &RawNode, text: &str, depth: usize) -> Option<usize> {
    if depth > yaml::MAX_DEPTH {
        return None;
    }
    match raw {
        RawNode::Scalar {
            style: ScalarStyle::Literal | ScalarStyle::Folded,
            span,
            ..
        } => {
            // The scalar's span starts at its content, after the first line's spaces; the
            // header (`|`, `>`, with any indicators) ends the line before.
            let start = span.start as usize;
            let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
            if !text[line_start..start].chars().all(|c| c == ' ') || line_start == 0 {
                return None;
            }
            let header = text[..line_start - 1].rsplit('\n').next()?;
            let at = header.rfind(['|', '>'])?;
            if header[at..].contains(|c: char| c.is_ascii_digit()) {
                return None;
            }
            let body = text.get(line_start..(span.end as usize).max(start))?;
            let mut indent: Option<usize> = None;
            let mut off = line_start;
            for line in body.split_inclusive('\n') {
                let spaces = line.len() - line.trim_start_matches(' ').len();
                let rest = &line[spaces..];
                match indent {
                    None if rest.starts_with('\t') => return Some(off + spaces),
                    None if rest.trim_end_matches(['\n', '\r']).is_empty() => {}
                    None => indent = Some(spaces),
                    Some(i) if spaces < i && rest.starts_with('\t') => return Some(off + spaces),
                    Some(_) => {}
                }
                off += line.len();
            }
            None
        }
        RawNode::Map { entries, .. } => entries.iter().find_map(|(k, v)| {
            tab_in_block_indentation(k, text, depth + 1)
                .or_else(|| tab_in_block_indentation(v, text, depth + 1))
        }),
        RawNode::Seq { items, .. } => items
            .iter()
            .find_map(|i| tab_in_block_indentation(i, text, depth + 1)),
        _ => None,
    }
}

/// The stream as kyaml's reader (`kio.ByteReader`) reads it: it splits the text at every
/// line starting with `---` (after the first line) and decodes each part alone, so
/// - such a line with anything but blanks or a comment after `---` (`--- !!map`, `--- |`,
///   `----`) fails ("invalid document separator");
/// - a directive (`%YAML 1.2`) ends up in a part without its document and fails ("did not
///   find expected <document start>");
/// - a byte order mark at the start of a later part is read as at the start of a stream
///   (allowed; the text returned has it moved into the separator line as blanks, so that
///   every other byte keeps its offset).
///
/// Each part is decoded once: a second document in it (after `...`, or after a last
/// `--- {…}` line without a line break) is not read (measured: dropped from the output).
///
/// Measured with kubectl kustomize v5.8. Returns the text to parse and the offset where each
/// part starts; the error is the offset of the line and a message.
fn kyaml_documents(text: &str) -> Result<(std::borrow::Cow<'_, str>, Vec<usize>), (usize, String)> {
    let mut out: Option<String> = None;
    let mut parts = vec![0];
    // At the start of a part: only blanks, comments and directives so far.
    let mut part_start = true;
    let mut directive_at: Option<usize> = None;
    // kyaml's pattern `\n---.*\n` matches without overlapping: a line right after a
    // separator line is not one (its `\n` was taken).
    let mut after_sep = false;
    let mut at = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches('\n').trim_end_matches('\r');
        let sep = i > 0 && !after_sep && line.ends_with('\n') && body.starts_with("---");
        after_sep = sep;
        if sep {
            let rest = body[3..].trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                return Err((
                    start,
                    format!(
                        "invalid document separator: {}: Kustomize (kyaml) splits the stream at each line starting with `---` and allows only blanks or a comment after it",
                        body.trim()
                    ),
                ));
            }
            if let Some(d) = directive_at.take() {
                return Err((d, "a YAML directive in a resource file: Kustomize (kyaml) splits the stream at the `---` line after it and fails on the directive alone (\"did not find expected <document start>\"); remove it".to_string()));
            }
            part_start = true;
            parts.push(at);
            // A byte order mark opening the next part: moved into this line as blanks.
            if text[at..].starts_with('\u{feff}') {
                let o = out.get_or_insert_with(|| text.to_string());
                if line.ends_with("\r\n") {
                    o.replace_range(at - 2..at + 3, "   \r\n");
                } else {
                    o.replace_range(at - 1..at + 3, "   \n");
                }
            }
            continue;
        }
        let t = body.trim_start_matches('\u{feff}');
        // (A directive after a document's `...` is left to the parser: kyaml decodes only
        // a part's first document, so it never reads it.)
        if part_start && t.starts_with('%') {
            directive_at.get_or_insert(start);
        } else if !(t.trim().is_empty() || t.trim_start().starts_with('#')) {
            part_start = false;
            directive_at = None;
        }
    }
    let text = out.map_or(std::borrow::Cow::Borrowed(text), std::borrow::Cow::Owned);
    Ok((text, parts))
}

fn load_docs_with(
    text: &str,
    file: &Arc<SourceFile>,
    role: OriginRole,
    embed: Option<Embed>,
    misfits: &mut Option<Vec<LoadError>>,
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
    // Manifests and patches are split into documents as kyaml's reader splits them.
    let split;
    let mut parts = Vec::new();
    let text = if role == OriginRole::Kustomization {
        text
    } else {
        match kyaml_documents(text) {
            Ok((t, p)) => {
                split = t;
                parts = p;
                &*split
            }
            Err((at, message)) => {
                return Err(LoadError {
                    pos: translate(lines.pos_at_offset(text, at)),
                    message,
                });
            }
        }
    };
    let (docs, err) = yaml::parse_stream(text, lines);
    for doc in &docs {
        if let Some(at) = tab_in_block_indentation(&doc.root, text, 0) {
            return Err(LoadError {
                pos: translate(lines.pos_at_offset(text, at)),
                message: "found a tab character where an indentation space is expected: go-yaml refuses a tab among a block scalar's indentation (Kustomize fails reading this file); indent with spaces".to_string(),
            });
        }
    }
    if text.contains(SEPARATORS) {
        let roots: Vec<&RawNode> = docs.iter().map(|d| &d.root).collect();
        if let Some(at) = separator_in_comment(&roots, text) {
            return Err(LoadError {
                pos: translate(lines.pos_at_offset(text, at)),
                message: "a NEL, line or paragraph separator (U+0085, U+2028, U+2029) in a comment is a line break to go-yaml: the text after it on this line is read as a line of its own and Kustomize fails reading this file (\"could not find expected ':'\"); remove the character".to_string(),
            });
        }
    }
    let mut out = Vec::new();
    let mut last_part: Option<usize> = None;
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
                // kyaml reads one document per part (see `kyaml_documents`).
                if !parts.is_empty() {
                    let part = parts.partition_point(|&p| p <= doc.root.span().start as usize);
                    // (documents come in order: a part already read is the last one)
                    if last_part == Some(part) {
                        continue;
                    }
                    last_part = Some(part);
                }
                let mut n = Node::from_tree(&value, Some(&tree), file, role, &tr);
                if text.contains(SEPARATORS)
                    && let Err(at) = n.fold_separators(&doc.root, text, 0)
                {
                    return Err(LoadError {
                        pos: translate(lines.pos_at_offset(text, at)),
                        message: "a NEL, line or paragraph separator (U+0085, U+2028, U+2029) is a line break to go-yaml, and the text after it is not indented enough to go on with this value: Kustomize fails reading this file (\"could not find expected ':'\"); remove the character or escape it in a double-quoted string".to_string(),
                    });
                }
                // Each such key's value carries its problem's (local) id, reported only if
                // the object still holds it when Kustomize converts it to JSON.
                if let Some(m) = misfits.as_mut() {
                    let mut keys = Vec::new();
                    misfit_keys(&doc.root, 0, &mut keys);
                    for (key, span) in keys {
                        m.push(LoadError {
                            pos: translate(lines.pos_at_offset(text, span.start as usize)),
                            message: format!(
                                "mapping key {key} is written plain and reads as a YAML {}, not a string: Kustomize fails on it (\"json: unsupported type: map[interface {{}}]interface {{}}\"); quote it",
                                match yaml::resolve_core(&key) {
                                    Value::Null => "null",
                                    Value::Bool(_) => "boolean",
                                    Value::String(_) if !key.starts_with(['-', '+', '.']) && key.contains('-') => "date",
                                    _ => "number",
                                }
                            ),
                        });
                        let id = m.len() as u32;
                        if !n.mark_key(&doc.root, span, id, 0) {
                            n.misfit = id;
                        }
                    }
                }
                // Manifests are read with the folded round trip (`Schema::Kustomize`),
                // kustomizations without.
                if role != OriginRole::Kustomization {
                    n.mark_folded(&doc.root, 0);
                    // A `!!binary` string that is no base64 fails Kustomize's conversion to
                    // JSON, as a typed key does (reported if the object still holds it).
                    if let Some(m) = misfits.as_mut() {
                        n.mark_bad_binaries(&mut |org: Option<&Origin>| {
                            let pos = org.map_or(Pos { line: 1, column: 1 }, |o| {
                                file.lines.pos_at_offset(&file.text, o.span.start as usize)
                            });
                            m.push(LoadError {
                                pos,
                                message: "!!binary value contains invalid base64 data: Kustomize fails on it (go-yaml decodes the text when it converts the object to JSON); write base64 or drop the tag".to_string(),
                            });
                            m.len() as u32
                        });
                    }
                }
                out.push(n);
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

/// The same origin, in another role (a literal read as a base line, a patch's node).
pub fn with_role(o: &Option<Origin>, role: OriginRole) -> Option<Origin> {
    o.as_ref().map(|o| Origin {
        role,
        file: o.file.clone(),
        span: o.span,
    })
}

/// Gives every origin of the tree `role`.
pub fn retag(n: &mut Node, role: OriginRole) {
    if let Some(o) = &mut n.org {
        o.role = role;
    }
    match &mut n.v {
        V::Seq(items) => items.iter_mut().for_each(|i| retag(i, role)),
        V::Map(entries) => entries.iter_mut().for_each(|(_, i)| retag(i, role)),
        _ => {}
    }
}
