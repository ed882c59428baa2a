//! A plain manifest that is also an overlay's resource is checked as itself and through the
//! overlay; a finding whose origin is the same node is reported once, and a patch that sets
//! the offending field again is a finding of its own, on the patch line.

use serde_json::Value;

mod common;
use common::{PRIVILEGED, dir_with, rg};

/// `check --format json` of `args` in `dir`: the K8S-001 findings as (file, line).
fn privileged_findings(dir: &std::path::Path, args: &[&str]) -> Vec<(String, u64)> {
    let out = rg()
        .current_dir(dir)
        .args([
            "check", "--quiet", "--format", "json", "--select", "K8S-001",
        ])
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

#[test]
fn a_patch_that_sets_the_offending_field_again_is_a_second_finding() {
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
        [
            ("base/pod.yaml".to_string(), 11),
            ("prod/patch.yaml".to_string(), 11)
        ]
    );
}
