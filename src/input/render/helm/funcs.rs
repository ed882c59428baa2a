//! Sprig's and Helm's template functions, as charts use them.

use super::toyaml::to_yaml;
use gotmpl::{FuncMap, MapRef, TemplateError, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type R = gotmpl::Result<Value>;

pub fn err(msg: impl Into<String>) -> TemplateError {
    TemplateError::Exec(msg.into())
}

fn s(v: &str) -> Value {
    Value::String(Arc::from(v))
}

/// Go's `fmt.Sprint` of one value as Sprig's `toString` gives it.
pub fn to_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Nil => String::new(),
        other => other.to_string(),
    }
}

fn arg<'a>(args: &'a [Value], i: usize, name: &str) -> gotmpl::Result<&'a Value> {
    args.get(i).ok_or_else(|| {
        err(format!(
            "wrong number of args for {name}: want at least {}, got {}",
            i + 1,
            args.len()
        ))
    })
}

pub fn to_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Uint(u) => *u as i64,
        Value::Float(f) => *f as i64,
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .or_else(|_| s.trim().parse::<f64>().map(|f| f as i64))
            .unwrap_or(0),
        _ => 0,
    }
}

pub fn to_float(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Sprig's `empty`: Go's zero values.
pub fn is_empty(v: &Value) -> bool {
    !v.is_truthy()
}

pub fn json_to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        // Helm reads values through JSON: every number is a float64.
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => s.as_str().into(),
        serde_json::Value::Array(a) => {
            Value::List(a.iter().map(json_to_value).collect::<Vec<_>>().into())
        }
        serde_json::Value::Object(o) => {
            let m: BTreeMap<Arc<str>, Value> = o
                .iter()
                .map(|(k, v)| (Arc::from(k.as_str()), json_to_value(v)))
                .collect();
            Value::Map(MapRef::new(m))
        }
    }
}

pub fn value_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Uint(u) => serde_json::Value::from(*u),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9e15 {
                serde_json::Value::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null)
            }
        }
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::List(l) => serde_json::Value::Array(l.iter().map(value_to_json).collect()),
        Value::Map(m) => serde_json::Value::Object(
            m.snapshot()
                .iter()
                .map(|(k, v)| (k.to_string(), value_to_json(v)))
                .collect(),
        ),
        _ => serde_json::Value::Null,
    }
}

/// The entries of a map value as they are now (empty for anything else).
fn map_of(v: &Value) -> BTreeMap<Arc<str>, Value> {
    match v {
        Value::Map(m) => m.snapshot(),
        _ => BTreeMap::new(),
    }
}

/// The value of `key` in a map value.
fn entry(v: &Value, key: &str) -> Option<Value> {
    match v {
        Value::Map(m) => m.get(key),
        _ => None,
    }
}

pub fn list_of(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.to_vec(),
        Value::Nil => Vec::new(),
        other => vec![other.clone()],
    }
}

fn indent(n: usize, text: &str) -> String {
    let p = " ".repeat(n);
    format!("{p}{}", text.replace('\n', &format!("\n{p}")))
}

/// Maps nested deeper than this in a merge are a problem (a map can hold itself).
const MAX_MERGE_DEPTH: usize = 1000;

/// Sprig's deep merge (mergo) into `dst` in place, as Go changes the map every holder sees:
/// `merge` keeps dst's non-empty values, `mergeOverwrite` takes src's. Nested maps are merged
/// in place too; a key dst lacks takes src's value itself (shared, as in Go).
fn merge_into(dst: &MapRef, src: &Value, overwrite: bool, depth: usize) -> gotmpl::Result<()> {
    if depth > MAX_MERGE_DEPTH {
        return Err(err(format!(
            "merge: maps nested more than {MAX_MERGE_DEPTH} deep"
        )));
    }
    let Value::Map(src) = src else { return Ok(()) };
    if MapRef::ptr_eq(dst, src) {
        return Ok(());
    }
    for (k, v) in src.snapshot() {
        match (dst.get(&k), &v) {
            (Some(Value::Map(d)), Value::Map(_)) => merge_into(&d, &v, overwrite, depth + 1)?,
            (Some(existing), _) => {
                let take = if overwrite {
                    !matches!(v, Value::Nil)
                } else {
                    is_empty(&existing) && !matches!(existing, Value::Bool(false))
                };
                if take {
                    dst.write().insert(k, v);
                }
            }
            (None, _) => {
                dst.write().insert(k, v);
            }
        }
    }
    Ok(())
}

pub fn regex(pat: &str) -> gotmpl::Result<regex::Regex> {
    regex::Regex::new(pat).map_err(|e| err(format!("invalid regular expression {pat:?}: {e}")))
}

fn sha256(b: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(b);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn b64enc(b: &[u8]) -> String {
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

fn b64dec(s: &str) -> Vec<u8> {
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

/// Masterminds/semver constraint check (`>=1.19-0`, `~1.2`, `^1`, `>=1, <2`, `a || b`).
pub fn semver_compare(constraint: &str, version: &str) -> gotmpl::Result<bool> {
    let v = parse_version(version)
        .ok_or_else(|| err(format!("invalid semantic version {version:?}")))?;
    for alt in constraint.split("||") {
        let mut all = true;
        let norm = alt.replace(',', " ");
        let mut toks: Vec<String> = Vec::new();
        for t in norm.split_whitespace() {
            // `>= 1.2` written with a space.
            if let Some(last) = toks.last_mut()
                && matches!(
                    last.as_str(),
                    ">" | ">=" | "<" | "<=" | "=" | "!=" | "~" | "^"
                )
            {
                last.push_str(t);
                continue;
            }
            toks.push(t.to_string());
        }
        for t in &toks {
            let (op, rest) = ["!=", ">=", "<=", "=>", "=<", ">", "<", "=", "~>", "~", "^"]
                .iter()
                .find_map(|op| t.strip_prefix(op).map(|r| (*op, r)))
                .unwrap_or(("=", t.as_str()));
            let c = parse_version(rest)
                .ok_or_else(|| err(format!("improper constraint: {constraint}")))?;
            let cmp = cmp_versions(&v, &c);
            use std::cmp::Ordering::*;
            let ok = match op {
                ">" => cmp == Greater,
                ">=" | "=>" => cmp != Less,
                "<" => cmp == Less,
                "<=" | "=<" => cmp != Greater,
                "!=" => cmp != Equal,
                "~" | "~>" => cmp != Less && v.0[0] == c.0[0] && (c.2 < 2 || v.0[1] == c.0[1]),
                "^" => cmp != Less && v.0[0] == c.0[0],
                _ => {
                    // `=1.2` matches 1.2.x when the patch is not given.
                    (0..c.2.max(1)).all(|i| v.0[i] == c.0[i]) && (c.2 < 3 || v.1 == c.1)
                }
            };
            // Masterminds: a version with a prerelease only satisfies constraints that have one.
            let pre_ok = v.1.is_empty() || !c.1.is_empty();
            if !ok || !pre_ok {
                all = false;
                break;
            }
        }
        if all {
            return Ok(true);
        }
    }
    Ok(false)
}

/// ([major, minor, patch], prerelease, how many numbers were given).
type Version = ([u64; 3], String, usize);

fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim().trim_start_matches('v');
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, p.split('+').next().unwrap_or("").to_string()),
        None => (s.split('+').next().unwrap_or(s), String::new()),
    };
    let mut nums = [0u64; 3];
    let mut n = 0;
    for (i, part) in core.split('.').enumerate() {
        if i >= 3 {
            return None;
        }
        if part == "x" || part == "X" || part == "*" {
            break;
        }
        nums[i] = part.parse().ok()?;
        n = i + 1;
    }
    Some((nums, pre, n))
}

fn cmp_versions(a: &Version, b: &Version) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
        .then_with(|| match (a.1.is_empty(), b.1.is_empty()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (false, false) => a.1.cmp(&b.1),
        })
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Uint(_) => "uint",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "slice",
        Value::Map(_) => "map",
        _ => "func",
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Nil => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        _ => "func",
    }
}

fn num_result(f: f64, ints: bool) -> Value {
    if ints {
        Value::Int(f as i64)
    } else {
        Value::Float(f)
    }
}

/// Every Sprig and Helm function that needs no access to the chart (those are added by the
/// renderer: `include`, `tpl`, `required`, `lookup`, `fail`).
pub fn library() -> FuncMap {
    let mut m = FuncMap::new();
    macro_rules! f {
        ($name:expr, $body:expr) => {
            m.insert($name.to_string(), Arc::new($body));
        };
    }
    f!("toYaml", |a: &[Value]| -> R {
        Ok(s(&to_yaml(a.first().unwrap_or(&Value::Nil))))
    });
    f!("toYamlPretty", |a: &[Value]| -> R {
        Ok(s(&to_yaml(a.first().unwrap_or(&Value::Nil))))
    });
    f!("fromYaml", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromYaml")?);
        let file = crate::input::SourceFile::new("fromYaml".into(), None, text);
        Ok(match super::values::read_yaml(&file) {
            Ok((v, _)) => json_to_value(&if v.is_null() {
                serde_json::json!({})
            } else {
                v
            }),
            Err(e) => {
                let mut m = BTreeMap::new();
                m.insert(Arc::from("Error"), s(&e.message));
                Value::Map(MapRef::new(m))
            }
        })
    });
    f!("fromYamlArray", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromYamlArray")?);
        let file = crate::input::SourceFile::new("fromYamlArray".into(), None, text);
        Ok(match super::values::read_yaml(&file) {
            Ok((v, _)) => json_to_value(&v),
            Err(e) => Value::List(vec![s(&e.message)].into()),
        })
    });
    f!("toJson", |a: &[Value]| -> R {
        Ok(s(&serde_json::to_string(&value_to_json(
            a.first().unwrap_or(&Value::Nil),
        ))
        .unwrap_or_default()))
    });
    f!("mustToJson", |a: &[Value]| -> R {
        Ok(s(&serde_json::to_string(&value_to_json(
            a.first().unwrap_or(&Value::Nil),
        ))
        .unwrap_or_default()))
    });
    f!("toRawJson", |a: &[Value]| -> R {
        Ok(s(&serde_json::to_string(&value_to_json(
            a.first().unwrap_or(&Value::Nil),
        ))
        .unwrap_or_default()))
    });
    f!("toPrettyJson", |a: &[Value]| -> R {
        Ok(s(&serde_json::to_string_pretty(&value_to_json(
            a.first().unwrap_or(&Value::Nil),
        ))
        .unwrap_or_default()))
    });
    f!("fromJson", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromJson")?);
        Ok(match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => json_to_value(&v),
            Err(e) => {
                let mut m = BTreeMap::new();
                m.insert(Arc::from("Error"), s(&e.to_string()));
                Value::Map(MapRef::new(m))
            }
        })
    });
    f!("default", |a: &[Value]| -> R {
        let d = arg(a, 0, "default")?;
        Ok(match a.get(1) {
            Some(v) if !is_empty(v) => v.clone(),
            _ => d.clone(),
        })
    });
    f!("empty", |a: &[Value]| -> R {
        Ok(Value::Bool(is_empty(a.first().unwrap_or(&Value::Nil))))
    });
    f!("coalesce", |a: &[Value]| -> R {
        Ok(a.iter()
            .find(|v| !is_empty(v))
            .cloned()
            .unwrap_or(Value::Nil))
    });
    f!("ternary", |a: &[Value]| -> R {
        Ok(if arg(a, 2, "ternary")?.is_truthy() {
            a[0].clone()
        } else {
            a[1].clone()
        })
    });
    f!("quote", |a: &[Value]| -> R {
        Ok(s(&a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| format!("{:?}", to_str(v)))
            .collect::<Vec<_>>()
            .join(" ")))
    });
    f!("squote", |a: &[Value]| -> R {
        Ok(s(&a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| format!("'{}'", to_str(v)))
            .collect::<Vec<_>>()
            .join(" ")))
    });
    f!("indent", |a: &[Value]| -> R {
        Ok(s(&indent(
            to_int(arg(a, 0, "indent")?).max(0) as usize,
            &to_str(arg(a, 1, "indent")?),
        )))
    });
    f!("nindent", |a: &[Value]| -> R {
        Ok(s(&format!(
            "\n{}",
            indent(
                to_int(arg(a, 0, "nindent")?).max(0) as usize,
                &to_str(arg(a, 1, "nindent")?)
            )
        )))
    });
    f!("trim", |a: &[Value]| -> R {
        Ok(s(to_str(arg(a, 0, "trim")?).trim()))
    });
    f!("trimAll", |a: &[Value]| -> R {
        let cut: Vec<char> = to_str(arg(a, 0, "trimAll")?).chars().collect();
        Ok(s(
            to_str(arg(a, 1, "trimAll")?).trim_matches(|c| cut.contains(&c))
        ))
    });
    f!("trimSuffix", |a: &[Value]| -> R {
        let suf = to_str(arg(a, 0, "trimSuffix")?);
        let t = to_str(arg(a, 1, "trimSuffix")?);
        Ok(s(t.strip_suffix(suf.as_str()).unwrap_or(&t)))
    });
    f!("trimPrefix", |a: &[Value]| -> R {
        let pre = to_str(arg(a, 0, "trimPrefix")?);
        let t = to_str(arg(a, 1, "trimPrefix")?);
        Ok(s(t.strip_prefix(pre.as_str()).unwrap_or(&t)))
    });
    f!("upper", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 0, "upper")?).to_uppercase()))
    });
    f!("lower", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 0, "lower")?).to_lowercase()))
    });
    f!("title", |a: &[Value]| -> R {
        let t = to_str(arg(a, 0, "title")?);
        let mut out = String::new();
        let mut prev_space = true;
        for c in t.chars() {
            if prev_space {
                out.extend(c.to_uppercase())
            } else {
                out.push(c)
            }
            prev_space = c.is_whitespace();
        }
        Ok(s(&out))
    });
    f!("replace", |a: &[Value]| -> R {
        Ok(s(
            &to_str(arg(a, 2, "replace")?).replace(to_str(&a[0]).as_str(), &to_str(&a[1]))
        ))
    });
    f!("contains", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 1, "contains")?).contains(to_str(&a[0]).as_str()),
        ))
    });
    f!("hasPrefix", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 1, "hasPrefix")?).starts_with(to_str(&a[0]).as_str()),
        ))
    });
    f!("hasSuffix", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 1, "hasSuffix")?).ends_with(to_str(&a[0]).as_str()),
        ))
    });
    f!("trunc", |a: &[Value]| -> R {
        let n = to_int(arg(a, 0, "trunc")?);
        let t = to_str(arg(a, 1, "trunc")?);
        let len = t.len() as i64;
        Ok(s(&if n >= 0 {
            if n < len {
                t[..t.floor_char_boundary(n as usize)].to_string()
            } else {
                t
            }
        } else if -n < len {
            t[t.ceil_char_boundary((len + n) as usize)..].to_string()
        } else {
            t
        }))
    });
    f!("substr", |a: &[Value]| -> R {
        let (st, en) = (to_int(arg(a, 0, "substr")?), to_int(arg(a, 1, "substr")?));
        let t = to_str(arg(a, 2, "substr")?);
        let st = st.clamp(0, t.len() as i64) as usize;
        let en = if en < 0 || en as usize > t.len() {
            t.len()
        } else {
            en as usize
        };
        Ok(s(t.get(st..en.max(st)).unwrap_or("")))
    });
    f!("repeat", |a: &[Value]| -> R {
        let n = to_int(arg(a, 0, "repeat")?).clamp(0, 1 << 20) as usize;
        Ok(s(&to_str(arg(a, 1, "repeat")?).repeat(n)))
    });
    f!("nospace", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 0, "nospace")?)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()))
    });
    f!("cat", |a: &[Value]| -> R {
        Ok(s(&a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(to_str)
            .collect::<Vec<_>>()
            .join(" ")))
    });
    // Sprig's `strval` is `fmt.Sprint`: nil is `<nil>`.
    f!("toString", |a: &[Value]| -> R {
        Ok(s(&a.first().unwrap_or(&Value::Nil).to_string()))
    });
    f!("toStrings", |a: &[Value]| -> R {
        Ok(Value::List(
            list_of(a.first().unwrap_or(&Value::Nil))
                .iter()
                .map(|v| s(&to_str(v)))
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("int", |a: &[Value]| -> R {
        Ok(Value::Int(to_int(a.first().unwrap_or(&Value::Nil))))
    });
    f!("int64", |a: &[Value]| -> R {
        Ok(Value::Int(to_int(a.first().unwrap_or(&Value::Nil))))
    });
    f!("atoi", |a: &[Value]| -> R {
        Ok(Value::Int(
            to_str(a.first().unwrap_or(&Value::Nil))
                .trim()
                .parse()
                .unwrap_or(0),
        ))
    });
    f!("float64", |a: &[Value]| -> R {
        Ok(Value::Float(to_float(a.first().unwrap_or(&Value::Nil))))
    });
    f!("add", |a: &[Value]| -> R {
        Ok(Value::Int(a.iter().map(to_int).sum()))
    });
    f!("add1", |a: &[Value]| -> R {
        Ok(Value::Int(to_int(arg(a, 0, "add1")?) + 1))
    });
    f!("sub", |a: &[Value]| -> R {
        Ok(Value::Int(
            to_int(arg(a, 0, "sub")?) - to_int(arg(a, 1, "sub")?),
        ))
    });
    f!("mul", |a: &[Value]| -> R {
        Ok(Value::Int(a.iter().map(to_int).product()))
    });
    f!("div", |a: &[Value]| -> R {
        let d = to_int(arg(a, 1, "div")?);
        if d == 0 {
            return Err(err("integer divide by zero"));
        }
        Ok(Value::Int(to_int(&a[0]) / d))
    });
    f!("mod", |a: &[Value]| -> R {
        let d = to_int(arg(a, 1, "mod")?);
        if d == 0 {
            return Err(err("integer divide by zero"));
        }
        Ok(Value::Int(to_int(&a[0]) % d))
    });
    f!("max", |a: &[Value]| -> R {
        Ok(Value::Int(a.iter().map(to_int).max().unwrap_or(0)))
    });
    f!("min", |a: &[Value]| -> R {
        Ok(Value::Int(a.iter().map(to_int).min().unwrap_or(0)))
    });
    f!("addf", |a: &[Value]| -> R {
        Ok(num_result(a.iter().map(to_float).sum(), false))
    });
    f!("subf", |a: &[Value]| -> R {
        Ok(Value::Float(
            to_float(arg(a, 0, "subf")?) - a[1..].iter().map(to_float).sum::<f64>(),
        ))
    });
    f!("mulf", |a: &[Value]| -> R {
        Ok(Value::Float(a.iter().map(to_float).product()))
    });
    f!("divf", |a: &[Value]| -> R {
        Ok(Value::Float(
            to_float(arg(a, 0, "divf")?) / to_float(arg(a, 1, "divf")?),
        ))
    });
    f!("ceil", |a: &[Value]| -> R {
        Ok(Value::Float(to_float(arg(a, 0, "ceil")?).ceil()))
    });
    f!("floor", |a: &[Value]| -> R {
        Ok(Value::Float(to_float(arg(a, 0, "floor")?).floor()))
    });
    f!("round", |a: &[Value]| -> R {
        let p = a.get(1).map(to_int).unwrap_or(0) as i32;
        let m = 10f64.powi(p);
        Ok(Value::Float(
            (to_float(arg(a, 0, "round")?) * m).round() / m,
        ))
    });
    f!("list", |a: &[Value]| -> R {
        Ok(Value::List(a.to_vec().into()))
    });
    f!("tuple", |a: &[Value]| -> R {
        Ok(Value::List(a.to_vec().into()))
    });
    f!("dict", |a: &[Value]| -> R {
        let mut m = BTreeMap::new();
        for pair in a.chunks(2) {
            m.insert(
                Arc::from(to_str(&pair[0]).as_str()),
                pair.get(1).cloned().unwrap_or(s("")),
            );
        }
        Ok(Value::Map(MapRef::new(m)))
    });
    f!("get", |a: &[Value]| -> R {
        Ok(entry(arg(a, 0, "get")?, &to_str(arg(a, 1, "get")?)).unwrap_or(s("")))
    });
    // Sprig's `set`/`unset` change the map in place and return it: every holder of the map
    // (`.Values` in later templates, other variables) sees the change, as in Go.
    f!("set", |a: &[Value]| -> R {
        let key = Arc::from(to_str(arg(a, 1, "set")?).as_str());
        let value = arg(a, 2, "set")?.clone();
        Ok(match arg(a, 0, "set")? {
            Value::Map(m) => {
                m.write().insert(key, value);
                Value::Map(m.clone())
            }
            _ => Value::from(BTreeMap::from([(key, value)])),
        })
    });
    f!("unset", |a: &[Value]| -> R {
        let key = to_str(arg(a, 1, "unset")?);
        Ok(match arg(a, 0, "unset")? {
            Value::Map(m) => {
                m.write().remove(key.as_str());
                Value::Map(m.clone())
            }
            _ => Value::Map(MapRef::default()),
        })
    });
    f!("hasKey", |a: &[Value]| -> R {
        Ok(Value::Bool(
            entry(arg(a, 0, "hasKey")?, &to_str(arg(a, 1, "hasKey")?)).is_some(),
        ))
    });
    f!("keys", |a: &[Value]| -> R {
        let mut k: Vec<Value> = a
            .iter()
            .flat_map(|m| map_of(m).into_keys().map(Value::String).collect::<Vec<_>>())
            .collect();
        k.dedup();
        Ok(Value::List(k.into()))
    });
    f!("values", |a: &[Value]| -> R {
        Ok(Value::List(
            map_of(arg(a, 0, "values")?)
                .into_values()
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("pluck", |a: &[Value]| -> R {
        let key = to_str(arg(a, 0, "pluck")?);
        Ok(Value::List(
            a[1..]
                .iter()
                .filter_map(|m| entry(m, &key))
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("dig", |a: &[Value]| -> R {
        if a.len() < 3 {
            return Err(err("dig needs at least three arguments"));
        }
        let (keys, rest) = a.split_at(a.len() - 2);
        let default = rest[0].clone();
        let mut cur = rest[1].clone();
        for k in keys {
            match entry(&cur, &to_str(k)) {
                Some(v) => cur = v,
                None => return Ok(default),
            }
        }
        Ok(cur)
    });
    f!("pick", |a: &[Value]| -> R {
        let m = map_of(arg(a, 0, "pick")?);
        let keep: Vec<String> = a[1..].iter().map(to_str).collect();
        Ok(Value::Map(MapRef::new(
            m.into_iter()
                .filter(|(k, _)| keep.iter().any(|x| x == &**k))
                .collect(),
        )))
    });
    f!("omit", |a: &[Value]| -> R {
        let m = map_of(arg(a, 0, "omit")?);
        let drop: Vec<String> = a[1..].iter().map(to_str).collect();
        Ok(Value::Map(MapRef::new(
            m.into_iter()
                .filter(|(k, _)| !drop.iter().any(|x| x == &**k))
                .collect(),
        )))
    });
    for (name, overwrite) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                let dst = match arg(a, 0, name)? {
                    Value::Map(m) => m.clone(),
                    _ => MapRef::default(),
                };
                for src in &a[1..] {
                    merge_into(&dst, src, overwrite, 0)?;
                }
                Ok(Value::Map(dst))
            }),
        );
    }
    f!("deepCopy", |a: &[Value]| -> R {
        Ok(arg(a, 0, "deepCopy")?.deep_copy())
    });
    f!("mustDeepCopy", |a: &[Value]| -> R {
        Ok(arg(a, 0, "mustDeepCopy")?.deep_copy())
    });
    f!("append", |a: &[Value]| -> R {
        let mut l = list_of(arg(a, 0, "append")?);
        l.push(arg(a, 1, "append")?.clone());
        Ok(Value::List(l.into()))
    });
    f!("mustAppend", |a: &[Value]| -> R {
        let mut l = list_of(arg(a, 0, "append")?);
        l.push(arg(a, 1, "append")?.clone());
        Ok(Value::List(l.into()))
    });
    f!("prepend", |a: &[Value]| -> R {
        let mut l = list_of(arg(a, 0, "prepend")?);
        l.insert(0, arg(a, 1, "prepend")?.clone());
        Ok(Value::List(l.into()))
    });
    f!("concat", |a: &[Value]| -> R {
        Ok(Value::List(
            a.iter().flat_map(list_of).collect::<Vec<_>>().into(),
        ))
    });
    f!("first", |a: &[Value]| -> R {
        Ok(list_of(arg(a, 0, "first")?)
            .into_iter()
            .next()
            .unwrap_or(Value::Nil))
    });
    f!("last", |a: &[Value]| -> R {
        Ok(list_of(arg(a, 0, "last")?).pop().unwrap_or(Value::Nil))
    });
    f!("rest", |a: &[Value]| -> R {
        Ok(Value::List(
            list_of(arg(a, 0, "rest")?)
                .into_iter()
                .skip(1)
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("initial", |a: &[Value]| -> R {
        let mut l = list_of(arg(a, 0, "initial")?);
        l.pop();
        Ok(Value::List(l.into()))
    });
    f!("reverse", |a: &[Value]| -> R {
        let mut l = list_of(arg(a, 0, "reverse")?);
        l.reverse();
        Ok(Value::List(l.into()))
    });
    f!("uniq", |a: &[Value]| -> R {
        let mut out: Vec<Value> = Vec::new();
        for v in list_of(arg(a, 0, "uniq")?) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        Ok(Value::List(out.into()))
    });
    f!("compact", |a: &[Value]| -> R {
        Ok(Value::List(
            list_of(arg(a, 0, "compact")?)
                .into_iter()
                .filter(|v| !is_empty(v))
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("without", |a: &[Value]| -> R {
        let drop = &a[1..];
        Ok(Value::List(
            list_of(arg(a, 0, "without")?)
                .into_iter()
                .filter(|v| !drop.contains(v))
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("has", |a: &[Value]| -> R {
        Ok(Value::Bool(list_of(arg(a, 1, "has")?).contains(&a[0])))
    });
    f!("sortAlpha", |a: &[Value]| -> R {
        let mut l: Vec<String> = list_of(arg(a, 0, "sortAlpha")?)
            .iter()
            .map(to_str)
            .collect();
        l.sort();
        Ok(Value::List(
            l.iter().map(|x| s(x)).collect::<Vec<_>>().into(),
        ))
    });
    f!("join", |a: &[Value]| -> R {
        Ok(s(&list_of(arg(a, 1, "join")?)
            .iter()
            .map(to_str)
            .collect::<Vec<_>>()
            .join(&to_str(&a[0]))))
    });
    f!("split", |a: &[Value]| -> R {
        let sep = to_str(arg(a, 0, "split")?);
        let mut m = BTreeMap::new();
        for (i, p) in to_str(arg(a, 1, "split")?).split(sep.as_str()).enumerate() {
            m.insert(Arc::from(format!("_{i}").as_str()), s(p));
        }
        Ok(Value::Map(MapRef::new(m)))
    });
    f!("splitList", |a: &[Value]| -> R {
        let sep = to_str(arg(a, 0, "splitList")?);
        Ok(Value::List(
            to_str(arg(a, 1, "splitList")?)
                .split(sep.as_str())
                .map(s)
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("splitn", |a: &[Value]| -> R {
        let sep = to_str(arg(a, 0, "splitn")?);
        let n = to_int(arg(a, 1, "splitn")?).max(1) as usize;
        let mut m = BTreeMap::new();
        for (i, p) in to_str(arg(a, 2, "splitn")?)
            .splitn(n, sep.as_str())
            .enumerate()
        {
            m.insert(Arc::from(format!("_{i}").as_str()), s(p));
        }
        Ok(Value::Map(MapRef::new(m)))
    });
    f!("until", |a: &[Value]| -> R {
        Ok(Value::List(
            (0..to_int(arg(a, 0, "until")?).clamp(0, 1 << 20))
                .map(Value::Int)
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!("untilStep", |a: &[Value]| -> R {
        let (st, en, step) = (
            to_int(arg(a, 0, "untilStep")?),
            to_int(arg(a, 1, "untilStep")?),
            to_int(arg(a, 2, "untilStep")?),
        );
        let mut out = Vec::new();
        let mut i = st;
        while step != 0 && ((step > 0 && i < en) || (step < 0 && i > en)) && out.len() < 1 << 20 {
            out.push(Value::Int(i));
            i += step;
        }
        Ok(Value::List(out.into()))
    });
    f!("seq", |a: &[Value]| -> R {
        let n: Vec<i64> = a.iter().map(to_int).collect();
        let (st, step, en) = match n.as_slice() {
            [e] => (1, 1, *e),
            [b, e] => (*b, if b <= e { 1 } else { -1 }, *e),
            [b, st, e] => (*b, *st, *e),
            _ => (1, 1, 0),
        };
        let mut out = Vec::new();
        let mut i = st;
        while step != 0 && ((step > 0 && i <= en) || (step < 0 && i >= en)) && out.len() < 1 << 20 {
            out.push(i.to_string());
            i += step;
        }
        Ok(s(&out.join(" ")))
    });
    f!("regexMatch", |a: &[Value]| -> R {
        Ok(Value::Bool(
            regex(&to_str(arg(a, 0, "regexMatch")?))?.is_match(&to_str(arg(a, 1, "regexMatch")?)),
        ))
    });
    f!("mustRegexMatch", |a: &[Value]| -> R {
        Ok(Value::Bool(
            regex(&to_str(arg(a, 0, "regexMatch")?))?.is_match(&to_str(arg(a, 1, "regexMatch")?)),
        ))
    });
    f!("regexFind", |a: &[Value]| -> R {
        Ok(s(regex(&to_str(arg(a, 0, "regexFind")?))?
            .find(&to_str(arg(a, 1, "regexFind")?))
            .map(|m| m.as_str())
            .unwrap_or("")))
    });
    f!("regexFindAll", |a: &[Value]| -> R {
        let t = to_str(arg(a, 1, "regexFindAll")?);
        let n = a.get(2).map(to_int).unwrap_or(-1);
        let all: Vec<Value> = regex(&to_str(&a[0]))?
            .find_iter(&t)
            .take(if n < 0 { usize::MAX } else { n as usize })
            .map(|m| s(m.as_str()))
            .collect();
        Ok(Value::List(all.into()))
    });
    f!("regexReplaceAll", |a: &[Value]| -> R {
        let re = regex(&to_str(arg(a, 0, "regexReplaceAll")?))?;
        Ok(s(&re.replace_all(
            &to_str(arg(a, 1, "regexReplaceAll")?),
            to_str(arg(a, 2, "regexReplaceAll")?).as_str(),
        )))
    });
    f!("regexReplaceAllLiteral", |a: &[Value]| -> R {
        let re = regex(&to_str(arg(a, 0, "regexReplaceAllLiteral")?))?;
        Ok(s(&re.replace_all(
            &to_str(arg(a, 1, "regexReplaceAllLiteral")?),
            regex::NoExpand(&to_str(arg(a, 2, "regexReplaceAllLiteral")?)),
        )))
    });
    f!("regexSplit", |a: &[Value]| -> R {
        let re = regex(&to_str(arg(a, 0, "regexSplit")?))?;
        let n = to_int(arg(a, 2, "regexSplit")?);
        let t = to_str(&a[1]);
        let parts: Vec<Value> = if n < 0 {
            re.split(&t).map(s).collect()
        } else {
            re.splitn(&t, n as usize).map(s).collect()
        };
        Ok(Value::List(parts.into()))
    });
    f!("b64enc", |a: &[Value]| -> R {
        Ok(s(&b64enc(to_str(arg(a, 0, "b64enc")?).as_bytes())))
    });
    f!("b64dec", |a: &[Value]| -> R {
        Ok(s(&String::from_utf8_lossy(&b64dec(&to_str(arg(
            a, 0, "b64dec",
        )?)))))
    });
    f!("sha256sum", |a: &[Value]| -> R {
        Ok(s(&sha256(to_str(arg(a, 0, "sha256sum")?).as_bytes())))
    });
    f!("semverCompare", |a: &[Value]| -> R {
        Ok(Value::Bool(semver_compare(
            &to_str(arg(a, 0, "semverCompare")?),
            &to_str(arg(a, 1, "semverCompare")?),
        )?))
    });
    f!("kindOf", |a: &[Value]| -> R {
        Ok(s(kind_of(arg(a, 0, "kindOf")?)))
    });
    f!("kindIs", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 0, "kindIs")?) == kind_of(arg(a, 1, "kindIs")?),
        ))
    });
    f!("typeOf", |a: &[Value]| -> R {
        Ok(s(type_of(arg(a, 0, "typeOf")?)))
    });
    f!("typeIs", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 0, "typeIs")?) == type_of(arg(a, 1, "typeIs")?),
        ))
    });
    f!("deepEqual", |a: &[Value]| -> R {
        Ok(Value::Bool(
            value_to_json(arg(a, 0, "deepEqual")?) == value_to_json(arg(a, 1, "deepEqual")?),
        ))
    });
    f!("snakecase", |a: &[Value]| -> R {
        let t = to_str(arg(a, 0, "snakecase")?);
        let mut out = String::new();
        for (i, c) in t.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        Ok(s(&out.replace(['-', ' '], "_")))
    });
    f!("kebabcase", |a: &[Value]| -> R {
        let t = to_str(arg(a, 0, "kebabcase")?);
        let mut out = String::new();
        for (i, c) in t.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        }
        Ok(s(&out.replace(['_', ' '], "-")))
    });
    f!("camelcase", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 0, "camelcase")?)
            .split(['_', '-', ' '])
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .collect::<String>()))
    });
    f!("wrap", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 1, "wrap")?)))
    });
    super::crypto::register(&mut m);
    f!("now", |_a: &[Value]| -> R {
        Ok(s("1970-01-01 00:00:00 +0000 UTC"))
    });
    f!("date", |a: &[Value]| -> R {
        let _ = a;
        Ok(s("1970-01-01"))
    });
    f!("semver", |a: &[Value]| -> R {
        let v = parse_version(&to_str(arg(a, 0, "semver")?))
            .ok_or_else(|| err("invalid semantic version"))?;
        let mut m = BTreeMap::new();
        m.insert(Arc::from("Major"), Value::Int(v.0[0] as i64));
        m.insert(Arc::from("Minor"), Value::Int(v.0[1] as i64));
        m.insert(Arc::from("Patch"), Value::Int(v.0[2] as i64));
        m.insert(Arc::from("Prerelease"), s(&v.1));
        Ok(Value::Map(MapRef::new(m)))
    });
    f!("regexQuoteMeta", |a: &[Value]| -> R {
        Ok(s(&regex::escape(&to_str(arg(a, 0, "regexQuoteMeta")?))))
    });
    f!("abbrev", |a: &[Value]| -> R {
        let n = to_int(arg(a, 0, "abbrev")?).max(3) as usize;
        let t = to_str(arg(a, 1, "abbrev")?);
        Ok(s(&if t.chars().count() > n {
            t.chars().take(n - 3).collect::<String>() + "..."
        } else {
            t
        }))
    });
    f!("sha1sum", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "sha1sum")?);
        Ok(s(&sha1_smol::Sha1::from(text.as_bytes())
            .digest()
            .to_string()))
    });
    f!("fromJsonArray", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "fromJsonArray")?);
        Ok(match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v @ serde_json::Value::Array(_)) => json_to_value(&v),
            Ok(_) => Value::List(vec![s("json: cannot unmarshal into []interface {}")].into()),
            Err(e) => Value::List(vec![s(&e.to_string())].into()),
        })
    });
    f!("adler32sum", |a: &[Value]| -> R {
        let b = to_str(arg(a, 0, "adler32sum")?);
        let (mut x, mut y) = (1u32, 0u32);
        for c in b.bytes() {
            x = (x + u32::from(c)) % 65521;
            y = (y + x) % 65521;
        }
        Ok(s(&((y << 16) | x).to_string()))
    });
    // Sprig's `mustX` forms return an error where `X` would not; ours already do.
    let names: Vec<String> = m.keys().cloned().collect();
    for n in names {
        let mut c = n.chars();
        let Some(first) = c.next() else { continue };
        let must = format!("must{}{}", first.to_uppercase(), c.as_str());
        if !m.contains_key(&must) {
            let f = m[&n].clone();
            m.insert(must, f);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_constraints_as_masterminds() {
        assert!(semver_compare(">=1.21.0-0", "v1.36.0").unwrap());
        assert!(!semver_compare("<1.19", "v1.36.0").unwrap());
        assert!(semver_compare(">=1.19-0, <1.40", "1.36.0").unwrap());
        assert!(semver_compare("~1.36", "1.36.9").unwrap());
        assert!(!semver_compare("~1.36", "1.37.0").unwrap());
        assert!(semver_compare("^1.2", "1.9.0").unwrap());
        assert!(semver_compare("<1.2 || >=1.30", "1.36.0").unwrap());
        assert!(semver_compare(">= 1.25.0-0", "1.36.0").unwrap());
        assert!(semver_compare("not a constraint", "1.0.0").is_err());
    }

    #[test]
    fn base64_round_trip() {
        for s in ["", "a", "ab", "abc", "hello world!"] {
            assert_eq!(String::from_utf8(b64dec(&b64enc(s.as_bytes()))).unwrap(), s);
        }
        assert_eq!(b64enc(b"ab"), "YWI=");
    }

    #[test]
    fn functions_behave_as_sprig() {
        let lib = library();
        let call = |n: &str, a: &[Value]| lib[n](a).unwrap();
        assert_eq!(
            call("nindent", &[Value::Int(2), Value::from("a\nb")]),
            Value::from("\n  a\n  b")
        );
        assert_eq!(
            call("trunc", &[Value::Int(3), Value::from("abcdef")]),
            Value::from("abc")
        );
        assert_eq!(
            call("default", &[Value::from("d"), Value::from("")]),
            Value::from("d")
        );
        assert_eq!(call("toString", &[Value::Nil]), Value::from("<nil>"));
        assert_eq!(
            call("quote", &[Value::from("a\"b")]),
            Value::from("\"a\\\"b\"")
        );
        assert_eq!(
            call("sha256sum", &[Value::from("")]),
            Value::from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            call(
                "mustRegexReplaceAllLiteral",
                &[Value::from("a+"), Value::from("caab"), Value::from("$1")]
            ),
            Value::from("c$1b")
        );
        assert_eq!(
            call("sha1sum", &[Value::from("abc")]),
            Value::from("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
        assert!(lib["genCA"](&[]).is_err());
    }
}
