//! Printing built objects as `kubectl kustomize` prints them (block YAML, keys sorted) while
//! recording each line's origins in the stream's source map.

use super::node::{Node, V};
use super::yaml2;
use crate::source::map::{Origin, SourceMap};

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
                self.seg(start, &node.org, node.also.as_deref());
            }
        }
    }

    /// Records the segment from `start` to the end of the text written: `org`, then the
    /// node's further origins (`also`), then the object's chain.
    fn seg(&mut self, start: usize, org: &Option<Origin>, also: Option<&[Origin]>) {
        let end = self.out.trim_end_matches('\n').len().max(start);
        if let Some(o) = org.as_ref() {
            let also = also.unwrap_or_default();
            let mut origins = Vec::with_capacity(1 + also.len() + self.via.len());
            origins.push(o.clone());
            origins.extend(also.iter().cloned());
            origins.extend(self.via.iter().cloned());
            self.map.push(start..end, origins);
        }
    }

    /// A generator's `files:` value, the whole text of its source file printed as a literal
    /// block scalar from `start`: records the scalar's first line (`key: |`) as the whole
    /// file, and each line of the block as that line of the file, so a finding inside it (a
    /// configuration file's setting, CFG-016) points at its own line, not at the file's start.
    /// False (nothing recorded) when `org` is not a whole file holding `text`, or a printed line
    /// is not the file's line.
    fn file_lines(&mut self, start: usize, text: &str, org: &Option<Origin>, n: &Node) -> bool {
        let Some(o) = org.as_ref() else {
            return false;
        };
        if o.span.start != 0 || o.span.end as usize != o.file.text.len() || o.file.text != text {
            return false;
        }
        let printed = self.out.trim_end_matches('\n');
        let Some(header_end) = printed[start..].find('\n').map(|i| start + i) else {
            return false;
        };
        // (stream range of the line's text, file range of the line)
        let mut lines = Vec::new();
        let mut at = header_end + 1;
        let mut file_at = 0;
        for line in text.lines() {
            let end = printed[at.min(printed.len())..]
                .find('\n')
                .map_or(printed.len(), |i| at + i);
            let Some(written) = printed.get(at..end) else {
                return false;
            };
            let pad = written.len().saturating_sub(line.len());
            if !written.ends_with(line) || written[..pad].bytes().any(|b| b != b' ') {
                return false;
            }
            lines.push((at + pad..end, file_at..file_at + line.len()));
            file_at += line.len() + 1;
            at = end + 1;
        }
        if at < printed.len() {
            return false;
        }
        self.seg_to(start, header_end, o.clone(), n);
        for (rendered, in_file) in lines {
            let line = Origin {
                span: crate::source::span::Span::new(in_file.start, in_file.end),
                ..o.clone()
            };
            self.seg_to(rendered.start, rendered.end, line, n);
        }
        true
    }

    /// Records `start..end` of the stream as `org`, then the node's further origins and the
    /// object's chain (as [`Self::seg`]).
    fn seg_to(&mut self, start: usize, end: usize, org: Origin, n: &Node) {
        let also = n.also.as_deref().unwrap_or_default();
        let mut origins = Vec::with_capacity(1 + also.len() + self.via.len());
        origins.push(org);
        origins.extend(also.iter().cloned());
        origins.extend(self.via.iter().cloned());
        self.map.push(start..end, origins);
    }

    /// Records where a list element that is a mapping starts in its own file: its keys are
    /// printed sorted, so its first printed line is not always its `- name:` line.
    fn element(&mut self, item: &Node) {
        if let (Some(o), V::Map(entries)) = (&item.org, &item.v)
            && !entries.is_empty()
        {
            self.map.push_node(self.out.len(), o.clone());
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
        sorted.sort_by(|a, b| yaml2::key_order(&a.0, &b.0));
        for (i, (k, n)) in sorted.into_iter().enumerate() {
            if !(inline && i == 0) {
                push_indent(&mut self.out, indent);
            }
            let org = if n.org.is_some() { &n.org } else { parent };
            if yaml2::simple_key(k) {
                yaml2::write(&mut self.out, k, yaml2::style(k, true), indent + 2, true);
                self.out.push(':');
                self.value_after(n, indent, org, true);
            } else {
                // go-yaml v2 writes a key longer than 128 bytes, or one with a line break,
                // as a complex key: `? KEY`, then `: ` and the value on the next line,
                // written on from there as a list element's is (`: a: 1`, `: - p`).
                self.out.push_str("? ");
                yaml2::write(&mut self.out, k, yaml2::style(k, false), indent + 2, false);
                self.out.push('\n');
                push_indent(&mut self.out, indent);
                self.out.push_str(": ");
                self.value_after(n, indent, org, false);
            }
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
                    self.seg(start, org, n.also.as_deref());
                    self.map_body(entries, indent + 2, org, false);
                } else {
                    self.map_body(entries, indent + 2, org, true);
                }
            }
            V::Seq(items) if !items.is_empty() => {
                if after_key {
                    self.out.push('\n');
                    self.seg(start, org, n.also.as_deref());
                    for item in items {
                        push_indent(&mut self.out, indent);
                        self.out.push_str("- ");
                        self.element(item);
                        let io = if item.org.is_some() { &item.org } else { org };
                        self.value_after(item, indent, io, false);
                    }
                } else {
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            push_indent(&mut self.out, indent + 2);
                        }
                        self.out.push_str("- ");
                        self.element(item);
                        let io = if item.org.is_some() { &item.org } else { org };
                        self.value_after(item, indent + 2, io, false);
                    }
                }
            }
            V::Str(s) => {
                if after_key {
                    self.out.push(' ');
                }
                // A plain timestamp, or text a replacement wrote without a type that reads as
                // one, prints as the JSON conversion writes it.
                let t = if n.binary {
                    yaml2::binary_json(s)
                } else {
                    (n.timestamp || n.untyped)
                        .then(|| yaml2::timestamp_json(s))
                        .flatten()
                };
                let s = yaml2::json_round_trip(t.as_deref().unwrap_or(s));
                let s: &str = &s;
                let style = yaml2::style(s, false);
                yaml2::write(&mut self.out, s, style, indent + 2, false);
                self.out.push('\n');
                if style != yaml2::Style::Literal || !self.file_lines(start, s, org, n) {
                    self.seg(start, org, n.also.as_deref());
                }
            }
            _ => {
                if after_key {
                    self.out.push(' ');
                }
                self.out.push_str(&scalar_or_empty(n));
                self.out.push('\n');
                self.seg(start, org, n.also.as_deref());
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
        V::Num(x) => yaml2::number_text(x),
        V::Str(s) => scalar_text(s),
        V::Seq(_) => "[]".to_string(),
        V::Map(_) => "{}".to_string(),
    }
}

/// A string as a YAML scalar on one line, as go-yaml v2 writes a key (see [`yaml2`]).
pub fn scalar_text(s: &str) -> String {
    let mut out = String::new();
    yaml2::write(&mut out, s, yaml2::style(s, true), 0, true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::yaml::{self, Schema};
    use crate::source::SourceFile;
    use crate::source::map::OriginRole;
    use crate::source::span::{LineIndex, Span};
    use proptest::prelude::*;
    use serde_json::Value;

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

    /// Measured with kubectl kustomize v5.8: keys in go-yaml v2's order, a key of more than
    /// 128 bytes or with a line break written as a complex key, a long value folded.
    #[test]
    fn documents_are_printed_as_kubectl_kustomize_prints_them() {
        let long_key = "x".repeat(130);
        let v = serde_json::json!({
            "data": {
                "item10": "a", "item9": "b", "_": "c", "Z": "d",
                long_key.clone(): "long key",
                "multi\nline": "v",
                "args": ["--v=2", "-x", "*", "1.2.3", "2024-01-01"],
                "text": format!("{}end", "word ".repeat(20)),
            }
        });
        let mut em = Emitter::default();
        em.document_via("x.yaml", &Node::from_json(&v, &None), &[]);
        let want = format!(
            "# Source: x.yaml\ndata:\n  _: c\n  Z: d\n  args:\n  - --v=2\n  - -x\n  - '*'\n  \
             - 1.2.3\n  - \"2024-01-01\"\n  item9: b\n  item10: a\n  ? |-\n    multi\n    line\n  \
             : v\n  text: {}\n    word word word word word end\n  ? {long_key}\n  : long key\n",
            "word ".repeat(15).trim_end()
        );
        assert_eq!(em.out, want);
        // A complex key's map or list value goes on after `: ` as a list element's does.
        let v = serde_json::json!({
            "spec": {"k".repeat(130): {"a": 1, "b": ["x"]}, "l".repeat(130): ["p", "q"]}
        });
        let mut em = Emitter::default();
        em.document_via("x.yaml", &Node::from_json(&v, &None), &[]);
        let want = format!(
            "# Source: x.yaml\nspec:\n  ? {}\n  : a: 1\n    b:\n    - x\n  ? {}\n  : - p\n    - q\n",
            "k".repeat(130),
            "l".repeat(130)
        );
        assert_eq!(em.out, want);
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
