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
    // Helm names every missing property of one object in one error (`missing properties
    // 'p', 'q'`); the validator gives one each.
    let mut missing: Vec<(String, Vec<String>)> = Vec::new();
    let errors: Vec<_> = validator
        .iter_errors(values)
        .take(20)
        .filter(|e| match e.kind() {
            jsonschema::error::ValidationErrorKind::Required { property } => {
                let (at, name) = (e.instance_path().as_str(), property.as_str());
                match (missing.iter_mut().find(|(a, _)| a == at), name) {
                    (Some((_, names)), Some(n)) => {
                        names.push(n.to_string());
                        false
                    }
                    (None, Some(n)) => {
                        missing.push((at.to_string(), vec![n.to_string()]));
                        true
                    }
                    _ => true,
                }
            }
            _ => true,
        })
        .collect();
    for e in errors {
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
        // In Helm's words (santhosh-tekuri/jsonschema v6, which Helm v4 validates with:
        // `- at '/replicaCount': minimum: got 0, want 1`) where they are known.
        let words = match missing.iter().find(|(a, _)| *a == at) {
            Some((_, names))
                if names.len() > 1
                    && matches!(
                        e.kind(),
                        jsonschema::error::ValidationErrorKind::Required { .. }
                    ) =>
            {
                Some(format!("missing properties {}", quoted(names)))
            }
            _ => helm_words(&e),
        };
        let msg = match words {
            Some(w) => format!("values do not match values.schema.json: at '{at}': {w}"),
            None => format!("values do not match values.schema.json at {shown}: {e}"),
        };
        problems.push(match origin {
            Some(o) => Problem::error(&o.file.path, Some(o.file.pos(o.span.start)), msg),
            None => Problem::error(&schema.display, None, msg),
        });
    }
}

/// A validation error as Helm v4 words it (santhosh-tekuri/jsonschema v6's English
/// messages, numbers through golang.org/x/text's printer: `70,000`, `1.234567×10⁰⁶`); None
/// for a kind whose wording is not known (the validator's own words are kept).
fn helm_words(e: &jsonschema::ValidationError) -> Option<String> {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let got: &serde_json::Value = e.instance();
    let count = |n: u64| go_number(n as f64);
    let len = |v: &serde_json::Value| -> u64 {
        match v {
            serde_json::Value::String(s) => s.chars().count() as u64,
            serde_json::Value::Array(a) => a.len() as u64,
            serde_json::Value::Object(m) => m.len() as u64,
            _ => 0,
        }
    };
    let num = |v: &serde_json::Value| v.as_f64().map(go_number);
    let limit = |name: &str, want: &serde_json::Value| {
        Some(format!("{name}: got {}, want {}", num(got)?, num(want)?))
    };
    let sized =
        |name: &str, limit: u64| format!("{name}: got {}, want {}", count(len(got)), count(limit));
    Some(match e.kind() {
        K::AdditionalProperties { unexpected } => {
            format!("additional properties {} not allowed", quoted(unexpected))
        }
        K::Required { property } => format!("missing property '{}'", property.as_str()?),
        K::Constant { expected_value } => format!("value must be {}", go_scalar(expected_value)?),
        K::Enum { options } => match options.as_array()?.as_slice() {
            [one] => format!("value must be {}", go_scalar(one)?),
            many => {
                let shown: Option<Vec<String>> = many.iter().map(go_scalar).collect();
                match shown {
                    Some(shown) => format!("value must be one of {}", shown.join(", ")),
                    None => "'enum' failed".to_string(),
                }
            }
        },
        K::Pattern { pattern } => format!("'{}' does not match pattern '{pattern}'", got.as_str()?),
        K::Minimum { limit: l } => limit("minimum", l)?,
        K::Maximum { limit: l } => limit("maximum", l)?,
        K::ExclusiveMinimum { limit: l } => limit("exclusiveMinimum", l)?,
        K::ExclusiveMaximum { limit: l } => limit("exclusiveMaximum", l)?,
        K::MinLength { limit } => sized("minLength", *limit),
        K::MaxLength { limit } => sized("maxLength", *limit),
        K::MinItems { limit } => sized("minItems", *limit),
        K::MaxItems { limit } => sized("maxItems", *limit),
        K::MinProperties { limit } => sized("minProperties", *limit),
        K::MaxProperties { limit } => sized("maxProperties", *limit),
        K::UniqueItems => {
            let items = got.as_array()?;
            let (i, j) = (0..items.len())
                .flat_map(|j| (0..j).map(move |i| (i, j)))
                .find(|&(i, j)| jsonschema_equal(&items[i], &items[j]))?;
            format!("items at {i} and {j} are equal")
        }
        K::MultipleOf { multiple_of } => {
            format!(
                "multipleOf: got {}, want {}",
                num(got)?,
                go_number(*multiple_of)
            )
        }
        K::Not { .. } => "'not' failed".to_string(),
        K::FalseSchema => "false schema".to_string(),
        K::AnyOf { .. } => "'anyOf' failed".to_string(),
        K::OneOfNotValid { .. } => "'oneOf' failed, none matched".to_string(),
        K::Type { kind } => {
            let want: Vec<&str> = match kind {
                TypeKind::Single(t) => vec![t.as_str()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
            };
            let got = match got {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "boolean",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Array(_) => "array",
                serde_json::Value::Object(_) => "object",
            };
            format!("got {got}, want {}", want.join(" or "))
        }
        _ => return None,
    })
}

/// Names as v6 lists them: `'a', 'b'`.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// JSON Schema's equality (numbers by value: `1` and `1.0` are equal).
fn jsonschema_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => x.as_f64() == y.as_f64(),
        (serde_json::Value::Array(x), serde_json::Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| jsonschema_equal(a, b))
        }
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| jsonschema_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A scalar as v6 quotes it in a message: `'text'`, `1`, `true`, `<nil>`; None for a map or
/// a list (Helm then says only which keyword failed).
fn go_scalar(v: &serde_json::Value) -> Option<String> {
    Some(match v {
        serde_json::Value::Null => "<nil>".to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => go_number(n.as_f64()?),
        serde_json::Value::String(s) => format!("'{s}'"),
        _ => return None,
    })
}

/// A number as golang.org/x/text's printer writes `%v`: the shortest digits, grouped by
/// thousands (`70,000`), or `d.ddd×10ⁿⁿ` when the exponent is below -4 or 6 and above
/// (`1.234567×10⁰⁶`), as strconv's `%g` switches.
fn go_number(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // `{:e}`: the shortest digits that read back, `1.234567e6`.
    let e = format!("{:e}", x.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..6).contains(&exp) {
        const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
        let power: String = format!("{:02}", exp.abs())
            .chars()
            .map(|c| SUP[c.to_digit(10).unwrap_or(0) as usize])
            .collect();
        let minus = if exp < 0 { "⁻" } else { "" };
        return format!("{sign}{mantissa}×10{minus}{power}");
    }
    // Plain: the integer part grouped by thousands, then the fraction.
    let point = exp + 1;
    let (int, frac) = if point <= 0 {
        (
            "0".to_string(),
            format!("{}{digits}", "0".repeat((-point) as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        (
            digits[..point as usize].to_string(),
            digits[point as usize..].to_string(),
        )
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
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
    fn numbers_are_printed_as_helm_prints_them() {
        use super::go_number;
        assert_eq!(go_number(0.0), "0");
        assert_eq!(go_number(1.0), "1");
        assert_eq!(go_number(1.5), "1.5");
        assert_eq!(go_number(-0.5), "-0.5");
        assert_eq!(go_number(70000.0), "70,000");
        assert_eq!(go_number(123456.0), "123,456");
        assert_eq!(go_number(1234567.0), "1.234567×10⁰⁶");
        assert_eq!(go_number(1e6), "1×10⁰⁶");
        assert_eq!(go_number(0.0001), "0.0001");
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
