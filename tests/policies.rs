//! The data-driven rule test: every built-in rule's fail fixture fires exactly on its
//! `# expect:` markers (line, column and rule, counted; and every document fires), and its
//! pass fixture is clean. Every rule of the specification's catalog exists, and every Rego
//! test file contributes tests that pass.

mod common;

use runeguard::policy::{PolicyOptions, PolicySet};
use runeguard::testing::{fixture_outcomes, rego_test_outcomes};
use std::collections::BTreeMap;

fn builtin(include_tests: bool) -> PolicySet {
    PolicySet::load(&PolicyOptions {
        builtin: true,
        include_tests,
        ..Default::default()
    })
}

#[test]
fn every_rule_passes_its_fixtures() {
    let set = builtin(false);
    set.compile_all();
    assert!(
        set.problems_all().is_empty(),
        "built-in policies failed to load:\n{}",
        set.problems_all()
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Exactly the rules of the catalog: none missing (a rule whose metadata did not load
    // would otherwise simply not be tested), none extra.
    let mut catalog: Vec<String> = common::rules_catalog()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    catalog.sort();
    let loaded: Vec<String> = set.rules.iter().map(|r| r.id.clone()).collect();
    assert_eq!(catalog.len(), 98, "the specification lists 98 rules");
    assert_eq!(
        loaded, catalog,
        "built-in rules vs tests/data/rules-catalog.tsv"
    );
    let outcomes = fixture_outcomes(&set, &set.rules, true);
    // At least one fail and one pass fixture per rule (fixture_outcomes reports a rule
    // without both as a failure; this guards the count itself).
    assert!(
        outcomes.len() >= 2 * set.rules.len(),
        "{} fixture checks for {} rules",
        outcomes.len(),
        set.rules.len()
    );
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| format!("{}\n    {}", o.name, o.errors.join("\n    ")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixture checks failed:\n{}",
        failures.len(),
        outcomes.len(),
        failures.join("\n")
    );
}

/// The `_test.rego` files under `policies/`, by path relative to the project.
fn test_files_on_disk() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![root.join("policies")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("policies/").flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.to_string_lossy().ends_with("_test.rego") {
                let rel = p.strip_prefix(root).expect("under the project");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_builtin_rego_test_passes() {
    let set = builtin(true);
    set.all();
    assert!(set.problems_all().is_empty(), "{:?}", set.problems_all());
    let outcomes = rego_test_outcomes(&set, false);
    // Every test file on disk is loaded and contributes tests.
    let on_disk = test_files_on_disk();
    assert!(
        on_disk.len() >= 4,
        "policies/ holds at least 4 test files, found {on_disk:?}"
    );
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    for src in set
        .sources
        .iter()
        .filter(|s| s.path.ends_with("_test.rego"))
    {
        let pkg = runeguard::policy::metadata::package_of(&src.text)
            .map(|(p, _)| format!("data.{p}."))
            .unwrap_or_default();
        let n = outcomes
            .iter()
            .filter(|o| o.passed() && o.name.starts_with(&pkg))
            .count();
        per_file.insert(src.path.clone(), n);
    }
    let loaded: Vec<&String> = per_file.keys().collect();
    assert_eq!(
        loaded.len(),
        on_disk.len(),
        "test files loaded {loaded:?}, on disk {on_disk:?}"
    );
    for (file, n) in &per_file {
        assert!(*n > 0, "{file} contributes no passing test");
    }
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| format!("{}: {}", o.name, o.errors.join("; ")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{} Rego tests in {} files", outcomes.len(), per_file.len());
}

/// `test_` rules are found however they are written (indented, tab-indented, with `if`,
/// without a body); a `test_` variable inside a body, a comment or a string is not a test;
/// a test file without tests fails.
#[test]
fn rego_tests_are_found_wherever_they_are_written() {
    let dir = common::dir_with(&[
        (
            "policies/a_test.rego",
            b"package org.a_test\n\nimport rego.v1\n\ntest_at_column_0 if true\n\n  test_indented if {\n    test_local := 1\n    test_local == 1\n  }\n\n\ttest_tab_indented := true\n\n# test_in_a_comment if false\nnot_a_test := \"test_in_a_string\"\n\ntest_failing if false\n",
        ),
        (
            "policies/empty_test.rego",
            b"package org.empty_test\n\nimport rego.v1\n\nhelper := 1\n",
        ),
    ]);
    let set = PolicySet::load(&PolicyOptions {
        builtin: false,
        policy_dirs: vec![dir.path().join("policies")],
        include_tests: true,
        ..Default::default()
    });
    set.all();
    assert!(set.problems_all().is_empty(), "{:?}", set.problems_all());
    let outcomes = rego_test_outcomes(&set, true);
    let got: Vec<(String, bool)> = outcomes
        .iter()
        .map(|o| {
            let name = match o.name.strip_prefix("data.") {
                Some(rule) => rule.rsplit('.').next().unwrap_or_default(),
                None => o.name.rsplit('/').next().unwrap_or_default(),
            };
            (name.to_string(), o.passed())
        })
        .collect();
    let want: Vec<(String, bool)> = [
        ("test_at_column_0", true),
        ("test_indented", true),
        ("test_tab_indented", true),
        ("test_failing", false),
        ("empty_test.rego tests", false),
    ]
    .iter()
    .map(|(n, p)| (n.to_string(), *p))
    .collect();
    assert_eq!(got, want, "{outcomes:#?}");
}

/// A note in a fixture fails it unless its line is marked `expect-note`; a marked line
/// without a note fails too.
#[test]
fn fixture_notes_must_be_marked() {
    let set = builtin(false);
    let rule = set
        .rules
        .iter()
        .find(|r| r.id == "SQL-007")
        .expect("SQL-007")
        .clone();
    let fail = runeguard::testing::builtin_fixtures(&rule)
        .into_iter()
        .find(|f| f.fail)
        .expect("a fail fixture");
    let with = |extra: &str| {
        let mut fx = fail.clone();
        fx.text.push_str(extra);
        runeguard::testing::check_fixture(&set, &rule, &fx)
    };
    assert_eq!(with(""), Vec::<String>::new());
    assert_eq!(
        with("\\connect other -- expect-note\n"),
        Vec::<String>::new()
    );
    let unmarked = with("\\connect other\n");
    assert!(
        unmarked.len() == 1 && unmarked[0].contains("unexpected note"),
        "{unmarked:?}"
    );
    let no_note = with("-- expect-note\n");
    assert!(
        no_note.len() == 1 && no_note[0].contains("expected a note here"),
        "{no_note:?}"
    );
}
