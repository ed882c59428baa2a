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

/// Whether a plain scalar is a string in both schemas whatever else it holds: one that starts
/// with no digit, `.`, sign or `~`, and is no word the schemas read (`null`, `true`, `yes`,
/// `off`, …: five letters at most). Most scalars of a big text are such (a CRD's keys and
/// descriptions), and the number tests below cost ~1,000 instructions a scalar.
pub fn surely_string(text: &str) -> bool {
    match text.as_bytes().first() {
        None | Some(b'0'..=b'9' | b'.' | b'+' | b'-' | b'~') => false,
        // The first letters of the schemas' words.
        Some(b'n' | b'N' | b'y' | b'Y' | b'o' | b'O' | b't' | b'T' | b'f' | b'F') => text.len() > 5,
        Some(_) => true,
    }
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
    if surely_string(text) {
        return Value::String(text.to_string());
    }
    read_core(text)
}

/// [`resolve_core`] without the shortcut.
fn read_core(text: &str) -> Value {
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
    if surely_string(text) {
        return Value::String(text.to_string());
    }
    read_yaml11(text)
}

/// [`resolve_yaml11`] without the shortcut.
fn read_yaml11(text: &str) -> Value {
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
    if surely_string(text) {
        return None;
    }
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

/// Whether go-yaml v3 (kyaml's YAML, Kustomize's) reads `text`, a plain scalar without a
/// tag, as a string (`yaml.v3`'s `resolve`): not a null, boolean, `.inf`/`.nan`, number
/// (Go's `ParseInt`/`ParseUint` with base prefixes after dropping `_`, then a YAML-style
/// float, `0b`/`0o` forms) nor a `YYYY-M-D` date. `yes` and `on` are strings.
pub fn go_yaml_v3_plain_is_string(text: &str) -> bool {
    match text {
        "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        | ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return false,
        "" => return true,
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        // strconv.ParseFloat: `.5`, `.5e3`.
        return go_parse_float(text).is_none();
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return true;
    }
    if go_date(text) {
        return false;
    }
    let plain = text.replace('_', "");
    if go_parse_int_base0(&plain) {
        return false;
    }
    let (_, body) = split_sign(&plain);
    if is_yaml_style_float(body) && plain.parse::<f64>().is_ok() {
        return false;
    }
    for prefix in ["0b", "0o"] {
        let radix = if prefix == "0b" { 2 } else { 8 };
        let digits = plain
            .strip_prefix(prefix)
            .or_else(|| plain.strip_prefix('-').and_then(|p| p.strip_prefix(prefix)));
        if let Some(d) = digits
            && !d.is_empty()
            && i64::from_str_radix(d, radix).is_ok()
        {
            return false;
        }
    }
    true
}

/// go-yaml v3's `resolve` of a scalar with an explicit core tag (no timestamps then): its
/// type (`null`, `bool`, `int`, `float`, `str`, or `inf` for a non-finite float) and value.
pub fn resolve_go_yaml_v3(text: &str) -> (&'static str, Value) {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ("null", Value::Null),
        "true" | "True" | "TRUE" => return ("bool", Value::Bool(true)),
        "false" | "False" | "FALSE" => return ("bool", Value::Bool(false)),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return ("inf", Value::Null),
        _ => {}
    }
    let float = |f: f64| {
        serde_json::Number::from_f64(f)
            .map_or(("inf", Value::Null), |n| ("float", Value::Number(n)))
    };
    let first = text.as_bytes()[0];
    if first == b'.' {
        return match go_parse_float(text) {
            Some(f) => float(f),
            None => ("str", Value::String(text.to_string())),
        };
    }
    if first.is_ascii_digit() || first == b'+' || first == b'-' {
        let plain = text.replace('_', "");
        if go_parse_int_base0(&plain) {
            let (neg, body) = split_sign(&plain);
            let lower = body.to_ascii_lowercase();
            let (radix, digits) = go_base0_radix(&lower);
            if let Ok(n) = u128::from_str_radix(digits, radix) {
                let v = if neg {
                    i64::try_from(-(n as i128)).ok().map(Value::from)
                } else {
                    u64::try_from(n).ok().map(Value::from)
                };
                if let Some(v) = v {
                    return ("int", v);
                }
            }
        }
        let (_, body) = split_sign(&plain);
        if is_yaml_style_float(body)
            && let Ok(f) = plain.parse::<f64>()
        {
            return float(f);
        }
    }
    ("str", Value::String(text.to_string()))
}

/// Go's `strconv.ParseFloat` for text starting with `.` (decimal digits, an exponent).
fn go_parse_float(text: &str) -> Option<f64> {
    let ok = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !ok {
        return None;
    }
    text.parse::<f64>().ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` without its sign.
fn is_yaml_style_float(body: &str) -> bool {
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    mantissa_ok && exp.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)))
}

/// Go's `base64.StdEncoding.DecodeString` (Sprig's `b64dec`, go-yaml's `!!binary`), quantum by quantum as Go's
/// `decodeQuantum` reads it: line breaks skipped, `=` padding required, the byte offset of
/// Go's `CorruptInputError` when the text is not base64.
pub(crate) fn go_b64_std_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let skip_breaks = |mut si: usize| {
        while si < src.len() && matches!(src[si], b'\n' | b'\r') {
            si += 1;
        }
        si
    };
    let mut out = Vec::new();
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u32; 4];
        let mut dlen = 4;
        let mut trailing: Option<usize> = None;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = val(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                // "==" is expected, the first is read.
                si = skip_breaks(si);
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
            }
            si = skip_breaks(si);
            if si < src.len() {
                trailing = Some(si);
            }
            dlen = j;
            break;
        }
        let v = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(at) = trailing {
            return Err(at);
        }
    }
    Ok(out)
}

/// The radix and digits of an integer's text (lower case, no sign) as Go's base-0 parsing
/// reads it: `0x`, `0o`, `0b`, a leading `0` (octal), else decimal.
pub(crate) fn go_base0_radix(lower: &str) -> (u32, &str) {
    if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower)
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeds: a sign (ParseInt
/// only), then `0x`/`0o`/`0b` (either case) or a leading `0` (octal) or decimal digits.
fn go_parse_int_base0(s: &str) -> bool {
    let (neg, body) = split_sign(s);
    let signed = s.starts_with(['+', '-']);
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = go_base0_radix(&lower);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    let Ok(n) = u128::from_str_radix(digits, radix) else {
        return false;
    };
    if neg {
        n <= 1u128 << 63
    } else if signed {
        n < 1u128 << 63
    } else {
        n <= u64::MAX as u128
    }
}

/// go-yaml v3's timestamps as a key can hold them (no `:` or space): `YYYY-M-D` (Go's
/// `time.Parse("2006-1-2")`, a valid day of the month).
fn go_date(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let num = |s: &str, max_len| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (
        (y.len() == 4).then(|| num(y, 4)).flatten(),
        num(m, 2),
        num(d, 2),
    ) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The days of a month (1–12) of a year of the Gregorian calendar, as a YAML timestamp's date
/// is checked (Go's `time.Parse` refuses February 30).
pub(crate) fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod go_yaml_v3_tests {
    use super::go_yaml_v3_plain_is_string as is_string;

    /// Each measured with `kubectl kustomize` (Kustomize v5.8.1) as a generator literal's key:
    /// the ones read as another type fail its build.
    #[test]
    fn keys_kustomize_reads_as_other_types() {
        for k in [
            "5432",
            "true",
            "1.5",
            "null",
            "0x1F",
            "07",
            "~",
            "1e3",
            "-1",
            "+1",
            "1_000",
            ".inf",
            "08",
            "0b101",
            "0o17",
            "2024-01-01",
            "1.",
            ".5",
            "1_",
            "-0",
            "1.5e3",
            ".Inf",
            ".NaN",
            "NULL",
            "False",
            "FALSE",
            "Null",
            "-.inf",
            "09.5",
            "1__0",
            "0B1",
            "0X1F",
            "0O7",
        ] {
            assert!(!is_string(k), "{k}");
        }
        for k in [
            "yes",
            "on",
            "1e",
            "0x",
            "_1",
            "y",
            "abc",
            "1a",
            "0x1G",
            "2024-13-01",
            "2023-02-29",
            "v1.5",
            "-",
            ".",
            "1-2",
            "",
        ] {
            assert!(is_string(k), "{k}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{read_core, read_yaml11, surely_string};
    use proptest::prelude::*;

    /// Every word and number shape the schemas read, and near misses.
    const SEEDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true",
        "True", "TRUE", "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ".inf", "-.Inf", "+.INF", ".nan", "0b101", "0x1F", "0o17", "017", "1_000", "1e3", "e3",
        "E3", "_1", "a1", "nulls", "Falsey", "yesno", "x", "é1", "1:20",
    ];

    #[test]
    fn seeds_read_alike() {
        for s in SEEDS {
            if surely_string(s) {
                assert!(read_yaml11(s).is_string(), "{s:?}");
                assert!(read_core(s).is_string(), "{s:?}");
            }
        }
    }

    proptest! {
        /// The shortcut says string only of what both full readings make a string.
        #[test]
        fn surely_string_is_a_string(s in "[a-zA-Z0-9_.+~:eE -]{0,7}") {
            if surely_string(&s) {
                prop_assert!(read_yaml11(&s).is_string());
                prop_assert!(read_core(&s).is_string());
            }
        }
    }
}
