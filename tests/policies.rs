//! The data-driven rule test: every built-in rule's fail fixture fires exactly on its
//! `# expect:` lines (and every document fires), and its pass fixture is clean.

use runeguard::policy::{PolicyOptions, PolicySet};
use runeguard::testing::fixture_outcomes;

#[test]
fn every_rule_passes_its_fixtures() {
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    });
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
    assert!(!set.rules.is_empty());
    let outcomes = fixture_outcomes(&set, &set.rules, true);
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

#[test]
fn every_builtin_rego_test_passes() {
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        include_tests: true,
        ..Default::default()
    });
    set.all();
    assert!(set.problems_all().is_empty(), "{:?}", set.problems_all());
    let outcomes = runeguard::testing::rego_test_outcomes(&set, false);
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| format!("{}: {}", o.name, o.errors.join("; ")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
