//! Generated rule documentation: `docs/rules/<ID>.md` per built-in rule and
//! `docs/rules/index.md` (every rule, a rule × framework controls matrix, coverage counts).
//!
//! Everything comes from the rules' `# METADATA` blocks, their embedded fixtures and the control
//! catalogs, so the pages cannot drift from the rules: `tests/docs.rs` fails when the files on
//! disk differ from [`builtin_pages`], and `RUNEGUARD_UPDATE_DOCS=1 cargo test --test docs`
//! rewrites them. The output is deterministic (rules in natural id order, frameworks in
//! [`Framework::ALL`] order, no dates).

use crate::compliance::{Catalog, catalogs, natural_cmp, rules_by_control, title_in};
use crate::input::InputType;
use crate::policy::{PolicyOptions, PolicySet};
use crate::report::rule_doc::{EXAMPLE_REASON, Examples, RuleDoc};
use crate::rule::{Framework, Rule, Scope, Severity};
use crate::testing::examples;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// The folder of the generated pages, relative to the repository root.
pub const RULES_DIR: &str = "docs/rules";

/// One generated file: its name inside [`RULES_DIR`] and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub name: String,
    pub text: String,
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn fenced(lang: &str, body: &str) -> String {
    let fence = if body.contains("```") { "````" } else { "```" };
    format!("{fence}{lang}\n{body}{fence}\n")
}

fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::Document => "document (each document on its own)",
        Scope::Project => "project (every document of its input type at once)",
    }
}

/// What a page says for a control its framework's catalog does not list.
const NOT_IN_CATALOG: &str = "(not in the catalog)";

/// The page of one rule: its document, with examples.
pub fn rule_page(doc: &RuleDoc) -> String {
    let rule = doc.rule;
    let mut s = String::new();
    s.push_str("<!-- Generated from the rule's metadata and fixtures by `RUNEGUARD_UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n");
    s.push_str(&format!(
        "# {} {}\n\n{}\n\n",
        rule.id, rule.name, rule.title
    ));
    s.push_str("| | |\n|---|---|\n");
    s.push_str(&format!("| id | `{}` |\n", rule.id));
    s.push_str(&format!("| name | `{}` |\n", rule.name));
    s.push_str(&format!("| severity | {} |\n", rule.severity));
    s.push_str(&format!("| input | {} |\n", rule.input));
    if !rule.kinds.is_empty() {
        s.push_str(&format!(
            "| applies to | {} |\n",
            cell(&rule.kinds.join(", "))
        ));
    }
    s.push_str(&format!("| scope | {} |\n", scope_text(rule.scope)));
    s.push_str(&format!(
        "| policy | [`{}`](../../{}) |\n\n",
        rule.source, rule.source
    ));

    s.push_str("## What it does\n\n");
    s.push_str(rule.description.trim());
    s.push_str("\n\n## Why it matters\n\n");
    if rule.rationale.trim().is_empty() {
        s.push_str(rule.title.trim());
    } else {
        s.push_str(rule.rationale.trim());
    }
    s.push_str("\n\n");

    let ex = &doc.examples;
    if let Some(fail) = &ex.fail {
        s.push_str(&format!("## Example\n\nReported by {}:\n\n", rule.id));
        s.push_str(&fenced(ex.lang, fail));
        s.push('\n');
    }
    if let Some(pass) = &ex.pass {
        s.push_str("## Passing example\n\n");
        s.push_str(&fenced(ex.lang, pass));
        s.push('\n');
    }

    s.push_str("## Remediation\n\n");
    s.push_str(rule.remediation.trim());
    s.push_str("\n\n## Controls\n\n");
    if doc.controls.is_empty() {
        s.push_str("This rule is not mapped to a compliance control.\n\n");
    } else {
        s.push_str("| framework | control | title |\n|---|---|---|\n");
        for (f, controls) in &doc.controls {
            for c in controls {
                s.push_str(&format!(
                    "| {} | {} | {} |\n",
                    f.title(),
                    cell(c.id),
                    cell(c.title.unwrap_or(NOT_IN_CATALOG))
                ));
            }
        }
        s.push('\n');
    }

    s.push_str("## References\n\n");
    if rule.related.is_empty() {
        s.push_str("None.\n\n");
    } else {
        for r in &rule.related {
            s.push_str(&format!("- <{r}>\n"));
        }
        s.push('\n');
    }

    s.push_str("## Suppressing it\n\n");
    s.push_str(&suppressing(rule, ex));
    s
}

fn suppressing(rule: &Rule, ex: &Examples) -> String {
    let mut s = String::new();
    let comment = if rule.input == InputType::Postgres {
        "--"
    } else {
        "#"
    };
    s.push_str("With a comment on the line of the finding, on the line above it, or at the top of the document (it then covers the whole document); a reason after ` -- ` is required, and `until=YYYY-MM-DD` makes the suppression expire:\n\n");
    match &ex.suppressed {
        Some(text) => s.push_str(&fenced(ex.lang, text)),
        None => s.push_str(&fenced(
            ex.lang,
            &format!(
                "{comment} runeguard:ignore {} until=2026-12-31 -- {EXAMPLE_REASON}\n",
                rule.id
            ),
        )),
    }
    s.push('\n');
    if rule.input == InputType::Kubernetes {
        s.push_str("Or with an annotation on the object (`runeguard.dev/ignore.<container>` limits it to one container):\n\n");
        s.push_str(&fenced(
            "yaml",
            &format!(
                "metadata:\n  annotations:\n    runeguard.dev/ignore: \"{}: {EXAMPLE_REASON}\"\n",
                rule.id
            ),
        ));
        s.push('\n');
    }
    s.push_str(&format!(
        "Or for whole paths, in `.runeguard.yaml` (see the README). Suppressed findings stay in SARIF and JSON output and do not fail the run. To turn the rule off: `runeguard check --ignore {}`.\n",
        rule.id
    ));
    s
}

fn sorted_rules(rules: &[Arc<Rule>]) -> Vec<&Arc<Rule>> {
    let mut sorted: Vec<&Arc<Rule>> = rules.iter().collect();
    sorted.sort_by(|a, b| natural_cmp(&a.id, &b.id));
    sorted
}

/// `index.md`: every rule, the controls matrix, and coverage per framework.
pub fn index_page(rules: &[Arc<Rule>], catalogs: &BTreeMap<Framework, Catalog>) -> String {
    let rules = sorted_rules(rules);
    let mut s = String::new();
    s.push_str("<!-- Generated from the rules' metadata by `RUNEGUARD_UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n");
    s.push_str(&format!(
        "# runeguard rules\n\n{} built-in rules. ",
        rules.len()
    ));
    let by_severity: Vec<String> = Severity::ALL
        .into_iter()
        .map(|sev| (sev, rules.iter().filter(|r| r.severity == sev).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    s.push_str(&format!("By severity: {}.\n\n", by_severity.join(", ")));

    s.push_str("## Rules\n\n| id | name | severity | input | title |\n|---|---|---|---|---|\n");
    for r in &rules {
        s.push_str(&format!(
            "| [{}]({}.md) | {} | {} | {} | {} |\n",
            r.id,
            r.id,
            r.name,
            r.severity,
            r.input,
            cell(&r.title)
        ));
    }

    s.push_str(
        "\n## Controls matrix\n\nThe controls of each framework a rule is mapped to.\n\n| rule |",
    );
    for f in Framework::ALL {
        s.push_str(&format!(" {} |", f.id()));
    }
    s.push_str("\n|---|");
    for _ in Framework::ALL {
        s.push_str("---|");
    }
    s.push('\n');
    for r in &rules {
        s.push_str(&format!("| [{}]({}.md) |", r.id, r.id));
        for f in Framework::ALL {
            let ids = r
                .controls
                .get(&f)
                .map(|ids| ids.join(", "))
                .unwrap_or_default();
            s.push_str(&format!(" {} |", cell(&ids)));
        }
        s.push('\n');
    }

    s.push_str("\n## Coverage\n\nPer framework: the rules mapped to it, the distinct controls they cover, and how many controls its catalog (`policies/frameworks/`) lists.\n\n");
    s.push_str("| framework | rules | controls covered | controls in catalog | catalog controls with no rule |\n|---|---|---|---|---|\n");
    for f in Framework::ALL {
        let mapped: Vec<&&Arc<Rule>> = rules
            .iter()
            .filter(|r| r.controls.get(&f).is_some_and(|ids| !ids.is_empty()))
            .collect();
        let covered: BTreeSet<&str> = mapped
            .iter()
            .flat_map(|r| r.controls.get(&f).into_iter().flatten())
            .map(String::as_str)
            .collect();
        let (in_catalog, uncovered) = match catalogs.get(&f) {
            Some(c) => {
                let n = c
                    .controls
                    .iter()
                    .filter(|ctl| !covered.contains(ctl.id))
                    .count();
                (c.controls.len().to_string(), n.to_string())
            }
            None => ("no catalog".to_string(), "-".to_string()),
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            f.title(),
            mapped.len(),
            covered.len(),
            in_catalog,
            uncovered
        ));
    }

    s.push_str(
        "\n## Controls\n\nEach covered control with its title and the rules that test it.\n",
    );
    for f in Framework::ALL {
        let by_control = rules_by_control(rules.iter().map(|r| r.as_ref()), f);
        if by_control.is_empty() {
            continue;
        }
        let mut ids: Vec<&str> = by_control.keys().copied().collect();
        ids.sort_by(|a, b| natural_cmp(a, b));
        s.push_str(&format!(
            "\n### {}\n\n| control | title | rules |\n|---|---|---|\n",
            f.title()
        ));
        for id in ids {
            let title = title_in(catalogs, f, id).unwrap_or(NOT_IN_CATALOG);
            let links: Vec<String> = by_control
                .get(id)
                .into_iter()
                .flatten()
                .map(|r| format!("[{r}]({r}.md)"))
                .collect();
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                cell(id),
                cell(title),
                links.join(", ")
            ));
        }
    }
    s
}

/// Every page for the given rules: `index.md` first, then `<ID>.md` in natural id order.
pub fn pages(
    set: &PolicySet,
    rules: &[Arc<Rule>],
    catalogs: &BTreeMap<Framework, Catalog>,
) -> Vec<Page> {
    let mut out = vec![Page {
        name: "index.md".to_string(),
        text: index_page(rules, catalogs),
    }];
    for r in sorted_rules(rules) {
        let doc = RuleDoc::new(r, catalogs).with_examples(examples(set, r));
        out.push(Page {
            name: format!("{}.md", r.id),
            text: rule_page(&doc),
        });
    }
    out
}

/// The pages of the built-in rules.
pub fn builtin_pages() -> Vec<Page> {
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    });
    pages(&set, &set.rules, catalogs())
}

/// What differs between `dir` and `pages`: missing or changed pages, and `.md` files that no
/// rule generates any more. Empty when the folder is up to date.
pub fn stale(dir: &Path, pages: &[Page]) -> Vec<String> {
    let mut out = Vec::new();
    for p in pages {
        match std::fs::read_to_string(dir.join(&p.name)) {
            Ok(text) if text == p.text => {}
            Ok(_) => out.push(format!("{} is out of date", p.name)),
            Err(_) => out.push(format!("{} is missing", p.name)),
        }
    }
    let expected: BTreeSet<&str> = pages.iter().map(|p| p.name.as_str()).collect();
    for name in markdown_files(dir) {
        if !expected.contains(name.as_str()) {
            out.push(format!("{name} belongs to no rule"));
        }
    }
    out
}

fn markdown_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names
}

/// Writes `pages` into `dir` and removes `.md` files no rule generates.
pub fn write(dir: &Path, pages: &[Page]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let expected: BTreeSet<&str> = pages.iter().map(|p| p.name.as_str()).collect();
    for name in markdown_files(dir) {
        if !expected.contains(name.as_str()) {
            std::fs::remove_file(dir.join(name))?;
        }
    }
    for p in pages {
        if std::fs::read_to_string(dir.join(&p.name)).ok().as_deref() != Some(p.text.as_str()) {
            std::fs::write(dir.join(&p.name), &p.text)?;
        }
    }
    Ok(())
}
