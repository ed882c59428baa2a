//! The baseline: fingerprints of findings accepted at some point (`runeguard baseline`);
//! findings matching one are suppressed as `external`.

use crate::finding::{Finding, Suppression, SuppressionKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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

    /// Suppresses the findings the baseline holds; returns how many of its entries matched no
    /// finding (fixed since it was recorded).
    pub(super) fn apply(&self, findings: &mut [Finding]) -> usize {
        let mut matched = BTreeSet::new();
        for f in findings.iter_mut() {
            if self.findings.contains_key(&f.fingerprint) {
                matched.insert(f.fingerprint.clone());
                if f.suppression.is_none() {
                    f.suppression = Some(Suppression {
                        kind: SuppressionKind::External,
                        justification: format!("recorded in the baseline {}", self.source),
                        origin: format!("baseline {}", self.source),
                    });
                }
            }
        }
        self.findings
            .keys()
            .filter(|k| !matched.contains(*k))
            .count()
    }
}
