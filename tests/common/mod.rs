//! Helpers shared by the end-to-end tests.

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use tempfile::TempDir;

/// A Pod with one K8S-001 finding (privileged), on line 11.
#[allow(dead_code)] // not every test file uses it
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
