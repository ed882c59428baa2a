//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! One run. Rule metadata (descriptions, help text and markdown, `security-severity`, tags
//! with controls) comes from each rule's `# METADATA`; results carry exact regions relative to
//! `%SRCROOT%`, fingerprints that survive line shifts, and suppressions; files that could not
//! be checked become tool execution notifications. GitHub's limits are respected: at most
//! 25,000 results per run (the most severe are kept, and a notification says how many were
//! left out) and at most 20 tags per rule.

use super::RunReport;
use super::rule_doc::RuleDoc;
use crate::compliance::catalogs;
use crate::finding::{Finding, Problem, ProblemLevel, SuppressionKind};
use crate::rule::{Rule, Severity};
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Suppression, Tool,
    ToolComponent,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The schema every log names.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// GitHub code scanning accepts at most this many results in one run.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub code scanning reads at most this many tags per rule.
pub const MAX_TAGS: usize = 20;
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "runeguard/v1";
/// The base every artifact URI is relative to: the directory runeguard was run from.
pub const SRCROOT: &str = "%SRCROOT%";

/// The SARIF `level` of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn result_level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

pub fn render(report: &RunReport) -> String {
    let log = build(report);
    let mut out =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// Builds the SARIF log of a run.
pub fn build(report: &RunReport) -> Sarif {
    let rules = rules_of(report);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();

    let (kept, dropped) = limit(&report.findings, MAX_RESULTS);
    let results: Vec<SarifResult> = kept
        .iter()
        .map(|f| result(f, index.get(f.rule.id.as_str()).copied()))
        .collect();

    let mut notifications: Vec<Notification> = report.problems.iter().map(notification).collect();
    if dropped > 0 {
        notifications.push(
            Notification::builder()
                .level(json!("warning"))
                .message(text(&format!(
                    "{dropped} results were left out: GitHub code scanning accepts at most {MAX_RESULTS} results per run, so the most severe were kept."
                )))
                .build(),
        );
    }
    let mut invocation = Invocation::builder()
        .execution_successful(!report.has_errors())
        .build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }

    let driver = ToolComponent::builder()
        .name("runeguard")
        .full_name(format!("runeguard {}", report.version))
        .version(report.version.clone())
        .semantic_version(report.version.clone())
        .information_uri(information_uri())
        .rules(rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>())
        .build();

    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        SRCROOT.to_string(),
        ArtifactLocation::builder()
            .description(text(
                "The directory runeguard was run from; artifact paths are relative to it.",
            ))
            .build(),
    );

    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(RunAutomationDetails::builder().id("runeguard/").build())
        .original_uri_base_ids(base_ids)
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .results(results)
        .build();

    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The project's home page (the repository, not a file in it).
fn information_uri() -> String {
    crate::REPOSITORY_URL
        .trim_end_matches("/blob/main")
        .to_string()
}

/// The active rules, plus any rule a finding names that is not among them, sorted by id.
fn rules_of(report: &RunReport) -> Vec<Arc<Rule>> {
    let mut by_id: BTreeMap<&str, &Arc<Rule>> = BTreeMap::new();
    for r in report
        .rules
        .iter()
        .chain(report.findings.iter().map(|f| &f.rule))
    {
        by_id.entry(r.id.as_str()).or_insert(r);
    }
    by_id.into_values().cloned().collect()
}

/// Keeps at most `max` findings, preferring unsuppressed and more severe ones, in report order.
/// Returns the kept findings and how many were left out.
fn limit(findings: &[Finding], max: usize) -> (Vec<&Finding>, usize) {
    if findings.len() <= max {
        return (findings.iter().collect(), 0);
    }
    let mut order: Vec<usize> = (0..findings.len()).collect();
    // Stable: among equals, report order decides.
    order.sort_by_key(|&i| {
        (
            findings[i].is_suppressed(),
            std::cmp::Reverse(findings[i].severity),
        )
    });
    let mut keep: Vec<usize> = order.into_iter().take(max).collect();
    keep.sort_unstable();
    (
        keep.into_iter().map(|i| &findings[i]).collect(),
        findings.len() - max,
    )
}

fn text(s: &str) -> Message {
    Message::builder().text(s).build()
}

fn multiformat(text: String, markdown: Option<String>) -> MultiformatMessageString {
    MultiformatMessageString {
        text,
        markdown,
        properties: None,
    }
}

/// The help of a rule in plain text: its document without examples.
fn help_text(doc: &RuleDoc) -> String {
    let rule = doc.rule;
    let mut s = rule.description.trim().to_string();
    if !rule.rationale.trim().is_empty() {
        s.push_str(&format!("\n\nWhy it matters: {}", rule.rationale.trim()));
    }
    if !rule.remediation.trim().is_empty() {
        s.push_str(&format!("\n\nRemediation: {}", rule.remediation.trim()));
    }
    if !doc.controls.is_empty() {
        s.push_str("\n\nControls:");
        for (f, controls) in &doc.controls {
            let ids: Vec<String> = controls.iter().map(|c| c.titled()).collect();
            s.push_str(&format!("\n- {}: {}", f.title(), ids.join("; ")));
        }
    }
    if !rule.related.is_empty() {
        s.push_str("\n\nReferences:");
        for r in &rule.related {
            s.push_str(&format!("\n- {r}"));
        }
    }
    s
}

/// The help of a rule in Markdown: its document without examples.
fn help_markdown(doc: &RuleDoc) -> String {
    let rule = doc.rule;
    let mut s = format!(
        "**{}** ({}, severity {})\n\n{}",
        rule.title.trim(),
        rule.id,
        rule.severity,
        rule.description.trim()
    );
    if !rule.rationale.trim().is_empty() {
        s.push_str(&format!(
            "\n\n## Why it matters\n\n{}",
            rule.rationale.trim()
        ));
    }
    if !rule.remediation.trim().is_empty() {
        s.push_str(&format!(
            "\n\n## Remediation\n\n{}",
            rule.remediation.trim()
        ));
    }
    if !doc.controls.is_empty() {
        s.push_str("\n\n## Controls\n\n| Framework | Control | Title |\n|---|---|---|");
        for (f, controls) in &doc.controls {
            for c in controls {
                s.push_str(&format!(
                    "\n| {} | {} | {} |",
                    f.title(),
                    c.id,
                    c.title.unwrap_or("").replace('|', "\\|")
                ));
            }
        }
    }
    if !rule.related.is_empty() {
        s.push_str("\n\n## References\n");
        for r in &rule.related {
            s.push_str(&format!("\n- <{r}>"));
        }
    }
    s
}

/// `security`, the input type, then `framework/control` for every control, at most 20.
fn tags(rule: &Rule) -> Vec<String> {
    let mut tags = vec!["security".to_string(), rule.input.as_str().to_string()];
    for (f, ids) in &rule.controls {
        for id in ids {
            let tag = format!("{}/{id}", f.id());
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    tags.truncate(MAX_TAGS);
    tags
}

/// The PascalCase form of a kebab-case rule name, as SARIF's `name` convention asks.
fn pascal_case(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let doc = RuleDoc::new(rule, catalogs());
    let mut props = BTreeMap::new();
    if rule.severity != Severity::Info {
        props.insert(
            "security-severity".to_string(),
            Value::from(rule.severity.security_severity()),
        );
    }
    props.insert("severity".to_string(), Value::from(rule.severity.as_str()));
    props.insert("name".to_string(), Value::from(rule.name.clone()));
    let mut d = ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_case(&rule.name))
        .short_description(multiformat(rule.title.trim().to_string(), None))
        .full_description(multiformat(rule.description.trim().to_string(), None))
        .help(multiformat(help_text(&doc), Some(help_markdown(&doc))))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(rule.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags(rule))
                .additional_properties(props)
                .build(),
        )
        .build();
    d.help_uri = rule.help_uri();
    d
}

/// Percent-encodes a relative path for a URI, keeping `/` and RFC 3986 unreserved characters.
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The artifact location of a reported path: relative to `%SRCROOT%`, or a `file:` URI when
/// the file lies outside the directory runeguard was run from.
fn artifact(path: &str) -> ArtifactLocation {
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        return ArtifactLocation::builder()
            .uri(format!("file://{}", encode_uri_path(&path)))
            .build();
    }
    let rel = path.trim_start_matches("./");
    ArtifactLocation::builder()
        .uri(encode_uri_path(rel))
        .uri_base_id(SRCROOT)
        .build()
}

fn region_of(start: crate::source::span::Pos, end: crate::source::span::Pos) -> Region {
    let end = end.max(start);
    Region::builder()
        .start_line(i64::from(start.line.max(1)))
        .start_column(i64::from(start.column.max(1)))
        .end_line(i64::from(end.line.max(start.line).max(1)))
        .end_column(i64::from(end.column.max(1)))
        .build()
}

fn result(f: &Finding, rule_index: Option<usize>) -> SarifResult {
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(&f.file.path))
                .region(region_of(f.start(), f.end()))
                .build(),
        )
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let mut props = BTreeMap::new();
    if !f.resource.is_empty() {
        props.insert("resource".to_string(), Value::from(f.resource.clone()));
    }
    if !f.path.is_empty() {
        props.insert("path".to_string(), Value::from(f.path_string()));
    }
    props.insert("severity".to_string(), Value::from(f.severity.as_str()));
    let mut r = SarifResult::builder()
        .rule_id(f.rule.id.clone())
        .level(result_level(f.severity))
        .message(text(&sentence(&f.message)))
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    r.rule_index = rule_index.map(|i| i as i64);
    if !f.related.is_empty() {
        r.related_locations = Some(
            f.related
                .iter()
                .enumerate()
                .map(|(i, rel)| {
                    let mut l = Location::builder()
                        .physical_location(
                            PhysicalLocation::builder()
                                .artifact_location(artifact(&rel.file.path))
                                .region(region_of(rel.start(), rel.end()))
                                .build(),
                        )
                        .message(text(&format!("{} line", rel.role)))
                        .build();
                    l.id = Some(i as i64);
                    l
                })
                .collect(),
        );
    }
    if let Some(s) = &f.suppression {
        let kind = match s.kind {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        };
        let mut sup = Suppression::builder()
            .kind(json!(kind))
            .justification(s.justification.clone())
            .build();
        if !s.origin.is_empty() {
            let mut p = BTreeMap::new();
            p.insert("origin".to_string(), Value::from(s.origin.clone()));
            sup.properties = Some(PropertyBag::builder().additional_properties(p).build());
        }
        r.suppressions = Some(vec![sup]);
    }
    r
}

/// SARIF viewers show messages as sentences: end with a period (our messages do not).
fn sentence(msg: &str) -> String {
    let m = msg.trim_end();
    if m.ends_with(['.', '!', '?']) {
        m.to_string()
    } else {
        format!("{m}.")
    }
}

fn notification(p: &Problem) -> Notification {
    let level = match p.level {
        ProblemLevel::Error => "error",
        ProblemLevel::Note => "note",
    };
    let mut physical = PhysicalLocation::builder()
        .artifact_location(artifact(&p.file))
        .build();
    if let Some(pos) = p.pos {
        physical.region = Some(
            Region::builder()
                .start_line(i64::from(pos.line.max(1)))
                .start_column(i64::from(pos.column.max(1)))
                .build(),
        );
    }
    let mut n = Notification::builder()
        .level(json!(level))
        .message(text(&sentence(&format!("{}: {}", p.file, p.message))))
        .build();
    // Problems about the run itself (a flag, the configuration) have no file to point to.
    if !p.file.is_empty() && !p.file.starts_with('-') {
        n.locations = Some(vec![
            Location::builder().physical_location(physical).build(),
        ]);
    }
    n
}
