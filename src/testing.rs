//! Testing policies: each rule's pass/fail fixtures (with `# expect: ID` markers) and the
//! `test_*` rules of Rego files. Shared by `runeguard test` and the project's own tests.

use crate::input::{ProblemLevel, SourceFile, classify};
use crate::policy::{Evaluator, PolicySet, embedded};
use crate::rule::{Rule, Scope};
use crate::run::{CheckOptions, check_with};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A fixture file of a rule.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub path: String,
    pub text: String,
    /// True for `*.fail.*`, false for `*.pass.*`.
    pub fail: bool,
}

/// The outcome of one test: its name and what went wrong (empty: passed).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub errors: Vec<String>,
    /// The test could not run at all (a policy error), as opposed to failing.
    pub broken: bool,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.errors.is_empty()
    }
}

/// `# expect: K8S-001, K8S-002` / `-- expect: SQL-005` markers: (line, rule id).
pub fn expected_markers(text: &str) -> BTreeSet<(u32, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        for marker in ["# expect:", "-- expect:"] {
            if let Some(idx) = line.find(marker) {
                for id in line[idx + marker.len()..]
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    out.insert((i as u32 + 1, id.to_string()));
                }
            }
        }
    }
    out
}

/// The fixture file name stem of a rule: its policy file's name without `.rego`.
pub fn rule_stem(rule: &Rule) -> (&str, &str) {
    let stem = rule
        .source
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".rego");
    let dir = rule.source.rsplit('/').nth(1).unwrap_or("");
    (dir, stem)
}

/// The embedded fixtures of a built-in rule.
pub fn builtin_fixtures(rule: &Rule) -> Vec<Fixture> {
    let (dir, stem) = rule_stem(rule);
    let mut out = Vec::new();
    for (kind, fail) in [("fail", true), ("pass", false)] {
        for (path, text) in embedded::under(&format!("fixtures/{dir}/{stem}.{kind}.")) {
            out.push(Fixture {
                path: path.to_string(),
                text: text.to_string(),
                fail,
            });
        }
    }
    out
}

/// Fixtures of a user rule: beside its `.rego`, or in `<policy root>/../fixtures/<dir>/`.
pub fn disk_fixtures(rule: &Rule) -> Vec<Fixture> {
    let src = Path::new(&rule.source);
    let (dir, stem) = rule_stem(rule);
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(parent) = src.parent() {
        candidates.push(parent.to_path_buf());
        if let Some(root) = parent.parent().and_then(Path::parent) {
            candidates.push(root.join("fixtures").join(dir));
        }
        if let Some(root) = parent.parent() {
            candidates.push(root.join("fixtures").join(dir));
        }
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for d in candidates {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        names.sort();
        for p in names {
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let fail = name.starts_with(&format!("{stem}.fail."));
            let pass = name.starts_with(&format!("{stem}.pass."));
            if (fail || pass)
                && seen.insert(p.clone())
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                out.push(Fixture {
                    path: p.display().to_string(),
                    text,
                    fail,
                });
            }
        }
    }
    out
}

/// Checks one fixture of one rule. Returns what went wrong.
pub fn check_fixture(set: &PolicySet, rule: &Arc<Rule>, fx: &Fixture) -> Vec<String> {
    let opts = CheckOptions {
        paths: Vec::new(),
        stdin: Some((fx.path.clone(), fx.text.clone())),
        select: vec![rule.id.clone()],
        fail_on: crate::rule::Severity::Info,
        ..Default::default()
    };
    let report = check_with(set, &opts);
    let mut errors = Vec::new();
    for p in report
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
    {
        errors.push(format!("problem: {p}"));
    }
    let actual: BTreeSet<(u32, String)> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule.id && !f.is_suppressed())
        .map(|f| (f.span.start.line, f.rule.id.clone()))
        .collect();
    if fx.fail {
        let expected: BTreeSet<(u32, String)> = expected_markers(&fx.text)
            .into_iter()
            .filter(|(_, id)| *id == rule.id)
            .collect();
        if expected.is_empty() {
            errors.push(format!(
                "{}: no `expect: {}` marker: a fail fixture must say where findings start",
                fx.path, rule.id
            ));
        }
        for (line, id) in expected.difference(&actual) {
            errors.push(format!(
                "{}:{line}: expected a {id} finding here, got none",
                fx.path
            ));
        }
        for (line, id) in actual.difference(&expected) {
            let msg = report
                .findings
                .iter()
                .find(|f| f.span.start.line == *line && f.rule.id == *id)
                .map(|f| f.message.as_str())
                .unwrap_or("");
            errors.push(format!(
                "{}:{line}: unexpected {id} finding: {msg}",
                fx.path
            ));
        }
        if rule.scope == Scope::Document {
            // Every document the rule applies to must fire.
            let file = SourceFile::new(fx.path.clone(), None, fx.text.clone());
            let loaded = classify::load(&file, true);
            for doc in loaded
                .documents
                .iter()
                .filter(|d| rule.applies_to(d.input_type, &d.subtype))
            {
                let (a, b) = (doc.span().start.line, doc.span().end.line);
                if !actual.iter().any(|(l, _)| *l >= a && *l <= b) {
                    errors.push(format!(
                        "{}:{a}: document {} ({}) of a fail fixture does not fire {}",
                        fx.path,
                        doc.index + 1,
                        doc.resource,
                        rule.id
                    ));
                }
            }
        }
    } else {
        for f in report.findings.iter().filter(|f| f.rule.id == rule.id) {
            errors.push(format!(
                "{}:{}: pass fixture has a {} finding: {}",
                fx.path, f.span.start.line, f.rule.id, f.message
            ));
        }
    }
    errors
}

/// Every fixture test of the given rules.
pub fn fixture_outcomes(set: &PolicySet, rules: &[Arc<Rule>], builtin: bool) -> Vec<Outcome> {
    let mut out = Vec::new();
    for rule in rules {
        let fixtures = if builtin {
            builtin_fixtures(rule)
        } else {
            disk_fixtures(rule)
        };
        let has_fail = fixtures.iter().any(|f| f.fail);
        let has_pass = fixtures.iter().any(|f| !f.fail);
        if !has_fail || !has_pass {
            out.push(Outcome {
                name: format!("{} {} fixtures", rule.id, rule.name),
                errors: vec![format!(
                    "{} needs both a fail and a pass fixture ({}.fail.* and {}.pass.*)",
                    rule.id,
                    rule_stem(rule).1,
                    rule_stem(rule).1
                )],
                broken: false,
            });
        }
        for fx in fixtures {
            let errors = check_fixture(set, rule, &fx);
            out.push(Outcome {
                name: format!("{} {}", rule.id, fx.path),
                errors,
                broken: false,
            });
        }
    }
    out
}

/// `test_*` rule names declared in a policy text.
pub fn test_rule_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Evaluates every `test_*` rule of the loaded sources.
pub fn rego_test_outcomes(set: &PolicySet, only_user: bool) -> Vec<Outcome> {
    let mut out = Vec::new();
    let mut ev = Evaluator::new(set);
    for src in set
        .sources
        .iter()
        .filter(|s| !only_user || s.origin == crate::rule::Origin::User)
    {
        let Some((pkg, _)) = crate::policy::metadata::package_of(&src.text) else {
            continue;
        };
        for name in test_rule_names(&src.text) {
            let full = format!("data.{pkg}.{name}");
            let (errors, broken) = match ev.eval_path(None, &full) {
                Ok(serde_json::Value::Bool(true)) => (Vec::new(), false),
                Ok(v) => (
                    vec![format!(
                        "{}: {full} is {}",
                        src.path,
                        if v.is_null() {
                            "undefined".to_string()
                        } else {
                            v.to_string()
                        }
                    )],
                    false,
                ),
                Err(e) => (vec![format!("{}: {full}: error: {e}", src.path)], true),
            };
            out.push(Outcome {
                name: full,
                errors,
                broken,
            });
        }
    }
    out
}

/// Embedded fixture examples for `explain` (first document of the fail and pass fixtures).
pub fn rule_examples(rule: &Rule) -> (Option<String>, Option<String>) {
    let fixtures = builtin_fixtures(rule);
    let first = |fail: bool| {
        fixtures.iter().find(|f| f.fail == fail).map(|f| {
            let doc = if f.path.ends_with(".sql") {
                f.text.as_str()
            } else {
                f.text.split("\n---").next().unwrap_or(&f.text)
            };
            doc.lines()
                .map(strip_expect_marker)
                .collect::<Vec<_>>()
                .join("\n")
                .trim_start_matches('\n')
                .to_string()
                + "\n"
        })
    };
    (first(true), first(false))
}

/// Drops a fixture's `# expect: ID` / `-- expect: ID` marker from a line.
pub fn strip_expect_marker(line: &str) -> &str {
    for marker in ["# expect:", "-- expect:"] {
        if let Some(i) = line.find(marker) {
            return line[..i].trim_end();
        }
    }
    line
}
