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

mod components;
mod results;

pub use components::component_definition;
pub use results::render;

use crate::compliance::Catalog;
use serde_json::{Value, json};
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
        .and_then(|c| c.oscal_id)
        .map_or_else(
            || id.to_ascii_lowercase().replace('(', ".").replace(')', ""),
            str::to_string,
        )
}

fn finish(doc: &Value) -> String {
    let mut s =
        serde_json::to_string_pretty(doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
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
