//! Source positions, and the index from a document path to the span of its node.
//!
//! Rules report a path into the document they were given (`["spec", "containers", 0]`);
//! the engine resolves it here to the exact node, or to the nearest ancestor that exists
//! when the offending field is absent.

use serde::Serialize;
use std::fmt;

/// A line and column in a source file: 1-based line, 1-based column counted in Unicode
/// scalar values (SARIF's default). Computed from a byte offset by [`LineIndex::pos_at_offset`] only
/// when a report, a problem or a suppression needs it; nodes keep byte [`Span`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A half-open byte range `[start, end)` in a source file. Offsets are `u32` so a span tree
/// node stays small: the loader refuses files over 64 MiB, and an offset past `u32::MAX` (a
/// text of more than 4 GiB on stdin) saturates rather than wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span of the byte range `start..end` (offsets past `u32::MAX` saturate).
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |o: usize| u32::try_from(o).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end),
        }
    }
    /// A span that starts at the start of `self` and ends at the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start,
            end: other.end.max(self.end),
        }
    }
    /// The smallest span covering both.
    pub fn union(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn byte_len(&self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }
    /// The byte range, for slicing the source text.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl fmt::Display for PathSeg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSeg::Key(k) => f.write_str(k),
            PathSeg::Index(i) => write!(f, "{i}"),
        }
    }
}

/// `s.trim_start()`, with a line's indentation of spaces skipped byte by byte: `str`'s own trim
/// decodes each character and asks Unicode's table, ~15 instructions a space, and the
/// lines of a big CRD are indented by 20 to 40 spaces. What follows the spaces is trimmed by
/// `str` when it may be other white space (a control character or a non-ASCII byte).
pub fn trim_start_fast(s: &str) -> &str {
    let spaces = s.bytes().take_while(|&b| b == b' ').count();
    let rest = &s[spaces..];
    match rest.as_bytes().first() {
        Some(&b) if b <= b' ' || b >= 0x80 => rest.trim_start(),
        _ => rest,
    }
}

/// Renders a path the way JSONPath-like tools print it: `spec.containers[0].image`.
pub fn display_path(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The spans of one node and of its children, mirroring the shape of the document value.
#[derive(Debug, Clone, Default)]
pub struct SpanTree {
    /// The whole node.
    pub span: Span,
    /// Where a finding on this node points: for a mapping entry with a scalar value the key
    /// through the value; for a collection, its first line only.
    pub focus: Span,
    pub children: Children,
    /// Where the node is written, when the document reaches it through a YAML alias or merge
    /// key (`<<: *common`): the anchored node's own focus, the line a person changes, while
    /// `span` and `focus` stay at the alias site that uses it. `None` for a node written where
    /// it is used.
    pub origin: Option<Span>,
}

#[derive(Debug, Clone, Default)]
pub enum Children {
    #[default]
    Leaf,
    Map(Vec<(String, SpanTree)>),
    Seq(Vec<SpanTree>),
}

/// The outcome of resolving a path: the span to report and how much of the path existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub span: Span,
    /// True when every step of the path was found.
    pub exact: bool,
    /// How many steps of the path were found (its length when `exact`).
    pub found: usize,
}

impl SpanTree {
    pub fn leaf(span: Span) -> Self {
        SpanTree {
            span,
            focus: span,
            children: Children::Leaf,
            origin: None,
        }
    }

    /// [`SpanTree::child`] of `PathSeg::Key(k)`, without making the segment.
    pub fn child_key(&self, k: &str) -> Option<&SpanTree> {
        match &self.children {
            Children::Map(entries) => entries
                .iter()
                .rev()
                .find(|(name, _)| name == k)
                .map(|(_, t)| t),
            Children::Seq(items) => k.parse::<usize>().ok().and_then(|i| items.get(i)),
            Children::Leaf => None,
        }
    }

    /// [`SpanTree::child_key`] of a mapping, to change it.
    pub fn child_key_mut(&mut self, k: &str) -> Option<&mut SpanTree> {
        match &mut self.children {
            Children::Map(entries) => entries
                .iter_mut()
                .rev()
                .find(|(name, _)| name == k)
                .map(|(_, t)| t),
            _ => None,
        }
    }

    pub fn child(&self, seg: &PathSeg) -> Option<&SpanTree> {
        match (&self.children, seg) {
            (Children::Map(entries), PathSeg::Key(k)) => entries
                .iter()
                .rev()
                .find(|(name, _)| name == k)
                .map(|(_, t)| t),
            (Children::Seq(items), PathSeg::Index(i)) => items.get(*i),
            // Rego paths built by `walk` or string concatenation may carry indexes as strings.
            (Children::Seq(items), PathSeg::Key(k)) => {
                k.parse::<usize>().ok().and_then(|i| items.get(i))
            }
            (Children::Map(entries), PathSeg::Index(i)) => {
                let k = i.to_string();
                entries
                    .iter()
                    .rev()
                    .find(|(name, _)| *name == k)
                    .map(|(_, t)| t)
            }
            _ => None,
        }
    }

    /// Follows `path` as far as it exists and returns the focus span of the deepest node found.
    pub fn resolve(&self, path: &[PathSeg]) -> Resolved {
        let mut node = self;
        for (depth, seg) in path.iter().enumerate() {
            match node.child(seg) {
                Some(next) => node = next,
                None => {
                    return Resolved {
                        span: node.focus,
                        exact: depth == path.len(),
                        found: depth,
                    };
                }
            }
        }
        Resolved {
            span: node.focus,
            exact: true,
            found: path.len(),
        }
    }

    /// Follows `path` exactly and returns the subtree, if every step exists.
    pub fn get(&self, path: &[PathSeg]) -> Option<&SpanTree> {
        let mut node = self;
        for seg in path {
            node = node.child(seg)?;
        }
        Some(node)
    }

    /// Removes and returns the subtree at `path` (used to split `kind: List` into items).
    pub fn take(&mut self, path: &[PathSeg]) -> Option<SpanTree> {
        let (last, parents) = path.split_last()?;
        let mut node = self;
        for seg in parents {
            node = match (&mut node.children, seg) {
                (Children::Map(entries), PathSeg::Key(k)) => entries
                    .iter_mut()
                    .rev()
                    .find(|(name, _)| name == k)
                    .map(|(_, t)| t)?,
                (Children::Seq(items), PathSeg::Index(i)) => items.get_mut(*i)?,
                _ => return None,
            };
        }
        match (&mut node.children, last) {
            (Children::Map(entries), PathSeg::Key(k)) => {
                let (_, t) = entries.iter_mut().rev().find(|(name, _)| name == k)?;
                Some(std::mem::take(t))
            }
            (Children::Seq(items), PathSeg::Index(i)) => items.get_mut(*i).map(std::mem::take),
            _ => None,
        }
    }
}

/// Turns byte offsets of one source text into lines and columns (and back), for the few
/// places that need them: reports, problems, suppression comments.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line (line 1 at index 0).
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Line breaks as YAML counts them: `\n`, `\r\n`, and a lone `\r` (old Mac files).
        // The breaks are found by `memchr` (a chart's rendered stream is a megabyte or more).
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        LineIndex { line_starts }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of a 1-based line, without its line terminator.
    pub fn line_range(&self, text: &str, line: u32) -> std::ops::Range<usize> {
        let i = (line.max(1) - 1) as usize;
        let start = self
            .line_starts
            .get(i)
            .map(|s| *s as usize)
            .unwrap_or(text.len())
            .min(text.len());
        let mut end = self
            .line_starts
            .get(i + 1)
            .map(|e| *e as usize - 1)
            .unwrap_or(text.len())
            .min(text.len());
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The byte offset of a 1-based line and 0-based character column; a column past the end
    /// of the line is the line's end.
    pub fn offset_at_line_col(&self, text: &str, line: u32, col0: usize) -> usize {
        let range = self.line_range(text, line);
        let line_text = text.get(range.start..range.end).unwrap_or("");
        match line_text.char_indices().nth(col0) {
            Some((i, _)) => range.start + i,
            None => range.end,
        }
    }

    /// The 1-based line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// The line and column of a byte offset.
    pub fn pos_at_offset(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize - 1] as usize;
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0) as u32
            + 1;
        Pos { line, column }
    }

    /// A span that covers only the first line of `span` (trailing blanks trimmed), for
    /// pointing at a multi-line collection without painting all of it.
    pub fn first_line(&self, text: &str, span: Span) -> Span {
        // A short span without a line break lies on one line (a line starts after a break):
        // no lookup needed.
        if let Some(b) = text.as_bytes().get(span.start as usize..span.end as usize)
            && b.len() <= 256
            && !b.iter().any(|&c| c == b'\n' || c == b'\r')
        {
            return span;
        }
        let line = self.line_of(span.start as usize);
        if line == self.line_of(span.end as usize) {
            return span;
        }
        let range = self.line_range(text, line);
        let rest = text.get(span.start as usize..range.end).unwrap_or("");
        Span::new(
            span.start as usize,
            span.start as usize + rest.trim_end().len(),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_start_fast_is_trim_start() {
        for s in [
            "",
            " ",
            "    a b ",
            "\t a",
            "  \u{a0}x",
            "  \u{2003}y",
            " \u{b}z",
            "  \r\n",
            "a  ",
            "   é",
            "  #",
        ] {
            assert_eq!(super::trim_start_fast(s), s.trim_start(), "{s:?}");
        }
    }

    use super::*;

    #[test]
    fn offsets_and_columns_count_characters() {
        let text = "a: é\r\nbb: 1\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.offset_at_line_col(text, 1, 3), 3);
        assert_eq!(idx.pos_at_offset(text, 3), Pos { line: 1, column: 4 });
        // After `é` (two bytes, one character): byte 5, column 5.
        assert_eq!(idx.pos_at_offset(text, 5), Pos { line: 1, column: 5 });
        assert_eq!(idx.offset_at_line_col(text, 2, 4), 11);
        assert_eq!(idx.pos_at_offset(text, 11), Pos { line: 2, column: 5 });
        assert_eq!(idx.line_range(text, 1), 0..5);
        // A column past the end of a line is the line's end, not the next line.
        assert_eq!(idx.offset_at_line_col(text, 1, 40), 5);
    }

    #[test]
    fn multibyte_columns_count_unicode_scalars_not_bytes() {
        // 4-byte emoji, 3-byte CJK, 2-byte accented: columns stay 1-based character counts.
        let text = "k: 😀漢é x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(x, 3 + 4 + 3 + 2 + 1);
        assert_eq!(idx.pos_at_offset(text, x), Pos { line: 1, column: 8 });
        assert_eq!(idx.offset_at_line_col(text, 1, 7), x);
        assert_eq!(
            idx.pos_at_offset(text, text.len()),
            Pos { line: 2, column: 1 }
        );
    }

    #[test]
    fn first_line_trims_a_multi_line_span_to_its_first_line() {
        let text = "spec:  \n  a: 1\n";
        let idx = LineIndex::new(text);
        let whole = Span::new(0, text.len() - 1);
        assert_eq!(&text[idx.first_line(text, whole).range()], "spec:");
        let one = Span::new(9, 13);
        assert_eq!(idx.first_line(text, one), one);
    }

    #[test]
    fn first_line_of_every_span_agrees_with_the_line_lookup() {
        let text = "a: 1\r\nb:\r  c: x\n\n  d: \"y\"\r\n";
        let idx = LineIndex::new(text);
        for start in 0..=text.len() {
            for end in start..=text.len() {
                let span = Span::new(start, end);
                let want = if idx.line_of(start) == idx.line_of(end) {
                    span
                } else {
                    let range = idx.line_range(text, idx.line_of(start));
                    let rest = text.get(start..range.end).unwrap_or("");
                    Span::new(start, start + rest.trim_end().len())
                };
                assert_eq!(idx.first_line(text, span), want, "{start}..{end}");
            }
        }
    }

    proptest::proptest! {
        /// The line starts found by `memchr` are those of a byte-by-byte reading.
        #[test]
        fn line_starts_equal_a_byte_by_byte_reading(text in "[a\\r\\né \\t]{0,80}") {
            let bytes = text.as_bytes();
            let mut want = vec![0u32];
            for (i, b) in bytes.iter().enumerate() {
                if *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                    want.push(i as u32 + 1);
                }
            }
            proptest::prop_assert_eq!(LineIndex::new(&text).line_starts, want);
        }
    }

    #[test]
    fn a_lone_carriage_return_breaks_a_line() {
        let text = "a: 1\rb: 2\r\nc: 3\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(&text[idx.line_range(text, 2)], "b: 2");
        assert_eq!(&text[idx.line_range(text, 3)], "c: 3");
        assert_eq!(idx.pos_at_offset(text, 5).line, 2);
    }

    #[test]
    fn resolve_falls_back_to_nearest_ancestor() {
        // Node `l` covers bytes `10 * l .. 10 * l + 1`.
        let leaf = |l: u32| SpanTree::leaf(Span::new(10 * l as usize, 10 * l as usize + 1));
        let mut root = leaf(1);
        let mut spec = leaf(2);
        spec.children = Children::Map(vec![("a".into(), leaf(3))]);
        root.children = Children::Map(vec![("spec".into(), spec)]);
        let path = [PathSeg::Key("spec".into()), PathSeg::Key("missing".into())];
        let r = root.resolve(&path);
        assert!(!r.exact);
        assert_eq!(r.span.start, 20);
        let r = root.resolve(&[PathSeg::Key("spec".into()), PathSeg::Key("a".into())]);
        assert!(r.exact);
        assert_eq!(r.span.start, 30);
    }
}
