//! `toYaml` as Helm prints it (sigs.k8s.io/yaml over go-yaml): keys sorted, two-space indent,
//! sequences in a mapping not indented, strings quoted when YAML 1.1 would read them as
//! something else, multi-line strings as literal blocks, no trailing newline.

use gotmpl::Value;

pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    emit(v, 0, &mut out, Ctx::Top);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Top,
    MapValue,
    SeqItem,
}

fn pad(n: usize, out: &mut String) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn emit(v: &Value, indent: usize, out: &mut String, ctx: Ctx) {
    match v {
        Value::Map(m) if !m.is_empty() => {
            if ctx == Ctx::MapValue {
                out.push('\n');
            }
            let mut first = true;
            for (k, val) in m.iter() {
                if !(first && ctx == Ctx::SeqItem) {
                    pad(indent, out);
                }
                first = false;
                out.push_str(&scalar_str(k, indent));
                out.push(':');
                match val {
                    Value::Map(mm) if !mm.is_empty() => emit(val, indent + 2, out, Ctx::MapValue),
                    Value::List(l) if !l.is_empty() => {
                        out.push('\n');
                        emit(val, indent, out, Ctx::MapValue)
                    }
                    _ => {
                        out.push(' ');
                        emit(val, indent + 2, out, Ctx::MapValue);
                    }
                }
            }
        }
        Value::List(l) if !l.is_empty() => {
            let mut first = true;
            for item in l.iter() {
                if !(first && ctx == Ctx::SeqItem) {
                    pad(indent, out);
                }
                first = false;
                out.push_str("- ");
                match item {
                    Value::Map(mm) if !mm.is_empty() => emit(item, indent + 2, out, Ctx::SeqItem),
                    Value::List(ll) if !ll.is_empty() => emit(item, indent + 2, out, Ctx::SeqItem),
                    _ => emit(item, indent + 2, out, Ctx::SeqItem),
                }
            }
        }
        Value::Map(_) => out.push_str("{}\n"),
        Value::List(_) => out.push_str("[]\n"),
        Value::String(s) => {
            out.push_str(&string_scalar(s, indent));
            out.push('\n');
        }
        other => {
            out.push_str(&plain_scalar(other));
            out.push('\n');
        }
    }
}

fn plain_scalar(v: &Value) -> String {
    match v {
        Value::Nil => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                let s = format!("{f}");
                if s.contains('e') { s } else { s }
            }
        }
        other => other.to_string(),
    }
}

fn scalar_str(s: &str, indent: usize) -> String {
    string_scalar(s, indent)
}

/// True when go-yaml would read `s` back as something other than this string.
pub fn ambiguous(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "" | "~"
            | "null"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "-.inf"
            | "+.inf"
            | ".nan"
    ) {
        return true;
    }
    let t = s.replace('_', "");
    if t.parse::<f64>().is_ok()
        && !t.contains("inf")
        && !t.contains("nan")
        && !t.contains("Inf")
        && !t.contains("NaN")
    {
        return true;
    }
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("-0x"))
        && !h.is_empty()
        && h.chars().all(|c| c.is_ascii_hexdigit())
    {
        return true;
    }
    if let Some(o) = t.strip_prefix("0o")
        && !o.is_empty()
        && o.chars().all(|c| c.is_digit(8))
    {
        return true;
    }
    // Sexagesimal (YAML 1.1): 1:20, 190:20:30.
    if s.contains(':')
        && s.split(':')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return true;
    }
    false
}

fn needs_quotes(s: &str) -> bool {
    if ambiguous(s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-` and `?` and `:` are fine when followed by a non-space... go-yaml still quotes
        // most of them; keep it simple and safe.
        if !(matches!(first, '-' | '?' | ':') && s.len() > 1 && !s[1..].starts_with(' ')) {
            return true;
        }
    }
    if s.starts_with(' ') || s.ends_with(' ') || s.starts_with('\t') || s.ends_with('\t') {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return true;
    }
    s.chars()
        .any(|c| (c.is_control() && c != '\n') || c == '\u{feff}')
}

fn string_scalar(s: &str, indent: usize) -> String {
    if s.contains('\n')
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        && !s.contains(" \n")
    {
        let chomp = if !s.ends_with('\n') {
            "-"
        } else if s.ends_with("\n\n") {
            "+"
        } else {
            ""
        };
        let ind = if s.starts_with(' ') || s.starts_with('\n') {
            "2"
        } else {
            ""
        };
        let mut out = format!("|{ind}{chomp}");
        let body = if chomp.is_empty() || chomp == "+" {
            s.strip_suffix('\n').unwrap_or(s)
        } else {
            s
        };
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                for _ in 0..indent {
                    out.push(' ');
                }
                out.push_str(line);
            }
        }
        return out;
    }
    // go-yaml: a string that would read back as another type is double-quoted; one that
    // cannot be plain for its characters is single-quoted when it has no control characters.
    if ambiguous(s) || is_timestamp(s) {
        return double_quoted(s);
    }
    if needs_quotes(s) {
        if s.chars().any(|c| c.is_control()) {
            return double_quoted(s);
        }
        return format!("'{}'", s.replace('\'', "''"));
    }
    s.to_string()
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// YAML 1.1 timestamps (`2020-09-07`, `2001-12-14t21:59:43.10-05:00`), which go-yaml quotes.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if !(digits(0..4) && b[4] == b'-') {
        return false;
    }
    // yyyy-m(m)-d(d), optionally followed by a time.
    let rest = &s[5..];
    let mut parts = rest.splitn(3, |c: char| c == '-' || c == 'T' || c == 't' || c == ' ');
    let m = parts.next().unwrap_or("");
    let d = parts.next().unwrap_or("");
    let ok = |p: &str| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit());
    ok(m) && ok(d.get(..d.len().min(2)).unwrap_or("")) && (d.len() <= 2 || !d.as_bytes()[2].is_ascii_digit())
}
