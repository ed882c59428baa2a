//! Plain scalars into booleans, numbers, nulls and strings: the YAML 1.2 core schema and
//! YAML 1.1 as Kubernetes reads it.

use serde_json::{Number, Value};

fn int_value(neg: bool, digits: &str, radix: u32) -> Option<Value> {
    let digits = digits.replace('_', "");
    if digits.is_empty() {
        return None;
    }
    let n = i128::from_str_radix(&digits, radix).ok()?;
    let n = if neg { -n } else { n };
    if let Ok(i) = i64::try_from(n) {
        Some(Value::Number(Number::from(i)))
    } else if let Ok(u) = u64::try_from(n) {
        Some(Value::Number(Number::from(u)))
    } else {
        Number::from_f64(n as f64).map(Value::Number)
    }
}

fn float_value(text: &str) -> Option<Value> {
    let f: f64 = text.replace('_', "").parse().ok()?;
    // JSON has no infinities or NaN: keep their text, as Kubernetes' JSON conversion fails on them.
    Number::from_f64(f)
        .map(Value::Number)
        .or_else(|| Some(Value::String(text.to_string())))
}

fn split_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (false, rest)
    } else {
        (false, text)
    }
}

/// YAML 1.2 core schema.
pub fn resolve_core(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Value::String(text.to_string());
        }
        _ => {}
    }
    let (neg, body) = split_sign(text);
    if let Some(oct) = body.strip_prefix("0o")
        && !neg
        && text.starts_with('0')
        && oct.chars().all(|c| c.is_digit(8))
        && let Some(v) = int_value(false, oct, 8)
    {
        return v;
    }
    if let Some(hex) = body.strip_prefix("0x")
        && !neg
        && text.starts_with('0')
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && let Some(v) = int_value(false, hex, 16)
    {
        return v;
    }
    if !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit())
        && let Some(v) = int_value(neg, body, 10)
    {
        return v;
    }
    if is_core_float(body)
        && let Some(v) = float_value(text)
    {
        return v;
    }
    Value::String(text.to_string())
}

fn is_core_float(body: &str) -> bool {
    // [0-9]* ( \. [0-9]* )? ( [eE] [-+]? [0-9]+ )?  with at least one digit
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    if !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac.unwrap_or("").chars().all(|c| c.is_ascii_digit())
    {
        return false;
    }
    if int_part.is_empty() && frac.unwrap_or("").is_empty() {
        return false;
    }
    if frac.is_none() && exp.is_none() {
        return false;
    }
    match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// YAML 1.1 as go-yaml v2 resolves it, which is what Kubernetes applies to manifests.
pub fn resolve_yaml11(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Value::String(text.to_string());
        }
        _ => {}
    }
    let (neg, body) = split_sign(text);
    let plain = |s: &str, radix: u32| {
        !s.is_empty()
            && s.chars().all(|c| c == '_' || c.is_digit(radix))
            && s.chars().any(|c| c != '_')
    };
    if let Some(b) = body.strip_prefix("0b")
        && plain(b, 2)
        && let Some(v) = int_value(neg, b, 2)
    {
        return v;
    }
    if let Some(h) = body.strip_prefix("0x")
        && plain(h, 16)
        && let Some(v) = int_value(neg, h, 16)
    {
        return v;
    }
    // go-yaml v2 (2.4, the one Helm and kubectl use) also reads YAML 1.2's `0o17`.
    if let Some(o) = body.strip_prefix("0o")
        && plain(o, 8)
        && let Some(v) = int_value(neg, o, 8)
    {
        return v;
    }
    if body.len() > 1
        && body.starts_with('0')
        && plain(&body[1..], 8)
        && let Some(v) = int_value(neg, &body[1..], 8)
    {
        return v;
    }
    if plain(body, 10)
        && !body.starts_with('_')
        && let Some(v) = int_value(neg, body, 10)
    {
        return v;
    }
    // A copy only when there are underscores to drop (rarely: this runs for every string).
    let no_underscore = if body.contains('_') {
        std::borrow::Cow::Owned(body.replace('_', ""))
    } else {
        std::borrow::Cow::Borrowed(body)
    };
    if is_core_float(&no_underscore)
        && !body.starts_with('_')
        && (!text.starts_with('.') || underscores_between_digits(text))
        && let Some(v) = float_value(text)
    {
        return v;
    }
    Value::String(text.to_string())
}

/// The Go name of the float a YAML 1.1 infinity or NaN plain scalar reads as in go-yaml v2
/// (`.inf`, `+.Inf`, `-.INF`, `.NaN`): `+Inf`, `-Inf` or `NaN`. Go's JSON, through which Helm
/// reads every YAML file, refuses these floats; a `string` field of a struct takes the name.
pub fn yaml11_non_finite(text: &str) -> Option<&'static str> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some("+Inf"),
        "-.inf" | "-.Inf" | "-.INF" => Some("-Inf"),
        ".nan" | ".NaN" | ".NAN" => Some("NaN"),
        _ => None,
    }
}

/// Whether every `_` of `text` stands between two digits. go-yaml v2 drops the underscores of
/// a scalar that starts with a digit or a sign before reading it as a number, but hands one that
/// starts with `.` to Go's `strconv.ParseFloat` as written, which takes an underscore only
/// between digits: `.5_0` is the float 0.5, `._5` and `.5_` are strings.
pub fn underscores_between_digits(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'_'
            || (i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
}

/// A plain mapping key as Helm's values (and `fromYaml`) see it: go-yaml v2 reads the key as a
/// YAML 1.1 scalar and sigs.k8s.io/yaml turns it back into a JSON key, so `y`/`on`/`yes` are
/// `"true"`, `n`/`off`/`no` `"false"`, `0x10` is `"16"`, `1e3` is `"1000"` (a float formatted as
/// Go's `FormatFloat(f, 'g', -1, 32)`). Other keys (strings, null) stay as written.
pub fn yaml11_key(text: &str) -> Option<String> {
    match resolve_yaml11(text) {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i.to_string())
            } else if let Some(u) = n.as_u64() {
                Some(u.to_string())
            } else {
                n.as_f64().map(go_float32_key)
            }
        }
        _ => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's names for the infinities.
fn go_float32_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    go_float32(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that read back as the same
/// 32-bit float, with an exponent when it is below -4 or from 6 on (`1.1`, `0.12345679`,
/// `1e+10`, `+Inf`).
pub fn go_float32(f: f64) -> String {
    let f = f as f32;
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // Go's shortest %g: the exponent form when exp < -4 || exp >= 6.
    if !(-4..6).contains(&exp) {
        return format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    f.to_string()
}
