//! Suppressions, applied in one pass over a run's findings: Kubernetes annotations, inline
//! comments, per-path ignores from the configuration, then the baseline (the first that
//! applies to a finding wins). Suppressed findings are kept (SARIF `suppressions`, JSON) but do
//! not fail the run. A suppression with no reason, one that suppresses nothing, or one that has
//! expired is reported as a note, so stale ignores are found.

mod annotations;
mod baseline;
mod directives;
mod paths;

pub use annotations::{AnnotatedDocument, parse_annotation};
pub use baseline::{Baseline, BaselineEntry};
pub use directives::{Directive, DocumentLines, directives, today};
pub use paths::PathIgnore;

use crate::finding::Finding;
use crate::rule::Rule;
use crate::source::{Problem, SourceFile};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// Whether a file holds inline directives (the run keeps such files for the pass).
pub fn has_directives(text: &str) -> bool {
    text.contains(directives::MARKER)
}

/// What a run gathered for the pass besides its findings.
pub struct Sources<'a> {
    /// Kubernetes objects with ignore annotations.
    pub annotated: &'a [AnnotatedDocument],
    /// Files holding inline directives (those without findings get their unused ones noted).
    pub directive_files: &'a [Arc<SourceFile>],
    /// The document lines of the files holding directives.
    pub documents: &'a DocumentLines,
    pub path_ignores: &'a [PathIgnore],
    pub baseline: Option<&'a Baseline>,
    /// The working directory, against which per-path globs match absolute paths.
    pub cwd: &'a Path,
}

/// A finding (its index in the run's findings) at a line of a file.
type FindingAt = (usize, u32);

fn rule_matches(rule: &Rule, selector: &str) -> bool {
    selector.eq_ignore_ascii_case("all")
        || rule.id.eq_ignore_ascii_case(selector)
        || rule.name == selector
}

/// Applies every suppression to the run's findings, noting stale or malformed directives in
/// `problems`; returns how many baseline entries matched no finding (fixed since the baseline
/// was recorded).
pub fn apply(
    findings: &mut [Finding],
    problems: &mut Vec<Problem>,
    sources: &Sources,
    rules: &[Arc<Rule>],
) -> usize {
    annotations::apply(findings, sources.annotated);
    let active: BTreeSet<String> = rules
        .iter()
        .flat_map(|r| [r.id.clone(), r.name.clone()])
        .collect();
    let today = today();
    // Inline comments, file by file: the files of findings, then directive files without any.
    // A finding is at its own line and at the line that used the value it points at (related
    // role `template`: a Helm template's action, an OpenShift Template's `${PARAM}`; role
    // `alias`: a YAML `<<: *common` or `*name` using an anchored node; role `entry`: the key of
    // the literal block a finding points inside), where a person reading the object writes the
    // comment as well.
    let mut by_file: BTreeMap<String, (Arc<SourceFile>, Vec<FindingAt>)> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let used = f
            .related
            .iter()
            .filter(|r| matches!(r.role, "template" | "alias" | "entry"));
        for (file, line) in std::iter::once((&f.file, f.start().line))
            .chain(used.map(|r| (&r.file, r.start().line)))
        {
            by_file
                .entry(file.path.clone())
                .or_insert_with(|| (file.clone(), Vec::new()))
                .1
                .push((i, line));
        }
    }
    let no_documents = Vec::new();
    let documents_of = |path: &str| sources.documents.get(path).unwrap_or(&no_documents);
    for (path, (file, at)) in &by_file {
        problems.extend(directives::apply(
            file,
            documents_of(path),
            findings,
            at,
            &active,
            &today,
        ));
    }
    for file in sources.directive_files {
        if !by_file.contains_key(&file.path) {
            problems.extend(directives::apply(
                file,
                documents_of(&file.path),
                findings,
                &[],
                &active,
                &today,
            ));
        }
    }
    drop(by_file);
    paths::apply(findings, sources.path_ignores, sources.cwd);
    sources.baseline.map_or(0, |b| b.apply(findings))
}
