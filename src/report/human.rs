//! The human report: miette diagnostics with the source snippet and a label at the exact span,
//! then a summary table (rule, severity, count) and the compliance summary.
//!
//! Snippets come from the file's text through [`Snippet`], a [`SourceCode`] over the file's
//! [`LineIndex`], so each diagnostic costs a binary search rather than a rescan of the file.
//! Findings of rules about secret values show only their own lines, with the value masked.

use super::{RenderOptions, RunReport, table};
use crate::compliance::{self, ComplianceSummary};
use crate::finding::Finding;
use crate::input::ProblemLevel;
use crate::input::span::{LineIndex, Span};
use crate::input::{InputType, Problem};
use crate::rule::{Rule, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::borrow::Cow;
use std::fmt;

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
            let seg_start = if line == first {
                span.start.offset.clamp(range.start, range.end) - range.start
            } else {
                0
            };
            let seg_end = if line == last {
                span.end.offset.clamp(range.start, range.end) - range.start
            } else {
                line_text.len()
            };
            let seg_end = seg_end.max(seg_start);
            let (masked, new_end) = mask_line(line_text, seg_start, seg_end, line == first, input);
            if line == first {
                start_off = out.len() + seg_start;
            }
            if line == last {
                end_off = out.len() + new_end;
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

/// Masks the value on one line of a span, between byte offsets `start` and `end` of `line`.
/// Returns the new line and the new end offset of the span on it.
fn mask_line(
    line: &str,
    start: usize,
    end: usize,
    first: bool,
    input: InputType,
) -> (String, usize) {
    let (head, seg, tail) = match (line.get(..start), line.get(start..end), line.get(end..)) {
        (Some(h), Some(s), Some(t)) => (h, s, t),
        _ => return (line.to_string(), end),
    };
    let masked = match input {
        InputType::Postgres => mask_sql_literals(seg),
        _ => mask_value(seg, first),
    };
    (format!("{head}{masked}{tail}"), head.len() + masked.len())
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
    if v.is_empty()
        || v.trim_start_matches([
            '|', '>', '-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
        ])
        .is_empty()
    {
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
            // Find the closing quote, `''` being an escaped quote.
            let mut j = 0;
            let b = after.as_bytes();
            let close = loop {
                match b.get(j) {
                    None => break None,
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

/// One finding as a miette diagnostic.
#[derive(Debug)]
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    snippet: Snippet<'a>,
    span: SourceSpan,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding) -> Self {
        let file = &*finding.file;
        let (snippet, span) = if is_secret_rule(&finding.rule) {
            Snippet::masked(
                &file.path,
                &file.text,
                &file.lines,
                finding.span,
                finding.rule.input,
            )
        } else {
            Snippet::file(&file.path, &file.text, &file.lines, finding.span)
        };
        FindingDiagnostic {
            finding,
            snippet,
            span,
        }
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low | Severity::Info => miette::Severity::Advice,
    }
}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule.id))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.finding.severity))
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let r = self.finding.rule.remediation.trim();
        (!r.is_empty()).then(|| Box::new(r) as Box<dyn fmt::Display>)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .rule
            .help_uri()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.snippet)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let text = if f.exact {
            format!("{}: {}", f.severity, f.rule.name)
        } else {
            format!(
                "{}: {} (`{}` is not set)",
                f.severity,
                f.rule.name,
                f.path_string()
            )
        };
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(text), self.span),
        )))
    }
}

/// A file that could not be checked (or a note about one), as a diagnostic without a snippet.
#[derive(Debug)]
struct ProblemDiagnostic<'a>(&'a Problem);

impl fmt::Display for ProblemDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

impl std::error::Error for ProblemDiagnostic<'_> {}

impl Diagnostic for ProblemDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.level {
            ProblemLevel::Error => miette::Severity::Error,
            ProblemLevel::Note => miette::Severity::Advice,
        })
    }
}

fn handler(opts: RenderOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(opts.links)
        .with_width(opts.width.unwrap_or(120))
        .with_context_lines(1)
}

pub fn render(report: &RunReport, opts: RenderOptions) -> String {
    render_with(
        report,
        opts,
        &compliance::summarize(&report.rules, &report.findings),
    )
}

/// Renders with a given compliance summary (e.g. one restricted to `--framework`).
pub fn render_with(
    report: &RunReport,
    opts: RenderOptions,
    compliance: &ComplianceSummary,
) -> String {
    let handler = handler(opts);
    let mut out = String::new();
    for f in report.active() {
        let d = FindingDiagnostic::new(f);
        if handler.render_report(&mut out, &d).is_err() {
            out.push_str(&format!(
                "{}:{}:{}: {} {}\n",
                f.file.path, f.span.start.line, f.span.start.column, f.rule.id, f.message
            ));
        }
        out.push('\n');
    }
    for p in &report.problems {
        if handler
            .render_report(&mut out, &ProblemDiagnostic(p))
            .is_err()
        {
            out.push_str(&format!("{p}\n"));
        }
        out.push('\n');
    }
    out.push_str(&table::summary(report, opts, compliance));
    out
}
