//! Assessment results: the evidence of one run (`check --format oscal`).

use super::{OSCAL_VERSION, finish, oscal_control_id, prop, uri_path, uuid_of};
use crate::compliance::{ComplianceSummary, ControlState, catalogs};
use crate::finding::Finding;
use crate::report::{Evidence, RunReport};
use crate::rule::{Framework, Rule};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

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
        let state = if *suppressed { "suppressed" } else { "open" };
        let uuid = uuid_of(&["observation", rule_id, file, resource, state]);
        let entry = by_rule.entry(rule_id).or_default();
        if *suppressed {
            entry.1.push(uuid.clone());
        } else {
            entry.0.push(uuid.clone());
        }
        observations.push(observation(
            (rule_id, file, resource, *suppressed),
            findings,
            &uuid,
            &files[file],
            &origins,
            time,
        ));
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
        .errors()
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

/// The observation of one group of findings (one rule, file, resource and state), with each
/// finding's location as relevant evidence.
fn observation(
    (rule_id, file, resource, suppressed): ObservationKey,
    findings: &[&Finding],
    uuid: &str,
    subject: &str,
    origins: &Value,
    time: &str,
) -> Value {
    let rule = &findings[0].rule;
    debug_assert_eq!(rule.id, rule_id, "one rule per observation");
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
    if suppressed {
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
            if suppressed { ", suppressed" } else { "" }
        ),
        "props": props,
        "methods": ["TEST"],
        "types": ["finding"],
        "origins": origins,
        "subjects": [{
            "subject-uuid": subject,
            "type": "resource",
            "title": file,
        }],
        "relevant-evidence": evidence_list,
        "collected": time,
    });
    if suppressed {
        let reasons: Vec<String> = findings
            .iter()
            .filter_map(|f| f.suppression.as_ref())
            .map(|s| s.justification.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        obs["remarks"] = json!(format!("Suppressed: {}", reasons.join("; ")));
    }
    obs
}
