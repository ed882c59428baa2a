//! The rule catalog as text: `runeguard rules` (table, JSON, Markdown) and `runeguard explain`.

use crate::compliance::catalogs;
use crate::report::rule_doc::RuleDoc;
use crate::rule::{Framework, Rule};
use comfy_table::{ContentArrangement, Table, presets};
use std::sync::Arc;

/// How `runeguard rules` prints the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum CatalogFormat {
    #[default]
    Table,
    Json,
    Markdown,
    /// OSCAL component definition: the controls the rules give evidence for, rule by rule.
    Oscal,
}

fn controls_text(rule: &Rule, only: Option<Framework>) -> String {
    RuleDoc::new(rule, catalogs())
        .controls
        .iter()
        .filter(|(f, _)| only.is_none_or(|o| o == *f))
        .map(|(f, controls)| {
            let ids: Vec<String> = controls.iter().map(|c| c.titled()).collect();
            format!("{}: {}", f.id(), ids.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn render(rules: &[&Arc<Rule>], format: CatalogFormat, framework: Option<Framework>) -> String {
    match format {
        CatalogFormat::Json => {
            let v: Vec<_> = rules.iter().map(|r| r.as_ref()).collect();
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        CatalogFormat::Markdown => {
            let mut s = String::new();
            if let Some(f) = framework {
                s.push_str(&format!("# runeguard rules mapped to {}\n\n", f.title()));
            } else {
                s.push_str("# runeguard rules\n\n");
            }
            s.push_str(
                "| id | name | severity | input | title | controls |\n|---|---|---|---|---|---|\n",
            );
            for r in rules {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    r.id,
                    r.name,
                    r.severity,
                    r.input,
                    r.title.replace('|', "\\|"),
                    controls_text(r, framework).replace('|', "\\|")
                ));
            }
            s
        }
        CatalogFormat::Oscal => crate::report::oscal::component_definition(
            rules,
            crate::VERSION,
            crate::report::FIXED_TIME,
        ),
        CatalogFormat::Table => {
            let mut t = Table::new();
            t.load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
            t.set_header(vec!["id", "name", "severity", "input", "title"]);
            for r in rules {
                t.add_row(vec![
                    r.id.clone(),
                    r.name.clone(),
                    r.severity.to_string(),
                    r.input.to_string(),
                    r.title.clone(),
                ]);
            }
            format!("{t}\n{} rules\n", rules.len())
        }
    }
}

/// `runeguard explain`: a rule's document, with its examples, as terminal text.
pub fn explain(doc: &RuleDoc) -> String {
    let rule = doc.rule;
    let mut s = format!(
        "{} {} ({}, {})\n\n{}\n\n{}\n",
        rule.id, rule.name, rule.severity, rule.input, rule.title, rule.description
    );
    if !rule.rationale.is_empty() {
        s.push_str(&format!("\nWhy it matters\n  {}\n", rule.rationale));
    }
    s.push_str("\nControls\n");
    for (f, controls) in &doc.controls {
        for (i, c) in controls.iter().enumerate() {
            let name = if i == 0 { f.id() } else { "" };
            s.push_str(&format!("  {name:<15} {}\n", c.titled()));
        }
    }
    s.push_str(&format!("\nRemediation\n  {}\n", rule.remediation));
    if let Some(f) = &doc.examples.fail {
        s.push_str("\nFailing example\n");
        s.push_str(&indent(f));
    }
    if let Some(p) = &doc.examples.pass {
        s.push_str("\nPassing example\n");
        s.push_str(&indent(p));
    }
    if !rule.related.is_empty() {
        s.push_str("\nReferences\n");
        for r in &rule.related {
            s.push_str(&format!("  {r}\n"));
        }
    }
    if let Some(u) = rule.help_uri() {
        s.push_str(&format!("\nDocumentation: {u}\n"));
    }
    s
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect()
}
