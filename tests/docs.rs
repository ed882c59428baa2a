//! The generated rule documentation (`docs/rules/`) is up to date, and what it shows is true:
//! each page's failing example is reported, its passing example is not, and its inline
//! suppression example suppresses the finding.
//!
//! `RUNEGUARD_UPDATE_DOCS=1 cargo test --test docs` rewrites the pages.

use runeguard::compliance::catalogs;
use runeguard::docs::{self, Page, RULES_DIR};
use runeguard::policy::{PolicyOptions, PolicySet};
use runeguard::report::RunReport;
use runeguard::rule::{Framework, Rule};
use runeguard::testing::{check_example, examples};
use std::path::Path;
use std::sync::Arc;

const UPDATE: &str = "RUNEGUARD_UPDATE_DOCS=1 cargo test --test docs";

fn builtin() -> PolicySet {
    PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    })
}

fn run(set: &PolicySet, rule: &Rule, lang: &str, text: &str) -> RunReport {
    check_example(set, rule, format!("example.{lang}"), text)
}

#[test]
fn rule_docs_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(RULES_DIR);
    let pages = docs::builtin_pages();
    if std::env::var_os("RUNEGUARD_UPDATE_DOCS").is_some()
        && let Err(e) = docs::write(&dir, &pages)
    {
        panic!("cannot write {}: {e}", dir.display());
    }
    let stale = docs::stale(&dir, &pages);
    assert!(
        stale.is_empty(),
        "{RULES_DIR} is stale:\n  {}\nregenerate it with `{UPDATE}` and commit the result",
        stale.join("\n  ")
    );
}

#[test]
fn generation_is_deterministic_and_complete() {
    let set = builtin();
    let a = docs::pages(&set, &set.rules, catalogs());
    let mut reversed: Vec<Arc<Rule>> = set.rules.clone();
    reversed.reverse();
    let b = docs::pages(&set, &reversed, catalogs());
    assert_eq!(a, b, "the pages depend on the order rules were loaded in");
    assert_eq!(a.len(), set.rules.len() + 1);
    let index = &a[0];
    assert_eq!(index.name, "index.md");
    for rule in &set.rules {
        assert!(
            index.text.contains(&format!(
                "| [{}]({}.md) | {} |",
                rule.id, rule.id, rule.name
            )),
            "index lacks {}",
            rule.id
        );
        let page: &Page = a
            .iter()
            .find(|p| p.name == format!("{}.md", rule.id))
            .expect("a page per rule");
        for heading in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Passing example",
            "## Remediation",
            "## Controls",
            "## References",
            "## Suppressing it",
        ] {
            assert!(
                page.text.contains(&format!("\n{heading}\n")),
                "{} lacks {heading}",
                page.name
            );
        }
        assert!(
            !page.text.contains("expect:"),
            "{} shows a fixture marker",
            page.name
        );
        // Every mapped control is named with its catalog title.
        for (f, ids) in &rule.controls {
            for id in ids {
                let row = format!("| {} | {} | ", f.title(), id);
                assert!(
                    page.text.contains(&row),
                    "{} lacks the row {row}",
                    page.name
                );
                if let Some(c) = catalogs().get(f).and_then(|c| c.get(id)) {
                    assert!(
                        page.text
                            .contains(&format!("{row}{} |", c.title.replace('|', "\\|"))),
                        "{} lacks the title of {id}",
                        page.name
                    );
                }
            }
        }
    }
    for f in Framework::ALL {
        assert!(
            index.text.contains(&format!("| {} | ", f.title())),
            "coverage lacks {}",
            f.id()
        );
    }
}

#[test]
fn examples_on_the_pages_behave_as_documented() {
    let set = builtin();
    let mut errors = Vec::new();
    for rule in &set.rules {
        let ex = examples(&set, rule);
        let Some(fail) = &ex.fail else {
            errors.push(format!("{}: no failing example", rule.id));
            continue;
        };
        let fired = run(&set, rule, ex.lang, fail);
        if !fired
            .findings
            .iter()
            .any(|f| f.rule.id == rule.id && !f.is_suppressed())
        {
            errors.push(format!("{}: the failing example is not reported", rule.id));
        }
        match &ex.pass {
            Some(pass) => {
                let quiet = run(&set, rule, ex.lang, pass);
                if quiet.findings.iter().any(|f| f.rule.id == rule.id) {
                    errors.push(format!("{}: the passing example is reported", rule.id));
                }
            }
            None => errors.push(format!("{}: no passing example", rule.id)),
        }
        let Some(suppressed) = &ex.suppressed else {
            errors.push(format!("{}: no inline suppression example", rule.id));
            continue;
        };
        let report = run(&set, rule, ex.lang, suppressed);
        let ours: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule.id == rule.id)
            .collect();
        if !ours.iter().any(|f| f.is_suppressed()) {
            errors.push(format!(
                "{}: the suppression example suppresses nothing",
                rule.id
            ));
        }
        // Only the line that carries the comment is suppressed; other findings of the example
        // (a second container, say) stay, so compare with the unsuppressed run.
        let before = fired
            .findings
            .iter()
            .filter(|f| f.rule.id == rule.id)
            .count();
        if ours.len() != before {
            errors.push(format!(
                "{}: the suppression example changes the findings ({before} → {})",
                rule.id,
                ours.len()
            ));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The body of the first ``` fence after `heading` on a generated page.
fn fenced_after<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let rest = &page[page.find(heading)?..];
    let body = &rest[rest.find("```")?..];
    let body = &body[body.find('\n')? + 1..];
    Some(&body[..body.find("\n```")? + 1])
}

/// `runeguard explain` shows the rule document the pages show: the same failing and passing
/// examples, both checked against the rule. (It used to cut the first document out of each
/// fixture, so IST-013's "failing example" was a DestinationRule, which it never reports.)
#[test]
fn explain_shows_the_examples_of_the_rule_page() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(RULES_DIR);
    for id in [
        "K8S-001", "K8S-041", "IST-001", "IST-013", "SQL-005", "CFG-001",
    ] {
        let page = std::fs::read_to_string(dir.join(format!("{id}.md"))).expect("page");
        let out = assert_cmd::cargo::cargo_bin_cmd!("runeguard")
            .env("RUNEGUARD_CACHE_DIR", "")
            .args(["explain", id])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{id}: explain failed");
        let text = String::from_utf8_lossy(&out.stdout);
        for (heading, label) in [
            ("## Example", "Failing example\n"),
            ("## Passing example", "Passing example\n"),
        ] {
            let example = fenced_after(&page, heading)
                .unwrap_or_else(|| panic!("{id}: no {heading:?} on the page"));
            let indented: String = example
                .lines()
                .map(|l| {
                    if l.is_empty() {
                        "\n".to_string()
                    } else {
                        format!("    {l}\n")
                    }
                })
                .collect();
            assert!(
                text.contains(&format!("{label}{indented}")),
                "{id}: explain's {label:?} is not the page's:\n{text}"
            );
        }
    }
    let out = assert_cmd::cargo::cargo_bin_cmd!("runeguard")
        .env("RUNEGUARD_CACHE_DIR", "")
        .args(["explain", "IST-013"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let failing = &text[text.find("Failing example").expect("failing example")..];
    assert!(
        failing[..failing.find("Passing example").unwrap_or(failing.len())]
            .contains("kind: VirtualService"),
        "IST-013's failing example shows the VirtualService it reports"
    );
}
