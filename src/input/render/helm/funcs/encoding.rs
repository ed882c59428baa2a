//! Encodings and digests: YAML and JSON both ways, base64, sha1/sha256/adler32.

use super::*;

pub(super) fn sha256(b: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(b);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn b64enc(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

pub(super) fn b64dec(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let Some(v) = val(c) else { continue };
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

/// A decoded TOML document: integers stay integers (BurntSushi decodes them as int64), unlike
/// JSON's numbers, which Helm reads as float64.
fn toml_to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Number(n) if n.is_i64() => Value::Int64(n.as_i64().unwrap_or(0)),
        serde_json::Value::Array(a) => {
            Value::List(a.iter().map(toml_to_value).collect::<Vec<_>>().into())
        }
        serde_json::Value::Object(o) => Value::Map(MapRef::new(
            o.iter()
                .map(|(k, v)| (Arc::from(k.as_str()), toml_to_value(v)))
                .collect(),
        )),
        other => json_to_value(other),
    }
}

/// How Go's encoding/json names a JSON value's kind in its errors.
/// [`json_kind`] of a template value read from YAML.
fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        _ => "object",
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

pub(super) fn register(m: &mut FuncMap) {
    f!(m, "toYaml", |a: &[Value]| -> R {
        Ok(s(&to_yaml(bounded(a.first(), "toYaml")?)))
    });
    f!(m, "toYamlPretty", |a: &[Value]| -> R {
        Ok(s(&to_yaml(bounded(a.first(), "toYaml")?)))
    });
    f!(m, "fromYaml", |a: &[Value]| -> R {
        Ok(match from_yaml::read(to_str(arg(a, 0, "fromYaml")?)) {
            Ok(Value::Nil) => Value::Map(MapRef::new(BTreeMap::new())),
            Ok(v @ Value::Map(_)) => v,
            // Helm unmarshals into a map: another document is its `Error` entry.
            Ok(v) => {
                let message = format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    value_kind(&v)
                );
                Value::from(BTreeMap::from([(Arc::from("Error"), s(&message))]))
            }
            Err(message) => {
                let mut m = BTreeMap::new();
                m.insert(Arc::from("Error"), s(&message));
                Value::Map(MapRef::new(m))
            }
        })
    });
    // Helm's toToml (BurntSushi's encoder): a table; nil entries are left out; an error is
    // returned as the text.
    f!(m, "toToml", |a: &[Value]| -> R {
        match super::toml_writer::to_toml(bounded(a.first(), "toToml")?) {
            Ok(text) => Ok(s(&text)),
            // Helm returns a top-level nil's error as a template error, others as the text.
            Err(e) if e.starts_with("reflect") => Err(err(e)),
            Err(e) => Ok(s(&e)),
        }
    });
    // Helm's fromToml: a map, or `{Error: …}` when the text is not TOML.
    f!(m, "fromToml", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromToml")?);
        Ok(match toml::from_str::<serde_json::Value>(&text) {
            Ok(v) => toml_to_value(&v),
            Err(e) => Value::from(BTreeMap::from([(Arc::from("Error"), s(e.message()))])),
        })
    });
    f!(m, "fromYamlArray", |a: &[Value]| -> R {
        Ok(match from_yaml::read(to_str(arg(a, 0, "fromYamlArray")?)) {
            Ok(v @ (Value::List(_) | Value::Nil)) => v,
            Ok(v) => Value::List(
                vec![s(&format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
                    value_kind(&v)
                ))]
                .into(),
            ),
            Err(message) => Value::List(vec![s(&message)].into()),
        })
    });
    // Go's json.Marshal (toJson, toPrettyJson) escapes `<`, `>` and `&` for HTML;
    // Sprig's toRawJson does not.
    for (name, pretty, html_safe) in [
        ("toJson", false, true),
        ("toRawJson", false, false),
        ("toPrettyJson", true, true),
    ] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                let v = value_to_json(bounded(a.first(), name)?);
                let text = if pretty {
                    serde_json::to_string_pretty(&v)
                } else {
                    serde_json::to_string(&v)
                }
                .unwrap_or_default();
                Ok(s(&if html_safe {
                    text.replace('<', "\\u003c")
                        .replace('>', "\\u003e")
                        .replace('&', "\\u0026")
                } else {
                    text
                }))
            }),
        );
    }
    f!(m, "fromJson", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromJson")?);
        // Helm decodes into a map: `null` is an empty one, anything else not a map is an
        // error, returned as the `Error` entry.
        let message = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Null) => return Ok(Value::Map(MapRef::new(BTreeMap::new()))),
            Ok(v @ serde_json::Value::Object(_)) => return Ok(json_to_value(&v)),
            Ok(v) => format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&v)
            ),
            Err(_) if text.trim().is_empty() => "unexpected end of JSON input".to_string(),
            Err(e) => e.to_string(),
        };
        Ok(Value::from(BTreeMap::from([(
            Arc::from("Error"),
            s(&message),
        )])))
    });
    f!(m, "b64enc", |a: &[Value]| -> R {
        Ok(s(&b64enc(to_str(arg(a, 0, "b64enc")?).as_bytes())))
    });
    f!(m, "b64dec", |a: &[Value]| -> R {
        Ok(s(&String::from_utf8_lossy(&b64dec(&to_str(arg(
            a, 0, "b64dec",
        )?)))))
    });
    f!(m, "sha256sum", |a: &[Value]| -> R {
        Ok(s(&sha256(to_str(arg(a, 0, "sha256sum")?).as_bytes())))
    });
    f!(m, "sha1sum", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "sha1sum")?);
        Ok(s(&sha1_smol::Sha1::from(text.as_bytes())
            .digest()
            .to_string()))
    });
    f!(m, "fromJsonArray", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromJsonArray")?);
        Ok(match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v @ serde_json::Value::Array(_)) => json_to_value(&v),
            Ok(serde_json::Value::Null) => Value::List(Vec::new().into()),
            Ok(v) => Value::List(
                vec![s(&format!(
                    "json: cannot unmarshal {} into Go value of type []interface {{}}",
                    json_kind(&v)
                ))]
                .into(),
            ),
            Err(e) => Value::List(vec![s(&e.to_string())].into()),
        })
    });
    f!(m, "adler32sum", |a: &[Value]| -> R {
        let b = to_str(arg(a, 0, "adler32sum")?);
        let (mut x, mut y) = (1u32, 0u32);
        for c in b.bytes() {
            x = (x + u32::from(c)) % 65521;
            y = (y + x) % 65521;
        }
        Ok(s(&((y << 16) | x).to_string()))
    });
}
