//! Compliance evidence end to end: the OSCAL outputs validate against NIST's OSCAL 1.2.1 JSON
//! schemas, hold together (every reference resolves, UUIDs are version 5 and unique) and are
//! byte-identical run to run; `--profile` reports a baseline's coverage in every format; the
//! HTML report from the command line masks secrets.
//!
//! `tests/data/oscal/` holds NIST's release schemas for the two models runeguard writes,
//! unmodified, copied from `../shared/standards/oscal-schemas/1.2.1/` (see its README for their
//! provenance; NIST works, public domain / CC0, licence text beside them).

#[path = "common/mod.rs"]
mod common;
#[path = "reports/sample.rs"]
mod sample;

use common::rg;
use jsonschema::{Draft, Validator};
use runeguard::report::{self, Evidence, Format, RenderOptions};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn validator(text: &str) -> Validator {
    let schema: Value = serde_json::from_str(text).expect("the schema is JSON");
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("NIST's schema compiles")
}

fn ar_validator() -> Validator {
    validator(include_str!(
        "data/oscal/oscal_assessment-results_schema.json"
    ))
}

fn cd_validator() -> Validator {
    validator(include_str!("data/oscal/oscal_component_schema.json"))
}

fn errors(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .take(20)
        .collect()
}

fn assert_valid(v: &Validator, doc: &Value, what: &str) {
    let errors = errors(v, doc);
    assert!(
        errors.is_empty(),
        "{what} does not match NIST's schema:\n{}",
        errors.join("\n")
    );
}

/// Every `uuid` value in the document, and every reference to one.
fn uuids(v: &Value, defined: &mut Vec<String>, referenced: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    ("uuid", Some(u)) => defined.push(u.to_string()),
                    ("observation-uuid" | "subject-uuid" | "actor-uuid", Some(u)) => {
                        referenced.push(u.to_string())
                    }
                    _ => uuids(x, defined, referenced),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| uuids(x, defined, referenced)),
        _ => {}
    }
}

fn assert_coherent(doc: &Value, what: &str) {
    let (mut defined, mut referenced) = (Vec::new(), Vec::new());
    uuids(doc, &mut defined, &mut referenced);
    let unique: BTreeSet<&String> = defined.iter().collect();
    assert_eq!(unique.len(), defined.len(), "{what}: duplicate UUIDs");
    for u in &defined {
        assert_eq!(&u[14..15], "5", "{what}: {u} is not a version 5 UUID");
    }
    for r in &referenced {
        assert!(unique.contains(r), "{what}: {r} refers to nothing");
    }
}

fn render(report: &runeguard::report::RunReport, evidence: &Evidence) -> Value {
    let summary = evidence.summarize(report);
    let text = report::render(
        Format::Oscal,
        report,
        &summary,
        RenderOptions::default(),
        evidence,
    );
    serde_json::from_str(&text).expect("OSCAL is JSON")
}

#[test]
fn sample_report_is_valid_assessment_results() {
    let v = ar_validator();
    let s = sample::Sample::new();
    let evidence = Evidence {
        profile: Some(runeguard::compliance::Profile::Moderate),
        time: "2026-02-01T10:00:00Z".into(),
        ..Evidence::default()
    };
    let doc = render(&s.report(), &evidence);
    assert_valid(&v, &doc, "sample report");
    assert_coherent(&doc, "sample report");
    let clean = render(&s.clean_report(), &Evidence::default());
    assert_valid(&v, &clean, "clean report");
    assert_coherent(&clean, "clean report");

    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["last-modified"], "2026-02-01T10:00:00Z");
    let result = &ar["results"][0];
    assert_eq!(result["start"], "2026-02-01T10:00:00Z");
    // Suppressed findings stay, as observations carrying their justification.
    let observations = result["observations"].as_array().expect("observations");
    let suppressed: Vec<&Value> = observations
        .iter()
        .filter(|o| {
            o["props"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["name"] == "suppressed"))
        })
        .collect();
    assert!(!suppressed.is_empty(), "no suppressed observation");
    for o in &suppressed {
        let remarks = o["remarks"].as_str().unwrap_or_default();
        assert!(remarks.starts_with("Suppressed: "), "{remarks}");
    }
    // Findings target control objectives, satisfied or not.
    let findings = result["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    let mut states = BTreeSet::new();
    for f in findings {
        assert_eq!(f["target"]["type"], "objective-id");
        let id = f["target"]["target-id"].as_str().expect("target-id");
        assert!(
            id.ends_with("_obj") && id == id.to_ascii_lowercase(),
            "{id}"
        );
        states.insert(f["target"]["status"]["state"].as_str().unwrap_or_default());
        assert!(
            f["related-observations"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        );
    }
    assert!(states.contains("not-satisfied"), "{states:?}");
    // The baseline coverage of --profile is carried in the result's properties.
    let props = result["props"].as_array().expect("props");
    assert!(
        props
            .iter()
            .any(|p| p["name"] == "profile" && p["value"] == "nist-800-53-moderate")
    );
}

#[test]
fn a_run_without_sp_800_53_rules_is_valid_too() {
    let s = sample::Sample::new();
    let mut report = s.report();
    // ORG-001 maps to zero trust only.
    report.rules.retain(|r| r.id == "ORG-001");
    report.findings.retain(|f| f.rule.id == "ORG-001");
    assert!(!report.findings.is_empty());
    let doc = render(&report, &Evidence::default());
    assert_valid(&ar_validator(), &doc, "a run without SP 800-53 rules");
    assert_coherent(&doc, "a run without SP 800-53 rules");
    let result = &doc["assessment-results"]["results"][0];
    assert!(result.get("findings").is_none(), "no control, no finding");
    assert!(
        result["observations"]
            .as_array()
            .is_some_and(|o| !o.is_empty())
    );
}

#[test]
fn the_validators_reject_invalid_documents() {
    let v = ar_validator();
    let s = sample::Sample::new();
    let doc = render(&s.report(), &Evidence::default());
    let mut bad = doc.clone();
    bad["assessment-results"]
        .as_object_mut()
        .expect("object")
        .remove("results");
    assert!(!v.is_valid(&bad), "results are required");
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        Value::from("passed");
    assert!(!v.is_valid(&bad), "the state is satisfied or not-satisfied");
    let mut bad = doc;
    bad["assessment-results"]["uuid"] = Value::from("not-a-uuid");
    assert!(!v.is_valid(&bad), "UUIDs are checked");

    let cd = cd_validator();
    let mut bad: Value = serde_json::from_str(
        &rg()
            .args(["rules", "--format", "oscal"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .expect("runs"),
    )
    .expect("JSON");
    assert_valid(&cd, &bad, "component definition");
    bad["component-definition"]["components"][0]["type"] = Value::from(7);
    assert!(!cd.is_valid(&bad), "a component type is a string");
}

#[test]
fn component_definition_is_valid_and_lists_controls_rule_by_rule() {
    let out = rg()
        .args([
            "rules",
            "--format",
            "oscal",
            "--report-time",
            "2026-01-02T03:04:05Z",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_valid(&cd_validator(), &doc, "component definition");
    assert_coherent(&doc, "component definition");
    let cd = &doc["component-definition"];
    assert_eq!(cd["metadata"]["last-modified"], "2026-01-02T03:04:05Z");
    let component = &cd["components"][0];
    let rule_ids: BTreeSet<&str> = component["props"]
        .as_array()
        .expect("props")
        .iter()
        .filter(|p| p["name"] == "Rule_Id")
        .filter_map(|p| p["value"].as_str())
        .collect();
    assert!(rule_ids.contains("K8S-001"), "{rule_ids:?}");
    let implementations = component["control-implementations"]
        .as_array()
        .expect("control implementations");
    let nist = implementations
        .iter()
        .find(|i| i["source"].as_str().is_some_and(|s| s.contains("SP800-53")))
        .expect("an SP 800-53 implementation");
    let requirement = nist["implemented-requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["control-id"] == "ac-6")
        .expect("AC-6 is implemented by K8S-001");
    assert!(
        requirement["props"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["value"] == "K8S-001"))
    );
    assert!(
        requirement["description"]
            .as_str()
            .is_some_and(|d| d.contains("Least Privilege"))
    );
    // Every rule id a requirement names is a rule of the component.
    for imp in implementations {
        for r in imp["implemented-requirements"].as_array().expect("list") {
            for p in r["props"].as_array().expect("props") {
                assert!(rule_ids.contains(p["value"].as_str().unwrap_or_default()));
            }
        }
    }
}

/// The Done-when check of issue 15: `runeguard check fixtures/ --format oscal` validates, and
/// two runs give the same bytes (OSCAL and HTML).
#[test]
fn fixtures_run_is_valid_and_reproducible() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |name: &str| {
        let oscal = dir.path().join(format!("{name}.json"));
        let html = dir.path().join(format!("{name}.html"));
        let status = rg()
            .current_dir(&root)
            .env_remove("SOURCE_DATE_EPOCH")
            .args([
                "check",
                "--quiet",
                "--profile",
                "nist-800-53-high",
                "--format",
            ])
            .arg(format!("oscal={}", oscal.display()))
            .arg("--format")
            .arg(format!("html={}", html.display()))
            .arg("fixtures/")
            .output()
            .expect("runs")
            .status;
        assert_eq!(status.code(), Some(1), "the fixtures hold findings");
        (
            std::fs::read(&oscal).expect("the OSCAL file"),
            std::fs::read(&html).expect("the HTML file"),
        )
    };
    let (first, first_html) = run("a");
    let (second, second_html) = run("b");
    assert!(first == second, "two runs gave different OSCAL");
    assert!(first_html == second_html, "two runs gave different HTML");
    let doc: Value = serde_json::from_slice(&first).expect("JSON");
    assert_valid(&ar_validator(), &doc, "fixtures run");
    assert_coherent(&doc, "fixtures run");
    let result = &doc["assessment-results"]["results"][0];
    assert_eq!(result["start"], runeguard::report::FIXED_TIME);
    let evidence = result["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .filter_map(|o| o["relevant-evidence"].as_array())
        .flatten()
        .count();
    let findings = result["props"]
        .as_array()
        .expect("props")
        .iter()
        .find(|p| p["name"] == "findings")
        .and_then(|p| p["value"].as_str())
        .and_then(|v| v.parse::<usize>().ok())
        .expect("a findings count");
    assert_eq!(evidence, findings, "one piece of evidence per finding");
}

#[test]
fn report_time_comes_from_the_flag_or_source_date_epoch() {
    let d = common::dir_with(&[("pod.yaml", common::PRIVILEGED.as_bytes())]);
    let time_of = |args: &[&str], epoch: Option<&str>| {
        let mut c = rg();
        c.current_dir(d.path()).env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = epoch {
            c.env("SOURCE_DATE_EPOCH", e);
        }
        let out = c
            .args(["check", "--quiet", "--format", "oscal"])
            .args(args)
            .arg("pod.yaml")
            .output()
            .expect("runs");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (
            out.status.code(),
            doc["assessment-results"]["metadata"]["last-modified"]
                .as_str()
                .map(str::to_string),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (_, t, _) = time_of(&["--report-time", "2026-03-04T05:06:07+01:00"], None);
    assert_eq!(t.as_deref(), Some("2026-03-04T04:06:07Z"));
    let (_, t, _) = time_of(&["--report-time", "@86400"], None);
    assert_eq!(t.as_deref(), Some("1970-01-02T00:00:00Z"));
    let (_, t, _) = time_of(&[], Some("1700000000"));
    assert_eq!(t.as_deref(), Some("2023-11-14T22:13:20Z"));
    let (_, t, _) = time_of(&[], None);
    assert_eq!(t.as_deref(), Some("1970-01-01T00:00:00Z"));
    let (code, _, err) = time_of(&["--report-time", "yesterday"], None);
    assert_eq!(code, Some(2));
    assert!(err.contains("--report-time \"yesterday\""), "{err}");
    let (code, _, err) = time_of(&[], Some("soon"));
    assert_eq!(code, Some(2));
    assert!(err.contains("SOURCE_DATE_EPOCH"), "{err}");
}

#[test]
fn profile_reports_baseline_coverage_in_every_format() {
    let d = common::dir_with(&[("pod.yaml", common::PRIVILEGED.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--quiet",
            "--color",
            "never",
            "--profile",
            "nist-800-53-low",
        ])
        .args([
            "--format",
            "human",
            "--format",
            "json=r.json",
            "--format",
            "html=r.html",
        ])
        .arg("pod.yaml")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("Baseline coverage (nist-800-53-low)"),
        "{human}"
    );
    // K8S-001 cites AC-6 (MODERATE and HIGH only) and CM-7 (LOW too): the baseline lists CM-7
    // as failing, with its title; the failing controls of the whole run list both.
    assert!(
        human.contains("Failing:\n  CM-7 Least Functionality\n"),
        "{human}"
    );
    assert!(human.contains("  AC-6       Least Privilege ("), "{human}");
    assert!(
        human.contains("Failing controls: NIST SP 800-53 Revision 5"),
        "{human}"
    );
    let json: Value =
        serde_json::from_slice(&std::fs::read(d.path().join("r.json")).expect("json"))
            .expect("JSON");
    let b = &json["compliance"]["baseline"];
    assert_eq!(b["profile"], "nist-800-53-low");
    assert_eq!(b["controls"], 149);
    let failing: Vec<&str> = b["failing_controls"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(failing.contains(&"CM-7"), "{failing:?}");
    assert!(
        !failing.contains(&"AC-6"),
        "AC-6 is not in LOW: {failing:?}"
    );
    let outside = b["outside_baseline"].as_array().expect("list");
    assert!(outside.iter().any(|v| v == "AC-6"), "{outside:?}");
    let n = |k: &str| b[k].as_u64().expect("count");
    assert_eq!(n("checked"), n("failing") + n("passing"));
    assert_eq!(n("controls"), n("checked") + n("not_checked"));
    let page = std::fs::read_to_string(d.path().join("r.html")).expect("html");
    assert!(page.contains(r#"data-profile="nist-800-53-low" data-baseline-controls="149""#));

    let out = rg()
        .current_dir(d.path())
        .args(["check", "--profile", "nist-800-53-extreme", "pod.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown profile"));
}

#[test]
fn html_from_the_command_line_masks_secrets() {
    let secret = "s3cr3t-Value-9f8e7d";
    let pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: app:1\n      env:\n        - name: DB_PASSWORD\n          value: {secret}\n"
    );
    let d = common::dir_with(&[("pod.yaml", pod.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--quiet",
            "--format",
            "html=r.html",
            "--format",
            "oscal=r.oscal",
        ])
        .arg("pod.yaml")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    for file in ["r.html", "r.oscal"] {
        let text = std::fs::read_to_string(d.path().join(file)).expect("report");
        assert!(!text.contains(secret), "{file} prints the secret");
    }
    let page = std::fs::read_to_string(d.path().join("r.html")).expect("html");
    assert!(page.contains("value: ********"), "the snippet is masked");
}
