//! The source map of a rendered input: byte ranges of a rendered stream (what `helm template`
//! or `kustomize build` would print) and the origins that produced them — the template line,
//! the values or `--set` entry, the patch, the base file, the kustomization line. Renderers
//! fill it in while rendering; the run moves a finding on the stream to its best origin.

use super::SourceFile;
use super::span::Span;
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

/// What part an origin played in producing a rendered byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OriginRole {
    /// A values file (`values.yaml`, `--values FILE`): where a value a template printed was set.
    Values,
    /// A `--set K=V` on the command line or in `.runeguard.yaml`.
    Set,
    /// A Kustomize patch (strategic merge or JSON 6902) that set this field.
    Patch,
    /// A Helm template line (literal text or the action that printed the value).
    Template,
    /// A values line that gave one part of a value combined from several (`printf "%s:%s"
    /// .Values.a .Values.b`): listed after the template action that combined them.
    #[serde(rename = "values")]
    ValuesPart,
    /// A Kustomize resource file (a base manifest) or a generator's source.
    Base,
    /// A Kustomize transformer written in a kustomization (namespace, namePrefix, images, …).
    Kustomization,
    /// The field a Kustomize replacement wrote, as its file wrote it before: listed after the
    /// source field the value was copied from, never where a finding points.
    Target,
    /// A chart's `dependencies` entry naming a subchart the repository holds as an archive:
    /// where a finding inside the archive points, no line of it being the repository's.
    Dependency,
}

impl OriginRole {
    /// Where a person fixes a value, first: values and patches before templates and bases.
    /// The order of this enum is that preference.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// One place that contributed to a rendered byte range.
#[derive(Debug, Clone)]
pub struct Origin {
    pub role: OriginRole,
    /// The file the origin is in (a template, a values file, a patch, a base manifest).
    /// `--set` origins use a synthetic file whose text is the `K=V` argument (a `--set-file`
    /// value's, the file it names).
    pub file: Arc<SourceFile>,
    /// The exact range in that file (for a values origin, the key through the value).
    pub span: Span,
}

impl Origin {
    /// Whether this is (a line of) a value a `--set-file` argument gave: the text of a file
    /// read from disk is the value itself (no key, no quoting), so each of its lines is a
    /// line of the value as printed, and all of it is a credential when the value is one.
    /// (A `--set` argument's synthetic file was read from nowhere.)
    pub fn is_set_file_value(&self) -> bool {
        self.role == OriginRole::Set && self.file.fs_path.is_some()
    }
}

/// Byte ranges of a rendered stream and their origins, sorted by start, non-overlapping.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    segments: Vec<(Range<usize>, Vec<Origin>)>,
    /// Byte ranges of the stream holding text generated at render time (a Helm chart's
    /// `randAlphaNum` password, `genCA` key): written by no one, committed nowhere. Sorted,
    /// non-overlapping.
    generated: Vec<Range<usize>>,
    /// List elements of the stream and the place each was written (sorted by start): a
    /// finding on a whole element points there, not at the element's first printed key.
    nodes: Vec<NodeOrigin>,
}

/// A list element printed in a rendered stream and where it was written: the printer may
/// reorder its keys (Kustomize sorts them), so its first printed line need not be the line
/// that starts it in its file (the `- name:` line).
#[derive(Debug, Clone)]
pub struct NodeOrigin {
    /// The byte of the stream where the element's first line starts (after `- `).
    pub start: usize,
    pub origin: Origin,
}

impl SourceMap {
    /// Records that `rendered` (a byte range of the rendered stream) came from `origins`.
    /// Segments must be pushed in increasing order of start; an empty range is ignored.
    pub fn push(&mut self, rendered: Range<usize>, origins: Vec<Origin>) {
        if rendered.is_empty() || origins.is_empty() {
            return;
        }
        debug_assert!(
            self.segments
                .last()
                .is_none_or(|(r, _)| r.end <= rendered.start),
            "source map segments must be pushed in order"
        );
        self.segments.push((rendered, origins));
    }

    /// Records that the list element printed from `start` of the stream was written at
    /// `origin`. Elements must be pushed in increasing order of start.
    pub fn push_node(&mut self, start: usize, origin: Origin) {
        // A list printed inside a list element starts further on: starts only grow.
        if self.nodes.last().is_none_or(|n| n.start < start) {
            self.nodes.push(NodeOrigin { start, origin });
        }
    }

    /// The list element printed from `start` of the stream, if one starts exactly there.
    pub fn node_at(&self, start: usize) -> Option<&Origin> {
        let i = self.nodes.partition_point(|n| n.start < start);
        self.nodes
            .get(i)
            .filter(|n| n.start == start)
            .map(|n| &n.origin)
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Whether any text of the stream was generated at render time.
    pub fn has_generated(&self) -> bool {
        !self.generated.is_empty()
    }

    /// Records the ranges of the stream whose text was generated at render time (sorted,
    /// non-overlapping).
    pub fn mark_generated(&mut self, ranges: Vec<Range<usize>>) {
        self.generated = ranges;
    }

    /// Whether the scalar written at `node` of `stream` holds only generated text: every byte
    /// is generated, or is what YAML wraps a scalar in (quotes, a block indicator, line
    /// breaks and indentation), and some byte is generated.
    pub fn only_generated(&self, stream: &str, node: Range<usize>) -> bool {
        let Some(text) = stream.get(node.clone()) else {
            return false;
        };
        let first = self.generated.partition_point(|r| r.end <= node.start);
        let ranges = &self.generated[first..];
        let (mut k, mut any) = (0, false);
        for (i, b) in text.bytes().enumerate() {
            let at = node.start + i;
            while ranges.get(k).is_some_and(|r| r.end <= at) {
                k += 1;
            }
            if ranges.get(k).is_some_and(|r| r.start <= at) {
                any = true;
            } else if !matches!(
                b,
                b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'|' | b'>' | b'-' | b'+'
            ) {
                return false;
            }
        }
        any
    }

    /// The segments that overlap `rendered`, in order.
    pub fn overlapping(&self, rendered: Range<usize>) -> &[(Range<usize>, Vec<Origin>)] {
        let first = self
            .segments
            .partition_point(|(r, _)| r.end <= rendered.start);
        let last = self.segments[first..]
            .partition_point(|(r, _)| r.start < rendered.end.max(rendered.start + 1));
        &self.segments[first..first + last]
    }

    /// All origins of the segments overlapping `rendered`, best first (by [`OriginRole`], then
    /// in stream order), without duplicates.
    pub fn origins(&self, rendered: Range<usize>) -> Vec<&Origin> {
        let mut out: Vec<&Origin> = Vec::new();
        for (_, origins) in self.overlapping(rendered) {
            for o in origins {
                if !out
                    .iter()
                    .any(|p| Arc::ptr_eq(&p.file, &o.file) && p.span == o.span)
                {
                    out.push(o);
                }
            }
        }
        out.sort_by_key(|o| o.role.rank());
        out
    }

    /// Where a finding on `rendered` should point: the best origin, if any.
    pub fn primary(&self, rendered: Range<usize>) -> Option<&Origin> {
        self.origins(rendered).into_iter().next()
    }
}

impl OriginRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OriginRole::Values => "values",
            OriginRole::Set => "set",
            OriginRole::Patch => "patch",
            OriginRole::Template => "template",
            OriginRole::ValuesPart => "values",
            OriginRole::Base => "base",
            OriginRole::Kustomization => "kustomization",
            OriginRole::Target => "target",
            OriginRole::Dependency => "dependency",
        }
    }
}

impl SourceMap {
    /// Every segment, in stream order.
    pub fn segments(&self) -> &[(Range<usize>, Vec<Origin>)] {
        &self.segments
    }

    /// The files the stream came from, each once, in the order first met.
    pub fn files(&self) -> Vec<Arc<SourceFile>> {
        let mut out: Vec<Arc<SourceFile>> = Vec::new();
        for (_, origins) in &self.segments {
            for o in origins {
                if !out.iter().any(|f| Arc::ptr_eq(f, &o.file)) {
                    out.push(o.file.clone());
                }
            }
        }
        out
    }
}
