//! Suppressions: inline comments, Kubernetes annotations, per-path ignores from the
//! configuration, and the baseline. Suppressed findings are kept (SARIF `suppressions`, JSON)
//! but do not fail the run. A suppression with no reason, one that suppresses nothing, or one
//! that has expired is reported as a note, so stale ignores are found.

use crate::finding::{Finding, Suppression, SuppressionKind};
use crate::input::Document;
use crate::rule::Rule;
use crate::source::span::PathSeg;
use crate::source::{Problem, SourceFile};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const MARKER: &str = "runeguard:ignore";
const ANNOTATION: &str = "runeguard.dev/ignore";

/// One `runeguard:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub line: u32,
    pub column: u32,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// `until=YYYY-MM-DD`.
    pub until: Option<String>,
    /// The comment is alone on its line (it covers the next line).
    pub own_line: bool,
    /// Lines covered when the comment heads a document: (first, last).
    pub document: Option<(u32, u32)>,
}

/// Finds the comment that starts a `runeguard:ignore` on a line, for YAML/TOML (`#`) and SQL (`--`).
fn directive_in_line(line: &str) -> Option<(usize, &str)> {
    let idx = line.find(MARKER)?;
    let before = line[..idx].trim_end();
    let comment_start = if before.ends_with('#') {
        before.len() - 1
    } else if before.ends_with("--") {
        before.len() - 2
    } else {
        return None;
    };
    Some((comment_start, &line[idx + MARKER.len()..]))
}

/// Parses every directive of a file.
pub fn directives(file: &SourceFile) -> Vec<Directive> {
    if !file.text.contains(MARKER) {
        return Vec::new();
    }
    let lines: Vec<&str> = file.text.lines().collect();
    let is_comment_or_blank = |l: &str| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t.starts_with("--")
    };
    let is_doc_separator = |l: &str| {
        l.starts_with("---") && !l.starts_with("----") && l[3..].trim().is_empty()
            || l.trim() == "---"
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((col, rest)) = directive_in_line(line) else {
            continue;
        };
        let own_line = line[..col].trim().is_empty();
        let (spec, reason) = match rest.split_once("--") {
            Some((spec, reason)) => (
                spec,
                Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
            ),
            None => (rest, None),
        };
        let mut rules = Vec::new();
        let mut until = None;
        for tok in spec
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
        {
            if let Some(d) = tok.strip_prefix("until=") {
                until = Some(d.to_string());
            } else {
                rules.push(tok.to_string());
            }
        }
        // A comment heads a document when only comments, blanks or a `---` precede it back to
        // the document start.
        let mut document = None;
        if own_line {
            let mut j = i;
            let mut heads = true;
            while j > 0 {
                let prev = lines[j - 1];
                if is_doc_separator(prev) {
                    break;
                }
                if !is_comment_or_blank(prev) {
                    heads = false;
                    break;
                }
                j -= 1;
            }
            if heads {
                let first = j as u32 + 1;
                let mut k = i + 1;
                while k < lines.len() && !is_doc_separator(lines[k]) {
                    k += 1;
                }
                document = Some((first, k as u32));
            }
        }
        out.push(Directive {
            line: i as u32 + 1,
            column: col as u32 + 1,
            rules,
            reason,
            until,
            own_line,
            document,
        });
    }
    out
}

/// Today's date as `YYYY-MM-DD` (UTC), without a date library. `RUNEGUARD_TODAY` overrides it
/// (for reproducible tests).
pub fn today() -> String {
    if let Ok(d) = std::env::var("RUNEGUARD_TODAY")
        && valid_date(&d)
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn rule_matches(rule: &Rule, selector: &str) -> bool {
    selector.eq_ignore_ascii_case("all")
        || rule.id.eq_ignore_ascii_case(selector)
        || rule.name == selector
}

/// Applies inline comment suppressions of one file to its findings; returns notes about the
/// directives themselves (no reason, expired, unused).
fn apply_inline(
    file: &Arc<SourceFile>,
    findings: &mut [&mut Finding],
    active: &BTreeSet<String>,
    today: &str,
) -> Vec<Problem> {
    let mut notes = Vec::new();
    for d in directives(file) {
        let pos = Some(crate::source::span::Pos {
            line: d.line,
            column: d.column,
        });
        if d.rules.is_empty() {
            notes.push(Problem::note(
                &file.path,
                pos,
                "runeguard:ignore names no rule; write `runeguard:ignore RULE-ID -- reason`",
            ));
            continue;
        }
        if let Some(until) = &d.until {
            if !valid_date(until) {
                notes.push(Problem::note(&file.path, pos, format!("runeguard:ignore has an invalid date {until:?} (expected until=YYYY-MM-DD); it is ignored")));
                continue;
            }
            if until.as_str() < today {
                notes.push(Problem::note(
                    &file.path,
                    pos,
                    format!(
                        "runeguard:ignore {} expired on {until}; it no longer suppresses anything",
                        d.rules.join(",")
                    ),
                ));
                continue;
            }
        }
        let Some(reason) = d.reason.clone() else {
            notes.push(Problem::note(&file.path, pos, format!("runeguard:ignore {} has no reason; add `-- why it is acceptable` (it is not applied without one)", d.rules.join(","))));
            continue;
        };
        let mut used = false;
        for f in findings.iter_mut() {
            if f.suppression.is_some() || !d.rules.iter().any(|s| rule_matches(&f.rule, s)) {
                continue;
            }
            let line = f.start().line;
            let covers = line == d.line
                || (d.own_line && line == d.line + 1)
                || d.document.is_some_and(|(a, b)| line >= a && line <= b);
            if covers {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::InSource,
                    justification: reason.clone(),
                    origin: format!("{}:{}", file.path, d.line),
                });
                used = true;
            }
        }
        let all_active = d.rules.iter().all(|s| {
            active.iter().any(|a| a.eq_ignore_ascii_case(s)) || s.eq_ignore_ascii_case("all")
        });
        if !used && all_active {
            notes.push(Problem::note(
                &file.path,
                pos,
                format!(
                    "runeguard:ignore {} suppresses nothing; remove it",
                    d.rules.join(",")
                ),
            ));
        }
    }
    notes
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
fn container_name<'a>(doc: &'a Document, path: &[PathSeg]) -> Option<&'a str> {
    let i = path.iter().position(|s| matches!(s, PathSeg::Key(k) if k == "containers" || k == "initContainers" || k == "ephemeralContainers"))?;
    let mut cur = &doc.value;
    for seg in &path[..=i + 1] {
        cur = match seg {
            PathSeg::Key(k) => cur.get(k)?,
            PathSeg::Index(n) => cur.get(*n)?,
        };
    }
    cur.get("name")?.as_str()
}

/// Whether a document carries `runeguard.dev/ignore` annotations (when it does not,
/// [`apply_annotations`] never looks at it).
pub fn has_ignore_annotations(value: &serde_json::Value) -> bool {
    annotation_maps(value)
        .iter()
        .any(|m| m.keys().any(|k| k.starts_with(ANNOTATION)))
}

/// Applies `runeguard.dev/ignore` annotations of a Kubernetes object to its findings.
pub fn apply_annotations(doc: &Document, findings: &mut [Finding]) {
    let maps = annotation_maps(&doc.value);
    if maps.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
        let container = container_name(doc, &f.path);
        for m in &maps {
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
                    if rule_matches(&f.rule, &rule) && !reason.is_empty() && f.suppression.is_none()
                    {
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
}

/// A baseline: fingerprints of findings accepted at some point.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Fingerprint → what it was (for humans reading the file).
    pub findings: BTreeMap<String, BaselineEntry>,
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub rule: String,
    pub file: String,
    pub resource: String,
    pub message: String,
}

impl Baseline {
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let findings = findings
            .iter()
            .filter(|f| {
                f.suppression.as_ref().is_none_or(|s| {
                    s.kind == SuppressionKind::External && s.origin.starts_with("baseline")
                })
            })
            .map(|f| {
                (
                    f.fingerprint.clone(),
                    BaselineEntry {
                        rule: f.rule.id.clone(),
                        file: f.file.path.clone(),
                        resource: f.resource.clone(),
                        message: f.message.clone(),
                    },
                )
            })
            .collect();
        Baseline {
            version: 1,
            findings,
            source: String::new(),
        }
    }

    pub fn load(path: &std::path::Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
        let mut b: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}:{}: invalid baseline: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if b.version != 1 {
            return Err(format!(
                "{}: baseline version {} is not supported (expected 1)",
                path.display(),
                b.version
            ));
        }
        b.source = path.display().to_string();
        Ok(b)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A per-path ignore from the configuration: (glob anchored to an absolute directory, rule
/// selectors, reason).
pub type PathIgnore = (String, Vec<String>, String);

/// Applies every suppression source to the run's findings; returns how many baseline entries
/// matched no finding (fixed since the baseline was recorded).
pub fn apply(
    findings: &mut [Finding],
    problems: &mut Vec<Problem>,
    path_ignores: &[PathIgnore],
    baseline: Option<&Baseline>,
    rules: &[Arc<Rule>],
) -> usize {
    let active: BTreeSet<String> = rules
        .iter()
        .flat_map(|r| [r.id.clone(), r.name.clone()])
        .collect();
    let today = today();
    // Inline comments, file by file (findings are sorted by file).
    let mut by_file: BTreeMap<String, Vec<&mut Finding>> = BTreeMap::new();
    let mut files: BTreeMap<String, Arc<SourceFile>> = BTreeMap::new();
    for f in findings.iter_mut() {
        files
            .entry(f.file.path.clone())
            .or_insert_with(|| f.file.clone());
        by_file.entry(f.file.path.clone()).or_default().push(f);
    }
    for (path, mut fs) in by_file {
        if let Some(file) = files.get(&path) {
            problems.extend(apply_inline(file, &mut fs, &active, &today));
        }
    }
    // Per-path ignores from the configuration.
    let cwd = std::env::current_dir().unwrap_or_default();
    for (glob, selectors, reason) in path_ignores {
        let Ok(g) = globset::Glob::new(glob) else {
            continue;
        };
        let m = g.compile_matcher();
        for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
            let abs = f
                .file
                .fs_path
                .as_deref()
                .map(|p| crate::input::discover::normalize(p, &cwd));
            let hit = m.is_match(&f.file.path) || abs.is_some_and(|a| m.is_match(a));
            if hit && selectors.iter().any(|s| f.rule.matches_selector(s)) {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::External,
                    justification: reason.clone(),
                    origin: "configuration (per-path-ignores)".into(),
                });
            }
        }
    }
    // The baseline.
    let mut fixed = 0;
    if let Some(b) = baseline {
        let mut matched = BTreeSet::new();
        for f in findings.iter_mut() {
            if b.findings.contains_key(&f.fingerprint) {
                matched.insert(f.fingerprint.clone());
                if f.suppression.is_none() {
                    f.suppression = Some(Suppression {
                        kind: SuppressionKind::External,
                        justification: format!("recorded in the baseline {}", b.source),
                        origin: format!("baseline {}", b.source),
                    });
                }
            }
        }
        fixed = b.findings.keys().filter(|k| !matched.contains(*k)).count();
    }
    fixed
}

/// Files that hold an inline directive but no finding: their directives suppress nothing.
pub fn unused_in_clean_files(files: &[Arc<SourceFile>], rules: &[Arc<Rule>]) -> Vec<Problem> {
    let active: BTreeSet<String> = rules
        .iter()
        .flat_map(|r| [r.id.clone(), r.name.clone()])
        .collect();
    let today = today();
    let mut out = Vec::new();
    for file in files {
        out.extend(apply_inline(file, &mut [], &active, &today));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        let f = SourceFile::new("a.yaml".into(), None, "# runeguard:ignore K8S-001 -- trusted agent\napiVersion: v1\nkind: Pod\n---\nx: 1 # runeguard:ignore K8S-002,K8S-003 until=2030-01-01 -- later\n".into());
        let d = directives(&f);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].document, Some((1, 3)));
        assert_eq!(d[0].reason.as_deref(), Some("trusted agent"));
        assert_eq!(d[1].rules, vec!["K8S-002", "K8S-003"]);
        assert_eq!(d[1].until.as_deref(), Some("2030-01-01"));
        assert!(!d[1].own_line);
    }

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

    #[test]
    fn today_is_a_date() {
        assert!(valid_date(&today()));
    }
}
