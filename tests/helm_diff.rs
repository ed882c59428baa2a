//! Charts the differential tester (`bench/render-differential.sh`) found rendering unlike
//! Helm, reduced and kept under `tests/data/helm-diff/`: each folder's `expected.yaml` is what
//! `helm template` (Helm v4.2.3) printed, or its `expected.err` the error Helm reported. No
//! Helm is needed here: `runeguard render` must print the same text byte for byte, or report
//! a located problem (exit 2) naming the same cause.

use std::path::Path;

mod common;
use common::rg;

const DATA: &str = "tests/data/helm-diff";

#[test]
fn charts_render_as_helm_rendered_them() {
    let mut cases = 0;
    for entry in std::fs::read_dir(DATA).unwrap() {
        let chart = entry.unwrap().path();
        if !chart.join("Chart.yaml").is_file() {
            continue;
        }
        cases += 1;
        let name = chart.file_name().unwrap().to_string_lossy().to_string();
        let mut cmd = rg();
        cmd.arg("render").arg(&chart);
        // `args`: one `--set` argument a line, as bench/differential/run.py saves them.
        if let Ok(args) = std::fs::read_to_string(chart.join("args")) {
            for a in args.lines().filter(|l| !l.trim().is_empty()) {
                cmd.arg("--set").arg(a);
            }
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Ok(expected) = std::fs::read_to_string(chart.join("expected.yaml")) {
            assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
            assert_eq!(
                stdout, expected,
                "{name}: runeguard render differs from helm template"
            );
        } else {
            let helm_err = std::fs::read_to_string(chart.join("expected.err")).unwrap();
            // Helm's cause, without the call it names (`error calling substr: …`).
            let last = helm_err.lines().last().unwrap().trim();
            let cause = match last.rfind("error calling ") {
                Some(i) => last[i..].split_once(": ").map_or(last, |(_, c)| c),
                None => last,
            };
            assert_eq!(out.status.code(), Some(2), "{name}: {stdout}");
            let located = format!("{}/templates/", Path::new(DATA).join(&name).display());
            assert!(
                stderr.contains(&located) && stderr.contains(cause),
                "{name}: expected a located problem naming {cause:?}, got {stderr}"
            );
        }
    }
    assert!(cases >= 3, "the cases of {DATA} were not found");
}
