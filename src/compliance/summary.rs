//! The compliance summary of a run: per framework, the controls its active rules cover and
//! whether each fails or passes; with `--profile`, the coverage of an SP 800-53 baseline.

use super::{Catalog, Profile, catalogs, natural_cmp};
use crate::finding::Finding;
use crate::rule::{Framework, Rule};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

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
    /// Coverage of an SP 800-53 baseline, with `--profile`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineCoverage>,
}

/// How much of an SP 800-53 baseline (`--profile`) the run checked automatically.
///
/// A baseline control is *checked* when an active rule cites it; it then *fails* when one of
/// those rules has an unsuppressed finding and *passes* otherwise. The other controls of the
/// baseline are *not checked*: outside what a static check of configuration files can show
/// (process, people, physical and run-time controls), or not yet covered by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineCoverage {
    pub profile: &'static str,
    pub title: &'static str,
    /// Controls and enhancements the baseline selects.
    pub controls: usize,
    pub checked: usize,
    pub failing: usize,
    pub passing: usize,
    pub not_checked: usize,
    pub failing_controls: Vec<String>,
    pub passing_controls: Vec<String>,
    pub not_checked_controls: Vec<String>,
    /// Controls cited by active rules that the baseline does not select.
    pub outside_baseline: Vec<String>,
}

impl BaselineCoverage {
    /// The coverage of `profile` given the SP 800-53 figures of a run and the catalog.
    pub fn compute(
        profile: Profile,
        nist: Option<&FrameworkSummary>,
        catalog: &Catalog,
    ) -> BaselineCoverage {
        let status: BTreeMap<&str, ControlState> = nist
            .map(|s| {
                s.controls
                    .iter()
                    .map(|c| (c.id.as_str(), c.status))
                    .collect()
            })
            .unwrap_or_default();
        let mut cov = BaselineCoverage {
            profile: profile.id(),
            title: profile.title(),
            controls: 0,
            checked: 0,
            failing: 0,
            passing: 0,
            not_checked: 0,
            failing_controls: Vec::new(),
            passing_controls: Vec::new(),
            not_checked_controls: Vec::new(),
            outside_baseline: Vec::new(),
        };
        for c in catalog
            .controls
            .iter()
            .filter(|c| c.baselines.contains(&profile))
        {
            cov.controls += 1;
            match status.get(c.id) {
                Some(ControlState::Failing) => cov.failing_controls.push(c.id.to_string()),
                Some(ControlState::Passing) => cov.passing_controls.push(c.id.to_string()),
                None => cov.not_checked_controls.push(c.id.to_string()),
            }
        }
        cov.outside_baseline = status
            .keys()
            .filter(|id| {
                catalog
                    .get(id)
                    .is_none_or(|c| !c.baselines.contains(&profile))
            })
            .map(|id| id.to_string())
            .collect();
        cov.outside_baseline.sort_by(|a, b| natural_cmp(a, b));
        cov.failing = cov.failing_controls.len();
        cov.passing = cov.passing_controls.len();
        cov.checked = cov.failing + cov.passing;
        cov.not_checked = cov.not_checked_controls.len();
        cov
    }
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
        self.frameworks.is_empty() && self.baseline.is_none()
    }

    /// Adds the coverage of an SP 800-53 baseline (`--profile`), from the embedded catalog.
    pub fn with_profile(mut self, profile: Option<Profile>) -> Self {
        self.baseline = profile.and_then(|p| {
            let catalog = catalogs().get(&Framework::Nist80053)?;
            let nist = self
                .frameworks
                .iter()
                .find(|f| f.framework == Framework::Nist80053);
            Some(BaselineCoverage::compute(p, nist, catalog))
        });
        self
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
        let covered = rules_by_control(rules.iter().map(|r| r.as_ref()), framework);
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
                    title: catalog.and_then(|c| c.get(id)).map(|c| c.title.to_string()),
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
            title: catalog.map_or(framework.title(), |c| c.title).to_string(),
            catalog_controls: catalog.map(|c| c.controls.len()),
            covered: controls.len(),
            failing,
            passing: controls.len() - failing,
            not_covered: catalog.map(|c| c.controls.len().saturating_sub(covered_in_catalog)),
            uncataloged,
            controls,
        });
    }
    ComplianceSummary {
        frameworks,
        baseline: None,
    }
}

/// The controls of `framework` that some of `rules` cite, each with the ids of the rules that
/// cite it.
pub fn rules_by_control<'a>(
    rules: impl IntoIterator<Item = &'a Rule>,
    framework: Framework,
) -> BTreeMap<&'a str, BTreeSet<&'a str>> {
    let mut covered: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for rule in rules {
        for control in rule.controls.get(&framework).into_iter().flatten() {
            covered
                .entry(control.as_str())
                .or_default()
                .insert(rule.id.as_str());
        }
    }
    covered
}
