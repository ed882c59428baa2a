//! A raw document into a JSON value and the span tree that mirrors it, under the scalar
//! schema the caller chose; aliases expanded within a budget, merge keys applied, duplicate
//! keys reported.

use super::raw::RawNode;
use super::scalars::{resolve_core, resolve_yaml11, yaml11_non_finite};
use super::{MAX_DEPTH, MAX_EXPANDED_NODES};
use crate::source::span::{Children, LineIndex, Pos, Span, SpanTree};
use saphyr_parser::ScalarStyle;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

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

impl ResolveIssue {
    /// A key given twice in one mapping (the last one is kept).
    pub fn is_duplicate_key(&self) -> bool {
        self.message.starts_with(DUPLICATE_KEY)
    }
    /// An infinity or NaN in Helm's YAML (see [`resolve_helm_values`]).
    pub fn is_non_finite(&self) -> bool {
        self.message.starts_with(NON_FINITE)
    }
}

const DUPLICATE_KEY: &str = "duplicate key ";
/// Helm's text for a float Go's JSON cannot write (`+Inf`, `-Inf`, `NaN` follow).
pub const NON_FINITE: &str = "error converting YAML to JSON: json: unsupported value: ";

/// Turns a raw document into a JSON value and the span tree that mirrors it.
pub fn resolve(
    doc: &RawNode,
    schema: Schema,
    text: &str,
    lines: &LineIndex,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), ResolveIssue> {
    resolve_with(doc, schema, false, false, text, lines)
}

/// [`resolve`] with [`Schema::Kubernetes`] as Helm reads values files and `fromYaml` text
/// (sigs.k8s.io/yaml over go-yaml v2): plain mapping keys are YAML 1.1 scalars too, turned
/// back into JSON keys (`on:` is the key `"true"`, `0x10:` is `"16"`: [`super::yaml11_key`]).
///
/// Helm reads YAML through JSON (sigs.k8s.io/yaml), which has no infinities or NaN: each
/// plain or `!!float` scalar go-yaml reads as one (`.inf`, `-.Inf`, `.nan`) is kept as its
/// text and reported as a non-fatal issue ([`ResolveIssue::is_non_finite`]) at the scalar,
/// for the caller to refuse as Helm does, or to take as the string a `string` field gets.
pub fn resolve_helm_values(
    doc: &RawNode,
    text: &str,
    lines: &LineIndex,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), ResolveIssue> {
    resolve_with(doc, Schema::Kubernetes, true, false, text, lines)
}

/// [`resolve_helm_values`] of a values file Kustomize read and wrote back (kyaml, YAML 1.2):
/// a plain key written as a YAML 1.1 boolean other than `true`/`false` (`on:`, `y:`) stays
/// its text, as kyaml writes it back quoted, so two such keys of one mapping stay two keys
/// (measured with kubectl kustomize v5.8) instead of both being `"true"`.
pub fn resolve_rewritten_helm_values(
    doc: &RawNode,
    text: &str,
    lines: &LineIndex,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), ResolveIssue> {
    resolve_with(doc, Schema::Kubernetes, true, true, text, lines)
}

fn resolve_with(
    doc: &RawNode,
    schema: Schema,
    yaml11_keys: bool,
    yaml11_bool_keys_as_text: bool,
    text: &str,
    lines: &LineIndex,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), ResolveIssue> {
    let mut r = Resolver {
        schema,
        yaml11_keys,
        yaml11_bool_keys_as_text,
        text,
        lines,
        budget: MAX_EXPANDED_NODES,
        issues: Vec::new(),
        anchored_entries: HashMap::new(),
    };
    let (value, mut tree) = r.node(doc, None, 0)?;
    tree.focus = lines.first_line(text, tree.span);
    Ok((value, tree, r.issues))
}

struct Resolver<'a> {
    schema: Schema,
    /// Plain keys read as YAML 1.1 scalars (Helm's values).
    yaml11_keys: bool,
    /// Except the YAML 1.1 booleans other than `true`/`false`, kept as text (a values file
    /// Kustomize rewrote).
    yaml11_bool_keys_as_text: bool,
    text: &'a str,
    lines: &'a LineIndex,
    budget: usize,
    issues: Vec<ResolveIssue>,
    /// The focus of each entry whose value is an anchor's definition, by anchored node:
    /// where an alias of that anchor points (an anchor is written before its aliases).
    anchored_entries: HashMap<*const RawNode, Span>,
}

impl Resolver<'_> {
    /// Where a span starts, for an issue.
    fn pos(&self, span: Span) -> Pos {
        self.lines.pos_at_offset(self.text, span.start as usize)
    }

    /// `site` is the alias site whose span replaces every span inside an aliased node; such a
    /// node keeps where it is written as its [`SpanTree::origin`].
    fn node(
        &mut self,
        node: &RawNode,
        site: Option<Span>,
        depth: usize,
    ) -> Result<(Value, SpanTree), ResolveIssue> {
        let (value, mut tree) = self.node_at(node, site, depth)?;
        if site.is_some() && tree.origin.is_none() {
            tree.origin = Some(self.lines.first_line(self.text, node.span()));
        }
        Ok((value, tree))
    }

    fn node_at(
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
                // go-yaml v2 decodes `!!binary` (Go's `base64.StdEncoding`: padding required,
                // line breaks skipped) into a string; sigs.k8s.io/yaml writes its bytes as
                // JSON text (a byte that is not UTF-8 becomes U+FFFD).
                if self.yaml11_keys
                    && matches!(
                        tag.as_deref(),
                        Some("!!binary" | "tag:yaml.org,2002:binary")
                    )
                {
                    return match super::scalars::go_b64_std_decode(text.as_bytes()) {
                        Ok(bytes) => Ok((
                            Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                            SpanTree::leaf(here),
                        )),
                        Err(_) => {
                            self.issues.push(ResolveIssue {
                                pos: self.pos(here),
                                message: "error converting YAML to JSON: yaml: !!binary value contains invalid base64 data".into(),
                                fatal: false,
                            });
                            Ok((Value::String(text.clone()), SpanTree::leaf(here)))
                        }
                    };
                }
                // go-yaml v3 (Kustomize's kyaml, as it converts an object to JSON) reads a
                // scalar tagged `!!int`, `!!float`, `!!bool` or `!!null` by its own plain
                // rules, quoted or not (`!!int "012"` is 10, `!!bool "True"` true), which
                // must give that type (`!!float` takes an int); else Kustomize fails
                // (measured with kubectl kustomize v5.8).
                if self.schema == Schema::Kustomize
                    && let Some(want) = tag.as_deref().and_then(core_scalar_tag)
                {
                    let (got, read) = super::scalars::resolve_go_yaml_v3(text);
                    let read = match (want, read) {
                        ("float", Value::Number(n)) => {
                            serde_json::Number::from_f64(n.as_f64().unwrap_or_default())
                                .map_or(Value::Null, Value::Number)
                        }
                        (_, v) => v,
                    };
                    if (got == want || (want == "float" && got == "int")) && got != "inf" {
                        return Ok((read, SpanTree::leaf(here)));
                    }
                    let message = if got == "inf" {
                        format!(
                            "json: unsupported value: {text} (Kustomize cannot convert a non-finite float to JSON)"
                        )
                    } else {
                        format!(
                            "yaml: cannot decode !!{got} `{text}` as a !!{want} (Kustomize fails converting this object to JSON)"
                        )
                    };
                    self.issues.push(ResolveIssue {
                        pos: self.pos(here),
                        message,
                        fatal: false,
                    });
                    return Ok((Value::String(text.clone()), SpanTree::leaf(here)));
                }
                // go-yaml v2 reads a scalar tagged `!!int`, `!!float`, `!!bool` or `!!null` as
                // a plain one, quoted or not (`!!int "0x10"` is 16), which must have that type.
                if self.yaml11_keys
                    && let Some(want) = tag.as_deref().and_then(core_scalar_tag)
                {
                    let read = resolve_yaml11(text);
                    let got = match &read {
                        Value::Null => "null",
                        Value::Bool(_) => "bool",
                        Value::Number(n) if n.is_f64() => "float",
                        Value::Number(_) => "int",
                        _ if yaml11_non_finite(text).is_some() => "float",
                        _ => "str",
                    };
                    if got == want || (want == "float" && got == "int") {
                        if got == "float" && !read.is_number() {
                            // `.inf`: refused below as any infinity is.
                        } else {
                            return Ok((read, SpanTree::leaf(here)));
                        }
                    } else {
                        self.issues.push(ResolveIssue {
                            pos: self.pos(here),
                            message: format!(
                                "error converting YAML to JSON: yaml: cannot decode !!{got} `{text}` as a !!{want}"
                            ),
                            fatal: false,
                        });
                        return Ok((Value::String(text.clone()), SpanTree::leaf(here)));
                    }
                }
                let v = self.scalar(text, *style, tag.as_deref());
                if self.yaml11_keys
                    && v.is_string()
                    && match tag.as_deref() {
                        None => *style == ScalarStyle::Plain,
                        Some(t) => matches!(t, "!!float" | "tag:yaml.org,2002:float"),
                    }
                    && let Some(name) = yaml11_non_finite(text)
                {
                    self.issues.push(ResolveIssue {
                        pos: self.pos(here),
                        message: format!("{NON_FINITE}{name}"),
                        fatal: false,
                    });
                }
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
                let (value, mut tree) = self.node(target, Some(alias_site), depth + 1)?;
                // An anchor written as an entry's value (`image: &img postgres:16`) is at that
                // entry, as a finding on the entry itself is.
                if let Some(entry) = self.anchored_entries.get(&Arc::as_ptr(target)) {
                    tree.origin = Some(*entry);
                }
                Ok((value, tree))
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
                        origin: None,
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
        // A null key in Helm's values (`null:`, `~:`, `!!null`): go-yaml v2 decodes it as a
        // nil key, which sigs.k8s.io/yaml cannot turn into JSON, so Helm refuses the file.
        let mut null_key: Option<(Span, &RawNode)> = None;
        for (k, v) in entries {
            if self.yaml11_keys && is_null_key(k) {
                // go-yaml keeps the last value of a key given twice.
                null_key = Some((site.unwrap_or(k.span()), v));
            }
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
            // An entry inside an aliased mapping is written as its key through its value; an
            // entry whose value is an alias (`image: *image`) keeps the anchored value's place.
            if site.is_some() && !is_alias_use(v) {
                tree.origin = Some(self.lines.first_line(self.text, k.span().to(v.span())));
            }
            if site.is_none()
                && let RawNode::Alias {
                    target,
                    definition: true,
                    ..
                } = v
            {
                self.anchored_entries
                    .insert(Arc::as_ptr(target), tree.focus);
            }
            if map.contains_key(&key) {
                self.issues.push(ResolveIssue { pos: self.pos(key_span), message: format!("{DUPLICATE_KEY}{key:?} (the last one wins here; Kubernetes and most parsers reject it)"), fatal: false });
                trees.retain(|(name, _)| *name != key);
            }
            map.insert(key.clone(), value);
            trees.push((key, tree));
        }
        if let Some((span, v)) = null_key {
            let (value, _) = self.node(v, site, depth + 1)?;
            let mut message = String::from(
                "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: ",
            );
            go_syntax_top(&mut message, &value);
            self.issues.push(ResolveIssue {
                pos: self.pos(span),
                message,
                fatal: false,
            });
        }
        // Merge keys: entries of the merged mappings that the mapping does not set itself.
        for (source, merge_span) in merges {
            let sources: Vec<&RawNode> = match source {
                RawNode::Seq { items, .. } => items.iter().collect(),
                other => vec![other],
            };
            for src in sources {
                let (v, merged) = self.node(src, Some(merge_span), depth + 1)?;
                if let Value::Object(obj) = v {
                    // Each merged entry keeps its subtree, at the merge key as its span and at
                    // the anchored entry as its origin, so a path into it resolves exactly.
                    let mut merged_trees = match merged.children {
                        Children::Map(t) => t,
                        _ => Vec::new(),
                    };
                    for (k, v) in obj {
                        if !map.contains_key(&k) {
                            let tree = merged_trees
                                .iter()
                                .position(|(name, _)| *name == k)
                                .map(|i| merged_trees.swap_remove(i).1)
                                .unwrap_or_else(|| SpanTree::leaf(merge_span));
                            map.insert(k.clone(), v);
                            trees.push((k, tree));
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
                origin: None,
            },
        ))
    }

    fn key_text(&mut self, k: &RawNode) -> Option<String> {
        match k {
            RawNode::Scalar {
                text, style, tag, ..
            } => {
                if *style == ScalarStyle::Plain && k.is_null_scalar() && text.is_empty() {
                    return Some(String::new());
                }
                let yaml11_only_bool = || {
                    matches!(resolve_yaml11(text), Value::Bool(_))
                        && !matches!(resolve_core(text), Value::Bool(_))
                };
                if self.yaml11_keys
                    && *style == ScalarStyle::Plain
                    && tag.is_none()
                    && text != "<<"
                    && !(self.yaml11_bool_keys_as_text && yaml11_only_bool())
                    && let Some(key) = super::yaml11_key(text)
                {
                    return Some(key);
                }
                Some(text.clone())
            }
            RawNode::Alias { target, .. } => self.key_text(target),
            _ => None,
        }
    }

    fn scalar(&self, text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
        let folded;
        let text = if style == ScalarStyle::Folded && self.schema == Schema::Kustomize {
            folded = go_yaml_folded_round_trip(text);
            folded.as_str()
        } else {
            text
        };
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
                // An application's own tag on configuration (CloudFormation's `!Ref
                // DBPassword`, Home Assistant's `!secret db`, ansible-vault's `!vault |`):
                // the application resolves the text, so the value keeps the tag in front of
                // it and no rule reads it as the plain string it tags.
                t if self.schema == Schema::Core && is_local_tag(t) => {
                    return Value::String(format!("{t} {text}"));
                }
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

/// `!Name`: a local tag (not `!!x`, a YAML tag, nor a verbatim `!<…>` one).
fn is_local_tag(tag: &str) -> bool {
    tag.strip_prefix('!')
        .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// `int`, `float`, `bool` or `null` for those YAML core tags.
fn core_scalar_tag(tag: &str) -> Option<&'static str> {
    let name = tag
        .strip_prefix("tag:yaml.org,2002:")
        .or_else(|| tag.strip_prefix("!!"))?;
    ["int", "float", "bool", "null"]
        .into_iter()
        .find(|t| *t == name)
}

/// Whether a node is an alias to an anchor defined elsewhere (`*name`), not the anchor's own
/// definition.
fn is_alias_use(node: &RawNode) -> bool {
    matches!(
        node,
        RawNode::Alias {
            definition: false,
            ..
        }
    )
}

/// A mapping key go-yaml v2 decodes as nil: a plain `null`/`~` (any case YAML 1.1 allows) or
/// a `!!null` tag, through an alias too.
fn is_null_key(k: &RawNode) -> bool {
    match k {
        RawNode::Scalar { tag: Some(t), .. }
            if matches!(t.as_str(), "!!null" | "tag:yaml.org,2002:null") =>
        {
            true
        }
        RawNode::Scalar { text, .. } => k.is_null_scalar() && !text.is_empty(),
        RawNode::Alias { target, .. } => is_null_key(target),
        _ => false,
    }
}

/// Go's `%+#v` of a value go-yaml v2 decoded (as sigs.k8s.io/yaml's error prints it): `<nil>`
/// at the top, `interface {}(nil)` inside a collection, strings quoted, maps of `interface {}`
/// keys in fmt's sorted order.
fn go_syntax_top(out: &mut String, v: &Value) {
    if v.is_null() {
        out.push_str("<nil>");
    } else {
        go_syntax(out, v);
    }
}

fn go_syntax(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("interface {}(nil)"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => {
                if f.fract() == 0.0 && f.abs() < 1e21 {
                    out.push_str(&format!("{f:.0}"));
                } else if f.abs() < 1e-4 || f.abs() >= 1e21 {
                    let e = format!("{f:e}");
                    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
                    let exp: i32 = exp.parse().unwrap_or(0);
                    let sign = if exp < 0 { '-' } else { '+' };
                    out.push_str(&format!("{mant}e{sign}{:02}", exp.abs()));
                } else {
                    out.push_str(&f.to_string());
                }
            }
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Value::Array(items) => {
            out.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go_syntax(out, item);
            }
            out.push('}');
        }
        Value::Object(m) => {
            out.push_str("map[interface {}]interface {}{");
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                go_syntax(out, &m[k]);
            }
            out.push('}');
        }
    }
}

/// The string a folded (`>`) block scalar holds once Kustomize has written it out and read it
/// back (kyaml keeps the node's folded style, go-yaml v3 writes it as a folded scalar, and
/// the build reads that text again). go-yaml's folded writer adds a blank line after every
/// line that does not start with a blank (unless the whole value does), which reads back
/// as the same string where the next line folds, but as one more line break before a
/// more-indented line (one starting with a space or a tab) and at the end of a `>+` value.
/// Measured against `kubectl kustomize` (Kustomize v5.8): `x\n  y` becomes `x\n\n  y`.
/// Values go-yaml cannot write as a block scalar (a space before a line break or at the
/// end, control characters) are written double-quoted and stay as they are.
pub fn go_yaml_folded_round_trip(text: &str) -> String {
    fold_line_break_runs(text, Fold::RoundTrip)
}

/// The string a folded scalar held before [`go_yaml_folded_round_trip`]: what Kustomize copies
/// when a replacement takes the text of a `>` scalar into a node of its own (printed as a
/// literal block, without the line breaks the folded writer adds; measured). The round trip
/// only lengthens runs of line breaks, by one, where the lines around them say so; the same
/// lines say so afterwards, so the run is shortened by one there.
pub fn undo_go_yaml_folded_round_trip(text: &str) -> String {
    fold_line_break_runs(text, Fold::Undo)
}

/// Which way [`fold_line_break_runs`] goes.
#[derive(Clone, Copy, PartialEq)]
enum Fold {
    RoundTrip,
    Undo,
}

/// The round trip lengthens by one each run of line breaks after a line with content that
/// does not start with a blank, where the next line starts with a blank (or, at the end,
/// where the run is two or more: `>+`); the undo shortens by one the runs the round trip
/// lengthened (the same lines say so, with the run one longer). Values go-yaml writes
/// double-quoted (no block scalar allowed) or that start with a blank stay as they are.
fn fold_line_break_runs(text: &str, way: Fold) -> String {
    let b = text.as_bytes();
    let block_allowed = !text.ends_with(' ')
        && !text.contains(" \n")
        && !text
            .chars()
            .any(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || c == '\u{feff}');
    let first = b.iter().position(|&c| c != b'\n');
    let starts_blank = first.is_none_or(|i| matches!(b[i], b' ' | b'\t'));
    if !block_allowed || starts_blank || !text.contains('\n') {
        return text.to_string();
    }
    // Runs the undo finds are one longer than the round trip's.
    let longer = usize::from(way == Fold::Undo);
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\n' {
            i += 1;
            continue;
        }
        // A run of line breaks after a line.
        let run_end = b[i..]
            .iter()
            .position(|&c| c != b'\n')
            .map_or(b.len(), |n| i + n);
        out.push_str(&text[line_start..i]);
        let line_blank = matches!(b.get(line_start), Some(b' ' | b'\t'));
        let has_content = i > line_start;
        let folded = has_content
            && !line_blank
            && match b.get(run_end) {
                Some(c) => matches!(c, b' ' | b'\t') && run_end - i > longer,
                // At the end: only `>+` (two or more breaks) gets one.
                None => run_end - i >= 2 + longer,
            };
        match way {
            Fold::RoundTrip => {
                if folded {
                    out.push('\n');
                }
                out.push_str(&text[i..run_end]);
            }
            Fold::Undo => out.push_str(&text[i + usize::from(folded)..run_end]),
        }
        line_start = run_end;
        i = run_end;
    }
    out.push_str(&text[line_start..]);
    out
}
