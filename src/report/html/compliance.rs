//! The compliance part of the HTML page: one dashboard per framework (cards, a bar, the
//! controls by family or category, the controls checked, and the catalog's controls no rule
//! checks).

use super::esc;
use crate::compliance::{ControlState, FrameworkSummary, catalogs, natural_cmp};
use crate::rule::Framework;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A horizontal stacked bar: failing, passing, not covered.
pub(super) fn bar(failing: usize, passing: usize, none: usize, width: u32, height: u32) -> String {
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
        .and_then(|c| c.group)
    {
        return (g.0.to_string(), g.1.to_string());
    }
    let code = match id.rsplit_once('.') {
        Some((head, _)) => head.to_string(),
        None => id.split('-').next().unwrap_or(id).to_string(),
    };
    (code, String::new())
}

pub(super) fn framework_section(out: &mut String, s: &FrameworkSummary) {
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
        for c in catalog.controls.iter() {
            let (code, title) = group_of(s.framework, c.id);
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
            .filter(|c| !covered.contains(c.id))
            .collect();
        if !missing.is_empty() {
            let _ = write!(
                out,
                r#"<details class="uncovered"><summary>Controls without a rule, not checked <span class="count">({})</span></summary><table><tr><th>{unit}</th><th>control</th><th>title</th></tr>"#,
                missing.len()
            );
            for c in missing {
                let (code, _) = group_of(s.framework, c.id);
                let _ = write!(
                    out,
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    esc(&code),
                    esc(c.id),
                    esc(c.title)
                );
            }
            out.push_str("</table></details>");
        }
    }
    out.push_str("</section>");
}
