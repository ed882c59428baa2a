//! The component definition of a rule set (`rules --format oscal`).

use super::{
    CSF_CATALOG, NS, OSCAL_VERSION, SP800_53_CATALOG, finish, oscal_control_id, props_empty,
    uuid_of,
};
use crate::compliance::catalogs;
use crate::rule::{Framework, Rule};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

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
                        .and_then(|c| c.oscal_id)
                        .map_or_else(|| id.to_string(), str::to_string),
                };
                let title = catalog
                    .and_then(|c| c.get(id))
                    .map_or("(not in the catalog)", |c| c.title);
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
