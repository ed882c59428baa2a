//! Service configuration files embedded in a ConfigMap's `data` entry as a literal block
//! scalar: checked as the file their key names, findings at the line and column inside the
//! block, in plain manifests and through Helm and Kustomize.

mod common;
use common::{dir_with, findings_at, json_check, rg};

const SECRET: &str = "hunter2Secret";

/// A Spring `application.yml` (line 17: the password, column 9), an Alertmanager config under
/// an indentation indicator (line 22: `insecure_skip_verify`, column 13), a text file that
/// holds a password (not a configuration file) and a template that is not YAML.
const MANIFEST: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: pay
data:
  application.yml: |
    server:
      port: 8080
    management:
      endpoints:
        web:
          exposure:
            include: health
    spring:
      datasource:
        password: hunter2Secret
  alertmanager.yml: |2-
      receivers:
        - name: hook
          webhook_configs:
            - http_config: {tls_config: {insecure_skip_verify: true}}
  notes.txt: |
    tls: false
  broken.yaml: |
    {{ .Values.x }}: [
";

#[test]
fn a_cfg_rule_points_inside_the_block_scalar_and_k8s_036_gives_way() {
    let d = dir_with(&[("cm.yaml", MANIFEST.as_bytes())]);
    let (v, code) = json_check(
        d.path(),
        &["cm.yaml", "--select", "CFG-016,CFG-017,K8S-036"],
    );
    // The template under `broken.yaml` is no problem of the manifest (exit 1, not 2).
    assert_eq!(code, 1, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(
        findings_at(&v),
        vec![
            ("CFG-016".into(), "cm.yaml".into(), 17, 9),
            ("CFG-017".into(), "cm.yaml".into(), 22, 42),
        ],
        "{v}"
    );
    assert!(!v.to_string().contains(SECRET));
}

#[test]
fn crlf_line_breaks_keep_the_columns() {
    let d = dir_with(&[("cm.yaml", MANIFEST.replace('\n', "\r\n").as_bytes())]);
    let (v, _) = json_check(d.path(), &["cm.yaml", "--select", "CFG-016"]);
    assert_eq!(
        findings_at(&v),
        vec![("CFG-016".into(), "cm.yaml".into(), 17, 9)],
        "{v}"
    );
}

#[test]
fn an_ignore_comment_inside_the_embedded_file_suppresses() {
    let text = MANIFEST.replace(
        "        password: hunter2Secret",
        "        # runeguard:ignore CFG-016 -- rotated by the platform\n        password: hunter2Secret",
    );
    let d = dir_with(&[("cm.yaml", text.as_bytes())]);
    let (v, code) = json_check(d.path(), &["cm.yaml", "--select", "CFG-016"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["findings"][0]["suppression"]["origin"], "cm.yaml:17",
        "{v}"
    );
}

#[test]
fn no_output_format_prints_the_embedded_secret() {
    let d = dir_with(&[("cm.yaml", MANIFEST.as_bytes())]);
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "cm.yaml"])
            .output()
            .expect("runs");
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains(SECRET), "{format}");
    }
}

#[test]
fn through_a_helm_chart_the_finding_is_on_the_template_and_values_lines() {
    let d = dir_with(&[
        (
            "chart/Chart.yaml",
            b"apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        ),
        ("chart/values.yaml", b"tls: false\n"),
        (
            "chart/templates/cm.yaml",
            b"apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: demo
data:
  config.yaml: |
    database:
      host: db
      tls: {{ .Values.tls }}
    cache:
      insecure_skip_verify: true
",
        ),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "CFG-017"]);
    assert_eq!(code, 1, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(
        findings_at(&v),
        vec![
            ("CFG-017".into(), "chart/templates/cm.yaml".into(), 12, 7),
            ("CFG-017".into(), "chart/values.yaml".into(), 1, 1),
        ],
        "{v}"
    );
}

#[test]
fn through_a_kustomize_overlay_the_finding_is_on_the_base_entry() {
    let d = dir_with(&[
        ("base/kustomization.yaml", b"resources:\n- cm.yaml\n"),
        (
            "base/cm.yaml",
            b"apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: demo
data:
  config.yaml: |
    cache:
      insecure_skip_verify: true
",
        ),
        ("overlay/kustomization.yaml", b"resources:\n- ../base\n"),
    ]);
    let (v, code) = json_check(d.path(), &["overlay", "--select", "CFG-017"]);
    assert_eq!(code, 1, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    // Kustomize's stream maps a block scalar as one node: the finding is on the entry's key.
    assert_eq!(
        findings_at(&v),
        vec![("CFG-017".into(), "base/cm.yaml".into(), 7, 3)],
        "{v}"
    );
}
