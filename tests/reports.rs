//! Snapshot tests of every report format, built from a constructed run report (see
//! `reports/sample.rs`), and the properties every format must keep: no secret printed,
//! deterministic output, GitHub's SARIF limits, well-formed XML.

#[path = "reports/sample.rs"]
mod sample;

use runeguard::compliance::{ComplianceSummary, ControlState};
use runeguard::report::{
    self, Evidence, Format, RenderOptions, RunReport, html, human, json, junit, oscal, sarif, table,
};
use runeguard::rule::Severity;
use sample::{SECRETS, Sample};
use serde_json::Value;

const PLAIN: RenderOptions = RenderOptions {
    color: false,
    links: false,
    width: Some(110),
};

fn render_all(report: &RunReport, compliance: &ComplianceSummary) -> Vec<(&'static str, String)> {
    vec![
        ("human", human::render(report, PLAIN, compliance)),
        ("table", table::render(report, PLAIN, compliance)),
        ("sarif", sarif::render(report)),
        ("json", json::render(report, compliance)),
        ("junit", junit::render(report)),
        (
            "oscal",
            oscal::render(report, compliance, &Evidence::default()),
        ),
        (
            "html",
            html::render(report, compliance, &Evidence::default()),
        ),
    ]
}

#[test]
fn human_snapshot() {
    let s = Sample::new();
    let report = s.report();
    insta::assert_snapshot!(
        "human",
        human::render(&report, PLAIN, &sample::compliance(&report))
    );
}

#[test]
fn table_snapshot() {
    let s = Sample::new();
    let report = s.report();
    insta::assert_snapshot!(
        "table",
        table::render(&report, PLAIN, &sample::compliance(&report))
    );
}

#[test]
fn sarif_snapshot() {
    let report = Sample::new().report();
    insta::assert_snapshot!("sarif", sarif::render(&report));
}

#[test]
fn json_snapshot() {
    let s = Sample::new();
    let report = s.report();
    insta::assert_snapshot!("json", json::render(&report, &sample::compliance(&report)));
}

#[test]
fn junit_snapshot() {
    let report = Sample::new().report();
    insta::assert_snapshot!("junit", junit::render(&report));
}

#[test]
fn oscal_snapshot() {
    let s = Sample::new();
    let report = s.report();
    let compliance =
        sample::compliance(&report).with_profile(Some(runeguard::compliance::Profile::Moderate));
    let evidence = Evidence {
        time: "2026-02-01T10:00:00Z".into(),
        ..Evidence::default()
    };
    insta::assert_snapshot!("oscal", oscal::render(&report, &compliance, &evidence));
}

#[test]
fn html_snapshot() {
    let s = Sample::new();
    let report = s.report();
    let compliance =
        sample::compliance(&report).with_profile(Some(runeguard::compliance::Profile::Moderate));
    let evidence = Evidence {
        time: "2026-02-01T10:00:00Z".into(),
        ..Evidence::default()
    };
    insta::assert_snapshot!("html", html::render(&report, &compliance, &evidence));
}

/// The HTML page fetches nothing, carries the JSON report's counts, and escapes what it shows.
#[test]
fn html_is_self_contained_and_counts_like_json() {
    let s = Sample::new();
    let report = s.report();
    let compliance = sample::compliance(&report);
    let page = html::render(&report, &compliance, &Evidence::default());
    for needle in ["src=", "<link", "@import", "url(", "http://", "https://"] {
        assert!(!page.contains(needle), "the page refers out: {needle}");
    }
    assert!(page.contains("default-src 'none'"), "no CSP");
    let json: Value = serde_json::from_str(&json::render(&report, &compliance)).expect("JSON");
    let attr = |name: &str| {
        let key = format!("{name}=\"");
        let at = page.find(&key).unwrap_or_else(|| panic!("no {name}")) + key.len();
        page[at..].split('"').next().unwrap_or_default().to_string()
    };
    assert_eq!(
        attr("data-findings"),
        json["summary"]["findings"].to_string()
    );
    assert_eq!(
        attr("data-suppressed"),
        json["summary"]["suppressed"].to_string()
    );
    assert_eq!(attr("data-errors"), json["summary"]["errors"].to_string());
    for f in json["compliance"]["frameworks"]
        .as_array()
        .expect("frameworks")
    {
        let id = f["framework"].as_str().expect("id");
        let section = format!(
            r#"data-framework="{id}" data-covered="{}" data-failing="{}" data-passing="{}""#,
            f["covered"], f["failing"], f["passing"]
        );
        assert!(page.contains(&section), "{section}");
    }
    // Every finding is shown in both views; suppressed ones with their justification.
    let active = report.active().count();
    assert_eq!(page.matches(r#"<div class="finding""#).count(), active);
    assert_eq!(page.matches(r#"<tr class="frow""#).count(), active);
    for f in report.findings.iter().filter(|f| f.is_suppressed()) {
        let why = &f.suppression.as_ref().expect("suppressed").justification;
        assert!(page.contains(&html::esc(why)), "{why}");
    }
    // Markup in a message is text, not markup.
    let mut odd = report.clone();
    odd.findings[0].message = "<script>alert(1)</script>".into();
    let page = html::render(&odd, &compliance, &Evidence::default());
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(
        page.matches("<script>").count(),
        1,
        "only the page's own script"
    );
}

#[test]
fn clean_run_snapshots() {
    let s = Sample::new();
    let report = s.clean_report();
    let compliance = sample::compliance(&report);
    insta::assert_snapshot!("human_clean", human::render(&report, PLAIN, &compliance));
    insta::assert_snapshot!("table_clean", table::render(&report, PLAIN, &compliance));
    insta::assert_snapshot!("junit_clean", junit::render(&report));
}

#[test]
fn no_format_prints_a_secret_value() {
    let s = Sample::new();
    let report = s.report();
    let compliance = sample::compliance(&report);
    for (name, out) in render_all(&report, &compliance) {
        for secret in SECRETS {
            assert!(
                !out.contains(secret),
                "{name} prints the secret {secret:?}:\n{out}"
            );
        }
    }
    // Coloured, linked human output too.
    let out = human::render(
        &report,
        RenderOptions {
            color: true,
            links: true,
            width: None,
        },
        &compliance,
    );
    for secret in SECRETS {
        assert!(
            !out.contains(secret),
            "coloured human output prints {secret:?}"
        );
    }
}

#[test]
fn masked_snippets_keep_keys_and_show_the_mask() {
    let s = Sample::new();
    let report = s.report();
    let out = human::render(&report, PLAIN, &sample::compliance(&report));
    assert!(out.contains("value: \"********\""), "{out}");
    assert!(
        out.contains("CREATE ROLE app LOGIN PASSWORD '********';"),
        "{out}"
    );
    // Unmasked findings keep their context lines.
    assert!(out.contains("privileged: true"), "{out}");
}

#[test]
fn every_format_is_deterministic() {
    let s = Sample::new();
    let a = s.report();
    let b = s.report();
    let (ca, cb) = (sample::compliance(&a), sample::compliance(&b));
    assert_eq!(render_all(&a, &ca), render_all(&b, &cb));
    for format in [
        Format::Human,
        Format::Table,
        Format::Sarif,
        Format::Json,
        Format::Junit,
        Format::Oscal,
        Format::Html,
    ] {
        assert_eq!(
            report::render(format, &a, &ca, PLAIN, &Evidence::default()),
            report::render(format, &b, &cb, PLAIN, &Evidence::default()),
            "{}",
            format.as_str()
        );
    }
}

#[test]
fn colour_and_links_only_when_asked() {
    let s = Sample::new();
    let report = s.report();
    let compliance = sample::compliance(&report);
    let plain = human::render(&report, PLAIN, &compliance);
    assert!(
        !plain.contains('\u{1b}'),
        "plain output has escape sequences"
    );
    assert!(
        plain.contains(
            "K8S-001 (https://github.com/runeguard/runeguard/blob/main/docs/rules/K8S-001.md)"
        ),
        "{plain}"
    );
    let rich = human::render(
        &report,
        RenderOptions {
            color: true,
            links: true,
            width: Some(110),
        },
        &compliance,
    );
    assert!(rich.contains("\u{1b}["), "no colour");
    assert!(
        rich.contains(
            "\u{1b}]8;;https://github.com/runeguard/runeguard/blob/main/docs/rules/K8S-001.md"
        ),
        "no link"
    );
    let table = table::render(&report, PLAIN, &compliance);
    assert!(!table.contains('\u{1b}'));
    let coloured = table::render(
        &report,
        RenderOptions {
            color: true,
            links: false,
            width: None,
        },
        &compliance,
    );
    assert!(coloured.contains("\u{1b}["));
}

/// A narrow terminal wraps messages and help at spaces only: a word (a rule id, a control,
/// a path, a hyphenated name) is never split, so it can still be searched and copied.
#[test]
fn wrapping_never_splits_a_word() {
    let s = Sample::new();
    let report = s.report();
    let narrow = RenderOptions {
        color: false,
        links: false,
        width: Some(32),
    };
    let out = human::render(&report, narrow, &sample::compliance(&report));
    let mut words = 0;
    for f in report.active() {
        for word in f
            .message
            .split_whitespace()
            .chain(f.rule.remediation.split_whitespace())
        {
            words += 1;
            assert!(out.contains(word), "{word:?} was split:\n{out}");
        }
    }
    assert!(words > 20, "the sample has messages to wrap");
}

#[test]
fn compliance_counts_failing_passing_and_uncovered_controls() {
    let s = Sample::new();
    let report = s.report();
    let c = sample::compliance(&report);
    let nist = c
        .frameworks
        .iter()
        .find(|f| f.framework.id() == "nist-800-53")
        .expect("nist summarised");
    // AC-4, AC-6, AC-6(10), CM-7, IA-5, SC-7, SC-28 are covered; SI-4 is not.
    assert_eq!(
        (nist.catalog_controls, nist.covered, nist.not_covered),
        (Some(8), 7, Some(1))
    );
    let status = |id: &str| nist.controls.iter().find(|c| c.id == id).map(|c| c.status);
    assert_eq!(status("AC-6"), Some(ControlState::Failing));
    assert_eq!(
        status("SC-7"),
        Some(ControlState::Passing),
        "host-network has no finding"
    );
    assert_eq!(status("AC-4"), Some(ControlState::Passing));
    assert_eq!(nist.failing + nist.passing, nist.covered);
    // CM-7 is mapped only from K8S-001, which has one active and one suppressed finding.
    let cm7 = nist.controls.iter().find(|c| c.id == "CM-7").expect("CM-7");
    assert_eq!((cm7.findings, cm7.suppressed), (1, 1));
    // No CSF catalog: covered controls are still summarised, catalog figures are unknown.
    let csf = c
        .frameworks
        .iter()
        .find(|f| f.framework.id() == "nist-csf-2.0")
        .expect("csf summarised");
    assert_eq!((csf.catalog_controls, csf.not_covered), (None, None));
    assert!(csf.controls.iter().all(|c| c.title.is_none()));
    // Only suppressed findings: the control passes.
    let mut only_suppressed = s.report();
    only_suppressed.findings.retain(|f| f.is_suppressed());
    let c = sample::compliance(&only_suppressed);
    assert!(c.frameworks.iter().all(|f| f.failing == 0));
    assert_eq!(
        c.only(&[runeguard::rule::Framework::Soc2]).frameworks.len(),
        1
    );
}

#[test]
fn real_catalogs_summarise_when_present() {
    // The embedded catalogs (policies/frameworks/) back the default summary; each one that is
    // present must parse and name its framework.
    for f in runeguard::rule::Framework::ALL {
        match runeguard::compliance::load_catalog(f) {
            Ok(Some(c)) => {
                assert_eq!(c.framework, f);
                assert!(
                    !c.controls.is_empty(),
                    "{} catalog lists no control",
                    f.id()
                );
            }
            Ok(None) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let report = Sample::new().report();
    let summary = runeguard::compliance::summarize(&report.rules, &report.findings);
    assert!(!summary.is_empty());
    // The renderers show it.
    assert!(table::render(&report, PLAIN, &summary).contains("Compliance"));
}

#[test]
fn sarif_fields_github_needs() {
    let report = Sample::new().report();
    let v: Value = serde_json::from_str(&sarif::render(&report)).expect("SARIF is JSON");
    let run = &v["runs"][0];
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(run["automationDetails"]["id"], "runeguard/");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "rules sorted by id");
    let k8s001 = &rules[ids.iter().position(|i| *i == "K8S-001").expect("K8S-001")];
    assert_eq!(k8s001["properties"]["security-severity"], "9.5");
    assert_eq!(k8s001["defaultConfiguration"]["level"], "error");
    assert!(
        k8s001["help"]["markdown"]
            .as_str()
            .is_some_and(|m| m.contains("## Remediation"))
    );
    let tags: Vec<&str> = k8s001["properties"]["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        tags.contains(&"security")
            && tags.contains(&"kubernetes")
            && tags.contains(&"nist-800-53/AC-6")
    );
    for r in run["results"].as_array().expect("results") {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].as_u64().is_some_and(|n| n >= 1), "{k}");
        }
        assert!(r["partialFingerprints"]["runeguard/v1"].is_string());
    }
    let results = run["results"].as_array().expect("results");
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(
        uri == "db/roles.sql" || uri == "deploy/web%20app/d%C3%A9ploiement.yaml",
        "{uri}"
    );
    assert!(
        results
            .iter()
            .any(|r| r["suppressions"][0]["kind"] == "inSource")
    );
    // Columns count Unicode scalar values: the annotation value starts at column 19.
    let org = results
        .iter()
        .find(|r| r["ruleId"] == "ORG-001")
        .expect("ORG-001");
    assert_eq!(
        org["locations"][0]["physicalLocation"]["region"]["startColumn"],
        19
    );
    assert_eq!(
        org["locations"][0]["physicalLocation"]["region"]["endColumn"],
        25
    );
}

#[test]
fn sarif_keeps_the_most_severe_25000_results() {
    let s = Sample::new();
    let mut report = s.clean_report();
    let base = s.findings();
    let low = base
        .iter()
        .find(|f| f.rule.id == "ORG-001")
        .expect("ORG-001")
        .clone();
    let critical = base
        .iter()
        .find(|f| f.rule.id == "K8S-001" && !f.is_suppressed())
        .expect("K8S-001")
        .clone();
    let mut findings = Vec::new();
    for n in 0..sarif::MAX_RESULTS {
        let mut f = low.clone();
        f.severity = Severity::Low;
        f.fingerprint = format!("low-{n}");
        findings.push(f);
    }
    for n in 0..3 {
        let mut f = critical.clone();
        f.fingerprint = format!("critical-{n}");
        findings.push(f);
    }
    report.findings = findings;
    let v: Value = serde_json::from_str(&sarif::render(&report)).expect("SARIF is JSON");
    let run = &v["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    assert_eq!(
        results.iter().filter(|r| r["ruleId"] == "K8S-001").count(),
        3,
        "the critical results are kept"
    );
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notification");
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("3 results were left out"))
    }));
}

#[test]
fn sarif_rules_have_at_most_20_tags() {
    use runeguard::rule::Framework;
    let s = Sample::new();
    let mut report = s.clean_report();
    let ids: Vec<String> = (1..=30).map(|n| format!("AC-{n}")).collect();
    let mut rule = (*s.rules["K8S-008"]).clone();
    rule.controls.insert(Framework::Nist80053, ids);
    report.rules = vec![std::sync::Arc::new(rule)];
    let v: Value = serde_json::from_str(&sarif::render(&report)).expect("SARIF is JSON");
    let tags = v["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"]
        .as_array()
        .expect("tags");
    assert_eq!(tags.len(), sarif::MAX_TAGS);
    assert_eq!(tags[0], "security");
}

#[test]
fn uri_encoding() {
    assert_eq!(
        sarif::encode_uri_path("deploy/web app/déploiement.yaml"),
        "deploy/web%20app/d%C3%A9ploiement.yaml"
    );
    assert_eq!(
        sarif::encode_uri_path("a/b_c-d.e~f/100%.yaml"),
        "a/b_c-d.e~f/100%25.yaml"
    );
    assert_eq!(
        sarif::encode_uri_path("k8s/[x]#1?.yaml"),
        "k8s/%5Bx%5D%231%3F.yaml"
    );
}

#[test]
fn json_report_is_versioned_and_complete() {
    let s = Sample::new();
    let report = s.report();
    let v: Value =
        serde_json::from_str(&json::render(&report, &sample::compliance(&report))).expect("JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["findings"], 6);
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["summary"]["by_severity"]["critical"], 2);
    assert_eq!(v["summary"]["exit_code"], 2);
    assert_eq!(v["summary"]["incomplete"], true);
    let f = &v["findings"][0];
    for key in [
        "rule_id",
        "rule_name",
        "severity",
        "message",
        "file",
        "start_line",
        "start_column",
        "end_line",
        "end_column",
        "resource",
        "path",
        "exact",
        "fingerprint",
        "controls",
        "suppression",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}");
    }
    let suppressed: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| !f["suppression"].is_null())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppression"]["kind"], "in_source");
    assert_eq!(v["problems"][0]["level"], "error");
    assert!(
        v["compliance"]["frameworks"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
}

#[test]
fn junit_is_well_formed_xml() {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let s = Sample::new();
    let xml = junit::render(&s.report());
    let mut reader = Reader::from_str(&xml);
    let (mut failures, mut errors, mut depth) = (0, 0, 0i32);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                match e.name().as_ref() {
                    b"failure" => failures += 1,
                    b"error" => errors += 1,
                    _ => {}
                }
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("invalid XML at {}: {e}\n{xml}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(failures, 6, "one failure per unsuppressed finding");
    assert_eq!(errors, 2, "one error per error-level problem");
}

#[test]
fn odd_spans_render_without_panicking() {
    use runeguard::source::SourceFile;
    use runeguard::source::span::Span;
    let s = Sample::new();
    let base = s
        .findings()
        .into_iter()
        .find(|f| f.rule.id == "K8S-001")
        .expect("K8S-001");
    let secret = s
        .findings()
        .into_iter()
        .find(|f| f.rule.id == "K8S-017")
        .expect("K8S-017");
    let files = [
        SourceFile::new("empty.yaml".into(), None, String::new()),
        SourceFile::new(
            "crlf.yaml".into(),
            None,
            "a: 1\r\npassword: xk3-sëcret\r\n".into(),
        ),
        SourceFile::new("no-newline.yaml".into(), None, "a: 1\nb: 2".into()),
    ];
    // Empty, a whole line, empty inside a line, past the end of the text, reversed.
    let spans = [
        Span::default(),
        Span::new(6, 17),
        Span::new(9, 9),
        Span::new(500, 900),
        Span::new(8, 0),
    ];
    let mut report = s.clean_report();
    for file in &files {
        for span in spans {
            for proto in [&base, &secret] {
                let mut f = proto.clone();
                f.file = file.clone();
                f.span = span;
                report.findings.push(f);
            }
        }
    }
    let compliance = sample::compliance(&report);
    for (name, out) in render_all(&report, &compliance) {
        assert!(!out.is_empty(), "{name}");
    }
    // Only the secret rule's snippets: its value is masked on every odd span.
    report.findings.retain(|f| f.rule.id == "K8S-017");
    let out = human::render(&report, PLAIN, &compliance);
    assert!(
        !out.contains("xk3-sëcret"),
        "the CRLF file's secret is masked:\n{out}"
    );
    assert!(out.contains("password: ********"), "{out}");
}
