//! A YAML stream into raw documents: saphyr's events become a tree that keeps each scalar's
//! text and style, anchors and aliases, and the byte span of every node (saphyr's markers
//! count characters; they are turned into byte offsets here, once).

use super::MAX_DEPTH;
use crate::source::span::{LineIndex, Pos, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use std::collections::HashMap;
use std::sync::Arc;

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
        target: Arc<RawNode>,
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
    pub(super) fn is_null_scalar(&self) -> bool {
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

/// What reading a stream gives: its documents, and the first syntax error after them.
type Parsed = (Vec<RawDocument>, Option<YamlError>);

/// From this size on, a stream with several documents is read in pieces on the worker
/// threads (a rendered chart's stream of CRDs is a megabyte; saphyr's scanner is most of its
/// loading). A piece costs a thread hand-off and a parser's start, nothing for small texts.
const PIECE_BYTES: usize = 128 * 1024;

/// Reads every document of a YAML stream. Documents before a syntax error are kept, and the
/// error is returned beside them. Empty documents (`---` with nothing) are skipped.
pub fn parse_stream(text: &str, lines: &LineIndex) -> (Vec<RawDocument>, Option<YamlError>) {
    if text.len() >= PIECE_BYTES
        && let Some(parsed) = parse_in_pieces(text, lines, PIECE_BYTES)
    {
        return parsed;
    }
    parse_piece(text, lines, 0).0
}

/// Where a big stream can be cut into pieces parsed apart: at line starts that begin with a
/// document marker (`---` then a blank or the line's end), roughly `piece` bytes apart. A
/// `---` line always ends the document before it, wherever it is (inside a multi-line quoted
/// scalar or flow collection it is a syntax error, and a piece holding an error is parsed
/// again with the whole stream, see [`parse_in_pieces`]). A stream with directives (`%YAML`)
/// is not cut: they bind to the document after them.
fn cut_points(text: &str, piece: usize) -> Vec<usize> {
    let b = text.as_bytes();
    if b.first() == Some(&b'%') || memchr::memmem::find(b, b"\n%").is_some() {
        return Vec::new();
    }
    let marker = memchr::memmem::Finder::new(b"\n---");
    let mut cuts = Vec::new();
    let mut from = piece / 2;
    while from < b.len() {
        let Some(i) = marker.find(&b[from..]).map(|i| from + i + 1) else {
            break;
        };
        let after = b.get(i + 3).copied();
        if matches!(after, None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
            // The last piece is not a sliver: a cut leaves at least half a piece after it.
            if b.len() - i < piece / 2 {
                break;
            }
            cuts.push(i);
            from = i + piece;
        } else {
            from = i + 3;
        }
    }
    cuts
}

/// [`parse_stream`] of a big stream, its pieces on the worker threads and their documents
/// put back in order (each piece's document indices after those of the pieces before it).
/// None when the stream has no cut point, or a piece does not parse: the whole stream is
/// then parsed as one, so that an error is reported as that parse reports it.
fn parse_in_pieces(text: &str, lines: &LineIndex, piece: usize) -> Option<Parsed> {
    use rayon::prelude::*;
    let cuts = cut_points(text, piece);
    if cuts.is_empty() {
        return None;
    }
    let mut bounds = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for c in cuts {
        bounds.push((start, c));
        start = c;
    }
    bounds.push((start, text.len()));
    let pieces: Vec<(Parsed, usize)> = bounds
        .par_iter()
        .map(|&(start, end)| parse_piece_at(text, lines, start, end))
        .collect();
    if pieces.iter().any(|((_, err), _)| err.is_some()) {
        return None;
    }
    let mut docs = Vec::new();
    let mut shift = 0;
    for ((piece, _), count) in pieces {
        docs.extend(piece.into_iter().map(|mut d| {
            d.index += shift;
            d
        }));
        shift += count;
    }
    Some((docs, None))
}

/// One piece `text[start..end]` of a stream parsed alone, its spans in the whole text.
fn parse_piece_at(text: &str, lines: &LineIndex, start: usize, end: usize) -> (Parsed, usize) {
    let mut parsed = Builder::new(&text[start..end], text, lines, start).run();
    // An empty document ending the piece (`---` then only comments) is a null scalar at
    // the next token: in the whole stream that is the next piece's `---`, here the end.
    if end < text.len()
        && let Some(RawNode::Scalar { text: t, span, .. }) =
            parsed.0.0.last_mut().map(|d| &mut d.root)
        && t.is_empty()
        && span.start as usize == end
        && span.end as usize == end
    {
        span.end += 3;
    }
    parsed
}

/// A whole stream (`base` 0) parsed as one piece.
fn parse_piece(text: &str, lines: &LineIndex, base: usize) -> (Parsed, usize) {
    Builder::new(text, text, lines, base).run()
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
    /// The text parsed: the whole stream, or one piece of it.
    text: &'a str,
    /// The whole stream, which `lines` indexes and `base` is an offset of.
    whole: &'a str,
    lines: &'a LineIndex,
    /// Where `text` starts in the whole stream: spans are offsets of the whole stream.
    base: usize,
    /// ASCII text: character index = byte offset.
    ascii: bool,
    /// (character index, byte offset) of the last position converted: markers mostly move
    /// forward, so converting from here keeps loading linear even on one-line JSON files.
    cursor: (usize, usize),
    anchors: HashMap<usize, Arc<RawNode>>,
    stack: Vec<Frame>,
    docs: Vec<RawDocument>,
    doc_index: usize,
    depth_error: Option<YamlError>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, whole: &'a str, lines: &'a LineIndex, base: usize) -> Self {
        Builder {
            text,
            whole,
            lines,
            base,
            ascii: text.is_ascii(),
            cursor: (0, 0),
            anchors: HashMap::new(),
            stack: Vec::new(),
            docs: Vec::new(),
            doc_index: 0,
            depth_error: None,
        }
    }

    /// Parses the text: its documents, the first error, and how many documents it held
    /// (empty ones included: the next piece's indices start there).
    fn run(mut self) -> (Parsed, usize) {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            match parser.next_event() {
                None => break,
                Some(Ok((event, span))) => {
                    if let Err(e) = self.on_event(event, span) {
                        return ((self.docs, Some(e)), self.doc_index);
                    }
                }
                Some(Err(e)) => {
                    let m = e.marker();
                    // saphyr counts lines from the piece's start.
                    let first = self.lines.line_of(self.base) - 1;
                    let pos = Pos {
                        line: m.line().max(1) as u32 + first,
                        column: m.col() as u32 + 1,
                    };
                    let err = YamlError {
                        pos,
                        message: e.info().to_string(),
                    };
                    return ((self.docs, Some(err)), self.doc_index);
                }
            }
        }
        ((self.docs, None), self.doc_index)
    }

    /// The byte offset of a marker in the whole stream (saphyr counts characters from the
    /// start of the text it parses).
    fn offset(&mut self, m: saphyr_parser::Marker) -> usize {
        self.base + self.local_offset(m)
    }

    fn local_offset(&mut self, m: saphyr_parser::Marker) -> usize {
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
                let mut span = self.span(yspan);
                // saphyr ends a quoted scalar after the blanks and the comment that follow its
                // closing quote; a finding on it must underline the value only.
                if let Some(end) = closing_quote(self.text, span.start as usize - self.base, style)
                {
                    span = Span::new(
                        span.start as usize,
                        (span.end as usize).min(self.base + end),
                    );
                }
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let mut text = value.into_owned();
                // A block scalar that runs to the end of a text without a final line break
                // has no final line break to keep (YAML 1.2 §8.1.1.2); saphyr adds one.
                let (local_start, local_end) = (
                    span.start as usize - self.base,
                    span.end as usize - self.base,
                );
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                    && !self.text.ends_with(['\n', '\r'])
                    && self.text[local_end.min(self.text.len())..]
                        .trim()
                        .is_empty()
                    && text.ends_with('\n')
                    && !block_header_keeps(self.text, local_start)
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
                            pos: self.lines.pos_at_offset(self.whole, span.start as usize),
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
                    let last = items.last().map(RawNode::span);
                    let span = self.collection_span(start, last, end_fallback);
                    self.push_node(RawNode::Seq { items, span }, anchor)?;
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
                    let last = entries.last().map(|(_, v)| v.span());
                    let span = self.collection_span(start, last, end_fallback);
                    self.push_node(RawNode::Map { entries, span }, anchor)?;
                }
            }
        }
        Ok(())
    }

    /// A collection ends where its last item ends (saphyr's end marker may lie lines further,
    /// at the next token); an empty one at its end marker. A flow collection (`[a, b]`,
    /// `{k: v}`, `{}`) ends after its closing bracket (wild18: `limits: {memory: 32Mi}` was
    /// underlined without its `}`, and `- {} # allow all` up to the end of the comment).
    fn collection_span(
        &mut self,
        start: usize,
        last: Option<Span>,
        end_marker: saphyr_parser::Marker,
    ) -> Span {
        let end = match last {
            Some(s) => {
                let end = s.end as usize;
                match self.whole.as_bytes().get(start) {
                    Some(b'[') => closing_bracket(self.whole, end, b']').unwrap_or(end),
                    Some(b'{') => closing_bracket(self.whole, end, b'}').unwrap_or(end),
                    _ => end,
                }
            }
            None => {
                let close = match self.whole.as_bytes().get(start) {
                    Some(b'[') => closing_bracket(self.whole, start + 1, b']'),
                    Some(b'{') => closing_bracket(self.whole, start + 1, b'}'),
                    _ => None,
                };
                match close {
                    Some(end) => end,
                    None => self.offset(end_marker),
                }
            }
        };
        Span::new(start, end.max(start))
    }

    fn check_depth(&mut self, offset: usize) -> Result<(), YamlError> {
        if self.stack.len() > MAX_DEPTH {
            let e = YamlError {
                pos: self.lines.pos_at_offset(self.whole, offset),
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
            let rc = Arc::new(node);
            self.anchors.insert(anchor, rc.clone());
            match Arc::try_unwrap(rc) {
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

/// The offset just past the closing quote of a single- or double-quoted scalar that opens
/// at `start` (`''` and `\"` inside it are no closing quote); `None` for other styles or
/// when `start` is not at the opening quote (a tag or an anchor before it).
fn closing_quote(text: &str, start: usize, style: ScalarStyle) -> Option<usize> {
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        ScalarStyle::DoubleQuoted => b'"',
        _ => return None,
    };
    let b = text.as_bytes();
    if b.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The offset just past the `close` bracket of a flow collection whose last item ends at
/// `from`: only blanks, line breaks, a trailing comma and comments may lie between them.
fn closing_bracket(text: &str, from: usize, close: u8) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b',' => i += 1,
            b'#' => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            c if c == close => return Some(i + 1),
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// A raw tree printed with everything that can differ: texts, styles, tags, spans,
    /// aliases (as their target's print) and document indices.
    fn print(node: &RawNode, out: &mut String) {
        match node {
            RawNode::Scalar {
                text,
                style,
                tag,
                span,
            } => out.push_str(&format!("S{text:?}{style:?}{tag:?}{span:?};")),
            RawNode::Seq { items, span } => {
                out.push_str(&format!("Q{span:?}["));
                items.iter().for_each(|i| print(i, out));
                out.push(']');
            }
            RawNode::Map { entries, span } => {
                out.push_str(&format!("M{span:?}{{"));
                for (k, v) in entries {
                    print(k, out);
                    print(v, out);
                }
                out.push('}');
            }
            RawNode::Alias {
                target,
                span,
                definition,
            } => {
                out.push_str(&format!("A{span:?}{definition}("));
                print(target, out);
                out.push(')');
            }
        }
    }

    fn printed(parsed: &(Vec<RawDocument>, Option<YamlError>)) -> String {
        let mut out = format!("{:?}\n", parsed.1);
        for d in &parsed.0 {
            out.push_str(&format!("#{} ", d.index));
            print(&d.root, &mut out);
            out.push('\n');
        }
        out
    }

    /// Documents as charts render them, and the edges of a cut: empty documents, comments
    /// only, `...`, block scalars (a top-level one whose text is at column 0), anchors and
    /// aliases, non-ASCII text, CRLF, a `---` inside a quoted scalar or a flow collection
    /// (syntax errors), `---x` (not a marker), a directive.
    fn document() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{1,6}: [a-zé0-9 ]{0,12}\n".prop_map(|s| s),
            Just("kind: A\nspec:\n  items:\n  - &x {a: 1}\n  - *x\n".to_string()),
            Just("data: |\n  line one\n  ---\n  line three\n".to_string()),
            Just("|\nfree text\n".to_string()),
            Just("# only a comment\n".to_string()),
            Just("".to_string()),
            Just("a: 1\n...\n".to_string()),
            Just("a: \"open\n".to_string()),
            Just("a: [1,\n".to_string()),
            Just("---x: 1\n".to_string()),
            Just("%YAML 1.2\n".to_string()),
            Just("a: b\r\nc: d\r\n".to_string()),
            Just("a:\n  b: [x, y]\n  c: 'q''r'\n".to_string()),
            Just("a: {\n".to_string()),
            Just("x: 1\n  y: 2\n".to_string()),
        ]
    }

    proptest! {
        /// A stream read in pieces gives exactly what reading it whole gives: the same
        /// documents, indices, spans and error.
        #[test]
        fn pieces_equal_the_whole(
            docs in prop::collection::vec((document(), prop::sample::select(vec!["---\n", "--- \n", "---\r\n", "--- # c\n", "---"])), 1..24),
            piece in 1usize..200,
        ) {
            let mut text = String::new();
            for (i, (d, marker)) in docs.iter().enumerate() {
                if i > 0 {
                    text.push_str(marker);
                    if *marker == "---" {
                        text.push('\n');
                    }
                }
                text.push_str(d);
            }
            let lines = LineIndex::new(&text);
            let whole = parse_piece(&text, &lines, 0).0;
            let cut = parse_in_pieces(&text, &lines, piece).unwrap_or_else(|| parse_piece(&text, &lines, 0).0);
            prop_assert_eq!(printed(&cut), printed(&whole), "{:?}", text);
        }
    }

    #[test]
    fn a_big_stream_is_cut_and_read_as_the_whole() {
        let doc = "apiVersion: v1\nkind: ConfigMap\ndata:\n  k: &a |\n    é text\n  j: *a\n";
        let text = format!("# Source: x\n{}", vec![doc; 6000].join("---\n"));
        assert!(text.len() >= 2 * PIECE_BYTES);
        let lines = LineIndex::new(&text);
        assert!(cut_points(&text, PIECE_BYTES).len() >= 2);
        let whole = parse_piece(&text, &lines, 0).0;
        assert_eq!(whole.0.len(), 6000);
        assert_eq!(printed(&parse_stream(&text, &lines)), printed(&whole));
    }
}
