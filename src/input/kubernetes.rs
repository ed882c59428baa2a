//! Kubernetes (and Istio) objects: YAML read with Kubernetes' YAML 1.1 rules, `kind: List`
//! split into its items, each object labelled `Kind namespace/name`.

use super::yaml::{RawNode, ResolveIssue, Schema, resolve};
use crate::input::{Document, InputType, Loaded};
use crate::source::span::{PathSeg, SpanTree};
use crate::source::{Problem, SourceFile};
use serde_json::Value;
use std::sync::Arc;

/// True when a raw YAML document is a Kubernetes object: a mapping with string `apiVersion`
/// and `kind`.
pub fn is_object(root: &RawNode) -> bool {
    let s = |k| {
        root.get(k)
            .and_then(|n| n.scalar_text())
            .is_some_and(|t| !t.is_empty())
    };
    s("apiVersion") && s("kind")
}

/// `Deployment payments/api`, or `Deployment api` without a namespace.
pub fn resource_label(v: &Value) -> String {
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("Object");
    let meta = v.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .or_else(|| {
            meta.and_then(|m| m.get("generateName"))
                .and_then(Value::as_str)
        })
        .unwrap_or("<unnamed>");
    match meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
    {
        Some(ns) if !ns.is_empty() => format!("{kind} {ns}/{name}"),
        _ => format!("{kind} {name}"),
    }
}

fn issue_problem(file: &SourceFile, i: ResolveIssue) -> Problem {
    Problem::error(&file.path, Some(i.pos), i.message)
}

/// Resolves one raw document as a Kubernetes object (several, for a `kind: List`).
pub fn load_document(file: &Arc<SourceFile>, root: &RawNode, index: usize, out: &mut Loaded) {
    let (value, spans, issues) = match resolve(root, Schema::Kubernetes, &file.text, &file.lines) {
        Ok(r) => r,
        Err(e) => {
            out.problems.push(issue_problem(file, e));
            return;
        }
    };
    out.problems
        .extend(issues.into_iter().map(|i| issue_problem(file, i)));
    push_object(file, value, spans, index, out, 0);
}

fn push_object(
    file: &Arc<SourceFile>,
    value: Value,
    mut spans: SpanTree,
    index: usize,
    out: &mut Loaded,
    depth: usize,
) {
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let is_list = depth < 4
        && (kind == "List" || kind.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    if is_list {
        let Value::Object(mut obj) = value else {
            return;
        };
        let Some(Value::Array(items)) = obj.remove("items") else {
            return;
        };
        for (i, item) in items.into_iter().enumerate() {
            let path = [PathSeg::Key("items".into()), PathSeg::Index(i)];
            let item_spans = spans
                .take(&path)
                .unwrap_or_else(|| SpanTree::leaf(spans.focus));
            let is_obj = item.get("apiVersion").and_then(Value::as_str).is_some()
                && item.get("kind").and_then(Value::as_str).is_some();
            if is_obj {
                push_object(file, item, item_spans, index, out, depth + 1);
            } else {
                out.problems.push(Problem::error(&file.path, Some(file.pos(item_spans.focus.start)), format!("item {i} of the {kind} is not a Kubernetes object (no apiVersion or kind); not checked")));
            }
        }
        return;
    }
    let resource = resource_label(&value);
    out.documents.push(Document {
        file: file.clone(),
        index,
        input_type: InputType::Kubernetes,
        subtype: kind,
        resource,
        value,
        spans,
    });
}
