//! YAML (and JSON, which we read as YAML) with a span on every node.
//!
//! Parsing is two steps. [`parse_stream`] builds a raw tree from saphyr's event parser that
//! keeps each scalar's text and style, anchors and aliases. [`resolve`] then turns a raw
//! document into a JSON value and a [`SpanTree`] under a scalar schema chosen by the caller:
//! Kubernetes reads YAML with YAML 1.1 rules (`yes`/`on` are booleans, `0644` is octal), while
//! other configuration follows YAML 1.2. The choice can only be made after seeing the document
//! (`apiVersion` + `kind`), which is why the raw tree exists.

use super::span::{Children, LineIndex, Pos, Span, SpanTree};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::rc::Rc;

/// Deepest nesting accepted: deeper input is reported, never overflows the stack.
pub const MAX_DEPTH: usize = 256;
/// Most nodes a document may expand to through aliases ("billion laughs" guard).
pub const MAX_EXPANDED_NODES: usize = 1_000_000;

#[derive(Debug)]
pub enum RawNode {
    Scalar {
        text: String,
        style: ScalarStyle,
        tag: Option<String>,
        span: Span,
    },
    Seq {
        items: Vec<RawNode>,
        span: Span,
    },
    Map {
        entries: Vec<(RawNode, RawNode)>,
        span: Span,
    },
    /// An alias: the anchored node, seen at the alias site; or, with `definition`, the
    /// anchored node itself where it is written (`&name`), whose nodes keep their own spans.
    Alias {
        target: Rc<RawNode>,
        span: Span,
        definition: bool,
    },
}

impl RawNode {
    pub fn span(&self) -> Span {
        match self {
            RawNode::Scalar { span, .. }
            | RawNode::Seq { span, .. }
            | RawNode::Map { span, .. }
            | RawNode::Alias { span, .. } => *span,
        }
    }
    /// The key text of a scalar, if this is one.
    pub fn scalar_text(&self) -> Option<&str> {
        match self {
            RawNode::Scalar { text, .. } => Some(text),
            RawNode::Alias { target, .. } => target.scalar_text(),
            _ => None,
        }
    }
    /// Looks up a top-level key of a mapping by its text.
    pub fn get(&self, key: &str) -> Option<&RawNode> {
        match self {
            RawNode::Map { entries, .. } => entries
                .iter()
                .rev()
                .find(|(k, _)| k.scalar_text() == Some(key))
                .map(|(_, v)| v),
            RawNode::Alias { target, .. } => target.get(key),
            _ => None,
        }
    }
    fn is_null_scalar(&self) -> bool {
        matches!(self, RawNode::Scalar { text, style: ScalarStyle::Plain, tag: None, .. }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

/// A raw document and where it starts.
#[derive(Debug)]
pub struct RawDocument {
    pub root: RawNode,
    /// Position of the document within the stream (0-based), counting empty documents.
    pub index: usize,
}

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Reads every document of a YAML stream. Documents before a syntax error are kept, and the
/// error is returned beside them. Empty documents (`---` with nothing) are skipped.
pub fn parse_stream(text: &str, lines: &LineIndex) -> (Vec<RawDocument>, Option<YamlError>) {
    let mut builder = Builder {
        text,
        lines,
        ascii: text.is_ascii(),
        cursor: (0, 0),
        anchors: HashMap::new(),
        stack: Vec::new(),
        docs: Vec::new(),
        doc_index: 0,
        depth_error: None,
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                if let Err(e) = builder.on_event(event, span) {
                    return (builder.docs, Some(e));
                }
            }
            Some(Err(e)) => {
                let m = e.marker();
                let pos = Pos {
                    line: m.line().max(1) as u32,
                    column: m.col() as u32 + 1,
                };
                return (
                    builder.docs,
                    Some(YamlError {
                        pos,
                        message: e.info().to_string(),
                    }),
                );
            }
        }
    }
    (builder.docs, None)
}

enum Frame {
    Seq {
        items: Vec<RawNode>,
        start: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<(RawNode, RawNode)>,
        pending_key: Option<RawNode>,
        start: usize,
        anchor: usize,
    },
    Doc,
}

struct Builder<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    /// ASCII text: character index = byte offset.
    ascii: bool,
    /// (character index, byte offset) of the last position converted: markers mostly move
    /// forward, so converting from here keeps loading linear even on one-line JSON files.
    cursor: (usize, usize),
    anchors: HashMap<usize, Rc<RawNode>>,
    stack: Vec<Frame>,
    docs: Vec<RawDocument>,
    doc_index: usize,
    depth_error: Option<YamlError>,
}

impl Builder<'_> {
    /// The byte offset of a marker (saphyr counts characters).
    fn offset(&mut self, m: saphyr_parser::Marker) -> usize {
        if self.ascii {
            m.index().min(self.text.len())
        } else {
            let (mut ci, mut bi) = self.cursor;
            if m.index() < ci {
                (ci, bi) = (0, 0);
            }
            let mut chars = self.text[bi..].chars();
            while ci < m.index() {
                match chars.next() {
                    Some(c) => {
                        ci += 1;
                        bi += c.len_utf8();
                    }
                    None => break,
                }
            }
            self.cursor = (ci, bi);
            bi
        }
    }

    fn span(&mut self, s: YSpan) -> Span {
        Span::new(self.offset(s.start), self.offset(s.end))
    }

    fn on_event(&mut self, event: Event<'_>, yspan: YSpan) -> Result<(), YamlError> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.stack.push(Frame::Doc);
            }
            Event::DocumentEnd => {
                self.stack.pop();
                self.doc_index += 1;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let span = self.span(yspan);
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let mut text = value.into_owned();
                // A block scalar that runs to the end of a text without a final line break
                // has no final line break to keep (YAML 1.2 §8.1.1.2); saphyr adds one.
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                    && !self.text.ends_with(['\n', '\r'])
                    && self.text[(span.end as usize).min(self.text.len())..]
                        .trim()
                        .is_empty()
                    && text.ends_with('\n')
                    && !block_header_keeps(self.text, span.start as usize)
                {
                    text.pop();
                }
                let node = RawNode::Scalar {
                    text,
                    style,
                    tag,
                    span,
                };
                self.push_node(node, anchor)?;
            }
            Event::Alias(id) => {
                let span = self.span(yspan);
                let target = match self.anchors.get(&id) {
                    Some(t) => t.clone(),
                    None => {
                        return Err(YamlError {
                            pos: self.lines.pos_at_offset(self.text, span.start as usize),
                            message: "alias to an unknown anchor".into(),
                        });
                    }
                };
                self.push_node(
                    RawNode::Alias {
                        target,
                        span,
                        definition: false,
                    },
                    0,
                )?;
            }
            Event::SequenceStart(anchor, _tag) => {
                let start = self.offset(yspan.start);
                self.check_depth(start)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    start,
                    anchor,
                });
            }
            Event::MappingStart(anchor, _tag) => {
                let start = self.offset(yspan.start);
                self.check_depth(start)?;
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    pending_key: None,
                    start,
                    anchor,
                });
            }
            Event::SequenceEnd => {
                let end_fallback = yspan.end;
                if let Some(Frame::Seq {
                    items,
                    start,
                    anchor,
                }) = self.stack.pop()
                {
                    let end = items
                        .last()
                        .map(|n| n.span().end as usize)
                        .unwrap_or_else(|| self.offset(end_fallback))
                        .max(start);
                    self.push_node(
                        RawNode::Seq {
                            items,
                            span: Span::new(start, end),
                        },
                        anchor,
                    )?;
                }
            }
            Event::MappingEnd => {
                let end_fallback = yspan.end;
                if let Some(Frame::Map {
                    entries,
                    start,
                    anchor,
                    ..
                }) = self.stack.pop()
                {
                    let end = entries
                        .last()
                        .map(|(_, v)| v.span().end as usize)
                        .unwrap_or_else(|| self.offset(end_fallback))
                        .max(start);
                    self.push_node(
                        RawNode::Map {
                            entries,
                            span: Span::new(start, end),
                        },
                        anchor,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn check_depth(&mut self, offset: usize) -> Result<(), YamlError> {
        if self.stack.len() > MAX_DEPTH {
            let e = YamlError {
                pos: self.lines.pos_at_offset(self.text, offset),
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            };
            self.depth_error = Some(e.clone());
            return Err(e);
        }
        Ok(())
    }

    fn push_node(&mut self, node: RawNode, anchor: usize) -> Result<(), YamlError> {
        let node = if anchor != 0 {
            // Keep the anchored node shared so aliases do not copy it.
            let rc = Rc::new(node);
            self.anchors.insert(anchor, rc.clone());
            match Rc::try_unwrap(rc) {
                Ok(n) => n,
                Err(rc) => RawNode::Alias {
                    span: rc.span(),
                    target: rc,
                    definition: true,
                },
            }
        } else {
            node
        };
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
            Some(Frame::Doc) => {
                self.docs.push(RawDocument {
                    root: node,
                    index: self.doc_index,
                });
            }
            None => {}
        }
        Ok(())
    }
}

/// Whether the block scalar header at `offset` (`|+`, `>2+`, …) asks to keep trailing breaks.
fn block_header_keeps(text: &str, offset: usize) -> bool {
    text.get(offset..)
        .and_then(|t| t.lines().next())
        .map(|h| h.split('#').next().unwrap_or("").contains('+'))
        .unwrap_or(false)
}

/// Which rules turn plain scalars into booleans, numbers and nulls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// YAML 1.1 as Kubernetes (sigs.k8s.io/yaml over go-yaml v2) reads it.
    Kubernetes,
    /// The YAML 1.2 core schema.
    Core,
    /// Manifests as Kustomize reads and writes them (kyaml over go-yaml v3): YAML 1.1 numbers,
    /// but `y`/`yes`/`on`/`off`/`n`/`no` stay strings (Kustomize prints them quoted), so only
    /// `true`/`false` are booleans.
    Kustomize,
    /// JSON: every scalar as the JSON grammar says (YAML 1.2 core is a superset).
    Json,
}

/// A problem found while resolving a document: duplicate keys, alias bombs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveIssue {
    pub pos: Pos,
    pub message: String,
    /// True when the document could not be turned into a value at all.
    pub fatal: bool,
}

/// Turns a raw document into a JSON value and the span tree that mirrors it.
pub fn resolve(
    doc: &RawNode,
    schema: Schema,
    text: &str,
    lines: &LineIndex,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), ResolveIssue> {
    let mut r = Resolver {
        schema,
        text,
        lines,
        budget: MAX_EXPANDED_NODES,
        issues: Vec::new(),
    };
    let (value, mut tree) = r.node(doc, None, 0)?;
    tree.focus = lines.first_line(text, tree.span);
    Ok((value, tree, r.issues))
}

struct Resolver<'a> {
    schema: Schema,
    text: &'a str,
    lines: &'a LineIndex,
    budget: usize,
    issues: Vec<ResolveIssue>,
}

impl Resolver<'_> {
    /// Where a span starts, for an issue.
    fn pos(&self, span: Span) -> Pos {
        self.lines.pos_at_offset(self.text, span.start as usize)
    }

    /// `site` is the alias site whose span replaces every span inside an aliased node.
    fn node(
        &mut self,
        node: &RawNode,
        site: Option<Span>,
        depth: usize,
    ) -> Result<(Value, SpanTree), ResolveIssue> {
        if self.budget == 0 {
            let pos = self.pos(site.unwrap_or(node.span()));
            return Err(ResolveIssue {
                pos,
                message: format!(
                    "aliases expand to more than {MAX_EXPANDED_NODES} nodes (alias bomb?)"
                ),
                fatal: true,
            });
        }
        if depth > MAX_DEPTH {
            let pos = self.pos(site.unwrap_or(node.span()));
            return Err(ResolveIssue {
                pos,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                fatal: true,
            });
        }
        self.budget -= 1;
        let here = site.unwrap_or(node.span());
        match node {
            RawNode::Scalar {
                text, style, tag, ..
            } => {
                let v = self.scalar(text, *style, tag.as_deref());
                Ok((v, SpanTree::leaf(here)))
            }
            // Where an anchor is defined its nodes are ordinary nodes, located exactly
            // (inside an alias they are all at the alias site, as any other node).
            RawNode::Alias {
                target,
                definition: true,
                ..
            } => self.node(target, site, depth),
            RawNode::Alias { target, span, .. } => {
                // Every node seen through an alias is at the alias site: the tree keeps the
                // aliased node's shape, so paths into it resolve exactly.
                let alias_site = site.unwrap_or(*span);
                self.node(target, Some(alias_site), depth + 1)
            }
            RawNode::Seq { items, .. } => {
                let mut values = Vec::with_capacity(items.len());
                let mut trees = Vec::with_capacity(items.len());
                for item in items {
                    let (v, mut t) = self.node(item, site, depth + 1)?;
                    t.focus = self.lines.first_line(self.text, t.span);
                    values.push(v);
                    trees.push(t);
                }
                Ok((
                    Value::Array(values),
                    SpanTree {
                        span: here,
                        focus: here,
                        children: Children::Seq(trees),
                    },
                ))
            }
            RawNode::Map { entries, .. } => self.map(entries, here, site, depth),
        }
    }

    fn map(
        &mut self,
        entries: &[(RawNode, RawNode)],
        here: Span,
        site: Option<Span>,
        depth: usize,
    ) -> Result<(Value, SpanTree), ResolveIssue> {
        let mut map = Map::new();
        let mut trees: Vec<(String, SpanTree)> = Vec::with_capacity(entries.len());
        let mut merges: Vec<(&RawNode, Span)> = Vec::new();
        for (k, v) in entries {
            let key = match self.key_text(k) {
                Some(key) => key,
                None => {
                    let pos = self.pos(site.unwrap_or(k.span()));
                    self.issues.push(ResolveIssue {
                        pos,
                        message:
                            "a mapping key that is not a scalar is not supported; entry ignored"
                                .into(),
                        fatal: false,
                    });
                    continue;
                }
            };
            if key == "<<"
                && matches!(
                    k,
                    RawNode::Scalar {
                        style: ScalarStyle::Plain,
                        ..
                    }
                )
            {
                merges.push((v, site.unwrap_or(k.span()).to(site.unwrap_or(v.span()))));
                continue;
            }
            let (value, mut tree) = self.node(v, site, depth + 1)?;
            let key_span = site.unwrap_or(k.span());
            tree.span = key_span.to(tree.span);
            tree.focus = self.lines.first_line(self.text, tree.span);
            if map.contains_key(&key) {
                self.issues.push(ResolveIssue { pos: self.pos(key_span), message: format!("duplicate key {key:?} (the last one wins here; Kubernetes and most parsers reject it)"), fatal: false });
                trees.retain(|(name, _)| *name != key);
            }
            map.insert(key.clone(), value);
            trees.push((key, tree));
        }
        // Merge keys: entries of the merged mappings that the mapping does not set itself.
        for (source, merge_span) in merges {
            let sources: Vec<&RawNode> = match source {
                RawNode::Seq { items, .. } => items.iter().collect(),
                other => vec![other],
            };
            for src in sources {
                let (v, _) = self.node(src, Some(merge_span), depth + 1)?;
                if let Value::Object(obj) = v {
                    for (k, v) in obj {
                        if !map.contains_key(&k) {
                            map.insert(k.clone(), v);
                            trees.push((k, SpanTree::leaf(merge_span)));
                        }
                    }
                } else {
                    self.issues.push(ResolveIssue {
                        pos: self.pos(merge_span),
                        message: "merge key `<<` needs a mapping or a list of mappings".into(),
                        fatal: false,
                    });
                }
            }
        }
        Ok((
            Value::Object(map),
            SpanTree {
                span: here,
                focus: here,
                children: Children::Map(trees),
            },
        ))
    }

    fn key_text(&mut self, k: &RawNode) -> Option<String> {
        match k {
            RawNode::Scalar { text, style, .. } => {
                if *style == ScalarStyle::Plain && k.is_null_scalar() && text.is_empty() {
                    return Some(String::new());
                }
                Some(text.clone())
            }
            RawNode::Alias { target, .. } => self.key_text(target),
            _ => None,
        }
    }

    fn scalar(&self, text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
        if let Some(tag) = tag {
            match tag {
                "tag:yaml.org,2002:str" | "!!str" => return Value::String(text.to_string()),
                "tag:yaml.org,2002:int"
                | "!!int"
                | "tag:yaml.org,2002:float"
                | "!!float"
                | "tag:yaml.org,2002:bool"
                | "!!bool"
                | "tag:yaml.org,2002:null"
                | "!!null" => {}
                _ => return Value::String(text.to_string()),
            }
        }
        if style != ScalarStyle::Plain {
            return Value::String(text.to_string());
        }
        match self.schema {
            Schema::Kubernetes => resolve_yaml11(text),
            Schema::Kustomize => match resolve_yaml11(text) {
                Value::Bool(_) if !matches!(resolve_core(text), Value::Bool(_)) => {
                    Value::String(text.to_string())
                }
                v => v,
            },
            Schema::Core | Schema::Json => resolve_core(text),
        }
    }
}

fn int_value(neg: bool, digits: &str, radix: u32) -> Option<Value> {
    let digits = digits.replace('_', "");
    if digits.is_empty() {
        return None;
    }
    let n = i128::from_str_radix(&digits, radix).ok()?;
    let n = if neg { -n } else { n };
    if let Ok(i) = i64::try_from(n) {
        Some(Value::Number(Number::from(i)))
    } else if let Ok(u) = u64::try_from(n) {
        Some(Value::Number(Number::from(u)))
    } else {
        Number::from_f64(n as f64).map(Value::Number)
    }
}

fn float_value(text: &str) -> Option<Value> {
    let f: f64 = text.replace('_', "").parse().ok()?;
    // JSON has no infinities or NaN: keep their text, as Kubernetes' JSON conversion fails on them.
    Number::from_f64(f)
        .map(Value::Number)
        .or_else(|| Some(Value::String(text.to_string())))
}

fn split_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (false, rest)
    } else {
        (false, text)
    }
}

/// YAML 1.2 core schema.
pub fn resolve_core(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Value::String(text.to_string());
        }
        _ => {}
    }
    let (neg, body) = split_sign(text);
    if let Some(oct) = body.strip_prefix("0o")
        && !neg
        && text.starts_with('0')
        && oct.chars().all(|c| c.is_digit(8))
        && let Some(v) = int_value(false, oct, 8)
    {
        return v;
    }
    if let Some(hex) = body.strip_prefix("0x")
        && !neg
        && text.starts_with('0')
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && let Some(v) = int_value(false, hex, 16)
    {
        return v;
    }
    if !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit())
        && let Some(v) = int_value(neg, body, 10)
    {
        return v;
    }
    if is_core_float(body)
        && let Some(v) = float_value(text)
    {
        return v;
    }
    Value::String(text.to_string())
}

fn is_core_float(body: &str) -> bool {
    // [0-9]* ( \. [0-9]* )? ( [eE] [-+]? [0-9]+ )?  with at least one digit
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    if !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac.unwrap_or("").chars().all(|c| c.is_ascii_digit())
    {
        return false;
    }
    if int_part.is_empty() && frac.unwrap_or("").is_empty() {
        return false;
    }
    if frac.is_none() && exp.is_none() {
        return false;
    }
    match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// YAML 1.1 as go-yaml v2 resolves it, which is what Kubernetes applies to manifests.
pub fn resolve_yaml11(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Value::String(text.to_string());
        }
        _ => {}
    }
    let (neg, body) = split_sign(text);
    let plain = |s: &str, radix: u32| {
        !s.is_empty()
            && s.chars().all(|c| c == '_' || c.is_digit(radix))
            && s.chars().any(|c| c != '_')
    };
    if let Some(b) = body.strip_prefix("0b")
        && plain(b, 2)
        && let Some(v) = int_value(neg, b, 2)
    {
        return v;
    }
    if let Some(h) = body.strip_prefix("0x")
        && plain(h, 16)
        && let Some(v) = int_value(neg, h, 16)
    {
        return v;
    }
    if body.len() > 1
        && body.starts_with('0')
        && plain(&body[1..], 8)
        && let Some(v) = int_value(neg, &body[1..], 8)
    {
        return v;
    }
    if plain(body, 10)
        && !body.starts_with('_')
        && let Some(v) = int_value(neg, body, 10)
    {
        return v;
    }
    let no_underscore = body.replace('_', "");
    if is_core_float(&no_underscore)
        && !body.starts_with('_')
        && let Some(v) = float_value(text)
    {
        return v;
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn load(text: &str, schema: Schema) -> (Vec<Value>, Option<YamlError>) {
        let lines = LineIndex::new(text);
        let (docs, err) = parse_stream(text, &lines);
        let values = docs
            .iter()
            .map(|d| resolve(&d.root, schema, text, &lines).unwrap().0)
            .collect();
        (values, err)
    }

    #[test]
    fn kubernetes_reads_yaml_1_1_scalars() {
        let (v, _) = load(
            "a: yes\nb: off\nc: 0644\nd: 1_000\ne: '0644'\nf: 0x1F\ng: 1.5\nh: y\n",
            Schema::Kubernetes,
        );
        assert_eq!(
            v[0],
            json!({"a": true, "b": false, "c": 420, "d": 1000, "e": "0644", "f": 31, "g": 1.5, "h": true})
        );
    }

    #[test]
    fn a_block_scalar_at_the_end_of_a_text_without_a_final_break_has_none() {
        let (v, _) = load("a: |\n  x\n  y", Schema::Core);
        assert_eq!(v[0], json!({"a": "x\ny"}));
        let (v, _) = load("a: |\n  x\n  y\n", Schema::Core);
        assert_eq!(v[0], json!({"a": "x\ny\n"}));
        let (v, _) = load("a: |+\n  x\n", Schema::Core);
        assert_eq!(v[0], json!({"a": "x\n"}));
        let (v, _) = load("a: >\n  x\n  y\nb: 1", Schema::Core);
        assert_eq!(v[0], json!({"a": "x y\n", "b": 1}));
    }

    #[test]
    fn core_schema_keeps_yes_as_string() {
        let (v, _) = load("a: yes\nb: 0644\nc: 0o10\nd: true\n", Schema::Core);
        assert_eq!(v[0], json!({"a": "yes", "b": 644, "c": 8, "d": true}));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let text = "base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n";
        let (v, _) = load(text, Schema::Core);
        assert_eq!(v[0]["obj"], json!({"y": 3, "x": 1}));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let lines = LineIndex::new(&text);
        let (docs, _) = parse_stream(&text, &lines);
        assert!(resolve(&docs[0].root, Schema::Core, &text, &lines).is_err());
    }

    #[test]
    fn spans_point_at_entries() {
        let text = "a:\n  b: 1\n  c:\n    - x\n";
        let lines = LineIndex::new(text);
        let (docs, _) = parse_stream(text, &lines);
        let (_, tree, _) = resolve(&docs[0].root, Schema::Core, text, &lines).unwrap();
        let b = tree
            .get(&[
                super::super::span::PathSeg::Key("a".into()),
                super::super::span::PathSeg::Key("b".into()),
            ])
            .unwrap();
        let (start, end) = (
            lines.pos_at_offset(text, b.focus.start as usize),
            lines.pos_at_offset(text, b.focus.end as usize),
        );
        assert_eq!((start.line, start.column, end.column), (2, 3, 7));
        let c = tree
            .get(&[
                super::super::span::PathSeg::Key("a".into()),
                super::super::span::PathSeg::Key("c".into()),
            ])
            .unwrap();
        let line = |o: u32| lines.line_of(o as usize);
        assert_eq!((line(c.focus.start), line(c.focus.end)), (3, 3));
    }

    #[test]
    fn non_ascii_positions_are_exact_in_both_directions() {
        // Markers are character indexes; offsets must be bytes, also when the parser reports an
        // earlier marker after a later one (a mapping's start after its first key).
        let text = "é: {ü: [ß, 1], ñ: x}\nb: ö\n";
        let lines = LineIndex::new(text);
        let (docs, _) = parse_stream(text, &lines);
        let (_, tree, _) = resolve(&docs[0].root, Schema::Core, text, &lines).unwrap();
        let k = |s: &str| super::super::span::PathSeg::Key(s.into());
        let n = tree.get(&[k("é"), k("ñ")]).unwrap();
        assert_eq!(&text[n.focus.range()], "ñ: x");
        let at = lines.pos_at_offset(text, n.focus.start as usize);
        assert_eq!((at.line, at.column), (1, 16));
        let b = tree.get(&[k("b")]).unwrap();
        assert_eq!(&text[b.focus.range()], "b: ö");
    }

    /// The text of the focus span at `path`, its line, and whether the path was found exactly.
    fn focus_at(text: &str, schema: Schema, path: &[&str]) -> (String, u32, bool) {
        use super::super::span::PathSeg;
        let lines = LineIndex::new(text);
        let (docs, _) = parse_stream(text, &lines);
        let (_, tree, _) = resolve(&docs[0].root, schema, text, &lines).unwrap();
        let path: Vec<PathSeg> = path
            .iter()
            .map(|p| match p.parse::<usize>() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::Key(p.to_string()),
            })
            .collect();
        let r = tree.resolve(&path);
        (
            text[r.span.range()].to_string(),
            lines.line_of(r.span.start as usize),
            r.exact,
        )
    }

    #[test]
    fn nodes_inside_an_anchor_definition_have_their_own_spans() {
        let text = "c:
  securityContext: &hardened
    capabilities:
      add: [NET_ADMIN]
    privileged: true
d:
  securityContext: *hardened
";
        for schema in [Schema::Kubernetes, Schema::Core] {
            assert_eq!(
                focus_at(
                    text,
                    schema,
                    &["c", "securityContext", "capabilities", "add", "0"]
                ),
                ("NET_ADMIN".to_string(), 4, true)
            );
            assert_eq!(
                focus_at(text, schema, &["c", "securityContext", "privileged"]),
                ("privileged: true".to_string(), 5, true)
            );
            // Through the alias: at the alias site, exactly.
            assert_eq!(
                focus_at(text, schema, &["d", "securityContext", "privileged"]),
                ("*hardened".to_string(), 7, true)
            );
        }
    }

    #[test]
    fn anchored_sequences_scalars_and_nested_anchors_are_exact() {
        let text = "env: &env
  - name: A
    value: &v one
  - name: B
    value: two
outer: &o
  inner: &i
    leaf: x
other: *i
";
        for schema in [Schema::Kubernetes, Schema::Core] {
            assert_eq!(
                focus_at(text, schema, &["env", "1", "value"]),
                ("value: two".to_string(), 5, true)
            );
            assert_eq!(
                focus_at(text, schema, &["env", "0", "value"]),
                ("value: &v one".to_string(), 3, true)
            );
            assert_eq!(
                focus_at(text, schema, &["outer", "inner", "leaf"]),
                ("leaf: x".to_string(), 8, true)
            );
            assert_eq!(
                focus_at(text, schema, &["other", "leaf"]),
                ("*i".to_string(), 9, true)
            );
        }
    }

    #[test]
    fn merge_keys_from_an_anchor_keep_the_anchor_exact() {
        let text = "base: &b
  x: 1
  y: 2
obj:
  <<: *b
  y: 3
";
        for schema in [Schema::Kubernetes, Schema::Core] {
            assert_eq!(
                focus_at(text, schema, &["base", "y"]),
                ("y: 2".to_string(), 3, true)
            );
            assert_eq!(
                focus_at(text, schema, &["obj", "x"]),
                ("<<: *b".to_string(), 5, true)
            );
            assert_eq!(
                focus_at(text, schema, &["obj", "y"]),
                ("y: 3".to_string(), 6, true)
            );
        }
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let text = "a: 1\na: 2\n";
        let lines = LineIndex::new(text);
        let (docs, _) = parse_stream(text, &lines);
        let (v, _, issues) = resolve(&docs[0].root, Schema::Core, text, &lines).unwrap();
        assert_eq!(v, json!({"a": 2}));
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].pos.line, 2);
    }
}
