//! The HTML report (`--format html=FILE`): one self-contained page — CSS, script and SVG charts
//! inline, nothing fetched — for people who audit: the run's metadata, a dashboard per framework
//! (controls failing, passing and without a rule, by family, with titles), the baseline coverage
//! of `--profile`, findings grouped by rule (with their source snippets, masked as in the human
//! report) and by file, suppressed findings with their justification, and what could not be
//! checked. Severity and framework filters work offline.
//!
//! The page carries its counts in `data-` attributes (`data-findings` on `<body>`,
//! `data-failing` on each framework) so that a check can compare them with the JSON report.

mod compliance;

use super::rule_doc::RuleDoc;
use super::{Evidence, RunReport};
use crate::compliance::{ComplianceSummary, catalogs};
use crate::finding::Finding;
use crate::rule::{Framework, Rule, Severity};
use compliance::{bar, framework_section};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page's style sheet, inline in every page.
const STYLE: &str = include_str!("page.css");

/// The page's filters (severity, framework), inline in every page: they work offline.
const SCRIPT: &str = include_str!("page.js");

fn frameworks_of(rule: &Rule) -> String {
    rule.controls
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(f, _)| f.id())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A rule's controls, titled from its rule document.
fn controls_line(rule: &Rule) -> String {
    RuleDoc::new(rule, catalogs())
        .controls
        .iter()
        .map(|(f, controls)| {
            let titled: Vec<String> = controls
                .iter()
                .map(|c| match c.title {
                    Some(t) => format!(r#"<span title="{}">{}</span>"#, esc(t), esc(c.id)),
                    None => esc(c.id),
                })
                .collect();
            format!("{}: {}", esc(f.title()), titled.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn snippet_html(f: &Finding) -> String {
    let lines = super::human::snippet_lines(f, 1);
    if lines.is_empty() {
        return String::new();
    }
    let mut s = String::from(r#"<pre class="snippet">"#);
    for (n, text) in lines {
        let hit = n >= f.start().line && n <= f.end().line.max(f.start().line);
        let _ = write!(
            s,
            r#"<span{}><em>{n}</em>{}</span>"#,
            if hit { r#" class="hit""# } else { "" },
            esc(&text)
        );
    }
    s.push_str("</pre>");
    s
}

fn location(f: &Finding) -> String {
    format!("{}:{}:{}", f.file.path, f.start().line, f.start().column)
}

/// Where the NIST control titles and baselines come from.
fn provenance() -> String {
    let sources: Vec<String> = [Framework::Nist80053, Framework::NistCsf2]
        .iter()
        .filter_map(|f| catalogs().get(f))
        .filter_map(|c| c.catalog)
        .map(esc)
        .collect();
    if sources.is_empty() {
        String::new()
    } else {
        format!(
            " Control titles and baselines from NIST's OSCAL content: {}.",
            sources.join("; ")
        )
    }
}

/// Findings with their index in the report (their anchor, `#f-<index>`).
type Indexed<'a> = Vec<(usize, &'a Finding)>;

/// The whole page.
pub fn render(report: &RunReport, summary: &ComplianceSummary, evidence: &Evidence) -> String {
    let active = report.active().count();
    let suppressed = report.findings.len() - active;
    let errors: Vec<_> = report.errors().collect();
    let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in report.active() {
        *by_sev.entry(f.severity).or_default() += 1;
    }
    let mut out = String::with_capacity(64 * 1024 + report.findings.len() * 600);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>runeguard compliance report</title><style>{STYLE}</style></head>
<body data-findings="{active}" data-suppressed="{suppressed}" data-errors="{}" data-files="{}" data-documents="{}" data-rules="{}">
<header><h1>runeguard compliance report</h1><p>{} files, {} documents, {} rules · {}</p></header><main>
"#,
        errors.len(),
        report.files,
        report.documents,
        report.rules.len(),
        report.files,
        report.documents,
        report.rules.len(),
        esc(&evidence.time),
    );

    // Headline cards.
    let _ = write!(
        out,
        r#"<div class="cards"><div class="card fail"><b>{active}</b><span>findings</span></div>"#
    );
    for sev in Severity::ALL {
        let _ = write!(
            out,
            r#"<div class="card" data-severity-count="{}"><b>{}</b><span>{}</span></div>"#,
            sev.as_str(),
            by_sev.get(&sev).copied().unwrap_or(0),
            sev.as_str()
        );
    }
    let _ = write!(
        out,
        r#"<div class="card sup"><b>{suppressed}</b><span>suppressed</span></div><div class="card"><b>{}</b><span>not checked (errors)</span></div></div>"#,
        errors.len()
    );

    // Run metadata.
    out.push_str(r#"<section id="run"><h2>Run</h2><dl class="meta">"#);
    let profile = summary.baseline.as_ref().map_or("—".to_string(), |b| {
        format!("{} ({})", b.title, b.profile)
    });
    let frameworks = if evidence.frameworks.is_empty() {
        "all".to_string()
    } else {
        evidence
            .frameworks
            .iter()
            .map(|f| f.id())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (k, v) in [
        ("tool", format!("runeguard {}", report.version)),
        (
            "report time",
            if evidence.time == super::FIXED_TIME {
                format!(
                    "{} (fixed: give --report-time or SOURCE_DATE_EPOCH)",
                    evidence.time
                )
            } else {
                evidence.time.clone()
            },
        ),
        ("files checked", report.files.to_string()),
        ("documents", report.documents.to_string()),
        ("active rules", report.rules.len().to_string()),
        ("fail on", report.fail_on.to_string()),
        ("frameworks", frameworks),
        ("baseline profile", profile),
        (
            "result",
            if report.has_errors() {
                "incomplete: some files could not be checked (exit 2)".to_string()
            } else if report.has_failures() {
                "findings at or above the threshold (exit 1)".to_string()
            } else {
                "no finding at or above the threshold (exit 0)".to_string()
            },
        ),
    ] {
        let _ = write!(out, "<dt>{k}</dt><dd>{}</dd>", esc(&v));
    }
    out.push_str(r#"</dl><p class="muted">A passing check is evidence for a control, not its implementation: most controls also need process, people and run-time evidence that no static check sees. See docs/controls.md.</p></section>"#);

    // Overview: one bar per framework.
    if !summary.frameworks.is_empty() {
        out.push_str(r#"<section id="overview"><h2>Controls by framework</h2><table class="overview"><tr><th>framework</th><th class="n">failing</th><th class="n">passing</th><th class="n">no rule</th><th class="n">in catalog</th><th></th></tr>"#);
        for f in &summary.frameworks {
            let none = f.not_covered.unwrap_or(0);
            let _ = write!(
                out,
                r##"<tr><td><a href="#fw-{}">{}</a></td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="chart">{}</td></tr>"##,
                f.framework.id(),
                esc(&f.title),
                f.failing,
                f.passing,
                none,
                f.catalog_controls
                    .map_or("-".to_string(), |n| n.to_string()),
                bar(f.failing, f.passing, none, 600, 14)
            );
        }
        out.push_str(r#"</table><div class="legend"><span><i style="background:var(--fail)"></i>failing: a rule mapped to the control has a finding</span><span><i style="background:var(--pass)"></i>passing: its rules found nothing</span><span><i style="background:var(--none)"></i>no rule: not checked</span></div></section>"#);
    }

    // Baseline coverage.
    if let Some(b) = &summary.baseline {
        let _ = write!(
            out,
            r#"<section id="baseline" data-profile="{}" data-baseline-controls="{}" data-baseline-checked="{}" data-baseline-failing="{}" data-baseline-passing="{}" data-baseline-not-checked="{}"><h2>Baseline coverage: {}</h2>"#,
            b.profile,
            b.controls,
            b.checked,
            b.failing,
            b.passing,
            b.not_checked,
            esc(b.title)
        );
        let _ = write!(
            out,
            r#"<div class="cards"><div class="card"><b>{}</b><span>baseline controls</span></div><div class="card"><b>{}</b><span>checked automatically</span></div><div class="card fail"><b>{}</b><span>failing</span></div><div class="card pass"><b>{}</b><span>passing</span></div><div class="card"><b>{}</b><span>not checked</span></div></div>"#,
            b.controls, b.checked, b.failing, b.passing, b.not_checked
        );
        out.push_str(&bar(b.failing, b.passing, b.not_checked, 900, 18));
        let title =
            |id: &str| crate::compliance::control_title(Framework::Nist80053, id).unwrap_or("");
        for (label, ids) in [
            ("Failing", &b.failing_controls),
            ("Passing", &b.passing_controls),
        ] {
            if ids.is_empty() {
                continue;
            }
            let _ = write!(
                out,
                r#"<details><summary>{label} <span class="count">({})</span></summary><table>"#,
                ids.len()
            );
            for id in ids {
                let _ = write!(
                    out,
                    "<tr><td><code>{}</code></td><td>{}</td></tr>",
                    esc(id),
                    esc(title(id))
                );
            }
            out.push_str("</table></details>");
        }
        let _ = write!(
            out,
            r#"<details><summary>Not checked: outside what a static check of configuration files shows <span class="count">({})</span></summary><table>"#,
            b.not_checked
        );
        for id in &b.not_checked_controls {
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                esc(id),
                esc(title(id))
            );
        }
        out.push_str("</table></details></section>");
    }

    // Filters.
    out.push_str(r#"<div class="filters"><strong>Filter</strong>"#);
    for sev in Severity::ALL {
        let _ = write!(
            out,
            r#"<label><input type="checkbox" data-sev="{0}" checked> {0}</label>"#,
            sev.as_str()
        );
    }
    out.push_str(r#"<label>framework <select id="fw"><option value="">all</option>"#);
    for s in &summary.frameworks {
        let _ = write!(
            out,
            r#"<option value="{}">{}</option>"#,
            s.framework.id(),
            esc(&s.title)
        );
    }
    out.push_str(r#"</select></label><span class="muted"><span id="shown">0</span> findings shown</span></div>"#);

    for s in &summary.frameworks {
        framework_section(&mut out, s);
    }

    // Findings by rule.
    let rule_index: BTreeMap<&str, &Arc<Rule>> =
        report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut by_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), Indexed> = BTreeMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        if f.is_suppressed() {
            continue;
        }
        by_rule
            .entry((std::cmp::Reverse(f.severity), f.rule.id.as_str()))
            .or_default()
            .push((i, f));
    }
    let _ = write!(
        out,
        r#"<section id="by-rule"><h2>Findings by rule <span class="muted">({active})</span></h2>"#
    );
    if by_rule.is_empty() {
        out.push_str("<p>No finding.</p>");
    }
    for ((sev, id), list) in &by_rule {
        let rule = rule_index.get(id).map_or(&list[0].1.rule, |r| r);
        let fws = frameworks_of(rule);
        let _ = write!(
            out,
            r#"<details id="rule-{id}" data-group="rule"><summary><span class="sev {sev}">{sev}</span> {id} {name} <span class="count">({n})</span></summary><p>{title}</p><p class="controls">{controls}</p>"#,
            id = esc(id),
            sev = sev.0.as_str(),
            name = esc(&rule.name),
            n = list.len(),
            title = esc(rule.title.trim()),
            controls = controls_line(rule),
        );
        for (i, f) in list {
            let _ = write!(
                out,
                r#"<div class="finding" id="f-{i}" data-severity="{}" data-frameworks="{fws}"><div class="loc">{}{}</div><div>{}</div>{}</div>"#,
                f.severity.as_str(),
                esc(&location(f)),
                if f.resource.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", esc(&f.resource))
                },
                esc(&f.message),
                snippet_html(f)
            );
        }
        out.push_str("</details>");
    }
    out.push_str("</section>");

    // Findings by file.
    let mut by_file: BTreeMap<&str, Vec<(usize, &Finding)>> = BTreeMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        if !f.is_suppressed() {
            by_file
                .entry(f.file.path.as_str())
                .or_default()
                .push((i, f));
        }
    }
    let _ = write!(
        out,
        r#"<section id="by-file"><h2>Findings by file <span class="muted">({} files)</span></h2>"#,
        by_file.len()
    );
    for (file, list) in &by_file {
        let _ = write!(
            out,
            r#"<details data-group="file"><summary><code>{}</code> <span class="count">({})</span></summary><table><tr><th>line</th><th>severity</th><th>rule</th><th>message</th></tr>"#,
            esc(file),
            list.len()
        );
        for (i, f) in list {
            let _ = write!(
                out,
                r##"<tr class="frow" data-severity="{sev}" data-frameworks="{}"><td class="n"><a href="#f-{i}">{}:{}</a></td><td><span class="sev {sev}">{sev}</span></td><td>{} {}</td><td>{}</td></tr>"##,
                frameworks_of(&f.rule),
                f.start().line,
                f.start().column,
                esc(&f.rule.id),
                esc(&f.rule.name),
                esc(&f.message),
                sev = f.severity.as_str(),
            );
        }
        out.push_str("</table></details>");
    }
    out.push_str("</section>");

    // Suppressed findings.
    let _ = write!(
        out,
        r#"<section id="suppressed" data-count="{suppressed}"><h2>Suppressed findings <span class="muted">({suppressed})</span></h2>"#
    );
    if suppressed == 0 {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str("<table><tr><th>location</th><th>rule</th><th>message</th><th>justification</th><th>where</th></tr>");
        for f in report.findings.iter().filter(|f| f.is_suppressed()) {
            let s = f.suppression.as_ref();
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{} {}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(&location(f)),
                esc(&f.rule.id),
                esc(&f.rule.name),
                esc(&f.message),
                esc(s.map_or("", |s| s.justification.as_str())),
                esc(s.map_or("", |s| s.origin.as_str())),
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");

    // What could not be checked.
    let _ = write!(
        out,
        r#"<section id="problems" data-count="{}"><h2>Not checked <span class="muted">({})</span></h2>"#,
        errors.len(),
        errors.len()
    );
    if errors.is_empty() {
        out.push_str("<p>Every file was checked.</p>");
    } else {
        out.push_str("<table><tr><th>where</th><th>problem</th></tr>");
        for p in &errors {
            let at = match &p.pos {
                Some(pos) => format!("{}:{}:{}", p.file, pos.line, pos.column),
                None => p.file.clone(),
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                esc(&at),
                esc(&p.message)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");

    // The rules that ran.
    let _ = write!(
        out,
        r#"<section id="rules"><details><summary>Rules in this run <span class="count">({})</span></summary><table><tr><th>rule</th><th>severity</th><th>title</th><th>controls</th></tr>"#,
        report.rules.len()
    );
    for r in &report.rules {
        let _ = write!(
            out,
            r#"<tr><td>{} {}</td><td><span class="sev {sev}">{sev}</span></td><td>{}</td><td class="controls">{}</td></tr>"#,
            esc(&r.id),
            esc(&r.name),
            esc(r.title.trim()),
            controls_line(r),
            sev = r.severity.as_str(),
        );
    }
    out.push_str("</table></details></section>");

    let _ = write!(
        out,
        "</main><footer>Generated by runeguard {} at {}.{}</footer><script>{SCRIPT}</script></body></html>",
        esc(&report.version),
        esc(&evidence.time),
        provenance()
    );
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn bars_are_proportional() {
        let svg = bar(1, 1, 2, 100, 10);
        assert!(svg.contains(r#"width="25.00""#), "{svg}");
        assert!(svg.contains(r#"width="50.00""#), "{svg}");
        assert!(bar(0, 0, 0, 100, 10).starts_with("<svg"));
    }
}
