//! Helpers shared by the end-to-end tests.
#![allow(dead_code)] // each test file uses some of them

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use tempfile::TempDir;

/// A Pod with one K8S-001 finding (privileged), on line 11.
pub const PRIVILEGED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: app
      image: app:1
      securityContext:
        privileged: true
";

/// The binary, with a fixed "today" (suppression expiry), colour left to the flags and no
/// program cache.
pub fn rg() -> Command {
    let mut c = cargo_bin_cmd!("runeguard");
    c.env_remove("NO_COLOR")
        .env("RUNEGUARD_TODAY", "2026-06-01")
        // No on-disk program cache (tests/engines.rs tests it with a directory of its own).
        .env("RUNEGUARD_CACHE_DIR", "");
    c
}

/// A temporary directory holding these files (parent directories created).
pub fn dir_with(files: &[(&str, &[u8])]) -> TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    for (name, body) in files {
        let p = d.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, body).expect("write");
    }
    d
}

/// The switch that turns every test skip into a failure: `.ci/run` sets it, so CI runs every
/// check (the `../shared` material, the unprivileged-user case, ...) or fails.
pub const REQUIRE_ALL: &str = "RUNEGUARD_REQUIRE_SHARED";

/// True when [`REQUIRE_ALL`] is set (to anything but empty or `0`).
pub fn require_all() -> bool {
    std::env::var(REQUIRE_ALL).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A check that cannot run here (`why`). Under [`REQUIRE_ALL`] that is a failure (this
/// panics); otherwise it is said on the terminal, past libtest's capture of a passing test's
/// output, and the caller returns.
pub fn skip(what: &str, why: &str) {
    assert!(
        !require_all(),
        "{what} cannot run: {why} ({REQUIRE_ALL} is set: every check must run)"
    );
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {what}: {why} (set {REQUIRE_ALL}=1 to make this a failure)"
    );
}

/// The project's own copy of the specification's rule table (`tests/data/rules-catalog.tsv`):
/// (id, name, severity), in file order.
pub fn rules_catalog() -> Vec<(String, String, String)> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rules-catalog.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "rules-catalog.tsv: {l:?}");
            (
                cols[0].to_string(),
                cols[1].to_string(),
                cols[2].to_string(),
            )
        })
        .collect()
}

/// (rule, file, line) of each finding of a JSON report.
pub fn findings_of(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start_line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// (rule, file, line) of each finding of a JSON report, sorted.
pub fn sorted_findings_of(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    let mut out = findings_of(v);
    out.sort();
    out
}

/// The problems of a JSON report as `level file:line:column: message` lines.
pub fn problem_lines_of(v: &serde_json::Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            format!(
                "{} {}:{}:{}: {}",
                p["level"].as_str().unwrap_or(""),
                p["file"].as_str().unwrap_or(""),
                p["line"],
                p["column"],
                p["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Asserts the (rule, file, line) of each finding of a JSON report, in order (the report
/// printed when they differ).
#[track_caller]
pub fn assert_findings(v: &serde_json::Value, want: &[(&str, &str, u64)]) {
    let got = findings_of(v);
    let got: Vec<(&str, &str, u64)> = got
        .iter()
        .map(|(r, f, l)| (r.as_str(), f.as_str(), *l))
        .collect();
    assert_eq!(got, want, "{v:#}");
}

/// (role, file, line) of each related location of a JSON report's finding.
pub fn related_of(f: &serde_json::Value) -> Vec<(String, String, u64)> {
    f["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap_or("").to_string(),
                r["file"].as_str().unwrap_or("").to_string(),
                r["start_line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The chart folders (holding a `Chart.yaml`) directly under `dir`, sorted.
pub fn charts_in(dir: &str) -> Vec<std::path::PathBuf> {
    let mut charts: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|c| c.join("Chart.yaml").is_file())
        .collect();
    charts.sort();
    charts
}

/// (rule, file, line, column) of each finding of a JSON report, sorted.
pub fn findings_at(v: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    let mut got: Vec<_> = findings_of(v)
        .into_iter()
        .zip(v["findings"].as_array().expect("findings"))
        .map(|((rule, file, line), f)| (rule, file, line, f["start_column"].as_u64().unwrap_or(0)))
        .collect();
    got.sort();
    got
}

/// `runeguard check --quiet --format json <args>` in `dir`: the report and the exit code.
/// The messages of a JSON report's findings, in report order.
pub fn messages_of(v: &serde_json::Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or(""))
        .collect()
}

pub fn json_check(dir: &std::path::Path, args: &[&str]) -> (serde_json::Value, i32) {
    let out = rg()
        .current_dir(dir)
        .args(["check", "--quiet", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap_or(-1))
}

/// Everything `runeguard ARGS` printed (standard output, then standard error) in `dir`.
pub fn all_output(dir: &std::path::Path, args: &[&str]) -> String {
    let out = rg().current_dir(dir).args(args).output().expect("runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
