//! Service configuration files embedded in Kubernetes objects: a ConfigMap's `data` entry
//! named like a file (`application.yml`, `alertmanager.yml`) whose value is the file's text as a literal block scalar (`|`, `|-`, `|+`, `|2`).
//!
//! Such a file is loaded as a file of that name would be (the same loaders and classifier),
//! and every span of its documents is moved from the embedded text onto the manifest's text,
//! so a configuration rule's finding points at the line and column inside the block scalar.
//! Only configuration documents are kept: Kubernetes objects and SQL held in a ConfigMap are
//! templates for something else, not what the cluster runs. What cannot be read (a template,
//! a fragment) is left alone without a problem, as it was before: the manifest is what the
//! user asked to check, and it is valid.
//!
//! A Secret's `stringData` files are not read: K8S-035 reports every literal value of a Secret
//! already, and CFG-016 would report the same credential again.
//!
//! Other scalar styles (folded `>`, quoted, plain) are not read: their text does not sit
//! line for line in the manifest, so a finding could not point at its exact place.

use super::yaml::RawNode;
use super::{InputType, Loaded};
use crate::source::SourceFile;
use crate::source::span::{Children, PathSeg, Span, SpanTree};
use saphyr_parser::ScalarStyle;
use std::sync::Arc;

/// Loads the configuration files embedded in the object `root` of `file` (document `index`,
/// labelled `object` in findings), adding their documents to `out`. `read` loads a file's text
/// as a file of its name would be loaded (the classifier's loaders), None for a name that is
/// no configuration file's.
pub fn load(
    file: &Arc<SourceFile>,
    root: &RawNode,
    object: &str,
    index: usize,
    out: &mut Loaded,
    read: impl Fn(&Arc<SourceFile>) -> Option<Loaded>,
) {
    if root.get("kind").and_then(RawNode::scalar_text) != Some("ConfigMap") {
        return;
    }
    let Some(RawNode::Map { entries, .. }) = root.get("data") else {
        return;
    };
    for (key, value) in entries {
        let (
            Some(name),
            RawNode::Scalar {
                text, style, span, ..
            },
        ) = (key.scalar_text(), value)
        else {
            continue;
        };
        if *style != ScalarStyle::Literal {
            continue;
        }
        let Some(lines) = BlockLines::new(&file.text, *span, text) else {
            continue;
        };
        place(
            file,
            name,
            text.clone(),
            &lines,
            &entry_label(object, name),
            index,
            out,
            &read,
        );
    }
}

/// Loads the file `name` whose text `text` is written in `file` line by line, where `lines`
/// says, as a file of that name would be by `read` ([`documents_at`]), adding its documents to
/// `out` as document `index` of `file`, their resource labels prefixed with `label`.
#[allow(clippy::too_many_arguments)]
fn place(
    file: &Arc<SourceFile>,
    name: &str,
    text: String,
    lines: &BlockLines,
    label: &str,
    index: usize,
    out: &mut Loaded,
    read: &impl Fn(&Arc<SourceFile>) -> Option<Loaded>,
) {
    for mut doc in documents_at(file, name, text, lines, read) {
        doc.index = index;
        doc.resource = format!("{label}{}", doc.resource);
        out.documents.push(doc);
    }
}

/// The configuration documents of the file `name` whose text `text` is written in `file` line
/// by line, where `lines` says, loaded by `read`, their spans moved onto `file`'s text; none
/// when the file does not read whole, or reads as no configuration.
fn documents_at(
    file: &Arc<SourceFile>,
    name: &str,
    text: String,
    lines: &BlockLines,
    read: &impl Fn(&Arc<SourceFile>) -> Option<Loaded>,
) -> Vec<super::Document> {
    let embedded = SourceFile::new(name.to_string(), None, text);
    let Some(loaded) = read(&embedded) else {
        return Vec::new();
    };
    // A file that does not read whole is a template or a fragment: nothing of it is
    // checked, so a half-read file is not reported for what its unread part holds.
    if loaded
        .problems
        .iter()
        .any(|p| p.level == crate::source::ProblemLevel::Error)
    {
        return Vec::new();
    }
    // What the reader marked as names (an nginx `proxy_pass`'s upstream) and as
    // credentials (an nginx `fastcgi_param DB_PASSWORD …`, which the manifest's own scan
    // does not read) are so in the manifest too: its documents (the ConfigMap's and the
    // embedded file's) are masked by the manifest's marks.
    lines.carry_marks(&embedded, file);
    loaded
        .documents
        .into_iter()
        .filter(|d| d.input_type == InputType::Config)
        .map(|mut doc| {
            lines.move_tree(&mut doc.spans);
            doc.file = file.clone();
            doc.embedded = true;
            doc
        })
        .collect()
}

/// Loads a file written line by line in `file`'s text (a Nomad job's `template { data =
/// <<EOF … }` heredoc): line `i` of `text` starts at offset `starts[i]` of `file` and is
/// written there as it is; `end` is where the written text ends. See [`place`]; a `starts`
/// that does not fit `text` adds nothing.
#[allow(clippy::too_many_arguments)]
pub fn load_written(
    file: &Arc<SourceFile>,
    name: &str,
    text: String,
    starts: Vec<usize>,
    end: usize,
    label: &str,
    index: usize,
    out: &mut Loaded,
    read: impl Fn(&Arc<SourceFile>) -> Option<Loaded>,
) {
    let mut value_starts = Vec::with_capacity(starts.len());
    let mut at = 0;
    for line in text.split('\n') {
        value_starts.push(at);
        at += line.len() + 1;
    }
    if value_starts.len() != starts.len() {
        return;
    }
    let lines = BlockLines {
        starts,
        value_starts,
        end,
    };
    place(file, name, text, &lines, label, index, out, &read);
}

/// The configuration documents of the file `name` whose text `text` is the literal block
/// scalar at `span` of `file`, loaded by `read` ([`documents_at`]); none when the block's lines
/// are not the file's.
fn block_documents(
    file: &Arc<SourceFile>,
    name: &str,
    text: &str,
    span: Span,
    read: &impl Fn(&Arc<SourceFile>) -> Option<Loaded>,
) -> Vec<super::Document> {
    match BlockLines::new(&file.text, span, text) {
        Some(lines) => documents_at(file, name, text.to_string(), &lines, read),
        None => Vec::new(),
    }
}

/// Where a GitOps object writes the values of a Helm chart it installs, which the run does
/// not render (the chart is another repository's): a Flux `HelmRelease`'s `spec.values`
/// (`helm.toolkit.fluxcd.io`, and Flux 1's `helm.fluxcd.io`) and a KOTS `HelmChart`'s, an Argo CD `Application`'s
/// `helm` block of each source (`valuesObject`, `parameters`, and `values`, a YAML string),
/// the same in an `ApplicationSet`'s template, a k3s `HelmChart`'s or `HelmChartConfig`'s
/// `spec.set` and `spec.valuesContent` (a YAML string). Paths into the object's value.
fn helm_values_paths(object: &serde_json::Value) -> Vec<Vec<PathSeg>> {
    use serde_json::Value;
    let key = |k: &str| PathSeg::Key(k.to_string());
    let group = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('/'))
        .map_or("", |(g, _)| g);
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut paths: Vec<Vec<PathSeg>> = Vec::new();
    match (group, kind) {
        ("helm.toolkit.fluxcd.io" | "helm.fluxcd.io", "HelmRelease") | ("kots.io", "HelmChart") => {
            paths.push(vec![key("spec"), key("values")]);
        }
        ("helm.cattle.io", "HelmChart" | "HelmChartConfig") => {
            paths.push(vec![key("spec"), key("set")]);
            paths.push(vec![key("spec"), key("valuesContent")]);
        }
        ("argoproj.io", "Application" | "ApplicationSet") => {
            let spec = match kind {
                "Application" => vec![key("spec")],
                _ => vec![key("spec"), key("template"), key("spec")],
            };
            let at = |p: &[PathSeg]| {
                p.iter().try_fold(object, |v, s| match s {
                    PathSeg::Key(k) => v.get(k),
                    PathSeg::Index(i) => v.get(i),
                })
            };
            let mut sources = vec![[spec.as_slice(), &[key("source")]].concat()];
            if let Some(Value::Array(items)) = at(&[spec.as_slice(), &[key("sources")]].concat()) {
                for i in 0..items.len() {
                    sources.push([spec.as_slice(), &[key("sources"), PathSeg::Index(i)]].concat());
                }
            }
            for source in sources {
                let helm = [source.as_slice(), &[key("helm")]].concat();
                if at(&helm).is_some_and(Value::is_object) {
                    paths.push([helm.as_slice(), &[key("values")]].concat());
                    paths.push(helm);
                }
            }
        }
        _ => {}
    }
    paths
}

/// The raw node at `path` of `root` (mappings by key, sequences by index).
fn raw_at<'a>(root: &'a RawNode, path: &[PathSeg]) -> Option<&'a RawNode> {
    path.iter().try_fold(root, |n, seg| match (n, seg) {
        (_, PathSeg::Key(k)) => n.get(k),
        (RawNode::Seq { items, .. }, PathSeg::Index(i)) => items.get(*i),
        _ => None,
    })
}

/// The Helm values a GitOps object (the Kubernetes document `at` of `out`, written as `root`
/// in `file`) gives a chart the run does not render ([`helm_values_paths`]), as configuration
/// documents of the manifest read by the credential rules only (`fragment`): a chart's values
/// are the chart's to interpret, but a password written there is in the repository all the
/// same (CFG-016 at its line, inside a `values: |` string too). A mapping is the object's
/// own subtree; a string is read as a `values.yaml` when it is a literal block scalar whose
/// lines are the manifest's (as a ConfigMap's embedded file).
pub fn load_helm_values(
    file: &Arc<SourceFile>,
    root: &RawNode,
    at: usize,
    out: &mut Loaded,
    read: impl Fn(&Arc<SourceFile>) -> Option<Loaded>,
) {
    // A `kind: List`'s items are documents of their own (their values mappings read as any
    // object's; a values string only when the object is the document's root).
    let list = root.get("items").is_some();
    for i in at..out.documents.len() {
        helm_values_of(file, (!list && i == at).then_some(root), i, out, &read);
    }
}

fn helm_values_of(
    file: &Arc<SourceFile>,
    root: Option<&RawNode>,
    at: usize,
    out: &mut Loaded,
    read: &impl Fn(&Arc<SourceFile>) -> Option<Loaded>,
) {
    let Some(object) = out.documents.get(at) else {
        return;
    };
    if object.input_type != InputType::Kubernetes {
        return;
    }
    let mut found = Vec::new();
    for path in helm_values_paths(&object.value) {
        let label = format!(
            "{}Helm values",
            entry_label(&object.resource, &crate::source::span::display_path(&path))
        );
        let value = path.iter().try_fold(&object.value, |v, s| match s {
            PathSeg::Key(k) => v.get(k),
            PathSeg::Index(i) => v.get(i),
        });
        match value {
            Some(v @ serde_json::Value::Object(m)) if !m.is_empty() => {
                let Some(spans) = object.spans.get(&path) else {
                    continue;
                };
                // An Argo CD `values: |` string is read as its own document (below).
                let mut value = v.clone();
                if matches!(path.last(), Some(PathSeg::Key(k)) if k == "helm")
                    && let Some(m) = value.as_object_mut()
                    && m.get("values").is_some_and(serde_json::Value::is_string)
                {
                    m.remove("values");
                }
                found.push(super::Document {
                    file: file.clone(),
                    index: object.index,
                    input_type: InputType::Config,
                    subtype: "generic".to_string(),
                    resource: label,
                    value,
                    spans: spans.clone(),
                    substituted: Vec::new(),
                    embedded: true,
                    fragment: true,
                    extended: Vec::new(),
                });
            }
            Some(serde_json::Value::String(_)) => {
                let Some(RawNode::Scalar {
                    text,
                    style: ScalarStyle::Literal,
                    span,
                    ..
                }) = root.and_then(|root| raw_at(root, &path))
                else {
                    continue;
                };
                for mut doc in block_documents(file, "values.yaml", text, *span, read) {
                    doc.index = object.index;
                    doc.subtype = "generic".to_string();
                    doc.fragment = true;
                    doc.resource = label.clone();
                    found.push(doc);
                }
            }
            _ => {}
        }
    }
    out.documents.extend(found);
}

/// How the documents of the embedded file `name` of `object` (`ConfigMap ns/name`) begin their
/// resource label: `ConfigMap ns/name application.yml: `. The label ties a document's findings
/// to the entry (see `run::drop_credentials_reported_inside`).
pub fn entry_label(object: &str, name: &str) -> String {
    format!("{object} {name}: ")
}

/// Where each line of a literal block scalar's value starts in the manifest's text.
struct BlockLines {
    /// The manifest offset of each value line's first character (after the indentation).
    starts: Vec<usize>,
    /// Offsets in the value where each of its lines starts.
    value_starts: Vec<usize>,
    /// The end of the scalar in the manifest, for offsets past its last line.
    end: usize,
}

impl BlockLines {
    /// Marks on `file` what the reader of the file written in these lines (`embedded`) marked
    /// as names and as credentials.
    fn carry_marks(&self, embedded: &SourceFile, file: &SourceFile) {
        for n in embedded.names() {
            file.mark_name(self.offset(n.start)..self.offset(n.end));
        }
        for c in embedded.redaction().ranges.iter() {
            file.mark_credential(self.offset(c.start)..self.offset(c.end));
        }
    }

    /// The map of a literal scalar's value `value` written at `span` of `text`, or None when
    /// some line of the value is not its manifest line less one indentation (then no offset
    /// could be trusted). Line breaks may be CRLF; the value holds LF only.
    fn new(text: &str, span: Span, value: &str) -> Option<Self> {
        // The scalar's span starts at its first line's text, past the indentation.
        let mut at = text[..span.start as usize].rfind('\n').map_or(0, |n| n + 1);
        let mut manifest_lines = Vec::new();
        while at < span.end as usize {
            let line_end = text[at..].find('\n').map_or(text.len(), |e| at + e);
            manifest_lines.push((at, text[at..line_end].trim_end_matches('\r')));
            at = line_end + 1;
        }
        let value_lines: Vec<&str> = value.split('\n').collect();
        let (first, first_line) = value_lines
            .iter()
            .enumerate()
            .find(|(_, l)| !l.is_empty())?;
        let (_, written) = manifest_lines.get(first)?;
        let indent = written.strip_suffix(first_line)?.len();
        if written[..indent].bytes().any(|b| b != b' ') {
            return None;
        }
        let mut starts = Vec::with_capacity(value_lines.len());
        let mut value_starts = Vec::with_capacity(value_lines.len());
        let mut value_at = 0;
        for (i, line) in value_lines.iter().enumerate() {
            value_starts.push(value_at);
            value_at += line.len() + 1;
            match manifest_lines.get(i) {
                Some((start, written)) if written.get(indent..) == Some(line) => {
                    starts.push(start + indent)
                }
                Some((start, written)) if line.is_empty() => {
                    starts.push(start + written.len().min(indent))
                }
                // Lines after the scalar's last text: those kept by `|+`, and the empty one
                // after the last line break.
                None if line.is_empty() => starts.push(span.end as usize),
                _ => return None,
            }
        }
        Some(BlockLines {
            starts,
            value_starts,
            end: span.end as usize,
        })
    }

    /// The manifest offset of value offset `offset`.
    fn offset(&self, offset: usize) -> usize {
        let line = self.value_starts.partition_point(|&s| s <= offset) - 1;
        (self.starts[line] + offset - self.value_starts[line]).min(self.end)
    }

    fn span(&self, span: Span) -> Span {
        Span::new(
            self.offset(span.start as usize),
            self.offset(span.end as usize),
        )
    }

    /// Moves every span of `tree` onto the manifest. Lines map to lines, so a focus of one
    /// line stays one line.
    fn move_tree(&self, tree: &mut SpanTree) {
        tree.span = self.span(tree.span);
        tree.focus = self.span(tree.focus);
        match &mut tree.children {
            Children::Leaf => {}
            Children::Map(entries) => {
                for (_, child) in entries {
                    self.move_tree(child);
                }
            }
            Children::Seq(items) => {
                for child in items {
                    self.move_tree(child);
                }
            }
        }
    }
}

/// The literal block scalar of `file` (`patch: |` in a kustomization) whose text holds offset
/// `at` of the file: its text and its span. None when `at` is in no literal block scalar, or
/// the block's lines are not the file's lines less one indentation (then its documents could
/// not be placed line for line).
pub fn literal_block_at(file: &SourceFile, at: usize) -> Option<(String, Span)> {
    let (text, span, style) = scalar_at(file, at)?;
    if style != ScalarStyle::Literal {
        return None;
    }
    BlockLines::new(&file.text, span, &text)?;
    Some((text, span))
}

/// The scalar of `file` (a quoted or folded `patch:` of a kustomization too) whose text holds
/// offset `at`: its value, its span and its style.
pub fn scalar_at(file: &SourceFile, at: usize) -> Option<(String, Span, ScalarStyle)> {
    let (docs, _) = super::yaml::parse_stream(&file.text, &file.lines);
    fn find(n: &RawNode, at: usize, depth: usize) -> Option<(String, Span, ScalarStyle)> {
        if depth > super::yaml::MAX_DEPTH {
            return None;
        }
        let s = n.span();
        if at < s.start as usize || at > s.end as usize {
            return None;
        }
        match n {
            RawNode::Scalar {
                text, style, span, ..
            } if (span.start as usize) <= at && at < span.end as usize => {
                Some((text.clone(), *span, *style))
            }
            // `at` on the key of an entry whose value is the scalar (the origin of a quoted
            // `patch: "…"` is its entry's).
            RawNode::Map { entries, .. } => entries.iter().find_map(|(k, v)| match v {
                RawNode::Scalar {
                    text, style, span, ..
                } if k.span().start as usize <= at && at < k.span().end as usize => {
                    Some((text.clone(), *span, *style))
                }
                _ => find(v, at, depth + 1),
            }),
            RawNode::Seq { items, .. } => items.iter().find_map(|i| find(i, at, depth + 1)),
            _ => None,
        }
    }
    docs.iter().find_map(|d| find(&d.root, at, 0))
}

/// Whether the scalar of `file` holding `at` is a patch [`block_objects`] can read: a literal
/// block placed line for line, or a string in another style (quoted, folded) holding text.
pub fn readable_block_at(file: &SourceFile, at: usize) -> bool {
    literal_block_at(file, at).is_some()
        || scalar_at(file, at).is_some_and(|(text, _, style)| {
            style != ScalarStyle::Literal && style != ScalarStyle::Plain && !text.trim().is_empty()
        })
}

/// Every span of `tree` set to `at` (the first line of a scalar whose text is not placed line
/// for line: a finding inside it points at the scalar).
fn collapse_tree(tree: &mut SpanTree, at: Span) {
    tree.span = at;
    tree.focus = at;
    match &mut tree.children {
        Children::Leaf => {}
        Children::Map(entries) => {
            for (_, child) in entries {
                collapse_tree(child, at);
            }
        }
        Children::Seq(items) => {
            for child in items {
                collapse_tree(child, at);
            }
        }
    }
}

/// The Kubernetes objects written in the literal block scalar of `file` holding offset `at`
/// ([`literal_block_at`]; an inline patch of a kustomization), loaded as a YAML file of their
/// own would be by `read`, their spans moved onto `file`'s text, and those of `file` that
/// hold `at` kept. The names and credentials the reader marked are marked in `file`.
pub fn block_objects(
    file: &Arc<SourceFile>,
    at: usize,
    read: impl Fn(&Arc<SourceFile>) -> Loaded,
) -> Vec<super::Document> {
    let Some((text, span)) = literal_block_at(file, at) else {
        return quoted_block_objects(file, at, read);
    };
    let Some(lines) = BlockLines::new(&file.text, span, &text) else {
        return Vec::new();
    };
    let embedded = SourceFile::new("patch.yaml".to_string(), None, text);
    let loaded = read(&embedded);
    lines.carry_marks(&embedded, file);
    loaded
        .documents
        .into_iter()
        .filter(|d| d.input_type == InputType::Kubernetes && !d.embedded)
        .filter_map(|mut d| {
            lines.move_tree(&mut d.spans);
            d.file = file.clone();
            let s = d.spans.span;
            ((s.start as usize) <= at && at < (s.end as usize).max(s.start as usize + 1))
                .then_some(d)
        })
        .collect()
}

/// [`block_objects`] of a quoted or folded scalar (`patch: "apiVersion: v1\nkind: …"`): its
/// text is not the file's line for line, so every node of its objects is placed at the
/// scalar's first line. A credential the reader marked is marked where the file writes it
/// (its text found in the scalar's), else the whole scalar is.
fn quoted_block_objects(
    file: &Arc<SourceFile>,
    at: usize,
    read: impl Fn(&Arc<SourceFile>) -> Loaded,
) -> Vec<super::Document> {
    if !readable_block_at(file, at) {
        return Vec::new();
    }
    let Some((text, span, _)) = scalar_at(file, at) else {
        return Vec::new();
    };
    let embedded = SourceFile::new("patch.yaml".to_string(), None, text);
    let loaded = read(&embedded);
    let raw = file.text.get(span.range()).unwrap_or("");
    for c in embedded.redaction().ranges.iter() {
        let Some(secret) = embedded.text.get(c.clone()) else {
            continue;
        };
        match raw.find(secret) {
            Some(i) if !secret.is_empty() => {
                let start = span.start as usize + i;
                file.mark_credential(start..start + secret.len());
            }
            _ => file.mark_credential(span.range()),
        }
    }
    let first = file.lines.first_line(&file.text, span);
    loaded
        .documents
        .into_iter()
        .filter(|d| d.input_type == InputType::Kubernetes && !d.embedded)
        .map(|mut d| {
            collapse_tree(&mut d.spans, first);
            d.file = file.clone();
            d
        })
        .collect()
}
