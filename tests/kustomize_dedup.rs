//! A plain manifest that is an overlay's resource is checked through the overlay; a finding
//! whose origin is the same node is reported once, and a patch that sets the offending field
//! again is a finding of its own, on the patch line.

use serde_json::Value;

mod common;
use common::{PRIVILEGED, dir_with, rg};

/// `check --format json` of `args` in `dir`: the K8S-001 findings as (file, line).
fn privileged_findings(dir: &std::path::Path, args: &[&str]) -> Vec<(String, u64)> {
    findings_of(dir, "K8S-001", args)
}

/// `check --format json` of `args` in `dir`: the findings of `rule` as (file, line).
fn findings_of(dir: &std::path::Path, rule: &str, args: &[&str]) -> Vec<(String, u64)> {
    let out = rg()
        .current_dir(dir)
        .args(["check", "--quiet", "--format", "json", "--select", rule])
        .args(args)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    let mut found: Vec<(String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    found
}

const OVERLAY: &[u8] = b"resources:\n  - pod.yaml\n";

#[test]
fn a_resource_checked_as_itself_and_through_its_overlay_is_reported_once() {
    let d = dir_with(&[
        ("app/pod.yaml", PRIVILEGED.as_bytes()),
        ("app/kustomization.yaml", OVERLAY),
    ]);
    assert_eq!(
        privileged_findings(d.path(), &["."]),
        [("app/pod.yaml".to_string(), 11)]
    );
}

#[test]
fn a_base_reached_through_two_overlays_is_reported_once() {
    let d = dir_with(&[
        ("base/pod.yaml", PRIVILEGED.as_bytes()),
        ("base/kustomization.yaml", OVERLAY),
        ("staging/kustomization.yaml", b"resources:\n  - ../base\n"),
        (
            "prod/kustomization.yaml",
            b"resources:\n  - ../base\nnamePrefix: prod-\n",
        ),
    ]);
    assert_eq!(
        privileged_findings(d.path(), &["."]),
        [("base/pod.yaml".to_string(), 11)]
    );
}

/// The base is checked as `prod` deploys it (docs/rendering.md, "Bases, resources and folders
/// checked alone"): the deployed field is the patch's, so the finding is the patch's line;
/// the base checked alone has its own.
#[test]
fn a_patch_that_sets_the_offending_field_again_is_the_deployed_finding() {
    // The patch is the same Pod again: its `privileged: true` (line 11) replaces the base's.
    let d = dir_with(&[
        ("base/pod.yaml", PRIVILEGED.as_bytes()),
        ("base/kustomization.yaml", OVERLAY),
        (
            "prod/kustomization.yaml",
            b"resources:\n  - ../base\npatches:\n  - path: patch.yaml\n",
        ),
        ("prod/patch.yaml", PRIVILEGED.as_bytes()),
    ]);
    assert_eq!(
        privileged_findings(d.path(), &["."]),
        [("prod/patch.yaml".to_string(), 11)]
    );
    assert_eq!(
        privileged_findings(d.path(), &["base"]),
        [("base/pod.yaml".to_string(), 11)]
    );
}

/// A Deployment whose container (`- name: app`, line 15) has no readiness probe (K8S-024) and
/// a mutable image tag (K8S-015, line 16). Kustomize prints the container's keys sorted, so
/// `image` comes first in the overlay's stream.
const DEPLOY: &[u8] = b"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: app:latest
";

const DEPLOY_OVERLAY: &[u8] = b"resources:\n  - deploy.yaml\n";

#[test]
fn a_finding_on_a_list_element_points_at_its_start_through_the_overlay_too() {
    let d = dir_with(&[
        ("base/deploy.yaml", DEPLOY),
        ("base/kustomization.yaml", DEPLOY_OVERLAY),
        (
            "prod/kustomization.yaml",
            b"resources:\n  - ../base\nnamePrefix: prod-\nnamespace: prod\n",
        ),
    ]);
    // The container: its `- name:` line, once (the base checked as itself and through two
    // overlays).
    assert_eq!(
        findings_of(d.path(), "K8S-024", &["."]),
        [("base/deploy.yaml".to_string(), 15)]
    );
    // Its first printed key is still a finding of its own line.
    assert_eq!(
        findings_of(d.path(), "K8S-015", &["."]),
        [("base/deploy.yaml".to_string(), 16)]
    );
}

#[test]
fn a_list_element_a_patch_adds_points_at_its_start_in_the_patch() {
    let d = dir_with(&[
        ("base/deploy.yaml", DEPLOY),
        ("base/kustomization.yaml", DEPLOY_OVERLAY),
        (
            "prod/kustomization.yaml",
            b"resources:\n  - ../base\npatches:\n  - path: patch.yaml\n",
        ),
        (
            "prod/patch.yaml",
            b"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: side:1.0
",
        ),
    ]);
    assert_eq!(
        findings_of(d.path(), "K8S-024", &["prod"]),
        [
            ("base/deploy.yaml".to_string(), 15),
            ("prod/patch.yaml".to_string(), 9)
        ]
    );
}
