//! OSCAL 1.2.1 JSON: the assessment results of a run (`check --format oscal`) and the component
//! definition of the rule set (`rules --format oscal`).
//!
//! Assessment results: one `result` for the run; one observation per rule, file, resource and
//! state (found or suppressed) with each finding's location as relevant evidence, and one per
//! rule that found nothing; one finding per SP 800-53 control the active rules cover, whose
//! target is the control's assessment objective (`ac-6.10_obj`), `satisfied` or
//! `not-satisfied`, with its related observations. Suppressed findings stay as observations with
//! their justification. Every UUID is a version 5 UUID of the content it names, and the time is
//! the one the user gave (or a fixed one), so the same inputs give the same file.

use super::{Evidence, RunReport};
use crate::compliance::{Catalog, ComplianceSummary, ControlState, catalogs};
use crate::finding::Finding;
use crate::rule::{Framework, Rule};
use crate::source::ProblemLevel;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// The OSCAL version of the schemas the output is validated against.
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of runeguard's own OSCAL properties.
pub const NS: &str = "https://github.com/runeguard/runeguard/ns/oscal";

/// NIST's SP 800-53 rev5 catalog, which control ids and objective ids refer to.
pub const SP800_53_CATALOG: &str = "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json";
/// NIST's CSF 2.0 catalog.
pub const CSF_CATALOG: &str = "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/CSF/v2.0/json/NIST_CSF_v2.0_catalog.json";

/// A version 5 UUID of `parts`, in runeguard's namespace.
fn uuid_of(parts: &[&str]) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes());
    Uuid::new_v5(&namespace, parts.join("\u{0}").as_bytes()).to_string()
}

fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({"name": name, "ns": NS, "value": value.into()})
}

/// A relative URI reference for a path: unreserved characters and `/` kept, the rest escaped.
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The OSCAL id of an SP 800-53 control: the catalog's (`ac-6.10`), or derived from the label.
fn oscal_control_id(catalog: Option<&Catalog>, id: &str) -> String {
    catalog
        .and_then(|c| c.get(id))
        .and_then(|c| c.oscal_id.clone())
        .unwrap_or_else(|| id.to_ascii_lowercase().replace('(', ".").replace(')', ""))
}

fn tool_component(report: &RunReport, tool_uuid: &str) -> Value {
    json!({
        "uuid": tool_uuid,
        "type": "software",
        "title": "runeguard",
        "description": "runeguard, a policy-as-code compliance linter: Rego rules over Kubernetes and Istio manifests, PostgreSQL DDL and service configuration.",
        "props": [prop("version", report.version.clone())],
        "status": {"state": "operational"}
    })
}

/// Groups findings into observations: (rule, file, resource, suppressed) → findings.
type ObservationKey<'a> = (&'a str, &'a str, &'a str, bool);

/// A rule's observation UUIDs: of unsuppressed findings, of suppressed ones, of a clean pass.
type RuleObservations = (Vec<String>, Vec<String>, Vec<String>);

/// The assessment results of a run.
pub fn render(report: &RunReport, summary: &ComplianceSummary, evidence: &Evidence) -> String {
    let time = evidence.time.as_str();
    let tool_uuid = uuid_of(&["tool", "runeguard"]);
    let origins = json!([{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}]);
    let nist_catalog = catalogs().get(&Framework::Nist80053);

    // Subjects: the files, as back-matter resources.
    let mut files: BTreeMap<&str, String> = BTreeMap::new();
    for f in &report.findings {
        files
            .entry(f.file.path.as_str())
            .or_insert_with(|| uuid_of(&["file", &f.file.path]));
    }

    let mut groups: BTreeMap<ObservationKey, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        groups
            .entry((
                f.rule.id.as_str(),
                f.file.path.as_str(),
                f.resource.as_str(),
                f.is_suppressed(),
            ))
            .or_default()
            .push(f);
    }
    let mut observations = Vec::new();
    // rule id → (observations of unsuppressed findings, of suppressed ones, of a clean pass)
    let mut by_rule: BTreeMap<&str, RuleObservations> = BTreeMap::new();
    for ((rule_id, file, resource, suppressed), findings) in &groups {
        let rule = &findings[0].rule;
        let state = if *suppressed { "suppressed" } else { "open" };
        let uuid = uuid_of(&["observation", rule_id, file, resource, state]);
        let entry = by_rule.entry(rule_id).or_default();
        if *suppressed {
            entry.1.push(uuid.clone());
        } else {
            entry.0.push(uuid.clone());
        }
        let what = if resource.is_empty() {
            (*file).to_string()
        } else {
            format!("{resource} in {file}")
        };
        let evidence_list: Vec<Value> = findings
            .iter()
            .map(|f| {
                let mut e = json!({
                    "href": format!("{}#L{}C{}", uri_path(file), f.start().line, f.start().column),
                    "description": format!("{}:{}:{}: {}", file, f.start().line, f.start().column, f.message),
                    "props": [
                        prop("line", f.start().line.to_string()),
                        prop("column", f.start().column.to_string()),
                        prop("fingerprint", f.fingerprint.clone()),
                    ],
                });
                if let Some(s) = &f.suppression {
                    e["remarks"] = json!(format!("Suppressed ({}): {}", s.origin, s.justification));
                }
                e
            })
            .collect();
        let mut props = vec![
            prop("rule-id", rule.id.clone()),
            prop("rule-name", rule.name.clone()),
            prop("severity", findings[0].severity.as_str()),
        ];
        if *suppressed {
            props.push(prop("suppressed", "true"));
        }
        let mut obs = json!({
            "uuid": uuid,
            "title": format!("{} {}: {what}", rule.id, rule.name),
            "description": format!(
                "{} {} of {} ({}) on {what}{}.",
                findings.len(),
                if findings.len() == 1 { "finding" } else { "findings" },
                rule.id,
                rule.title.trim(),
                if *suppressed { ", suppressed" } else { "" }
            ),
            "props": props,
            "methods": ["TEST"],
            "types": ["finding"],
            "origins": origins,
            "subjects": [{
                "subject-uuid": files[file],
                "type": "resource",
                "title": file,
            }],
            "relevant-evidence": evidence_list,
            "collected": time,
        });
        if *suppressed {
            let reasons: Vec<String> = findings
                .iter()
                .filter_map(|f| f.suppression.as_ref())
                .map(|s| s.justification.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            obs["remarks"] = json!(format!("Suppressed: {}", reasons.join("; ")));
        }
        observations.push(obs);
    }
    // Rules that found nothing (unsuppressed): one observation each, the evidence of a pass.
    for rule in &report.rules {
        let entry = by_rule.entry(rule.id.as_str()).or_default();
        if !entry.0.is_empty() {
            continue;
        }
        let uuid = uuid_of(&["observation", &rule.id, "pass"]);
        entry.2.push(uuid.clone());
        observations.push(json!({
            "uuid": uuid,
            "title": format!("{} {}: no finding", rule.id, rule.name),
            "description": format!(
                "{} ({}) found no unsuppressed violation in the {} files ({} documents) checked.",
                rule.id,
                rule.title.trim(),
                report.files,
                report.documents
            ),
            "props": [prop("rule-id", rule.id.clone()), prop("rule-name", rule.name.clone())],
            "methods": ["TEST"],
            "types": ["control-objective"],
            "origins": origins,
            "collected": time,
        }));
    }

    // Findings: one per covered SP 800-53 control.
    let rules_by_id: BTreeMap<&str, &Arc<Rule>> =
        report.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut findings = Vec::new();
    let mut reviewed = Vec::new();
    if let Some(nist) = summary
        .frameworks
        .iter()
        .find(|s| s.framework == Framework::Nist80053)
    {
        for c in &nist.controls {
            let oscal_id = oscal_control_id(nist_catalog, &c.id);
            reviewed.push(json!({"control-id": oscal_id}));
            let mut related = Vec::new();
            for r in &c.rules {
                if let Some((open, suppressed, pass)) = by_rule.get(r.as_str()) {
                    let mut add = |uuids: &Vec<String>, remarks: Option<&str>| {
                        for u in uuids {
                            let mut v = json!({"observation-uuid": u});
                            if let Some(text) = remarks {
                                v["remarks"] = json!(text);
                            }
                            related.push(v);
                        }
                    };
                    add(open, None);
                    add(pass, None);
                    add(
                        suppressed,
                        Some("suppressed finding: not counted against the control"),
                    );
                }
            }
            let satisfied = c.status == ControlState::Passing;
            let title = c.title.as_deref().unwrap_or("(not in the catalog)");
            let rule_names: Vec<String> = c
                .rules
                .iter()
                .map(|r| match rules_by_id.get(r.as_str()) {
                    Some(rule) => format!("{} ({})", r, rule.name),
                    None => r.clone(),
                })
                .collect();
            let mut finding = json!({
                "uuid": uuid_of(&["finding", "nist-800-53", &c.id]),
                "title": format!("{} {title}", c.id),
                "description": format!(
                    "Checked by {}: {} unsuppressed and {} suppressed findings.",
                    rule_names.join(", "),
                    c.findings,
                    c.suppressed
                ),
                "props": c.rules.iter().map(|r| prop("rule-id", r.clone())).collect::<Vec<_>>(),
                "origins": origins,
                "target": {
                    "type": "objective-id",
                    "target-id": format!("{oscal_id}_obj"),
                    "title": format!("{} {title}", c.id),
                    "status": {"state": if satisfied { "satisfied" } else { "not-satisfied" }},
                },
            });
            if !related.is_empty() {
                finding["related-observations"] = json!(related);
            }
            findings.push(finding);
        }
    }

    let errors: Vec<String> = report
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .map(|p| match &p.pos {
            Some(pos) => format!("{}:{}:{}: {}", p.file, pos.line, pos.column, p.message),
            None => format!("{}: {}", p.file, p.message),
        })
        .collect();
    let active = report.active().count();
    let mut result_props = vec![
        prop("files", report.files.to_string()),
        prop("documents", report.documents.to_string()),
        prop("rules", report.rules.len().to_string()),
        prop("findings", active.to_string()),
        prop("suppressed", (report.findings.len() - active).to_string()),
        prop("errors", errors.len().to_string()),
        prop("incomplete", report.has_errors().to_string()),
    ];
    let mut remarks = Vec::new();
    if !errors.is_empty() {
        remarks.push(format!(
            "Could not be checked ({}): {}",
            errors.len(),
            errors.join("; ")
        ));
    }
    if let Some(b) = &summary.baseline {
        result_props.extend([
            prop("profile", b.profile),
            prop("baseline-controls", b.controls.to_string()),
            prop("baseline-checked", b.checked.to_string()),
            prop("baseline-failing", b.failing.to_string()),
            prop("baseline-passing", b.passing.to_string()),
            prop("baseline-not-checked", b.not_checked.to_string()),
        ]);
        remarks.push(format!(
            "{}: {} controls; {} checked automatically ({} failing, {} passing); {} not checked, outside what a static check of configuration files shows: {}.",
            b.title,
            b.controls,
            b.checked,
            b.failing,
            b.passing,
            b.not_checked,
            b.not_checked_controls.join(", ")
        ));
    }
    let reviewed_controls = if reviewed.is_empty() {
        // OSCAL needs a selection; none of the catalog's controls had a rule, which the
        // description and remarks say, and no finding is recorded against any of them.
        json!({
            "description": "No active rule maps to an SP 800-53 control: the run gives evidence for none.",
            "control-selections": [{
                "include-all": {},
                "remarks": "No control was assessed: no active rule maps to one.",
            }],
        })
    } else {
        json!({
            "description": "The SP 800-53 rev5 controls that the active rules give evidence for.",
            "control-selections": [{"include-controls": reviewed}],
        })
    };
    let key = content_key(report, summary, time);
    let mut result = json!({
        "uuid": uuid_of(&["result", &key]),
        "title": "runeguard check",
        "description": format!(
            "Automated static checks of {} files ({} documents) with {} rules.",
            report.files,
            report.documents,
            report.rules.len()
        ),
        "start": time,
        "end": time,
        "props": result_props,
        "local-definitions": {"components": [tool_component(report, &tool_uuid)]},
        "reviewed-controls": reviewed_controls,
    });
    if !observations.is_empty() {
        result["observations"] = json!(observations);
    }
    if !findings.is_empty() {
        result["findings"] = json!(findings);
    }
    if !remarks.is_empty() {
        result["remarks"] = json!(remarks.join("\n\n"));
    }

    let plan_uuid = uuid_of(&["assessment-plan", &report.version]);
    let mut resources = vec![json!({
        "uuid": plan_uuid,
        "title": format!("runeguard {} rule set", report.version),
        "description": "The assessment plan: the rules active in this run, each mapped to the controls it gives evidence for. `runeguard rules --format oscal` writes them as an OSCAL component definition.",
    })];
    for (path, uuid) in &files {
        resources.push(json!({
            "uuid": uuid,
            "title": path,
            "rlinks": [{"href": uri_path(path)}],
        }));
    }
    let doc = json!({
        "assessment-results": {
            "uuid": uuid_of(&["assessment-results", &key]),
            "metadata": {
                "title": "runeguard assessment results",
                "last-modified": time,
                "version": report.version,
                "oscal-version": OSCAL_VERSION,
                "props": [prop("tool", "runeguard")],
            },
            "import-ap": {"href": format!("#{plan_uuid}")},
            "results": [result],
            "back-matter": {"resources": resources},
        }
    });
    finish(&doc)
}

/// What the document and result UUIDs are derived from: everything the report says about the
/// run (tool version, time, counts, rules, every finding with its position, message and
/// suppression, problems, profile), without serialising the document twice.
fn content_key(report: &RunReport, summary: &ComplianceSummary, time: &str) -> String {
    use std::fmt::Write as _;
    let mut key = format!(
        "{}\u{0}{time}\u{0}{}\u{0}{}\u{0}",
        report.version, report.files, report.documents
    );
    for r in &report.rules {
        key.push_str(&r.id);
        key.push('\u{0}');
    }
    for f in &report.findings {
        let _ = write!(
            key,
            "{}\u{0}{}:{}\u{0}{}\u{0}{}\u{0}",
            f.fingerprint,
            f.start().line,
            f.start().column,
            f.message,
            f.suppression.as_ref().map_or(String::new(), |s| format!(
                "{} {}",
                s.origin, s.justification
            ))
        );
    }
    for p in &report.problems {
        let _ = write!(key, "{p}\u{0}");
    }
    if let Some(b) = &summary.baseline {
        key.push_str(b.profile);
    }
    key
}

fn finish(doc: &Value) -> String {
    let mut s =
        serde_json::to_string_pretty(doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The OSCAL component definition of a rule set: which controls it gives evidence for, rule by
/// rule (the `Rule_Id` / `Rule_Description` properties compliance-trestle and other OSCAL tools
/// read), for SP 800-53 rev5 and CSF 2.0.
pub fn component_definition(rules: &[&Arc<Rule>], version: &str, time: &str) -> String {
    let cats = catalogs();
    let component_uuid = uuid_of(&["component", "runeguard"]);
    let mut props = Vec::new();
    for r in rules {
        let set = format!("rule_set_{}", r.id);
        let mut rule_id = json!({"name": "Rule_Id", "ns": NS, "value": r.id, "remarks": set});
        rule_id["class"] = json!(r.severity.as_str());
        props.push(rule_id);
        props.push(
            json!({"name": "Rule_Description", "ns": NS, "value": r.title.trim(), "remarks": set}),
        );
    }
    let mut implementations = Vec::new();
    for (framework, source) in [
        (Framework::Nist80053, SP800_53_CATALOG),
        (Framework::NistCsf2, CSF_CATALOG),
    ] {
        let catalog = cats.get(&framework);
        let mut by_control: BTreeMap<&str, Vec<&Arc<Rule>>> = BTreeMap::new();
        for r in rules {
            for id in r.controls.get(&framework).into_iter().flatten() {
                by_control.entry(id.as_str()).or_default().push(r);
            }
        }
        if by_control.is_empty() {
            continue;
        }
        let mut ids: Vec<&str> = by_control.keys().copied().collect();
        ids.sort_by(|a, b| crate::compliance::natural_cmp(a, b));
        let requirements: Vec<Value> = ids
            .iter()
            .map(|id| {
                let rs = &by_control[id];
                let control_id = match framework {
                    Framework::Nist80053 => oscal_control_id(catalog, id),
                    _ => catalog
                        .and_then(|c| c.get(id))
                        .and_then(|c| c.oscal_id.clone())
                        .unwrap_or_else(|| id.to_string()),
                };
                let title = catalog
                    .and_then(|c| c.get(id))
                    .map_or("(not in the catalog)", |c| c.title.as_str());
                json!({
                    "uuid": uuid_of(&["implemented-requirement", framework.id(), id]),
                    "control-id": control_id,
                    "description": format!(
                        "{id} {title}: evidence from {}.",
                        rs.iter().map(|r| format!("{} ({})", r.id, r.name)).collect::<Vec<_>>().join(", ")
                    ),
                    "props": rs.iter().map(|r| json!({"name": "Rule_Id", "ns": NS, "value": r.id})).collect::<Vec<_>>(),
                })
            })
            .collect();
        implementations.push(json!({
            "uuid": uuid_of(&["control-implementation", framework.id()]),
            "source": source,
            "description": format!("The {} controls runeguard's rules give evidence for: a passing check is evidence for a control, not its implementation.", framework.title()),
            "implemented-requirements": requirements,
        }));
    }
    let mut component = json!({
        "uuid": component_uuid,
        "type": "software",
        "title": "runeguard",
        "description": "runeguard, a policy-as-code compliance linter: Rego rules over Kubernetes and Istio manifests, PostgreSQL DDL and service configuration.",
        "props": props,
    });
    if !implementations.is_empty() {
        component["control-implementations"] = json!(implementations);
    }
    if props_empty(&component) {
        component.as_object_mut().map(|o| o.remove("props"));
    }
    let mut doc = json!({
        "component-definition": {
            "uuid": "",
            "metadata": {
                "title": "runeguard rules",
                "last-modified": time,
                "version": version,
                "oscal-version": OSCAL_VERSION,
            },
            "components": [component],
        }
    });
    let digest = serde_json::to_string(&doc).unwrap_or_default();
    doc["component-definition"]["uuid"] = json!(uuid_of(&["component-definition", &digest]));
    finish(&doc)
}

fn props_empty(v: &Value) -> bool {
    v.get("props")
        .and_then(Value::as_array)
        .is_some_and(|a| a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_5_and_stable() {
        let a = uuid_of(&["finding", "nist-800-53", "AC-6"]);
        assert_eq!(a, uuid_of(&["finding", "nist-800-53", "AC-6"]));
        assert_ne!(a, uuid_of(&["finding", "nist-800-53", "AC-6(10)"]));
        assert_eq!(&a[14..15], "5", "{a} is not a version 5 UUID");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_path("a b/c#d.yaml"), "a%20b/c%23d.yaml");
        assert_eq!(uri_path("k8s/deploy-1.yaml"), "k8s/deploy-1.yaml");
    }

    #[test]
    fn control_ids_in_oscal_form() {
        assert_eq!(oscal_control_id(None, "AC-6(10)"), "ac-6.10");
        assert_eq!(oscal_control_id(None, "SC-8"), "sc-8");
    }
}
