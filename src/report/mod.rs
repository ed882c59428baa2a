//! Reports: one emitter per format. They render findings and problems; they never re-parse.
//!
//! Inputs hold credentials. An emitter never writes `SourceFile::text` or anything taken from
//! it: source lines come from [`SourceFile::redaction`](crate::source::SourceFile::redaction)
//! (or `redacted_line`), other text derived from an input through
//! [`SourceFile::redact`](crate::source::SourceFile::redact) or
//! [`secrets::redact_text`](crate::source::secrets::redact_text). Finding and problem messages arrive
//! already redacted (`run::check`). `tests/no_secret_in_output.rs` feeds credentials through
//! every format and command: add new ones there.

pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod merge;
pub mod oscal;
pub mod rule_doc;
pub mod sarif;
pub mod table;

use crate::compliance::ComplianceSummary;
use crate::finding::{Finding, Problem, ProblemLevel};
use crate::rule::{Rule, Severity};
use std::sync::Arc;

/// Everything a report needs about one run.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Sorted by file, line, column, rule id, message. Suppressed findings included.
    pub findings: Vec<Finding>,
    /// Files or parts of files that could not be checked (errors) or were skipped (notes), sorted.
    pub problems: Vec<Problem>,
    /// The rules that were active in this run, sorted by id.
    pub rules: Vec<Arc<Rule>>,
    /// Number of files read, and of documents checked.
    pub files: usize,
    pub documents: usize,
    /// The `--fail-on` threshold.
    pub fail_on: Severity,
    /// Fingerprints recorded in the baseline that no longer match a finding (fixed since).
    pub fixed_from_baseline: usize,
    /// runeguard's version, for tool metadata.
    pub version: String,
}

impl RunReport {
    /// Findings that are not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    /// True when a finding at or above the threshold is not suppressed.
    pub fn has_failures(&self) -> bool {
        self.active().any(|f| f.severity >= self.fail_on)
    }

    /// The problems that left something unchecked (not the notes).
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.level == ProblemLevel::Error)
    }

    /// True when something could not be checked.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The exit code this run implies.
    pub fn exit(&self) -> crate::exit::Exit {
        crate::exit::Exit::of(self.has_errors(), self.has_failures())
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Human,
    Table,
    Sarif,
    Json,
    Junit,
    /// OSCAL assessment results (JSON).
    Oscal,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "human" => Some(Format::Human),
            "table" => Some(Format::Table),
            "sarif" => Some(Format::Sarif),
            "json" => Some(Format::Json),
            "junit" => Some(Format::Junit),
            "oscal" => Some(Format::Oscal),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Table => "table",
            Format::Sarif => "sarif",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Oscal => "oscal",
            Format::Html => "html",
        }
    }
}

/// How to render for the destination.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colours (only on a terminal, never with NO_COLOR).
    pub color: bool,
    /// Terminal hyperlinks (only on a terminal).
    pub links: bool,
    /// Terminal width for wrapping, if known.
    pub width: Option<usize>,
}

/// The fixed report time used when none is given (`--report-time`, `SOURCE_DATE_EPOCH`), so that
/// the same inputs give byte-identical OSCAL and HTML reports.
pub const FIXED_TIME: &str = "1970-01-01T00:00:00Z";

/// What the evidence formats (OSCAL, HTML) and the compliance summary need besides the run.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// `--framework`: the compliance summary keeps only these (empty: all).
    pub frameworks: Vec<crate::rule::Framework>,
    /// `--profile`: the SP 800-53 baseline whose coverage is reported.
    pub profile: Option<crate::compliance::Profile>,
    /// The report's time, RFC 3339 in UTC (`--report-time`, `SOURCE_DATE_EPOCH`, or [`FIXED_TIME`]).
    pub time: String,
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            frameworks: Vec::new(),
            profile: None,
            time: FIXED_TIME.to_string(),
        }
    }
}

impl Evidence {
    /// The compliance summary of a run, computed once and handed to every emitter: restricted
    /// to `--framework`, with the coverage of `--profile`. No emitter computes it itself.
    pub fn summarize(&self, report: &RunReport) -> ComplianceSummary {
        crate::compliance::summarize(&report.rules, &report.findings)
            .with_profile(self.profile)
            .only(&self.frameworks)
    }
}

/// Renders a report in one format, given its compliance summary ([`Evidence::summarize`]).
pub fn render(
    format: Format,
    report: &RunReport,
    summary: &ComplianceSummary,
    opts: RenderOptions,
    evidence: &Evidence,
) -> String {
    match format {
        Format::Human => human::render(report, opts, summary),
        Format::Table => table::render(report, opts, summary),
        Format::Sarif => sarif::render(report),
        Format::Json => json::render(report, summary),
        Format::Junit => junit::render(report),
        Format::Oscal => oscal::render(report, summary, evidence),
        Format::Html => html::render(report, summary, evidence),
    }
}
