//! End-to-end tests of the binary: exit codes, flags, formats, bad input, suppressions.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{PRIVILEGED, dir_with, rg};
use std::path::Path;

const CLEAN_FOR_K8S_001: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: app
      image: app:1
";

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

fn findings(v: &Value) -> Vec<(String, String, u64)> {
    common::findings_of(v)
}

#[test]
fn exit_codes_follow_fail_on() {
    let d = dir_with(&[("pod.yaml", PRIVILEGED.as_bytes())]);
    rg().current_dir(d.path())
        .args(["check", "--select", "K8S-001", "pod.yaml"])
        .assert()
        .code(1);
    // K8S-001 is critical: fails at --fail-on critical too.
    rg().current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--fail-on",
            "critical",
            "pod.yaml",
        ])
        .assert()
        .code(1);
    // K8S-019 (default namespace) is low: passes at --fail-on medium.
    let d2 = dir_with(&[(
        "cm.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {a: b}\n",
    )]);
    rg().current_dir(d2.path())
        .args([
            "check",
            "--select",
            "K8S-019",
            "--fail-on",
            "medium",
            "cm.yaml",
        ])
        .assert()
        .code(0);
    rg().current_dir(d2.path())
        .args(["check", "--select", "K8S-019", "cm.yaml"])
        .assert()
        .code(1);
    let d3 = dir_with(&[("pod.yaml", CLEAN_FOR_K8S_001.as_bytes())]);
    rg().current_dir(d3.path())
        .args(["check", "--select", "K8S-001", "pod.yaml"])
        .assert()
        .code(0);
}

#[test]
fn bad_usage_is_exit_2() {
    rg().args(["check", "--fail-on", "severe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown severity"));
    rg().args(["check", "--format", "xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format"));
    rg().args(["check", "--format", "json", "--format", "sarif"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only one format"));
    rg().args(["check", "--framework", "iso27001"])
        .assert()
        .code(2);
    rg().args(["check", "--no-such-flag"]).assert().code(2);
    rg().args(["--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes"));
}

#[test]
fn select_and_ignore_take_ids_names_and_prefixes() {
    let d = dir_with(&[("pod.yaml", PRIVILEGED.as_bytes())]);
    for sel in ["K8S-001", "privileged-container", "K8S-00"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", "json", "--select", sel, "pod.yaml"])
            .output()
            .expect("run");
        let f = findings(&json_of(&out.stdout));
        assert!(
            f.iter().any(|(id, _, line)| id == "K8S-001" && *line == 11),
            "--select {sel}: {f:?}"
        );
        if sel != "K8S-00" {
            assert!(
                f.iter().all(|(id, _, _)| id == "K8S-001"),
                "--select {sel}: {f:?}"
            );
        }
    }
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "K8S",
            "--ignore",
            "privileged-container",
            "pod.yaml",
        ])
        .output()
        .expect("run");
    let f = findings(&json_of(&out.stdout));
    assert!(
        !f.is_empty()
            && f.iter()
                .all(|(id, _, _)| id.starts_with("K8S-") && id != "K8S-001"),
        "{f:?}"
    );
}

#[test]
fn stdin_is_read_with_its_name() {
    let out = rg()
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "K8S-001",
            "-",
            "--stdin-filename",
            "live/pod.yaml",
        ])
        .write_stdin(PRIVILEGED)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let f = findings(&json_of(&out.stdout));
    assert_eq!(
        f,
        vec![("K8S-001".to_string(), "live/pod.yaml".to_string(), 11)]
    );
}

#[test]
fn several_formats_in_one_run() {
    let d = dir_with(&[("pod.yaml", PRIVILEGED.as_bytes())]);
    rg().current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--format",
            "table",
            "--format",
            "json=out.json",
            "--format",
            "sarif=out.sarif",
            "--format",
            "junit=out.xml",
            "pod.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("K8S-001"));
    let j = json_of(&std::fs::read(d.path().join("out.json")).expect("json"));
    assert_eq!(findings(&j).len(), 1);
    let s = json_of(&std::fs::read(d.path().join("out.sarif")).expect("sarif"));
    assert_eq!(s["version"], "2.1.0");
    assert_eq!(s["runs"][0]["results"][0]["ruleId"], "K8S-001");
    assert_eq!(
        s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        11
    );
    let x = std::fs::read_to_string(d.path().join("out.xml")).expect("junit");
    assert!(x.contains("<testsuite") && x.contains("<failure"), "{x}");
}

/// Same inputs, byte-identical reports: across runs, and across `--jobs 1` and `--jobs 2`
/// (each rerun too). 40 files, so that workers switch from the interpreter to the VM part-way
/// (after 16 documents each), at different files depending on the split.
#[test]
fn output_is_deterministic_across_runs_and_jobs() {
    let n = 40;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..n {
        files.push((
            format!("m/pod{i}.yaml"),
            PRIVILEGED.replace("web", &format!("web{i}")).into_bytes(),
        ));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let d = dir_with(&refs);
    const FORMATS: [&str; 5] = ["json", "sarif", "junit", "table", "human"];
    // One run writes every format; returns them in FORMATS order.
    let run = |jobs: &str| -> Vec<Vec<u8>> {
        let out_dir = tempfile::tempdir().expect("tempdir");
        let mut c = rg();
        c.current_dir(d.path())
            .args(["check", "--quiet", "--jobs", jobs, "m"]);
        for f in FORMATS {
            c.arg("--format")
                .arg(format!("{f}={}", out_dir.path().join(f).display()));
        }
        let out = c.output().expect("run");
        assert_eq!(
            out.status.code(),
            Some(1),
            "--jobs {jobs}: every file has a finding: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        FORMATS
            .iter()
            .map(|f| std::fs::read(out_dir.path().join(f)).expect("report written"))
            .collect()
    };
    let first = run("1");
    for (format, bytes) in FORMATS.iter().zip(&first) {
        let text = String::from_utf8_lossy(bytes);
        for i in 0..n {
            assert!(
                text.contains(&format!("pod{i}.yaml")),
                "{format}: no finding in pod{i}.yaml:\n{text}"
            );
        }
    }
    let again = run("1");
    let two = run("2");
    let two_again = run("2");
    for (i, format) in FORMATS.iter().enumerate() {
        assert!(
            first[i] == again[i],
            "{format} differs between runs with --jobs 1"
        );
        assert!(
            first[i] == two[i],
            "{format} differs between --jobs 1 and 2"
        );
        assert!(
            two[i] == two_again[i],
            "{format} differs between runs with --jobs 2"
        );
    }
}

#[test]
fn a_bad_file_is_reported_and_the_others_are_still_checked() {
    let d = dir_with(&[
        (
            "a-broken.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [unclosed\n",
        ),
        ("b-binary.yaml", b"\x00\x01\x02\xff\xfe"),
        ("c-latin1.yaml", b"name: caf\xe9\n"),
        ("d-utf16.yaml", b"\xff\xfea\x00:\x00"),
        ("dir.yaml/inner.txt", b"not yaml"),
        (
            "e-dupes.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n",
        ),
        ("z-good.yaml", PRIVILEGED.as_bytes()),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--format",
            "json",
            ".",
            "missing.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    assert_eq!(
        findings(&v),
        vec![("K8S-001".into(), "z-good.yaml".into(), 11)]
    );
    let problems = v["problems"].as_array().expect("problems");
    let find = |file: &str| {
        problems
            .iter()
            .find(|p| p["file"] == file)
            .unwrap_or_else(|| panic!("no problem for {file}: {problems:?}"))
    };
    assert_eq!(find("a-broken.yaml")["line"], 6);
    assert!(
        find("b-binary.yaml")["message"]
            .as_str()
            .unwrap_or("")
            .contains("binary")
    );
    assert_eq!(find("c-latin1.yaml")["line"], 1);
    assert!(
        find("d-utf16.yaml")["message"]
            .as_str()
            .unwrap_or("")
            .contains("UTF-16")
    );
    assert_eq!(find("e-dupes.yaml")["line"], 5);
    assert!(
        find("missing.yaml")["message"]
            .as_str()
            .unwrap_or("")
            .contains("no such file")
    );
}

#[test]
fn bom_and_crlf_keep_locations_exact() {
    let crlf = PRIVILEGED.replace('\n', "\r\n");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(crlf.as_bytes());
    let d = dir_with(&[("pod.yaml", &bom)]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check", "--select", "K8S-001", "--format", "json", "pod.yaml",
        ])
        .output()
        .expect("run");
    let v = json_of(&out.stdout);
    let f = &v["findings"][0];
    assert_eq!(
        (
            f["start_line"].as_u64(),
            f["start_column"].as_u64(),
            f["end_column"].as_u64()
        ),
        (Some(11), Some(9), Some(25)),
        "{f}"
    );
}

#[test]
fn a_broken_user_policy_is_located_and_the_rest_still_run() {
    let d = dir_with(&[
        ("pol/bad.rego", b"# METADATA\n# title: Bad\n# description: Bad\n# custom:\n#   id: USR-001\n#   name: bad\n#   severity: low\n#   input: kubernetes\n#   controls: {nist-800-53: [AC-6]}\n#   rationale: r\n#   remediation: m\npackage user.bad\n\nimport rego.v1\n\ndeny contains x if {\n  x := {\"msg\": y\n}\n"),
        ("pod.yaml", PRIVILEGED.as_bytes()),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001,USR",
            "--policy",
            "pol",
            "--format",
            "json",
            "pod.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out.stdout);
    assert_eq!(findings(&v).len(), 1, "the built-in rule still ran");
    let p = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .find(|p| p["file"].as_str().unwrap_or("").ends_with("bad.rego"))
        .expect("policy problem");
    assert!(p["line"].as_u64().unwrap_or(0) >= 16, "{p}");
}

/// `check --no-builtin --policy pol --format json pod.yaml` in `dir`.
fn user_policies_check(dir: &std::path::Path) -> std::process::Output {
    rg().current_dir(dir)
        .args([
            "check",
            "--no-builtin",
            "--policy",
            "pol",
            "--format",
            "json",
            "pod.yaml",
        ])
        .output()
        .expect("run")
}

#[test]
fn a_malformed_part_in_a_result_is_a_located_rule_failure() {
    let rule = |part: &str| {
        format!(
            "# METADATA\n# title: Part\n# description: Part\n# custom:\n#   id: USR-002\n#   name: part\n#   severity: low\n#   input: kubernetes\n#   controls: {{nist-800-53: [AC-6]}}\n#   rationale: r\n#   remediation: m\npackage user.part\n\nimport rego.v1\n\ndeny contains {{\"msg\": \"m\", \"path\": [\"kind\"], \"part\": {part}}} if input.kind == \"Pod\"\n"
        )
    };
    for (part, said) in [
        (
            "\"x\"",
            "\"part\" must be an array [start, end], got a string",
        ),
        ("[3, 1]", "\"part\" must be [start, end]"),
        ("[1]", "\"part\" must be [start, end]"),
    ] {
        let d = dir_with(&[
            ("pol/part.rego", rule(part).as_bytes()),
            ("pod.yaml", PRIVILEGED.as_bytes()),
        ]);
        let out = user_policies_check(d.path());
        assert_eq!(out.status.code(), Some(2), "{part}");
        let v = json_of(&out.stdout);
        let p = &v["problems"][0];
        assert_eq!(p["file"], "pod.yaml", "{v}");
        assert!(
            p["message"].as_str().unwrap_or("").contains(said),
            "{part}: {p}"
        );
    }
}

#[test]
fn user_policies_run_like_built_ins_and_are_tested() {
    let rule = "# METADATA
# title: Pods must carry a team label
# description: Flags pods without a team label.
# custom:
#   id: ACME-001
#   name: team-label
#   severity: medium
#   input: kubernetes
#   kinds: [Pod]
#   controls:
#     nist-800-53: [CM-8]
#   rationale: Ownership.
#   remediation: Add metadata.labels.team.
package acme.team_label

import rego.v1

deny contains {\"msg\": sprintf(\"%s has no team label\", [input.metadata.name]), \"path\": [\"metadata\", \"labels\", \"team\"]} if {
\tnot input.metadata.labels.team
}

test_flags_missing_label if {
\tcount(deny) == 1 with input as {\"kind\": \"Pod\", \"metadata\": {\"name\": \"x\"}}
}
";
    let d = dir_with(&[
        ("pol/team_label.rego", rule.as_bytes()),
        (
            "pol/team_label.fail.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata: # expect: ACME-001\n  name: x\n",
        ),
        (
            "pol/team_label.pass.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {team: a}\n",
        ),
        ("pod.yaml", PRIVILEGED.as_bytes()),
    ]);
    let out = user_policies_check(d.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&json_of(&out.stdout)),
        vec![("ACME-001".into(), "pod.yaml".into(), 3)]
    );
    rg().current_dir(d.path())
        .args(["test", "pol"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("3 passed, 0 failed"));
    // A fixture that lies fails the test.
    std::fs::write(
        d.path().join("pol/team_label.pass.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n",
    )
    .expect("write");
    rg().current_dir(d.path())
        .args(["test", "pol"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL"));
}

#[test]
fn inline_suppressions_need_a_reason_and_stale_ones_are_reported() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: app
      image: app:1
      securityContext:
        # runeguard:ignore K8S-001 -- the CNI agent needs it
        privileged: true
    - name: b
      image: b:1
      securityContext:
        privileged: true # runeguard:ignore K8S-001
    - name: c
      image: c:1
      securityContext:
        privileged: true # runeguard:ignore K8S-001 until=2026-01-01 -- expired
      # runeguard:ignore K8S-002 -- nothing here
";
    let d = dir_with(&[("pod.yaml", text.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001,K8S-002",
            "--format",
            "json",
            "pod.yaml",
        ])
        .output()
        .expect("run");
    let v = json_of(&out.stdout);
    let fs = v["findings"].as_array().expect("findings");
    let k1: Vec<&Value> = fs.iter().filter(|f| f["rule_id"] == "K8S-001").collect();
    assert_eq!(k1.len(), 3);
    assert_eq!(
        k1[0]["suppression"]["justification"],
        "the CNI agent needs it"
    );
    assert!(k1[1]["suppression"].is_null(), "no reason: not applied");
    assert!(k1[2]["suppression"].is_null(), "expired: not applied");
    let notes: Vec<String> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| format!("{}:{}", p["line"], p["message"]))
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("16:") && n.contains("no reason")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("20:") && n.contains("expired")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("21:") && n.contains("suppresses nothing")),
        "{notes:?}"
    );
    // The suppressed finding does not fail the run when it is the only one.
    let d2 = dir_with(&[(
        "pod.yaml",
        text.lines()
            .take(12)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    )]);
    rg().current_dir(d2.path())
        .args(["check", "--select", "K8S-001", "pod.yaml"])
        .assert()
        .code(0);
}

#[test]
fn annotations_suppress_per_object_and_per_container() {
    let text = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
  annotations:
    runeguard.dev/ignore.probe: \"K8S-001: eBPF probe, reviewed by security, 2026\"
spec:
  template:
    spec:
      containers:
        - name: probe
          image: p:1
          securityContext: {privileged: true}
        - name: other
          image: o:1
          securityContext: {privileged: true}
";
    let d = dir_with(&[("ds.yaml", text.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check", "--select", "K8S-001", "--format", "sarif", "ds.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let s = json_of(&out.stdout);
    let results = s["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        results[0]["suppressions"][0]["justification"],
        "eBPF probe, reviewed by security, 2026"
    );
    assert!(
        results[1]
            .get("suppressions")
            .is_none_or(|s| s.as_array().is_none_or(|a| a.is_empty()))
    );
}

#[test]
fn baseline_accepts_known_findings_and_survives_line_shifts() {
    let d = dir_with(&[("pod.yaml", PRIVILEGED.as_bytes())]);
    rg().current_dir(d.path())
        .args(["baseline", "create", "base.json", "pod.yaml"])
        .assert()
        .code(0);
    rg().current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--baseline",
            "base.json",
            "pod.yaml",
        ])
        .assert()
        .code(0);
    let shifted = format!("# a comment\n# another\n{PRIVILEGED}");
    std::fs::write(d.path().join("pod.yaml"), shifted).expect("write");
    rg().current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--baseline",
            "base.json",
            "pod.yaml",
        ])
        .assert()
        .code(0);
    // A new finding still fails.
    let two = format!(
        "{PRIVILEGED}---\n{}",
        PRIVILEGED.replace("name: web", "name: api")
    );
    std::fs::write(d.path().join("pod.yaml"), two).expect("write");
    rg().current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--baseline",
            "base.json",
            "pod.yaml",
        ])
        .assert()
        .code(1);
}

#[test]
fn config_file_is_found_upward_and_validated() {
    let d = dir_with(&[
        (
            ".runeguard.yaml",
            b"select: [K8S-001]\nfail-on: high\nexclude: [\"skip/**\"]\n",
        ),
        ("sub/pod.yaml", PRIVILEGED.as_bytes()),
        ("skip/pod.yaml", PRIVILEGED.as_bytes()),
    ]);
    let out = rg()
        .current_dir(d.path().join("sub"))
        .args(["check", "--format", "json", ".."])
        .output()
        .expect("run");
    let v = json_of(&out.stdout);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].1.ends_with("sub/pod.yaml"), "{f:?}");
    std::fs::write(d.path().join(".runeguard.yaml"), "select: [K8S-001]\nexclude: [\"skip/**\"]\nper-path-ignores:\n  - paths: [\"sub/**\"]\n    rules: [privileged-container]\n    reason: lab cluster\n").expect("write");
    let out = rg()
        .current_dir(d.path().join("sub"))
        .args(["check", "--format", "json", "."])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    assert_eq!(
        v["findings"][0]["suppression"]["justification"],
        "lab cluster"
    );
    std::fs::write(
        d.path().join(".runeguard.yaml"),
        "select: [K8S-001]\nfail_on: high\n",
    )
    .expect("write");
    rg().current_dir(d.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".runeguard.yaml:2:1"));
}

#[test]
fn secrets_never_appear_in_any_output() {
    let secret = "hunter2-Sup3rS3cret-value";
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: app:1\n      env:\n        - name: DB_PASSWORD\n          value: {secret}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: shop\nstringData:\n  password: {secret}\n"
    );
    let d = dir_with(&[("pod.yaml", text.as_bytes())]);
    for format in ["human", "table", "json", "sarif", "junit"] {
        let out = rg()
            .current_dir(d.path())
            .args([
                "check",
                "--verbose",
                "--color",
                "always",
                "--format",
                format,
                "pod.yaml",
            ])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            all.contains("K8S-017"),
            "{format}: the secret rule must fire"
        );
        assert!(
            !all.contains(secret),
            "{format} output leaks the secret:\n{all}"
        );
    }
}

#[test]
fn rules_and_explain_come_from_the_metadata() {
    let out = rg()
        .args(["rules", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    assert!(
        v.as_array()
            .expect("array")
            .iter()
            .any(|r| r["id"] == "K8S-001" && r["name"] == "privileged-container")
    );
    rg().args(["rules", "--framework", "soc2", "--format", "markdown"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("| K8S-001 |"));
    rg().args(["explain", "K8S-001"]).assert().code(0).stdout(
        predicate::str::contains("Remediation")
            .and(predicate::str::contains("Failing example"))
            .and(predicate::str::contains("privileged: true"))
            .and(predicate::str::contains("expect:").not()),
    );
    rg().args(["explain", "NOPE-1"]).assert().code(2);
}

#[test]
fn explicit_files_of_unknown_type_are_noted_and_walks_skip_them() {
    let d = dir_with(&[
        ("notes.txt", b"hello"),
        ("pod.yaml", CLEAN_FOR_K8S_001.as_bytes()),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--format",
            "json",
            "notes.txt",
            ".",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    let p = v["problems"].as_array().expect("problems");
    assert!(
        p.iter()
            .any(|p| p["file"] == "notes.txt" && p["level"] == "note"),
        "{p:?}"
    );
    assert_eq!(v["summary"]["files"], 2);
}

#[test]
fn gitignored_and_hidden_files_are_skipped_unless_named() {
    let d = dir_with(&[
        (".gitignore", b"ignored/\n"),
        ("ignored/pod.yaml", PRIVILEGED.as_bytes()),
        (".hidden/pod.yaml", PRIVILEGED.as_bytes()),
        ("pod.yaml", PRIVILEGED.as_bytes()),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args(["check", "--select", "K8S-001", "--format", "json", "."])
        .output()
        .expect("run");
    assert_eq!(findings(&json_of(&out.stdout)).len(), 1);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--select",
            "K8S-001",
            "--format",
            "json",
            ".",
            "ignored/pod.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(findings(&json_of(&out.stdout)).len(), 2);
}

#[test]
fn shards_cover_the_files_and_merge_back() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..10 {
        files.push((
            format!("pod{i}.yaml"),
            PRIVILEGED.replace("web", &format!("web{i}")).into_bytes(),
        ));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let d = dir_with(&refs);
    let mut total = 0;
    for i in 1..=3 {
        let out = rg()
            .current_dir(d.path())
            .args([
                "check",
                "--select",
                "K8S-001",
                "--shard",
                &format!("{i}/3"),
                "--format",
                &format!("sarif=s{i}.sarif"),
                ".",
            ])
            .output()
            .expect("run");
        assert!(out.status.code() == Some(1) || out.status.code() == Some(0));
        let s = json_of(&std::fs::read(d.path().join(format!("s{i}.sarif"))).expect("sarif"));
        total += s["runs"][0]["results"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0);
    }
    assert_eq!(total, 10);
    let out = rg()
        .current_dir(d.path())
        .args(["merge", "s1.sarif", "s2.sarif", "s3.sarif"])
        .output()
        .expect("run");
    let m = json_of(&out.stdout);
    assert_eq!(m["runs"][0]["results"].as_array().map(Vec::len), Some(10));
    let single = rg()
        .current_dir(d.path())
        .args(["check", "--select", "K8S-001", "--format", "sarif", "."])
        .output()
        .expect("run");
    let single = json_of(&single.stdout);
    assert_eq!(
        m["runs"][0]["results"], single["runs"][0]["results"],
        "merged shards equal one run"
    );
}

#[test]
fn init_writes_a_config_that_loads() {
    let d = tempfile::tempdir().expect("tempdir");
    rg().current_dir(d.path())
        .args(["init"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("upload-sarif"));
    assert!(Path::new(&d.path().join(".runeguard.yaml")).exists());
    rg().current_dir(d.path()).args(["init"]).assert().code(2);
    rg().current_dir(d.path())
        .args(["check", "."])
        .assert()
        .code(0);
}

#[test]
fn completions_are_generated() {
    rg().args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("runeguard"));
}

#[test]
fn a_user_copy_of_a_builtin_library_replaces_it() {
    // Two modules with one package used to make regorus panic.
    let lib = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/lib/k8s.rego"),
    )
    .expect("lib");
    let d = dir_with(&[
        (
            "pol/lib/k8s.rego",
            format!("{lib}\n# a local edit\n").as_bytes(),
        ),
        ("pod.yaml", PRIVILEGED.as_bytes()),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check", "--select", "K8S-001", "--policy", "pol", "--format", "json", "pod.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(findings(&json_of(&out.stdout)).len(), 1);
}

#[test]
fn a_rule_may_raise_the_severity_of_one_result() {
    let pod = |path: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n    - name: c\n      image: c:1\n  volumes:\n    - name: h\n      hostPath:\n        path: {path}\n"
        )
    };
    let d = dir_with(&[
        ("root.yaml", pod("/").as_bytes()),
        ("data.yaml", pod("/data").as_bytes()),
    ]);
    let k8s_011 = |fail_on: &str, file: &str, code: i32| {
        rg().current_dir(d.path())
            .args(["check", "--select", "K8S-011", "--fail-on", fail_on, file])
            .assert()
            .code(code);
    };
    k8s_011("critical", "root.yaml", 1);
    k8s_011("critical", "data.yaml", 0);
    k8s_011("high", "data.yaml", 1);
}

/// Whole-project rules' findings honour `runeguard.dev/ignore` annotations too (their
/// documents are kept to the end of the run, slimmed down unless they carry such annotations).
#[test]
fn annotations_suppress_whole_project_findings() {
    let text = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    runeguard.dev/ignore: \"K8S-019: applied with kubectl -n in the deploy script\"
data: {a: b}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
data: {a: b}
";
    let d = dir_with(&[("cm.yaml", text.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check", "--select", "K8S-019", "--format", "json", "cm.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let j = json_of(&out.stdout);
    let findings = j["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{findings:?}");
    let suppressed: Vec<bool> = findings
        .iter()
        .map(|f| !f["suppression"].is_null())
        .collect();
    assert_eq!(suppressed, [true, false], "{findings:?}");
    assert_eq!(
        findings[0]["suppression"]["justification"],
        "applied with kubectl -n in the deploy script"
    );
}

/// The problems of a JSON report as (file, line, message).
fn problems(v: &Value) -> Vec<(String, Option<u64>, String)> {
    v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap_or("").to_string(),
                p["line"].as_u64(),
                p["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// `runeguard check --format json ARGS` in `dir`: its exit code and report.
fn check_json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = rg()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("run");
    (out.status.code(), json_of(&out.stdout))
}

#[test]
fn a_bad_glob_in_the_configuration_is_reported_at_its_line() {
    // Line 4: a bad exclude; line 6: a bad per-path-ignores glob beside a good one.
    let config = "select: [K8S-001]
exclude:
  - \"ok/**\"
  - \"bad[/**\"
per-path-ignores:
  - paths: [\"sub/**\", \"also{bad\"]
    rules: [K8S-001]
    reason: lab
";
    let files = [(".runeguard.yaml", config), ("sub/pod.yaml", PRIVILEGED)];
    let d = dir_with(&files.map(|(name, text)| (name, text.as_bytes())));
    let (code, v) = check_json(d.path(), &["."]);
    // Something the user asked for could not be applied: exit 2, and the run still went on.
    assert_eq!(code, Some(2));
    let p = problems(&v);
    let exclude = p
        .iter()
        .find(|(_, _, m)| m.contains("bad[/**"))
        .unwrap_or_else(|| panic!("{p:?}"));
    assert_eq!(
        (exclude.0.as_str(), exclude.1),
        (".runeguard.yaml", Some(4)),
        "{p:?}"
    );
    // A per-path-ignores glob that does not compile is reported, not skipped; the entry's
    // other glob still applies.
    let ignore = p
        .iter()
        .find(|(_, _, m)| m.contains("also{bad"))
        .unwrap_or_else(|| panic!("{p:?}"));
    assert_eq!(
        (ignore.0.as_str(), ignore.1),
        (".runeguard.yaml", Some(6)),
        "{p:?}"
    );
    assert_eq!(
        v["findings"][0]["suppression"]["justification"], "lab",
        "{v}"
    );
    // A bad --exclude is named by its flag.
    let (_, v) = check_json(&d.path().join("sub"), &["--exclude", "x[", "pod.yaml"]);
    let p = problems(&v);
    assert!(
        p.iter()
            .any(|(f, l, m)| f == "--exclude" && l.is_none() && m.contains("invalid glob")),
        "{p:?}"
    );
}

#[test]
fn a_comment_heading_a_document_covers_that_document_only() {
    let text = format!(
        "{CLEAN_FOR_K8S_001}---\n# runeguard:ignore K8S-001 -- the CNI agent needs it\n\n{PRIVILEGED}---\n{}",
        PRIVILEGED.replace("name: web", "name: other")
    );
    let d = dir_with(&[("pods.yaml", text.as_bytes())]);
    let (code, v) = check_json(d.path(), &["--select", "K8S-001", "pods.yaml"]);
    let f = v["findings"].as_array().expect("findings");
    assert_eq!(f.len(), 2, "{v}");
    assert_eq!(
        f[0]["suppression"]["justification"], "the CNI agent needs it",
        "{v}"
    );
    assert!(f[1]["suppression"].is_null(), "{v}");
    assert_eq!(code, Some(1));
}

#[test]
fn a_comment_heading_a_sql_statement_covers_the_statement_only() {
    // SQL-004 points at `USING (true)`, lines below the `CREATE POLICY` a reviewer annotates.
    let sql = "CREATE TABLE notes (id uuid PRIMARY KEY);\n\
        ALTER TABLE notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;\n\
        -- runeguard:ignore SQL-004 -- public notes, read by anyone\n\
        CREATE POLICY read_all ON notes\n  FOR SELECT\n  TO anon\n  USING (true);\n\
        CREATE POLICY write_all ON notes\n  FOR INSERT\n  TO anon\n  WITH CHECK (true);\n";
    let d = dir_with(&[("schema.sql", sql.as_bytes())]);
    let (code, v) = check_json(d.path(), &["--select", "SQL-004", "schema.sql"]);
    let f = v["findings"].as_array().expect("findings");
    assert_eq!(f.len(), 2, "{v}");
    assert_eq!(f[0]["start_line"], 7, "{v}");
    assert_eq!(
        f[0]["suppression"]["justification"], "public notes, read by anyone",
        "{v}"
    );
    assert_eq!(f[1]["start_line"], 11, "{v}");
    assert!(f[1]["suppression"].is_null(), "{v}");
    assert_eq!(code, Some(1));
}

#[test]
fn every_command_ends_in_a_documented_exit_code() {
    let d = dir_with(&[("pod.yaml", PRIVILEGED.as_bytes()), ("empty", b"")]);
    // inspect: a folder that is neither a chart nor an overlay cannot be inspected.
    rg().current_dir(d.path())
        .args(["inspect", "."])
        .assert()
        .code(2);
    rg().current_dir(d.path())
        .args(["inspect", "pod.yaml"])
        .assert()
        .code(0);
    // render: the same folder is a usage error.
    rg().current_dir(d.path())
        .args(["render", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("neither a Helm chart"));
    // baseline: findings are recorded, not a failure.
    rg().current_dir(d.path())
        .args(["baseline", "create", "base.json", "pod.yaml"])
        .assert()
        .code(0);
    rg().current_dir(d.path())
        .args(["check", "--baseline", "base.json", "pod.yaml"])
        .assert()
        .code(0);
    rg().current_dir(d.path()).args(["--help"]).assert().code(0);
    rg().current_dir(d.path())
        .args(["--bogus"])
        .assert()
        .code(2);
}

#[test]
fn a_bad_value_in_the_configuration_is_reported_at_its_line() {
    // Each stops the command (exit 2) and says where it was written, not as if it were a flag.
    for (config, at) in [
        (
            "select: [K8S-001]\nfail-on: severe\n",
            ".runeguard.yaml:2:1: unknown severity",
        ),
        (
            "frameworks:\n  - soc2\n  - iso27001\n",
            ".runeguard.yaml:3:5: unknown framework",
        ),
        (
            "severity:\n  K8S-001: urgent\n",
            ".runeguard.yaml:2:3: severity of K8S-001",
        ),
    ] {
        let files = [(".runeguard.yaml", config), ("pod.yaml", PRIVILEGED)];
        let d = dir_with(&files.map(|(name, text)| (name, text.as_bytes())));
        rg().current_dir(d.path())
            .args(["check", "pod.yaml"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(at));
    }
}

/// A run loads its policies while its workers read and render; every worker with documents
/// waits for them. A load that needed the workers' own pool never finished once both waited
/// (the first version of the overlap hung on any run with two files or more).
#[test]
fn a_run_whose_workers_wait_for_the_policies_finishes() {
    let files: Vec<(String, &[u8])> = (0..8)
        .map(|i| (format!("pod{i}.yaml"), PRIVILEGED.as_bytes()))
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let d = dir_with(&refs);
    for jobs in [&[][..], &["--jobs", "1"], &["--jobs", "4"]] {
        rg().current_dir(d.path())
            .timeout(std::time::Duration::from_secs(60))
            .args(["check", "--select", "K8S-001", "."])
            .args(jobs)
            .assert()
            .code(1);
    }
}

/// A note the terminal does not show (a file skipped as a Go template, without `--verbose`) is
/// counted on the summary line, so that nothing skipped passes unnoticed (was: "0 findings in
/// 1 file", no word of the skip).
#[test]
fn notes_left_out_of_the_terminal_are_counted_on_the_summary_line() {
    let d = dir_with(&[(
        "deploy.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ app_name }}\n" as &[u8],
    )]);
    rg().current_dir(d.path())
        .args(["check", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("file skipped").not())
        .stderr(predicate::str::contains(
            "; 1 note not shown (--verbose shows it)",
        ));
    rg().current_dir(d.path())
        .args(["check", "--verbose", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("file skipped: a Go template"))
        .stderr(predicate::str::contains("not shown").not());
    // A machine format lists the note itself.
    rg().current_dir(d.path())
        .args(["check", "--format", "json", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("file skipped: a Go template"))
        .stderr(predicate::str::contains("not shown").not());
}

/// `.env` files (hidden ones included) and configuration `.properties` files are found by the
/// walk and checked; resource bundles, logging settings and hidden folders are not; a bad line
/// is a located problem that does not stop the file's other lines (session wild38).
#[test]
fn env_and_properties_files_are_checked() {
    let d = dir_with(&[
        (".env", b"# local\nDB_PASSWORD=S3cr3t!x9local\nREDIS_USE_SSL=false\n"),
        (".env.example", b"DB_PASSWORD=changeme\nAPI_KEY=your-api-key-here\nJWT_SECRET=${JWT_SECRET}\nSMTP_PASSWORD=\n"),
        ("config/worker.env", b"this line is no setting\nexport QUEUE_TOKEN=q7Rt5Yw2Zx9Lm4Np\n"),
        (
            "src/main/resources/application.properties",
            b"spring.datasource.url=jdbc:postgresql://db/app\nspring.datasource.password=hunter2xyz\n",
        ),
        ("src/main/resources/application-dev.properties", b"server.ssl.enabled=false\n"),
        ("src/main/resources/messages.properties", b"error.password=Password must be 8 chars\n"),
        ("src/main/resources/log4j.properties", b"log4j.appender.db.password=l0gPassw0rd99\n"),
        (".hidden/app.env", b"DB_PASSWORD=S3cr3t!x9hidden\n"),
    ]);
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "CFG-016,CFG-017",
            ".",
        ])
        .output()
        .expect("run");
    let v = json_of(&out.stdout);
    let mut got = findings(&v);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("CFG-016".into(), ".env".into(), 2),
            ("CFG-016".into(), "config/worker.env".into(), 2),
            (
                "CFG-016".into(),
                "src/main/resources/application.properties".into(),
                2
            ),
            ("CFG-017".into(), ".env".into(), 3),
            (
                "CFG-017".into(),
                "src/main/resources/application-dev.properties".into(),
                1
            ),
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let problems = v["problems"].as_array().expect("problems");
    let bad: Vec<&Value> = problems
        .iter()
        .filter(|p| p["file"] == "config/worker.env")
        .collect();
    assert_eq!(bad.len(), 1, "{problems:?}");
    assert_eq!(bad[0]["line"], 1);
    assert!(
        bad[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("expected KEY=value"),
        "{bad:?}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in ["S3cr3t!x9local", "q7Rt5Yw2Zx9Lm4Np", "hunter2xyz"] {
        assert!(!text.contains(secret), "{secret} printed: {text}");
    }
}
