//! Inline comments: `# runeguard:ignore RULE[,RULE] [until=YYYY-MM-DD] -- reason` (`--` in
//! SQL; a block comment `/* … */` in SQL, and a Go template comment `{{/* … */}}` or `{{- /*
//! … */ -}}` in a Helm template, which renders nothing). A comment covers its own line; alone on its line, the next line too; heading a
//! document (only comments and blank lines between it and the document's first node), the
//! whole document. Documents are the loader's, by their spans, never re-found from the text.

use super::rule_matches;
use crate::finding::{Finding, Suppression, SuppressionKind};
use crate::source::span::Pos;
use crate::source::{Problem, SourceFile};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub(super) const MARKER: &str = "runeguard:ignore";

/// The lines (first, last; 1-based) of each document of a file, by file path: what the loader
/// made of a file, or for a template, values or patch file, the lines of it that each rendered
/// document came from.
pub type DocumentLines = HashMap<String, Vec<(u32, u32)>>;

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

/// Finds the comment that starts a `runeguard:ignore` on a line, for YAML/TOML (`#`), SQL
/// (`--`, `/* */`) and Helm templates (`{{/* */}}`): where the comment starts, and the text
/// after the marker (a block comment's without its closing `*/`, `*/}}` or `*/ -}}`).
fn directive_in_line(line: &str) -> Option<(usize, &str)> {
    let idx = line.find(MARKER)?;
    let before = line[..idx].trim_end();
    let rest = &line[idx + MARKER.len()..];
    if let Some(opening) = before.strip_suffix("/*") {
        // A Go template comment opens with `{{/*` or `{{- /*`.
        let action = opening.trim_end();
        let start = action
            .strip_suffix("{{-")
            .or_else(|| action.strip_suffix("{{"))
            .map_or(opening.len(), str::len);
        let rest = rest.find("*/").map_or(rest, |end| &rest[..end]);
        return Some((start, rest));
    }
    let comment_start = if before.ends_with('#') {
        before.len() - 1
    } else if before.ends_with("--") {
        before.len() - 2
    } else {
        return None;
    };
    Some((comment_start, rest))
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim();
    let block = |t: &str| {
        let t = t
            .strip_prefix("{{-")
            .or_else(|| t.strip_prefix("{{"))
            .unwrap_or(t)
            .trim_start();
        t.starts_with("/*") && (t.ends_with("*/") || t.ends_with("}}"))
    };
    t.is_empty() || t.starts_with('#') || (t.starts_with("--") && !t.starts_with("---")) || block(t)
}

/// The document a comment alone on line `line` heads: the first document starting after it,
/// when only comments and blank lines lie between (a `---` does not).
fn headed_document(lines: &[&str], line: u32, documents: &[(u32, u32)]) -> Option<(u32, u32)> {
    // A file checked as itself and as the base of an overlay has its lines listed twice: of
    // the documents starting on one line, the whole one counts.
    let (first, last) = documents
        .iter()
        .filter(|(first, _)| *first > line)
        .min_by_key(|(first, last)| (*first, std::cmp::Reverse(*last)))?;
    let between = lines.get(line as usize..(*first as usize).saturating_sub(1))?;
    between
        .iter()
        .all(|l| is_comment_or_blank(l))
        .then_some((line, *last))
}

/// Parses every directive of a file whose documents span `documents`.
pub fn directives(file: &SourceFile, documents: &[(u32, u32)]) -> Vec<Directive> {
    if !file.text.contains(MARKER) {
        return Vec::new();
    }
    let lines: Vec<&str> = file.text.lines().collect();
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
        let line_no = i as u32 + 1;
        out.push(Directive {
            line: line_no,
            column: col as u32 + 1,
            rules,
            reason,
            until,
            own_line,
            document: if own_line {
                headed_document(&lines, line_no, documents)
            } else {
                None
            },
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

/// Applies the inline comments of one file to the findings at its lines (`at`: an index
/// into `findings` and a line of this file); returns notes about the directives themselves
/// (no reason, expired, unused).
pub(super) fn apply(
    file: &Arc<SourceFile>,
    documents: &[(u32, u32)],
    findings: &mut [Finding],
    at: &[(usize, u32)],
    active: &BTreeSet<String>,
    today: &str,
) -> Vec<Problem> {
    let mut notes = Vec::new();
    for d in directives(file, documents) {
        let pos = Some(Pos {
            line: d.line,
            column: d.column,
        });
        let rules = d.rules.join(",");
        let mut note = |message: String| notes.push(Problem::note(&file.path, pos, message));
        if d.rules.is_empty() {
            note(
                "runeguard:ignore names no rule; write `runeguard:ignore RULE-ID -- reason`".into(),
            );
            continue;
        }
        if let Some(until) = &d.until {
            if !valid_date(until) {
                note(format!(
                    "runeguard:ignore has an invalid date {until:?} (expected until=YYYY-MM-DD); it is ignored"
                ));
                continue;
            }
            if until.as_str() < today {
                note(format!(
                    "runeguard:ignore {rules} expired on {until}; it no longer suppresses anything"
                ));
                continue;
            }
        }
        let Some(reason) = d.reason.clone() else {
            note(format!(
                "runeguard:ignore {rules} has no reason; add `-- why it is acceptable` (it is not applied without one)"
            ));
            continue;
        };
        let mut used = false;
        for &(i, line) in at {
            let f = &mut findings[i];
            if f.suppression.is_some() || !d.rules.iter().any(|s| rule_matches(&f.rule, s)) {
                continue;
            }
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
            note(format!(
                "runeguard:ignore {rules} suppresses nothing; remove it"
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        let f = SourceFile::new("a.yaml".into(), None, "# runeguard:ignore K8S-001 -- trusted agent\napiVersion: v1\nkind: Pod\n---\nx: 1 # runeguard:ignore K8S-002,K8S-003 until=2030-01-01 -- later\n".into());
        let d = directives(&f, &[(2, 3), (5, 5)]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].document, Some((1, 3)));
        assert_eq!(d[0].reason.as_deref(), Some("trusted agent"));
        assert_eq!(d[1].rules, vec!["K8S-002", "K8S-003"]);
        assert_eq!(d[1].until.as_deref(), Some("2030-01-01"));
        assert!(!d[1].own_line);
    }

    #[test]
    fn a_comment_heads_the_document_that_follows_it_only() {
        let text = "a: 1\n# runeguard:ignore K8S-001 -- r\n---\nkind: Pod\n---\n# runeguard:ignore K8S-002 -- r\n\nkind: Job\nspec: {}\n";
        let f = SourceFile::new("a.yaml".into(), None, text.into());
        let d = directives(&f, &[(1, 1), (4, 4), (8, 9)]);
        // A comment after a document's last node, before `---`, heads nothing.
        assert_eq!(d[0].document, None);
        assert_eq!(d[1].document, Some((6, 9)));
        // A `---` line between a comment and a document keeps it from heading the document.
        let sql = "-- runeguard:ignore PG-001 -- r\n---\nCREATE TABLE t (id int);\n";
        let f = SourceFile::new("a.sql".into(), None, sql.into());
        assert_eq!(directives(&f, &[(3, 3)])[0].document, None);
    }

    #[test]
    fn block_and_template_comments_hold_directives() {
        let text = "spec:\n  {{- /* runeguard:ignore K8S-008 -- host network */}}\n  hostNetwork: true\n  hostPID: true {{/* runeguard:ignore K8S-009 until=2030-01-01 -- later */}}\n";
        let f = SourceFile::new("t.yaml".into(), None, text.into());
        let d = directives(&f, &[]);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].column, d[0].own_line), (2, 3, true));
        assert_eq!(d[0].rules, ["K8S-008"]);
        assert_eq!(d[0].reason.as_deref(), Some("host network"));
        assert_eq!((d[1].line, d[1].own_line), (4, false));
        assert_eq!(d[1].reason.as_deref(), Some("later"));
        assert_eq!(d[1].until.as_deref(), Some("2030-01-01"));
        let sql = "CREATE TABLE t (id int); /* runeguard:ignore PG-001 -- legacy */\n";
        let f = SourceFile::new("a.sql".into(), None, sql.into());
        let d = directives(&f, &[]);
        assert_eq!((d[0].column, d[0].reason.as_deref()), (26, Some("legacy")));
    }

    #[test]
    fn today_is_a_date() {
        assert!(valid_date(&today()));
    }
}
