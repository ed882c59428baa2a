//! The compliance view: which controls of each framework the active rules cover, and which of
//! those fail (an unsuppressed finding of a rule mapped to the control) or pass.
//!
//! Control catalogs (id → title) are the files under `policies/frameworks/`, embedded in the
//! binary at build time: `<framework>.tsv` for the NIST frameworks, generated from NIST's own
//! OSCAL catalogs and baselines by `scripts/gen-controls.py`, and `<framework>.yaml` (written by
//! hand) for the others. A framework whose catalog is missing or unreadable is still
//! summarised from the rules' mappings alone; only the "controls in catalog" figures are unknown.

use crate::finding::Finding;
use crate::input::yaml::{Schema, parse_stream, resolve};
use crate::rule::{Framework, Rule};
use crate::source::span::LineIndex;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

/// One control of a framework catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    /// The id in NIST's OSCAL catalog (`ac-6.10` for `AC-6(10)`), for the NIST frameworks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oscal_id: Option<String>,
    /// The group the control belongs to: (`AC`, `Access Control`) for an SP 800-53 family,
    /// (`PR.AA`, its title) for a CSF 2.0 category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<(String, String)>,
    /// The SP 800-53 baselines that select the control.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baselines: Vec<Profile>,
}

/// A withdrawn control of a catalog, with where its content went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawn {
    pub id: String,
    pub title: String,
    /// e.g. `incorporated into AC-2, AU-6`.
    pub note: String,
}

/// A framework's control catalog, as read from `policies/frameworks/<id>.tsv` or `.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    pub framework: Framework,
    pub title: String,
    pub source: Option<String>,
    /// Active controls, in catalog order.
    pub controls: Vec<Control>,
    /// Withdrawn controls (the generated NIST tables list them), in catalog order.
    pub withdrawn: Vec<Withdrawn>,
    /// The NIST catalog it was generated from (title, version, OSCAL version, uuid).
    pub catalog: Option<String>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn withdrawn(&self, id: &str) -> Option<&Withdrawn> {
        self.withdrawn.iter().find(|w| w.id == id)
    }
}

/// An SP 800-53 rev5 security control baseline (NIST SP 800-53B), for `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Low,
    Moderate,
    High,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Low, Profile::Moderate, Profile::High];

    /// The `--profile` spelling.
    pub fn id(self) -> &'static str {
        match self {
            Profile::Low => "nist-800-53-low",
            Profile::Moderate => "nist-800-53-moderate",
            Profile::High => "nist-800-53-high",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Profile::Low => "NIST SP 800-53 rev5 LOW baseline",
            Profile::Moderate => "NIST SP 800-53 rev5 MODERATE baseline",
            Profile::High => "NIST SP 800-53 rev5 HIGH baseline",
        }
    }

    fn letter(self) -> char {
        match self {
            Profile::Low => 'L',
            Profile::Moderate => 'M',
            Profile::High => 'H',
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Profile::ALL
            .into_iter()
            .find(|p| p.id() == s || p.id().trim_start_matches("nist-800-53-") == s)
            .ok_or_else(|| {
                format!(
                    "unknown profile {s:?} (expected nist-800-53-low, nist-800-53-moderate or nist-800-53-high)"
                )
            })
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

/// The embedded path of a framework's hand-written catalog.
pub fn catalog_path(framework: Framework) -> String {
    format!("policies/frameworks/{}.yaml", framework.id())
}

/// The embedded path of a framework's generated table (the NIST frameworks).
pub fn table_path(framework: Framework) -> String {
    format!("policies/frameworks/{}.tsv", framework.id())
}

/// Parses a table written by `scripts/gen-controls.py`: `# key: value` header lines, a column
/// header row, then one tab-separated row per control. The columns are named by the header row;
/// `id`, `title` and `status` are required, `oscal_id`, `family`, `category`,
/// `category_title` and `baselines` are used when present.
pub fn parse_table(path: &str, text: &str) -> Result<Catalog, String> {
    let mut meta: BTreeMap<&str, &str> = BTreeMap::new();
    let mut columns: Option<Vec<&str>> = None;
    let mut controls = Vec::new();
    let mut withdrawn = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = |msg: String| format!("{path}:{}: {msg}", n + 1);
        if let Some(comment) = line.strip_prefix("# ") {
            if let Some((k, v)) = comment.split_once(": ") {
                meta.entry(k.trim()).or_insert(v.trim());
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(cols) = &columns else {
            columns = Some(cells);
            continue;
        };
        if cells.len() != cols.len() {
            return Err(at(format!(
                "{} cells, the header has {}",
                cells.len(),
                cols.len()
            )));
        }
        let get = |name: &str| {
            cols.iter()
                .position(|c| *c == name)
                .map(|i| cells[i])
                .filter(|v| !v.is_empty())
        };
        let (Some(id), Some(title), Some(status)) = (get("id"), get("title"), get("status")) else {
            return Err(at("a row needs an id, a title and a status".into()));
        };
        if let Some(note) = status.strip_prefix("withdrawn") {
            withdrawn.push(Withdrawn {
                id: id.to_string(),
                title: title.to_string(),
                note: note.trim_start_matches(':').trim().to_string(),
            });
            continue;
        }
        if status != "active" {
            return Err(at(format!("unknown status {status:?}")));
        }
        let group = match (get("family"), get("category"), get("category_title")) {
            (Some(family), _, _) => Some((
                id.split_once('-').map_or(id, |(f, _)| f).to_string(),
                family.to_string(),
            )),
            (None, Some(cat), Some(title)) => Some((cat.to_string(), title.to_string())),
            _ => None,
        };
        let baselines = get("baselines").unwrap_or_default();
        controls.push(Control {
            id: id.to_string(),
            title: title.to_string(),
            oscal_id: get("oscal_id").map(str::to_string),
            group,
            baselines: Profile::ALL
                .into_iter()
                .filter(|p| baselines.contains(p.letter()))
                .collect(),
        });
    }
    if columns.is_none() {
        return Err(format!("{path}: no header row"));
    }
    let framework = meta
        .get("framework")
        .ok_or_else(|| format!("{path}: no `# framework:` line"))?;
    let framework = Framework::parse(framework)
        .ok_or_else(|| format!("{path}: unknown framework {framework:?}"))?;
    Ok(Catalog {
        framework,
        title: meta
            .get("title")
            .map_or_else(|| framework.title().to_string(), |t| t.to_string()),
        source: meta.get("source").map(|s| s.to_string()),
        controls,
        withdrawn,
        catalog: meta.get("catalog").map(|s| s.to_string()),
    })
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
        withdrawn: Vec::new(),
        catalog: None,
    })
}

/// The embedded catalog of a framework: `Ok(None)` when no catalog file is embedded.
pub fn load_catalog(framework: Framework) -> Result<Option<Catalog>, String> {
    let table = table_path(framework);
    let path = catalog_path(framework);
    let parsed = match crate::embedded::get(&table) {
        Some(text) => Some(parse_table(&table, text)),
        None => crate::embedded::get(&path).map(|text| parse_catalog(&path, text)),
    };
    match parsed {
        None => Ok(None),
        Some(catalog) => {
            let catalog = catalog?;
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

/// The title of a control in the embedded catalogs.
pub fn control_title(framework: Framework, id: &str) -> Option<&'static str> {
    catalogs()
        .get(&framework)
        .and_then(|c| c.get(id))
        .map(|c| c.title.as_str())
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
            match status.get(c.id.as_str()) {
                Some(ControlState::Failing) => cov.failing_controls.push(c.id.clone()),
                Some(ControlState::Passing) => cov.passing_controls.push(c.id.clone()),
                None => cov.not_checked_controls.push(c.id.clone()),
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
    ComplianceSummary {
        frameworks,
        baseline: None,
    }
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

/// A control id with its catalog title: `AC-6(10) Least Privilege | Prohibit …`.
pub fn titled(framework: Framework, id: &str) -> String {
    match control_title(framework, id) {
        Some(t) => format!("{id} {t}"),
        None => id.to_string(),
    }
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
    fn parses_a_generated_table() {
        let text = "# Generated; do not edit.\n# framework: nist-800-53\n# title: NIST SP 800-53 Revision 5\n# source: https://example.org/x\nid\toscal_id\ttitle\tfamily\tbaselines\tstatus\nAC-2\tac-2\tAccount Management\tAccess Control\tLMH\tactive\nAC-2(1)\tac-2.1\tAccount Management | Automated\tAccess Control\tMH\tactive\nAC-13\tac-13\tSupervision\tAccess Control\t\twithdrawn: incorporated into AC-2, AU-6\n";
        let c = parse_table("t.tsv", text).expect("parses");
        assert_eq!(c.framework, Framework::Nist80053);
        assert_eq!(c.controls.len(), 2);
        let e = c.get("AC-2(1)").expect("AC-2(1)");
        assert_eq!(e.oscal_id.as_deref(), Some("ac-2.1"));
        assert_eq!(e.baselines, [Profile::Moderate, Profile::High]);
        assert_eq!(
            e.group,
            Some(("AC".to_string(), "Access Control".to_string()))
        );
        assert!(c.get("AC-13").is_none());
        assert_eq!(
            c.withdrawn("AC-13").map(|w| w.note.as_str()),
            Some("incorporated into AC-2, AU-6")
        );
        let err = parse_table(
            "t.tsv",
            "# framework: nist-800-53\nid\ttitle\tstatus\nAC-1\tx\n",
        )
        .expect_err("a short row");
        assert!(err.starts_with("t.tsv:3: "), "{err}");
        assert!(
            parse_table("t.tsv", "id\ttitle\tstatus\n").is_err(),
            "no framework line"
        );
    }

    #[test]
    fn baseline_coverage_counts_checked_and_not_checked() {
        let table = "# framework: nist-800-53\nid\ttitle\tfamily\tbaselines\tstatus\nAC-1\tPolicy\tAccess Control\tLMH\tactive\nAC-2\tAccounts\tAccess Control\tLMH\tactive\nAC-6\tLeast Privilege\tAccess Control\tMH\tactive\nSC-8\tTransmission\tSystem and Communications Protection\tMH\tactive\n";
        let catalog = parse_table("t.tsv", table).expect("parses");
        let status = |id: &str, status| ControlStatus {
            id: id.into(),
            title: None,
            status,
            rules: vec!["K8S-001".into()],
            findings: 0,
            suppressed: 0,
        };
        let nist = FrameworkSummary {
            framework: Framework::Nist80053,
            title: "x".into(),
            catalog_controls: Some(4),
            covered: 2,
            failing: 1,
            passing: 1,
            not_covered: Some(2),
            uncataloged: Vec::new(),
            controls: vec![
                status("AC-6", ControlState::Failing),
                status("SC-8", ControlState::Passing),
            ],
        };
        let low = BaselineCoverage::compute(Profile::Low, Some(&nist), &catalog);
        assert_eq!((low.controls, low.checked, low.not_checked), (2, 0, 2));
        assert_eq!(low.outside_baseline, ["AC-6", "SC-8"]);
        let moderate = BaselineCoverage::compute(Profile::Moderate, Some(&nist), &catalog);
        assert_eq!(
            (
                moderate.controls,
                moderate.failing,
                moderate.passing,
                moderate.not_checked
            ),
            (4, 1, 1, 2)
        );
        assert_eq!(moderate.not_checked_controls, ["AC-1", "AC-2"]);
        assert!(moderate.outside_baseline.is_empty());
        assert_eq!(Profile::parse("moderate"), Ok(Profile::Moderate));
        assert!(Profile::parse("nist-800-53-extreme").is_err());
    }

    #[test]
    fn the_embedded_nist_tables_load() {
        let c = &catalogs()[&Framework::Nist80053];
        assert_eq!(c.controls.len(), 1007);
        assert_eq!(c.withdrawn.len(), 182);
        for (p, n) in [
            (Profile::Low, 149),
            (Profile::Moderate, 287),
            (Profile::High, 370),
        ] {
            assert_eq!(
                c.controls
                    .iter()
                    .filter(|x| x.baselines.contains(&p))
                    .count(),
                n,
                "{p:?}"
            );
        }
        let csf = &catalogs()[&Framework::NistCsf2];
        assert_eq!((csf.controls.len(), csf.withdrawn.len()), (106, 79));
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
