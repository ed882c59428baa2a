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
    // An OpenShift Template holds the objects `oc process` creates: they are what is deployed,
    // with its parameters' values (the Template itself is no workload).
    let is_template = depth < 4
        && kind == "Template"
        && value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v == "v1" || v.starts_with("template.openshift.io/"))
        && value.get("objects").is_some_and(Value::is_array);
    if is_list || is_template {
        let key = if is_list { "items" } else { "objects" };
        let params = if is_template {
            template_parameters(&value)
        } else {
            Default::default()
        };
        let Value::Object(mut obj) = value else {
            return;
        };
        let Some(Value::Array(items)) = obj.remove(key) else {
            return;
        };
        for (i, mut item) in items.into_iter().enumerate() {
            if !params.is_empty() {
                substitute_parameters(&mut item, &params);
            }
            let path = [PathSeg::Key(key.into()), PathSeg::Index(i)];
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

/// An OpenShift Template's parameters that have a value (`oc process` asks for the others or
/// generates them: their `${NAME}` stays as written).
fn template_parameters(template: &Value) -> std::collections::HashMap<String, String> {
    template
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let value = match p.get("value")? {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((name.to_string(), value))
        })
        .collect()
}

/// Substitutes a Template's parameters as `oc process` does: `${NAME}` inside a string by the
/// value's text, a string that is exactly `${{NAME}}` by the value read as JSON (a number, a
/// boolean; the text when it is not JSON). Keys are left as they are; spans do not change (a
/// finding points at the `${…}` line a person edits).
fn substitute_parameters(v: &mut Value, params: &std::collections::HashMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${{").and_then(|r| r.strip_suffix("}}"))
                && let Some(value) = params.get(name)
            {
                *v = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.clone()));
                return;
            }
            if !s.contains("${") {
                return;
            }
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(at) = rest.find("${") {
                out.push_str(&rest[..at]);
                let after = &rest[at + 2..];
                let double = after.starts_with('{');
                let inner = if double { &after[1..] } else { after };
                let close = if double { "}}" } else { "}" };
                match inner.find(close).map(|e| (&inner[..e], e)) {
                    Some((name, e)) if params.contains_key(name) => {
                        out.push_str(&params[name]);
                        rest = &inner[e + close.len()..];
                    }
                    _ => {
                        out.push_str("${");
                        rest = after;
                    }
                }
            }
            out.push_str(rest);
            *s = out;
        }
        Value::Array(a) => a.iter_mut().for_each(|x| substitute_parameters(x, params)),
        Value::Object(o) => o
            .values_mut()
            .for_each(|x| substitute_parameters(x, params)),
        _ => {}
    }
}
