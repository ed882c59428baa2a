//! Encodings and digests: YAML and JSON both ways, base64, sha1/sha256/adler32.

use super::*;
pub(super) use crate::input::yaml::scalars::go_b64_std_decode;

pub(super) fn sha256(b: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(b);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

pub(in crate::input::render::helm) fn b64enc(b: &[u8]) -> String {
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
    // Helm's fromYamlArray unmarshals into an empty `[]interface{}`: a null document, or a
    // text without one (a recursive helper's `include` that printed nothing), leaves it
    // empty, not nil (`toJson` writes `[]`).
    f!(m, "fromYamlArray", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromYamlArray")?);
        if !from_yaml::holds_node(&text) {
            return Ok(Value::List(Vec::new().into()));
        }
        Ok(match from_yaml::read(text) {
            Ok(Value::Nil) => Value::List(Vec::new().into()),
            Ok(v @ Value::List(_)) => v,
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
                let text = go_json(&v, pretty);
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
        if let Some(message) = go_json_syntax_error(&text) {
            return Ok(Value::from(BTreeMap::from([(
                Arc::from("Error"),
                s(&message),
            )])));
        }
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
    // Sprig returns the decoding error's text as the result.
    f!(m, "b64dec", |a: &[Value]| -> R {
        Ok(s(
            &match go_b64_std_decode(to_str(arg(a, 0, "b64dec")?).as_bytes()) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(at) => format!("illegal base64 data at input byte {at}"),
            },
        ))
    });
    f!(m, "sha512sum", |a: &[Value]| -> R {
        use sha2::Digest;
        let d = sha2::Sha512::digest(to_str(arg(a, 0, "sha512sum")?).as_bytes());
        Ok(s(&d.iter().map(|b| format!("{b:02x}")).collect::<String>()))
    });
    // Sprig's buildCustomCert: a certificate and key given as base64 PEM, checked and
    // returned as the `.Cert`/`.Key` pair the gen* functions return (a wrong input is
    // Sprig's error).
    f!(m, "buildCustomCert", |a: &[Value]| -> R {
        let decode = |i: usize, what: &str| {
            go_b64_std_decode(to_str(arg(a, i, "buildCustomCert")?).as_bytes())
                .map_err(|_| err(format!("unable to decode base64 {what}")))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        let cert = decode(0, "certificate")?;
        let key = decode(1, "private key")?;
        if !cert.contains("-----BEGIN ") || !cert.contains("-----END ") {
            return Err(err("unable to decode certificate"));
        }
        if !cert.contains("-----BEGIN CERTIFICATE-----") {
            return Err(err(
                "error parsing certificate: decodedCert.Bytes: x509: malformed certificate",
            ));
        }
        if !key.contains("PRIVATE KEY-----") {
            return Err(err("error parsing private key: no PEM data found"));
        }
        Ok(Value::from(BTreeMap::from([
            (Arc::from("Cert"), s(&cert)),
            (Arc::from("Key"), s(&key)),
        ])))
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
        if let Some(message) = go_json_syntax_error(&text) {
            return Ok(Value::List(vec![s(&message)].into()));
        }
        Ok(match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v @ serde_json::Value::Array(_)) => json_to_value(&v),
            // encoding/json sets the slice to nil for a JSON null.
            Ok(serde_json::Value::Null) => Value::List(gotmpl::nil_list()),
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

/// The syntax error Go's `encoding/json` reports for `text` (its scanner's messages:
/// `invalid character 'o' in literal null (expecting 'u')`, `unexpected end of JSON input`),
/// or `None` when the text is valid JSON. Helm's `fromJson` puts that text in its `Error`.
pub(super) fn go_json_syntax_error(text: &str) -> Option<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        BeginValue,
        BeginValueOrEmpty,
        BeginStringOrEmpty,
        BeginString,
        EndValue,
        EndTop,
        InString,
        InStringEsc,
        InStringEscU(u8),
        Neg,
        One,
        Zero,
        Dot,
        Dot0,
        E,
        ESign,
        E0,
        Lit(&'static [u8], usize, &'static str),
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Ps {
        ObjectKey,
        ObjectValue,
        ArrayValue,
    }
    fn quote(c: u8) -> String {
        match c {
            b'\'' => "'\\''".into(),
            b'"' => "'\"'".into(),
            0x20..=0x7e => format!("'{}'", c as char),
            b'\n' => "'\\n'".into(),
            b'\r' => "'\\r'".into(),
            b'\t' => "'\\t'".into(),
            0..=0x1f | 0x7f => format!("'\\x{c:02x}'"),
            _ => format!("'{}'", char::from(c)),
        }
    }
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut stack: Vec<Ps> = Vec::new();
    let mut st = St::BeginValue;
    let bytes = text.as_bytes();
    let mut i = 0;
    // One step of the scanner on byte `c`; `Err` is the message. A state that does not
    // consume `c` hands it to the next state (Go calls that state's function with it).
    let step = |st: &mut St, stack: &mut Vec<Ps>, c: u8| -> Result<(), String> {
        let bad = |what: &str| Err(format!("invalid character {} {what}", quote(c)));
        loop {
            match *st {
                St::BeginValue
                | St::BeginValueOrEmpty
                | St::BeginStringOrEmpty
                | St::BeginString
                    if space(c) =>
                {
                    return Ok(());
                }
                St::BeginValueOrEmpty if c == b']' => {
                    *st = St::EndValue;
                    continue;
                }
                St::BeginValueOrEmpty => *st = St::BeginValue,
                St::BeginStringOrEmpty if c == b'}' => {
                    if let Some(top) = stack.last_mut() {
                        *top = Ps::ObjectValue;
                    }
                    *st = St::EndValue;
                    continue;
                }
                St::BeginStringOrEmpty => *st = St::BeginString,
                St::BeginString => {
                    return if c == b'"' {
                        *st = St::InString;
                        Ok(())
                    } else {
                        bad("looking for beginning of object key string")
                    };
                }
                St::BeginValue => {
                    *st = match c {
                        b'{' => {
                            stack.push(Ps::ObjectKey);
                            St::BeginStringOrEmpty
                        }
                        b'[' => {
                            stack.push(Ps::ArrayValue);
                            St::BeginValueOrEmpty
                        }
                        b'"' => St::InString,
                        b'-' => St::Neg,
                        b'0' => St::Zero,
                        b'1'..=b'9' => St::One,
                        b't' => St::Lit(b"rue", 0, "true"),
                        b'f' => St::Lit(b"alse", 0, "false"),
                        b'n' => St::Lit(b"ull", 0, "null"),
                        _ => return bad("looking for beginning of value"),
                    };
                    return Ok(());
                }
                St::EndValue => {
                    let Some(top) = stack.last().copied() else {
                        *st = St::EndTop;
                        continue;
                    };
                    if space(c) {
                        return Ok(());
                    }
                    match (top, c) {
                        (Ps::ObjectKey, b':') => {
                            *stack.last_mut().unwrap_or(&mut Ps::ObjectKey) = Ps::ObjectValue;
                            *st = St::BeginValue;
                        }
                        (Ps::ObjectKey, _) => return bad("after object key"),
                        (Ps::ObjectValue, b',') => {
                            *stack.last_mut().unwrap_or(&mut Ps::ObjectKey) = Ps::ObjectKey;
                            *st = St::BeginString;
                        }
                        (Ps::ObjectValue, b'}') | (Ps::ArrayValue, b']') => {
                            stack.pop();
                            *st = St::EndValue;
                        }
                        (Ps::ObjectValue, _) => return bad("after object key:value pair"),
                        (Ps::ArrayValue, b',') => *st = St::BeginValue,
                        (Ps::ArrayValue, _) => return bad("after array element"),
                    }
                    return Ok(());
                }
                St::EndTop => {
                    return if space(c) {
                        Ok(())
                    } else {
                        bad("after top-level value")
                    };
                }
                St::InString => {
                    match c {
                        b'"' => *st = St::EndValue,
                        b'\\' => *st = St::InStringEsc,
                        0..=0x1f => return bad("in string literal"),
                        _ => {}
                    }
                    return Ok(());
                }
                St::InStringEsc => {
                    *st = match c {
                        b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => St::InString,
                        b'u' => St::InStringEscU(0),
                        _ => return bad("in string escape code"),
                    };
                    return Ok(());
                }
                St::InStringEscU(n) => {
                    if !c.is_ascii_hexdigit() {
                        return bad("in \\u hexadecimal character escape");
                    }
                    *st = if n == 3 {
                        St::InString
                    } else {
                        St::InStringEscU(n + 1)
                    };
                    return Ok(());
                }
                St::Neg => {
                    *st = match c {
                        b'0' => St::Zero,
                        b'1'..=b'9' => St::One,
                        _ => return bad("in numeric literal"),
                    };
                    return Ok(());
                }
                St::One if c.is_ascii_digit() => return Ok(()),
                St::One => *st = St::Zero,
                St::Zero => match c {
                    b'.' => {
                        *st = St::Dot;
                        return Ok(());
                    }
                    b'e' | b'E' => {
                        *st = St::E;
                        return Ok(());
                    }
                    _ => *st = St::EndValue,
                },
                St::Dot => {
                    return if c.is_ascii_digit() {
                        *st = St::Dot0;
                        Ok(())
                    } else {
                        bad("after decimal point in numeric literal")
                    };
                }
                St::Dot0 => match c {
                    b'0'..=b'9' => return Ok(()),
                    b'e' | b'E' => {
                        *st = St::E;
                        return Ok(());
                    }
                    _ => *st = St::EndValue,
                },
                St::E => {
                    if c == b'+' || c == b'-' {
                        *st = St::ESign;
                        return Ok(());
                    }
                    *st = St::ESign;
                }
                St::ESign => {
                    return if c.is_ascii_digit() {
                        *st = St::E0;
                        Ok(())
                    } else {
                        bad("in exponent of numeric literal")
                    };
                }
                St::E0 if c.is_ascii_digit() => return Ok(()),
                St::E0 => *st = St::EndValue,
                St::Lit(rest, at, word) => {
                    if c != rest[at] {
                        return bad(&format!(
                            "in literal {word} (expecting {})",
                            quote(rest[at])
                        ));
                    }
                    *st = if at + 1 == rest.len() {
                        St::EndValue
                    } else {
                        St::Lit(rest, at + 1, word)
                    };
                    return Ok(());
                }
            }
        }
    };
    while i < bytes.len() {
        if let Err(e) = step(&mut st, &mut stack, bytes[i]) {
            return Some(e);
        }
        i += 1;
    }
    // Go's eof: a space ends a number or a literal; anything else unfinished is an early end.
    if st == St::EndTop {
        return None;
    }
    match step(&mut st, &mut stack, b' ') {
        Err(e) => Some(e),
        Ok(()) if st == St::EndTop => None,
        Ok(()) => Some("unexpected end of JSON input".into()),
    }
}

/// Go's encoding/json text of a value: serde_json's layout with Go's float64 form (`'f'`
/// between 1e-6 and 1e21, else `'e'` with a two-digit positive exponent: `0.000001`,
/// `100000000000000000000`, `1e+21`, `1e-7`, `-0`).
pub(super) fn go_json(v: &serde_json::Value, pretty: bool) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let done = if pretty {
        let f = GoFloats(serde_json::ser::PrettyFormatter::new());
        v.serialize(&mut serde_json::Serializer::with_formatter(&mut out, f))
    } else {
        let f = GoFloats(serde_json::ser::CompactFormatter);
        v.serialize(&mut serde_json::Serializer::with_formatter(&mut out, f))
    };
    match done {
        // Go's encoder always writes U+2028 and U+2029 escaped (JSONP-safe, even with HTML
        // escaping off, as `toRawJson`); they can only stand inside a string here.
        Ok(()) => String::from_utf8(out)
            .unwrap_or_default()
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029"),
        Err(_) => String::new(),
    }
}

/// Go's `strconv.FormatFloat` as encoding/json calls it.
pub(super) fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let e = format!("{f:e}");
        let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        return if exp < 0 {
            format!("{mant}e-{}", -exp)
        } else {
            format!("{mant}e+{exp:02}")
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    format!("{f}")
}

struct GoFloats<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for GoFloats<F> {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        w.write_all(go_json_float(value).as_bytes())
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::go_b64_std_decode;

    /// Each text's result as Helm's `b64dec` printed it.
    #[test]
    fn b64dec_fails_where_go_fails() {
        for (text, at) in [
            ("not base64!", 3),
            ("YWI", 0),
            ("YW=", 3),
            ("YWJjZA", 4),
            ("YQ==YQ==", 4),
            ("Y", 0),
            ("a b", 1),
            ("YQ=", 3),
            ("YQ===", 4),
            ("=", 0),
            ("YWJjZA=x", 6),
            ("YWJj ZA==", 4),
            ("ü", 0),
            ("YWJjZGVm*", 8),
        ] {
            assert_eq!(go_b64_std_decode(text.as_bytes()), Err(at), "{text:?}");
        }
        assert_eq!(go_b64_std_decode(b"YWJj\nZA==").unwrap(), b"abcd");
        assert_eq!(go_b64_std_decode(b"Zm9v\r\nYmFy").unwrap(), b"foobar");
        assert_eq!(go_b64_std_decode(b"").unwrap(), b"");
        assert_eq!(go_b64_std_decode(b"YQ==").unwrap(), b"a");
    }
}
