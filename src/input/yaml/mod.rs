//! YAML (and JSON, which we read as YAML) with a span on every node.
//!
//! Parsing is two steps. [`parse_stream`] builds a raw tree from saphyr's event parser that
//! keeps each scalar's text and style, anchors and aliases. [`resolve`] then turns a raw
//! document into a JSON value and a [`SpanTree`] under a scalar schema chosen by the caller:
//! Kubernetes reads YAML with YAML 1.1 rules (`yes`/`on` are booleans, `0644` is octal), while
//! other configuration follows YAML 1.2. The choice can only be made after seeing the document
//! (`apiVersion` + `kind`), which is why the raw tree exists.
//!
//! Three rooms: [`raw`] (saphyr's events into a raw tree with byte spans), [`tree`] (a raw
//! document into a value and its span tree) and [`scalars`] (the scalar schemas).

mod raw;
pub(crate) mod scalars;
mod tree;

pub use raw::{RawDocument, RawNode, YamlError, parse_stream};
pub use scalars::{
    go_float32, go_yaml_v3_plain_is_string, resolve_core, resolve_yaml11, surely_string,
    underscores_between_digits, yaml11_key, yaml11_non_finite,
};
pub use tree::{
    NON_FINITE, ResolveIssue, Schema, go_yaml_folded_round_trip, resolve, resolve_helm_values,
    resolve_rewritten_helm_values, undo_go_yaml_folded_round_trip,
};

/// Deepest nesting accepted: deeper input is reported, never overflows the stack.
pub const MAX_DEPTH: usize = 256;
/// Most nodes a document may expand to through aliases ("billion laughs" guard).
pub const MAX_EXPANDED_NODES: usize = 1_000_000;

#[cfg(test)]
mod tests;
