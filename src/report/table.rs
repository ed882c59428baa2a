//! The table report (one row per finding, a totals row, then the compliance table), and the
//! summary tables the human report ends with. comfy-table 8.

use super::{RenderOptions, RunReport};
use crate::compliance::{self, ComplianceSummary, ControlState};
use crate::finding::Finding;
use crate::finding::ProblemLevel;
use crate::rule::Severity;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::collections::BTreeMap;

/// At most this many failing control ids are listed per framework in the compliance table.
const MAX_LISTED_CONTROLS: usize = 8;

fn new_table(opts: RenderOptions) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    if opts.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    match opts.width.and_then(|w| u16::try_from(w).ok()) {
        Some(w) => {
            t.set_width(w);
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
        Severity::Info => Color::Cyan,
    }
}

fn severity_cell(s: Severity, opts: RenderOptions) -> Cell {
    let c = Cell::new(s.as_str());
    if opts.color {
        c.fg(severity_color(s)).add_attribute(Attribute::Bold)
    } else {
        c
    }
}

fn header(names: &[&str], opts: RenderOptions) -> Vec<Cell> {
    names
        .iter()
        .map(|n| {
            let c = Cell::new(n);
            if opts.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        })
        .collect()
}

fn num(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn location(f: &Finding) -> String {
    format!("{}:{}:{}", f.file.path, f.start().line, f.start().column)
}

/// `2 critical, 1 high` (only severities that occur), or `none`.
/// `2 high, 3 medium` for the unsuppressed findings, most severe first (`none` when clean).
pub fn severity_counts(report: &RunReport) -> String {
    let mut counts: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
    for f in report.active() {
        *counts.entry(std::cmp::Reverse(f.severity)).or_default() += 1;
    }
    if counts.is_empty() {
        return "none".into();
    }
    counts
        .iter()
        .map(|(s, n)| format!("{n} {}", s.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the run found but does not count against it: suppressed findings, and baseline
/// entries fixed since (each summary joins them its own way).
pub fn set_aside(report: &RunReport) -> Vec<String> {
    let mut parts = Vec::new();
    let suppressed = report.findings.len() - report.active().count();
    if suppressed > 0 {
        parts.push(format!("{suppressed} suppressed"));
    }
    if report.fixed_from_baseline > 0 {
        parts.push(format!(
            "{} fixed since the baseline",
            report.fixed_from_baseline
        ));
    }
    parts
}

/// One line that says what the run found: counts, suppressed, problems, baseline.
pub fn totals_line(report: &RunReport) -> String {
    let active = report.active().count();
    let errors = report.errors().count();
    let found = match active {
        0 => "no findings".to_string(),
        n => format!(
            "{} ({})",
            plural(n, "finding", "findings"),
            severity_counts(report)
        ),
    };
    let mut parts = vec![format!(
        "{found} in {}, {}, {}",
        plural(report.files, "file", "files"),
        plural(report.documents, "document", "documents"),
        plural(report.rules.len(), "rule", "rules"),
    )];
    parts.extend(set_aside(report));
    if errors > 0 {
        parts.push(format!(
            "{} not checked",
            plural(errors, "file or part", "files or parts")
        ));
    }
    parts.join("; ")
}

/// Per framework: controls in the catalog, covered by active rules, failing, passing, not covered.
pub fn compliance_table(summary: &ComplianceSummary, opts: RenderOptions) -> String {
    if summary.is_empty() {
        return String::new();
    }
    let mut t = new_table(opts);
    t.set_header(header(
        &[
            "Framework",
            "Controls",
            "Covered",
            "Failing",
            "Passing",
            "No rule",
            "Failing controls",
        ],
        opts,
    ));
    let unknown = || Cell::new("-").set_alignment(CellAlignment::Right);
    for s in &summary.frameworks {
        let failing: Vec<&str> = s
            .controls
            .iter()
            .filter(|c| c.status == ControlState::Failing)
            .map(|c| c.id.as_str())
            .collect();
        let mut listed = failing
            .iter()
            .take(MAX_LISTED_CONTROLS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if failing.len() > MAX_LISTED_CONTROLS {
            listed.push_str(&format!(", +{} more", failing.len() - MAX_LISTED_CONTROLS));
        }
        let failing_cell = if opts.color && s.failing > 0 {
            num(s.failing).fg(Color::Red)
        } else {
            num(s.failing)
        };
        let passing_cell = if opts.color && s.passing > 0 {
            num(s.passing).fg(Color::Green)
        } else {
            num(s.passing)
        };
        t.add_row(vec![
            Cell::new(s.framework.title()),
            s.catalog_controls.map(num).unwrap_or_else(unknown),
            num(s.covered),
            failing_cell,
            passing_cell,
            s.not_covered.map(num).unwrap_or_else(unknown),
            Cell::new(listed),
        ]);
    }
    let mut out = if summary.frameworks.is_empty() {
        String::new()
    } else {
        format!("Compliance\n{t}\n")
    };
    if let Some(b) = &summary.baseline {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&baseline_table(b, opts));
    }
    out
}

/// The coverage of an SP 800-53 baseline (`--profile`).
pub fn baseline_table(b: &compliance::BaselineCoverage, opts: RenderOptions) -> String {
    let mut t = new_table(opts);
    t.set_header(header(
        &[
            "Baseline",
            "Controls",
            "Checked",
            "Failing",
            "Passing",
            "Not checked",
        ],
        opts,
    ));
    t.add_row(vec![
        Cell::new(b.title),
        num(b.controls),
        num(b.checked),
        num(b.failing),
        num(b.passing),
        num(b.not_checked),
    ]);
    let mut out = format!("Baseline coverage ({})\n{t}\n", b.profile);
    let list = |ids: &[String]| {
        ids.iter()
            .map(|id| crate::compliance::titled(crate::rule::Framework::Nist80053, id))
            .collect::<Vec<_>>()
    };
    for (label, ids) in [
        ("Failing", &b.failing_controls),
        ("Passing", &b.passing_controls),
    ] {
        if !ids.is_empty() {
            out.push_str(&format!("{label}:\n"));
            for line in list(ids) {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    out.push_str(&format!(
        "Not checked ({}): outside what a static check of configuration files shows, or not yet covered by a rule (docs/controls.md)\n",
        b.not_checked
    ));
    out
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The failing controls of each framework with their catalog titles and finding counts (the
/// human report, after the compliance table).
pub fn failing_controls(summary: &ComplianceSummary) -> String {
    let mut out = String::new();
    for s in &summary.frameworks {
        let failing: Vec<_> = s
            .controls
            .iter()
            .filter(|c| c.status == ControlState::Failing)
            .collect();
        if failing.is_empty() {
            continue;
        }
        out.push_str(&format!("Failing controls: {}\n", s.title));
        for c in failing {
            out.push_str(&format!(
                "  {:<10} {} ({} {})\n",
                c.id,
                shorten(c.title.as_deref().unwrap_or("(not in the catalog)"), 90),
                c.findings,
                if c.findings == 1 {
                    "finding"
                } else {
                    "findings"
                }
            ));
        }
    }
    out
}

/// The summary the human report ends with: findings per rule, totals, and compliance.
pub fn summary(report: &RunReport, opts: RenderOptions, compliance: &ComplianceSummary) -> String {
    let mut out = String::new();
    // (severity, rule id) → (name, count)
    let mut per_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), (&str, usize)> =
        BTreeMap::new();
    for f in report.active() {
        per_rule
            .entry((std::cmp::Reverse(f.severity), f.rule.id.as_str()))
            .or_insert((f.rule.name.as_str(), 0))
            .1 += 1;
    }
    if !per_rule.is_empty() {
        let mut t = new_table(opts);
        t.set_header(header(&["Rule", "Name", "Severity", "Findings"], opts));
        for ((sev, id), (name, n)) in &per_rule {
            t.add_row(vec![
                Cell::new(id),
                Cell::new(name),
                severity_cell(sev.0, opts),
                num(*n),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    out.push_str(&totals_line(report));
    out.push('\n');
    if !compliance.is_empty() {
        out.push('\n');
        out.push_str(&compliance_table(compliance, opts));
        let failing = failing_controls(compliance);
        if !failing.is_empty() {
            out.push('\n');
            out.push_str(&failing);
        }
    }
    out
}

/// Renders the run with its compliance summary (computed once per run, see [`super::Evidence::summarize`]).
pub fn render(report: &RunReport, opts: RenderOptions, compliance: &ComplianceSummary) -> String {
    let mut out = String::new();
    let mut t = new_table(opts);
    t.set_header(header(
        &["Severity", "Rule", "Location", "Resource", "Message"],
        opts,
    ));
    for f in report.active() {
        t.add_row(vec![
            severity_cell(f.severity, opts),
            Cell::new(&f.rule.id),
            Cell::new(location(f)),
            Cell::new(&f.resource),
            Cell::new(&f.message),
        ]);
    }
    let active = report.active().count();
    let mut detail = severity_counts(report);
    for part in set_aside(report) {
        detail.push_str(&format!("; {part}"));
    }
    t.add_row(vec![
        Cell::new("total"),
        Cell::new(plural(active, "finding", "findings")),
        Cell::new(plural(report.files, "file", "files")),
        Cell::new(plural(report.documents, "document", "documents")),
        Cell::new(detail),
    ]);
    out.push_str(&format!("{t}\n"));

    if !report.problems.is_empty() {
        let mut p = new_table(opts);
        p.set_header(header(&["Level", "Location", "Problem"], opts));
        for problem in &report.problems {
            let level = match problem.level {
                ProblemLevel::Error => "error",
                ProblemLevel::Note => "note",
            };
            let loc = match problem.pos {
                Some(pos) => format!("{}:{}:{}", problem.file, pos.line, pos.column),
                None => problem.file.clone(),
            };
            let level_cell = if opts.color && problem.level == ProblemLevel::Error {
                Cell::new(level).fg(Color::Red)
            } else {
                Cell::new(level)
            };
            p.add_row(vec![
                level_cell,
                Cell::new(loc),
                Cell::new(&problem.message),
            ]);
        }
        out.push_str(&format!("\n{p}\n"));
    }

    if !compliance.is_empty() {
        out.push('\n');
        out.push_str(&compliance_table(compliance, opts));
    }
    out
}
