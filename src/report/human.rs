//! The human report: miette diagnostics with the source snippet and a label at the exact span,
//! then a summary table (rule, severity, count) and the compliance summary.
//!
//! Snippets come from the file's text through [`Snippet`], a [`SourceCode`] over the file's
//! [`LineIndex`], so each diagnostic costs a binary search rather than a rescan of the file.
//! The text is the file's redacted text: credentials are masked in every line shown, whatever
//! rule the finding is about (see [`crate::source::secrets`]).

mod snippet;

pub use snippet::{MASK, Snippet};

use super::{RenderOptions, RunReport, table};
use crate::compliance::ComplianceSummary;
use crate::finding::Finding;
use crate::finding::{Problem, ProblemLevel};
use crate::rule::Severity;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode, SourceSpan,
};
use std::fmt;

/// One finding as a miette diagnostic.
#[derive(Debug)]
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    snippet: Snippet<'a>,
    span: SourceSpan,
}

/// The source a finding is shown with, and its span in it: the whole file, or for rules about
/// secret values only the finding's lines, masked.
fn snippet_of(finding: &Finding) -> (Snippet<'_>, SourceSpan) {
    // The masked source: every credential of the file is hidden, whatever the rule.
    Snippet::file(&finding.file, finding.span)
}

/// The lines the human report shows for a finding, `context` lines either side, as (line
/// number, text): the same source, with the same masking, as the diagnostics (the HTML report
/// uses it).
pub fn snippet_lines(finding: &Finding, context: usize) -> Vec<(u32, String)> {
    let (snippet, span) = snippet_of(finding);
    let Ok(contents) = snippet.read_span(&span, context, context) else {
        return Vec::new();
    };
    let first = contents.line() as u32 + 1;
    String::from_utf8_lossy(contents.data())
        .lines()
        .enumerate()
        .map(|(i, l)| (first + i as u32, l.to_string()))
        .collect()
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding) -> Self {
        let (snippet, span) = snippet_of(finding);
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
        let text = if f.exact() {
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
        // Lines break at spaces only, and a word is never split (at a hyphen, or because it
        // is longer than the line): a rule id (`K8S-019`), a control (`AC-6(10)`), a path or a
        // Kubernetes name stays whole, to be searched and copied. It is also far cheaper than
        // the Unicode line-break segmenter textwrap uses by default (≈ 56,000 instructions a
        // finding).
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
}

/// Renders the run with its compliance summary (computed once per run, see [`super::Evidence::summarize`]).
pub fn render(report: &RunReport, opts: RenderOptions, compliance: &ComplianceSummary) -> String {
    let handler = handler(opts);
    // Each diagnostic is rendered on its own (in parallel: thousands of them take tens of
    // milliseconds), then joined in the report's order.
    let active: Vec<&crate::finding::Finding> = report.active().collect();
    let rendered: Vec<String> = {
        use rayon::prelude::*;
        active
            .par_iter()
            .map(|f| {
                let mut one = String::new();
                if handler
                    .render_report(&mut one, &FindingDiagnostic::new(f))
                    .is_err()
                {
                    one = format!(
                        "{}:{}:{}: {} {}\n",
                        f.file.path,
                        f.start().line,
                        f.start().column,
                        f.rule.id,
                        f.message
                    );
                }
                one.push('\n');
                one
            })
            .collect()
    };
    let mut out = rendered.concat();
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
