//! A YAML stream into raw documents: saphyr's events become a tree that keeps each scalar's
//! text and style, anchors and aliases, and the byte span of every node (saphyr's markers
//! count characters; they are turned into byte offsets here, once).

use super::MAX_DEPTH;
use crate::source::span::{LineIndex, Pos, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use std::collections::HashMap;
use std::rc::Rc;

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
    /// at the next token); an empty one at its end marker.
    fn collection_span(
        &mut self,
        start: usize,
        last: Option<Span>,
        end_marker: saphyr_parser::Marker,
    ) -> Span {
        let end = match last {
            Some(s) => s.end as usize,
            None => self.offset(end_marker),
        };
        Span::new(start, end.max(start))
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
