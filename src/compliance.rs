//! The compliance view: which controls of each framework the active rules cover, and which of
//! those fail (an unsuppressed finding of a rule mapped to the control) or pass.
//!
//! Control catalogs (id → title) are the YAML files under `policies/frameworks/`, embedded in
//! the binary at build time. A framework whose catalog is missing or unreadable is still
//! summarised from the rules' mappings alone; only the "controls in catalog" figures are unknown.

use crate::finding::Finding;
use crate::input::span::LineIndex;
use crate::input::yaml::{Schema, parse_stream, resolve};
use crate::rule::{Framework, Rule};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

/// One control of a framework catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    pub id: String,
    pub title: String,
}

/// A framework's control catalog, as read from `policies/frameworks/<id>.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    pub framework: Framework,
    pub title: String,
    pub source: Option<String>,
    pub controls: Vec<Control>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }
}

#[derive(Deserialize)]
struct CatalogFile {
    framework: String,
    title: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    controls: Vec<Control>,
}

/// The embedded path of a framework's catalog.
pub fn catalog_path(framework: Framework) -> String {
    format!("policies/frameworks/{}.yaml", framework.id())
}

/// Parses a catalog file. `path` is used in error messages only.
pub fn parse_catalog(path: &str, text: &str) -> Result<Catalog, String> {
    let lines = LineIndex::new(text);
    let (docs, error) = parse_stream(text, &lines);
    if let Some(e) = error {
        return Err(format!(
            "{path}:{}:{}: {}",
            e.pos.line, e.pos.column, e.message
        ));
    }
    let doc = match docs.as_slice() {
        [doc] => doc,
        [] => return Err(format!("{path}: the catalog is empty")),
        _ => {
            return Err(format!(
                "{path}: expected one YAML document, found {}",
                docs.len()
            ));
        }
    };
    let (value, _, issues) = resolve(&doc.root, Schema::Core, text, &lines)
        .map_err(|e| format!("{path}:{}:{}: {}", e.pos.line, e.pos.column, e.message))?;
    if let Some(issue) = issues.first() {
        return Err(format!(
            "{path}:{}:{}: {}",
            issue.pos.line, issue.pos.column, issue.message
        ));
    }
    let file: CatalogFile = serde_json::from_value(value).map_err(|e| format!("{path}: {e}"))?;
    let framework = Framework::parse(&file.framework)
        .ok_or_else(|| format!("{path}: unknown framework {:?}", file.framework))?;
    Ok(Catalog {
        framework,
        title: file.title,
        source: file.source,
        controls: file.controls,
    })
}

/// The embedded catalog of a framework: `Ok(None)` when no catalog file is embedded.
pub fn load_catalog(framework: Framework) -> Result<Option<Catalog>, String> {
    let path = catalog_path(framework);
    match crate::policy::embedded::get(&path) {
        None => Ok(None),
        Some(text) => {
            let catalog = parse_catalog(&path, text)?;
            if catalog.framework != framework {
                return Err(format!(
                    "{path}: declares framework {}",
                    catalog.framework.id()
                ));
            }
            Ok(Some(catalog))
        }
    }
}

/// Every embedded catalog that loads, parsed once per process.
pub fn catalogs() -> &'static BTreeMap<Framework, Catalog> {
    static CATALOGS: OnceLock<BTreeMap<Framework, Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        Framework::ALL
            .into_iter()
            .filter_map(|f| load_catalog(f).ok().flatten().map(|c| (f, c)))
            .collect()
    })
}

/// Whether a covered control has an unsuppressed finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ControlState {
    Failing,
    Passing,
}

/// One control covered by at least one active rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlStatus {
    pub id: String,
    /// The catalog title, when the catalog lists the control.
    pub title: Option<String>,
    pub status: ControlState,
    /// Active rules mapped to the control, sorted by id.
    pub rules: Vec<String>,
    /// Unsuppressed findings of those rules.
    pub findings: usize,
    /// Suppressed findings of those rules.
    pub suppressed: usize,
}

/// The compliance figures of one framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkSummary {
    pub framework: Framework,
    pub title: String,
    /// Controls listed in the catalog (None when the catalog is missing).
    pub catalog_controls: Option<usize>,
    /// Controls that at least one active rule maps to.
    pub covered: usize,
    pub failing: usize,
    pub passing: usize,
    /// Catalog controls that no active rule maps to (None when the catalog is missing).
    pub not_covered: Option<usize>,
    /// Covered control ids that the catalog does not list (a mapping the catalog lacks).
    pub uncataloged: Vec<String>,
    /// The covered controls, in natural id order.
    pub controls: Vec<ControlStatus>,
}

/// The compliance summary of a run: one entry per framework that an active rule maps to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ComplianceSummary {
    pub frameworks: Vec<FrameworkSummary>,
}

impl ComplianceSummary {
    /// Keeps only the given frameworks (for `--framework`); an empty list keeps all.
    pub fn only(mut self, frameworks: &[Framework]) -> Self {
        if !frameworks.is_empty() {
            self.frameworks
                .retain(|s| frameworks.contains(&s.framework));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.frameworks.is_empty()
    }
}

/// Computes the summary from the run's active rules and its findings, with the embedded catalogs.
pub fn summarize(rules: &[Arc<Rule>], findings: &[Finding]) -> ComplianceSummary {
    summarize_with(rules, findings, catalogs())
}

/// Computes the summary against the given catalogs (tests pass their own).
pub fn summarize_with(
    rules: &[Arc<Rule>],
    findings: &[Finding],
    catalogs: &BTreeMap<Framework, Catalog>,
) -> ComplianceSummary {
    // (active, suppressed) finding counts per rule id.
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in findings {
        let entry = counts.entry(f.rule.id.as_str()).or_default();
        if f.is_suppressed() {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }
    let mut frameworks = Vec::new();
    for framework in Framework::ALL {
        // control id → rule ids
        let mut covered: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for rule in rules {
            for control in rule.controls.get(&framework).into_iter().flatten() {
                covered
                    .entry(control.as_str())
                    .or_default()
                    .insert(rule.id.as_str());
            }
        }
        if covered.is_empty() {
            continue;
        }
        let catalog = catalogs.get(&framework);
        let mut controls: Vec<ControlStatus> = covered
            .into_iter()
            .map(|(id, rule_ids)| {
                let (active, suppressed) = rule_ids.iter().fold((0, 0), |(a, s), r| {
                    let (ra, rs) = counts.get(r).copied().unwrap_or_default();
                    (a + ra, s + rs)
                });
                ControlStatus {
                    id: id.to_string(),
                    title: catalog.and_then(|c| c.get(id)).map(|c| c.title.clone()),
                    status: if active > 0 {
                        ControlState::Failing
                    } else {
                        ControlState::Passing
                    },
                    rules: rule_ids.into_iter().map(str::to_string).collect(),
                    findings: active,
                    suppressed,
                }
            })
            .collect();
        controls.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        let failing = controls
            .iter()
            .filter(|c| c.status == ControlState::Failing)
            .count();
        let covered_in_catalog = controls.iter().filter(|c| c.title.is_some()).count();
        let uncataloged = match catalog {
            Some(_) => controls
                .iter()
                .filter(|c| c.title.is_none())
                .map(|c| c.id.clone())
                .collect(),
            None => Vec::new(),
        };
        frameworks.push(FrameworkSummary {
            framework,
            title: catalog
                .map(|c| c.title.clone())
                .unwrap_or_else(|| framework.title().to_string()),
            catalog_controls: catalog.map(|c| c.controls.len()),
            covered: controls.len(),
            failing,
            passing: controls.len() - failing,
            not_covered: catalog.map(|c| c.controls.len().saturating_sub(covered_in_catalog)),
            uncataloged,
            controls,
        });
    }
    ComplianceSummary { frameworks }
}

/// Orders control ids the way catalogs list them: digit runs compare as numbers, so
/// `AC-2 < AC-6 < AC-6(5) < AC-6(10) < AC-17` and `CC6.1 < CC6.10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digit = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digit.is_some_and(|prev| prev != d) {
                out.push((digit == Some(true), &s[start..i]));
                start = i;
            }
            digit = Some(d);
        }
        if start < s.len() {
            out.push((digit == Some(true), &s[start..]));
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(rb.iter()) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (tx, ty) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                tx.len()
                    .cmp(&ty.len())
                    .then_with(|| tx.cmp(ty))
                    .then_with(|| x.len().cmp(&y.len()))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    ra.len().cmp(&rb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_of_control_ids() {
        let mut ids = vec![
            "AC-17", "AC-6(10)", "AC-6", "AC-6(5)", "AC-2", "CC6.10", "CC6.1", "PR.AA-05",
            "PR.AA-01",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "AC-2", "AC-6", "AC-6(5)", "AC-6(10)", "AC-17", "CC6.1", "CC6.10", "PR.AA-01",
                "PR.AA-05"
            ]
        );
    }

    #[test]
    fn parses_a_catalog() {
        let text = "framework: zero-trust\ntitle: Zero trust\ncontrols:\n  - id: ZT-1\n    title: All data sources are resources\n";
        let c = parse_catalog("zt.yaml", text).expect("parses");
        assert_eq!(c.framework, Framework::ZeroTrust);
        assert_eq!(c.controls.len(), 1);
        assert_eq!(
            c.get("ZT-1").map(|c| c.title.as_str()),
            Some("All data sources are resources")
        );
        assert!(parse_catalog("x.yaml", "framework: nope\ntitle: x\ncontrols: []\n").is_err());
        assert!(parse_catalog("x.yaml", "framework: [\n").is_err());
    }
}
