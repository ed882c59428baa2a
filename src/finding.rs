//! A finding: one rule's verdict on one node of one file, located exactly.

use crate::rule::{Rule, Severity};
use crate::source::SourceFile;
use crate::source::span::{PathSeg, Pos, Span, display_path};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// What a run reports besides findings: a file, or part of one, that could not be checked
/// (an error) or was read leniently or skipped (a note). Reports take both from this floor.
pub use crate::source::{Problem, ProblemLevel};

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Arc<Rule>,
    /// The effective severity (the rule's default unless the configuration overrides it).
    pub severity: Severity,
    pub message: String,
    pub file: Arc<SourceFile>,
    pub span: Span,
    /// The path the rule reported, relative to the document.
    pub path: Vec<PathSeg>,
    /// How many steps of `path` exist: fewer than all when the span is the nearest ancestor
    /// of a missing field (see [`Finding::exact`]).
    pub found: usize,
    /// The part of the node the finding is about (the image tag a rule named, a map entry's
    /// value): on a rendered stream, the finding moves to where that part was written.
    pub part: Option<Part>,
    /// The object the finding is about (`Deployment payments/api`, `table public.users`).
    pub resource: String,
    /// Stable identity across line shifts and runs: rule, file, resource, path.
    pub fingerprint: String,
    pub suppression: Option<Suppression>,
    /// For a rendered input (a Helm chart, a Kustomize overlay): the rest of the chain that
    /// produced the node, after the primary location above (a template line, a values line,
    /// the rendered stream's line), most useful first.
    pub related: Vec<Related>,
}

/// Where the part a finding is about is written, inside `scalar`: a rule's part of a string
/// inside the string's text (without its quotes), or a map entry's value inside the entry.
#[derive(Debug, Clone, Copy)]
pub struct Part {
    pub text: Span,
    pub scalar: Span,
}

/// Another place that contributed to a finding's node.
#[derive(Debug, Clone)]
pub struct Related {
    /// `values`, `set`, `patch`, `template`, `base`, `kustomization`, `target` (the field a
    /// Kustomize replacement wrote), `rendered` (the line of the rendered stream
    /// `runeguard render` prints), or `alias` (the YAML alias or merge key `<<: *name` through
    /// which an object uses the anchored node the finding points at, or a Compose service's
    /// `extends:` through which it inherits its base service's node).
    pub role: &'static str,
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Related {
    /// Where the related location starts: line and column.
    pub fn start(&self) -> Pos {
        self.file.pos(self.span.start)
    }

    /// Where it ends (exclusive).
    pub fn end(&self) -> Pos {
        self.file.pos(self.span.end)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionKind {
    /// A comment or annotation in the file itself.
    InSource,
    /// The configuration file or a baseline.
    External,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub justification: String,
    /// Where the suppression was written: `file:line`, `.runeguard.yaml`, `baseline.json`.
    pub origin: String,
}

impl Finding {
    /// True when every step of the path exists (the span is the node itself, not the
    /// nearest ancestor of a missing field).
    pub fn exact(&self) -> bool {
        self.found == self.path.len()
    }

    pub fn fingerprint_of(rule_id: &str, file: &str, resource: &str, path: &[PathSeg]) -> String {
        let mut h = Sha256::new();
        for part in [rule_id, file, resource, &display_path(path)] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }

    pub fn path_string(&self) -> String {
        display_path(&self.path)
    }

    /// Where the finding starts: line and column, computed from its byte span.
    pub fn start(&self) -> Pos {
        self.file.pos(self.span.start)
    }

    /// Where the finding ends (exclusive).
    pub fn end(&self) -> Pos {
        self.file.pos(self.span.end)
    }

    /// The order every report uses: file, position, rule, message. Byte offsets order
    /// positions in one file as their lines and columns do.
    pub fn sort_key(&self) -> (&str, u32, &str, &str) {
        (
            &self.file.path,
            self.span.start,
            &self.rule.id,
            &self.message,
        )
    }
}
