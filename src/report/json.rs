//! The JSON report: a stable, versioned document for scripts, described in `docs/json-output.md`.
//!
//! Version 1. Fields are only ever added within a version; renaming or removing one, or
//! changing its meaning, bumps `version`.

use super::RunReport;
use crate::compliance::ComplianceSummary;
use crate::finding::{Finding, SuppressionKind};
use crate::finding::{Problem, ProblemLevel};
use crate::rule::{Framework, Severity};
use crate::source::span::PathSeg;
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema version of the JSON report.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool<'a>,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    problems: Vec<JsonProblem<'a>>,
    compliance: &'a ComplianceSummary,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    documents: usize,
    rules: usize,
    /// Unsuppressed findings.
    findings: usize,
    /// Unsuppressed findings per severity (every severity present, zero included).
    by_severity: BySeverity,
    suppressed: usize,
    fixed_from_baseline: usize,
    errors: usize,
    notes: usize,
    fail_on: Severity,
    /// True when an unsuppressed finding is at or above `fail_on`.
    failed: bool,
    /// True when something could not be checked (an error-level problem).
    incomplete: bool,
    /// The exit code this report implies: 2 incomplete, 1 failed, 0 otherwise.
    exit_code: u8,
}

#[derive(Serialize, Default)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    resource: &'a str,
    path: &'a [PathSeg],
    /// False when the path's last steps are absent and the location is their nearest ancestor.
    exact: bool,
    fingerprint: &'a str,
    controls: &'a BTreeMap<Framework, Vec<String>>,
    suppression: Option<JsonSuppression<'a>>,
    /// For charts and overlays: the rest of the chain that produced the node.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    role: &'static str,
    file: &'a str,
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
    origin: &'a str,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    level: ProblemLevel,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule_id: &f.rule.id,
        rule_name: &f.rule.name,
        severity: f.severity,
        message: &f.message,
        file: &f.file.path,
        start_line: f.start().line,
        start_column: f.start().column,
        end_line: f.end().line,
        end_column: f.end().column,
        resource: &f.resource,
        path: &f.path,
        exact: f.exact(),
        fingerprint: &f.fingerprint,
        controls: &f.rule.controls,
        suppression: f.suppression.as_ref().map(|s| JsonSuppression {
            kind: match s.kind {
                SuppressionKind::InSource => "in_source",
                SuppressionKind::External => "external",
            },
            justification: &s.justification,
            origin: &s.origin,
        }),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                role: r.role,
                file: &r.file.path,
                start_line: r.start().line,
                start_column: r.start().column,
                end_line: r.end().line,
                end_column: r.end().column,
            })
            .collect(),
    }
}

fn problem(p: &Problem) -> JsonProblem<'_> {
    JsonProblem {
        level: p.level,
        file: &p.file,
        line: p.pos.map(|p| p.line),
        column: p.pos.map(|p| p.column),
        message: &p.message,
    }
}

/// Renders the run with its compliance summary (computed once per run, see [`super::Evidence::summarize`]).
pub fn render(report: &RunReport, compliance: &ComplianceSummary) -> String {
    let mut by_severity = BySeverity::default();
    for f in report.active() {
        *match f.severity {
            Severity::Critical => &mut by_severity.critical,
            Severity::High => &mut by_severity.high,
            Severity::Medium => &mut by_severity.medium,
            Severity::Low => &mut by_severity.low,
            Severity::Info => &mut by_severity.info,
        } += 1;
    }
    let active = report.active().count();
    let errors = report.errors().count();
    let output = Output {
        version: VERSION,
        tool: Tool {
            name: "runeguard",
            version: &report.version,
        },
        summary: Summary {
            files: report.files,
            documents: report.documents,
            rules: report.rules.len(),
            findings: active,
            by_severity,
            suppressed: report.findings.len() - active,
            fixed_from_baseline: report.fixed_from_baseline,
            errors,
            notes: report.problems.len() - errors,
            fail_on: report.fail_on,
            failed: report.has_failures(),
            incomplete: report.has_errors(),
            exit_code: report.exit().code(),
        },
        findings: report.findings.iter().map(finding).collect(),
        problems: report.problems.iter().map(problem).collect(),
        compliance,
    };
    let mut out =
        serde_json::to_string_pretty(&output).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
