//! Source text for miette: the file's redacted text (credentials masked, see
//! [`crate::source::secrets`]), read through its [`LineIndex`].

use crate::source::SourceFile;
use crate::source::span::{LineIndex, Span};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

pub use crate::source::secrets::MASK;

/// Source text for miette: a file's redacted text, shared.
#[derive(Debug)]
pub struct Snippet<'a> {
    name: &'a str,
    redaction: Arc<crate::source::Redaction>,
    /// The masked offset of the finding's start, and its column in the original text (the
    /// header shows where the finding is in the file, whatever was masked before it).
    header: (usize, u32),
}

impl<'a> Snippet<'a> {
    /// The redacted text of `file`, and the range of `span` in it.
    pub fn file(file: &'a SourceFile, span: Span) -> (Self, SourceSpan) {
        let redaction = file.redaction();
        let red = &redaction.redacted;
        let len = red.text.len();
        let orig_start = (span.start as usize).min(file.text.len());
        let orig_end = (span.end as usize).max(orig_start).min(file.text.len());
        let start = red.offset(orig_start, false).min(len);
        let end = red.offset(orig_end, true).max(start).min(len);
        let snippet = Snippet {
            name: &file.path,
            redaction: redaction.clone(),
            header: (start, file.pos(span.start).column),
        };
        (snippet, SourceSpan::new(start.into(), end - start))
    }

    fn text(&self) -> &str {
        &self.redaction.redacted.text
    }

    fn lines(&self) -> &LineIndex {
        &self.redaction.redacted.lines
    }

    fn line_start(&self, line: u32) -> usize {
        self.lines().line_range(self.text(), line).start
    }
}

impl SourceCode for Snippet<'_> {
    fn read_span<'s>(
        &'s self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'s> + 's>, MietteError> {
        let text: &str = self.text();
        let (start, len) = (span.offset(), span.len());
        if start > text.len() || start + len > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let spos = self.lines().pos_at_offset(text, start);
        let last_byte = if len == 0 { start } else { start + len - 1 };
        let end_line = self.lines().pos_at_offset(text, last_byte).line;
        let count = self.lines().line_count() as u32;
        // miette asks for no context when it wants the span's own line and column (the header).
        let header = before == 0;
        let (before, after) = (before as u32, after as u32);
        let first = spos.line.saturating_sub(before).max(1);
        let last = end_line.saturating_add(after).min(count).max(end_line);
        let end = if last < count {
            self.line_start(last + 1)
        } else {
            text.len()
        };
        let (data_start, column) = if header {
            let column = if start == self.header.0 {
                self.header.1
            } else {
                spos.column
            };
            (start, column.saturating_sub(1) as usize)
        } else {
            (self.line_start(first), 0)
        };
        let data = text
            .as_bytes()
            .get(data_start..end)
            .ok_or(MietteError::OutOfBounds)?;
        let line0 = first.saturating_sub(1) as usize;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            data,
            SourceSpan::new(data_start.into(), end - data_start),
            line0,
            column,
            (last - first + 1) as usize,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_masks_credentials_in_context_lines() {
        let text = "a: 1\nenv:\n  - name: TOKEN\n    value: \"sëcret-välue-1\"\n  - name: MODE\n    value: fast\n";
        let file = SourceFile::new("f.yaml".into(), None, text.into());
        let start = file.lines.offset_at_line_col(text, 6, 4);
        let end = file.lines.offset_at_line_col(text, 6, 15);
        let (snippet, span) = Snippet::file(&file, Span::new(start, end));
        let ctx = snippet.read_span(&span, 2, 1).expect("in bounds");
        let shown = std::str::from_utf8(ctx.data()).expect("utf-8");
        assert!(!shown.contains("sëcret"), "{shown}");
        assert!(shown.contains("value: \"********\""), "{shown}");
        assert!(shown.contains("value: fast"), "{shown}");
        let header = snippet.read_span(&span, 0, 0).expect("in bounds");
        assert_eq!((header.line(), header.column()), (5, 4));
    }

    #[test]
    fn file_snippet_reads_context_and_columns_in_characters() {
        let text = "é: 1\nkey: välue\nz: 3";
        let file = SourceFile::new("f.yaml".into(), None, text.into());
        let start = file.lines.offset_at_line_col(text, 2, 5);
        let end = file.lines.offset_at_line_col(text, 2, 10);
        let (snippet, span) = Snippet::file(&file, Span::new(start, end));
        let ctx = snippet.read_span(&span, 1, 1).expect("in bounds");
        assert_eq!(std::str::from_utf8(ctx.data()).ok(), Some(text));
        assert_eq!((ctx.line(), ctx.column(), ctx.line_count()), (0, 0, 3));
        let header = snippet.read_span(&span, 0, 0).expect("in bounds");
        assert_eq!((header.line(), header.column()), (1, 5));
        assert!(
            snippet
                .read_span(&SourceSpan::new(100.into(), 1), 1, 1)
                .is_err()
        );
    }
}
