//! `runeguard init`: writes a starter `.runeguard.yaml` and prints the snippets that run
//! runeguard in pre-commit, GitHub Actions and GitLab CI.

use super::{Exit, Fatal, write_out};
use crate::config;
use std::path::Path;

pub fn init(force: bool) -> Result<Exit, Fatal> {
    let path = Path::new(config::FILE_NAMES[0]);
    if path.exists() && !force {
        return Err(Fatal(format!(
            "{} exists; use --force to overwrite it",
            path.display()
        )));
    }
    std::fs::write(path, config::STARTER)
        .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
    write_out(
        None,
        &format!(
            "wrote {}\n\n{}",
            path.display(),
            ci_snippets(crate::VERSION)
        ),
    )?;
    Ok(Exit::Ok)
}

/// How to run runeguard in pre-commit, GitHub Actions (code scanning) and GitLab CI.
fn ci_snippets(version: &str) -> String {
    format!(
        "\
# .pre-commit-config.yaml
repos:
  - repo: https://github.com/runeguard/runeguard
    rev: v{version}
    hooks:
      - id: runeguard

# GitHub Actions (code scanning)
      - run: runeguard check --fail-on high --format human --format sarif=results.sarif .
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: results.sarif
          category: runeguard

# GitLab CI
runeguard:
  script: runeguard check --format human --format junit=runeguard.xml .
  artifacts:
    when: always
    reports:
      junit: runeguard.xml
"
    )
}
