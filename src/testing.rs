//! Testing policies: each rule's pass/fail fixtures (with `# expect: ID` markers) and the
//! `test_*` rules of Rego files. Shared by `runeguard test` and the project's own tests.

use crate::finding::ProblemLevel;
use crate::input::classify;
use crate::policy::{Evaluator, PolicySet, embedded};
use crate::report::RunReport;
use crate::report::rule_doc::{EXAMPLE_REASON, Examples, fence_lang};
use crate::rule::{Rule, Scope};
use crate::run::{CheckOptions, check_with};
use crate::source::SourceFile;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod examples;
pub use examples::{check_example, examples, strip_expect_marker};

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

/// `# expect: K8S-001, K8S-002` / `-- expect: SQL-005` markers: the findings a fail fixture
/// expects, as (line, column, rule id), sorted, one entry per expected finding.
///
/// A marker `ID` expects one finding of `ID` starting at the first token of its line (after
/// any YAML `- ` sequence indicators); `ID@COL` expects it at column `COL` (1-based, counted
/// in Unicode scalar values, as reports count them). Naming an id twice expects two findings.
pub fn expected_markers(text: &str) -> Result<Vec<(u32, u32, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        for token in marker_tokens(line) {
            let (id, column) = match token.split_once('@') {
                None => (token, first_token_column(line)),
                Some((id, col)) => match col.parse::<u32>() {
                    Ok(c) if c >= 1 && !id.is_empty() => (id, c),
                    _ => {
                        return Err(format!(
                            "line {line_no}: marker {token:?}: expected `ID` or `ID@COLUMN` with a column from 1"
                        ));
                    }
                },
            };
            out.push((line_no, column, id.to_string()));
        }
    }
    out.sort();
    Ok(out)
}

/// The markers of a fixture line.
const EXPECT_MARKERS: [&str; 2] = ["# expect:", "-- expect:"];

/// The tokens (`ID` or `ID@COL`) of a line's `expect:` markers.
fn marker_tokens(line: &str) -> impl Iterator<Item = &str> {
    EXPECT_MARKERS.into_iter().flat_map(move |marker| {
        line.find(marker)
            .map(|idx| &line[idx + marker.len()..])
            .into_iter()
            .flat_map(|rest| rest.split([',', ' ']).map(str::trim))
            .filter(|t| !t.is_empty())
    })
}

/// True when a line's markers expect a finding of rule `id`.
fn expects(line: &str, id: &str) -> bool {
    marker_tokens(line).any(|t| t.split('@').next() == Some(id))
}

/// The column (1-based, in characters) of a line's first token, after its indentation and
/// any YAML `- ` sequence indicators: where a finding on a block-style line starts.
pub fn first_token_column(line: &str) -> u32 {
    let mut rest = line.trim_start_matches([' ', '\t']);
    loop {
        if rest == "-" {
            break;
        }
        match rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
            Some(r) => rest = r.trim_start_matches([' ', '\t']),
            None => break,
        }
    }
    (line[..line.len() - rest.len()].chars().count() + 1) as u32
}

/// `# expect-note` / `-- expect-note` markers: the lines on which a fixture expects a note
/// (a warning-level problem), one entry per note, sorted. A note without a line is expected
/// by a marker on line 1.
pub fn expected_notes(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for marker in ["# expect-note", "-- expect-note"] {
            out.extend(std::iter::repeat_n(
                i as u32 + 1,
                line.matches(marker).count(),
            ));
        }
    }
    out.sort();
    out
}

/// The entries of `a` not matched by one of `b`, as a multiset difference (both sorted).
fn multiset_minus<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut counts: std::collections::BTreeMap<&T, usize> = Default::default();
    for x in b {
        *counts.entry(x).or_default() += 1;
    }
    let mut out = Vec::new();
    for x in a {
        match counts.get_mut(x) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(x.clone()),
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

/// The text a fixture is checked as: its own, except that a `.properties` file (a format
/// without end-of-line comments: `# expect:` would be part of the value) is checked with its
/// markers cut off; the markers are still read from the fixture's text.
pub fn fixture_input(fx: &Fixture) -> String {
    use crate::input::classify::{FileKind, file_kind};
    if !matches!(
        file_kind(&fx.path),
        FileKind::Properties | FileKind::Directives
    ) {
        return fx.text.clone();
    }
    fx.text
        .split_inclusive('\n')
        .map(|l| {
            let cut = strip_expect_marker(l.trim_end_matches('\n'));
            let cut = cut
                .find("# expect-note")
                .map_or(cut, |i| cut[..i].trim_end());
            if l.ends_with('\n') {
                format!("{cut}\n")
            } else {
                cut.to_string()
            }
        })
        .collect()
}

/// Checks one fixture of one rule. Returns what went wrong.
pub fn check_fixture(set: &PolicySet, rule: &Arc<Rule>, fx: &Fixture) -> Vec<String> {
    let report = check_example(set, rule, fx.path.clone(), &fixture_input(fx));
    let mut errors = Vec::new();
    for p in report
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
    {
        errors.push(format!("problem: {p}"));
    }
    // Notes (warning-level problems: a construct read leniently, a statement skipped, a
    // stale suppression) must be marked where they are expected: an unmarked one is a fixture
    // that does not test what it seems to, or a reader regression.
    let notes: Vec<(u32, String)> = report
        .problems
        .iter()
        .filter(|p| p.level != ProblemLevel::Error)
        .map(|p| (p.pos.map_or(1, |pos| pos.line), p.to_string()))
        .collect();
    let note_lines: Vec<u32> = {
        let mut v: Vec<u32> = notes.iter().map(|(l, _)| *l).collect();
        v.sort();
        v
    };
    let marked_notes = expected_notes(&fx.text);
    for line in multiset_minus(&note_lines, &marked_notes) {
        for (_, note) in notes.iter().filter(|(l, _)| *l == line) {
            errors.push(format!(
                "{}:{line}: unexpected note (mark the line with `expect-note` if it is intended): {note}",
                fx.path
            ));
        }
    }
    for line in multiset_minus(&marked_notes, &note_lines) {
        errors.push(format!(
            "{}:{line}: expected a note here (`expect-note`), got none",
            fx.path
        ));
    }
    let mut actual: Vec<(u32, u32, String)> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule.id && !f.is_suppressed())
        .map(|f| (f.start().line, f.start().column, f.rule.id.clone()))
        .collect();
    actual.sort();
    // A document that uses an anchored node through an alias fires where the anchor's
    // finding names it: at its alias site, a related location.
    let alias_sites: Vec<u32> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule.id && !f.is_suppressed())
        .flat_map(|f| f.related.iter().filter(|r| r.role == "alias"))
        .map(|r| r.start().line)
        .collect();
    if fx.fail {
        let expected: Vec<(u32, u32, String)> = match expected_markers(&fx.text) {
            Ok(markers) => markers
                .into_iter()
                .filter(|(_, _, id)| *id == rule.id)
                .collect(),
            Err(e) => {
                errors.push(format!("{}: {e}", fx.path));
                return errors;
            }
        };
        if expected.is_empty() {
            errors.push(format!(
                "{}: no `expect: {}` marker: a fail fixture must say where findings start",
                fx.path, rule.id
            ));
        }
        for (line, column, id) in multiset_minus(&expected, &actual) {
            errors.push(format!(
                "{}:{line}:{column}: expected a {id} finding here, got none{}",
                fx.path,
                describe_on_line(&actual, line)
            ));
        }
        // Two findings at one place: name each one's own message.
        let mut shown: std::collections::BTreeMap<(u32, u32), usize> = Default::default();
        for (line, column, id) in multiset_minus(&actual, &expected) {
            let nth = shown.entry((line, column)).or_default();
            let msg = report
                .findings
                .iter()
                .filter(|f| {
                    f.start().line == line
                        && f.start().column == column
                        && f.rule.id == id
                        && !f.is_suppressed()
                })
                .nth(*nth)
                .map(|f| f.message.as_str())
                .unwrap_or("");
            *nth += 1;
            errors.push(format!(
                "{}:{line}:{column}: unexpected {id} finding: {msg}",
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
                let lines = &doc.file.lines;
                let (a, b) = (
                    lines.line_of(doc.span().start as usize),
                    lines.line_of(doc.span().end as usize),
                );
                if !actual
                    .iter()
                    .map(|(l, _, _)| l)
                    .chain(&alias_sites)
                    .any(|l| *l >= a && *l <= b)
                {
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
                "{}:{}:{}: pass fixture has a {} finding: {}",
                fx.path,
                f.start().line,
                f.start().column,
                f.rule.id,
                f.message
            ));
        }
    }
    errors
}

/// ` (findings on that line start at columns …)` when the line has findings at other columns.
fn describe_on_line(actual: &[(u32, u32, String)], line: u32) -> String {
    let columns: Vec<String> = actual
        .iter()
        .filter(|(l, _, _)| *l == line)
        .map(|(_, c, _)| c.to_string())
        .collect();
    if columns.is_empty() {
        String::new()
    } else {
        format!(
            " (findings on that line start at column {}; a marker `ID@COLUMN` names a column)",
            columns.join(", ")
        )
    }
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

/// Names in a policy text that may be `test_*` rules: every `test_…` identifier, wherever it
/// is (indented, after a `#` or in a body too); [`rego_test_outcomes`] keeps those regorus
/// parsed as rules of the module. In first-seen order, without repeats.
pub fn test_rule_candidates(text: &str) -> Vec<String> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices("test_") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| is_ident(c) || c == '.') {
            continue;
        }
        let name: String = text[i..].chars().take_while(|c| is_ident(*c)).collect();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Evaluates every `test_*` rule of the loaded sources. A `_test.rego` file without any is a
/// failed outcome of its own: a test file that tests nothing is a mistake.
pub fn rego_test_outcomes(set: &PolicySet, only_user: bool) -> Vec<Outcome> {
    let mut out = Vec::new();
    let mut ev = Evaluator::new(set);
    let all = set.all();
    for src in set
        .sources
        .iter()
        .filter(|s| !only_user || s.origin == crate::rule::Origin::User)
    {
        let Some((pkg, _)) = crate::policy::metadata::package_of(&src.text) else {
            continue;
        };
        let mut found = 0;
        for name in test_rule_candidates(&src.text) {
            // Only rules regorus parsed in this module (not a body's local variable, a comment
            // or a string); a module that did not compile is reported as a policy problem.
            if !all
                .engine
                .has_declared_rule_rooted_at(&src.path, &name)
                .unwrap_or(false)
            {
                continue;
            }
            found += 1;
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
        if found == 0 && src.path.ends_with("_test.rego") {
            out.push(Outcome {
                name: format!("{} tests", src.path),
                errors: vec![format!(
                    "{}: a test file without any `test_` rule (or one that did not compile)",
                    src.path
                )],
                broken: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_columns_and_repeat_for_several_findings() {
        let text = "a: 1 # expect: K8S-001\n  - b: {c: 1} # expect: K8S-002@8, K8S-002@8, K8S-003\n-- expect: SQL-001\n";
        assert_eq!(
            expected_markers(text).expect("parses"),
            vec![
                (1, 1, "K8S-001".to_string()),
                (2, 5, "K8S-003".to_string()),
                (2, 8, "K8S-002".to_string()),
                (2, 8, "K8S-002".to_string()),
                (3, 1, "SQL-001".to_string()),
            ]
        );
        for bad in [
            "x # expect: K8S-001@0\n",
            "x # expect: K8S-001@a\n",
            "x # expect: @3\n",
        ] {
            assert!(expected_markers(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_first_token_is_after_indentation_and_sequence_indicators() {
        assert_eq!(first_token_column("privileged: true"), 1);
        assert_eq!(first_token_column("    privileged: true"), 5);
        assert_eq!(first_token_column("  - name: app"), 5);
        assert_eq!(first_token_column("  - - x"), 7);
        assert_eq!(first_token_column("\t- x"), 4);
        assert_eq!(
            first_token_column("  -x: 1"),
            3,
            "`-x` is a key, not an indicator"
        );
        assert_eq!(first_token_column("  é: - x"), 3);
        assert_eq!(first_token_column("  -"), 3);
    }

    #[test]
    fn notes_are_expected_by_line_and_compared_as_multisets() {
        let text = "a # expect-note\nb\n-- expect-note -- expect-note\n";
        assert_eq!(expected_notes(text), vec![1, 3, 3]);
        assert_eq!(multiset_minus(&[1, 3, 3, 3], &[3, 1, 3]), vec![3]);
        assert_eq!(multiset_minus(&[3], &[3, 3]), Vec::<u32>::new());
    }

    #[test]
    fn test_rule_candidates_are_every_test_identifier() {
        let text = "test_a if true\n  test_b if {\n\ttest_c := 1\n}\nx.test_d := 1\nnot_test_e := 1\n# test_f\ntest_a if false\n";
        assert_eq!(
            test_rule_candidates(text),
            ["test_a", "test_b", "test_c", "test_f"]
        );
    }
}
