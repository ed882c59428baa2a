//! `configMapGenerator` / `secretGenerator` and Kustomize's content-hash name suffix.

use super::node::{Node, V};
use sha2::{Digest, Sha256};

/// Go's `encoding/json` text of a string (it escapes `<`, `>`, `&`, U+2028 and U+2029).
pub fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `json.Marshal` of a YAML-decoded value (maps with sorted keys).
fn go_json(n: &Node, out: &mut String) {
    match &n.v {
        V::Null => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Num(x) => out.push_str(&x.to_string()),
        V::Str(s) => go_json_string(s, out),
        V::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        V::Map(entries) => {
            let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                go_json(v, out);
            }
            out.push('}');
        }
    }
}

/// Kustomize's name suffix for a ConfigMap or Secret (`api/hasher`): the SHA-256 of a Go
/// JSON encoding of `kind`, `name`, `data` (and `type`, `binaryData` or `stringData` when they
/// are mappings), first ten hex digits with `0 1 3 a e` mapped to `g h k m t`.
///
/// Byte for byte as Kustomize: its lookup of the name asks for one field literally called
/// `metadata/name`, which no object has, so the name always enters as `""`; a missing
/// `data` (or `type`) enters as `""` too.
pub fn name_hash(obj: &Node) -> String {
    let kind = obj.get_str("kind").unwrap_or("");
    let empty = || Node::str("", None);
    let scalar_or_map = |f: &str| -> Node {
        match obj.get(f) {
            None => empty(),
            Some(n) => match &n.v {
                V::Map(_) => n.clone(),
                V::Null => empty(),
                _ => n.clone(),
            },
        }
    };
    let mut fields: Vec<(&str, Node)> = vec![
        ("kind", Node::str(kind, None)),
        ("name", empty()),
        ("data", scalar_or_map("data")),
    ];
    let optional = if kind == "Secret" {
        fields.push(("type", scalar_or_map("type")));
        "stringData"
    } else {
        "binaryData"
    };
    if let Some(m) = obj.get(optional).filter(|n| n.as_map().is_some()) {
        fields.push((optional, m.clone()));
    }
    let m = Node::new(
        V::Map(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ),
        None,
    );
    let mut json = String::new();
    go_json(&m, &mut json);
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// `KEY=VALUE` of a literal source, without the quotes Kustomize removes from the value.
pub fn parse_literal(s: &str) -> Option<(String, String)> {
    let (k, v) = s.split_once('=')?;
    let v = if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        &v[1..v.len() - 1]
    } else {
        v
    };
    Some((k.to_string(), v.to_string()))
}

/// One line of an env file: Ok(None) for blank and comment lines; a key without `=` takes
/// its value from the environment, as Kustomize does (`Err` carries a problem message).
pub fn parse_env_line(line: &str, first: bool) -> Result<Option<(String, String)>, String> {
    let line = if first {
        line.trim_start_matches('\u{feff}')
    } else {
        line
    };
    let line = line.trim_start();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (k, v) = match line.split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => {
            let v = std::env::var(line).unwrap_or_default();
            (line.to_string(), v)
        }
    };
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        || k.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(format!("{k:?} is not a valid environment variable name"));
    }
    Ok(Some((k, v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_json_escapes_like_go() {
        let mut s = String::new();
        go_json_string("a<b>&\"\n\u{1}é", &mut s);
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\n\u0001é""#);
    }

    #[test]
    fn hashes_match_kustomize() {
        // `kubectl kustomize` (Kustomize v5.8.1) of configMapGenerator/secretGenerator
        // `name: x|s, literals: [a=b]` names them x-4h2mbtbbt6 and s-k695gkmbtk.
        let cm = Node::from_json(
            &serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b"}}),
            &None,
        );
        assert_eq!(name_hash(&cm), "4h2mbtbbt6");
        let s = Node::from_json(
            &serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "Yg=="}}),
            &None,
        );
        assert_eq!(name_hash(&s), "k695gkmbtk");
    }

    #[test]
    fn literals_lose_matching_quotes() {
        assert_eq!(parse_literal("a=\"b\""), Some(("a".into(), "b".into())));
        assert_eq!(parse_literal("a='b"), Some(("a".into(), "'b".into())));
        assert_eq!(parse_literal("a=b=c"), Some(("a".into(), "b=c".into())));
        assert_eq!(parse_literal("a"), None);
    }
}
