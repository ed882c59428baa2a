//! Source text for miette, read through the file's [`LineIndex`]; and the masking of secret
//! values in snippets.

use crate::input::InputType;
use crate::input::span::{LineIndex, Span};
use crate::rule::Rule;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::borrow::Cow;

/// What a masked value is shown as.
pub const MASK: &str = "********";

/// Rules whose findings point at a secret value: their snippets are masked.
const SECRET_RULES: [&str; 6] = [
    "K8S-017", "K8S-035", "K8S-036", "SQL-010", "CFG-013", "CFG-016",
];

/// True when a rule's findings may point at a secret value.
pub fn is_secret_rule(rule: &Rule) -> bool {
    let name = rule.name.to_ascii_lowercase();
    SECRET_RULES.contains(&rule.id.as_str()) || name.contains("secret") || name.contains("password")
}

/// Source text for miette: a whole file (borrowed) or a masked excerpt of it (owned).
#[derive(Debug)]
pub struct Snippet<'a> {
    name: &'a str,
    text: Cow<'a, str>,
    lines: Cow<'a, LineIndex>,
    /// The file line number of the text's first line.
    first_line: u32,
    /// False for masked excerpts: never show lines around the span.
    context: bool,
}

impl<'a> Snippet<'a> {
    /// The whole file, borrowed, and the byte range of `span` in it.
    pub fn file(
        name: &'a str,
        text: &'a str,
        lines: &'a LineIndex,
        span: Span,
    ) -> (Self, SourceSpan) {
        let start = span.start.offset.min(text.len());
        let end = span.end.offset.clamp(start, text.len());
        let snippet = Snippet {
            name,
            text: Cow::Borrowed(text),
            lines: Cow::Borrowed(lines),
            first_line: 1,
            context: true,
        };
        (snippet, SourceSpan::new(start.into(), end - start))
    }

    /// The lines of `span` only, with the value masked, and the span's range in the excerpt.
    pub fn masked(
        name: &'a str,
        text: &'a str,
        lines: &'a LineIndex,
        span: Span,
        input: InputType,
    ) -> (Self, SourceSpan) {
        let first = span.start.line.max(1);
        let last = span.end.line.max(first);
        let mut out = String::new();
        let (mut start_off, mut end_off) = (0, 0);
        for line in first..=last {
            let range = lines.line_range(text, line);
            let line_text = text.get(range.clone()).unwrap_or("");
            // The whole line is masked, not only the span: a span that starts or ends inside
            // the value (or is empty) must not leave part of it visible.
            let masked = match input {
                InputType::Postgres => mask_sql_literals(line_text),
                _ => mask_value(line_text, line == first),
            };
            if line == first {
                let at = span.start.offset.clamp(range.start, range.end) - range.start;
                start_off = out.len() + map_offset(line_text, &masked, at, false);
            }
            if line == last {
                let at = span.end.offset.clamp(range.start, range.end) - range.start;
                end_off = out.len() + map_offset(line_text, &masked, at, true);
            }
            out.push_str(&masked);
            if line < last {
                out.push('\n');
            }
        }
        let lines = LineIndex::new(&out);
        let len = end_off.saturating_sub(start_off);
        let snippet = Snippet {
            name,
            text: Cow::Owned(out),
            lines: Cow::Owned(lines),
            first_line: first,
            context: false,
        };
        (snippet, SourceSpan::new(start_off.into(), len))
    }

    fn line_start(&self, line: u32) -> usize {
        self.lines.line_range(&self.text, line).start
    }
}

/// Where byte offset `at` of `line` lands in `masked`, its masked form. Offsets in the
/// unchanged head or tail keep their place; offsets inside the masked part go to its start, or
/// to its end for the end of a span.
fn map_offset(line: &str, masked: &str, at: usize, end: bool) -> usize {
    let prefix: usize = line
        .chars()
        .zip(masked.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let max_suffix = line.len().min(masked.len()) - prefix;
    let suffix: usize = line
        .chars()
        .rev()
        .zip(masked.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>()
        .min(max_suffix);
    if at <= prefix {
        at
    } else if at >= line.len() - suffix {
        masked.len() - (line.len() - at)
    } else if end {
        masked.len() - suffix
    } else {
        prefix
    }
}

/// `key: value`, `key = value`, `"key": value` and `- KEY=value` keep their key; the value is
/// masked. Continuation lines (block scalars) are masked whole, their indentation kept.
fn mask_value(seg: &str, first: bool) -> String {
    let body = seg.trim_start();
    let indent = &seg[..seg.len() - body.len()];
    if !first {
        return if body.is_empty() {
            seg.to_string()
        } else {
            format!("{indent}{MASK}")
        };
    }
    let bytes = body.as_bytes();
    let mut cut = None;
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        if b == b'=' || (b == b':' && next.is_none_or(|n| n == b' ' || n == b'\t')) {
            cut = Some(i + 1);
            break;
        }
    }
    let Some(cut) = cut else {
        // A bare value (a sequence item): mask all of it but a leading `- `.
        let item = body.strip_prefix("- ").map(|_| "- ").unwrap_or("");
        return if body.len() > item.len() {
            format!("{indent}{item}{MASK}")
        } else {
            seg.to_string()
        };
    };
    let (key, value) = body.split_at(cut);
    let v = value.trim_start();
    let gap = &value[..value.len() - v.len()];
    let v = v.trim_end();
    // Nothing on this line, or a block scalar indicator (`|`, `>-`): nothing to hide here.
    let block_indicator = v
        .strip_prefix(['|', '>'])
        .is_some_and(|rest| rest.chars().all(|c| matches!(c, '-' | '+' | '1'..='9')));
    if v.is_empty() || block_indicator {
        return seg.to_string();
    }
    let comma = if v.ends_with(',') { "," } else { "" };
    format!("{indent}{key}{gap}{MASK}{comma}")
}

/// Masks the contents of every SQL string literal (`'…'`, `E'…'`, `$$…$$`) in a segment.
fn mask_sql_literals(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    let mut rest = seg;
    while let Some(i) = rest.find(['\'', '$']) {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        if let Some(after) = from.strip_prefix('\'') {
            // An escape string (`E'…'`) also escapes with a backslash.
            let mut prev = before.chars().rev();
            let escapes = matches!(prev.next(), Some('E' | 'e'))
                && !prev.next().is_some_and(|c| c.is_alphanumeric() || c == '_');
            // Find the closing quote, `''` being an escaped quote.
            let mut j = 0;
            let b = after.as_bytes();
            let close = loop {
                match b.get(j) {
                    None => break None,
                    Some(b'\\') if escapes => j += 2,
                    Some(b'\'') if b.get(j + 1) == Some(&b'\'') => j += 2,
                    Some(b'\'') => break Some(j),
                    Some(_) => j += 1,
                }
            };
            out.push('\'');
            out.push_str(MASK);
            match close {
                Some(j) => {
                    out.push('\'');
                    rest = &after[j + 1..];
                }
                None => rest = "",
            }
        } else if let Some(after) = from.strip_prefix("$$") {
            out.push_str("$$");
            out.push_str(MASK);
            match after.find("$$") {
                Some(j) => {
                    out.push_str("$$");
                    rest = &after[j + 2..];
                }
                None => rest = "",
            }
        } else {
            out.push('$');
            rest = &from[1..];
        }
    }
    out.push_str(rest);
    out
}

impl SourceCode for Snippet<'_> {
    fn read_span<'s>(
        &'s self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'s> + 's>, MietteError> {
        let text: &str = &self.text;
        let (start, len) = (span.offset(), span.len());
        if start > text.len() || start + len > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let spos = self.lines.pos_at_offset(text, start);
        let last_byte = if len == 0 { start } else { start + len - 1 };
        let end_line = self.lines.pos_at_offset(text, last_byte).line;
        let count = self.lines.line_count() as u32;
        // miette asks for no context when it wants the span's own line and column (the header).
        let header = before == 0;
        let (before, after) = if self.context {
            (before as u32, after as u32)
        } else {
            (0, 0)
        };
        let first = spos.line.saturating_sub(before).max(1);
        let last = end_line.saturating_add(after).min(count).max(end_line);
        let end = if last < count {
            self.line_start(last + 1)
        } else {
            text.len()
        };
        let (data_start, column) = if header {
            (start, spos.column.saturating_sub(1) as usize)
        } else {
            (self.line_start(first), 0)
        };
        let data = text
            .as_bytes()
            .get(data_start..end)
            .ok_or(MietteError::OutOfBounds)?;
        let line0 = (first + self.first_line - 1).saturating_sub(1) as usize;
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

    fn masked(seg: &str) -> String {
        mask_value(seg, true)
    }

    #[test]
    fn masks_values_and_keeps_keys() {
        assert_eq!(masked("value: \"hunter2\""), "value: ********");
        assert_eq!(
            masked("password: hunter2 # a comment"),
            "password: ********"
        );
        assert_eq!(masked("\"password\": \"x\","), "\"password\": ********,");
        assert_eq!(masked("api_key = \"abc\""), "api_key = ********");
        assert_eq!(masked("- DB_PASSWORD=hunter2"), "- DB_PASSWORD=********");
        assert_eq!(masked("url: postgres://u:p@h/db"), "url: ********");
        assert_eq!(masked("- hunter2"), "- ********");
        assert_eq!(masked("hunter2"), "********");
        assert_eq!(
            masked("REDIS_PASSWORD: 123456 # note"),
            "REDIS_PASSWORD: ********"
        );
        assert_eq!(masked("key: |2-"), "key: |2-");
        // Nothing on the line to hide: a mapping key or a block scalar indicator.
        assert_eq!(masked("data:"), "data:");
        assert_eq!(masked("value: |"), "value: |");
        assert_eq!(masked("value: >-"), "value: >-");
        // Continuation lines of a block scalar are masked whole, indentation kept.
        assert_eq!(mask_value("    tok-9f8e", false), "    ********");
        assert_eq!(mask_value("   ", false), "   ");
    }

    #[test]
    fn masks_sql_string_literals() {
        assert_eq!(
            mask_sql_literals("CREATE ROLE app LOGIN PASSWORD 'hunter2''s';"),
            "CREATE ROLE app LOGIN PASSWORD '********';"
        );
        assert_eq!(
            mask_sql_literals("ALTER USER a PASSWORD 'x' VALID UNTIL 'infinity'"),
            "ALTER USER a PASSWORD '********' VALID UNTIL '********'"
        );
        assert_eq!(
            mask_sql_literals("PASSWORD $$x'y$$;"),
            "PASSWORD $$********$$;"
        );
        assert_eq!(
            mask_sql_literals("PASSWORD 'unterminated"),
            "PASSWORD '********"
        );
        assert_eq!(mask_sql_literals("SELECT $1"), "SELECT $1");
        assert_eq!(
            mask_sql_literals("PASSWORD E'pa\\'ss' VALID"),
            "PASSWORD E'********' VALID"
        );
        assert_eq!(
            mask_sql_literals("WHERE name = 'a\\'"),
            "WHERE name = '********'"
        );
    }

    #[test]
    fn masked_excerpt_spans_only_the_finding_lines() {
        let text = "a: 1\nenv:\n  - name: TOKEN\n    value: \"sëcret\"\nb: 2\n";
        let lines = LineIndex::new(text);
        let start = lines.pos_at_line_col(text, 4, 4);
        let end = lines.pos_at_line_col(text, 4, 19);
        let (snippet, span) = Snippet::masked(
            "f.yaml",
            text,
            &lines,
            Span::new(start, end),
            InputType::Kubernetes,
        );
        assert_eq!(snippet.text, "    value: ********");
        assert_eq!((span.offset(), span.len()), (4, 15));
        let contents = snippet.read_span(&span, 1, 1).expect("in bounds");
        assert_eq!(contents.line(), 3, "0-based line of the file");
        assert_eq!(
            std::str::from_utf8(contents.data()).ok(),
            Some("    value: ********")
        );
        let header = snippet.read_span(&span, 0, 0).expect("in bounds");
        assert_eq!((header.line(), header.column()), (3, 4));
    }

    #[test]
    fn file_snippet_reads_context_and_columns_in_characters() {
        let text = "é: 1\nkey: välue\nz: 3";
        let lines = LineIndex::new(text);
        let start = lines.pos_at_line_col(text, 2, 5);
        let end = lines.pos_at_line_col(text, 2, 10);
        let (snippet, span) = Snippet::file("f.yaml", text, &lines, Span::new(start, end));
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
