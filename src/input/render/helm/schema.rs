//! A chart's `values.schema.json`: the settled values validated against it, as Helm does
//! before rendering, each mismatch located at the values line that set the value.
//!
//! runeguard reads no network. A schema that refers to a remote one (`"$ref":
//! "https://raw.githubusercontent.com/…/resourcerequirements-v1.json"`, which some charts use
//! for Kubernetes types) is validated without that part: the reference accepts anything, and
//! an error at its line says what was not validated. Before, the whole schema failed to
//! build, so none of it was checked.

use super::values::Origins;
use super::{ChartFile, Problem};
use crate::source::span::Pos;

/// Validates the merged values against the chart's `values.schema.json` (JSON Schema).
pub(super) fn validate_schema(
    schema: &ChartFile,
    values: &serde_json::Value,
    origins: &Origins,
    problems: &mut Vec<Problem>,
) {
    let Ok(text) = std::str::from_utf8(&schema.bytes) else {
        problems.push(Problem::error(
            &schema.display,
            None,
            "values.schema.json is not UTF-8",
        ));
        return;
    };
    let mut s: serde_json::Value = match serde_json::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            problems.push(Problem::error(
                &schema.display,
                Some(Pos {
                    line: e.line() as u32,
                    column: e.column() as u32,
                }),
                format!("values.schema.json is not valid JSON: {e}"),
            ));
            return;
        }
    };
    for uri in drop_remote_refs(&mut s) {
        problems.push(Problem::error(
            &schema.display,
            position_of(text, &uri),
            format!(
                "values.schema.json refers to the remote schema {uri:?}, which is not fetched (runeguard reads no network): the values were validated without it"
            ),
        ));
    }
    let validator = match jsonschema::validator_for(&s) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem::error(
                &schema.display,
                None,
                format!("values.schema.json is not a valid schema: {e}"),
            ));
            return;
        }
    };
    for e in validator.iter_errors(values).take(20) {
        let at = e.instance_path().as_str().to_string();
        let shown = if at.is_empty() {
            "/".to_string()
        } else {
            at.clone()
        };
        // Located at the values line that set the value (or its nearest set parent), which is
        // where it is fixed; else at the schema file.
        let mut path: Vec<String> = at
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let origin = loop {
            if let Some(o) = origins.get(&path) {
                break Some(o);
            }
            if path.pop().is_none() {
                break None;
            }
        };
        let msg = format!("values do not match values.schema.json at {shown}: {e}");
        problems.push(match origin {
            Some(o) => Problem::error(&o.file.path, Some(o.file.pos(o.span.start)), msg),
            None => Problem::error(&schema.display, None, msg),
        });
    }
}

/// Removes each `$ref` to an `http(s)` schema that is not the document itself (no `$id`
/// of it names that address), so that the subschema holding it accepts what the remote one
/// would have decided; returns the addresses, in document order.
fn drop_remote_refs(schema: &mut serde_json::Value) -> Vec<String> {
    fn ids(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if let ("$id" | "id", serde_json::Value::String(id)) = (k.as_str(), x) {
                        out.push(base(id).to_string());
                    }
                    ids(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| ids(x, out)),
            _ => {}
        }
    }
    fn walk(v: &mut serde_json::Value, own: &[String], out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                let remote = m
                    .get("$ref")
                    .and_then(|r| r.as_str())
                    .filter(|r| r.starts_with("http://") || r.starts_with("https://"))
                    .filter(|r| !own.iter().any(|id| id == base(r)))
                    .map(str::to_string);
                if let Some(r) = remote {
                    m.remove("$ref");
                    out.push(r);
                }
                m.values_mut().for_each(|x| walk(x, own, out));
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, own, out)),
            _ => {}
        }
    }
    let mut own = Vec::new();
    ids(schema, &mut own);
    let mut out = Vec::new();
    walk(schema, &own, &mut out);
    out
}

/// An address without its fragment (`https://x/s.json#/definitions/a` → `https://x/s.json`).
fn base(uri: &str) -> &str {
    uri.split('#').next().unwrap_or(uri)
}

/// Where `uri` is first written in `text` (its opening quote), as a line and column.
fn position_of(text: &str, uri: &str) -> Option<Pos> {
    let quoted = serde_json::to_string(uri).ok()?;
    let at = text.find(&quoted)?;
    let before = &text[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(Pos {
        line,
        column: before[line_start..].chars().count() as u32 + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_refs_are_dropped_and_named_local_ones_kept() {
        let mut s = serde_json::json!({
            "$id": "https://example.com/chart.json",
            "properties": {
                "resources": {"$ref": "https://k8s.example/resourcerequirements-v1.json"},
                "own": {"$ref": "https://example.com/chart.json#/definitions/port"},
                "local": {"$ref": "#/definitions/port"},
                "list": {"items": [{"$ref": "http://k8s.example/probe.json#/x"}]}
            },
            "definitions": {"port": {"type": "integer"}}
        });
        let dropped = drop_remote_refs(&mut s);
        assert_eq!(
            dropped,
            [
                "https://k8s.example/resourcerequirements-v1.json",
                "http://k8s.example/probe.json#/x"
            ]
        );
        assert_eq!(s["properties"]["resources"], serde_json::json!({}));
        assert_eq!(s["properties"]["list"]["items"][0], serde_json::json!({}));
        assert!(s["properties"]["own"]["$ref"].is_string());
        assert!(s["properties"]["local"]["$ref"].is_string());
    }

    #[test]
    fn a_position_is_the_quoted_address() {
        let text = "{\n  \"a\": {\"$ref\": \"https://x/s.json\"}\n}";
        assert_eq!(
            position_of(text, "https://x/s.json"),
            Some(Pos {
                line: 2,
                column: 17
            })
        );
    }
}
