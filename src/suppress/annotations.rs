//! Kubernetes annotations: `runeguard.dev/ignore: "K8S-001: reason, K8S-013: reason"` on an
//! object (or its pod template) suppresses those rules on it; `runeguard.dev/ignore.NAME`
//! only on the container NAME.

use super::rule_matches;
use crate::finding::{Finding, Suppression, SuppressionKind};
use crate::input::Document;
use crate::source::span::PathSeg;
use std::ops::Range;
use std::sync::Arc;

const ANNOTATION: &str = "runeguard.dev/ignore";

/// A Kubernetes object that carries ignore annotations, kept (with its value) until the
/// suppression pass: where it is, so that its findings are found again, and what it says.
#[derive(Debug)]
pub struct AnnotatedDocument {
    file: Arc<crate::source::SourceFile>,
    /// The document's bytes in its file (the rendered stream, for a chart or an overlay).
    range: Range<usize>,
    resource: String,
    value: serde_json::Value,
}

impl AnnotatedDocument {
    /// The document's annotations, when it has ignore annotations; takes its value (the
    /// caller keeps the rest of the document).
    pub fn take(doc: &mut Document) -> Option<AnnotatedDocument> {
        if doc.input_type != crate::input::InputType::Kubernetes
            || !has_ignore_annotations(&doc.value)
        {
            return None;
        }
        let span = doc.span();
        Some(AnnotatedDocument {
            file: doc.file.clone(),
            range: span.range(),
            resource: doc.resource.clone(),
            value: std::mem::take(&mut doc.value),
        })
    }

    /// Whether a finding was found on this document: same file, same object, inside it. A
    /// finding moved to a template or values line is found by where it was in the stream.
    fn holds(&self, f: &Finding) -> bool {
        let (file, span) = f
            .related
            .iter()
            .find(|r| r.role == "rendered")
            .map_or((&f.file, f.span), |r| (&r.file, r.span));
        Arc::ptr_eq(file, &self.file)
            && f.resource == self.resource
            && (self.range.start..=self.range.end).contains(&(span.start as usize))
    }
}

/// Parses `"K8S-001: reason, K8S-013: another reason, with a comma"` into (rule, reason) pairs.
pub fn parse_annotation(value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in value.split(',') {
        let p = part.trim();
        let starts_rule = p.split_once(':').is_some_and(|(id, _)| {
            let id = id.trim();
            !id.is_empty()
                && !id.contains(' ')
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        match (starts_rule, out.last_mut()) {
            (true, _) => {
                let (id, reason) = p.split_once(':').unwrap_or((p, ""));
                out.push((id.trim().to_string(), reason.trim().to_string()));
            }
            (false, Some(last)) => {
                last.1.push_str(", ");
                last.1.push_str(p);
            }
            (false, None) => out.push((p.to_string(), String::new())),
        }
    }
    out
}

fn annotation_maps(v: &serde_json::Value) -> Vec<&serde_json::Map<String, serde_json::Value>> {
    let mut maps = Vec::new();
    let paths: [&[&str]; 3] = [
        &["metadata", "annotations"],
        &["spec", "template", "metadata", "annotations"],
        &[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "metadata",
            "annotations",
        ],
    ];
    for p in paths {
        let mut cur = Some(v);
        for k in p {
            cur = cur.and_then(|c| c.get(*k));
        }
        if let Some(m) = cur.and_then(|c| c.as_object()) {
            maps.push(m);
        }
    }
    maps
}

/// The container a finding is about, from its path (`.../containers/2/...`).
fn container_name<'a>(value: &'a serde_json::Value, path: &[PathSeg]) -> Option<&'a str> {
    let i = path.iter().position(|s| matches!(s, PathSeg::Key(k) if k == "containers" || k == "initContainers" || k == "ephemeralContainers"))?;
    let mut cur = value;
    for seg in &path[..=i + 1] {
        cur = match seg {
            PathSeg::Key(k) => cur.get(k)?,
            PathSeg::Index(n) => cur.get(*n)?,
        };
    }
    cur.get("name")?.as_str()
}

fn has_ignore_annotations(value: &serde_json::Value) -> bool {
    annotation_maps(value)
        .iter()
        .any(|m| m.keys().any(|k| k.starts_with(ANNOTATION)))
}

/// Applies the annotations of every annotated object to the findings found on it.
pub(super) fn apply(findings: &mut [Finding], annotated: &[AnnotatedDocument]) {
    if annotated.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
        if let Some(doc) = annotated.iter().find(|d| d.holds(f)) {
            apply_one(doc, f);
        }
    }
}

fn apply_one(doc: &AnnotatedDocument, f: &mut Finding) {
    let container = container_name(&doc.value, &f.path);
    for m in annotation_maps(&doc.value) {
        for (key, value) in m.iter() {
            let applies = key == ANNOTATION
                || container.is_some_and(|c| {
                    key.strip_prefix(ANNOTATION)
                        .and_then(|r| r.strip_prefix('.'))
                        == Some(c)
                });
            if !applies {
                continue;
            }
            let Some(text) = value.as_str() else { continue };
            for (rule, reason) in parse_annotation(text) {
                if rule_matches(&f.rule, &rule) && !reason.is_empty() && f.suppression.is_none() {
                    f.suppression = Some(Suppression {
                        kind: SuppressionKind::InSource,
                        justification: reason,
                        origin: format!("{}: annotation {key}", doc.resource),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_reasons_may_hold_commas() {
        let v = parse_annotation("K8S-001: needs the host, by design, K8S-013: batch job");
        assert_eq!(
            v,
            vec![
                ("K8S-001".into(), "needs the host, by design".into()),
                ("K8S-013".into(), "batch job".into())
            ]
        );
    }
}
