//! Service configuration: TOML loading and the classification of configuration documents.

use super::{Loaded, Problem, SourceFile};
use serde_json::Value;
use std::sync::Arc;

/// Loads a `.toml` file as one configuration document.
pub fn load_toml(file: &Arc<SourceFile>) -> Loaded {
    Loaded { documents: Vec::new(), problems: vec![Problem::error(&file.path, None, "TOML input is not supported yet")] }
}

/// The configuration subtype of a YAML/JSON/TOML document that is not a Kubernetes object:
/// `compose`, `standard` (written to the architecture standard) or `generic`.
pub fn subtype(_value: &Value, _path: &str) -> &'static str {
    "generic"
}

/// A short label for messages and fingerprints.
pub fn resource_label(_value: &Value, subtype: &str, index: usize) -> String {
    format!("{subtype} document {}", index + 1)
}
