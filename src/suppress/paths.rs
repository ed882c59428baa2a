//! `per-path-ignores` of the configuration: rules not applied to some paths, with the reason
//! shown as the justification.

use crate::finding::{Finding, Suppression, SuppressionKind};
use std::path::Path;

/// One glob of a `per-path-ignores` entry, compiled (anchored at the configuration's folder),
/// with the entry's rule selectors and reason.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub matcher: globset::GlobMatcher,
    pub rules: Vec<String>,
    pub reason: String,
}

/// Suppresses the findings of a path an entry names, matched by the reported path or the
/// file's absolute path.
pub(super) fn apply(findings: &mut [Finding], ignores: &[PathIgnore], cwd: &Path) {
    for ignore in ignores {
        for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
            let abs = f
                .file
                .fs_path
                .as_deref()
                .map(|p| crate::input::discover::normalize(p, cwd));
            let hit = ignore.matcher.is_match(&f.file.path)
                || abs.is_some_and(|a| ignore.matcher.is_match(a));
            if hit && ignore.rules.iter().any(|s| f.rule.matches_selector(s)) {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::External,
                    justification: ignore.reason.clone(),
                    origin: "configuration (per-path-ignores)".into(),
                });
            }
        }
    }
}
