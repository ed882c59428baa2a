//! Helm's `toToml`: the TOML BurntSushi/toml's encoder writes, byte for byte. Each map's
//! plain keys first, then its tables and arrays of tables, each group sorted; a table's
//! contents indented two spaces a level; a blank line before each top-level table and each
//! `[[array]]` entry; nils left out; floats in Go's shortest `g` form with `.0` added to a
//! whole number (every number of Helm's values is a float64: `port = 8080.0`).

use super::*;

/// The TOML text of a value, or the encoder's error as Helm returns it (a string).
pub(super) fn to_toml(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    match v {
        Value::Map(m) => table_body(&mut out, &[], &m.snapshot())?,
        Value::Nil => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        other => element(&mut out, other)?,
    }
    Ok(out)
}

fn is_table(v: &Value) -> bool {
    match v {
        Value::Map(_) => true,
        Value::List(l) => !l.is_empty() && l.iter().all(|e| matches!(e, Value::Map(_))),
        _ => false,
    }
}

fn indent(path: &[Arc<str>]) -> String {
    "  ".repeat(path.len().saturating_sub(1))
}

fn dotted(path: &[Arc<str>]) -> String {
    path.iter().map(|k| key(k)).collect::<Vec<_>>().join(".")
}

fn table_body(
    out: &mut String,
    path: &[Arc<str>],
    m: &BTreeMap<Arc<str>, Value>,
) -> Result<(), String> {
    let (tables, direct): (Vec<_>, Vec<_>) = m
        .iter()
        .filter(|(_, v)| !matches!(v, Value::Nil | Value::Function(_)))
        .partition(|(_, v)| is_table(v));
    for (k, v) in direct {
        let mut p = path.to_vec();
        p.push(k.clone());
        out.push_str(&format!("{}{} = ", indent(&p), key(k)));
        element(out, v)?;
        out.push('\n');
    }
    for (k, v) in tables {
        let mut p = path.to_vec();
        p.push(k.clone());
        match v {
            Value::Map(sub) => {
                // BurntSushi's `newline` writes nothing before the first line.
                if p.len() == 1 && !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("{}[{}]\n", indent(&p), dotted(&p)));
                table_body(out, &p, &sub.snapshot())?;
            }
            Value::List(items) => {
                for item in items.iter() {
                    if let Value::Map(sub) = item {
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        out.push_str(&format!("{}[[{}]]\n", indent(&p), dotted(&p)));
                        table_body(out, &p, &sub.snapshot())?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn element(out: &mut String, v: &Value) -> Result<(), String> {
    match v {
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&float(*f)),
        Value::String(s) => out.push_str(&quote(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if matches!(item, Value::Nil) {
                    return Err("toml: cannot encode array with nil element".into());
                }
                if i > 0 {
                    out.push_str(", ");
                }
                element(out, item)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            // An inline table (a map inside an array), as BurntSushi writes it: no blanks
            // inside the braces (measured: Helm's `{Key = "x"}`).
            out.push('{');
            let entries = m.snapshot();
            let mut first = true;
            for (k, v) in entries.iter().filter(|(_, v)| !matches!(v, Value::Nil)) {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                out.push_str(&format!("{} = ", key(k)));
                element(out, v)?;
            }
            out.push('}');
        }
        Value::Nil => return Err("toml: cannot encode a nil value".into()),
        _ => return Err("toml: unsupported type".into()),
    }
    Ok(())
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` with `.0` added to a whole number.
fn float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let g = Value::Float(f).to_string();
    if g.contains(['.', 'e', 'n', 'i']) {
        g
    } else {
        format!("{g}.0")
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

/// BurntSushi's `quoteString`.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
