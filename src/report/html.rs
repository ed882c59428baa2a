//! The HTML report (`--format html=FILE`): one self-contained page — CSS, script and SVG charts
//! inline, nothing fetched — for people who audit: the run's metadata, a dashboard per framework
//! (controls failing, passing and without a rule, by family, with titles), the baseline coverage
//! of `--profile`, findings grouped by rule (with their source snippets, masked as in the human
//! report) and by file, suppressed findings with their justification, and what could not be
//! checked. Severity and framework filters work offline.
//!
//! The page carries its counts in `data-` attributes (`data-findings` on `<body>`,
//! `data-failing` on each framework) so that a check can compare them with the JSON report.

use super::{Evidence, RunReport};
use crate::compliance::{ComplianceSummary, ControlState, FrameworkSummary, catalogs, natural_cmp};
use crate::finding::Finding;
use crate::rule::{Framework, Rule, Severity};
use crate::source::ProblemLevel;
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

const STYLE: &str = r#"
:root{--fail:#c62828;--pass:#2e7d32;--none:#b0b7c3;--sup:#8e6d00;--bg:#f6f7f9;--fg:#1d232b;--muted:#5b6573;--card:#fff;--line:#dfe3e8}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:var(--bg);color:var(--fg)}
header{background:#1d2733;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;color:#c9d1db}
main{padding:18px 28px;max-width:1400px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:18px;margin:0 0 12px}
h3{font-size:15px;margin:16px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:24px}
.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.fail b{color:var(--fail)}.card.pass b{color:var(--pass)}.card.sup b{color:var(--sup)}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
dl.meta{display:grid;grid-template-columns:repeat(3,max-content 1fr);gap:4px 14px;margin:0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
svg.bar{display:block;border-radius:3px;background:var(--none)}
.overview td{vertical-align:middle}
.overview td.chart{width:45%}
.status{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
.status.failing{background:var(--fail)}.status.passing{background:var(--pass)}
.sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}
.sev.critical{background:#7b1fa2}.sev.high{background:#c62828}.sev.medium{background:#ef6c00}.sev.low{background:#1565c0}.sev.info{background:#607d8b}
.legend{display:flex;gap:16px;font-size:12px;color:var(--muted);margin:4px 0 10px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:14px;align-items:center;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin-bottom:18px}
.filters label{cursor:pointer}
details{border-top:1px solid var(--line);padding:6px 0}
summary{cursor:pointer;font-weight:600}
summary .count{color:var(--muted);font-weight:400}
.finding{margin:8px 0 12px 16px}
.finding .loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:var(--muted)}
pre.snippet{margin:4px 0 0;background:#0f1720;color:#d8dee9;border-radius:6px;padding:6px 0;overflow-x:auto;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre.snippet span{display:block;padding:0 10px}
pre.snippet span.hit{background:#3b1f24}
pre.snippet em{font-style:normal;color:#6b7785;display:inline-block;width:44px;text-align:right;margin-right:12px;user-select:none}
.muted{color:var(--muted)}
.controls{font-size:12px;color:var(--muted)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.hidden{display:none!important}
footer{color:var(--muted);font-size:12px;padding:0 28px 24px}
select{max-width:320px}
"#;

const SCRIPT: &str = r#"
(function(){
  function apply(){
    var sev={};document.querySelectorAll('input[data-sev]').forEach(function(c){sev[c.getAttribute('data-sev')]=c.checked;});
    var fw=document.getElementById('fw').value;
    var shown=0;
    document.querySelectorAll('.finding,.frow').forEach(function(el){
      var ok=sev[el.getAttribute('data-severity')]&&(fw===''||(' '+el.getAttribute('data-frameworks')+' ').indexOf(' '+fw+' ')>=0);
      el.classList.toggle('hidden',!ok);
      if(ok&&el.classList.contains('finding'))shown++;
    });
    document.querySelectorAll('details[data-group]').forEach(function(d){
      d.classList.toggle('hidden',d.querySelectorAll('.finding:not(.hidden),.frow:not(.hidden)').length===0);
    });
    document.querySelectorAll('section.framework').forEach(function(s){
      s.classList.toggle('hidden',fw!==''&&s.getAttribute('data-framework')!==fw);
    });
    document.getElementById('shown').textContent=shown;
  }
  document.querySelectorAll('.filters input,.filters select').forEach(function(el){el.addEventListener('change',apply);});
  apply();
})();
"#;

/// A horizontal stacked bar: failing, passing, not covered.
fn bar(failing: usize, passing: usize, none: usize, width: u32, height: u32) -> String {
    let total = (failing + passing + none).max(1) as f64;
    let mut x = 0.0;
    let mut s = format!(
        r#"<svg class="bar" width="100%" height="{height}" viewBox="0 0 {width} {height}" preserveAspectRatio="none" role="img" aria-label="{failing} failing, {passing} passing, {none} without a rule">"#
    );
    for (n, color) in [
        (failing, "var(--fail)"),
        (passing, "var(--pass)"),
        (none, "var(--none)"),
    ] {
        if n == 0 {
            continue;
        }
        let w = n as f64 / total * f64::from(width);
        let _ = write!(
            s,
            r#"<rect x="{x:.2}" y="0" width="{w:.2}" height="{height}" fill="{color}"/>"#
        );
        x += w;
    }
    s.push_str("</svg>");
    s
}

/// The group (family, category, series) of a control: from the catalog, or from its id.
fn group_of(framework: Framework, id: &str) -> (String, String) {
    if let Some(g) = catalogs()
        .get(&framework)
        .and_then(|c| c.get(id))
        .and_then(|c| c.group.clone())
    {
        return g;
    }
    let code = match id.rsplit_once('.') {
        Some((head, _)) => head.to_string(),
        None => id.split('-').next().unwrap_or(id).to_string(),
    };
    (code, String::new())
}

fn framework_section(out: &mut String, s: &FrameworkSummary) {
    let not_covered = s.not_covered.unwrap_or(0);
    let _ = write!(
        out,
        r#"<section class="framework" id="fw-{id}" data-framework="{id}" data-covered="{}" data-failing="{}" data-passing="{}" data-not-covered="{}"><h2>{}</h2>"#,
        s.covered,
        s.failing,
        s.passing,
        not_covered,
        esc(&s.title),
        id = s.framework.id(),
    );
    let _ = write!(
        out,
        r#"<div class="cards"><div class="card fail"><b>{}</b><span>controls failing</span></div><div class="card pass"><b>{}</b><span>controls passing</span></div><div class="card"><b>{}</b><span>without a rule</span></div><div class="card"><b>{}</b><span>controls in catalog</span></div></div>"#,
        s.failing,
        s.passing,
        s.not_covered.map_or("-".to_string(), |n| n.to_string()),
        s.catalog_controls
            .map_or("-".to_string(), |n| n.to_string()),
    );
    out.push_str(&bar(s.failing, s.passing, not_covered, 900, 18));
    out.push_str(r#"<div class="legend"><span><i style="background:var(--fail)"></i>failing</span><span><i style="background:var(--pass)"></i>passing</span><span><i style="background:var(--none)"></i>no rule (not checked)</span></div>"#);

    // By family / category: (code) → (title, failing, passing, catalog count)
    let mut groups: BTreeMap<String, (String, usize, usize, usize)> = BTreeMap::new();
    if let Some(catalog) = catalogs().get(&s.framework) {
        for c in &catalog.controls {
            let (code, title) = group_of(s.framework, &c.id);
            let e = groups.entry(code).or_insert((title, 0, 0, 0));
            e.3 += 1;
        }
    }
    for c in &s.controls {
        let (code, title) = group_of(s.framework, &c.id);
        let e = groups.entry(code).or_insert((title, 0, 0, 0));
        match c.status {
            ControlState::Failing => e.1 += 1,
            ControlState::Passing => e.2 += 1,
        }
    }
    let mut codes: Vec<&String> = groups.keys().collect();
    codes.sort_by(|a, b| natural_cmp(a, b));
    let unit = match s.framework {
        Framework::Nist80053 => "family",
        Framework::NistCsf2 => "category",
        _ => "group",
    };
    let _ = write!(
        out,
        r#"<h3>By {unit}</h3><table><tr><th>{unit}</th><th>title</th><th class="n">failing</th><th class="n">passing</th><th class="n">no rule</th><th>coverage</th></tr>"#
    );
    for code in codes {
        let (title, f, p, total) = &groups[code];
        let none = total.saturating_sub(f + p);
        let _ = write!(
            out,
            r#"<tr><td><code>{}</code></td><td>{}</td><td class="n">{f}</td><td class="n">{p}</td><td class="n">{none}</td><td>{}</td></tr>"#,
            esc(code),
            esc(title),
            bar(*f, *p, none, 240, 10)
        );
    }
    out.push_str("</table>");

    out.push_str(r#"<h3>Controls checked</h3><table><tr><th>control</th><th>title</th><th>status</th><th>rules</th><th class="n">findings</th><th class="n">suppressed</th></tr>"#);
    for c in &s.controls {
        let status = match c.status {
            ControlState::Failing => "failing",
            ControlState::Passing => "passing",
        };
        let rules: Vec<String> = c
            .rules
            .iter()
            .map(|r| format!(r##"<a href="#rule-{0}">{0}</a>"##, esc(r)))
            .collect();
        let _ = write!(
            out,
            r#"<tr><td><code>{}</code></td><td>{}</td><td><span class="status {status}">{status}</span></td><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&c.id),
            esc(c.title.as_deref().unwrap_or("(not in the catalog)")),
            rules.join(", "),
            c.findings,
            c.suppressed
        );
    }
    out.push_str("</table>");

    // The catalog's controls no active rule maps to, by group, with their titles.
    if let Some(catalog) = catalogs().get(&s.framework) {
        let covered: std::collections::BTreeSet<&str> =
            s.controls.iter().map(|c| c.id.as_str()).collect();
        let missing: Vec<_> = catalog
            .controls
            .iter()
            .filter(|c| !covered.contains(c.id.as_str()))
            .collect();
        if !missing.is_empty() {
            let _ = write!(
                out,
                r#"<details class="uncovered"><summary>Controls without a rule, not checked <span class="count">({})</span></summary><table><tr><th>{unit}</th><th>control</th><th>title</th></tr>"#,
                missing.len()
            );
            for c in missing {
                let (code, _) = group_of(s.framework, &c.id);
                let _ = write!(
                    out,
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    esc(&code),
                    esc(&c.id),
                    esc(&c.title)
                );
            }
            out.push_str("</table></details>");
        }
    }
    out.push_str("</section>");
}

fn frameworks_of(rule: &Rule) -> String {
    rule.controls
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(f, _)| f.id())
        .collect::<Vec<_>>()
        .join(" ")
}

fn controls_line(rule: &Rule) -> String {
    rule.controls
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(f, ids)| {
            let titled: Vec<String> = ids
                .iter()
                .map(|id| match crate::compliance::control_title(*f, id) {
                    Some(t) => format!(r#"<span title="{}">{}</span>"#, esc(t), esc(id)),
                    None => esc(id),
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
        .filter_map(|c| c.catalog.as_deref())
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
    let errors: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .collect();
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
